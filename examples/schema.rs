//! `onet schema …` until the `onet` binary exists:
//!
//! ```text
//! cargo run --features schema --example schema -- diff OLD NEW
//! cargo run --features schema --example schema -- fetch --url URL
//! cargo run --features schema --example schema -- surface
//! ```

use std::process::ExitCode;

use clap::Parser;
use onetsolutions::schema::{run, SchemaCommand};

/// Maintain the vendored OpenAPI schema.
#[derive(Parser)]
#[command(name = "schema")]
struct Args {
    #[command(subcommand)]
    command: SchemaCommand,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    run(Args::parse().command).await
}
