//! Scripted faults: the misbehaviour of networks, proxies and servers, on demand.
//!
//! A fault is queued with [`Sandbox::push_fault`](super::Sandbox::push_fault)
//! and consumed by the next delete requests that match it, in queue order.
//! Faults act before authentication and the rate limiter, as a proxy or a
//! failing server would, and each one produces its real wire behaviour: the
//! connection faults write raw bytes to the socket and close it.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use axum::http::{HeaderValue, StatusCode};

use super::limiter::retry_after_seconds;

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
    pub(crate) kind: Kind,
    image: Option<String>,
    times: Option<u32>,
    pub(crate) applied: bool,
}

/// What a fault does; [`answers`](super::answers) carries it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
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

    #[test]
    #[should_panic(expected = "not an HTTP status code")]
    fn invalid_status_panics() {
        let _ = Fault::status(42);
    }
}
