//! Scripted faults: the misbehaviour of networks, proxies and servers, on demand.
//!
//! A fault is queued with [`Sandbox::push_fault`](super::Sandbox::push_fault)
//! and consumed by the next delete requests that match it, in queue order.
//! Faults act before authentication and the rate limiter, as a proxy or a
//! failing server would, and each one produces its real wire behaviour: the
//! connection faults write raw bytes to the socket and close it.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures::stream;

use super::limiter::retry_after_seconds;
use super::wire::Connection;

/// One scripted misbehaviour, answered instead of the documented response.
///
/// By default a fault answers in place of the request, which then has no
/// effect. [`Fault::applied`] runs the documented rules first, so the image
/// is deleted (when the rules allow it) and only the answer misbehaves: a
/// server that did the work but whose response was lost.
///
/// ```
/// use std::time::Duration;
/// use onetsolutions::sandbox::Fault;
///
/// // The next two deletes of img-1 answer 503, then it behaves again.
/// let fault = Fault::status(503).for_image("img-1").times(2);
/// // The next delete takes effect, but the connection closes before an answer.
/// let lost = Fault::close_before_response().applied();
/// // Every delete is slow, until the sandbox stops.
/// let slow = Fault::slow(Duration::from_secs(30)).forever();
/// # let _ = (fault, lost, slow);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    kind: Kind,
    image: Option<String>,
    times: Option<u32>,
    applied: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Status(StatusCode),
    RetryAfter {
        status: StatusCode,
        value: String,
    },
    Slow(Duration),
    CloseBeforeResponse,
    TruncatedBody(StatusCode),
    NoContentWithBody,
    HtmlError(StatusCode),
    Redirect {
        status: StatusCode,
        location: String,
    },
    LargeBody {
        status: StatusCode,
        len: u64,
    },
    OkWithJson,
}

impl Fault {
    fn new(kind: Kind) -> Self {
        Fault {
            kind,
            image: None,
            times: Some(1),
            applied: false,
        }
    }

    /// Answers `status` with a JSON error body, as a failing server does.
    ///
    /// # Panics
    /// If `status` is not between 100 and 999.
    pub fn status(status: u16) -> Self {
        Fault::new(Kind::Status(status_code(status)))
    }

    /// Answers 429 with `Retry-After` in delta-seconds, rounded up.
    pub fn rate_limited(retry_after: Duration) -> Self {
        let value = retry_after_seconds(retry_after).to_string();
        Fault::retry_after(429, value)
    }

    /// Answers `status` (429 or 503, typically) with `Retry-After` as the
    /// HTTP-date `at`, which has whole-second precision.
    ///
    /// # Panics
    /// If `status` is not between 100 and 999.
    pub fn retry_after_date(status: u16, at: SystemTime) -> Self {
        Fault::retry_after(status, httpdate::fmt_http_date(at))
    }

    /// Answers `status` with exactly this `Retry-After` value, for garbage,
    /// negative or huge values such as `soon`, `-5` or `99999999`.
    ///
    /// # Panics
    /// If `status` is not between 100 and 999, or `value` is not a valid
    /// header value (it contains a control character such as a newline).
    pub fn retry_after(status: u16, value: impl Into<String>) -> Self {
        let value = value.into();
        assert!(
            HeaderValue::from_str(&value).is_ok(),
            "Retry-After value {value:?} is not a valid header value"
        );
        Fault::new(Kind::RetryAfter {
            status: status_code(status),
            value,
        })
    }

    /// Waits `delay` on tokio's clock, then answers as documented; with
    /// [`Fault::applied`], deletes first and waits before answering.
    pub fn slow(delay: Duration) -> Self {
        Fault::new(Kind::Slow(delay))
    }

    /// Closes the connection after reading the request, before any byte of
    /// a response is sent.
    pub fn close_before_response() -> Self {
        Fault::new(Kind::CloseBeforeResponse)
    }

    /// Sends the status line and headers of a JSON error with `status`,
    /// whose `Content-Length` promises more body than is sent, then closes
    /// the connection.
    ///
    /// # Panics
    /// If `status` is not between 100 and 999.
    pub fn truncated_body(status: u16) -> Self {
        Fault::new(Kind::TruncatedBody(status_code(status)))
    }

    /// Deletes as documented, but answers a successful delete with a 204
    /// that carries a body (and then closes the connection, since the stray
    /// bytes would corrupt the next response on it). A refused request gets
    /// its documented answer.
    pub fn no_content_with_body() -> Self {
        Fault::new(Kind::NoContentWithBody).applied()
    }

    /// Answers `status` (502, typically) with an HTML page, as a proxy in
    /// front of the API does.
    ///
    /// # Panics
    /// If `status` is not between 100 and 999.
    pub fn html_error(status: u16) -> Self {
        Fault::new(Kind::HtmlError(status_code(status)))
    }

