//! Configuring a sandbox before it starts.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;

use super::faults::Fault;
use super::limiter::Limiter;
use super::routes::{self, Shared};
use super::seed::Seed;
use super::server::Server;
use super::state::{Image, Token};
use super::{Error, Sandbox};
use crate::rate_limit::RateLimit;

/// Builds a [`Sandbox`]: what it holds, where it listens, how it misbehaves.
///
/// Every setter adds to or replaces one part; nothing is read until
/// [`Builder::start`].
#[must_use]
#[derive(Debug, Default)]
pub struct Builder {
    seed: Seed,
    seed_files: Vec<PathBuf>,
    rate_limit: Option<RateLimit>,
    faults: Vec<Fault>,
    listen: Option<SocketAddr>,
}

impl Builder {
    /// Accepts this token. Default: no tokens, so every request answers 401.
    pub fn token(mut self, token: Token) -> Self {
        self.seed.tokens.push(token);
        self
    }

    /// Holds this image. Default: no images, so every delete answers 404.
    pub fn image(mut self, image: Image) -> Self {
        self.seed.images.push(image);
        self
    }

    /// Adds the tokens and images of `seed`, and its rate limit unless
    /// [`Builder::rate_limit`] sets one.
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed.tokens.extend(seed.tokens);
        self.seed.images.extend(seed.images);
        self.seed.rate_limit = seed.rate_limit.or(self.seed.rate_limit);
        self
    }

    /// Adds a seed file (see [`Seed`] for the format), read when the sandbox
    /// starts; [`Builder::start`] reports a missing or invalid file.
    pub fn seed_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.seed_files.push(path.into());
        self
    }

    /// Limits each token's requests. Default: off, since the schema does not
    /// document 429 for the delete operation.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Queues a fault before the first request (see [`Sandbox::push_fault`]).
    /// Default: none.
    pub fn fault(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }

    /// Listens on `addr`, which must be on loopback. Default: `127.0.0.1:0`,
    /// a free port chosen by the system (see [`Sandbox::base_url`]).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = Some(addr);
        self
    }

    /// Reads the seed files, binds the address and starts serving on the
    /// current tokio runtime.
    ///
    /// # Errors
    /// [`Error::Seed`] for a bad seed file, [`Error::NotLoopback`] for an
    /// address off loopback, [`Error::Bind`] if the address cannot be bound.
    pub async fn start(self) -> Result<Sandbox, Error> {
        let mut seed = self.seed;
        for path in &self.seed_files {
            let file = Seed::from_file(path)?;
            seed.tokens.extend(file.tokens);
            seed.images.extend(file.images);
            seed.rate_limit = file.rate_limit.or(seed.rate_limit);
        }

        let addr = self
            .listen
            .unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
        if !addr.ip().is_loopback() {
            return Err(Error::NotLoopback(addr));
        }
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| Error::Bind { addr, source })?;

        let shared = Arc::new(Shared::default());
        {
            let mut images = shared.images();
            seed.tokens.into_iter().for_each(|t| images.add_token(t));
            seed.images.into_iter().for_each(|i| images.add_image(i));
        }
        if let Some(limit) = self.rate_limit.or(seed.rate_limit) {
            *shared.limiter.lock().expect("not yet shared") = Some(Limiter::new(limit));
        }
        self.faults
            .into_iter()
            .for_each(|f| shared.faults().push(f));

        let server = Server::spawn(listener, routes::router(shared.clone()));
        tracing::debug!(%local_addr, "sandbox started");
        Ok(Sandbox::new(local_addr, shared, server))
    }
}
