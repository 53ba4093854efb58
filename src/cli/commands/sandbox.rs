//! `onet sandbox`: the API's stand-in, served in the foreground.

use crate::cli::args::SandboxArgs;
use crate::cli::exit::{Exit, Fatal};

/// Serves until Ctrl-C. Only loopback addresses are accepted: the sandbox
/// trusts a published demo token and must not be reachable from elsewhere.
pub async fn run(args: &SandboxArgs) -> Result<Exit, Fatal> {
    if !args.listen.ip().is_loopback() {
        return Err(Fatal::usage(format!(
            "--listen {}: the sandbox only listens on loopback, such as 127.0.0.1:8765",
            args.listen
        )));
    }
    Err(Fatal::usage(
        "the sandbox is not built into this version yet",
    ))
}
