//! Every benchmark figure of the crate in one run, printed as one table:
//!
//! ```text
//! cargo run --release --example bench_report --features sandbox -- [options]
//! ```
//!
//! 1. single-delete latency on loopback: raw reqwest, the generated client,
//!    the layered client (see also `cargo bench --bench latency`);
//! 2. bulk throughput without a server limit: `delete_many` against a
//!    hand-written reqwest and tokio loop at the same concurrency;
//! 3. bulk throughput under a server limit, with and without the client's
//!    limiter, and the 429s each met;
//! 4. peak memory of `onet images delete --from-file -` as ids stream in;
//! 5. build cost: a no-op rebuild, the build script, and (with
//!    `--clean-build`) clean builds with default and all features.
//!
//! Every server is started here, on 127.0.0.1, and every run is bounded in
//! count and time. Options (defaults in brackets):
//!
//! ```text
//! --latency-iterations N  deletes per way for figure 1 [2000]
//! --bulk-ids N            deletes per round for figure 2 [10000]
//! --rounds N              rounds of figure 2 [5]
//! --slice N               deletes per turn within a round, figure 2 [1000]
//! --concurrency N         deletes in flight, figures 2 to 4 [16]
//! --limit N               the server's limit a second, figure 3 [500]
//! --limited-ids N         deletes per client in figure 3 [10000]
//! --rss-ids N,M           id counts streamed to onet, figure 4 [100000,1000000]
//! --onet PATH             the onet binary to measure [built here]
//! --clean-build           also time two clean builds (minutes each)
//! --skip 4,5              leave figures out
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

#[path = "../benches/report/build_cost.rs"]
mod build_cost;
#[path = "../benches/report/bulk.rs"]
mod bulk;
#[path = "../benches/support/clients.rs"]
mod clients;
#[path = "../benches/report/latency.rs"]
mod latency;
#[path = "../benches/report/limited.rs"]
mod limited;
#[path = "../benches/report/memory.rs"]
mod memory;
#[path = "../benches/support/server.rs"]
mod server;
#[path = "../benches/report/table.rs"]
mod table;

use table::{count, micros, seconds, Table};

const USAGE: &str =
    "usage: bench_report [--latency-iterations N] [--bulk-ids N] [--rounds N] [--slice N] \
                     [--concurrency N] [--limit N] [--limited-ids N] [--rss-ids N,M] \
                     [--onet PATH] [--clean-build] [--skip 4,5]";

/// The sizes of one run.
struct Options {
    latency_iterations: usize,
    bulk_ids: usize,
    rounds: usize,
    slice: usize,
    concurrency: usize,
    limit: u32,
    limited_ids: usize,
    rss_ids: Vec<usize>,
    onet: Option<PathBuf>,
    clean_build: bool,
    skip: Vec<u8>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            latency_iterations: 2000,
            bulk_ids: 10_000,
            rounds: 5,
            slice: 1000,
            concurrency: 16,
            limit: 500,
            limited_ids: 10_000,
            rss_ids: vec![100_000, 1_000_000],
            onet: None,
            clean_build: false,
            skip: Vec::new(),
        }
    }
}

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some(memory::HELPER_FLAG) {
        return memory::helper_main(std::env::args().skip(2));
    }

    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("bench_report: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    println!("{}", header(&options));
    let mut table = Table::default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");

    let wanted = |figure: u8| !options.skip.contains(&figure);
    if wanted(1) {
        figure_latency(&options, &mut table);
    }
    if wanted(2) {
        figure_bulk(&runtime, &options, &mut table);
    }
    if wanted(3) {
        figure_limited(&runtime, &options, &mut table);
    }
    if wanted(4) {
        figure_memory(&options, &mut table);
    }
    if wanted(5) {
        figure_build(&options, &mut table);
    }

    println!("\n{}", table.render());
    ExitCode::SUCCESS
}

