//! The schema diff: every pair under `tests/data/schema/` is classified as its
//! `expected.txt` says, the vendored schema has no change against itself, the
//! reports render as committed, and invalid input is a one-line error.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use onetsolutions::schema::{diff, ChangeKind, ErrorKind, OutputFormat, Schema, SchemaCommand};

const DATA: &str = "tests/data/schema";
const VENDORED: &str = "openapi/onetsolutions.yaml";

/// The pair directories; those starting with `_` hold other fixtures.
fn pairs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(DATA)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.is_dir() && !path.file_name().unwrap().to_string_lossy().starts_with('_')
        })
        .collect();
    dirs.sort();
    dirs
}

fn load(path: &Path) -> Schema {
    Schema::load(path.to_str().unwrap()).unwrap_or_else(|e| panic!("{e}"))
}

/// `(verdict, {"class kind"})` from an `expected.txt`.
fn expected(dir: &Path) -> (String, BTreeSet<String>) {
    let text = fs::read_to_string(dir.join("expected.txt")).unwrap();
    let mut lines = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let verdict = lines
        .next()
        .unwrap()
        .strip_prefix("verdict: ")
        .unwrap()
        .to_owned();
    (verdict, lines.map(str::to_owned).collect())
}

#[test]
fn every_pair_is_classified_as_expected() {
    let mut failures = Vec::new();
    for dir in pairs() {
        let report = diff(&load(&dir.join("old.yaml")), &load(&dir.join("new.yaml")));
        let found: BTreeSet<String> = report
            .changes()
            .map(|c| format!("{} {}", c.class(), c.kind))
            .collect();
        let verdict = if report.has_breaking() {
            "breaking"
        } else if report.is_empty() {
            "none"
        } else {
            "non-breaking"
        };
        let (want_verdict, want) = expected(&dir);
        if found != want || verdict != want_verdict {
            failures.push(format!(
                "{}: expected {want_verdict} {want:?}, found {verdict} {found:?}\n{}",
                dir.display(),
                report.to_text()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_change_kind_has_a_pair() {
    let names: BTreeSet<String> = pairs()
        .iter()
        .map(|d| d.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for kind in ChangeKind::ALL {
        assert!(
            names.contains(kind.name()),
            "no pair under {DATA}/{}",
            kind.name()
        );
        let (_, want) = expected(&Path::new(DATA).join(kind.name()));
        assert!(
            want.contains(&format!("{} {}", kind.class(), kind)),
            "{kind}"
        );
    }
}

#[test]
fn the_vendored_schema_has_no_change_against_itself() {
    let schema = load(Path::new(VENDORED));
    let report = diff(&schema, &schema.clone());
    assert!(report.is_empty(), "{}", report.to_text());
    assert_eq!(report.exit_code(), 0);
}

#[test]
fn the_vendored_schema_reads_the_same_from_git() {
    let committed = Schema::load(&format!("git:HEAD:{VENDORED}")).unwrap();
    assert_eq!(committed.location(), format!("git:HEAD:{VENDORED}"));
    assert!(diff(&committed, &load(Path::new(VENDORED))).is_empty());
}

#[test]
fn reports_render_as_committed() {
    let dir = Path::new(DATA).join("_reports");
    let report = diff(&load(&dir.join("old.yaml")), &load(&dir.join("new.yaml")));
    for (format, file) in [
        (OutputFormat::Text, "report.txt"),
        (OutputFormat::Json, "report.json"),
        (OutputFormat::Markdown, "report.md"),
    ] {
        let path = Path::new(DATA).join("_reports").join(file);
        let actual = report.render(format);
        if std::env::var_os("ONETSOLUTIONS_UPDATE_SNAPSHOTS").is_some() {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &actual).unwrap();
        }
        let committed = fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            committed,
            actual,
            "{} is stale; ONETSOLUTIONS_UPDATE_SNAPSHOTS=1 rewrites it",
            path.display()
        );
    }
}

async fn run(command: SchemaCommand) -> (u8, String, String) {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = command.execute(&mut stdout, &mut stderr).await;
    (
        code,
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

fn diff_command(old: &str, new: &str, format: OutputFormat) -> SchemaCommand {
    SchemaCommand::Diff {
        old: old.to_owned(),
        new: new.to_owned(),
        format,
    }
}

#[tokio::test]
async fn diff_exits_1_on_breaking_0_otherwise_and_2_on_invalid_input() {
    let pair = |name: &str, side: &str| format!("{DATA}/{name}/{side}.yaml");

    let (code, stdout, _) = run(diff_command(
        &pair("operation-removed", "old"),
        &pair("operation-removed", "new"),
        OutputFormat::Text,
    ))
    .await;
    assert_eq!(code, 1);
    assert!(stdout.contains("operation-removed"), "{stdout}");

    let (code, stdout, _) = run(diff_command(
        &pair("operation-added", "old"),
        &pair("operation-added", "new"),
        OutputFormat::Json,
    ))
    .await;
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["breaking"], false);
    assert_eq!(
        json["operations"][0]["changes"][0]["kind"],
        "operation-added"
    );

    for (file, reason) in [
        ("Cargo.toml", "not valid yaml: "),
        (
            "tests/data/schema-invalid/list.yaml",
            "not an openapi document: the top level is not a mapping",
        ),
        ("no-such-file.yaml", "cannot read: "),
    ] {
        let (code, stdout, stderr) = run(diff_command(VENDORED, file, OutputFormat::Text)).await;
        assert_eq!(code, 2);
        assert!(stdout.is_empty());
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with(&format!("error: {file}: {reason}")),
            "{stderr}"
        );
    }

    let (code, _, stderr) = run(diff_command(
        VENDORED,
        "git:no-such-rev:x.yaml",
        OutputFormat::Text,
    ))
    .await;
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: git:no-such-rev:x.yaml: "),
        "{stderr}"
    );
}

fn parse_error(text: &str) -> (ErrorKind, String) {
    let error = Schema::parse("x.yaml", text.as_bytes()).unwrap_err();
    (error.kind(), error.to_string())
}

const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

#[test]
fn invalid_documents_are_named_and_explained() {
    assert!(Schema::parse("x.yaml", MINIMAL.as_bytes()).is_ok());

    let cases = [
        ("", "x.yaml: the document is empty"),
        ("swagger: '2.0'\n", "x.yaml: swagger 2.0 is not supported, only openapi 3.0.x"),
        ("openapi: 3.1.0\n", "x.yaml: openapi version 3.1.0 is not supported, only 3.0.x"),
        ("a: [\n", "x.yaml: not valid yaml: "),
        ("{\"openapi\": \"3.0.3\",}", "x.yaml: not valid json: "),
        ("openapi: 3.0.3\n", "x.yaml: not a valid openapi 3.0 document: missing field `info`"),
        (
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {}\n",
            "x.yaml: GET /a has no operationId",
        ),
        (
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {operationId: a, responses: {}}\n    put: {operationId: a, responses: {}}\n",
            "x.yaml: operationId a is used twice (again by PUT /a)",
        ),
        (
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n",
            "x.yaml: $ref #/components/responses/Nope does not resolve",
        ),
        (
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200': {$ref: 'other.yaml#/R'}\n",
            "x.yaml: $ref other.yaml#/R points outside the document, which is not supported",
        ),
    ];
    for (text, want) in cases {
        let (_, message) = parse_error(text);
        assert!(message.starts_with(want), "{text:?}: {message}");
        assert!(!message.contains('\n'), "{message}");
    }
    assert_eq!(parse_error("openapi: 3.1.0\n").0, ErrorKind::Invalid);
    assert_eq!(parse_error("a: [\n").0, ErrorKind::Parse);
}

#[test]
fn the_format_comes_from_the_content_not_the_name() {
    let json = fs::read(Path::new(DATA).join("yaml-to-json/new.yaml")).unwrap();
    let schema = Schema::parse("new.yaml", &json).unwrap();
    assert_eq!(schema.format(), onetsolutions::schema::Format::Json);
    let yaml = schema.to_yaml().unwrap();
    assert!(!yaml.trim_start().starts_with('{'));
    assert!(diff(
        &schema,
        &Schema::parse("converted.yaml", yaml.as_bytes()).unwrap()
    )
    .is_empty());
}
