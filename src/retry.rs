//! The retry policy: how often, and how long to wait, before giving up.

use std::time::Duration;

use backon::BackoffBuilder;

/// When and how a failed call is tried again.
///
/// Only failures that may succeed later are retried (see
/// [`Error::is_retryable`](crate::Error::is_retryable)): 429, 500, 502, 503,
/// 504, timeouts and broken connections. Never 400, 401, 403, 404 or 409.
///
/// Waits grow exponentially from `base_delay`, are capped at `max_delay`, and
/// are drawn with full jitter: a wait is uniformly random between zero and
/// the capped value, so that many clients that failed together do not come
/// back together. With the defaults the caps of the first three retries are
/// 0.5 s, 1 s and 2 s, so a retried call usually waits about 1.75 s in all.
///
/// A server's `Retry-After` (on 429 and 503) is a floor for the wait. When it
/// asks for more than `max_retry_after`, or for more than is left of the
/// call's `budget`, the call stops at once and returns the rate-limited or
/// server error carrying that delay, rather than sleeping for hours.
#[must_use]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
    budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryPolicy {
    /// The default: 4 attempts, waits from 0.5 s capped at 20 s, a
    /// `Retry-After` honoured up to 60 s, and 120 s in all for one call.
    ///
    /// Cleanup jobs care more about finishing than about latency, so this
    /// retries a little more than the AWS SDK's 3 attempts, with a shorter
    /// first wait (as the OpenAI SDK does), and accepts the one-minute waits a
    /// per-minute rate limit can ask for.
    pub fn standard() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
            budget: Duration::from_secs(120),
        }
    }

    /// One attempt, no retry.
    pub fn disabled() -> Self {
        Self::standard().max_attempts(1)
    }

    /// Attempts in all, the first included; at least 1. Default: 4.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The cap of the first wait, doubled for each later one. Default: 500 ms.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The largest cap a wait can have. Default: 20 s.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` that is waited for. Default: 60 s.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// How long one call may go on retrying: no wait is started that would
    /// end more than this after the call began. An attempt already sent is
    /// bounded by the client's timeout, not by the budget. Default: 120 s.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// The configured number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    pub(crate) fn max_retry_after_delay(&self) -> Duration {
        self.max_retry_after
    }

    pub(crate) fn total_budget(&self) -> Duration {
        self.budget
    }

    /// The jittered waits before the second, third… attempts.
    pub(crate) fn waits(&self) -> impl Iterator<Item = Duration> {
        // backon's own jitter adds up to one more delay on top of the
        // schedule; full jitter draws below it instead.
        self.caps().map(|cap| cap.mul_f64(fastrand::f64()))
    }

    /// The capped exponential schedule, before jitter.
    fn caps(&self) -> impl Iterator<Item = Duration> {
        let max_delay = self.max_delay;
        backon::ExponentialBuilder::default()
            .with_min_delay(self.base_delay)
            .with_max_delay(max_delay)
            .with_factor(2.0)
            .without_max_times()
            .build()
            // backon starts at the base delay even when it is above the cap.
            .map(move |delay| delay.min(max_delay))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_double_up_to_the_maximum() {
        let caps: Vec<u64> = RetryPolicy::standard()
            .caps()
            .take(8)
            .map(|d| d.as_millis() as u64)
            .collect();
        assert_eq!(caps, [500, 1000, 2000, 4000, 8000, 16000, 20000, 20000]);
    }

    #[test]
    fn the_cap_binds_the_first_wait_too() {
        let policy = RetryPolicy::standard()
            .base_delay(Duration::from_secs(10))
            .max_delay(Duration::from_millis(10));
        assert!(policy
            .caps()
            .take(3)
            .all(|cap| cap == Duration::from_millis(10)));
    }

    #[test]
    fn waits_stay_under_their_caps() {
        let policy = RetryPolicy::standard();
        for _ in 0..200 {
            for (wait, cap) in policy.waits().zip(policy.caps()).take(6) {
                assert!(wait <= cap, "{wait:?} > {cap:?}");
            }
        }
    }

    #[test]
    fn at_least_one_attempt() {
        assert_eq!(RetryPolicy::standard().max_attempts(0).attempts(), 1);
        assert_eq!(RetryPolicy::disabled().attempts(), 1);
    }
}
