//! Parsing the `Retry-After` header in both of its forms.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The delay a `Retry-After` header asks for, from now.
///
/// Accepts delta-seconds (`120`) and an HTTP-date
/// (`Wed, 21 Oct 2026 07:28:00 GMT`); a date in the past means no wait.
/// A value that is neither, or negative, is ignored. Huge values are kept
/// as they are (`Duration` holds any `u64` of seconds); deciding whether to
/// wait that long is the retry policy's job.
pub(crate) fn from_headers(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    parse(value, SystemTime::now())
}

fn parse(value: &str, now: SystemTime) -> Option<Duration> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than a u64 holds is still "a very long time".
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_seconds() {
        let now = SystemTime::now();
        assert_eq!(parse("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse("99999999", now),
            Some(Duration::from_secs(99_999_999))
        );
        assert_eq!(
            parse("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn http_dates() {
        let now = httpdate::parse_http_date("Fri, 04 Dec 2026 12:00:00 GMT").unwrap();
        assert_eq!(
            parse("Fri, 04 Dec 2026 12:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse("Fri, 04 Dec 2026 11:00:00 GMT", now),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn garbage_and_negative_are_ignored() {
        let now = SystemTime::now();
        assert_eq!(parse("-5", now), None);
        assert_eq!(parse("soon", now), None);
        assert_eq!(parse("", now), None);
        assert_eq!(parse("1.5", now), None);
    }
}
