//! The client and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, AUTHORIZATION};

use crate::base_url::{self, DEFAULT_BASE_URL};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::generated;
use crate::images::Images;
use crate::rate_limit::{Limiter, RateLimit};
use crate::retry::RetryPolicy;

/// The `User-Agent` every request carries.
pub const USER_AGENT: &str = concat!("onetsolutions-rust/", env!("CARGO_PKG_VERSION"));

/// The environment variable the builder reads the base URL from when none is given.
pub const BASE_URL_ENV: &str = "ONETSOLUTIONS_BASE_URL";

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A configured connection to the OnetSolutions API.
///
/// Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

struct Shared {
    generated: generated::Client,
    base_url: String,
    credentials: Credentials,
    retry: RetryPolicy,
    limiter: Option<Limiter>,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The images of one project of one organization.
    pub fn images(&self, organization: impl Into<String>, project: impl Into<String>) -> Images {
        Images::new(self.clone(), organization.into(), project.into())
    }

    /// The generated client underneath, for operations this layer does not
    /// wrap yet. It sends the same credentials and user agent, but without
    /// retries or error classification.
    pub fn generated(&self) -> &generated::Client {
        &self.shared.generated
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The retry policy every call follows.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.shared.retry
    }

    /// The token, for keeping it out of what a server sends back.
    pub(crate) fn secret(&self) -> &str {
        self.shared.credentials.secret()
    }

    /// Waits for the client-side rate limiter, shared by all clones.
    pub(crate) async fn wait_for_rate_limit(&self) {
        if let Some(limiter) = &self.shared.limiter {
            limiter.acquire().await;
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("credentials", &self.shared.credentials)
            .field("retry", &self.shared.retry)
            .field("rate_limited", &self.shared.limiter.is_some())
            .finish_non_exhaustive()
    }
}

/// Configuration for a [`Client`]; every setting has a default.
#[must_use]
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    base_url: Option<String>,
    credentials: Option<Credentials>,
    allow_http: bool,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    rate_limit: RateLimit,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            credentials: None,
            allow_http: false,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::standard(),
            rate_limit: RateLimit::documented(),
        }
    }
}

impl ClientBuilder {
    /// The API's base URL; a path prefix such as `https://gw.example/onet/`
    /// is kept. Default: `ONETSOLUTIONS_BASE_URL` when it is set, else
    /// `https://api.onetsolutions.net`. An explicit value always wins.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The API key or JWT to send. Default: read from `ONETSOLUTIONS_TOKEN`
    /// when the client is built. An explicit value always wins.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Allows a plain `http` base URL on a non-loopback host, sending the
    /// token unencrypted. Default: false; loopback hosts are always allowed.
    pub fn danger_allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// How long to wait for a connection. Default: 10 seconds.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from sending the request to the end of
    /// the response. Default: 30 seconds.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// When and how failed calls are retried. Default:
    /// [`RetryPolicy::standard`]; [`RetryPolicy::disabled`] turns it off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The request rate the client keeps under, across all its clones.
    /// Default: [`RateLimit::documented`], 100 a second and 1000 a minute.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// An `InvalidInput` error when the base URL (given, or from
    /// `ONETSOLUTIONS_BASE_URL`) is malformed, has no scheme, ends in `/v1`,
    /// or uses plain http where that is not allowed; when no credentials
    /// were given and `ONETSOLUTIONS_TOKEN` is unset or invalid; or when a
    /// timeout is zero.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = match self.base_url {
            Some(url) => base_url::normalize(&url, self.allow_http)?,
            None => match std::env::var(BASE_URL_ENV) {
                Ok(url) => base_url::normalize(&url, self.allow_http).map_err(|e| {
                    Error::invalid_input(format!(
                        "{BASE_URL_ENV}: {}",
                        e.message().unwrap_or("invalid base url")
                    ))
                })?,
                Err(_) => base_url::normalize(DEFAULT_BASE_URL, false)?,
            },
        };
        let credentials = match self.credentials {
            Some(credentials) => credentials,
            None => Credentials::from_env()?,
        };
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(Error::invalid_input("timeouts must be greater than zero"));
        }

        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, credentials.header_value());
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .default_headers(headers)
            // A redirect is reported, never followed: the token stays with
            // the configured host.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .build()
            .map_err(|e| Error::invalid_input(format!("cannot build the http client: {e}")))?;

        Ok(Client {
            shared: Arc::new(Shared {
                generated: generated::Client::new_with_client(&base_url, http),
                base_url,
                credentials,
                retry: self.retry,
                limiter: Limiter::new(self.rate_limit),
            }),
        })
    }
}
