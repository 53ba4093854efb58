//! Refreshing the vendored schema from a loopback server: the copy is
//! replaced and recorded on success, and left untouched on any failure.

use std::fs;
use std::path::{Path, PathBuf};

use httpmock::prelude::*;
use onetsolutions::schema::{
    fetch, sha256_hex, ErrorKind, FetchOptions, OutputFormat, Record, Schema, SchemaCommand,
};

const DATA: &str = "tests/data/schema";

fn data(path: &str) -> String {
    fs::read_to_string(Path::new(DATA).join(path)).unwrap()
}

/// A directory holding a vendored copy (the base schema of the test pairs)
/// and its record, as `openapi/` does.
struct Vendored {
    dir: tempfile::TempDir,
}

impl Vendored {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let schema = data("_reports/old.yaml");
        fs::write(dir.path().join("api.yaml"), &schema).unwrap();
        let readme = format!(
            "# Vendored\n\n| field | value |\n| --- | --- |\n| source | http://old.invalid/schema |\n| sha256 | {} |\n",
            sha256_hex(schema.as_bytes())
        );
        fs::write(dir.path().join("README.md"), readme).unwrap();
        Self { dir }
    }

    fn schema_path(&self) -> PathBuf {
        self.dir.path().join("api.yaml")
    }

    /// Every file of the directory with its content.
    fn snapshot(&self) -> Vec<(String, String)> {
        let mut files: Vec<_> = fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| {
                let path = e.unwrap().path();
                (
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    fs::read_to_string(&path).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }
}

async fn serve(server: &MockServer, status: u16, body: impl Into<String>) {
    let body = body.into();
    server
        .mock_async(move |when, then| {
            when.method(GET).path("/schema");
            then.status(status)
                .header("content-type", "application/yaml")
                .body(body);
        })
        .await;
}

#[tokio::test]
async fn a_changed_schema_replaces_the_copy_and_updates_the_record() {
    let server = MockServer::start_async().await;
    let published = data("_reports/new.yaml");
    serve(&server, 200, published.clone()).await;
    let vendored = Vendored::new();

    let fetched = fetch(&server.url("/schema"), vendored.schema_path())
        .await
        .unwrap();

    assert!(fetched.changed);
    assert_eq!(
        fs::read_to_string(vendored.schema_path()).unwrap(),
        published,
        "YAML is kept byte for byte"
    );
    let record = Record::read(vendored.dir.path().join("README.md")).unwrap();
    assert_eq!(record.source, Some(server.url("/schema")));
    assert_eq!(record.sha256, Some(sha256_hex(published.as_bytes())));
    let report = fetched.report.expect("a previous copy to compare with");
    assert!(report.has_breaking(), "{}", report.to_text());
    assert_eq!(
        vendored.snapshot().len(),
        2,
        "no temporary file is left behind"
    );
}

#[tokio::test]
async fn a_json_schema_is_vendored_as_yaml() {
    let server = MockServer::start_async().await;
    serve(&server, 200, data("yaml-to-json/new.yaml")).await;
    let vendored = Vendored::new();

    let fetched = fetch(&server.url("/schema"), vendored.schema_path())
        .await
        .unwrap();

    let written = fs::read_to_string(vendored.schema_path()).unwrap();
    assert!(written.starts_with("openapi: 3.0.3\n"), "{written}");
    let reread = Schema::from_file(vendored.schema_path()).unwrap();
    assert_eq!(reread.format(), onetsolutions::schema::Format::Yaml);
    assert!(
        fetched.report.unwrap().is_empty(),
        "the same API in another syntax"
    );
    let record = Record::read(vendored.dir.path().join("README.md")).unwrap();
    assert_eq!(record.sha256, Some(sha256_hex(written.as_bytes())));
}

#[tokio::test]
async fn the_same_schema_changes_nothing_but_the_source() {
    let server = MockServer::start_async().await;
    serve(&server, 200, data("_reports/old.yaml")).await;
    let vendored = Vendored::new();

    let fetched = fetch(&server.url("/schema"), vendored.schema_path())
        .await
        .unwrap();

    assert!(!fetched.changed);
    assert!(fetched.report.unwrap().is_empty());
}

/// Fetches and checks that the error is of `kind` and that nothing changed.
async fn assert_untouched(
    options: impl FnOnce(PathBuf) -> FetchOptions,
    kind: ErrorKind,
) -> String {
    let vendored = Vendored::new();
    let before = vendored.snapshot();
    let error = options(vendored.schema_path()).fetch().await.unwrap_err();
    assert_eq!(error.kind(), kind, "{error}");
    assert_eq!(
        vendored.snapshot(),
        before,
        "the vendored copy must be left untouched"
    );
    assert!(!error.to_string().contains('\n'));
    error.to_string()
}

#[tokio::test]
async fn failures_leave_the_copy_untouched() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/broken");
            then.status(500).body("oops");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/html");
            then.status(200)
                .body("<html><body>maintenance</body></html>");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/swagger");
            then.status(200).body("{\"swagger\": \"2.0\"}");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/big");
            then.status(200).body(data("_reports/new.yaml"));
        })
        .await;

    let url = server.url("/broken");
    let message = assert_untouched(|out| FetchOptions::new(&url, out), ErrorKind::Network).await;
    assert_eq!(
        message,
        format!("{url}: server answered 500 Internal Server Error")
    );

    let url = server.url("/html");
    let message = assert_untouched(|out| FetchOptions::new(&url, out), ErrorKind::Parse).await;
    assert!(
        message.starts_with(&format!("{url}: not an openapi document")),
        "{message}"
    );

    let url = server.url("/swagger");
    let message = assert_untouched(|out| FetchOptions::new(&url, out), ErrorKind::Invalid).await;
    assert_eq!(
        message,
        format!("{url}: swagger 2.0 is not supported, only openapi 3.0.x")
    );

    let url = server.url("/big");
    let message = assert_untouched(
        |out| FetchOptions::new(&url, out).max_bytes(100),
        ErrorKind::Network,
    )
    .await;
    assert_eq!(
        message,
        format!("{url}: the schema is larger than 100 bytes")
    );

    // A port nobody listens on: bind one, then let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/schema");
    let message = assert_untouched(|out| FetchOptions::new(&url, out), ErrorKind::Network).await;
    assert!(
        message.starts_with(&format!("{url}: request failed")),
        "{message}"
    );

    let message = assert_untouched(
        |out| FetchOptions::new("file:///etc/passwd", out),
        ErrorKind::Invalid,
    )
    .await;
    assert_eq!(
        message,
        "file:///etc/passwd: only http and https urls are supported"
    );
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

#[tokio::test]
async fn the_fetch_command_prints_the_diff_and_exits_by_outcome() {
    let server = MockServer::start_async().await;
    serve(&server, 200, data("operation-added/new.yaml")).await;
    let vendored = Vendored::new();
    let command = |url: String, format| SchemaCommand::Fetch {
        url,
        out: vendored.schema_path(),
        record: None,
        format,
    };

    let (code, stdout, stderr) = run(command(server.url("/schema"), OutputFormat::Markdown)).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("| non-breaking | `operation-added` |"),
        "{stdout}"
    );
    assert!(stderr.contains("api.yaml: updated, sha256 "), "{stderr}");

    let (code, _, stderr) = run(command(server.url("/missing"), OutputFormat::Text)).await;
    assert_eq!(code, 8, "{stderr}");
    assert!(stderr.starts_with("error: http://127.0.0.1:"), "{stderr}");

    let (code, _, _) = run(command("not a url".into(), OutputFormat::Text)).await;
    assert_eq!(code, 2);
}
