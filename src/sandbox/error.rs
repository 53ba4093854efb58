//! Why a sandbox could not start or keep serving.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A failure to start the sandbox, or to wait for Ctrl-C in [`serve`].
///
/// [`serve`]: super::serve
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The seed file could not be read or parsed.
    #[error("invalid seed file {}: {message}", path.display())]
    Seed {
        /// The file given to [`Builder::seed_file`](super::Builder::seed_file).
        path: PathBuf,
        /// What is wrong, with the line and column when it is the JSON.
        message: String,
    },

    /// The address is not on loopback; the sandbox accepts a public demo
    /// token and must not be reachable from other machines.
    #[error("refusing to listen on {0}: the sandbox only listens on loopback")]
    NotLoopback(SocketAddr),

    /// The address could not be bound (in use, or not a local address).
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },

    /// Waiting for Ctrl-C failed, so the sandbox could not run until it.
    #[error("cannot wait for ctrl-c")]
    Signal(#[source] io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync + std::error::Error + 'static>() {}
        check::<Error>();
    }
}
