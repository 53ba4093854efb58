//! Following `$ref` pointers, and the canonical form of a JSON schema that the
//! comparison works on: references inlined, documentation dropped, sets sorted.

use serde_json::{Map, Value};

/// How many `$ref` hops or nested inlined references are followed before
/// giving up; real schemas stay far below this.
const MAX_DEPTH: usize = 64;

/// Schema keywords that document a value without constraining it.
const DOC_KEYWORDS: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "externalDocs",
    "xml",
];

/// Finds the target of a local `$ref` such as `#/components/schemas/Image`.
pub(crate) fn pointer<'a>(root: &'a Value, target: &str) -> Result<&'a Value, String> {
    let Some(path) = target.strip_prefix('#') else {
        return Err(format!(
            "$ref {target} points outside the document, which is not supported"
        ));
    };
    root.pointer(path)
        .ok_or_else(|| format!("$ref {target} does not resolve"))
}

/// Follows `value` while it is a `$ref`, returning the referenced value.
pub(crate) fn follow<'a>(root: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..MAX_DEPTH {
        match ref_target(value) {
            Some(target) => match pointer(root, target) {
                Ok(next) => value = next,
                // Loading checked every reference, so this is not reached.
                Err(_) => return value,
            },
            None => return value,
        }
    }
    value
}

/// The target of `value` when it is a `$ref` object.
pub(crate) fn ref_target(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// The last segment of a `$ref`, the name the generator gives its type.
pub(crate) fn ref_name(target: &str) -> &str {
    target.rsplit('/').next().unwrap_or(target)
}

/// The canonical form of a schema: `$ref`s inlined (a recursive one becomes
/// `{"$recursive": NAME}`), documentation keywords dropped, `required` and
/// `enum` sorted, `oneOf`/`anyOf` members sorted and `allOf` of plain objects
/// merged into one object. Two schemas that only differ in order or
/// documentation have the same canonical form.
pub(crate) fn canonical(root: &Value, schema: &Value) -> Value {
    let mut stack = Vec::new();
    canonical_at(root, schema, &mut stack)
}

fn canonical_at<'a>(root: &'a Value, schema: &'a Value, stack: &mut Vec<&'a str>) -> Value {
    if let Some(target) = ref_target(schema) {
        if stack.contains(&target) || stack.len() >= MAX_DEPTH {
            return serde_json::json!({ "$recursive": ref_name(target) });
        }
        let Ok(next) = pointer(root, target) else {
            return schema.clone();
        };
        stack.push(target);
        let value = canonical_at(root, next, stack);
        stack.pop();
        return value;
    }

    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        if DOC_KEYWORDS.contains(&key.as_str()) {
            continue;
        }
        let value = match key.as_str() {
            "properties" => match value {
                Value::Object(properties) => Value::Object(
                    properties
                        .iter()
                        .map(|(name, property)| (name.clone(), canonical_at(root, property, stack)))
                        .collect(),
                ),
                other => other.clone(),
            },
            "items" | "not" | "additionalProperties" if value.is_object() => {
                canonical_at(root, value, stack)
            }
            "oneOf" | "anyOf" | "allOf" => match value {
                Value::Array(members) => {
                    let members = members
                        .iter()
                        .map(|m| canonical_at(root, m, stack))
                        .collect();
                    Value::Array(sorted(members))
                }
                other => other.clone(),
            },
            "required" | "enum" => match value {
                Value::Array(items) => Value::Array(sorted(items.clone())),
                other => other.clone(),
            },
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    merge_all_of(&mut out);
    Value::Object(out)
}

/// Sorts values by their JSON text, so that sets compare equal in any order.
fn sorted(mut values: Vec<Value>) -> Vec<Value> {
    values.sort_by_cached_key(|v| v.to_string());
    values.dedup();
    values
}

/// Merges `allOf` members into the schema when they do not conflict, the
/// usual way of extending an object; otherwise leaves `allOf` as it is.
fn merge_all_of(schema: &mut Map<String, Value>) {
    let Some(Value::Array(members)) = schema.get("allOf") else {
        return;
    };
    let mut merged = schema.clone();
    merged.remove("allOf");
    for member in members {
        let Value::Object(member) = member else {
            return;
        };
        for (key, value) in member {
            match (key.as_str(), merged.get_mut(key)) {
                (_, None) => {
                    merged.insert(key.clone(), value.clone());
                }
                (_, Some(existing)) if existing == value => {}
                ("properties", Some(Value::Object(existing))) => {
                    let Value::Object(extra) = value else { return };
                    for (name, property) in extra {
                        match existing.get(name) {
                            Some(old) if old != property => return,
                            _ => {
                                existing.insert(name.clone(), property.clone());
                            }
                        }
                    }
                }
                ("required", Some(Value::Array(existing))) => {
                    let Value::Array(extra) = value else { return };
                    existing.extend(extra.iter().cloned());
                    let all = std::mem::take(existing);
                    *existing = sorted(all);
                }
                _ => return,
            }
        }
    }
    *schema = merged;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inlines_references_and_ignores_order_and_docs() {
        let root = json!({"components": {"schemas": {
            "Id": {"type": "string", "description": "an id"},
        }}});
        let a = json!({"type": "object", "required": ["b", "a"],
            "properties": {"a": {"$ref": "#/components/schemas/Id"}, "b": {"type": "integer"}}});
        let b = json!({"properties": {"b": {"type": "integer"}, "a": {"type": "string"}},
            "required": ["a", "b"], "type": "object", "title": "Thing"});
        assert_eq!(canonical(&root, &a), canonical(&root, &b));
    }

    #[test]
    fn recursion_stops_at_the_repeated_reference() {
        let root = json!({"components": {"schemas": {
            "Node": {"type": "object",
                "properties": {"next": {"$ref": "#/components/schemas/Node"}}},
        }}});
        let value = canonical(&root, &json!({"$ref": "#/components/schemas/Node"}));
        assert_eq!(value["properties"]["next"], json!({"$recursive": "Node"}));
    }

    #[test]
    fn all_of_objects_are_merged() {
        let root = json!({});
        let split = json!({"allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"properties": {"b": {"type": "string"}}},
        ]});
        let whole = json!({"type": "object", "required": ["a"],
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}}});
        assert_eq!(canonical(&root, &split), canonical(&root, &whole));
    }
}
