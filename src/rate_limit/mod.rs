//! The client-side rate limiter, shared by all clones of a client.

mod window;

use std::num::NonZeroU32;
use std::sync::{Mutex, PoisonError};

use tokio::time::Instant;

pub(crate) use window::Windows;

/// How many requests a client may send, per second and per minute.
///
/// The client lets requests through while both windows have room and makes
/// the rest wait, so that a well-behaved bulk job stays under the plan and
/// never meets a 429 in normal conditions. A window is a sliding log: at
/// most N requests in any second, or in any minute, the strictest reading of
/// the documented limits. One value of this type describes the plan for the
/// client and for the sandbox alike.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    per_second: Option<NonZeroU32>,
    per_minute: Option<NonZeroU32>,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self::documented()
    }
}

impl RateLimit {
    /// The documented standard plan: 100 requests a second, 1000 a minute.
    pub fn documented() -> Self {
        Self::new(100, 1000)
    }

    /// A plan with other numbers; 0 leaves that window unlimited.
    pub fn new(per_second: u32, per_minute: u32) -> Self {
        Self {
            per_second: NonZeroU32::new(per_second),
            per_minute: NonZeroU32::new(per_minute),
        }
    }

    /// No client-side limit at all.
    pub fn disabled() -> Self {
        Self::new(0, 0)
    }

    /// Requests allowed per second, if limited.
    pub fn per_second(&self) -> Option<u32> {
        self.per_second.map(NonZeroU32::get)
    }

    /// Requests allowed per minute, if limited.
    pub fn per_minute(&self) -> Option<u32> {
        self.per_minute.map(NonZeroU32::get)
    }
}

/// How much longer than the plan's windows the client counts: 2 %.
///
/// The server times arrivals, and jitter on the way can bring two requests
/// closer together than they were sent. Counting over a slightly longer
/// window keeps the client under the limit at the cost of 2 % of the rate.
const CLIENT_SLACK: f64 = 0.02;

/// The client's limiter: requests wait here until every window has room.
#[derive(Debug)]
pub(crate) struct Limiter {
    windows: Mutex<Windows>,
}

impl Limiter {
    /// A limiter for `limit`, or none when no window is limited.
    pub(crate) fn new(limit: RateLimit) -> Option<Self> {
        let windows = Windows::new(limit, CLIENT_SLACK);
        (!windows.is_unlimited()).then(|| Self {
            windows: Mutex::new(windows),
        })
    }

    /// Waits until one more request is allowed, and counts it.
    pub(crate) async fn acquire(&self) {
        loop {
            let checked = self
                .windows
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .check(Instant::now());
            match checked {
                Ok(()) => return,
                Err(wait) => {
                    tracing::trace!(wait_ms = wait.as_millis() as u64, "rate limiter is waiting");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_burst_then_a_wait_for_the_window() {
        let limiter = Limiter::new(RateLimit::new(10, 0)).unwrap();
        let start = Instant::now();
        for _ in 0..10 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "the burst is immediate");
        limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_millis(1020));
    }

    #[tokio::test(start_paused = true)]
    async fn the_minute_window_binds_a_long_run() {
        let limiter = Limiter::new(RateLimit::new(100, 120)).unwrap();
        let start = Instant::now();
        for _ in 0..240 {
            limiter.acquire().await;
        }
        // Windows are 2 % long: 100 at once and 20 a second (1.02 s) later
        // fill the minute; the first 100 leave it at 61.2 s, the next 20 at
        // 62.22 s, when the last request goes.
        assert_eq!(start.elapsed(), Duration::from_millis(62_220));
    }

    #[test]
    fn disabled_needs_no_limiter() {
        assert!(Limiter::new(RateLimit::disabled()).is_none());
        assert_eq!(RateLimit::documented().per_second(), Some(100));
        assert_eq!(RateLimit::documented().per_minute(), Some(1000));
    }
}
