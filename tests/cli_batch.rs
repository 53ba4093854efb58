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
