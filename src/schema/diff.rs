//! Comparing two schemas from the point of view of a client generated from
//! the old one: which operations were added, removed or renamed, and what
//! changed at the level of the whole API.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::change::{Change, ChangeKind};
use super::load::Schema;
use super::operation::compare_operation;
use super::report::{OperationChanges, Report};

/// The methods OpenAPI 3.0 allows on a path item.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of a schema, as JSON.
pub(crate) struct Op<'a> {
    pub id: &'a str,
    pub method: String,
    pub path: &'a str,
    /// The path with parameter names erased: `/images/{}`.
    pub route: String,
    pub item: &'a Value,
    pub op: &'a Value,
}

/// Compares `old` with `new` and reports every change, grouped by operation.
///
/// Both documents are compared with their `$ref`s resolved, so moving a
/// definition into `components`, reordering keys or lists that are sets, or
/// rewriting YAML as JSON is no change at all.
pub fn diff(old: &Schema, new: &Schema) -> Report {
    let old_ops = operations(old.doc());
    let new_ops = operations(new.doc());
    let mut groups = Vec::new();
    let mut matched = BTreeSet::new();

    let by_route: BTreeMap<(&str, &str), &Op> = new_ops
        .values()
        .map(|op| ((op.method.as_str(), op.route.as_str()), op))
        .collect();

    for old_op in old_ops.values() {
        let mut changes = Vec::new();
        let found = match new_ops.get(old_op.id) {
            Some(new_op) => Some(new_op),
            // Same method and route under another id: the method was renamed.
            None => by_route
                .get(&(old_op.method.as_str(), old_op.route.as_str()))
                .copied()
                .filter(|candidate| !old_ops.contains_key(candidate.id)),
        };
        match found {
            Some(new_op) => {
                if new_op.id != old_op.id {
                    let message = format!("operationId {} renamed to {}", old_op.id, new_op.id);
                    changes.push(Change::new(ChangeKind::OperationRenamed, message));
                }
                matched.insert(new_op.id);
                compare_operation(old, new, old_op, new_op, &mut changes);
            }
            None => {
                let message = format!("operation {} {} removed", old_op.method, old_op.path);
                changes.push(Change::new(ChangeKind::OperationRemoved, message));
            }
        }
        groups.push(group(old_op, changes));
    }

    for new_op in new_ops.values().filter(|op| !matched.contains(op.id)) {
        let message = format!("operation {} {} added", new_op.method, new_op.path);
        groups.push(group(
            new_op,
            vec![Change::new(ChangeKind::OperationAdded, message)],
        ));
    }

    groups.retain(|g| !g.changes.is_empty());
    groups.sort_by(|a, b| a.operation_id.cmp(&b.operation_id));

    let mut api = Vec::new();
    compare_servers(old.doc(), new.doc(), &mut api);
    compare_info(old.doc(), new.doc(), &mut api);
    api.sort();

    Report {
        old: old.location().to_owned(),
        new: new.location().to_owned(),
        api,
        operations: groups,
    }
}

fn group(op: &Op, mut changes: Vec<Change>) -> OperationChanges {
    // Breaking first, then by kind, then alphabetically: a stable order.
    changes.sort();
    changes.dedup();
    OperationChanges {
        operation_id: op.id.to_owned(),
        method: op.method.clone(),
        path: op.path.to_owned(),
        changes,
    }
}

/// The operations of a document by id. Loading checked that every operation
/// has a unique id.
pub(crate) fn operations(doc: &Value) -> BTreeMap<&str, Op<'_>> {
    let mut ops = BTreeMap::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return ops;
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(*method).filter(|op| op.is_object()) else {
                continue;
            };
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let op = Op {
                id,
                method: method.to_uppercase(),
                path,
                route: route(path),
                item,
                op,
            };
            ops.insert(id, op);
        }
    }
    ops
}

/// Erases parameter names from a path template: `/a/{id}` becomes `/a/{}`.
pub(crate) fn route(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

fn compare_servers(old: &Value, new: &Value, out: &mut Vec<Change>) {
    let urls = |doc: &Value| -> BTreeSet<String> {
        doc.get("servers")
            .and_then(Value::as_array)
            .map(|servers| {
                servers
                    .iter()
                    .filter_map(|s| s.get("url").and_then(Value::as_str).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (a, b) = (urls(old), urls(new));
    for url in a.difference(&b) {
        out.push(Change::new(
            ChangeKind::ServerChanged,
            format!("server {url} removed"),
        ));
    }
    for url in b.difference(&a) {
        out.push(Change::new(
            ChangeKind::ServerChanged,
            format!("server {url} added"),
        ));
    }
}

fn compare_info(old: &Value, new: &Value, out: &mut Vec<Change>) {
    for key in ["title", "description", "version"] {
        let (a, b) = (&old["info"][key], &new["info"][key]);
        if a != b {
            let message = match (a.as_str(), b.as_str()) {
                (Some(a), Some(b)) if key != "description" => format!("api {key} {a} -> {b}"),
                _ => format!("api {key} changed"),
            };
            out.push(Change::new(ChangeKind::DescriptionChanged, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_erases_parameter_names() {
        assert_eq!(route("/a/{id}/b/{x}"), "/a/{}/b/{}");
        assert_eq!(route("/a"), "/a");
    }
}
