//! The one table the report prints: a row per figure, markdown, so that it
//! can be pasted into BENCHMARKS.md as it is.

/// Whether a row meets its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Missed,
    /// Informational rows, or targets that could not be judged.
    None,
}

impl Verdict {
    pub fn of(met: bool) -> Self {
        if met {
            Verdict::Met
        } else {
            Verdict::Missed
        }
    }

    fn text(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::Missed => "**missed**",
            Verdict::None => "",
        }
    }
}

/// One line of the table.
pub struct Row {
    pub figure: String,
    pub what: String,
    pub value: String,
    pub target: String,
    pub verdict: Verdict,
}

/// The rows gathered so far, printed at the end.
#[derive(Default)]
pub struct Table {
    rows: Vec<Row>,
}

impl Table {
    /// Adds a row with a target.
    pub fn judged(&mut self, figure: &str, what: &str, value: String, target: &str, met: bool) {
        self.rows.push(Row {
            figure: figure.into(),
            what: what.into(),
            value,
            target: target.into(),
            verdict: Verdict::of(met),
        });
    }

    /// Adds a row that only informs.
    pub fn info(&mut self, figure: &str, what: &str, value: String) {
        self.rows.push(Row {
            figure: figure.into(),
            what: what.into(),
            value,
            target: String::new(),
            verdict: Verdict::None,
        });
    }

    /// The table as markdown, columns padded so that it also reads as text.
    pub fn render(&self) -> String {
        let header = ["#", "figure", "value", "target", "verdict"];
        let cells: Vec<[&str; 5]> = self
            .rows
            .iter()
            .map(|r| {
                let verdict = r.verdict.text();
                [
                    &r.figure[..],
                    &r.what[..],
                    &r.value[..],
                    &r.target[..],
                    verdict,
                ]
            })
            .collect();

        let mut widths = header.map(str::len);
        for row in &cells {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }

        let line = |row: [&str; 5]| {
            let padded: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            format!("| {} |\n", padded.join(" | "))
        };
        let mut out = line(header);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&format!("|-{}-|\n", rule.join("-|-")));
        for row in cells {
            out.push_str(&line(row));
        }
        out
    }
}

/// A duration in microseconds with one decimal.
pub fn micros(d: std::time::Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// A duration in seconds with two decimals.
pub fn seconds(d: std::time::Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// A number with thin thousands separators, such as `10 000`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}
