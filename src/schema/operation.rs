//! Comparing one operation in two schemas: method and path, parameters,
//! request body, responses and security.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::change::{Change, ChangeKind};
use super::compare::{compare, Delta};
use super::diff::Op;
use super::load::Schema;
use super::resolve::{canonical, follow};

/// Who produces the values a schema describes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Request,
    Response,
}

/// Appends the changes between `old` (in `old_schema`) and `new` to `out`.
pub(crate) fn compare_operation(
    old_schema: &Schema,
    new_schema: &Schema,
    old: &Op,
    new: &Op,
    out: &mut Vec<Change>,
) {
    let sides = Sides {
        old: old_schema.doc(),
        new: new_schema.doc(),
    };

    if old.method != new.method {
        let message = format!("method {} -> {}", old.method, new.method);
        out.push(Change::new(ChangeKind::MethodChanged, message));
    }
    if old.route != new.route {
        let message = format!("path {} -> {}", old.path, new.path);
        out.push(Change::new(ChangeKind::PathChanged, message));
    }
    if !flag(old.op, "deprecated") && flag(new.op, "deprecated") {
        out.push(Change::new(
            ChangeKind::OperationDeprecated,
            "operation deprecated",
        ));
    }
    for key in ["summary", "description"] {
        if old.op.get(key) != new.op.get(key) {
            out.push(Change::new(
                ChangeKind::DescriptionChanged,
                format!("{key} changed"),
            ));
        }
    }

    sides.parameters(old, new, out);
    sides.request_body(old.op, new.op, out);
    sides.responses(old.op, new.op, out);
    sides.security(old.op, new.op, out);
}

fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The two documents, for resolving references on either side.
struct Sides<'a> {
    old: &'a Value,
    new: &'a Value,
}

/// A parameter is identified by its location and name; header names ignore
/// case.
type ParamKey = (String, String);

