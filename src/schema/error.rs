//! The one error type of the schema tools.

use std::fmt;

/// What went wrong while loading, fetching or writing a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file, or the `git show` output, could not be read.
    Read,
    /// The text is neither YAML nor JSON, or not shaped like an OpenAPI document.
    Parse,
    /// The document parses but breaks a rule the client generator relies on:
    /// not OpenAPI 3.0.x, a missing or duplicate operation id, an unresolved
    /// `$ref`.
    Invalid,
    /// The download failed: connection, timeout, status or body size.
    Network,
    /// The vendored copy or its record could not be written.
    Write,
}

/// An error of the schema tools: one lower-case line naming the file or URL
/// and what is wrong with it.
#[derive(Debug, Clone)]
pub struct SchemaError {
    kind: ErrorKind,
    location: String,
    message: String,
}

impl SchemaError {
    /// Creates an error about `location` (a path, `git:REV:path` or URL).
    pub(crate) fn new(
        kind: ErrorKind,
        location: impl Into<String>,
        message: impl fmt::Display,
    ) -> Self {
        // Keep Display on one line whatever the underlying library printed.
        let message = message
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            kind,
            location: location.into(),
            message,
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The file, `git:REV:path` or URL the error is about.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// What is wrong, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the input itself is at fault (unreadable, unparsable or invalid),
    /// as opposed to the network or the local disk when writing.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Read | ErrorKind::Parse | ErrorKind::Invalid
        )
    }

    /// Whether the download failed.
    pub fn is_network(&self) -> bool {
        self.kind == ErrorKind::Network
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for SchemaError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_one_line_naming_the_location() {
        let error = SchemaError::new(ErrorKind::Parse, "a.yaml", "bad\n  indentation at line 3");
        assert_eq!(error.to_string(), "a.yaml: bad indentation at line 3");
        assert!(error.is_invalid_input());
    }

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<SchemaError>();
    }
}
