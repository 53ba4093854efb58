//! What `images delete` prints: one record per image, then a summary.
//!
//! The records go to stdout, as text lines or JSON Lines. The summary goes
//! to stderr in text mode, so that stdout stays a plain list, and is the
//! last line of stdout in JSON mode, so that a script reads one stream.

mod json;
mod text;

use std::collections::BTreeMap;
use std::error::Error as _;
use std::io::{self, Write};
use std::time::Duration;

use crate::bulk::BulkOutcome;
use crate::cli::args::OutputFormat;
use crate::cli::exit::{Exit, ExitTally};
use crate::cli::ids::Rejected;
use crate::error::{Error, ErrorKind};
use crate::images::Deletion;

/// The note on a deletion inferred from the 404 of a retry.
pub const GONE_AFTER_RETRY: &str = "gone after an unanswered attempt";

/// What happened to one image.
#[derive(Debug)]
pub struct Record {
    /// The id as given.
    pub id: String,
    /// Its outcome.
    pub outcome: Outcome,
}

/// The three outcomes a script branches on.
#[derive(Debug)]
pub enum Outcome {
    /// The image is now deleted. `note` says when that is inferred: the
    /// 404 of a retry after an attempt that got no answer.
    Deleted {
        /// Why the deletion is inferred rather than seen, if it is.
        note: Option<&'static str>,
    },
    /// The image was not there, and `--if-exists` counts that as done.
    Absent,
    /// The delete failed.
    Failed(Failure),
}

/// Why a delete failed, in the fields the JSON output carries.
#[derive(Debug)]
pub struct Failure {
    /// What kind of failure it was.
    pub kind: ErrorKind,
    /// The HTTP status, when an answer arrived.
    pub status: Option<u16>,
    /// The server's message, or what was wrong locally.
    pub message: Option<String>,
    /// The server's request id, to quote to support.
    pub request_id: Option<String>,
    /// How many requests were sent; 0 when the id was refused before sending.
    pub attempts: u32,
}

impl From<BulkOutcome> for Record {
    fn from(outcome: BulkOutcome) -> Self {
        let outcome_kind = match outcome.result {
            Ok(Deletion::AlreadyAbsent) => Outcome::Absent,
            Ok(Deletion::GoneAfterRetry) => Outcome::Deleted {
                note: Some(GONE_AFTER_RETRY),
            },
            // Any other way of ending with the image gone is a deletion.
            Ok(_) => Outcome::Deleted { note: None },
            Err(error) => Outcome::Failed(Failure::from(&error)),
        };
        Self {
            id: outcome.id,
            outcome: outcome_kind,
        }
    }
}

impl From<Rejected> for Record {
    fn from(line: Rejected) -> Self {
        Self {
            id: line.text,
            outcome: Outcome::Failed(Failure {
                kind: ErrorKind::InvalidInput,
                status: None,
                message: Some(line.reason),
                request_id: None,
                attempts: 0,
            }),
        }
    }
}

impl From<&Error> for Failure {
    fn from(error: &Error) -> Self {
        Self {
            kind: error.kind(),
            status: error.status(),
            message: error.message().map(str::to_owned).or_else(|| causes(error)),
            request_id: error.request_id().map(str::to_owned),
            attempts: error.attempts(),
        }
    }
}

/// The chain of lower-level causes, for failures without a server message
/// such as a refused connection.
fn causes(error: &Error) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut cause = error.source();
    while let Some(current) = cause {
        let text = current.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        cause = current.source();
    }
    (!parts.is_empty()).then(|| parts.join(": "))
}

/// The counts of a batch, and why it ended early if it did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Images deleted.
    pub deleted: u64,
    /// Images that were already absent.
    pub absent: u64,
    /// Images whose delete failed.
    pub failed: u64,
    /// Failures by kind, in a stable order.
    pub failures: BTreeMap<&'static str, u64>,
    /// How long the batch took.
    pub elapsed: Duration,
    /// Why the batch stopped taking ids before the end of the input.
    pub stopped: Option<String>,
    /// A problem with the input itself, such as a read error.
    pub input_error: Option<String>,
    /// The status the process exits with.
    pub exit: Exit,
}

impl Summary {
    /// Counts one record.
    pub fn count(&mut self, record: &Record, tally: &mut ExitTally) {
        match &record.outcome {
            Outcome::Deleted { .. } => self.deleted += 1,
            Outcome::Absent => self.absent += 1,
            Outcome::Failed(failure) => {
                self.failed += 1;
                *self.failures.entry(failure.kind.as_str()).or_default() += 1;
                tally.add(Exit::for_kind(failure.kind));
            }
        }
    }

    /// How many records were counted.
    pub fn total(&self) -> u64 {
        self.deleted + self.absent + self.failed
    }
}

/// Writes records and the summary in the chosen format.
pub struct Report<W> {
    format: OutputFormat,
    out: W,
}

impl<W: Write> Report<W> {
    /// A report written to `out`, usually stdout.
    pub fn new(format: OutputFormat, out: W) -> Self {
        Self { format, out }
    }

    /// Writes one record as one line, and flushes it, so that a script
    /// reading the output sees each image as soon as it is done.
    pub fn record(&mut self, record: &Record) -> io::Result<()> {
        match self.format {
            OutputFormat::Text => text::record(&mut self.out, record)?,
            OutputFormat::Json => json::record(&mut self.out, record)?,
        }
        self.out.flush()
    }

    /// Writes the summary: to `err` in text mode, to the output in JSON mode.
    pub fn summary(&mut self, summary: &Summary, err: &mut impl Write) -> io::Result<()> {
        match self.format {
            OutputFormat::Text => text::summary(err, summary)?,
            OutputFormat::Json => json::summary(&mut self.out, summary)?,
        }
        self.out.flush()
    }
}
