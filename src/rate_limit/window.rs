//! The sliding-window log both the client and the sandbox count requests in.
//!
//! "1000 requests a minute" is read in its strictest sense: at most 1000
//! requests in any 60 seconds. A client that keeps to that passes any laxer
//! reading a server may use (fixed windows, token buckets). Token buckets
//! such as governor's GCRA cannot express it without giving up either the
//! burst or the rate: a bucket of 1000 refilled at 1000 a minute lets close to
//! 2000 requests through in the first minute, which a strict server refuses.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use super::RateLimit;

/// The times of the requests counted within one window.
#[derive(Debug)]
struct Window {
    limit: usize,
    length: Duration,
    counted: VecDeque<Instant>,
}

impl Window {
    fn new(limit: u32, length: Duration) -> Self {
        Self {
            limit: limit as usize,
            length,
            counted: VecDeque::new(),
        }
    }

    /// How long until one more request fits, or `None` when it fits now.
    fn wait(&mut self, now: Instant) -> Option<Duration> {
        while let Some(&oldest) = self.counted.front() {
            if oldest + self.length > now {
                break;
            }
            self.counted.pop_front();
        }
        if self.counted.len() < self.limit {
            return None;
        }
        let oldest = self.counted[self.counted.len() - self.limit];
        Some(oldest + self.length - now)
    }
}

/// The per-second and per-minute windows of one plan.
///
/// Memory is one `Instant` per request counted in the longer window, so at
/// most the per-minute limit (16 KB for the documented 1000).
#[derive(Debug)]
pub(crate) struct Windows {
    windows: Vec<Window>,
}

impl Windows {
    /// Windows for `limit`, each lengthened by `slack`.
    ///
    /// A client adds slack because the server times arrivals, which network
    /// jitter can bring closer together than they were sent.
    pub(crate) fn new(limit: RateLimit, slack: f64) -> Self {
        let mut windows = Vec::new();
        let mut add = |limit: Option<u32>, length: Duration| {
            if let Some(limit) = limit {
                windows.push(Window::new(limit, length.mul_f64(1.0 + slack)));
            }
        };
        add(limit.per_second(), Duration::from_secs(1));
        add(limit.per_minute(), Duration::from_secs(60));
        Self { windows }
    }

    /// Whether no window limits anything.
    pub(crate) fn is_unlimited(&self) -> bool {
        self.windows.is_empty()
    }

    /// Counts one request if every window has room; otherwise counts nothing
    /// and returns how long until every window will have room.
    pub(crate) fn check(&mut self, now: Instant) -> Result<(), Duration> {
        let wait = self.windows.iter_mut().filter_map(|w| w.wait(now)).max();
        match wait {
            Some(wait) => Err(wait),
            None => {
                self.windows
                    .iter_mut()
                    .for_each(|w| w.counted.push_back(now));
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_request_past_the_limit_until_the_oldest_leaves() {
        let mut windows = Windows::new(RateLimit::new(3, 0), 0.0);
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(windows.check(start), Ok(()));
        }
        assert_eq!(windows.check(start), Err(Duration::from_secs(1)));
        let later = start + Duration::from_millis(400);
        assert_eq!(windows.check(later), Err(Duration::from_millis(600)));
        assert_eq!(windows.check(start + Duration::from_secs(1)), Ok(()));
    }

    #[test]
    fn refused_requests_are_not_counted_and_the_longer_wait_wins() {
        let mut windows = Windows::new(RateLimit::new(0, 2), 0.0);
        let start = Instant::now();
        assert_eq!(windows.check(start), Ok(()));
        assert_eq!(windows.check(start + Duration::from_secs(30)), Ok(()));
        let at = start + Duration::from_secs(45);
        assert_eq!(windows.check(at), Err(Duration::from_secs(15)));
        assert_eq!(windows.check(at), Err(Duration::from_secs(15)));
        assert_eq!(windows.check(start + Duration::from_secs(60)), Ok(()));

        let mut both = Windows::new(RateLimit::new(1, 1), 0.0);
        assert_eq!(both.check(start), Ok(()));
        assert_eq!(both.check(start), Err(Duration::from_secs(60)));
    }

    #[test]
    fn slack_lengthens_every_window() {
        let mut windows = Windows::new(RateLimit::new(1, 0), 0.02);
        let start = Instant::now();
        assert_eq!(windows.check(start), Ok(()));
        assert_eq!(windows.check(start), Err(Duration::from_millis(1020)));
        assert!(Windows::new(RateLimit::disabled(), 0.02).is_unlimited());
    }
}
