//! The one error type of the crate, and the classification callers branch on.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::redact::redact;
use crate::response_body::ErrorBody;
use crate::retry_after;

/// What kind of failure an [`Error`] is.
///
/// New kinds may be added, so a `match` needs a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 401: the token is missing, malformed, expired or unknown.
    Unauthorized,
    /// 403: the token may not do this, or the image is a public platform image.
    Forbidden,
    /// 404: no such image in this organization and project.
    NotFound,
    /// 409: the image is in use by one or more instances.
    InUse,
    /// 429: the rate limit was exceeded; see [`Error::retry_after`].
    RateLimited,
    /// 5xx: the server failed.
    Server,
    /// No complete response arrived within the configured timeout.
    Timeout,
    /// The connection could not be made or broke: DNS, refused, reset, TLS.
    Connect,
    /// The request was refused before anything was sent.
    InvalidInput,
    /// Any other status, or a response that could not be read.
    UnexpectedResponse,
}

impl ErrorKind {
    /// The classification of an HTTP status that is not a success.
    pub fn from_status(status: u16) -> Self {
        match status {
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            409 => Self::InUse,
            429 => Self::RateLimited,
            500..=599 => Self::Server,
            _ => Self::UnexpectedResponse,
        }
    }

    /// A short lower-case name, as used in messages and in the CLI's JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not found",
            Self::InUse => "in use",
            Self::RateLimited => "rate limited",
            Self::Server => "server error",
            Self::Timeout => "timeout",
            Self::Connect => "connect error",
            Self::InvalidInput => "invalid input",
            Self::UnexpectedResponse => "unexpected response",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed call, with what the server said about it.
///
/// `Display` is one lower-case line naming the operation, the status, the
/// kind and the server's message. The lower-level cause, when there is one,
/// is only in [`source`](StdError::source). No error ever holds the token.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    operation: Option<&'static str>,
    status: Option<StatusCode>,
    message: Option<String>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    attempts: u32,
    may_have_been_sent: bool,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl Error {
    fn new(kind: ErrorKind) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                operation: None,
                status: None,
                message: None,
                request_id: None,
                retry_after: None,
                attempts: 0,
                may_have_been_sent: false,
                source: None,
            }),
        }
    }

    /// A request refused before sending, with what was wrong.
    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        let mut error = Self::new(ErrorKind::InvalidInput);
        error.inner.message = Some(message.into());
        error
    }

    /// A response whose status is neither a success nor a redirect we follow.
    pub(crate) fn from_response(
        operation: &'static str,
        status: StatusCode,
        headers: &HeaderMap,
        body: Option<&ErrorBody>,
        secret: &str,
    ) -> Self {
        let mut error = Self::new(ErrorKind::from_status(status.as_u16()));
        error.inner.operation = Some(operation);
        error.inner.may_have_been_sent = true;
        error.inner.status = Some(status);
        error.inner.request_id = request_id(headers).map(|id| redact(&id, secret).into_owned());
        error.inner.message = body.and_then(|body| body.message(secret));
        if status.is_redirection() && error.inner.message.is_none() {
            // The location is not followed: the token must not go elsewhere.
            error.inner.message = headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(|location| format!("redirect to {location} not followed"));
        }
        if matches!(status.as_u16(), 429 | 503) {
            error.inner.retry_after = retry_after::from_headers(headers);
        }
        error
    }

    /// A request that got no usable response.
    pub(crate) fn from_transport(operation: &'static str, source: reqwest::Error) -> Self {
        let kind = if source.is_timeout() {
            ErrorKind::Timeout
        } else if is_malformed_answer(&source) {
            ErrorKind::UnexpectedResponse
        } else if source.is_connect() || source.is_request() || source.is_body() {
            ErrorKind::Connect
        } else {
            ErrorKind::UnexpectedResponse
        };
        let mut error = Self::new(kind);
        error.inner.operation = Some(operation);
        // Once connected, the request may have reached the server before the
        // connection broke or the time ran out.
        error.inner.may_have_been_sent = !source.is_connect();
        // The URL names only organization, project and image, never the token.
        error.inner.source = Some(Box::new(source));
        error
    }

    /// A response that arrived but could not be understood.
    pub(crate) fn unexpected(
        operation: &'static str,
        source: impl StdError + Send + Sync + 'static,
    ) -> Self {
        let mut error = Self::new(ErrorKind::UnexpectedResponse);
        error.inner.operation = Some(operation);
        error.inner.may_have_been_sent = true;
        error.inner.source = Some(Box::new(source));
        error
    }

    /// Records how many attempts the call made before giving up.
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    /// Sets the operation this error belongs to, for input refused early.
    pub(crate) fn with_operation(mut self, operation: &'static str) -> Self {
        self.inner.operation = Some(operation);
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The operation id from the schema, such as `delete_image`.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        self.inner.status.map(|s| s.as_u16())
    }

    /// The server's own explanation, or what was wrong with the input.
    pub fn message(&self) -> Option<&str> {
        self.inner.message.as_deref()
    }

    /// The request id the server gave, to quote to support.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// How long the server asked to wait, from `Retry-After` on 429 or 503.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// How many attempts were made; 0 when nothing was sent.
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// Whether the request may have reached the server, so that it may have
    /// taken effect even though the call failed.
    ///
    /// False when it was refused before sending or no connection was made;
    /// true when any response arrived, and after a timeout or a connection
    /// that broke once established.
    pub fn may_have_been_sent(&self) -> bool {
        self.inner.may_have_been_sent
    }

    /// Whether the outcome is unknown: sent, but no answer came back.
    pub(crate) fn outcome_is_unknown(&self) -> bool {
        self.inner.may_have_been_sent
            && matches!(self.inner.kind, ErrorKind::Timeout | ErrorKind::Connect)
    }

    /// Whether the call may succeed if made again later.
    ///
    /// True for rate limiting, 500, 502, 503 and 504, timeouts and broken
    /// connections; never for 4xx answers other than 429.
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            ErrorKind::RateLimited | ErrorKind::Timeout | ErrorKind::Connect => true,
            ErrorKind::Server => matches!(self.status(), Some(500 | 502 | 503 | 504)),
            _ => false,
        }
    }

    /// 401: the token is missing, invalid or expired.
    pub fn is_unauthorized(&self) -> bool {
        self.inner.kind == ErrorKind::Unauthorized
    }

    /// 403: no permission, or a public platform image.
    pub fn is_forbidden(&self) -> bool {
        self.inner.kind == ErrorKind::Forbidden
    }

    /// 404: the image does not exist here.
    pub fn is_not_found(&self) -> bool {
        self.inner.kind == ErrorKind::NotFound
    }

    /// 409: the image is used by an instance.
    pub fn is_in_use(&self) -> bool {
        self.inner.kind == ErrorKind::InUse
    }

    /// 429, after any retries.
    pub fn is_rate_limited(&self) -> bool {
        self.inner.kind == ErrorKind::RateLimited
    }

    /// No response within the timeout.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// The connection failed or broke.
    pub fn is_connect(&self) -> bool {
        self.inner.kind == ErrorKind::Connect
    }

    /// Refused before sending.
    pub fn is_invalid_input(&self) -> bool {
        self.inner.kind == ErrorKind::InvalidInput
    }
}