fn figure_latency(options: &Options, table: &mut Table) {
    eprintln!("figure 1: single-delete latency...");
    match latency::measure(options.latency_iterations) {
        Ok(l) => {
            let ratio = |d: std::time::Duration| d.as_secs_f64() / l.raw.as_secs_f64();
            table.info("1", "single delete, raw reqwest (median)", micros(l.raw));
            table.info(
                "1",
                "single delete, generated client (median)",
                format!("{} = {:.3} × raw", micros(l.generated), ratio(l.generated)),
            );
            table.judged(
                "1",
                "single delete, layered client (median)",
                format!("{} = {:.3} × raw", micros(l.layered), ratio(l.layered)),
                "≤ 1.10 × raw",
                ratio(l.layered) <= 1.10,
            );
        }
        Err(e) => table.info("1", "single delete", format!("not measured: {e}")),
    }

    // The careful version, when `cargo bench --bench latency` has been run.
    let criterion = build_cost::target_dir()
        .ok()
        .map(|dir| dir.join("criterion/single_delete"));
    let median = |name: &str| {
        let path = criterion.as_ref()?.join(name).join("new/estimates.json");
        let text = std::fs::read_to_string(path).ok()?;
        let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
        estimates["median"]["point_estimate"].as_f64()
    };
    if let (Some(raw), Some(layered)) = (median("raw_reqwest"), median("layered")) {
        let generated = median("generated").unwrap_or(f64::NAN);
        let again = median("raw_reqwest_again");
        let what = "criterion medians, last `cargo bench --bench latency` (one way after another)";
        let value = format!(
            "raw {:.1} µs, generated {:.1} µs, layered {:.1} µs = {:.3} × raw{}",
            raw / 1e3,
            generated / 1e3,
            layered / 1e3,
            layered / raw,
            again.map_or(String::new(), |d| format!(", raw again {:.1} µs", d / 1e3)),
        );

        // Judged only when the two raw runs that bracket the others agree:
        // otherwise the machine's load moved more than the layer costs.
        match again {
            Some(again) if (again / raw - 1.0).abs() <= 0.05 => {
                table.judged("1", what, value, "≤ 1.10 × raw", layered / raw <= 1.10)
            }
            _ => table.info(
                "1",
                what,
                format!("{value}; not judged: raw drifted over 5 %"),
            ),
        }
    }
}

fn figure_bulk(runtime: &tokio::runtime::Runtime, options: &Options, table: &mut Table) {
    eprintln!("figure 2: bulk throughput without a server limit...");
    match bulk::measure(
        runtime,
        options.bulk_ids,
        options.slice,
        options.concurrency,
        options.rounds,
    ) {
        Ok(b) => {
            let against_loop = |way: &bulk::Way| {
                format!(
                    "{:.0} deletes/s; {:.3} × loop (rounds {:.2} to {:.2})",
                    way.rate, way.ratio, way.range.0, way.range.1
                )
            };
            table.info(
                "2",
                "bulk, hand-written loop: reqwest + tokio JoinSet",
                format!("{:.0} deletes/s", b.hand_written),
            );
            table.info(
                "2",
                "bulk, raw reqwest in one task (`buffer_unordered`)",
                against_loop(&b.one_task),
            );
            table.info(
                "2",
                "bulk, bare generated client in one task",
                against_loop(&b.generated),
            );
            table.judged(
                "2",
                "bulk, `delete_many` (layered client)",
                against_loop(&b.delete_many),
                "≥ 0.90 × loop",
                b.delete_many.ratio >= 0.90,
            );
        }
        Err(e) => table.info("2", "bulk throughput", format!("not measured: {e}")),
    }
}

