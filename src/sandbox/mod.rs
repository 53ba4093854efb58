//! A stateful stand-in for the OnetSolutions API, for tests and local demos.
//!
//! The sandbox serves the documented delete route on loopback with the
//! documented behaviour, holding images and tokens in memory:
//!
//! | request | answer |
//! |---|---|
//! | no, malformed or unknown bearer token | 401 |
//! | over the rate limit, when one is set | 429 with `Retry-After` |
//! | token not allowed in the organization | 403 |
//! | image unknown, or in another organization or project | 404 |
//! | public platform image | 403 |
//! | image in use | 409 |
//! | otherwise | 204, and the image is gone |
//!
//! Refusals carry a JSON body `{"message": …, "code": …}`, and every response
//! an `x-request-id`. Other paths answer 404 and other methods 405. Each path
//! parameter is exactly one percent-decoded segment, so `a%2Fb` is the id
//! `a/b`. Scripted [`Fault`]s reproduce what networks, proxies and failing
//! servers do, and the request log shows what clients really sent.
//!
//! ```
//! use onetsolutions::sandbox::{Image, Sandbox, Token};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::builder()
//!     .token(Token::new("sk-test").organization("org-1"))
//!     .image(Image::private("org-1", "proj-1", "img-1"))
//!     .start()
//!     .await?;
//!
//! let url = format!(
//!     "{}/v1/organizations/org-1/projects/proj-1/compute/images/img-1",
//!     sandbox.base_url()
//! );
//! let response = reqwest::Client::new()
//!     .delete(url)
//!     .bearer_auth("sk-test")
//!     .send()
//!     .await?;
//!
//! assert_eq!(response.status(), 204);
//! assert!(sandbox.images().is_empty());
//! assert_eq!(sandbox.requests()[0].status, Some(204));
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod answers;
mod builder;
mod error;
mod faults;
mod limiter;
mod record;
mod routes;
mod seed;
mod serve;
mod server;
mod state;
mod wire;

use std::net::SocketAddr;

pub use crate::rate_limit::RateLimit;
pub use builder::Builder;
pub use error::Error;
pub use faults::Fault;
pub use record::RecordedRequest;
pub use seed::{Seed, DEMO_TOKEN};
pub use serve::{serve, serve_until};
pub use state::{Image, Token, Visibility};

use routes::App;
use server::Server;

/// A running sandbox. It stops on [`Sandbox::shutdown`] or when dropped.
#[derive(Debug)]
pub struct Sandbox {
    local_addr: SocketAddr,
    base_url: String,
    app: App,
    server: Server,
}

impl Sandbox {
    /// Starts configuring a sandbox; see [`Builder`] for the defaults.
    pub fn builder() -> Builder {
        Builder::default()
    }

    fn new(local_addr: SocketAddr, app: App, server: Server) -> Self {
        Sandbox {
            local_addr,
            base_url: format!("http://{local_addr}"),
            app,
            server,
        }
    }

    /// The URL to give a client, such as `http://127.0.0.1:41235`, without a
    /// trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the sandbox listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The images that remain, in the order they were added.
    pub fn images(&self) -> Vec<Image> {
        self.app.images().images()
    }

    /// Adds an image while the sandbox runs.
    pub fn add_image(&self, image: Image) {
        self.app.images().add_image(image);
    }

    /// Accepts another token while the sandbox runs.
    pub fn add_token(&self, token: Token) {
        self.app.images().add_token(token);
    }

    /// Every request received so far, in arrival order, with its answer.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.app.log.all()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.app.log.clear();
    }

    /// Queues a fault. Each delete takes the first queued fault that matches
    /// it (see [`Fault::for_image`]), before authentication and the rate
    /// limiter, and uses it up after [`Fault::times`] requests.
    pub fn push_fault(&self, fault: Fault) {
        self.app.faults().push(fault);
    }

    /// How many faults are still queued.
    pub fn pending_faults(&self) -> usize {
        self.app.faults().len()
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.app.faults().clear();
    }

    /// Stops accepting connections, gives in-flight requests up to a second
    /// to finish, closes every connection and waits until all of it is done.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
        tracing::debug!(local_addr = %self.local_addr, "sandbox stopped");
    }
}