impl<'a> Sides<'a> {
    /// Parameters of the path item, overridden by those of the operation.
    fn effective_parameters(doc: &'a Value, op: &Op<'a>) -> BTreeMap<ParamKey, &'a Value> {
        let mut params = BTreeMap::new();
        for list in [op.item.get("parameters"), op.op.get("parameters")] {
            for param in list.and_then(Value::as_array).into_iter().flatten() {
                let param = follow(doc, param);
                let location = text(param, "in").to_owned();
                let mut name = text(param, "name").to_owned();
                if location == "header" {
                    name = name.to_lowercase();
                }
                params.insert((location, name), param);
            }
        }
        params
    }

    fn parameters(&self, old: &Op<'a>, new: &Op<'a>, out: &mut Vec<Change>) {
        let old_params = Self::effective_parameters(self.old, old);
        let mut new_params = Self::effective_parameters(self.new, new);

        for ((location, name), old_param) in &old_params {
            let label = format!("{location} parameter `{name}`");
            if let Some(new_param) = new_params.remove(&(location.clone(), name.clone())) {
                self.parameter(&label, old_param, new_param, out);
                continue;
            }
            let moved = new_params
                .keys()
                .find(|(_, other)| other.eq_ignore_ascii_case(name))
                .cloned();
            match moved {
                Some(key) => {
                    new_params.remove(&key);
                    let message = format!("{label} moved to {}", key.0);
                    out.push(Change::new(ChangeKind::ParameterMoved, message));
                }
                None => out.push(Change::new(
                    ChangeKind::ParameterRemoved,
                    format!("{label} removed"),
                )),
            }
        }

        for ((location, name), param) in new_params {
            let (kind, what) = if flag(param, "required") {
                (ChangeKind::RequiredParameterAdded, "required")
            } else {
                (ChangeKind::OptionalParameterAdded, "optional")
            };
            out.push(Change::new(
                kind,
                format!("{what} {location} parameter `{name}` added"),
            ));
        }
    }

    fn parameter(&self, label: &str, old: &Value, new: &Value, out: &mut Vec<Change>) {
        match (flag(old, "required"), flag(new, "required")) {
            (false, true) => {
                let message = format!("{label} became required");
                out.push(Change::new(ChangeKind::RequiredParameterAdded, message));
            }
            (true, false) => {
                let message = format!("{label} became optional");
                out.push(Change::new(ChangeKind::ParameterWidened, message));
            }
            _ => {}
        }
        for key in ["style", "explode"] {
            if old.get(key) != new.get(key) {
                let message = format!("{label}: {key} changed");
                out.push(Change::new(ChangeKind::ParameterStyleChanged, message));
            }
        }
        if old.get("description") != new.get("description") {
            out.push(Change::new(
                ChangeKind::DescriptionChanged,
                format!("{label}: description changed"),
            ));
        }

        let deltas = self.schema_deltas(parameter_schema(old), parameter_schema(new));
        for delta in deltas {
            let kind = if delta.effect.breaks_requests() {
                ChangeKind::ParameterNarrowed
            } else if delta.effect.breaks_responses() {
                ChangeKind::ParameterWidened
            } else {
                ChangeKind::OtherChange
            };
            out.push(Change::new(kind, format!("{label}: {}", delta.describe())));
        }
    }

    fn schema_deltas(&self, old: Option<&Value>, new: Option<&Value>) -> Vec<Delta> {
        let any = Value::Object(Map::new());
        let old = canonical(self.old, old.unwrap_or(&any));
        let new = canonical(self.new, new.unwrap_or(&any));
        compare(&old, &new)
    }

    fn request_body(&self, old_op: &Value, new_op: &Value, out: &mut Vec<Change>) {
        let old = old_op.get("requestBody").map(|b| follow(self.old, b));
        let new = new_op.get("requestBody").map(|b| follow(self.new, b));
        let (old, new) = match (old, new) {
            (None, None) => return,
            (None, Some(new)) => {
                let (kind, message) = if flag(new, "required") {
                    (
                        ChangeKind::RequiredParameterAdded,
                        "required request body added",
                    )
                } else {
                    (
                        ChangeKind::RequestBodyCompatible,
                        "optional request body added",
                    )
                };
                out.push(Change::new(kind, message));
                return;
            }
            (Some(_), None) => {
                out.push(Change::new(
                    ChangeKind::RequestBodyChanged,
                    "request body removed",
                ));
                return;
            }
            (Some(old), Some(new)) => (old, new),
        };

        match (flag(old, "required"), flag(new, "required")) {
            (false, true) => out.push(Change::new(
                ChangeKind::RequestBodyChanged,
                "request body became required",
            )),
            (true, false) => out.push(Change::new(
                ChangeKind::RequestBodyCompatible,
                "request body became optional",
            )),
            _ => {}
        }
        if old.get("description") != new.get("description") {
            out.push(Change::new(
                ChangeKind::DescriptionChanged,
                "request body: description changed",
            ));
        }
        self.content("request body", old, new, Direction::Request, out);
    }

    /// Compares the media types and their schemas of a body.
    fn content(
        &self,
        label: &str,
        old: &Value,
        new: &Value,
        direction: Direction,
        out: &mut Vec<Change>,
    ) {
        let (broken, compatible) = match direction {
            Direction::Request => (
                ChangeKind::RequestBodyChanged,
                ChangeKind::RequestBodyCompatible,
            ),
            Direction::Response => (
                ChangeKind::ResponseBodyChanged,
                ChangeKind::ResponseBodyCompatible,
            ),
        };
        let media = |body: &Value| -> Map<String, Value> {
            body.get("content")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let (old_media, new_media) = (media(old), media(new));

        if !old_media.is_empty() && new_media.is_empty() && direction == Direction::Response {
            out.push(Change::new(broken, format!("{label}: body removed")));
            return;
        }
        for (media_type, old_body) in &old_media {
            let Some(new_body) = new_media.get(media_type) else {
                let message = format!("{label}: media type {media_type} removed");
                out.push(Change::new(broken, message));
                continue;
            };
            let deltas = self.schema_deltas(old_body.get("schema"), new_body.get("schema"));
            for delta in deltas {
                let breaks = match direction {
                    Direction::Request => delta.effect.breaks_requests(),
                    Direction::Response => delta.effect.breaks_responses(),
                };
                let kind = if breaks { broken } else { compatible };
                out.push(Change::new(
                    kind,
                    format!("{label} {media_type}: {}", delta.describe()),
                ));
            }
        }
        for media_type in new_media.keys().filter(|m| !old_media.contains_key(*m)) {
            let what = if old_media.is_empty() {
                "body added as"
            } else {
                "media type added:"
            };
            out.push(Change::new(
                compatible,
                format!("{label}: {what} {media_type}"),
            ));
        }
    }

    fn responses(&self, old_op: &Value, new_op: &Value, out: &mut Vec<Change>) {
        let (old, new) = (statuses(old_op, self.old), statuses(new_op, self.new));
        let is_success = |status: &String| status.starts_with('2');

        // Success statuses decide what the generated method returns.
        let old_ok: BTreeSet<&String> = old.keys().filter(|s| is_success(s)).collect();
        let new_ok: BTreeSet<&String> = new.keys().filter(|s| is_success(s)).collect();
        let removed: Vec<&str> = old_ok.difference(&new_ok).map(|s| s.as_str()).collect();
        let added: Vec<&str> = new_ok.difference(&old_ok).map(|s| s.as_str()).collect();
        match (removed.is_empty(), added.is_empty()) {
            (true, true) => {}
            (false, false) => {
                let message = format!(
                    "success status {} -> {}",
                    removed.join(", "),
                    added.join(", ")
                );
                out.push(Change::new(ChangeKind::SuccessStatusChanged, message));
            }
            (false, true) => {
                let message = format!("success status {} removed", removed.join(", "));
                out.push(Change::new(ChangeKind::SuccessStatusRemoved, message));
            }
            (true, false) => {
                let message = format!("success status {} added", added.join(", "));
                out.push(Change::new(ChangeKind::SuccessStatusChanged, message));
            }
        }

        for (status, old_response) in &old {
            match new.get(status) {
                Some(new_response) => {
                    let label = format!("response {status}");
                    if old_response.get("description") != new_response.get("description") {
                        let message = format!("{label}: description changed");
                        out.push(Change::new(ChangeKind::DescriptionChanged, message));
                    }
                    self.content(&label, old_response, new_response, Direction::Response, out);
                }
                None if !is_success(status) => {
                    let message = format!("error status {status} removed");
                    out.push(Change::new(ChangeKind::ErrorStatusRemoved, message));
                }
                None => {}
            }
        }
        for status in new
            .keys()
            .filter(|s| !is_success(s) && !old.contains_key(*s))
        {
            let message = format!("error status {status} added");
            out.push(Change::new(ChangeKind::ErrorStatusAdded, message));
        }
    }

    fn security(&self, old_op: &Value, new_op: &Value, out: &mut Vec<Change>) {
        let old = requirements(self.old, old_op);
        let new = requirements(self.new, new_op);
        if old == new {
            return;
        }
        let anonymous = |set: &BTreeSet<String>| set.is_empty() || set.contains("{}");
        let describe = |set: &BTreeSet<String>| {
            if set.is_empty() {
                "none".to_owned()
            } else {
                set.iter().cloned().collect::<Vec<_>>().join(" or ")
            }
        };
        let message = format!("security {} -> {}", describe(&old), describe(&new));
        let kind = if anonymous(&new) || (!anonymous(&old) && old.is_subset(&new)) {
            ChangeKind::SecurityRelaxed
        } else {
            ChangeKind::SecurityChanged
        };
        out.push(Change::new(kind, message));
    }
}

