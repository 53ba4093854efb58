//! Loading a schema from a file or a git revision, and checking that it is an
//! OpenAPI 3.0 document the client generator can use.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use openapiv3::OpenAPI;
use serde_json::Value;

use super::error::{ErrorKind, SchemaError};

/// The prefix of a location read from git rather than from the work tree.
const GIT_PREFIX: &str = "git:";

/// The syntax a schema was written in, detected from its first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// YAML, the vendored format.
    Yaml,
    /// JSON.
    Json,
}

/// A validated OpenAPI 3.0 document together with the text it was read from.
#[derive(Debug, Clone)]
pub struct Schema {
    location: String,
    format: Format,
    text: String,
    spec: OpenAPI,
    // The same document as JSON, for following `$ref` pointers.
    doc: Value,
}

impl Schema {
    /// Loads `location`: a file path, or `git:REV:PATH` to read `PATH` as it
    /// is at revision `REV` of the git repository around the current directory.
    ///
    /// # Errors
    ///
    /// Fails when the file cannot be read or is not a valid OpenAPI 3.0.x
    /// document; see [`Schema::parse`].
    pub fn load(location: &str) -> Result<Self, SchemaError> {
        match location.strip_prefix(GIT_PREFIX) {
            Some(spec) => {
                let (rev, path) = spec.split_once(':').ok_or_else(|| {
                    SchemaError::new(ErrorKind::Read, location, "expected git:REV:PATH")
                })?;
                Self::from_git(rev, path)
            }
            None => Self::from_file(location),
        }
    }

    /// Loads a schema file; YAML or JSON is told from the content, not the name.
    ///
    /// # Errors
    ///
    /// Fails when the file cannot be read or is not a valid OpenAPI 3.0.x
    /// document.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, SchemaError> {
        let path = path.as_ref();
        let location = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| {
            SchemaError::new(ErrorKind::Read, &location, format!("cannot read: {e}"))
        })?;
        Self::parse(location, &bytes)
    }

    /// Loads `path` as committed at `rev`, through `git cat-file` (the raw blob
    /// that `git show REV:PATH` prints), in the repository around the current
    /// directory. `path` is relative to the repository root.
    ///
    /// # Errors
    ///
    /// Fails when git cannot be run, the revision or path does not exist, or
    /// the blob is not a valid OpenAPI 3.0.x document.
    pub fn from_git(rev: &str, path: &str) -> Result<Self, SchemaError> {
        let location = format!("{GIT_PREFIX}{rev}:{path}");
        if rev.is_empty() || path.is_empty() || rev.starts_with('-') {
            return Err(SchemaError::new(
                ErrorKind::Read,
                location,
                "expected git:REV:PATH",
            ));
        }

        let output = Command::new("git")
            .args(["cat-file", "blob", &format!("{rev}:{path}")])
            .output()
            .map_err(|e| {
                SchemaError::new(ErrorKind::Read, &location, format!("cannot run git: {e}"))
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let reason = stderr.lines().next().unwrap_or("git failed").trim();
            return Err(SchemaError::new(
                ErrorKind::Read,
                location,
                lower_first(reason),
            ));
        }
        Self::parse(location, &output.stdout)
    }

    /// Parses and validates a document read from `location` (used in errors).
    ///
    /// # Errors
    ///
    /// Fails when the bytes are not UTF-8, not YAML or JSON, not OpenAPI
    /// 3.0.x, when an operation has no `operationId` or shares one, when a
    /// path item is itself a `$ref`, or when a `$ref` does not resolve inside
    /// the document.
    pub fn parse(location: impl Into<String>, bytes: &[u8]) -> Result<Self, SchemaError> {
        let location = location.into();
        let invalid = |kind, message: String| SchemaError::new(kind, &location, message);

        let text = std::str::from_utf8(bytes)
            .map_err(|e| invalid(ErrorKind::Parse, format!("not utf-8 text: {e}")))?;
        let body = text.trim_start_matches('\u{feff}').trim_start();
        if body.is_empty() {
            return Err(invalid(ErrorKind::Parse, "the document is empty".into()));
        }
        let format = if body.starts_with('{') {
            Format::Json
        } else {
            Format::Yaml
        };

        // Look at the version first: a Swagger 2 or OpenAPI 3.1 document
        // deserves that explanation rather than a field-by-field complaint.
        let version = probe_version(format, body).map_err(|e| invalid(ErrorKind::Parse, e))?;
        check_version(version).map_err(|e| invalid(ErrorKind::Invalid, e))?;

        let spec: OpenAPI = deserialize(format, body).map_err(|e| {
            invalid(
                ErrorKind::Parse,
                format!("not a valid openapi 3.0 document: {e}"),
            )
        })?;
        let doc = serde_json::to_value(&spec)
            .map_err(|e| invalid(ErrorKind::Parse, format!("cannot represent as json: {e}")))?;
        check_operations(&spec).map_err(|e| invalid(ErrorKind::Invalid, e))?;
        check_refs(&doc, &doc).map_err(|e| invalid(ErrorKind::Invalid, e))?;

        Ok(Self {
            location,
            format,
            text: text.to_owned(),
            spec,
            doc,
        })
    }

    /// Where the schema was read from: a path, `git:REV:PATH` or a URL.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The syntax the schema was written in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The text exactly as read.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parsed document.
    pub fn openapi(&self) -> &OpenAPI {
        &self.spec
    }

    /// The document as a JSON value, used to follow `$ref` pointers.
    pub(crate) fn doc(&self) -> &Value {
        &self.doc
    }

    /// The SHA-256 of the text as read, in lower-case hex.
    pub fn sha256(&self) -> String {
        sha256_hex(self.text.as_bytes())
    }

    /// The document in the vendored format: YAML text as read, byte for byte;
    /// JSON converted to YAML with its keys in their original order.
    ///
    /// # Errors
    ///
    /// Fails only if the JSON cannot be re-encoded, which a parsed document
    /// should never cause.
    pub fn to_yaml(&self) -> Result<String, SchemaError> {
        if self.format == Format::Yaml {
            return Ok(self.text.clone());
        }
        let convert = || -> Result<String, String> {
            let value: serde_yaml::Value =
                serde_json::from_str(self.text.trim_start_matches('\u{feff}'))
                    .map_err(|e| e.to_string())?;
            serde_yaml::to_string(&value).map_err(|e| e.to_string())
        };
        convert().map_err(|e| {
            SchemaError::new(
                ErrorKind::Parse,
                &self.location,
                format!("cannot convert to yaml: {e}"),
            )
        })
    }
}

