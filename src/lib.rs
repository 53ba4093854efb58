#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod base_url;
mod bulk;
mod client;
mod credentials;
mod error;
mod hooks;
mod images;
mod path_param;
mod rate_limit;
mod response_body;
mod retry;
mod retry_after;

#[cfg(feature = "cli")]
pub mod cli;
pub mod generated;
#[cfg(feature = "httpmock")]
pub mod mock;
#[cfg(feature = "sandbox")]
pub mod sandbox;

pub use base_url::DEFAULT_BASE_URL;
pub use bulk::{BulkOptions, BulkOutcome};
pub use client::{Client, ClientBuilder, BASE_URL_ENV, USER_AGENT};
pub use credentials::{Credentials, TOKEN_ENV};
pub use error::{Error, ErrorKind};
pub use images::{Deletion, Images};
pub use path_param::MAX_PATH_PARAM_BYTES;
pub use rate_limit::RateLimit;
pub use response_body::ERROR_BODY_LIMIT;
pub use retry::RetryPolicy;
#[cfg(feature = "schema")]
pub mod schema;
