//! `onet images delete`: a batch of deletes, reported one line per image.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use futures::stream::StreamExt;

use crate::bulk::BulkOptions;
use crate::cli::args::{DeleteArgs, GlobalArgs};
use crate::cli::config::{self, Connection};
use crate::cli::exit::{Exit, ExitTally, Fatal};
use crate::cli::ids::Input;
use crate::cli::output::{Outcome, Record, Report, Summary};
use crate::cli::progress::Progress;
use crate::error::ErrorKind;
use crate::path_param;

/// Runs the batch and returns the status it calls for.
pub async fn run(global: &GlobalArgs, args: DeleteArgs) -> Result<Exit, Fatal> {
    // Everything that can be wrong before the first request is checked
    // first: organization and project, token, base URL, the id file.
    for (what, value) in [("--org", &args.org), ("--project", &args.project)] {
        path_param::check(what, value)
            .map_err(|e| Fatal::usage(e.message().unwrap_or("invalid").to_owned()))?;
    }
    let connection = Connection {
        timeout: args.timeout,
        max_attempts: args.max_attempts,
        rate_limit: args.rate_limit,
    };
    let client = config::client(global, connection)?;
    let mut input = match &args.from_file {
        Some(path) => Input::from_file(path).await?,
        None => Input::from_args(args.ids),
    };
    tracing::debug!(
        organization = %args.org,
        project = %args.project,
        concurrency = args.concurrency,
        if_exists = args.if_exists,
        "starting the batch"
    );

    // A refused token fails every request alike: stop taking new ids.
    let halt = Arc::new(AtomicBool::new(false));
    let ids = {
        let halt = Arc::clone(&halt);
        input
            .ids
            .take_while(move |_| std::future::ready(!halt.load(Ordering::Relaxed)))
    };
    let options = BulkOptions::default()
        .concurrency(usize::from(args.concurrency))
        .absent_is_done(args.if_exists);
    let images = client.images(args.org, args.project);
    let mut outcomes = images.delete_many(ids, options);

    let started = Instant::now();
    let mut batch = Batch {
        report: Report::new(args.output, std::io::stdout()),
        progress: Progress::new(
            input.len,
            std::io::stderr().is_terminal() && global.verbose == 0,
        ),
        summary: Summary::default(),
        tally: ExitTally::default(),
        write_error: None,
        halt: &halt,
    };

    // Outcomes and refused lines arrive as they happen. Refused lines that
    // are waiting go before an outcome, as they were read before its id: at
    // --concurrency 1 the output is then in input order.
    loop {
        tokio::select! {
            biased;
            Some(line) = input.rejected.recv() => batch.record(Record::from(line)),
            outcome = outcomes.next() => {
                while let Ok(line) = input.rejected.try_recv() {
                    batch.record(Record::from(line));
                }
                match outcome {
                    Some(outcome) => batch.record(Record::from(outcome)),
                    None => break,
                }
            }
        }
    }

    let read_error = input
        .read_error
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    Ok(batch.finish(read_error, started.elapsed()))
}

/// What a running batch has reported and counted so far.
struct Batch<'a, W> {
    report: Report<W>,
    progress: Progress,
    summary: Summary,
    tally: ExitTally,
    write_error: Option<std::io::Error>,
    halt: &'a AtomicBool,
}

impl<W: Write> Batch<'_, W> {
    /// Reports, counts and reacts to one record.
    fn record(&mut self, record: Record) {
        if self.write_error.is_none() {
            if let Err(error) = self.progress.suspend(|| self.report.record(&record)) {
                // Nobody reads the results any more (a closed pipe): deleting
                // on without reporting would be deleting blind.
                self.halt.store(true, Ordering::Relaxed);
                self.write_error = Some(error);
            }
        }
        self.stop_on_refused_token(&record);
        self.summary.count(&record, &mut self.tally);
        self.progress.advance(self.summary.failed);
    }

    /// Prints the summary and returns the status the batch calls for. A
    /// read error or a dead stdout is part of the result, not a crash.
    fn finish(mut self, read_error: Option<String>, elapsed: Duration) -> Exit {
        self.progress.finish();

        if read_error.is_some() {
            self.tally.add(Exit::Usage);
        }
        if let Some(error) = &self.write_error {
            self.tally.add(Exit::Mixed);
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot write the results: {error}"
            );
        }
        self.summary.input_error = read_error;
        self.summary.elapsed = elapsed;
        self.summary.exit = self.tally.exit();

        let _ = self.report.summary(&self.summary, &mut std::io::stderr());
        self.summary.exit
    }

    /// Stops the batch at the first 401: the token is wrong for every image.
    fn stop_on_refused_token(&mut self, record: &Record) {
        let Outcome::Failed(failure) = &record.outcome else {
            return;
        };
        if failure.kind == ErrorKind::Unauthorized && self.summary.stopped.is_none() {
            self.halt.store(true, Ordering::Relaxed);
            self.summary.stopped =
                Some("the token was refused (401), so the remaining ids were not tried".to_owned());
        }
    }
}