/// The lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    use std::fmt::Write;

    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// What a document says about its specification: its `openapi` field, or
/// that it has a `swagger` field instead.
enum Version {
    OpenApi(Value),
    Swagger,
    Missing,
}

/// Reads the document loosely, to tell a syntax error from a wrong shape and
/// to find which specification it follows.
fn probe_version(format: Format, text: &str) -> Result<Version, String> {
    let not_a_mapping = "not an openapi document: the top level is not a mapping";
    match format {
        Format::Json => {
            let value: Value =
                serde_json::from_str(text).map_err(|e| format!("not valid json: {e}"))?;
            let map = value.as_object().ok_or(not_a_mapping)?;
            Ok(match (map.get("openapi"), map.get("swagger")) {
                (Some(v), _) => Version::OpenApi(v.clone()),
                (None, Some(_)) => Version::Swagger,
                (None, None) => Version::Missing,
            })
        }
        Format::Yaml => {
            let value: serde_yaml::Value =
                serde_yaml::from_str(text).map_err(|e| format!("not valid yaml: {e}"))?;
            let map = value.as_mapping().ok_or(not_a_mapping)?;
            Ok(match (map.get("openapi"), map.get("swagger")) {
                (Some(serde_yaml::Value::String(v)), _) => {
                    Version::OpenApi(Value::from(v.as_str()))
                }
                (Some(other), _) => {
                    Version::OpenApi(serde_json::to_value(other).unwrap_or_default())
                }
                (None, Some(_)) => Version::Swagger,
                (None, None) => Version::Missing,
            })
        }
    }
}

fn deserialize<T: serde::de::DeserializeOwned>(format: Format, text: &str) -> Result<T, String> {
    match format {
        Format::Json => serde_json::from_str(text).map_err(|e| e.to_string()),
        Format::Yaml => serde_yaml::from_str(text).map_err(|e| e.to_string()),
    }
}

fn check_version(version: Version) -> Result<(), String> {
    let version = match version {
        Version::OpenApi(Value::String(version)) => version,
        Version::OpenApi(other) => return Err(format!("openapi version {other} is not a string")),
        Version::Swagger => return Err("swagger 2.0 is not supported, only openapi 3.0.x".into()),
        Version::Missing => return Err("not an openapi document: no `openapi` field".into()),
    };
    if !version.starts_with("3.0.") {
        return Err(format!(
            "openapi version {version} is not supported, only 3.0.x"
        ));
    }
    Ok(())
}

/// Every operation needs a unique id: it names the generated method.
fn check_operations(spec: &OpenAPI) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for (path, item) in spec.paths.iter() {
        let item = item
            .as_item()
            .ok_or_else(|| format!("path {path} is a $ref, which is not supported"))?;
        for (method, operation) in item.iter() {
            let method = method.to_uppercase();
            let id = operation
                .operation_id
                .as_deref()
                .ok_or_else(|| format!("{method} {path} has no operationId"))?;
            if !seen.insert(id) {
                return Err(format!(
                    "operationId {id} is used twice (again by {method} {path})"
                ));
            }
        }
    }
    Ok(())
}

/// Every `$ref` must point inside the document.
fn check_refs(root: &Value, node: &Value) -> Result<(), String> {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                super::resolve::pointer(root, target)?;
            }
            map.values().try_for_each(|value| check_refs(root, value))
        }
        Value::Array(items) => items.iter().try_for_each(|value| check_refs(root, value)),
        _ => Ok(()),
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
