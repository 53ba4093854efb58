//! Directional comparison of two canonical JSON schemas (see
//! [`super::resolve::canonical`]).
//!
//! Each difference is described by its effect on the set of values the schema
//! admits. Whether that breaks a client depends on who produces the values:
//! for a request the client does, so a narrowed schema breaks it; for a
//! response the server does, so a widened one breaks it.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// How a difference changes the values a schema admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Some values that were valid are not any more.
    Narrowed,
    /// Some values that were invalid are valid now.
    Widened,
    /// Both: the schema describes a different value.
    Changed,
    /// Neither, or nothing a generated client notices (an optional property
    /// added, a default changed).
    Neutral,
}

impl Effect {
    /// Whether a client that sends values of this schema may now be refused.
    pub(crate) fn breaks_requests(self) -> bool {
        matches!(self, Effect::Narrowed | Effect::Changed)
    }

    /// Whether a client that receives values of this schema may now fail to
    /// read them.
    pub(crate) fn breaks_responses(self) -> bool {
        matches!(self, Effect::Widened | Effect::Changed)
    }
}

/// One difference, at a place inside the schema such as `.items[].name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Delta {
    pub at: String,
    pub effect: Effect,
    pub what: String,
}

impl Delta {
    /// `what`, prefixed with where when it is not the top of the schema.
    pub(crate) fn describe(&self) -> String {
        if self.at.is_empty() {
            self.what.clone()
        } else {
            format!("`{}`: {}", self.at, self.what)
        }
    }
}

/// Compares two canonical schemas and returns their differences.
pub(crate) fn compare(old: &Value, new: &Value) -> Vec<Delta> {
    let mut out = Vec::new();
    compare_at(old, new, "", &mut out);
    out
}

/// Keywords that do not change which values are valid, but may matter to a
/// reader (`default`) or to the generated code (`readOnly`).
const NEUTRAL_KEYWORDS: &[&str] = &[
    "default",
    "readOnly",
    "writeOnly",
    "deprecated",
    "discriminator",
];

const LOWER_BOUNDS: &[&str] = &["minimum", "minLength", "minItems", "minProperties"];
const UPPER_BOUNDS: &[&str] = &["maximum", "maxLength", "maxItems", "maxProperties"];

fn compare_at(old: &Value, new: &Value, at: &str, out: &mut Vec<Delta>) {
    if old == new {
        return;
    }
    let mut push = |effect, what: String| {
        out.push(Delta {
            at: at.to_owned(),
            effect,
            what,
        })
    };
    let (Value::Object(old), Value::Object(new)) = (old, new) else {
        push(Effect::Changed, format!("schema {old} -> {new}"));
        return;
    };
    let before = out.len();

    if old.get("$recursive") != new.get("$recursive") {
        let name =
            |m: &Map<String, Value>| m.get("$recursive").map_or("-".into(), Value::to_string);
        out.push(delta(
            at,
            Effect::Changed,
            format!("recursive type {} -> {}", name(old), name(new)),
        ));
        return;
    }

    // A different type makes the other keywords meaningless to compare.
    match (text(old, "type"), text(new, "type")) {
        (Some(a), Some(b)) if a != b => {
            let effect = match (a, b) {
                ("integer", "number") => Effect::Widened,
                ("number", "integer") => Effect::Narrowed,
                _ => Effect::Changed,
            };
            out.push(delta(at, effect, format!("type {a} -> {b}")));
            return;
        }
        (None, Some(b)) => out.push(delta(
            at,
            Effect::Narrowed,
            format!("type restricted to {b}"),
        )),
        (Some(a), None) => out.push(delta(
            at,
            Effect::Widened,
            format!("type {a} no longer required"),
        )),
        _ => {}
    }

    compare_format(old, new, at, out);
    compare_flag(old, new, "nullable", at, out, Effect::Widened);
    compare_flag(old, new, "uniqueItems", at, out, Effect::Narrowed);
    compare_flag(old, new, "exclusiveMinimum", at, out, Effect::Narrowed);
    compare_flag(old, new, "exclusiveMaximum", at, out, Effect::Narrowed);
    compare_enum(old, new, at, out);
    for key in LOWER_BOUNDS {
        compare_bound(old, new, key, at, out, true);
    }
    for key in UPPER_BOUNDS {
        compare_bound(old, new, key, at, out, false);
    }
    for key in ["pattern", "multipleOf"] {
        match (old.get(key), new.get(key)) {
            (None, Some(b)) => out.push(delta(at, Effect::Narrowed, format!("{key} {b} added"))),
            (Some(a), None) => out.push(delta(at, Effect::Widened, format!("{key} {a} removed"))),
            (Some(a), Some(b)) if a != b => {
                out.push(delta(at, Effect::Changed, format!("{key} {a} -> {b}")))
            }
            _ => {}
        }
    }

    match (old.get("items"), new.get("items")) {
        (Some(a), Some(b)) => compare_at(a, b, &format!("{at}[]"), out),
        (None, Some(_)) => out.push(delta(at, Effect::Narrowed, "items restricted".into())),
        (Some(_), None) => out.push(delta(
            at,
            Effect::Widened,
            "items no longer restricted".into(),
        )),
        (None, None) => {}
    }
    compare_properties(old, new, at, out);
    compare_additional(old, new, at, out);
    for key in ["oneOf", "anyOf"] {
        compare_variants(old, new, key, at, out);
    }
    for key in ["allOf", "not"] {
        if old.get(key) != new.get(key) {
            out.push(delta(at, Effect::Changed, format!("{key} changed")));
        }
    }
    for key in NEUTRAL_KEYWORDS {
        if old.get(*key) != new.get(*key) {
            out.push(delta(at, Effect::Neutral, format!("{key} changed")));
        }
    }

    // Anything else (an extension, a keyword this tool does not know) is
    // reported without a verdict rather than silently ignored.
    if out.len() == before {
        out.push(delta(at, Effect::Neutral, "schema changed".into()));
    }
}

