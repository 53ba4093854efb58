//! The text format: one line per image on stdout, the summary on stderr.

use std::io::{self, Write};

use super::{Outcome, Record, Summary};

/// `deleted  img-1`, `absent   img-2`, or
/// `failed   img-3: in use (409): image is in use [request id r-1]`.
pub(super) fn record(out: &mut impl Write, record: &Record) -> io::Result<()> {
    let id = printable(&record.id);
    let failure = match &record.outcome {
        Outcome::Deleted { note: None } => return writeln!(out, "deleted  {id}"),
        Outcome::Deleted { note: Some(note) } => return writeln!(out, "deleted  {id} ({note})"),
        Outcome::Absent => return writeln!(out, "absent   {id}"),
        Outcome::Failed(failure) => failure,
    };

    write!(out, "failed   {id}: {}", failure.kind)?;
    if let Some(status) = failure.status {
        write!(out, " ({status})")?;
    }
    if let Some(message) = &failure.message {
        write!(out, ": {message}")?;
    }
    if failure.attempts > 1 {
        write!(out, " after {} attempts", failure.attempts)?;
    }
    if let Some(request_id) = &failure.request_id {
        write!(out, " [request id {request_id}]")?;
    }
    writeln!(out)
}

/// `3 images: 1 deleted, 1 absent, 1 failed (in use: 1) in 0.04s`, then
/// why the batch stopped early or could not read all of its input.
pub(super) fn summary(err: &mut impl Write, summary: &Summary) -> io::Result<()> {
    let total = summary.total();
    let noun = if total == 1 { "image" } else { "images" };
    write!(
        err,
        "{total} {noun}: {} deleted, {} absent, {} failed",
        summary.deleted, summary.absent, summary.failed
    )?;
    if !summary.failures.is_empty() {
        let kinds: Vec<String> = summary
            .failures
            .iter()
            .map(|(kind, count)| format!("{kind}: {count}"))
            .collect();
        write!(err, " ({})", kinds.join(", "))?;
    }
    writeln!(err, " in {:.2}s", summary.elapsed.as_secs_f64())?;

    if let Some(reason) = &summary.stopped {
        writeln!(err, "stopped early: {reason}")?;
    }
    if let Some(error) = &summary.input_error {
        writeln!(err, "error: {error}")?;
    }
    Ok(())
}

/// The id as it is, unless it holds control characters, which are escaped
/// so that one record stays one line.
fn printable(id: &str) -> std::borrow::Cow<'_, str> {
    if id.chars().any(char::is_control) {
        id.escape_debug().to_string().into()
    } else {
        id.into()
    }
}

#[cfg(test)]
mod tests {
    use super::super::Failure;
    use super::*;
    use crate::error::ErrorKind;

    fn line(record: &Record) -> String {
        let mut out = Vec::new();
        super::record(&mut out, record).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_failure_is_one_line_with_everything_known() {
        let record = Record {
            id: "img\n2".into(),
            outcome: Outcome::Failed(Failure {
                kind: ErrorKind::Server,
                status: Some(503),
                message: Some("try later".into()),
                request_id: Some("r-1".into()),
                attempts: 3,
            }),
        };
        assert_eq!(
            line(&record),
            "failed   img\\n2: server error (503): try later after 3 attempts [request id r-1]\n"
        );
    }
}
