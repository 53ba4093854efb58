//! Generates the OnetSolutions client from the vendored OpenAPI document.
//!
//! The schema is read from `openapi/onetsolutions.yaml`, or from the file named
//! by `ONETSOLUTIONS_OPENAPI` when a maintainer wants to try an upstream change.
//! The generated code is written to `OUT_DIR` and included by `src/generated.rs`;
//! with the `httpmock` feature, the mock extension by `src/mock/generated.rs`.

use std::path::{Path, PathBuf};
use std::{env, fs};

const DEFAULT_SCHEMA: &str = "openapi/onetsolutions.yaml";
const SCHEMA_OVERRIDE: &str = "ONETSOLUTIONS_OPENAPI";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed={SCHEMA_OVERRIDE}");

    let schema_path = env::var_os(SCHEMA_OVERRIDE)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_SCHEMA));
    println!("cargo:rerun-if-changed={}", schema_path.display());

    if let Err(message) = generate(&schema_path) {
        // One readable line instead of a panic backtrace; cargo fails the
        // build because of it.
        println!("cargo::error={}: {message}", schema_path.display());
    }
}

fn generate(schema_path: &Path) -> Result<(), String> {
    let spec = load_spec(schema_path)?;
    let out_dir = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);

    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged);
    let mut generator = progenitor::Generator::new(&settings);

    let client = generator
        .generate_tokens(&spec)
        .map_err(|e| format!("cannot generate the client: {e}"))?;
    write_rust(&out_dir.join("client.rs"), client)?;

    let operations = operation_table(&spec)?;
    fs::write(out_dir.join("operations.rs"), operations).map_err(|e| e.to_string())?;

    if env::var_os("CARGO_FEATURE_HTTPMOCK").is_some() {
        // Written as generated. Its path matchers are not exact; rather than
        // rewrite its text, `src/mock` adds exact matchers on top of it.
        let mocks = generator
            .httpmock(&spec, "crate::generated")
            .map_err(|e| format!("cannot generate the httpmock extension: {e}"))?;
        write_rust(&out_dir.join("httpmock.rs"), mocks)?;
    }
    Ok(())
}

/// Reads YAML or JSON (JSON is a subset of YAML) and checks that it is OpenAPI 3.0.
fn load_spec(path: &Path) -> Result<openapiv3::OpenAPI, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read the schema: {e}"))?;
    let spec: openapiv3::OpenAPI =
        serde_yaml::from_str(&text).map_err(|e| format!("not a valid OpenAPI document: {e}"))?;
    if !spec.openapi.starts_with("3.0.") {
        return Err(format!(
            "OpenAPI version {} is not supported, only 3.0.x",
            spec.openapi
        ));
    }
    Ok(spec)
}

/// Lists each operation's id, method and path template, so that the runtime can
/// check that every path parameter was sent as exactly one path segment.
fn operation_table(spec: &openapiv3::OpenAPI) -> Result<String, String> {
    let mut rows = Vec::new();
    for (path, item) in spec.paths.iter() {
        let item = item
            .as_item()
            .ok_or_else(|| format!("path {path} is a reference, which is not supported"))?;
        for (method, operation) in item.iter() {
            let id = operation
                .operation_id
                .as_deref()
                .ok_or_else(|| format!("{} {path} has no operationId", method.to_uppercase()))?;
            rows.push(format!(
                "    ({id:?}, {:?}, {path:?}),\n",
                method.to_uppercase()
            ));
        }
    }
    rows.sort();
    Ok(format!(
        "/// Every operation of the schema: operation id, method, path template.\n\
         pub const OPERATIONS: &[(&str, &str, &str)] = &[\n{}];\n",
        rows.concat()
    ))
}

fn write_rust(path: &Path, tokens: proc_macro2::TokenStream) -> Result<(), String> {
    let file = syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    fs::write(path, prettyplease::unparse(&file))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
