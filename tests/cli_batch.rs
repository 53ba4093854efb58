//! `onet images delete --from-file -` with a batch of 10 000 ids on stdin.

mod cli_support;

use std::time::Instant;

use cli_support::{delete, private, Server};

const BATCH: usize = 10_000;

#[test]
fn ten_thousand_ids_from_stdin() {
    let ids: Vec<String> = (0..BATCH).map(|n| format!("img-{n:05}")).collect();
    let server = Server::start(ids.iter().map(|id| private(id)));
    let mut stdin = ids.join("\n");
    stdin.push_str("\n# the end\n");

    let started = Instant::now();
    let output = delete(&server, &[])
        .args([
            "--from-file",
            "-",
            "--concurrency",
            "16",
            "--output",
            "json",
        ])
        .write_stdin(stdin)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    eprintln!("{BATCH} ids in {elapsed:?}");

    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), BATCH + 1);

    let summary: serde_json::Value = serde_json::from_str(lines[BATCH]).unwrap();
    assert_eq!(summary["summary"]["deleted"], BATCH);
    assert_eq!(summary["summary"]["failed"], 0);
    assert!(lines[..BATCH]
        .iter()
        .all(|line| line.contains(r#""outcome":"deleted""#)));
    assert!(server.image_ids().is_empty());
    assert_eq!(server.requests().len(), BATCH);
}

#[test]
fn an_interrupt_reports_what_was_in_flight_and_exits_130() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    use std::time::Duration;

    use cli_support::{ORG, PROJECT, TOKEN};
    use onetsolutions::sandbox::Fault;

    let ids: Vec<String> = (0..50).map(|n| format!("img-{n:02}")).collect();
    let server = Server::start(ids.iter().map(|id| private(id)));
    server.push_fault(Fault::slow(Duration::from_millis(400)).applied().forever());

    let mut child = Command::new(env!("CARGO_BIN_EXE_onet"))
        .env_remove("ONETSOLUTIONS_BASE_URL")
        .env_remove("RUST_LOG")
        .env("ONETSOLUTIONS_TOKEN", TOKEN)
        .args(["images", "delete", "--org", ORG, "--project", PROJECT])
        .args(["--from-file", "-", "--concurrency", "2", "--output", "json"])
        .args(["--rate-limit", "off", "--max-attempts", "1"])
        .args(["--base-url", &server.base_url()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(ids.join("\n").as_bytes()).unwrap();
    drop(stdin);

    // Interrupt once the first two deletes are on the wire.
    let started = Instant::now();
    while server.requests().len() < 2 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();

    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    let summary: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    let summary = &summary["summary"];
    assert_eq!(summary["exit_code"], 130);
    assert!(summary["stopped"]
        .as_str()
        .unwrap()
        .starts_with("interrupted"));
    // Every request that was sent has its line; nothing else was sent.
    let sent = server.requests().len();
    assert_eq!(lines.len() - 1, sent, "{stdout}");
    assert_eq!(summary["total"], sent);
    assert!(sent < ids.len(), "the batch ran to the end: {sent}");
    assert_eq!(server.image_ids().len(), ids.len() - sent);
}