fn figure_limited(runtime: &tokio::runtime::Runtime, options: &Options, table: &mut Table) {
    let limit = options.limit;
    let plan = format!("{limit}/s and {}/min", count(u64::from(limit) * 60));
    for limited in [true, false] {
        let who = if limited {
            "client limiter at the same plan"
        } else {
            "naive client, no limiter"
        };
        eprintln!("figure 3: bulk under a server limit, {who}...");
        let what = format!("server limit {plan}, {who}");
        let run = limited::run(
            runtime,
            limit,
            options.limited_ids,
            options.concurrency,
            limited,
        );
        let r = match run {
            Ok(r) => r,
            Err(e) => {
                table.info("3", &what, format!("not measured: {e}"));
                continue;
            }
        };
        let rate = r.sustained_rate(limit);
        let fraction = rate / f64::from(limit);
        let summary = format!(
            "{} of {} deleted in {}, {} failed; sustained {rate:.0}/s = {fraction:.3} × limit",
            count(r.deleted as u64),
            count(r.ids as u64),
            seconds(r.elapsed),
            count(r.failed as u64),
        );
        if limited {
            table.judged("3", &what, summary, "≥ 0.95 × limit", fraction >= 0.95);
            table.judged(
                "3",
                "429 answers, client limiter on",
                count(r.too_many as u64),
                "0",
                r.too_many == 0,
            );
        } else {
            table.info("3", &what, summary);
            table.info("3", "429 answers, naive client", count(r.too_many as u64));
        }
    }
}

fn figure_memory(options: &Options, table: &mut Table) {
    eprintln!("figure 4: peak memory of onet...");
    let onet = match &options.onet {
        Some(path) => Ok(path.clone()),
        None => build_cost::build_onet(&with_cli(&features())),
    };
    let onet = match onet {
        Ok(onet) => onet,
        Err(e) => {
            let why = format!("not measured: cannot build onet ({e}); give --onet PATH");
            table.info("4", "peak RSS of onet", why);
            return;
        }
    };

    let mut peaks = Vec::new();
    for &ids in &options.rss_ids {
        eprintln!("figure 4: streaming {} ids into onet...", count(ids as u64));
        let what = format!(
            "peak RSS, `onet images delete --from-file -`, {} ids",
            count(ids as u64)
        );
        match memory::measure(&onet, ids, options.concurrency) {
            Ok(run) => {
                let megabytes = run.peak_rss_kib as f64 * 1024.0 / 1e6;
                peaks.push(megabytes);
                table.judged(
                    "4",
                    &what,
                    format!("{megabytes:.1} MB (run took {})", seconds(run.elapsed)),
                    "≤ 50 MB",
                    megabytes <= 50.0,
                );
            }
            Err(e) => table.info("4", &what, format!("not measured: {e}")),
        }
    }
    if let (Some(first), Some(last)) = (peaks.first(), peaks.last()) {
        if peaks.len() > 1 {
            let growth = last / first;
            table.judged(
                "4",
                "peak RSS, largest id count / smallest",
                format!("{growth:.3}"),
                "flat: ≤ 1.10",
                growth <= 1.10,
            );
        }
    }
}

fn figure_build(options: &Options, table: &mut Table) {
    eprintln!("figure 5: build cost...");
    let features = features();
    match build_cost::no_op_rebuild(&features) {
        Ok(no_op) => {
            table.judged(
                "5",
                &format!(
                    "no-op rebuild, `cargo build --release --example bench_report --features \
                     {features}`"
                ),
                format!(
                    "{}; build script ran: {}; units recompiled: {}",
                    seconds(no_op.elapsed),
                    if no_op.generator_ran { "yes" } else { "no" },
                    no_op.recompiled
                ),
                "generator does not run",
                !no_op.generator_ran && no_op.recompiled == 0,
            );
            let script = no_op
                .build_script
                .ok_or_else(|| "cargo did not name the build script".to_owned())
                .and_then(|script| build_cost::build_script(&script, 3));
            match script {
                Ok(d) => table.info(
                    "5",
                    "build script alone (progenitor generation), median of 3",
                    seconds(d),
                ),
                Err(e) => table.info("5", "build script alone", format!("not measured: {e}")),
            }
        }
        Err(e) => table.info("5", "no-op rebuild", format!("not measured: {e}")),
    }

    if !options.clean_build {
        table.info(
            "5",
            "clean builds, default vs all features",
            "not run; pass --clean-build".into(),
        );
        return;
    }
    let dir = match build_cost::target_dir() {
        Ok(dir) => dir.join("bench-clean-build"),
        Err(e) => {
            table.info("5", "clean builds", format!("not measured: {e}"));
            return;
        }
    };
    let mut times = Vec::new();
    for (name, extra) in [
        ("default features", &[][..]),
        ("all features", &["--all-features"][..]),
    ] {
        eprintln!("figure 5: clean build, {name}...");
        let what = format!("clean `cargo build`, {name}");
        match build_cost::clean_build(&dir, extra) {
            Ok(clean) => {
                let script = clean
                    .build_script
                    .map(|d| format!("; build script {}", seconds(d)))
                    .unwrap_or_default();
                table.info("5", &what, format!("{}{script}", seconds(clean.elapsed)));
                times.push(clean.elapsed);
            }
            Err(e) => table.info("5", &what, format!("not measured: {e}")),
        }
    }
    if let [default, all] = times[..] {
        table.info(
            "5",
            "clean build, all features / default",
            format!("{:.2}", all.as_secs_f64() / default.as_secs_f64()),
        );
    }
}