    /// Answers a redirect `status` (such as 301, 302, 307 or 308) with this
    /// `Location`, for instance another host or port on loopback, to check
    /// that a client does not follow it with its token.
    ///
    /// # Panics
    /// If `status` is not between 100 and 999, or `location` is not a valid
    /// header value.
    pub fn redirect(status: u16, location: impl Into<String>) -> Self {
        let location = location.into();
        assert!(
            HeaderValue::from_str(&location).is_ok(),
            "Location {location:?} is not a valid header value"
        );
        Fault::new(Kind::Redirect {
            status: status_code(status),
            location,
        })
    }

    /// Answers `status` with an HTML body of `len` bytes, streamed in chunks
    /// and never held in memory, to check that a client bounds what it reads.
    ///
    /// # Panics
    /// If `status` is not between 100 and 999.
    pub fn large_body(status: u16, len: u64) -> Self {
        Fault::new(Kind::LargeBody {
            status: status_code(status),
            len,
        })
    }

    /// Deletes as documented, but answers a successful delete with 200 and
    /// a JSON body instead of 204. A refused request gets its documented
    /// answer.
    pub fn ok_with_json() -> Self {
        Fault::new(Kind::OkWithJson).applied()
    }

    /// Matches only deletes of this image id (compared after decoding the
    /// path segment). By default a fault matches every delete.
    #[must_use]
    pub fn for_image(mut self, id: impl Into<String>) -> Self {
        self.image = Some(id.into());
        self
    }

    /// Lets the fault answer `n` matching requests; the default is one.
    /// Zero means it is dropped unused.
    #[must_use]
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Lets the fault answer every matching request, until the sandbox stops.
    #[must_use]
    pub fn forever(mut self) -> Self {
        self.times = None;
        self
    }

    /// Runs the documented rules before misbehaving, so that the delete
    /// takes effect. Off by default, except for
    /// [`Fault::no_content_with_body`] and [`Fault::ok_with_json`].
    #[must_use]
    pub fn applied(mut self) -> Self {
        self.applied = true;
        self
    }

    /// A short name for the fault, also recorded with each request it answered.
    pub fn name(&self) -> &'static str {
        match self.kind {
            Kind::Status(_) => "status",
            Kind::RetryAfter { .. } => "retry-after",
            Kind::Slow(_) => "slow",
            Kind::CloseBeforeResponse => "close-before-response",
            Kind::TruncatedBody(_) => "truncated-body",
            Kind::NoContentWithBody => "no-content-with-body",
            Kind::HtmlError(_) => "html-error",
            Kind::Redirect { .. } => "redirect",
            Kind::LargeBody { .. } => "large-body",
            Kind::OkWithJson => "ok-with-json",
        }
    }

    fn matches(&self, image: Option<&str>) -> bool {
        match &self.image {
            None => true,
            Some(wanted) => image == Some(wanted.as_str()),
        }
    }
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status)
        .unwrap_or_else(|_| panic!("{status} is not an HTTP status code (100 to 999)"))
}

/// Faults waiting for requests, in the order they were pushed.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue(VecDeque<Fault>);

impl FaultQueue {
    pub(crate) fn push(&mut self, fault: Fault) {
        if fault.times != Some(0) {
            self.0.push_back(fault);
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    /// The first fault that matches a delete of `image`, counting one use.
    pub(crate) fn take(&mut self, image: Option<&str>) -> Option<Fault> {
        let index = self.0.iter().position(|fault| fault.matches(image))?;
        let fault = &mut self.0[index];
        match &mut fault.times {
            Some(n) if *n > 1 => {
                *n -= 1;
                Some(fault.clone())
            }
            Some(_) => self.0.remove(index),
            None => Some(fault.clone()),
        }
    }
}

/// What the fault does with the documented answer, once the rules have run
/// (when the fault is applied) or instead of them.
pub(crate) async fn answer(
    fault: &Fault,
    documented: Option<Response>,
    connection: &Connection,
    request_id: &str,
) -> Response {
    match &fault.kind {
        Kind::Status(status) => fault_error(*status, "scripted fault"),
        Kind::RetryAfter { status, value } => {
            let mut response = fault_error(*status, "scripted fault: try again later");
            let value = HeaderValue::from_str(value).expect("checked when the fault was built");
            response.headers_mut().insert(header::RETRY_AFTER, value);
            response
        }
        Kind::Slow(delay) => {
            tokio::time::sleep(*delay).await;
            documented.expect("a slow fault answers as documented")
        }
        Kind::CloseBeforeResponse => connection.replace_response(Bytes::new(), None),
        Kind::TruncatedBody(status) => truncated(connection, *status, request_id),
        Kind::NoContentWithBody => match documented {
            Some(response) if response.status() == StatusCode::NO_CONTENT => {
                no_content_with_body(connection, request_id)
            }
            other => other.expect("this fault is always applied"),
        },
        Kind::HtmlError(status) => html(*status, proxy_page(*status)),
        Kind::Redirect { status, location } => {
            let location = HeaderValue::from_str(location).expect("checked when built");
            let mut response = fault_error(*status, "moved");
            response.headers_mut().insert(header::LOCATION, location);
            response
        }
        Kind::LargeBody { status, len } => large_body(*status, *len),
        Kind::OkWithJson => match documented {
            Some(response) if response.status() == StatusCode::NO_CONTENT => {
                let body = serde_json::json!({ "message": "image deleted", "deleted": true });
                (StatusCode::OK, axum::Json(body)).into_response()
            }
            other => other.expect("this fault is always applied"),
        },
    }
}

/// A fault's slow delay is the one fault that may run before the rules and
/// still answer as documented.
pub(crate) fn delay_before_rules(fault: &Fault) -> Option<Duration> {
    match fault.kind {
        Kind::Slow(delay) if !fault.applied => Some(delay),
        _ => None,
    }
}

/// Whether the fault needs the documented answer even when not applied.
pub(crate) fn needs_documented(fault: &Fault) -> bool {
    fault.applied || matches!(fault.kind, Kind::Slow(_))
}

/// The JSON error body that every refusal of the sandbox carries.
pub(crate) fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "message": message, "code": code });
    (status, axum::Json(body)).into_response()
}