/// Whether the server answered with something that is not HTTP.
fn is_malformed_answer(error: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn StdError + 'static)> = error.source();
    while let Some(error) = cause {
        if error
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_parse)
        {
            return true;
        }
        cause = error.source();
    }
    false
}

/// The request id headers servers and gateways commonly set, best first.
const REQUEST_ID_HEADERS: [&str; 4] = [
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "x-amzn-requestid",
];

fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .filter_map(|name| headers.get(*name))
        .filter_map(|value| value.to_str().ok())
        .map(|value| value.trim())
        .find(|value| !value.is_empty())
        .map(|value| value.chars().take(128).collect())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        if let Some(operation) = inner.operation {
            write!(f, "{operation}: ")?;
        }
        f.write_str(inner.kind.as_str())?;
        if let Some(status) = inner.status {
            write!(f, " ({})", status.as_u16())?;
        }
        if let Some(message) = &inner.message {
            write!(f, ": {message}")?;
        }
        if let Some(delay) = inner.retry_after {
            write!(f, " (retry after {}s)", delay.as_secs())?;
        }
        if inner.attempts > 1 {
            write!(f, " after {} attempts", inner.attempts)?;
        }
        if let Some(id) = &inner.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Error")
            .field("kind", &inner.kind)
            .field("operation", &inner.operation)
            .field("status", &inner.status.map(|s| s.as_u16()))
            .field("message", &inner.message)
            .field("request_id", &inner.request_id)
            .field("retry_after", &inner.retry_after)
            .field("attempts", &inner.attempts)
            .field("may_have_been_sent", &inner.may_have_been_sent)
            .field("source", &inner.source)
            .finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn error_is_send_sync_and_static() {
        assert_send_sync::<Error>();
    }

    #[test]
    fn display_is_one_lower_case_line() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "req-7".parse().unwrap());
        let body = ErrorBody::from_bytes(
            Some("application/json"),
            br#"{"message":"Image is in use"}"#,
        );
        let error = Error::from_response(
            "delete_image",
            StatusCode::CONFLICT,
            &headers,
            Some(&body),
            "sk-x",
        );
        assert_eq!(
            error.to_string(),
            "delete_image: in use (409): Image is in use [request id req-7]"
        );
        assert!(error.is_in_use());
        assert!(!error.is_retryable());
    }

    #[test]
    fn statuses_map_to_kinds() {
        assert_eq!(ErrorKind::from_status(401), ErrorKind::Unauthorized);
        assert_eq!(ErrorKind::from_status(503), ErrorKind::Server);
        assert_eq!(ErrorKind::from_status(418), ErrorKind::UnexpectedResponse);
        assert_eq!(ErrorKind::from_status(302), ErrorKind::UnexpectedResponse);
    }
}
