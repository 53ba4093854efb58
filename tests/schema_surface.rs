//! The generated client's public surface matches the committed
//! `openapi/surface.txt`. Set `ONETSOLUTIONS_UPDATE_SURFACE=1` to rewrite the
//! snapshot after an intended change, then review and commit it.

use std::path::Path;

use onetsolutions::generated::operations::OPERATIONS;
use onetsolutions::schema::{surface, text_diff, ErrorKind, Schema, DEFAULT_SCHEMA_PATH};

const SNAPSHOT: &str = "openapi/surface.txt";

/// The schema `build.rs` generated the client from.
fn generated_from() -> Schema {
    let path =
        std::env::var("ONETSOLUTIONS_OPENAPI").unwrap_or_else(|_| DEFAULT_SCHEMA_PATH.to_owned());
    Schema::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_surface_matches_the_committed_snapshot() {
    let actual = surface(&generated_from(), OPERATIONS).unwrap_or_else(|e| panic!("{e}"));

    if std::env::var("ONETSOLUTIONS_UPDATE_SURFACE").as_deref() == Ok("1") {
        std::fs::write(SNAPSHOT, &actual).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    let diff = text_diff(
        &format!("{SNAPSHOT} (committed)"),
        &committed,
        "generated client",
        &actual,
    );
    assert!(
        diff.is_empty(),
        "the generated client's surface differs from {SNAPSHOT}:\n\n{diff}\n\
         If the change is intended, run\n  \
         ONETSOLUTIONS_UPDATE_SURFACE=1 cargo test --features schema --test schema_surface\n\
         and commit {SNAPSHOT}."
    );
}

#[test]
fn a_client_generated_from_another_schema_is_detected() {
    let schema = generated_from();
    let error = surface(&schema, &[("list_widgets", "GET", "/widgets")]).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Invalid);
    assert!(
        error.to_string().contains("list_widgets GET /widgets"),
        "{error}"
    );
}

#[test]
fn the_surface_lists_types_and_bodies() {
    let path = Path::new("tests/data/schema/_reports/new.yaml");
    let text = onetsolutions::schema::render_surface(&Schema::from_file(path).unwrap());
    for line in [
        "operation create_image\n  POST /images\n  security: BearerAuth\n",
        "  body: application/json NewImage, required\n",
        "  response 201: application/json Image\n",
        "  parameter header verbose: boolean, optional\n",
        "operation list_images\n  GET /images\n  security: BearerAuth\n  response 200: application/json array of Image\n",
        "type Image: object\n  field id: string, required\n  field name: string, required\n  field size: string, optional\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}
