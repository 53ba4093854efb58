//! Runs the sandbox in the foreground until Ctrl-C.
//!
//! ```text
//! cargo run --example sandbox --features sandbox -- [--listen 127.0.0.1:PORT]
//!     [--seed FILE] [--rate-limit] [--answer-undocumented STATUS]
//! ```
//!
//! Without `--seed` it serves the demo world (see `Seed::demo`). With
//! `--answer-undocumented 418` every delete answers that status instead: a
//! deliberately broken sandbox, used to show that `.ci/conformance` fails.

use std::net::SocketAddr;
use std::process::ExitCode;

use onetsolutions::sandbox::{self, Fault, RateLimit, Sandbox, Seed};

const USAGE: &str = "usage: sandbox [--listen ADDR] [--seed FILE] [--rate-limit] \
                     [--answer-undocumented STATUS]";

#[tokio::main]
async fn main() -> ExitCode {
    let builder = match parse(std::env::args().skip(1)) {
        Ok(builder) => builder,
        Err(message) => {
            eprintln!("sandbox: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    match sandbox::serve(builder).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sandbox: {error}");
            ExitCode::FAILURE
        }
    }
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<sandbox::Builder, String> {
    let mut builder = Sandbox::builder();
    let mut seeded = false;

    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        builder = match arg.as_str() {
            "--listen" => {
                let addr: SocketAddr = value("--listen")?
                    .parse()
                    .map_err(|e| format!("--listen: {e}"))?;
                builder.listen(addr)
            }
            "--seed" => {
                seeded = true;
                builder.seed_file(value("--seed")?)
            }
            "--rate-limit" => builder.rate_limit(RateLimit::documented()),
            "--answer-undocumented" => {
                let status: u16 = value("--answer-undocumented")?
                    .parse()
                    .map_err(|e| format!("--answer-undocumented: {e}"))?;
                if !(100..=999).contains(&status) {
                    return Err(format!("--answer-undocumented: {status} is not a status"));
                }
                builder.fault(Fault::status(status).forever())
            }
            "-h" | "--help" => return Err("help".into()),
            other => return Err(format!("unknown argument {other:?}")),
        };
    }

    if !seeded {
        builder = builder.seed(Seed::demo());
    }
    Ok(builder)
}
