//! Seed files: the tokens, images and limits a sandbox starts with, as JSON.

use std::path::Path;

use serde::Deserialize;

use super::state::{Image, Token, Visibility};
use super::Error;
use crate::rate_limit::RateLimit;

/// The token of the demo seed, printed by [`serve`](super::serve); it is
/// public, so never use it for anything real.
pub const DEMO_TOKEN: &str = "sk-onetsolutions-demo";

/// What a sandbox starts with: tokens, images and, optionally, a rate limit.
///
/// A seed file (for [`Builder::seed_file`](super::Builder::seed_file) and
/// `onet sandbox --seed FILE`) looks like this:
///
/// ```json
/// {
///   "tokens": [
///     { "token": "sk-onetsolutions-demo", "organizations": ["org-1"] }
///   ],
///   "images": [
///     { "organization": "org-1", "project": "proj-1", "id": "img-1" },
///     { "organization": "org-1", "project": "proj-1", "id": "ubuntu-24.04",
///       "visibility": "public" },
///     { "organization": "org-1", "project": "proj-1", "id": "img-busy",
///       "in_use": true }
///   ],
///   "rate_limit": { "per_second": 100, "per_minute": 1000 }
/// }
/// ```
///
/// `visibility` defaults to `"private"`, `in_use` to `false`, and
/// `rate_limit` may be left out (no limiter). Unknown fields are errors, so a
/// typo does not silently seed something else.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seed {
    pub(crate) tokens: Vec<Token>,
    pub(crate) images: Vec<Image>,
    pub(crate) rate_limit: Option<RateLimit>,
}

impl Seed {
    /// Reads a seed file in the format shown above.
    ///
    /// # Errors
    /// [`Error::Seed`] if the file cannot be read or is not a valid seed.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let seed_error = |message: String| Error::Seed {
            path: path.to_path_buf(),
            message,
        };

        let text = std::fs::read_to_string(path).map_err(|e| seed_error(e.to_string()))?;
        Seed::from_json(&text).map_err(seed_error)
    }

    /// Parses a seed from JSON text; the error says what is wrong and where.
    ///
    /// # Errors
    /// A message naming the line and column of the first problem.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let file: SeedFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Ok(file.into())
    }

    /// The demo world of the quickstart: [`DEMO_TOKEN`] in `org-1`; in
    /// `org-1/proj-1` a private `img-1`, a public `ubuntu-24.04` and an
    /// `img-busy` in use; and `img-other` in `org-2/proj-2`, which the demo
    /// token cannot see.
    pub fn demo() -> Self {
        Seed {
            tokens: vec![Token::new(DEMO_TOKEN).organization("org-1")],
            images: vec![
                Image::private("org-1", "proj-1", "img-1"),
                Image::public("org-1", "proj-1", "ubuntu-24.04"),
                Image::private("org-1", "proj-1", "img-busy").in_use(),
                Image::private("org-2", "proj-2", "img-other"),
            ],
            rate_limit: None,
        }
    }

    /// The tokens of this seed.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// The images of this seed.
    pub fn images(&self) -> &[Image] {
        &self.images
    }

    /// The rate limit of this seed, if it sets one.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    #[serde(default)]
    tokens: Vec<TokenEntry>,
    #[serde(default)]
    images: Vec<ImageEntry>,
    rate_limit: Option<RateLimitEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenEntry {
    token: String,
    #[serde(default)]
    organizations: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageEntry {
    organization: String,
    project: String,
    id: String,
    #[serde(default)]
    visibility: VisibilityEntry,
    #[serde(default)]
    in_use: bool,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "lowercase")]
enum VisibilityEntry {
    #[default]
    Private,
    Public,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RateLimitEntry {
    per_second: u32,
    per_minute: u32,
}

impl From<SeedFile> for Seed {
    fn from(file: SeedFile) -> Self {
        let tokens = file.tokens.into_iter().map(|entry| {
            let token = Token::new(entry.token);
            entry
                .organizations
                .into_iter()
                .fold(token, Token::organization)
        });

        let images = file.images.into_iter().map(|entry| {
            let visibility = match entry.visibility {
                VisibilityEntry::Private => Visibility::Private,
                VisibilityEntry::Public => Visibility::Public,
            };
            let image = Image::new(entry.organization, entry.project, entry.id, visibility);
            if entry.in_use {
                image.in_use()
            } else {
                image
            }
        });

        Seed {
            tokens: tokens.collect(),
            images: images.collect(),
            rate_limit: file
                .rate_limit
                .map(|limit| RateLimit::new(limit.per_second, limit.per_minute)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_is_the_demo() {
        let text = include_str!("seed.rs")
            .split("/// ```json\n")
            .nth(1)
            .and_then(|rest| rest.split("/// ```").next())
            .unwrap()
            .lines()
            .map(|line| line.trim_start_matches("///"))
            .collect::<Vec<_>>()
            .join("\n");
        let seed = Seed::from_json(&text).unwrap();

        let mut demo = Seed::demo();
        demo.images.pop();
        demo.rate_limit = Some(RateLimit::documented());
        assert_eq!(seed, demo);
    }

    #[test]
    fn typos_are_errors_with_a_position() {
        let error = Seed::from_json(r#"{"images": [{"organisation": "o"}]}"#).unwrap_err();
        assert!(error.contains("organisation"), "{error}");
        assert!(error.contains("line 1"), "{error}");
    }

    #[test]
    fn missing_file_names_the_path() {
        let error = Seed::from_file("/nonexistent/seed.json").unwrap_err();
        assert!(
            error.to_string().contains("/nonexistent/seed.json"),
            "{error}"
        );
    }
}
