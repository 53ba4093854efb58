//! `--verbose`: the library's request log, on stderr.
//!
//! Only this crate's events are shown (and reqwest's connection events at
//! `-vv`); the library logs no header and no token, so neither does this.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs a subscriber for `-v` (debug) or `-vv` (trace); none otherwise.
pub fn init(verbose: u8) {
    let directives = match verbose {
        0 => return,
        1 => "onetsolutions=debug",
        _ => "onetsolutions=trace,reqwest=debug",
    };

    let _ = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(directives))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
