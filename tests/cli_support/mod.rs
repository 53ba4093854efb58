//! Helpers for the `onet` tests: a sandbox on loopback that lives beside the
//! test thread, the binary's command, and output snapshots in tests/data/cli.
#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::Command;
use onetsolutions::sandbox::{Builder, Fault, Image, RecordedRequest, Sandbox, Token};

/// The token the sandbox accepts; the tests search every output for it.
pub const TOKEN: &str = "sk-onetsolutions-cli-secret-5e1b7c";
/// The organization the token may act in.
pub const ORG: &str = "org-1";
/// The project the images are listed in.
pub const PROJECT: &str = "proj-1";

/// A sandbox served by its own runtime, so that the test thread can block on
/// the binary while the sandbox answers it. Stopped when dropped.
pub struct Server {
    sandbox: Option<Sandbox>,
    runtime: tokio::runtime::Runtime,
}

impl Server {
    /// A sandbox that accepts [`TOKEN`] in [`ORG`] and holds `images`.
    pub fn start(images: impl IntoIterator<Item = Image>) -> Self {
        let builder = images.into_iter().fold(
            Sandbox::builder().token(Token::new(TOKEN).organization(ORG)),
            Builder::image,
        );
        Self::with(builder)
    }

    /// A sandbox as the builder says.
    pub fn with(builder: Builder) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let sandbox = runtime.block_on(builder.start()).unwrap();
        Self {
            sandbox: Some(sandbox),
            runtime,
        }
    }

    fn sandbox(&self) -> &Sandbox {
        self.sandbox.as_ref().unwrap()
    }

    /// The loopback URL of the sandbox.
    pub fn base_url(&self) -> String {
        self.sandbox().base_url().to_owned()
    }

    /// The ids of the images still there.
    pub fn image_ids(&self) -> Vec<String> {
        let images = self.sandbox().images();
        images.iter().map(|image| image.id().to_owned()).collect()
    }

    /// Every request the sandbox received.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.sandbox().requests()
    }

    /// Queues a fault for the next matching requests.
    pub fn push_fault(&self, fault: Fault) {
        self.sandbox().push_fault(fault);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            self.runtime.block_on(sandbox.shutdown());
        }
    }
}

/// A private image of [`ORG`]/[`PROJECT`].
pub fn private(id: &str) -> Image {
    Image::private(ORG, PROJECT, id)
}

/// `onet` with a clean environment: no token, no base URL from the outside.
pub fn onet() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_onet"));
    command
        .env_remove("ONETSOLUTIONS_TOKEN")
        .env_remove("ONETSOLUTIONS_BASE_URL")
        .env_remove("RUST_LOG");
    command
}

/// `onet images delete` of `ids` against `server`, one at a time (so that
/// the output is in input order), with [`TOKEN`], no client-side rate limit
/// and no retry. The base URL goes after the subcommand, as a global option.
pub fn delete(server: &Server, ids: &[&str]) -> Command {
    delete_at(&server.base_url(), ids)
}

/// [`delete`] against any base URL.
pub fn delete_at(base_url: &str, ids: &[&str]) -> Command {
    let mut command = onet();
    command
        .env("ONETSOLUTIONS_TOKEN", TOKEN)
        .args(["images", "delete", "--org", ORG, "--project", PROJECT])
        .args(ids)
        .args([
            "--concurrency",
            "1",
            "--rate-limit",
            "off",
            "--max-attempts",
            "1",
        ])
        .args(["--base-url", base_url]);
    command
}

/// Output with what changes from run to run replaced: elapsed times and the
/// sandbox's request ids (which carry its process id).
pub fn normalise(output: &[u8]) -> String {
    let text = String::from_utf8(output.to_vec()).expect("output is UTF-8");
    text.lines()
        .map(normalise_line)
        .map(|line| line + "\n")
        .collect()
}

fn normalise_line(line: &str) -> String {
    let mut line = line.to_owned();

    // JSON lines: replace the values in place, keeping the key order.
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(&line) {
        if let Some(id) = json.pointer("/error/request_id").filter(|v| v.is_string()) {
            line = line.replace(
                &format!(r#""request_id":{id}"#),
                r#""request_id":"<request-id>""#,
            );
        }
        if let Some(elapsed) = json.pointer("/summary/elapsed_ms") {
            line = line.replace(&format!(r#""elapsed_ms":{elapsed}"#), r#""elapsed_ms":0"#);
        }
        return line;
    }
    if let Some(start) = line.find("[request id ") {
        if let Some(end) = line[start..].find(']') {
            line.replace_range(start..start + end + 1, "[request id <request-id>]");
        }
    }
    // The summary ends with " in 0.04s".
    if let Some(at) = line.rfind(" in ") {
        let tail = &line[at + 4..];
        let is_elapsed = tail.strip_suffix('s').is_some_and(|number| {
            !number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == '.')
        });
        if is_elapsed {
            line.replace_range(at.., " in <elapsed>");
        }
    }
    line
}

/// Compares `actual` with tests/data/cli/`name`; with ONET_UPDATE_SNAPSHOTS
/// set, writes it there instead, for a person to review in the diff.
pub fn assert_snapshot(name: &str, actual: &str) {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", "cli", name]
        .iter()
        .collect();
    if std::env::var_os("ONET_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (ONET_UPDATE_SNAPSHOTS=1 writes it)",
            path.display()
        )
    });
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

/// Fails if the token shows anywhere in `output`.
pub fn assert_no_token(output: &std::process::Output) {
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(TOKEN),
            "the token leaked into {stream}:\n{text}"
        );
        assert!(
            !text.contains("cli-secret"),
            "part of the token leaked into {stream}:\n{text}"
        );
    }
}
