//! The log of requests the sandbox received, and the request ids it gives out.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use super::routes::App;
use super::wire::WireStatus;

/// One request as the sandbox received it, and what it answered.
///
/// The `Authorization` value is kept only to compare it with
/// [`RecordedRequest::sent_bearer`]; `Debug` shows whether it was present,
/// never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method, such as `DELETE`.
    pub method: String,
    /// The path and query exactly as received, still percent-encoded, so a
    /// test can assert what a client put on the wire.
    pub path: String,
    /// The `User-Agent` header, if any.
    pub user_agent: Option<String>,
    /// The status answered; `None` while the request is in flight, or when
    /// a fault closed the connection before a status line.
    pub status: Option<u16>,
    /// The `x-request-id` the response carried.
    pub request_id: String,
    /// The name of the fault that answered, if one did (see [`Fault::name`]).
    ///
    /// [`Fault::name`]: super::Fault::name
    pub fault: Option<&'static str>,
    authorization: Option<Redacted>,
}

impl RecordedRequest {
    /// Whether the request carried an `Authorization` header.
    pub fn has_authorization(&self) -> bool {
        self.authorization.is_some()
    }

    /// Whether the request carried exactly `Authorization: Bearer <token>`.
    pub fn sent_bearer(&self, token: &str) -> bool {
        match &self.authorization {
            Some(Redacted(value)) => {
                value.as_bytes().strip_prefix(b"Bearer ") == Some(token.as_bytes())
            }
            None => false,
        }
    }
}

/// A header value that is never printed.
#[derive(Clone, PartialEq, Eq)]
struct Redacted(HeaderValue);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Every request the sandbox received, in arrival order.
#[derive(Debug, Default)]
pub(crate) struct RequestLog(Mutex<Vec<RecordedRequest>>);

impl RequestLog {
    pub(crate) fn all(&self) -> Vec<RecordedRequest> {
        self.lock().clone()
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    /// Notes the fault before it answers, since some never do.
    pub(crate) fn note_fault(&self, request_id: &str, fault: &'static str) {
        if let Some(request) = self
            .lock()
            .iter_mut()
            .rev()
            .find(|r| r.request_id == request_id)
        {
            request.fault = Some(fault);
        }
    }

    fn start(&self, request: RecordedRequest) {
        self.lock().push(request);
    }

    fn finish(&self, request_id: &str, status: Option<u16>) {
        if let Some(request) = self
            .lock()
            .iter_mut()
            .rev()
            .find(|r| r.request_id == request_id)
        {
            request.status = status;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<RecordedRequest>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The id of the request being handled, as a request extension.
#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub(crate) String);

/// A fresh request id, unique within the process and unlikely to repeat
/// across processes.
fn next_request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("req_{:x}_{n:06}", std::process::id())
}

/// Middleware around every route: gives the request an id, logs it, and
/// puts `x-request-id` on the response.
pub(crate) async fn record(State(app): State<App>, mut request: Request, next: Next) -> Response {
    let request_id = next_request_id();
    let headers = request.headers();
    let user_agent = headers
        .get(header::USER_AGENT)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let path = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |p| p.as_str().to_owned(),
    );

    app.log.start(RecordedRequest {
        method: request.method().to_string(),
        path,
        user_agent,
        status: None,
        request_id: request_id.clone(),
        fault: None,
        authorization: headers.get(header::AUTHORIZATION).cloned().map(Redacted),
    });
    request
        .extensions_mut()
        .insert(RequestId(request_id.clone()));

    let mut response = next.run(request).await;

    // A wire fault's placeholder never reaches the client; log what did.
    let status = match response.extensions().get::<WireStatus>() {
        Some(WireStatus(status)) => status.map(|s| s.as_u16()),
        None => Some(response.status().as_u16()),
    };
    app.log.finish(&request_id, status);

    let value = HeaderValue::from_str(&request_id).expect("request ids are ASCII");
    response.headers_mut().insert("x-request-id", value);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(authorization: Option<&'static str>) -> RecordedRequest {
        RecordedRequest {
            method: "DELETE".into(),
            path: "/".into(),
            user_agent: None,
            status: None,
            request_id: next_request_id(),
            fault: None,
            authorization: authorization.map(|v| Redacted(HeaderValue::from_static(v))),
        }
    }

    #[test]
    fn debug_never_shows_the_token() {
        let request = recorded(Some("Bearer sk-secret"));
        let debug = format!("{request:?}");
        assert!(!debug.contains("sk-secret"), "{debug}");
        assert!(debug.contains("<redacted>"));
        assert!(request.sent_bearer("sk-secret"));
        assert!(!request.sent_bearer("sk-secre"));
        assert!(!recorded(None).has_authorization());
    }

    #[test]
    fn request_ids_are_unique() {
        let a = next_request_id();
        let b = next_request_id();
        assert_ne!(a, b);
        assert!(HeaderValue::from_str(&a).is_ok());
    }
}
