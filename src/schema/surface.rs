//! A readable listing of the generated client's public surface: every
//! operation with its method, path, parameters and documented responses, and
//! every named type. Committed as `openapi/surface.txt`, it turns a change of
//! the generated API into a reviewable diff.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

use super::diff::operations;
use super::error::{ErrorKind, SchemaError};
use super::load::Schema;
use super::resolve::{follow, ref_name, ref_target};

/// The first lines of the snapshot.
const HEADER: &str = "\
# Public surface of onetsolutions::generated, derived from the schema the
# client is generated from. Do not edit: regenerate with
#   ONETSOLUTIONS_UPDATE_SURFACE=1 cargo test --features schema --test schema_surface
";

/// Locations in the order the listing uses.
const LOCATIONS: &[&str] = &["path", "query", "header", "cookie"];

/// The operation table of a schema, as `build.rs` writes it for the generated
/// client: `(operation id, method, path template)`, sorted.
pub fn operation_table(schema: &Schema) -> Vec<(String, String, String)> {
    let mut table: Vec<_> = operations(schema.doc())
        .values()
        .map(|op| (op.id.to_owned(), op.method.clone(), op.path.to_owned()))
        .collect();
    table.sort();
    table
}

/// The surface of a client with the operations `table` (normally
/// `onetsolutions::generated::operations::OPERATIONS`) generated from
/// `schema`.
///
/// # Errors
///
/// Fails with [`ErrorKind::Invalid`] when the table and the schema do not list
/// the same operations, that is, when the client was generated from another
/// schema.
pub fn surface(schema: &Schema, table: &[(&str, &str, &str)]) -> Result<String, SchemaError> {
    let mut expected: Vec<(&str, &str, &str)> = table.to_vec();
    expected.sort();
    let actual = operation_table(schema);
    let actual: Vec<(&str, &str, &str)> = actual
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    let mismatch = |row: &(&str, &str, &str), has: &str, lacks: &str| {
        let message = format!(
            "the {has} has {} {} {} but the {lacks} does not; \
             was the client generated from another file?",
            row.0, row.1, row.2
        );
        SchemaError::new(ErrorKind::Invalid, schema.location(), message)
    };
    if let Some(row) = expected.iter().find(|row| !actual.contains(row)) {
        return Err(mismatch(row, "generated client", "schema"));
    }
    if let Some(row) = actual.iter().find(|row| !expected.contains(row)) {
        return Err(mismatch(row, "schema", "generated client"));
    }
    Ok(render(schema))
}

/// The surface of the client that would be generated from `schema`.
pub fn render(schema: &Schema) -> String {
    let doc = schema.doc();
    let mut out = HEADER.to_owned();

    for op in operations(doc).values() {
        let _ = write!(out, "\noperation {}\n  {} {}\n", op.id, op.method, op.path);
        if op.op.get("deprecated").and_then(Value::as_bool) == Some(true) {
            out.push_str("  deprecated\n");
        }
        let _ = writeln!(out, "  security: {}", security(doc, op.op));

        // Parameters by location then name: declaration order does not change
        // the generated builder.
        let mut params = BTreeMap::new();
        for list in [op.item.get("parameters"), op.op.get("parameters")] {
            for param in list.and_then(Value::as_array).into_iter().flatten() {
                let param = follow(doc, param);
                let location = param.get("in").and_then(Value::as_str).unwrap_or("?");
                let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
                let rank = LOCATIONS
                    .iter()
                    .position(|l| *l == location)
                    .unwrap_or(LOCATIONS.len());
                params.insert((rank, location, name), param);
            }
        }
        for ((_, location, name), param) in params {
            let schema = param.get("schema").or_else(|| {
                param
                    .get("content")?
                    .as_object()?
                    .values()
                    .next()?
                    .get("schema")
            });
            let required = if param.get("required").and_then(Value::as_bool) == Some(true) {
                "required"
            } else {
                "optional"
            };
            let _ = writeln!(
                out,
                "  parameter {location} {name}: {}, {required}",
                type_of(schema)
            );
        }

        if let Some(body) = op.op.get("requestBody") {
            let body = follow(doc, body);
            let required = if body.get("required").and_then(Value::as_bool) == Some(true) {
                "required"
            } else {
                "optional"
            };
            let _ = writeln!(out, "  body: {}, {required}", content(body));
        }

        if let Some(responses) = op.op.get("responses").and_then(Value::as_object) {
            let mut statuses: Vec<_> = responses.iter().collect();
            statuses.sort_by(|a, b| a.0.cmp(b.0));
            for (status, response) in statuses {
                let _ = writeln!(
                    out,
                    "  response {status}: {}",
                    content(follow(doc, response))
                );
            }
        }
    }

    let schemas = doc["components"]["schemas"].as_object();
    for (name, schema) in schemas.into_iter().flatten() {
        let schema = follow(doc, schema);
        let properties = schema.get("properties").and_then(Value::as_object);
        match properties {
            Some(properties) if !properties.is_empty() => {
                let _ = writeln!(out, "\ntype {name}: object");
                let required: Vec<&str> = schema["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                for (field, field_schema) in properties {
                    let required = if required.contains(&field.as_str()) {
                        "required"
                    } else {
                        "optional"
                    };
                    let _ = writeln!(
                        out,
                        "  field {field}: {}, {required}",
                        type_of(Some(field_schema))
                    );
                }
            }
            _ => {
                let _ = writeln!(out, "\ntype {name}: {}", type_of(Some(schema)));
            }
        }
    }
    out
}

