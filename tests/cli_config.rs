//! `onet` configuration: token, base URL, help, completions, the sandbox
//! command, and a token that must never show in any output.

mod cli_support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use cli_support::{assert_no_token, delete, onet, private, Server, ORG, PROJECT, TOKEN};
use predicates::str::contains;

#[test]
fn a_missing_token_is_a_usage_error_before_any_request() {
    let server = Server::start([private("a")]);
    delete(&server, &["a"])
        .env_remove("ONETSOLUTIONS_TOKEN")
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: no token: set ONETSOLUTIONS_TOKEN, or pass --token-file PATH\n");
    assert!(server.requests().is_empty());
    assert_eq!(server.image_ids(), ["a"]);
}

#[test]
fn the_token_can_come_from_a_file() {
    let server = Server::start([private("a")]);
    let file = temp_file("token", format!("{TOKEN}\n").as_bytes());
    delete(&server, &["a"])
        .env_remove("ONETSOLUTIONS_TOKEN")
        .arg("--token-file")
        .arg(&file)
        .assert()
        .code(0);
    assert!(server.image_ids().is_empty());

    delete(&server, &["a"])
        .args(["--token-file", "/nonexistent/onet-token"])
        .assert()
        .code(2)
        .stderr(contains(
            "cannot read the token file /nonexistent/onet-token",
        ));
    std::fs::remove_file(file).unwrap();
}

#[test]
fn bad_base_urls_are_refused_before_any_request() {
    // All on loopback, so that nothing could leave the machine even if the
    // check failed.
    for (url, message) in [
        ("127.0.0.1:9", "has no scheme"),
        ("ftp://127.0.0.1:9", "expected https"),
        ("http://127.0.0.1:9/?debug=1", "must not have a query"),
        ("not a url", "has no scheme"),
    ] {
        let server = Server::start([]);
        delete(&server, &["a"])
            .args(["--base-url", url])
            .assert()
            .code(2)
            .stderr(contains(message));
    }

    // The environment variable is checked the same way.
    let server = Server::start([]);
    let mut command = onet();
    command
        .env("ONETSOLUTIONS_TOKEN", TOKEN)
        .env("ONETSOLUTIONS_BASE_URL", "localhost:9")
        .args(["images", "delete", "--org", ORG, "--project", PROJECT, "a"]);
    command
        .assert()
        .code(2)
        .stderr(contains("base url `localhost:9`"));
    assert!(server.requests().is_empty());
}

#[test]
fn the_base_url_can_come_from_the_environment() {
    let server = Server::start([private("a")]);
    let mut command = onet();
    command
        .env("ONETSOLUTIONS_TOKEN", TOKEN)
        .env("ONETSOLUTIONS_BASE_URL", server.base_url())
        .args(["images", "delete", "--org", ORG, "--project", PROJECT, "a"]);
    command.assert().code(0).stdout("deleted  a\n");
}

#[test]
fn the_token_never_shows_in_any_output() {
    let server = Server::start([private("a"), private("busy").in_use()]);
    let file = temp_file("leak-token", TOKEN.as_bytes());

    for verbosity in ["-v", "-vv"] {
        for output in ["text", "json"] {
            let out = delete(&server, &["a", "busy", "gone", ".."])
                .args([verbosity, "--output", output])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1));
            assert!(!out.stderr.is_empty(), "--verbose logs to stderr");
            assert_no_token(&out);

            let out = delete(&server, &["b"])
                .env_remove("ONETSOLUTIONS_TOKEN")
                .arg("--token-file")
                .arg(&file)
                .args([verbosity, "--output", output])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(5));
            assert_no_token(&out);
        }
    }

    // Refused tokens are not echoed either.
    let spaced = format!("{TOKEN} extra");
    let out = delete(&server, &["a"])
        .env("ONETSOLUTIONS_TOKEN", &spaced)
        .arg("-vv")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_no_token(&out);
    std::fs::remove_file(file).unwrap();
}

#[test]
fn help_documents_the_exit_codes() {
    for args in [&["--help"][..], &["images", "delete", "--help"]] {
        let output = onet().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(0));
        let help = String::from_utf8(output.stdout).unwrap();
        assert!(help.contains("Exit status of `images delete`"), "{help}");
        for code in 0..=8 {
            assert!(
                help.contains(&format!("\n  {code}  ")),
                "code {code} in:\n{help}"
            );
        }
        assert!(help.contains("ONETSOLUTIONS_TOKEN"), "{help}");
    }
}

#[test]
fn usage_errors_exit_2() {
    onet().assert().code(2);
    onet()
        .args(["images", "delete", "--org", "o", "--project", "p"])
        .assert()
        .code(2);
    onet()
        .args(["images", "delete", "--org", "o"])
        .assert()
        .code(2);
    onet()
        .args(["images", "delete", "--token", "x"])
        .assert()
        .code(2);
    onet()
        .args(["images", "delete", "--org", "o", "--project", "p", "a"])
        .args(["--concurrency", "0"])
        .assert()
        .code(2);
    onet()
        .env("ONETSOLUTIONS_TOKEN", TOKEN)
        .args(["images", "delete", "--org", "..", "--project", "p", "a"])
        .assert()
        .code(2)
        .stderr(contains("--org `..` is not allowed"));
}

#[test]
fn the_schema_commands_are_there() {
    for command in ["fetch", "diff", "surface"] {
        onet().args(["schema", command, "--help"]).assert().code(0);
    }
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        onet()
            .args(["completions", shell])
            .assert()
            .code(0)
            .stdout(contains("onet"));
    }
    onet().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn the_sandbox_command_serves_the_demo_world() {
    onet()
        .args(["sandbox", "--listen", "0.0.0.0:0"])
        .assert()
        .code(2);

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_onet"))
        .args(["sandbox", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no base URL in {first:?}"))
        .to_owned();

    let result = onet()
        .env("ONETSOLUTIONS_TOKEN", onetsolutions::sandbox::DEMO_TOKEN)
        .args(["images", "delete", "--org", "org-1", "--project", "proj-1"])
        .args([
            "img-1",
            "img-busy",
            "--concurrency",
            "1",
            "--base-url",
            &url,
        ])
        .output();
    child.kill().unwrap();
    child.wait().unwrap();

    let output = result.unwrap();
    assert_eq!(
        output.status.code(),
        Some(6),
        "img-1 deleted, img-busy in use"
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("deleted  img-1\nfailed   img-busy: in use (409)"),
        "{stdout}"
    );
}

fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("onet-{name}-{}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}
