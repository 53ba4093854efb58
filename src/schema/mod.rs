//! The schema lifecycle: load the OpenAPI document the client is generated
//! from, compare two versions for breaking changes, refresh the vendored copy,
//! and snapshot the generated client's surface.
//!
//! ```no_run
//! use onetsolutions::schema::{diff, OutputFormat, Schema};
//!
//! let old = Schema::load("git:HEAD~1:openapi/onetsolutions.yaml")?;
//! let new = Schema::load("openapi/onetsolutions.yaml")?;
//! let report = diff(&old, &new);
//! print!("{}", report.render(OutputFormat::Text));
//! std::process::exit(report.exit_code().into());
//! # Ok::<(), onetsolutions::schema::SchemaError>(())
//! ```
//!
//! The command-line tool embeds [`SchemaCommand`]; `docs/schema-workflow.md`
//! describes the maintainer's workflow and the CI guard.

mod change;
mod command;
mod compare;
mod diff;
mod error;
mod fetch;
mod load;
mod operation;
mod record;
mod report;
mod resolve;
mod surface;
mod write;

pub use change::{Change, ChangeKind, Class};
pub use command::{
    exit_code, run, SchemaCommand, EXIT_BREAKING, EXIT_INVALID, EXIT_NETWORK, EXIT_OK,
};
pub use diff::diff;
pub use error::{ErrorKind, SchemaError};
pub use fetch::{fetch, FetchOptions, Fetched, DEFAULT_SCHEMA_PATH, DEFAULT_URL};
pub use load::{sha256_hex, Format, Schema};
pub use record::Record;
pub use report::{OperationChanges, OutputFormat, Report};
pub use surface::{operation_table, render as render_surface, surface, text_diff};