/// The media types of a body and their types, or `no body`.
fn content(body: &Value) -> String {
    let Some(media) = body
        .get("content")
        .and_then(Value::as_object)
        .filter(|m| !m.is_empty())
    else {
        return "no body".to_owned();
    };
    let mut parts: Vec<String> = media
        .iter()
        .map(|(media_type, m)| format!("{media_type} {}", type_of(m.get("schema"))))
        .collect();
    parts.sort();
    parts.join(" | ")
}

/// The security alternatives, by scheme name.
fn security(doc: &Value, op: &Value) -> String {
    let list = op.get("security").or_else(|| doc.get("security"));
    let mut alternatives: Vec<String> = list
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|requirement| {
            let mut names: Vec<&str> = requirement.keys().map(String::as_str).collect();
            names.sort();
            if names.is_empty() {
                "anonymous".to_owned()
            } else {
                names.join(" + ")
            }
        })
        .collect();
    alternatives.sort();
    if alternatives.is_empty() {
        "none".to_owned()
    } else {
        alternatives.join(" or ")
    }
}

/// A short description of a schema's type: a named type by its name,
/// otherwise the type and its format, items or variants.
fn type_of(schema: Option<&Value>) -> String {
    let Some(schema) = schema else {
        return "any".to_owned();
    };
    if let Some(target) = ref_target(schema) {
        return ref_name(target).to_owned();
    }
    let kind = schema.get("type").and_then(Value::as_str);
    let format = schema.get("format").and_then(Value::as_str);
    let mut text = match (kind, format) {
        (Some("array"), _) => format!("array of {}", type_of(schema.get("items"))),
        (Some(kind), Some(format)) => format!("{kind}({format})"),
        (Some(kind), None) => kind.to_owned(),
        (None, _) => {
            let variants = ["oneOf", "anyOf", "allOf"]
                .into_iter()
                .find_map(|key| Some((key, schema.get(key)?.as_array()?)));
            match variants {
                Some((key, members)) => {
                    let members: Vec<String> = members.iter().map(|m| type_of(Some(m))).collect();
                    format!("{key}[{}]", members.join(", "))
                }
                None if schema.get("properties").is_some() => "object".to_owned(),
                None => "any".to_owned(),
            }
        }
    };
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values.iter().map(Value::to_string).collect();
        let _ = write!(text, " enum [{}]", values.join(", "));
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let required: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let fields: Vec<String> = properties
            .iter()
            .map(|(name, field)| {
                let mark = if required.contains(&name.as_str()) {
                    ""
                } else {
                    "?"
                };
                format!("{name}{mark}: {}", type_of(Some(field)))
            })
            .collect();
        let _ = write!(text, " {{{}}}", fields.join(", "));
    }
    if let Some(extra) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        let _ = write!(text, " map of {}", type_of(Some(extra)));
    }
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        text.push_str(" or null");
    }
    text
}

/// A unified diff of two texts, empty when they are equal.
pub fn text_diff(old_name: &str, old: &str, new_name: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}