fn delta(at: &str, effect: Effect, what: String) -> Delta {
    Delta {
        at: at.to_owned(),
        effect,
        what,
    }
}

fn text<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

fn flag(map: &Map<String, Value>, key: &str) -> bool {
    map.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// A flag whose switching on has `on_effect` (and switching off the opposite).
fn compare_flag(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    key: &str,
    at: &str,
    out: &mut Vec<Delta>,
    on_effect: Effect,
) {
    let off_effect = match on_effect {
        Effect::Widened => Effect::Narrowed,
        _ => Effect::Widened,
    };
    match (flag(old, key), flag(new, key)) {
        (false, true) => out.push(delta(at, on_effect, format!("{key} set"))),
        (true, false) => out.push(delta(at, off_effect, format!("{key} unset"))),
        _ => {}
    }
}

/// Bit widths of the formats that only differ in range.
fn format_width(format: &str) -> Option<(&'static str, u32)> {
    Some(match format {
        "int8" => ("int", 8),
        "int16" => ("int", 16),
        "int32" => ("int", 32),
        "int64" => ("int", 64),
        "uint8" => ("uint", 8),
        "uint16" => ("uint", 16),
        "uint32" => ("uint", 32),
        "uint64" => ("uint", 64),
        "float" => ("float", 32),
        "double" => ("float", 64),
        _ => return None,
    })
}

fn compare_format(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    at: &str,
    out: &mut Vec<Delta>,
) {
    let effect_and_what = match (text(old, "format"), text(new, "format")) {
        (None, Some(b)) => (Effect::Narrowed, format!("format {b} added")),
        (Some(a), None) => (Effect::Widened, format!("format {a} removed")),
        (Some(a), Some(b)) if a != b => {
            let effect = match (format_width(a), format_width(b)) {
                (Some((fa, wa)), Some((fb, wb))) if fa == fb && wa < wb => Effect::Widened,
                (Some((fa, wa)), Some((fb, wb))) if fa == fb && wa > wb => Effect::Narrowed,
                _ => Effect::Changed,
            };
            (effect, format!("format {a} -> {b}"))
        }
        _ => return,
    };
    out.push(delta(at, effect_and_what.0, effect_and_what.1));
}

fn values(map: &Map<String, Value>, key: &str) -> Option<BTreeSet<String>> {
    map.get(key)
        .and_then(Value::as_array)
        .map(|items| items.iter().map(Value::to_string).collect())
}

fn join(set: &BTreeSet<&String>) -> String {
    set.iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn compare_enum(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    at: &str,
    out: &mut Vec<Delta>,
) {
    match (values(old, "enum"), values(new, "enum")) {
        (None, Some(_)) => out.push(delta(
            at,
            Effect::Narrowed,
            "values restricted to an enum".into(),
        )),
        (Some(_), None) => out.push(delta(
            at,
            Effect::Widened,
            "enum restriction removed".into(),
        )),
        (Some(a), Some(b)) => {
            let removed: BTreeSet<_> = a.difference(&b).collect();
            let added: BTreeSet<_> = b.difference(&a).collect();
            if !removed.is_empty() {
                let effect = if added.is_empty() {
                    Effect::Narrowed
                } else {
                    Effect::Changed
                };
                let what = format!("enum value(s) {} removed", join(&removed));
                out.push(delta(at, effect, what));
            }
            if !added.is_empty() {
                let effect = if removed.is_empty() {
                    Effect::Widened
                } else {
                    Effect::Changed
                };
                out.push(delta(
                    at,
                    effect,
                    format!("enum value(s) {} added", join(&added)),
                ));
            }
        }
        (None, None) => {}
    }
}

fn compare_bound(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    key: &str,
    at: &str,
    out: &mut Vec<Delta>,
    lower: bool,
) {
    let number = |m: &Map<String, Value>| m.get(key).and_then(Value::as_f64);
    let tighter = |a: f64, b: f64| if lower { b > a } else { b < a };
    let (effect, what) = match (number(old), number(new)) {
        (None, Some(b)) => (Effect::Narrowed, format!("{key} {b} added")),
        (Some(a), None) => (Effect::Widened, format!("{key} {a} removed")),
        (Some(a), Some(b)) if a != b => {
            let effect = if tighter(a, b) {
                Effect::Narrowed
            } else {
                Effect::Widened
            };
            (effect, format!("{key} {a} -> {b}"))
        }
        _ => return,
    };
    out.push(delta(at, effect, what));
}

fn compare_properties(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    at: &str,
    out: &mut Vec<Delta>,
) {
    let empty = Map::new();
    let properties = |m: &'_ Map<String, Value>| -> Map<String, Value> {
        m.get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty)
            .clone()
    };
    let required = |m: &Map<String, Value>| values(m, "required").unwrap_or_default();
    let (old_props, new_props) = (properties(old), properties(new));
    let (old_req, new_req) = (required(old), required(new));

    // Names in `required` are JSON strings in the sets: quote to look up.
    let is_req = |set: &BTreeSet<String>, name: &str| set.contains(&Value::from(name).to_string());
    let names: BTreeSet<&String> = old_props.keys().chain(new_props.keys()).collect();
    for name in names {
        let here = format!("{at}.{name}");
        let (was, is) = (is_req(&old_req, name), is_req(&new_req, name));
        match (old_props.get(name), new_props.get(name)) {
            (Some(a), Some(b)) => {
                compare_at(a, b, &here, out);
                match (was, is) {
                    (false, true) => {
                        out.push(delta(&here, Effect::Narrowed, "became required".into()))
                    }
                    (true, false) => {
                        out.push(delta(&here, Effect::Widened, "became optional".into()))
                    }
                    _ => {}
                }
            }
            (None, Some(_)) if is => out.push(delta(
                &here,
                Effect::Narrowed,
                "required property added".into(),
            )),
            (None, Some(_)) => out.push(delta(
                &here,
                Effect::Neutral,
                "optional property added".into(),
            )),
            // A client still sends what it knows, so a removal is treated like
            // a removed parameter for requests; reading an absent optional
            // value is fine for responses.
            (Some(_), None) if was => out.push(delta(
                &here,
                Effect::Changed,
                "required property removed".into(),
            )),
            (Some(_), None) => out.push(delta(
                &here,
                Effect::Narrowed,
                "optional property removed".into(),
            )),
            (None, None) => {}
        }
    }
}

