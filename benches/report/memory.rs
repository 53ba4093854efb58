//! Figure 4: the peak resident memory of `onet images delete --from-file -`
//! while ids are streamed into its stdin, against the minimal 204 server.
//!
//! The peak is the kernel's own count (`ru_maxrss` from `wait4`), taken when
//! the process is reaped, so nothing between two samples is missed.

use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::clients;
use crate::server::NoContentServer;

/// One run of the command-line tool.
pub struct CliRun {
    pub peak_rss_kib: u64,
    pub elapsed: Duration,
}

/// Streams `ids` ids into `onet`, with the limiter off so that the run is
/// short, and reports its peak memory.
pub fn measure(onet: &Path, ids: usize, concurrency: usize) -> Result<CliRun, String> {
    let server = NoContentServer::start();
    let started = Instant::now();
    let mut child = Command::new(onet)
        .args([
            "images",
            "delete",
            "--from-file",
            "-",
            "--rate-limit",
            "off",
        ])
        .args([
            "--org",
            clients::ORGANIZATION,
            "--project",
            clients::PROJECT,
        ])
        .args(["--concurrency", &concurrency.to_string()])
        .args(["--base-url", server.base_url()])
        .env("ONETSOLUTIONS_TOKEN", clients::TOKEN)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", onet.display()))?;

    // The ids are written as the tool reads them, never held in a list.
    let stdin = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || {
        let mut out = BufWriter::new(stdin);
        for i in 0..ids {
            if writeln!(out, "img-{i:08}").is_err() {
                break;
            }
        }
    });
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });

    // A run far slower than loopback allows is stopped rather than waited for.
    let deadline = Duration::from_secs(120) + Duration::from_millis(ids as u64);
    let (status, peak_rss_kib) = reap(&mut child, deadline)?;
    let elapsed = started.elapsed();
    let _ = writer.join();
    let stderr = reader.join().unwrap_or_default();

    if status != Some(0) {
        let tail: String = stderr.lines().rev().take(3).collect::<Vec<_>>().join(" / ");
        return Err(format!("onet exited with {status:?}: {tail}"));
    }
    Ok(CliRun {
        peak_rss_kib,
        elapsed,
    })
}

/// Waits for the child and returns its exit code (`None` if a signal ended
/// it) and its peak resident memory in KiB; kills it after `deadline`.
fn reap(child: &mut Child, deadline: Duration) -> Result<(Option<i32>, u64), String> {
    let pid = child.id() as libc::pid_t;
    let started = Instant::now();
    let mut killed = false;
    loop {
        let mut status: libc::c_int = 0;
        // SAFETY: `rusage` is a plain C struct of integers, for which all
        // zero bytes is a valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is our own child, reaped only here (std's `Child` is
        // never waited on), and both pointers are to live locals.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
            if killed {
                return Err(format!("onet did not finish within {deadline:?}; killed"));
            }
            return Ok((code, usage.ru_maxrss as u64));
        }
        if reaped < 0 {
            return Err(format!("wait4: {}", std::io::Error::last_os_error()));
        }
        if !killed && started.elapsed() > deadline {
            let _ = child.kill();
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
