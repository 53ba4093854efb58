//! `onet images delete` against the sandbox: outputs and exit codes.

mod cli_support;

use std::time::Duration;

use cli_support::{assert_snapshot, delete, delete_at, normalise, private, Server, ORG, PROJECT};
use onetsolutions::sandbox::{Fault, Image};

/// One image of each documented answer.
fn mixed_server() -> Server {
    Server::start([
        private("img-1"),
        private("img-busy").in_use(),
        Image::public(ORG, PROJECT, "ubuntu-24.04"),
    ])
}

#[test]
fn text_output_is_one_line_per_image_and_a_summary_on_stderr() {
    let server = mixed_server();
    let output = delete(&server, &["img-1", "img-gone", "img-busy", ".."])
        .arg("--if-exists")
        .output()
        .unwrap();

    assert_eq!(output.status.code(), Some(1), "in use and invalid input");
    assert_snapshot("delete_mixed.txt", &normalise(&output.stdout));
    assert_snapshot("delete_mixed.stderr.txt", &normalise(&output.stderr));
    assert_eq!(server.image_ids(), ["img-busy", "ubuntu-24.04"]);
}

#[test]
fn json_output_is_json_lines_with_a_summary_line() {
    let server = mixed_server();
    let output = delete(&server, &["img-1", "img-gone", "img-busy", "ubuntu-24.04"])
        .args(["--output", "json"])
        .output()
        .unwrap();

    assert_eq!(
        output.status.code(),
        Some(1),
        "not found, in use, forbidden"
    );
    assert_snapshot("delete_mixed.jsonl", &normalise(&output.stdout));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    for line in String::from_utf8(output.stdout).unwrap().lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(value.is_object(), "{line}");
    }
}

/// One batch per exit status; each fails in a single way.
#[test]
fn every_exit_status() {
    // 0: all deleted.
    let server = Server::start([private("a"), private("b")]);
    delete(&server, &["a", "b"]).assert().code(0);
    assert!(server.image_ids().is_empty());

    // 0 as well when absent images are allowed.
    delete(&server, &["a"]).arg("--if-exists").assert().code(0);

    // 1: failures of two kinds (not found, in use).
    let server = Server::start([private("busy").in_use()]);
    delete(&server, &["gone", "busy"]).assert().code(1);

    // 2: only invalid ids; the valid one is still deleted.
    let server = Server::start([private("a")]);
    delete(&server, &["..", "a", "."]).assert().code(2);
    assert!(server.image_ids().is_empty());

    // 3: the token is refused.
    let server = Server::start([private("a")]);
    delete(&server, &["a"])
        .env("ONETSOLUTIONS_TOKEN", "sk-onetsolutions-unknown")
        .assert()
        .code(3);

    // 4: a public platform image.
    let server = Server::start([Image::public(ORG, PROJECT, "ubuntu-24.04")]);
    delete(&server, &["ubuntu-24.04"]).assert().code(4);

    // 5: no such image.
    let server = Server::start([]);
    delete(&server, &["gone"]).assert().code(5);

    // 6: in use.
    let server = Server::start([private("busy").in_use()]);
    delete(&server, &["busy"]).assert().code(6);

    // 7: rate limited, after the one attempt allowed.
    let server = Server::start([private("a")]);
    server.push_fault(Fault::rate_limited(Duration::from_secs(1)));
    delete(&server, &["a"]).assert().code(7);

    // 8: a server error.
    let server = Server::start([private("a")]);
    server.push_fault(Fault::status(503));
    delete(&server, &["a"]).assert().code(8);
}

#[test]
fn network_failures_exit_8() {
    // Nothing listens on a port the sandbox has just given back.
    let closed = Server::start([]);
    let url = closed.base_url();
    drop(closed);
    let output = delete_at(&url, &["a"]).output().unwrap();
    assert_eq!(output.status.code(), Some(8));
    assert!(String::from_utf8_lossy(&output.stdout).contains("connect error"));

    // An answer slower than --timeout.
    let server = Server::start([private("slow")]);
    server.push_fault(Fault::slow(Duration::from_secs(5)));
    let output = delete(&server, &["slow"])
        .args(["--timeout", "0.3", "--output", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(8));
    assert!(String::from_utf8_lossy(&output.stdout).contains(r#""kind":"timeout""#));
}

#[test]
fn a_refused_token_stops_the_batch() {
    let server = Server::start([private("a"), private("b"), private("c")]);
    let output = delete(&server, &["a", "b", "c"])
        .env("ONETSOLUTIONS_TOKEN", "sk-onetsolutions-unknown")
        .output()
        .unwrap();

    assert_eq!(output.status.code(), Some(3));
    assert_eq!(server.requests().len(), 1, "no request after the first 401");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("stopped early: the token was refused"),
        "{stderr}"
    );
}

#[test]
fn retries_follow_max_attempts() {
    let server = Server::start([private("a")]);
    server.push_fault(Fault::status(503));
    delete(&server, &["a"])
        .args(["--max-attempts", "2"])
        .assert()
        .code(0)
        .stdout("deleted  a\n");
    assert_eq!(server.requests().len(), 2);

    let server = Server::start([private("a")]);
    server.push_fault(Fault::status(503).times(3));
    let output = delete(&server, &["a"])
        .args(["--max-attempts", "3", "--output", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(8));
    assert!(String::from_utf8_lossy(&output.stdout).contains(r#""attempts":3"#));

    // The first attempt deletes but its answer is lost; the retry's 404
    // counts as deleted, with a note.
    let server = Server::start([private("a")]);
    server.push_fault(Fault::close_before_response().applied());
    delete(&server, &["a"])
        .args(["--max-attempts", "2", "--output", "json"])
        .assert()
        .code(0)
        .stdout(predicates::str::starts_with(
            r#"{"id":"a","outcome":"deleted","note":"gone after an unanswered attempt"}"#,
        ));
}

#[test]
fn ids_come_from_a_file_with_comments_and_bad_lines() {
    let server = Server::start([private("img-1"), private("img-2"), private("img-3")]);
    let dir = std::env::temp_dir().join(format!("onet-cli-ids-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ids.txt");
    std::fs::write(
        &file,
        b"# images built by CI\nimg-1\n\n   img-2  \r\nbad\xffline\n..\nimg-3\n",
    )
    .unwrap();

    let output = delete(&server, &[])
        .arg("--from-file")
        .arg(&file)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    assert_eq!(output.status.code(), Some(2), "only invalid input failed");
    assert_snapshot("delete_from_file.txt", &normalise(&output.stdout));
    assert!(server.image_ids().is_empty());
}

#[test]
fn a_missing_id_file_is_a_usage_error_before_any_request() {
    let server = Server::start([]);
    delete(&server, &[])
        .args(["--from-file", "/nonexistent/onet-ids.txt"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "cannot open the id file /nonexistent/onet-ids.txt",
        ));
    assert!(server.requests().is_empty());
}
