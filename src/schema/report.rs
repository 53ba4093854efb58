//! The result of a diff and its three renderings: text for a terminal, JSON
//! for tools, Markdown for a pull-request comment.

use std::fmt::Write;

use serde_json::{json, Value};

use super::change::{Change, Class};

/// How a report is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// A readable report grouped by operation (the default).
    #[default]
    Text,
    /// One JSON object, for tools.
    Json,
    /// Markdown, for a pull-request comment.
    Markdown,
}

/// The changes of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationChanges {
    /// The operation id in the old schema (in the new one for an added
    /// operation).
    pub operation_id: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The changes, breaking ones first.
    pub changes: Vec<Change>,
}

/// Every change between two schemas, from the point of view of a client
/// generated from the old one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Where the old schema was read from.
    pub old: String,
    /// Where the new schema was read from.
    pub new: String,
    /// Changes that concern the whole API: servers, title, version.
    pub api: Vec<Change>,
    /// Changes per operation, by operation id; operations without changes
    /// are left out.
    pub operations: Vec<OperationChanges>,
}

impl Report {
    /// Every change, API-level ones first.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.api
            .iter()
            .chain(self.operations.iter().flat_map(|op| op.changes.iter()))
    }

    /// Whether the schemas are equivalent.
    pub fn is_empty(&self) -> bool {
        self.changes().next().is_none()
    }

    /// How many changes of `class` there are.
    pub fn count(&self, class: Class) -> usize {
        self.changes().filter(|c| c.class() == class).count()
    }

    /// Whether any change is breaking.
    pub fn has_breaking(&self) -> bool {
        self.count(Class::Breaking) > 0
    }

    /// The exit status of `schema diff`: 1 when a change is breaking, else 0.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.has_breaking())
    }

    /// Renders the report.
    pub fn render(&self, format: OutputFormat) -> String {
        match format {
            OutputFormat::Text => self.to_text(),
            OutputFormat::Json => {
                let mut text = serde_json::to_string_pretty(&self.to_json()).unwrap_or_default();
                text.push('\n');
                text
            }
            OutputFormat::Markdown => self.to_markdown(),
        }
    }

    /// One line such as `2 breaking changes, 1 non-breaking change`.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "no changes".to_owned();
        }
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let (breaking, other) = (self.count(Class::Breaking), self.count(Class::NonBreaking));
        format!(
            "{breaking} breaking change{}, {other} non-breaking change{}",
            plural(breaking),
            plural(other)
        )
    }

    /// The report as readable text, grouped by operation.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "schema diff {} -> {}\n{}\n",
            self.old,
            self.new,
            self.summary()
        );
        let width = self
            .changes()
            .map(|c| c.kind.name().len())
            .max()
            .unwrap_or(0);
        let mut section = |title: String, changes: &[Change]| {
            let _ = writeln!(out, "\n{title}");
            for change in changes {
                let _ = writeln!(
                    out,
                    "  {:<12}  {:<width$}  {}",
                    label(change),
                    change.kind.name(),
                    change.message
                );
            }
        };
        if !self.api.is_empty() {
            section("api".to_owned(), &self.api);
        }
        for op in &self.operations {
            section(
                format!("{} ({} {})", op.operation_id, op.method, op.path),
                &op.changes,
            );
        }
        out
    }

    /// The report as a JSON value:
    /// `{old, new, breaking, summary, api: [change], operations: [{operation_id,
    /// method, path, changes: [change]}]}`, each change being `{class, kind,
    /// review, message}`.
    pub fn to_json(&self) -> Value {
        let changes = |changes: &[Change]| -> Vec<Value> {
            changes
                .iter()
                .map(|c| {
                    json!({
                        "class": c.class().name(),
                        "kind": c.kind.name(),
                        "review": c.kind.needs_review(),
                        "message": c.message,
                    })
                })
                .collect()
        };
        let operations: Vec<Value> = self
            .operations
            .iter()
            .map(|op| {
                json!({
                    "operation_id": op.operation_id,
                    "method": op.method,
                    "path": op.path,
                    "changes": changes(&op.changes),
                })
            })
            .collect();
        json!({
            "old": self.old,
            "new": self.new,
            "breaking": self.has_breaking(),
            "summary": {
                "breaking": self.count(Class::Breaking),
                "non_breaking": self.count(Class::NonBreaking),
            },
            "api": changes(&self.api),
            "operations": operations,
        })
    }

    /// The report as Markdown, for a pull-request comment.
    pub fn to_markdown(&self) -> String {
        let verdict = if self.has_breaking() {
            "Breaking changes"
        } else {
            "No breaking change"
        };
        let mut out = format!(
            "### Schema diff: {verdict}\n\n`{}` → `{}`: {}\n",
            self.old,
            self.new,
            self.summary()
        );
        let mut section = |title: String, changes: &[Change]| {
            let _ = write!(
                out,
                "\n#### {title}\n\n| class | change | detail |\n| --- | --- | --- |\n"
            );
            for change in changes {
                let message = change.message.replace('|', "\\|");
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {message} |",
                    label(change),
                    change.kind.name()
                );
            }
        };
        if !self.api.is_empty() {
            section("API".to_owned(), &self.api);
        }
        for op in &self.operations {
            section(
                format!("`{}` — `{} {}`", op.operation_id, op.method, op.path),
                &op.changes,
            );
        }
        out
    }
}

/// `breaking`, `non-breaking`, or `review` for a non-breaking change that
/// deserves a look.
fn label(change: &Change) -> &'static str {
    if change.kind.needs_review() {
        "review"
    } else {
        change.class().name()
    }
}
