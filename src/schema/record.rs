//! The record of where the vendored schema came from and its SHA-256: the
//! `| field | value |` table of `openapi/README.md`.

use std::path::Path;

use super::error::{ErrorKind, SchemaError};
use super::write::write_atomically;

/// The recorded source and checksum of a vendored schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// The URL the schema was fetched from.
    pub source: Option<String>,
    /// The lower-case hex SHA-256 of the vendored file.
    pub sha256: Option<String>,
}

impl Record {
    /// Reads the table rows `| source | … |` and `| sha256 | … |` of a
    /// Markdown file.
    ///
    /// # Errors
    ///
    /// Fails when the file cannot be read.
    pub fn read(path: impl AsRef<Path>) -> Result<Self, SchemaError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            SchemaError::new(
                ErrorKind::Read,
                path.display().to_string(),
                format!("cannot read: {e}"),
            )
        })?;
        Ok(Self::parse(&text))
    }

    /// Reads the record from Markdown text.
    pub fn parse(text: &str) -> Self {
        let mut record = Self::default();
        for line in text.lines() {
            match row(line) {
                Some(("source", value)) => record.source = Some(value.to_owned()),
                Some(("sha256", value)) => record.sha256 = Some(value.to_owned()),
                _ => {}
            }
        }
        record
    }
}

/// The field and value of a two-cell table row.
fn row(line: &str) -> Option<(&str, &str)> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    let (field, value) = inner.split_once('|')?;
    Some((field.trim(), value.trim()))
}

/// Rewrites the `source` and `sha256` rows of `text`, keeping everything
/// else; adds a table when there is none.
pub(crate) fn update_text(text: &str, source: &str, sha256: &str) -> String {
    let mut seen = (false, false);
    let mut lines: Vec<String> = text
        .lines()
        .map(|line| match row(line) {
            Some(("source", _)) => {
                seen.0 = true;
                format!("| source | {source} |")
            }
            Some(("sha256", _)) => {
                seen.1 = true;
                format!("| sha256 | {sha256} |")
            }
            _ => line.to_owned(),
        })
        .collect();

    if seen != (true, true) {
        // Only happens for a new or hand-mangled file: start a fresh table.
        lines.retain(|line| !matches!(row(line), Some(("source" | "sha256", _))));
        if lines.is_empty() {
            lines.push("# Vendored OpenAPI schema".to_owned());
        }
        lines.extend([
            String::new(),
            "| field | value |".to_owned(),
            "| --- | --- |".to_owned(),
            format!("| source | {source} |"),
            format!("| sha256 | {sha256} |"),
        ]);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Records `source` and `sha256` in the Markdown file at `path`, creating it
/// when missing. Returns whether the file changed.
pub(crate) fn update(path: &Path, source: &str, sha256: &str) -> Result<bool, SchemaError> {
    let location = path.display().to_string();
    let old = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(SchemaError::new(
                ErrorKind::Write,
                location,
                format!("cannot read: {e}"),
            ))
        }
    };
    let new = update_text(&old, source, sha256);
    if new == old {
        return Ok(false);
    }
    write_atomically(path, new.as_bytes())?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    const README: &str = "# Title\n\n| field | value |\n| --- | --- |\n\
        | source | https://a.example/schema |\n| sha256 | abc |\n\nMore text.\n";

    #[test]
    fn reads_the_table() {
        let record = Record::parse(README);
        assert_eq!(record.source.as_deref(), Some("https://a.example/schema"));
        assert_eq!(record.sha256.as_deref(), Some("abc"));
    }

    #[test]
    fn updates_rows_in_place() {
        let text = update_text(README, "http://127.0.0.1:1/s", "def");
        assert_eq!(
            text,
            README
                .replace("https://a.example/schema", "http://127.0.0.1:1/s")
                .replace("abc", "def")
        );
    }

    #[test]
    fn creates_a_table_when_missing() {
        let record = Record::parse(&update_text("", "u", "h"));
        assert_eq!(record.source.as_deref(), Some("u"));
        assert_eq!(record.sha256.as_deref(), Some("h"));
    }
}
