//! Figure 4: the peak resident memory of `onet images delete --from-file -`
//! while ids are streamed into its stdin, against the minimal 204 server.
//!
//! The peak is the kernel's own count, `ru_maxrss` from `wait4`, taken when
//! the process is reaped, so nothing between two samples is missed. That
//! count starts from the memory of whoever started the process (Linux keeps
//! the larger of the old and new peaks across `exec`), and this report holds
//! tens of megabytes by figure 4. So the report starts a copy of itself, a
//! small helper (see [`helper_main`]), which starts `onet` and reaps it.

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::clients;
use crate::server::NoContentServer;

/// The first argument that makes the report act as the helper:
/// `HELPER_FLAG RESULT_FILE DEADLINE_SECONDS PROGRAM ARGS...`.
pub const HELPER_FLAG: &str = "--peak-rss-helper";

/// One run of the command-line tool.
pub struct CliRun {
    pub peak_rss_kib: u64,
    pub elapsed: Duration,
}

/// Streams `ids` ids into `onet`, with the limiter off so that the run is
/// short, and reports its peak memory.
pub fn measure(onet: &Path, ids: usize, concurrency: usize) -> Result<CliRun, String> {
    let server = NoContentServer::start();
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let result_file = scratch.path().join("peak");
    let helper = std::env::current_exe().map_err(|e| e.to_string())?;

    // A run far slower than loopback allows is stopped rather than waited for.
    let deadline = Duration::from_secs(120) + Duration::from_millis(ids as u64);

    let started = Instant::now();
    let mut child = Command::new(helper)
        .arg(HELPER_FLAG)
        .arg(&result_file)
        .arg(deadline.as_secs().to_string())
        .arg(onet)
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
        .map_err(|e| format!("cannot start the helper: {e}"))?;

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

    // The helper stops onet at the deadline; this is the backstop.
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > deadline + Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            return Err("the helper did not finish; killed".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let _ = writer.join();
    let stderr = reader.join().unwrap_or_default();

    let result = std::fs::read_to_string(&result_file).unwrap_or_default();
    let mut fields = result.split_whitespace();
    let (code, peak) = (fields.next(), fields.next().and_then(|p| p.parse().ok()));
    match (status.success(), code, peak) {
        (true, Some("0"), Some(peak_rss_kib)) => Ok(CliRun {
            peak_rss_kib,
            elapsed,
        }),
        _ => {
            let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
            Err(format!("onet exited with {code:?}: {}", tail.join(" / ")))
        }
    }
}

/// The helper: runs the program with this process's stdin, stdout and
/// stderr, reaps it, and writes `EXIT_CODE PEAK_KIB` to the result file
/// (`signal` for the code when a signal ended it).
pub fn helper_main(mut args: impl Iterator<Item = String>) -> ExitCode {
    let (Some(result_file), Some(deadline), Some(program)) =
        (args.next(), args.next(), args.next())
    else {
        eprintln!("{HELPER_FLAG} RESULT_FILE DEADLINE_SECONDS PROGRAM ARGS...");
        return ExitCode::from(2);
    };
    let deadline = Duration::from_secs(deadline.parse().unwrap_or(600));

    let outcome = Command::new(&program)
        .args(args)
        .spawn()
        .map_err(|e| format!("cannot start {program}: {e}"))
        .and_then(|mut child| reap(&mut child, deadline));
    match outcome {
        Ok((code, peak_kib)) => {
            let code = code.map_or("signal".to_owned(), |c| c.to_string());
            let written = std::fs::write(PathBuf::from(result_file), format!("{code} {peak_kib}"));
            ExitCode::from(u8::from(written.is_err()))
        }
        Err(message) => {
            eprintln!("peak RSS helper: {message}");
            ExitCode::FAILURE
        }
    }
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
            if killed {
                return Err(format!("did not finish within {deadline:?}; killed"));
            }
            let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
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
