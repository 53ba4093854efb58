//! Figure 5: what building the crate costs. A no-op rebuild (where the
//! generator must not run), the build script alone, and, when asked for,
//! clean builds with default and with all features.
//!
//! Every step runs the same cargo that runs this report, in the crate's own
//! directory; the clean builds use a target directory of their own, which is
//! removed afterwards.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The crate's directory, where cargo is run.
pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The cargo that runs this report, so that the same toolchain measures.
fn cargo() -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(program);
    command.current_dir(manifest_dir());
    command
}

fn run(command: &mut Command) -> Result<(Output, Duration), String> {
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        // The first error says what failed; the whole of cargo's output, kept
        // in a file, says why (a linker's notes run to pages).
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("cargo failed");
        let log = std::env::temp_dir().join("bench_report-cargo.log");
        let kept = match std::fs::write(&log, &output.stderr) {
            Ok(()) => format!(" (cargo's output: {})", log.display()),
            Err(_) => String::new(),
        };
        return Err(format!("{reason}{kept}"));
    }
    Ok((output, elapsed))
}

/// The target directory cargo uses here.
pub fn target_dir() -> Result<PathBuf, String> {
    let (output, _) = run(cargo().args(["metadata", "--format-version", "1", "--no-deps"]))?;
    let metadata: Value = serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata names no target directory".to_owned())
}

/// Builds `onet` in release with `features` and returns the executable.
pub fn build_onet(features: &str) -> Result<PathBuf, String> {
    let (output, _) = run(cargo().args(["build", "--release", "--bin", "onet"]).args([
        "--features",
        features,
        "--message-format=json",
    ]))?;
    artifacts(&output.stdout)
        .into_iter()
        .find(|a| a["target"]["name"] == "onet")
        .and_then(|a| a["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo built no onet executable".to_owned())
}

/// A timed rebuild with nothing changed.
pub struct NoOp {
    pub elapsed: Duration,
    /// Whether cargo ran the crate's build script (the generator).
    pub generator_ran: bool,
    /// Units cargo compiled again rather than found fresh.
    pub recompiled: usize,
    /// The compiled build script, to time on its own.
    pub build_script: Option<PathBuf>,
}

/// `cargo build --release --features F` twice; the second is timed.
pub fn no_op_rebuild(features: &str) -> Result<NoOp, String> {
    let args = [
        "build",
        "--release",
        "-v",
        "--message-format=json",
        "--features",
        features,
    ];
    run(cargo().args(args))?;
    let (output, elapsed) = run(cargo().args(args))?;

    let artifacts = artifacts(&output.stdout);
    let ours = |a: &&Value| {
        let id = a["package_id"].as_str().unwrap_or_default();
        id.contains("onetsolutions")
    };
    let build_script = artifacts
        .iter()
        .filter(ours)
        .find(|a| a["target"]["kind"][0] == "custom-build")
        .and_then(|a| a["filenames"][0].as_str().map(PathBuf::from));
    let recompiled = artifacts.iter().filter(|a| a["fresh"] == false).count();

    // `-v` names every process cargo starts; a fresh build starts none.
    let stderr = String::from_utf8_lossy(&output.stderr);
    let generator_ran = stderr.lines().any(|l| {
        l.trim_start().starts_with("Running")
            && l.contains("/onetsolutions-")
            && l.contains("build-script-build`")
    });
    Ok(NoOp {
        elapsed,
        generator_ran,
        recompiled,
        build_script,
    })
}

/// Runs the compiled build script `runs` times into a scratch `OUT_DIR`,
/// as cargo would for the default features, and returns the median time.
pub fn build_script(script: &Path, runs: usize) -> Result<Duration, String> {
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let out_dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let started = Instant::now();
        let output = Command::new(script)
            .current_dir(manifest_dir())
            .env("OUT_DIR", out_dir.path())
            .env_remove("ONETSOLUTIONS_OPENAPI")
            .env_remove("CARGO_FEATURE_HTTPMOCK")
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        times.push(started.elapsed());

        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() || stdout.contains("cargo::error") {
            return Err(format!("the build script failed: {}", stdout.trim()));
        }
        if !out_dir.path().join("client.rs").is_file() {
            return Err("the build script wrote no client.rs".into());
        }
    }
    times.sort_unstable();
    Ok(times[times.len() / 2])
}

/// A build from nothing, in a target directory of its own.
pub struct Clean {
    pub elapsed: Duration,
    /// The build script's run, as cargo's timing report gives it.
    pub build_script: Option<Duration>,
}

/// `cargo build` (dev profile) with `extra` arguments in `dir`, removed
/// before and after.
pub fn clean_build(dir: &Path, extra: &[&str]) -> Result<Clean, String> {
    let _ = std::fs::remove_dir_all(dir);
    let result = run(cargo()
        .args(["build", "--timings", "--target-dir"])
        .arg(dir)
        .args(extra));
    let build_script = std::fs::read_to_string(dir.join("cargo-timings/cargo-timing.html"))
        .ok()
        .and_then(|html| custom_build_duration(&html));
    let _ = std::fs::remove_dir_all(dir);
    let (_, elapsed) = result?;
    Ok(Clean {
        elapsed,
        build_script,
    })
}

/// The `compiler-artifact` messages of `--message-format=json` output.
fn artifacts(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .collect()
}

/// The run of this crate's build script in cargo's HTML timing report,
/// which carries its units as a JSON array after `UNIT_DATA = `.
fn custom_build_duration(html: &str) -> Option<Duration> {
    let start = html.find("UNIT_DATA = ")? + "UNIT_DATA = ".len();
    let mut units = serde_json::Deserializer::from_str(&html[start..]).into_iter::<Vec<Value>>();
    let units = units.next()?.ok()?;
    units
        .iter()
        .find(|u| u["name"] == "onetsolutions" && u["mode"] == "run-custom-build")
        .and_then(|u| u["duration"].as_f64())
        .map(Duration::from_secs_f64)
}
