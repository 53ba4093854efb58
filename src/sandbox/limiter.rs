//! The sandbox's rate limiter: each token has its own per-second and
//! per-minute windows, counted as the client counts them (a sliding log, see
//! `crate::rate_limit`), but without the client's slack: the sandbox is
//! there to catch clients that break the documented limits.
//!
//! Time is tokio's clock, so a test with a paused clock is deterministic.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use crate::rate_limit::{RateLimit, Windows};

/// Both windows of every token, keyed by the token's index in the state.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    tokens: HashMap<usize, Windows>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Limiter {
            limit,
            tokens: HashMap::new(),
        }
    }

    /// Counts the request if both windows have room; otherwise returns how
    /// long the client should wait, and counts nothing.
    pub(crate) fn check(&mut self, token: usize, now: Instant) -> Result<(), Duration> {
        let limit = self.limit;
        self.tokens
            .entry(token)
            .or_insert_with(|| Windows::new(limit, 0.0))
            .check(now)
    }
}

/// `Retry-After` in whole seconds, rounded up and at least one, so that a
/// client that waits exactly that long is let through.
pub(crate) fn retry_after_seconds(wait: Duration) -> u64 {
    let whole = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    whole.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn each_token_has_its_own_windows() {
        let mut limiter = Limiter::new(RateLimit::new(3, 0));
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check(0, start), Ok(()));
        }
        assert_eq!(limiter.check(0, start), Err(Duration::from_secs(1)));
        assert_eq!(limiter.check(1, start), Ok(()));
        assert_eq!(limiter.check(0, start + Duration::from_secs(1)), Ok(()));
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(10)), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(1001)), 2);
        assert_eq!(retry_after_seconds(Duration::from_secs(60)), 60);
    }
}