/// The responses of an operation by status, references followed.
fn statuses<'v>(op: &'v Value, doc: &'v Value) -> BTreeMap<String, &'v Value> {
    let mut map = BTreeMap::new();
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        for (status, response) in responses {
            map.insert(status.clone(), follow(doc, response));
        }
    }
    map
}

/// The schema of a parameter, given directly or through `content`.
fn parameter_schema(param: &Value) -> Option<&Value> {
    param.get("schema").or_else(|| {
        let content = param.get("content")?.as_object()?;
        content.values().next()?.get("schema")
    })
}

/// The security alternatives of an operation (its own, or the document's),
/// each written as the definitions of the schemes it needs (not their names)
/// and sorted scopes, so that renaming a scheme or reordering scopes is no
/// change.
fn requirements(doc: &Value, op: &Value) -> BTreeSet<String> {
    let list = op.get("security").or_else(|| doc.get("security"));
    let mut set = BTreeSet::new();
    for requirement in list.and_then(Value::as_array).into_iter().flatten() {
        let Some(requirement) = requirement.as_object() else {
            continue;
        };
        let mut parts: Vec<String> = requirement
            .iter()
            .map(|(name, scopes)| {
                let scheme = &doc["components"]["securitySchemes"][name];
                let scheme = follow(doc, scheme);
                let mut scopes: Vec<String> = scopes
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect();
                scopes.sort();
                let kind = [
                    text(scheme, "type"),
                    text(scheme, "scheme"),
                    text(scheme, "in"),
                    text(scheme, "name"),
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
                if scopes.is_empty() {
                    kind
                } else {
                    format!("{kind} [{}]", scopes.join(", "))
                }
            })
            .collect();
        parts.sort();
        set.insert(if parts.is_empty() {
            "{}".to_owned()
        } else {
            parts.join(" + ")
        });
    }
    set
}
