//! Downloading the published schema and replacing the vendored copy.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::diff::diff;
use super::error::{ErrorKind, SchemaError};
use super::load::Schema;
use super::record;
use super::report::Report;
use super::write::write_atomically;

/// Where the OnetSolutions API publishes its schema.
pub const DEFAULT_URL: &str = "https://api.onetsolutions.net/schema";

/// Where the crate keeps its vendored copy, relative to the crate root.
pub const DEFAULT_SCHEMA_PATH: &str = "openapi/onetsolutions.yaml";

/// What a fetch did.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The schema as written to the output file.
    pub schema: Schema,
    /// Whether the output file changed (false when the download is identical
    /// to the previous copy).
    pub changed: bool,
    /// The changes against the previous copy; `None` when there was no
    /// previous copy or it was not a valid schema.
    pub report: Option<Report>,
    /// Where the source and SHA-256 were recorded.
    pub record: PathBuf,
}

/// Options of a fetch; [`fetch`] uses the defaults.
#[derive(Debug, Clone)]
#[must_use]
pub struct FetchOptions {
    url: String,
    out: PathBuf,
    record: Option<PathBuf>,
    max_bytes: usize,
    timeout: Duration,
}

impl FetchOptions {
    /// Fetches `url` into `out`.
    pub fn new(url: impl Into<String>, out: impl Into<PathBuf>) -> Self {
        Self {
            url: url.into(),
            out: out.into(),
            record: None,
            max_bytes: 16 * 1024 * 1024,
            timeout: Duration::from_secs(60),
        }
    }

    /// The Markdown file whose table records the source and SHA-256.
    /// Default: `README.md` beside the output file.
    pub fn record(mut self, path: impl Into<PathBuf>) -> Self {
        self.record = Some(path.into());
        self
    }

    /// The largest body accepted, in bytes. Default: 16 MiB.
    pub fn max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// The time allowed for the whole download. Default: 60 seconds.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn record_path(&self) -> PathBuf {
        self.record.clone().unwrap_or_else(|| {
            let dir = self.out.parent().unwrap_or(Path::new(""));
            dir.join("README.md")
        })
    }

    /// Downloads and validates the schema, writes it as YAML to the output
    /// file and records its source and SHA-256.
    ///
    /// Nothing is written unless the download is a valid OpenAPI 3.0 document,
    /// and both files are replaced through a rename, so a failure leaves the
    /// previous copy as it was.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Network`] when the download fails, answers a non-success
    /// status or exceeds the size limit; [`ErrorKind::Parse`] or
    /// [`ErrorKind::Invalid`] when the body is not a valid schema;
    /// [`ErrorKind::Write`] when the files cannot be written.
    pub async fn fetch(&self) -> Result<Fetched, SchemaError> {
        let bytes = self.download().await?;
        let downloaded = Schema::parse(&self.url, &bytes)?;

        // The vendored copy is YAML: a JSON document is converted, then read
        // back to make sure the conversion describes the same API.
        let yaml = downloaded.to_yaml()?;
        let out = self.out.display().to_string();
        let schema = Schema::parse(&out, yaml.as_bytes())?;
        if !diff(&downloaded, &schema).is_empty() {
            let message = "converting the json document to yaml changed it";
            return Err(SchemaError::new(ErrorKind::Parse, &self.url, message));
        }

        let previous_text = std::fs::read(&self.out).ok();
        let report = previous_text
            .as_deref()
            .and_then(|text| Schema::parse(&out, text).ok())
            .map(|previous| {
                let mut report = diff(&previous, &schema);
                report.new.clone_from(&self.url);
                report
            });
        let changed = previous_text.as_deref() != Some(yaml.as_bytes());
        if changed {
            write_atomically(&self.out, yaml.as_bytes())?;
        }

        let record = self.record_path();
        record::update(&record, &self.url, &schema.sha256())?;
        Ok(Fetched {
            schema,
            changed,
            report,
            record,
        })
    }

    /// The body of a successful GET, at most `max_bytes` long.
    async fn download(&self) -> Result<Vec<u8>, SchemaError> {
        let failed = |message: String| SchemaError::new(ErrorKind::Network, &self.url, message);

        let url = url::Url::parse(&self.url).map_err(|e| {
            SchemaError::new(ErrorKind::Invalid, &self.url, format!("not a url: {e}"))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            let message = "only http and https urls are supported";
            return Err(SchemaError::new(ErrorKind::Invalid, &self.url, message));
        }

        let client = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("onetsolutions-schema/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| failed(format!("cannot build the http client: {e}")))?;
        let mut response = client
            .get(url)
            .header(
                reqwest::header::ACCEPT,
                "application/yaml, application/json;q=0.9, */*;q=0.1",
            )
            .send()
            .await
            .map_err(|e| failed(format!("request failed: {}", error_chain(&e))))?;

        let status = response.status();
        if !status.is_success() {
            return Err(failed(format!("server answered {status}")));
        }
        let too_large = || {
            failed(format!(
                "the schema is larger than {} bytes",
                self.max_bytes
            ))
        };
        if response
            .content_length()
            .is_some_and(|n| n > self.max_bytes as u64)
        {
            return Err(too_large());
        }

        // Read in chunks so that a body without a length cannot grow past the limit.
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| failed(format!("reading the body failed: {}", error_chain(&e))))?
        {
            if body.len() + chunk.len() > self.max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// Fetches `url` into `out` with the default options; see
/// [`FetchOptions::fetch`].
///
/// # Errors
///
/// As [`FetchOptions::fetch`].
pub async fn fetch(url: &str, out: impl AsRef<Path>) -> Result<Fetched, SchemaError> {
    FetchOptions::new(url, out.as_ref()).fetch().await
}

/// An error and its causes on one line: reqwest's own message is often just
/// "error sending request".
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