/// The features this report was built with, for the cargo runs it starts,
/// so that they find everything already built.
fn features() -> String {
    let mut features = Vec::new();
    if cfg!(feature = "httpmock") {
        features.push("httpmock");
    }
    if cfg!(feature = "schema") {
        features.push("schema");
    }
    if cfg!(feature = "sandbox") {
        features.push("sandbox");
    }
    if cfg!(feature = "cli") {
        features.push("cli");
    }
    features.join(",")
}

fn with_cli(features: &str) -> String {
    if features.split(',').any(|f| f == "cli") {
        features.to_owned()
    } else if features.is_empty() {
        "cli".to_owned()
    } else {
        format!("{features},cli")
    }
}

/// When and where the run happened, and its sizes.
fn header(options: &Options) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into());
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();

    format!(
        "date: {}\nmachine: {cores} cores, {cpu}; load average {load} at start; {rustc}\n\
         sizes: latency {} per way; bulk {} ids per way × {} rounds, in turns {} at a time; \
         concurrency {}; \
         limit {}/s, {} ids per client; RSS ids {:?}",
        httpdate::fmt_http_date(SystemTime::now()),
        options.latency_iterations,
        options.bulk_ids,
        options.rounds,
        options.slice,
        options.concurrency,
        options.limit,
        options.limited_ids,
        options.rss_ids,
    )
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options::default();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--latency-iterations" => options.latency_iterations = number(&arg, value(&arg)?)?,
            "--bulk-ids" => options.bulk_ids = number(&arg, value(&arg)?)?,
            "--rounds" => options.rounds = number(&arg, value(&arg)?)?,
            "--slice" => options.slice = number(&arg, value(&arg)?)?,
            "--concurrency" => options.concurrency = number(&arg, value(&arg)?)?,
            "--limit" => options.limit = number(&arg, value(&arg)?)?,
            "--limited-ids" => options.limited_ids = number(&arg, value(&arg)?)?,
            "--rss-ids" => {
                options.rss_ids = value(&arg)?
                    .split(',')
                    .map(|n| number(&arg, n.to_owned()))
                    .collect::<Result<_, _>>()?
            }
            "--onet" => options.onet = Some(PathBuf::from(value(&arg)?)),
            "--clean-build" => options.clean_build = true,
            "--skip" => {
                options.skip = value(&arg)?
                    .split(',')
                    .map(|n| number(&arg, n.to_owned()))
                    .collect::<Result<_, _>>()?
            }
            "-h" | "--help" => return Err("help".into()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(options)
}

/// A positive whole number.
fn number<T: std::str::FromStr + PartialOrd + Default>(
    name: &str,
    text: String,
) -> Result<T, String> {
    match text.trim().parse::<T>() {
        Ok(n) if n > T::default() => Ok(n),
        _ => Err(format!("{name}: `{text}` is not a positive whole number")),
    }
}