/// `additionalProperties`: absent or `true` allows anything, `false` nothing,
/// a schema constrains the extra values.
fn compare_additional(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    at: &str,
    out: &mut Vec<Delta>,
) {
    let key = "additionalProperties";
    let open = |v: Option<&Value>| matches!(v, None | Some(Value::Bool(true)));
    let closed = |v: Option<&Value>| matches!(v, Some(Value::Bool(false)));
    let (a, b) = (old.get(key), new.get(key));
    if a == b || (open(a) && open(b)) {
        return;
    }
    let (effect, what) = match (a, b) {
        (Some(a @ Value::Object(_)), Some(b @ Value::Object(_))) => {
            compare_at(a, b, &format!("{at}.*"), out);
            return;
        }
        _ if open(a) => (Effect::Narrowed, "additional properties restricted"),
        _ if open(b) => (Effect::Widened, "additional properties allowed"),
        _ if closed(a) => (
            Effect::Widened,
            "additional properties allowed with a schema",
        ),
        _ => (Effect::Narrowed, "additional properties forbidden"),
    };
    out.push(delta(at, effect, what.into()));
}

/// `oneOf` and `anyOf` members, compared as sets.
fn compare_variants(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    key: &str,
    at: &str,
    out: &mut Vec<Delta>,
) {
    let members = |m: &Map<String, Value>| -> Vec<Value> {
        m.get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let (a, b) = (members(old), members(new));
    let removed: Vec<&Value> = a.iter().filter(|v| !b.contains(v)).collect();
    let added: Vec<&Value> = b.iter().filter(|v| !a.contains(v)).collect();

    // One member edited in place: say what changed inside it.
    if let ([old_member], [new_member]) = (removed.as_slice(), added.as_slice()) {
        compare_at(old_member, new_member, &format!("{at}<{key}>"), out);
        return;
    }
    if !removed.is_empty() {
        let what = format!("{} {key} member(s) removed", removed.len());
        out.push(delta(at, Effect::Narrowed, what));
    }
    if !added.is_empty() {
        out.push(delta(
            at,
            Effect::Widened,
            format!("{} {key} member(s) added", added.len()),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn effects(old: Value, new: Value) -> Vec<Effect> {
        compare(&old, &new).into_iter().map(|d| d.effect).collect()
    }

    #[test]
    fn equal_schemas_have_no_difference() {
        assert!(effects(json!({"type": "string"}), json!({"type": "string"})).is_empty());
    }

    #[test]
    fn format_and_type_changes_have_a_direction() {
        let int = |f: &str| json!({"type": "integer", "format": f});
        assert_eq!(effects(int("int32"), int("int64")), [Effect::Widened]);
        assert_eq!(effects(int("int64"), int("int32")), [Effect::Narrowed]);
        assert_eq!(
            effects(
                json!({"type": "string"}),
                json!({"type": "string", "format": "uuid"})
            ),
            [Effect::Narrowed]
        );
        assert_eq!(
            effects(json!({"type": "integer"}), json!({"type": "number"})),
            [Effect::Widened]
        );
        assert_eq!(
            effects(json!({"type": "integer"}), json!({"type": "string"})),
            [Effect::Changed]
        );
    }

    #[test]
    fn properties_follow_requiredness() {
        let old = json!({"type": "object", "required": ["a"], "properties": {"a": {}, "b": {}}});
        let new = json!({"type": "object", "required": ["a"], "properties": {"b": {}}});
        assert_eq!(effects(old.clone(), new), [Effect::Changed]);
        let new = json!({"type": "object", "required": ["a"], "properties": {"a": {}}});
        assert_eq!(effects(old.clone(), new), [Effect::Narrowed]);
        let new = json!({"type": "object", "required": ["a", "c"],
            "properties": {"a": {}, "b": {}, "c": {}}});
        assert_eq!(effects(old.clone(), new), [Effect::Narrowed]);
        let new =
            json!({"type": "object", "required": ["a"], "properties": {"a": {}, "b": {}, "d": {}}});
        assert_eq!(effects(old, new), [Effect::Neutral]);
    }

    #[test]
    fn enum_values_added_widen_and_removed_narrow() {
        let e = |v: Value| json!({"type": "string", "enum": v});
        assert_eq!(
            effects(e(json!(["a"])), e(json!(["a", "b"]))),
            [Effect::Widened]
        );
        assert_eq!(
            effects(e(json!(["a", "b"])), e(json!(["a"]))),
            [Effect::Narrowed]
        );
    }
}