/// A JSON error whose code is the status's reason, such as `bad_gateway`.
fn fault_error(status: StatusCode, message: &str) -> Response {
    let reason = status.canonical_reason().unwrap_or("error");
    let code: String = reason
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    json_error(status, &code, message)
}

fn html(status: StatusCode, page: String) -> Response {
    let mut response = (status, page).into_response();
    let html = HeaderValue::from_static("text/html; charset=utf-8");
    response.headers_mut().insert(header::CONTENT_TYPE, html);
    response
}

fn proxy_page(status: StatusCode) -> String {
    let reason = status.canonical_reason().unwrap_or("Error");
    let code = status.as_u16();
    format!(
        "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n\
         <center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n\
         </body>\r\n</html>\r\n"
    )
}

fn truncated(connection: &Connection, status: StatusCode, request_id: &str) -> Response {
    let body = br#"{"message": "scripted fault: this body is cut short", "code": "truncated"}"#;
    let sent = &body[..body.len() / 2];
    let head = head(status, "application/json", body.len(), request_id);
    let raw = [head.as_bytes(), sent].concat();
    connection.replace_response(Bytes::from(raw), Some(status))
}

fn no_content_with_body(connection: &Connection, request_id: &str) -> Response {
    let body = br#"{"message": "image deleted"}"#;
    let head = head(
        StatusCode::NO_CONTENT,
        "application/json",
        body.len(),
        request_id,
    );
    let raw = [head.as_bytes(), body].concat();
    connection.replace_response(Bytes::from(raw), Some(StatusCode::NO_CONTENT))
}

/// A status line and headers, written by hand because hyper, rightly,
/// refuses to send what these faults need (a body on a 204, a length that
/// the body does not have).
fn head(status: StatusCode, content_type: &str, length: usize, request_id: &str) -> String {
    format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {content_type}\r\ncontent-length: {length}\r\n\
         x-request-id: {request_id}\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
    )
}

fn large_body(status: StatusCode, len: u64) -> Response {
    const CHUNK: usize = 64 * 1024;
    static FILLER: [u8; CHUNK] = [b'x'; CHUNK];

    let chunks = stream::unfold(len, |left| async move {
        if left == 0 {
            return None;
        }
        let size = left.min(CHUNK as u64) as usize;
        let chunk = Bytes::from_static(&FILLER[..size]);
        Some((Ok::<_, std::io::Error>(chunk), left - size as u64))
    });

    let mut response = html(status, String::new());
    *response.body_mut() = Body::from_stream(chunks);
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_consumed_in_order_and_by_image() {
        let mut queue = FaultQueue::default();
        queue.push(Fault::status(503).for_image("a").times(2));
        queue.push(Fault::status(500));
        queue.push(Fault::status(502).times(0));
        assert_eq!(queue.len(), 2);

        assert_eq!(
            queue.take(Some("b")).unwrap().kind,
            Kind::Status(StatusCode::INTERNAL_SERVER_ERROR)
        );
        assert_eq!(queue.take(Some("b")), None);
        assert_eq!(queue.take(Some("a")).unwrap().name(), "status");
        assert_eq!(queue.take(None), None);
        assert!(queue.take(Some("a")).is_some());
        assert_eq!(queue.take(Some("a")), None);
    }

    #[test]
    fn forever_is_never_used_up() {
        let mut queue = FaultQueue::default();
        queue.push(Fault::status(418).forever());
        for _ in 0..10 {
            assert!(queue.take(Some("x")).is_some());
        }
        assert_eq!(queue.len(), 1);
    }

    #[test]
    fn rate_limited_rounds_retry_after_up() {
        let fault = Fault::rate_limited(Duration::from_millis(1500));
        assert_eq!(
            fault.kind,
            Kind::RetryAfter {
                status: StatusCode::TOO_MANY_REQUESTS,
                value: "2".into()
            }
        );
    }

    #[tokio::test]
    async fn fault_codes_are_plain_words() {
        let response = fault_error(StatusCode::IM_A_TEAPOT, "x");
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["code"], "i_m_a_teapot");
    }

    #[test]
    #[should_panic(expected = "not an HTTP status code")]
    fn invalid_status_panics() {
        let _ = Fault::status(42);
    }
}
