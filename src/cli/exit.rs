//! Exit codes: what a script can branch on after a batch.

use std::collections::BTreeSet;
use std::process::ExitCode;

use crate::error::ErrorKind;

/// The exit status of `onet`, as documented in `--help`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exit {
    /// 0: everything asked for is done.
    #[default]
    Success,
    /// 1: a batch whose failures are of more than one kind.
    Mixed,
    /// 2: usage error or invalid input, found before or during the batch.
    Usage,
    /// 3: 401, the token was refused.
    Unauthorized,
    /// 4: 403, no permission or a public platform image.
    Forbidden,
    /// 5: 404, no such image.
    NotFound,
    /// 6: 409, the image is in use.
    InUse,
    /// 7: 429, still rate limited after retries.
    RateLimited,
    /// 8: a server or network failure, or an answer that made no sense.
    Failure,
}

impl Exit {
    /// The exit status a failure of this kind leads to.
    pub fn for_kind(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::InvalidInput => Self::Usage,
            ErrorKind::Unauthorized => Self::Unauthorized,
            ErrorKind::Forbidden => Self::Forbidden,
            ErrorKind::NotFound => Self::NotFound,
            ErrorKind::InUse => Self::InUse,
            ErrorKind::RateLimited => Self::RateLimited,
            // Server, timeout, connection and unreadable answers alike, and
            // any kind the library adds later.
            _ => Self::Failure,
        }
    }

    /// The number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Mixed => 1,
            Self::Usage => 2,
            Self::Unauthorized => 3,
            Self::Forbidden => 4,
            Self::NotFound => 5,
            Self::InUse => 6,
            Self::RateLimited => 7,
            Self::Failure => 8,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

/// An error that ends a command before or instead of a batch, with the
/// status to exit with. Its message never holds the token.
#[derive(Debug)]
pub struct Fatal {
    /// The status to exit with.
    pub exit: Exit,
    /// One line saying what went wrong and, where it helps, what to do.
    pub message: String,
}

impl Fatal {
    /// A usage error or invalid input: exit status 2.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Usage,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The statuses the failures of a batch call for, folded into one.
#[derive(Debug, Default)]
pub struct ExitTally {
    seen: BTreeSet<Exit>,
}

impl ExitTally {
    /// Notes one failure.
    pub fn add(&mut self, exit: Exit) {
        if exit != Exit::Success {
            self.seen.insert(exit);
        }
    }

    /// 0 with no failure, the one status all failures share, or 1.
    pub fn exit(&self) -> Exit {
        let mut seen = self.seen.iter();
        match (seen.next(), seen.next()) {
            (None, _) => Exit::Success,
            (Some(only), None) => *only,
            (Some(_), Some(_)) => Exit::Mixed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_kind_of_failure_keeps_its_code() {
        let mut tally = ExitTally::default();
        assert_eq!(tally.exit(), Exit::Success);
        tally.add(Exit::for_kind(ErrorKind::InUse));
        tally.add(Exit::for_kind(ErrorKind::InUse));
        assert_eq!(tally.exit().code(), 6);
    }

    #[test]
    fn transport_kinds_share_one_code() {
        let mut tally = ExitTally::default();
        tally.add(Exit::for_kind(ErrorKind::Server));
        tally.add(Exit::for_kind(ErrorKind::Timeout));
        tally.add(Exit::for_kind(ErrorKind::Connect));
        tally.add(Exit::for_kind(ErrorKind::UnexpectedResponse));
        assert_eq!(tally.exit().code(), 8);
    }

    #[test]
    fn two_kinds_are_mixed() {
        let mut tally = ExitTally::default();
        tally.add(Exit::for_kind(ErrorKind::NotFound));
        tally.add(Exit::for_kind(ErrorKind::InvalidInput));
        assert_eq!(tally.exit().code(), 1);
    }
}
