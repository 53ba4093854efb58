//! Where the base URL and the token come from, and the client built of them.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use crate::cli::args::GlobalArgs;
use crate::cli::exit::Fatal;
use crate::client::Client;
use crate::credentials::{Credentials, TOKEN_ENV};
use crate::error::Error;
use crate::rate_limit::RateLimit;
use crate::retry::RetryPolicy;

/// A token file larger than this is surely the wrong file.
const TOKEN_FILE_LIMIT: u64 = 64 * 1024;

/// How the client of one command is set up, apart from the global options.
#[derive(Clone, Copy, Debug)]
pub struct Connection {
    /// How long one attempt may take.
    pub timeout: Duration,
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// The request rate to stay under.
    pub rate_limit: RateLimit,
}

/// Builds the client from `--base-url` (or `ONETSOLUTIONS_BASE_URL`) and the
/// token, refusing a bad base URL or a missing token before any request.
pub fn client(global: &GlobalArgs, connection: Connection) -> Result<Client, Fatal> {
    let (credentials, source) = credentials(global.token_file.as_deref())?;

    let mut builder = Client::builder()
        .credentials(credentials)
        .timeout(connection.timeout)
        .retry(RetryPolicy::standard().max_attempts(connection.max_attempts))
        .rate_limit(connection.rate_limit);
    if let Some(base_url) = &global.base_url {
        builder = builder.base_url(base_url);
    }
    let client = builder.build().map_err(|e| Fatal::usage(describe(&e)))?;

    tracing::debug!(
        base_url = client.base_url(),
        token_from = source,
        timeout_ms = connection.timeout.as_millis() as u64,
        max_attempts = connection.max_attempts,
        rate_limit = ?connection.rate_limit,
        "client configured"
    );
    Ok(client)
}

/// The token from `--token-file` when given, otherwise from the environment,
/// with a description of where it came from that is safe to log.
fn credentials(token_file: Option<&Path>) -> Result<(Credentials, &'static str), Fatal> {
    if let Some(path) = token_file {
        let credentials = Credentials::new(read_token_file(path)?).map_err(|e| {
            Fatal::usage(format!("token file {}: {}", path.display(), describe(&e)))
        })?;
        return Ok((credentials, "--token-file"));
    }

    match std::env::var(TOKEN_ENV) {
        Ok(token) => {
            let credentials = Credentials::new(token)
                .map_err(|e| Fatal::usage(format!("{TOKEN_ENV}: {}", describe(&e))))?;
            Ok((credentials, TOKEN_ENV))
        }
        Err(std::env::VarError::NotPresent) => Err(Fatal::usage(format!(
            "no token: set {TOKEN_ENV}, or pass --token-file PATH"
        ))),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Fatal::usage(format!("{TOKEN_ENV} is not valid unicode")))
        }
    }
}

fn read_token_file(path: &Path) -> Result<String, Fatal> {
    let cannot = |e: std::io::Error| {
        Fatal::usage(format!(
            "cannot read the token file {}: {e}",
            path.display()
        ))
    };

    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut token = String::new();
    file.take(TOKEN_FILE_LIMIT + 1)
        .read_to_string(&mut token)
        .map_err(cannot)?;
    if token.len() as u64 > TOKEN_FILE_LIMIT {
        return Err(Fatal::usage(format!(
            "the token file {} is larger than {TOKEN_FILE_LIMIT} bytes: is it the right file?",
            path.display()
        )));
    }
    Ok(token)
}

/// What was wrong, without the library's "invalid input:" prefix.
fn describe(error: &Error) -> String {
    error
        .message()
        .map_or_else(|| error.to_string(), str::to_owned)
}
