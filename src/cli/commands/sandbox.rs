//! `onet sandbox`: the API's stand-in, served in the foreground.

use std::error::Error as _;

use crate::cli::args::SandboxArgs;
use crate::cli::exit::{Exit, Fatal};
use crate::sandbox::{self, Sandbox, Seed};

/// Serves the demo world, or the seed file's, until Ctrl-C. The sandbox
/// itself refuses addresses off loopback: it trusts a published demo token.
pub async fn run(args: &SandboxArgs) -> Result<Exit, Fatal> {
    let builder = Sandbox::builder().listen(args.listen);
    let builder = match &args.seed {
        Some(path) => builder.seed_file(path),
        None => builder.seed(Seed::demo()),
    };

    sandbox::serve(builder).await.map_err(|error| {
        let mut message = error.to_string();
        if let Some(source) = error.source() {
            message = format!("{message}: {source}");
        }
        let exit = match error {
            sandbox::Error::Signal(_) => Exit::Mixed,
            _ => Exit::Usage,
        };
        Fatal { exit, message }
    })?;
    Ok(Exit::Success)
}
