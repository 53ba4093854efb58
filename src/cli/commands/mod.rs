//! The subcommands, one file each.

mod completions;
mod delete;
mod sandbox;

use crate::cli::args::{Cli, Command, ImagesCommand};
use crate::cli::exit::{Exit, Fatal};

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<Exit, Fatal> {
    match cli.command {
        Command::Images(ImagesCommand::Delete(args)) => delete::run(&cli.global, args).await,
        Command::Sandbox(args) => sandbox::run(&args).await,
        Command::Completions(args) => Ok(completions::run(&args)),
    }
}
