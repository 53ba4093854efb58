//! The sandbox's rate limiter: per token, a per-second and a per-minute window.
//!
//! This is written by hand rather than with governor, on purpose. governor
//! implements GCRA: `Quota::per_minute(1000)` allows a burst of 1000 and then
//! refills one request every 60 ms, so a client can pass close to 2000 requests
//! in its first minute. Two governor limiters also cannot be checked together:
//! a request refused by one has already spent a cell of the other. The sandbox
//! is there to catch clients that break the documented limits, so it takes
//! their strictest reading, a sliding log: at most N accepted requests in any
//! window of the given length, with refused requests not counted. A client
//! that passes here passes any laxer reading a real server may use.
//!
//! Time is tokio's clock, so a test with a paused clock is deterministic.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::time::Instant;

/// How many requests each token may make, per second and per minute.
///
/// Off unless given to [`Builder::rate_limit`](super::Builder::rate_limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    per_second: u32,
    per_minute: u32,
}

impl RateLimit {
    /// The documented burst: 100 requests per second.
    pub const DOCUMENTED_PER_SECOND: u32 = 100;

    /// The documented standard rate: 1000 requests per minute.
    pub const DOCUMENTED_PER_MINUTE: u32 = 1000;

    /// The documented limits: 100 per second and 1000 per minute.
    pub fn documented() -> Self {
        RateLimit::new(Self::DOCUMENTED_PER_SECOND, Self::DOCUMENTED_PER_MINUTE)
    }

    /// Other limits, for other plans or small test windows. Zero turns that
    /// window off.
    pub fn new(per_second: u32, per_minute: u32) -> Self {
        RateLimit {
            per_second,
            per_minute,
        }
    }

    /// Requests allowed in any one-second window; zero means unlimited.
    pub fn per_second(&self) -> u32 {
        self.per_second
    }

    /// Requests allowed in any one-minute window; zero means unlimited.
    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }
}

/// The accepted requests of one token within one window.
#[derive(Debug)]
struct Window {
    limit: usize,
    length: Duration,
    accepted: VecDeque<Instant>,
}

impl Window {
    fn new(limit: u32, length: Duration) -> Self {
        Window {
            limit: limit as usize,
            length,
            accepted: VecDeque::new(),
        }
    }

    /// How long until one more request fits, or `None` if it fits now.
    fn wait(&mut self, now: Instant) -> Option<Duration> {
        if self.limit == 0 {
            return None;
        }

        while let Some(&oldest) = self.accepted.front() {
            if oldest + self.length > now {
                break;
            }
            self.accepted.pop_front();
        }

        if self.accepted.len() < self.limit {
            return None;
        }
        let oldest = self.accepted[self.accepted.len() - self.limit];
        Some(oldest + self.length - now)
    }

    fn accept(&mut self, now: Instant) {
        if self.limit > 0 {
            self.accepted.push_back(now);
        }
    }
}

/// Both windows of every token, keyed by the token's index in the state.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    tokens: HashMap<usize, [Window; 2]>,
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
        let windows = self.tokens.entry(token).or_insert_with(|| {
            [
                Window::new(limit.per_second, Duration::from_secs(1)),
                Window::new(limit.per_minute, Duration::from_secs(60)),
            ]
        });

        let wait = windows.iter_mut().filter_map(|w| w.wait(now)).max();
        if let Some(wait) = wait {
            return Err(wait);
        }

        windows.iter_mut().for_each(|w| w.accept(now));
        Ok(())
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
    async fn per_second_window_refuses_then_recovers() {
        let mut limiter = Limiter::new(RateLimit::new(3, 0));
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check(0, start), Ok(()));
        }
        assert_eq!(limiter.check(0, start), Err(Duration::from_secs(1)));

        // Another token has its own windows.
        assert_eq!(limiter.check(1, start), Ok(()));

        let later = start + Duration::from_millis(400);
        assert_eq!(limiter.check(0, later), Err(Duration::from_millis(600)));
        assert_eq!(limiter.check(0, start + Duration::from_secs(1)), Ok(()));
    }

    #[tokio::test(start_paused = true)]
    async fn minute_window_is_a_sliding_log() {
        let mut limiter = Limiter::new(RateLimit::new(0, 2));
        let start = Instant::now();
        assert_eq!(limiter.check(0, start), Ok(()));
        assert_eq!(limiter.check(0, start + Duration::from_secs(30)), Ok(()));

        // Refused requests are not counted, so the wait does not grow.
        let at = start + Duration::from_secs(45);
        assert_eq!(limiter.check(0, at), Err(Duration::from_secs(15)));
        assert_eq!(limiter.check(0, at), Err(Duration::from_secs(15)));
        assert_eq!(limiter.check(0, start + Duration::from_secs(60)), Ok(()));
        assert!(limiter.check(0, start + Duration::from_secs(61)).is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn the_longer_wait_wins() {
        let mut limiter = Limiter::new(RateLimit::new(1, 1));
        let start = Instant::now();
        assert_eq!(limiter.check(0, start), Ok(()));
        assert_eq!(limiter.check(0, start), Err(Duration::from_secs(60)));
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(10)), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(1001)), 2);
        assert_eq!(retry_after_seconds(Duration::from_secs(60)), 60);
    }
}
