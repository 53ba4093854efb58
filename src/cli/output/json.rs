//! The JSON Lines format: one object per image, then `{"summary": …}`.
//!
//! `id` and `outcome` are always present; `error` on failures only, `note`
//! only on a deletion inferred from the 404 of a retry. Inside `error` and
//! the summary every key is always present, `null` when there is nothing to
//! say, so that a script can read a field without first checking for it.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Outcome, Record, Summary};

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorFields<'a>>,
}

#[derive(Serialize)]
struct ErrorFields<'a> {
    kind: &'static str,
    status: Option<u16>,
    message: Option<&'a str>,
    request_id: Option<&'a str>,
    attempts: u32,
}

#[derive(Serialize)]
struct SummaryLine<'a> {
    summary: SummaryFields<'a>,
}

#[derive(Serialize)]
struct SummaryFields<'a> {
    total: u64,
    deleted: u64,
    absent: u64,
    failed: u64,
    failures: &'a BTreeMap<&'static str, u64>,
    elapsed_ms: u64,
    exit_code: u8,
    stopped: Option<&'a str>,
    input_error: Option<&'a str>,
}

/// `{"id":"img-1","outcome":"deleted"}`; a failure adds `error`.
pub(super) fn record(out: &mut impl Write, record: &Record) -> io::Result<()> {
    let (outcome, note, error) = match &record.outcome {
        Outcome::Deleted { note } => ("deleted", *note, None),
        Outcome::Absent => ("absent", None, None),
        Outcome::Failed(failure) => (
            "failed",
            None,
            Some(ErrorFields {
                kind: failure.kind.as_str(),
                status: failure.status,
                message: failure.message.as_deref(),
                request_id: failure.request_id.as_deref(),
                attempts: failure.attempts,
            }),
        ),
    };
    let line = Line {
        id: &record.id,
        outcome,
        note,
        error,
    };
    serde_json::to_writer(&mut *out, &line)?;
    writeln!(out)
}

/// `{"summary":{"total":3,"deleted":1,…}}`.
pub(super) fn summary(out: &mut impl Write, summary: &Summary) -> io::Result<()> {
    let line = SummaryLine {
        summary: SummaryFields {
            total: summary.total(),
            deleted: summary.deleted,
            absent: summary.absent,
            failed: summary.failed,
            failures: &summary.failures,
            elapsed_ms: u64::try_from(summary.elapsed.as_millis()).unwrap_or(u64::MAX),
            exit_code: summary.exit.code(),
            stopped: summary.stopped.as_deref(),
            input_error: summary.input_error.as_deref(),
        },
    };
    serde_json::to_writer(&mut *out, &line)?;
    writeln!(out)
}
