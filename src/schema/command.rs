//! The `schema` subcommands, ready for the command-line tool to embed:
//! `onet schema fetch`, `onet schema diff` and `onet schema surface`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::diff::diff;
use super::error::{ErrorKind, SchemaError};
use super::fetch::{FetchOptions, DEFAULT_SCHEMA_PATH, DEFAULT_URL};
use super::load::Schema;
use super::report::OutputFormat;
use super::surface::render;

/// Exit status: success, and for `diff`, no breaking change.
pub const EXIT_OK: u8 = 0;
/// Exit status: `diff` found a breaking change; `fetch` could not write.
pub const EXIT_BREAKING: u8 = 1;
/// Exit status: invalid input (unreadable or invalid schema, bad URL).
pub const EXIT_INVALID: u8 = 2;
/// Exit status: the download failed (network or server), as for the other
/// commands of the tool.
pub const EXIT_NETWORK: u8 = 8;

/// Maintain the vendored OpenAPI schema.
///
/// Exit status: 0 success (for `diff`: no breaking change), 1 a breaking
/// change (for `fetch`: the files could not be written), 2 invalid input,
/// 8 the download failed.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum SchemaCommand {
    /// Download the published schema, validate it, replace the vendored copy,
    /// record its source and SHA-256, and show the changes.
    Fetch {
        /// Where the schema is published.
        #[arg(long, default_value = DEFAULT_URL)]
        url: String,
        /// The vendored copy to replace (written as YAML).
        #[arg(long, default_value = DEFAULT_SCHEMA_PATH)]
        out: PathBuf,
        /// The Markdown file recording source and SHA-256 [default: README.md
        /// beside --out].
        #[arg(long)]
        record: Option<PathBuf>,
        /// How to print the changes against the previous copy.
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Compare two schemas from the point of view of a client generated from
    /// OLD. Exit status 0: no breaking change, 1: breaking change, 2: invalid
    /// input.
    Diff {
        /// The old schema: a file, or git:REV:PATH for a committed version.
        old: String,
        /// The new schema: a file, or git:REV:PATH.
        new: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Print the public surface of the client generated from a schema, as
    /// committed in openapi/surface.txt.
    Surface {
        /// The schema: a file, or git:REV:PATH.
        #[arg(default_value = DEFAULT_SCHEMA_PATH)]
        schema: String,
    },
}

impl SchemaCommand {
    /// Runs the command, printing results to `stdout` and messages to
    /// `stderr`, and returns the exit status.
    pub async fn execute(
        &self,
        stdout: &mut (dyn Write + Send),
        stderr: &mut (dyn Write + Send),
    ) -> u8 {
        let result = match self {
            SchemaCommand::Fetch {
                url,
                out,
                record,
                format,
            } => {
                let mut options = FetchOptions::new(url, out);
                if let Some(record) = record {
                    options = options.record(record);
                }
                fetch(options, *format, stdout, stderr).await
            }
            SchemaCommand::Diff { old, new, format } => Schema::load(old)
                .and_then(|old| Ok((old, Schema::load(new)?)))
                .map(|(old, new)| {
                    let report = diff(&old, &new);
                    let _ = stdout.write_all(report.render(*format).as_bytes());
                    report.exit_code()
                }),
            SchemaCommand::Surface { schema } => Schema::load(schema).map(|schema| {
                let _ = stdout.write_all(render(&schema).as_bytes());
                EXIT_OK
            }),
        };
        match result {
            Ok(code) => code,
            Err(error) => {
                let _ = writeln!(stderr, "error: {error}");
                exit_code(&error)
            }
        }
    }
}

async fn fetch(
    options: FetchOptions,
    format: OutputFormat,
    stdout: &mut (dyn Write + Send),
    stderr: &mut (dyn Write + Send),
) -> Result<u8, SchemaError> {
    let fetched = options.fetch().await?;
    let location = fetched.schema.location().to_owned();
    let status = if fetched.changed {
        "updated"
    } else {
        "unchanged"
    };
    let _ = writeln!(
        stderr,
        "{location}: {status}, sha256 {}",
        fetched.schema.sha256()
    );
    let _ = writeln!(
        stderr,
        "{}: source and sha256 recorded",
        fetched.record.display()
    );

    match &fetched.report {
        Some(report) => {
            let _ = stdout.write_all(report.render(format).as_bytes());
            if report.has_breaking() {
                let _ = writeln!(
                    stderr,
                    "breaking changes: review them, then acknowledge sha256 {} \
                     in openapi/ACKNOWLEDGED",
                    fetched.schema.sha256()
                );
            }
        }
        None => {
            let _ = writeln!(stderr, "{location}: no previous valid copy to compare with");
        }
    }
    Ok(EXIT_OK)
}

/// The exit status for an error.
pub fn exit_code(error: &SchemaError) -> u8 {
    match error.kind() {
        ErrorKind::Network => EXIT_NETWORK,
        ErrorKind::Write => EXIT_BREAKING,
        _ => EXIT_INVALID,
    }
}

/// Runs `command` on the process's standard output and error.
pub async fn run(command: SchemaCommand) -> ExitCode {
    let code = command
        .execute(&mut std::io::stdout(), &mut std::io::stderr())
        .await;
    ExitCode::from(code)
}
