//! The client-side rate limiter, shared by all clones of a client.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

/// How many requests a client may send, per second and per minute.
///
/// The limiter spaces requests so that a well-behaved bulk job stays under
/// the plan and never meets a 429 in normal conditions. It models each
/// window as a token bucket (GCRA, from `governor`): a full bucket allows a
/// burst of the window's size, then requests flow at the window's rate.
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

/// Reads tokio's clock, so that a paused clock in tests drives the limiter.
#[derive(Clone, Debug)]
struct TokioClock {
    start: tokio::time::Instant,
}

impl Clock for TokioClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        self.start.elapsed()
    }
}

type Bucket = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>;

/// The buckets of one client; requests wait here until every bucket agrees.
#[derive(Debug)]
pub(crate) struct Limiter {
    clock: TokioClock,
    buckets: Vec<Bucket>,
}

impl Limiter {
    /// A limiter for `limit`, or none when no window is limited.
    pub(crate) fn new(limit: RateLimit) -> Option<Self> {
        let clock = TokioClock {
            start: tokio::time::Instant::now(),
        };
        let mut quotas = Vec::new();
        if let Some(n) = limit.per_second {
            quotas.push(quota(n, Duration::from_secs(1)));
        }
        if let Some(n) = limit.per_minute {
            quotas.push(quota(n, Duration::from_secs(60)));
        }
        if quotas.is_empty() {
            return None;
        }
        let buckets = quotas
            .into_iter()
            .map(|q| RateLimiter::direct_with_clock(q, clock.clone()))
            .collect();
        Some(Self { clock, buckets })
    }

    /// Waits until one more request is allowed by every window.
    pub(crate) async fn acquire(&self) {
        for bucket in &self.buckets {
            while let Err(not_until) = bucket.check() {
                let wait = not_until.wait_time_from(self.clock.now());
                tracing::trace!(wait_ms = wait.as_millis() as u64, "rate limiter is waiting");
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// `count` requests per `window`, with a burst one smaller than the count.
///
/// The server measures arrival times, which network jitter can bring
/// closer together than the client sent them; keeping one request of slack
/// in the bucket absorbs that without lowering the sustained rate.
fn quota(count: NonZeroU32, window: Duration) -> Quota {
    let burst = NonZeroU32::new(count.get().saturating_sub(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(window / count.get())
        .expect("a window divided by a non-zero count is not zero")
        .allow_burst(burst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_burst_then_the_sustained_rate() {
        let limiter = Limiter::new(RateLimit::new(10, 0)).unwrap();
        let start = tokio::time::Instant::now();
        for _ in 0..9 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "the burst is immediate");
        for _ in 0..10 {
            limiter.acquire().await;
        }
        let elapsed = start.elapsed();
        assert!(
            elapsed >= Duration::from_millis(1000) && elapsed <= Duration::from_millis(1010),
            "{elapsed:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_minute_window_binds_a_long_run() {
        let limiter = Limiter::new(RateLimit::new(100, 60)).unwrap();
        let start = tokio::time::Instant::now();
        for _ in 0..119 {
            limiter.acquire().await;
        }
        // 59 at once, then one a second for the next 60.
        let elapsed = start.elapsed();
        assert!(
            elapsed >= Duration::from_secs(60) && elapsed <= Duration::from_millis(60_100),
            "{elapsed:?}"
        );
    }

    #[test]
    fn disabled_needs_no_limiter() {
        assert!(Limiter::new(RateLimit::disabled()).is_none());
        assert_eq!(RateLimit::documented().per_second(), Some(100));
        assert_eq!(RateLimit::documented().per_minute(), Some(1000));
    }
}
