//! The bearer credential sent with every request.

use std::fmt;

use reqwest::header::HeaderValue;

use crate::error::Error;

/// The environment variable read by [`Credentials::from_env`].
pub const TOKEN_ENV: &str = "ONETSOLUTIONS_TOKEN";

const API_KEY_PREFIX: &str = "sk-onetsolutions-";

/// An API key (`sk-onetsolutions-…`) or a JWT, sent as `Authorization: Bearer …`.
///
/// The secret is never printed: `Debug` shows only which kind of credential
/// this is, and the header built from it is marked sensitive so that HTTP
/// libraries leave it out of their own logs.
#[derive(Clone)]
pub struct Credentials {
    secret: String,
}

impl Credentials {
    /// Wraps a token taken from a secret store or a file.
    ///
    /// Surrounding white space (a trailing newline from a file) is dropped.
    ///
    /// # Errors
    ///
    /// An `InvalidInput` error when the token is empty or contains white
    /// space or control characters, which no valid token has.
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        let secret = token.into().trim().to_owned();
        if secret.is_empty() {
            return Err(Error::invalid_input("the token is empty"));
        }
        if secret.len() > 7 && secret[..7].eq_ignore_ascii_case("bearer ") {
            return Err(Error::invalid_input(
                "the token starts with `Bearer `: pass the token alone, the client adds the prefix",
            ));
        }
        if secret.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::invalid_input(
                "the token contains white space or control characters",
            ));
        }
        Ok(Self { secret })
    }

    /// Reads the token from `ONETSOLUTIONS_TOKEN`.
    ///
    /// # Errors
    ///
    /// An `InvalidInput` error when the variable is unset, not Unicode, or
    /// not a valid token.
    pub fn from_env() -> Result<Self, Error> {
        match std::env::var(TOKEN_ENV) {
            Ok(token) => Self::new(token).map_err(|e| {
                Error::invalid_input(format!(
                    "{TOKEN_ENV}: {}",
                    e.message().unwrap_or("invalid token")
                ))
            }),
            Err(std::env::VarError::NotPresent) => Err(Error::invalid_input(format!(
                "no credentials: set {TOKEN_ENV} or pass credentials to the client builder"
            ))),
            Err(std::env::VarError::NotUnicode(_)) => Err(Error::invalid_input(format!(
                "{TOKEN_ENV} is not valid unicode"
            ))),
        }
    }

    /// Whether this is an API key rather than a JWT.
    pub fn is_api_key(&self) -> bool {
        self.secret.starts_with(API_KEY_PREFIX)
    }

    /// What the token looks like, for `Debug`: the secret is never shown.
    fn shape(&self) -> &'static str {
        if self.is_api_key() {
            "api key"
        } else if self.secret.split('.').count() == 3 {
            "jwt"
        } else {
            "unrecognised token"
        }
    }

    /// The token itself, for redacting it from text.
    pub(crate) fn secret(&self) -> &str {
        &self.secret
    }

    /// The `Authorization` header value, marked sensitive.
    pub(crate) fn header_value(&self) -> HeaderValue {
        let mut value = HeaderValue::try_from(format!("Bearer {}", self.secret))
            .expect("tokens are checked for header-safe characters on construction");
        value.set_sensitive(true);
        value
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("kind", &self.shape())
            .field("secret", &"<redacted>")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let credentials = Credentials::new("sk-onetsolutions-s3cr3t").unwrap();
        let printed = format!("{credentials:?}");
        assert!(!printed.contains("s3cr3t"), "{printed}");
        assert!(printed.contains("api key"));
    }

    #[test]
    fn trims_a_trailing_newline() {
        let credentials = Credentials::new("sk-onetsolutions-abc\n").unwrap();
        assert_eq!(
            credentials.header_value().to_str().unwrap(),
            "Bearer sk-onetsolutions-abc"
        );
        assert!(credentials.header_value().is_sensitive());
    }

    #[test]
    fn refuses_empty_and_spaced_tokens_without_echoing_them() {
        assert!(Credentials::new("  ").unwrap_err().is_invalid_input());
        let err = Credentials::new("sk-onetsolutions-a b").unwrap_err();
        assert!(err.is_invalid_input());
        assert!(!err.to_string().contains("sk-onetsolutions"), "{err}");
        let prefixed = Credentials::new("Bearer sk-onetsolutions-abc").unwrap_err();
        assert!(prefixed.to_string().contains("Bearer"), "{prefixed}");
    }
}
