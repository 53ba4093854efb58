//! The `onet` command-line tool, behind the `cli` feature.
//!
//! `src/bin/onet.rs` only calls [`main`]; everything else lives here, one
//! concept per file: the command line, configuration, reading ids, output,
//! progress, exit codes and the subcommands.

mod args;
mod commands;
mod config;
mod exit;
mod ids;
mod logging;
mod output;
mod progress;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// Parses the command line, runs the command and returns its exit status.
pub fn main() -> ExitCode {
    // Usage errors exit here with status 2, `--help` with 0.
    let cli = args::Cli::parse();
    logging::init(cli.global.verbose);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot start the runtime: {error}"
            );
            return exit::Exit::Failure.into();
        }
    };
    let result = runtime.block_on(commands::run(cli));

    // A read of stdin still blocked on a terminal must not hold the exit.
    runtime.shutdown_background();

    match result {
        Ok(exit) => exit,
        Err(fatal) => {
            let _ = writeln!(std::io::stderr(), "error: {fatal}");
            fatal.exit.into()
        }
    }
}
