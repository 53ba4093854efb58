//! `.ci/schema-guard` catches each of the three drifts, run on a temporary git
//! repository holding a copy of `openapi/` and the script.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use onetsolutions::schema::{render_surface, sha256_hex, Schema};

const SCHEMA: &str = "openapi/onetsolutions.yaml";

/// The `schema` example, built once with the features this test was built
/// with, so that nothing is compiled twice.
fn tool() -> &'static Path {
    static TOOL: OnceLock<PathBuf> = OnceLock::new();
    TOOL.get_or_init(|| {
        let mut features = vec!["schema"];
        if cfg!(feature = "sandbox") {
            features.push("sandbox");
        }
        let output = Command::new(env!("CARGO"))
            .args([
                "build",
                "--quiet",
                "--example",
                "schema",
                "--message-format=json",
            ])
            .args(["--features", &features.join(",")])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|m| m["target"]["name"] == "schema" && m["target"]["kind"][0] == "example")
            .find_map(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo reports the example's executable")
    })
}

/// A throw-away repository with the crate's `openapi/` and guard script.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        fs::create_dir_all(dir.path().join("openapi")).unwrap();
        fs::create_dir_all(dir.path().join(".ci")).unwrap();
        for file in [
            SCHEMA,
            "openapi/README.md",
            "openapi/surface.txt",
            "openapi/ACKNOWLEDGED",
            ".ci/schema-guard",
        ] {
            fs::copy(root.join(file), dir.path().join(file)).unwrap();
        }
        let repo = Self { dir };
        repo.git(&["init", "--quiet", "--initial-branch=main"]);
        repo.commit("vendor the schema");
        repo
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .args([
                "-c",
                "user.name=test",
                "-c",
                "user.email=test@example.invalid",
            ])
            .args(args)
            .current_dir(self.dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "--quiet", "--allow-empty", "-m", message]);
    }

    /// Replaces the schema the way `schema fetch` does: the file, its
    /// recorded sha256 and (when `surface`) the surface snapshot.
    fn publish(&self, text: &str, surface: bool) {
        let old_sha = sha256_hex(&fs::read(self.path(SCHEMA)).unwrap());
        fs::write(self.path(SCHEMA), text).unwrap();
        let readme = fs::read_to_string(self.path("openapi/README.md")).unwrap();
        fs::write(
            self.path("openapi/README.md"),
            readme.replace(&old_sha, &sha256_hex(text.as_bytes())),
        )
        .unwrap();
        if surface {
            let schema = Schema::parse(SCHEMA, text.as_bytes()).unwrap();
            fs::write(self.path("openapi/surface.txt"), render_surface(&schema)).unwrap();
        }
    }

    fn schema(&self) -> String {
        fs::read_to_string(self.path(SCHEMA)).unwrap()
    }

    /// Runs the guard: `(passed, output)`.
    fn guard(&self) -> (bool, String) {
        let output = Command::new("bash")
            .arg(self.path(".ci/schema-guard"))
            .env("ONETSOLUTIONS_SCHEMA_BIN", tool())
            .env_remove("SCHEMA_GUARD_BASE")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    }
}

#[test]
fn the_committed_schema_passes() {
    let repo = Repo::new();
    let (passed, output) = repo.guard();
    assert!(passed, "{output}");
    assert!(output.contains("no previous commit to compare"), "{output}");
}

#[test]
fn a_hand_edited_schema_fails_the_checksum() {
    let repo = Repo::new();
    let edited = repo.schema().replace("Image not found", "No such image");
    fs::write(repo.path(SCHEMA), edited).unwrap();
    repo.commit("tweak a description by hand");

    let (passed, output) = repo.guard();
    assert!(!passed, "{output}");
    assert!(
        output.contains("does not match the sha256 recorded in openapi/README.md"),
        "{output}"
    );
    assert!(
        output.contains("-          description: Image not found"),
        "the diff is shown: {output}"
    );
    assert!(
        output.contains("+          description: No such image"),
        "{output}"
    );
    assert!(
        output.contains("1 check(s) failed"),
        "only the checksum: {output}"
    );
}

#[test]
fn a_stale_surface_snapshot_fails() {
    let repo = Repo::new();
    let changed = repo.schema().replace(
        "          required: true\n      responses:",
        "          required: true\n        - in: query\n          name: force\n          schema:\n            type: boolean\n      responses:",
    );
    assert_ne!(changed, repo.schema());
    repo.publish(&changed, false);
    repo.commit("add an optional parameter, forget the snapshot");

    let (passed, output) = repo.guard();
    assert!(!passed, "{output}");
    assert!(
        output.contains("the generated client's surface differs from openapi/surface.txt"),
        "{output}"
    );
    assert!(
        output.contains("+  parameter query force: boolean, optional"),
        "{output}"
    );
    assert!(output.contains("no breaking change since"), "{output}");
    assert!(output.contains("1 check(s) failed"), "{output}");

    repo.publish(&changed, true);
    repo.commit("update the snapshot");
    let (passed, output) = repo.guard();
    assert!(passed, "{output}");
}

#[test]
fn an_unacknowledged_breaking_change_fails_until_acknowledged() {
    let repo = Repo::new();
    let changed = repo.schema().replace(
        "'204':\n          description: Image deleted",
        "'200':\n          description: Image deleted",
    );
    assert_ne!(changed, repo.schema());
    repo.publish(&changed, true);
    repo.commit("the api now answers 200");

    let (passed, output) = repo.guard();
    assert!(!passed, "{output}");
    assert!(output.contains("has breaking changes since"), "{output}");
    assert!(output.contains("success-status-changed"), "{output}");
    let sha = sha256_hex(changed.as_bytes());
    assert!(output.contains(&format!("  {sha}  <why")), "{output}");

    // A line without a reason does not count.
    let ack = repo.path("openapi/ACKNOWLEDGED");
    let mut text = fs::read_to_string(&ack).unwrap();
    fs::write(&ack, format!("{text}{sha}\n")).unwrap();
    assert!(!repo.guard().0);

    text.push_str(&format!(
        "{sha}  delete_image answers 200 instead of 204; Client::delete_image handles both\n"
    ));
    fs::write(&ack, text).unwrap();
    repo.commit("acknowledge the new success status");
    let (passed, output) = repo.guard();
    assert!(passed, "{output}");
    assert!(
        output.contains("acknowledged in openapi/ACKNOWLEDGED"),
        "{output}"
    );

    // A later commit that does not touch the schema keeps comparing with the
    // version before its last change, and the acknowledgement still holds.
    fs::write(repo.path("NOTES"), "x").unwrap();
    repo.commit("unrelated");
    assert!(repo.guard().0);
}

#[test]
fn a_breaking_change_earlier_in_the_push_is_still_caught() {
    let repo = Repo::new();
    let changed = repo
        .schema()
        .replace("'409':", "'410':")
        .replace("  /v1/organizations", "  /v2/organizations");
    repo.publish(&changed, true);
    repo.commit("move to v2");
    fs::write(repo.path("NOTES"), "x").unwrap();
    repo.commit("unrelated follow-up");

    let (passed, output) = repo.guard();
    assert!(!passed, "{output}");
    assert!(output.contains("path-changed"), "{output}");
}
