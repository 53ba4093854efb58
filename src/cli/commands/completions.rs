//! `onet completions SHELL`.

use clap::CommandFactory;

use crate::cli::args::{Cli, CompletionsArgs};
use crate::cli::exit::Exit;

/// Writes the completion script for the shell to stdout.
pub fn run(args: &CompletionsArgs) -> Exit {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "onet", &mut std::io::stdout());
    Exit::Success
}
