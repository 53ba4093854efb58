//! The subcommands, one file each.

mod completions;
mod delete;
mod sandbox;

use std::process::ExitCode;

use crate::cli::args::{Cli, Command, ImagesCommand};
use crate::cli::exit::Fatal;

/// Runs the parsed command line and returns the status to exit with.
pub async fn run(cli: Cli) -> Result<ExitCode, Fatal> {
    let exit = match cli.command {
        Command::Images(ImagesCommand::Delete(args)) => delete::run(&cli.global, args).await?,
        Command::Sandbox(args) => sandbox::run(&args).await?,
        Command::Completions(args) => completions::run(&args),
        Command::Schema(command) => return Ok(crate::schema::run(command).await),
    };
    Ok(exit.into())
}
