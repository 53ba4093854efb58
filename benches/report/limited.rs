//! Figure 3: bulk deletion under a server limit. The sandbox enforces a
//! per-second and a per-minute window (a strict sliding log), and the
//! client's limiter is set to the same plan; a naive client without the
//! limiter shows what the limiter buys.

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use futures::StreamExt;
use onetsolutions::sandbox::{Image, RateLimit as SandboxRateLimit, Sandbox, Token};
use onetsolutions::{BulkOptions, RateLimit};
use tokio::sync::oneshot;

use crate::clients::{self, layered_client};

/// What one bulk run under the limit achieved.
pub struct LimitedRun {
    pub ids: usize,
    pub deleted: usize,
    pub failed: usize,
    pub elapsed: Duration,
    /// 429 answers the sandbox gave.
    pub too_many: usize,
}

impl LimitedRun {
    /// Deletes a second once the first window's allowance is spent:
    /// `(deleted - per_second) / elapsed`. A client that sends a full window
    /// at once and then keeps exactly to the limit scores the limit itself,
    /// however long the run.
    pub fn sustained_rate(&self, per_second: u32) -> f64 {
        let after_first_window = self.deleted.saturating_sub(per_second as usize);
        after_first_window as f64 / self.elapsed.as_secs_f64()
    }
}

/// Deletes `ids` images from a sandbox limited to `per_second` and
/// `60 * per_second` a minute, with the client's limiter at the same plan
/// when `limited`, or off.
pub fn run(
    runtime: &tokio::runtime::Runtime,
    per_second: u32,
    ids: usize,
    concurrency: usize,
    limited: bool,
) -> Result<LimitedRun, String> {
    let per_minute = per_second.saturating_mul(60);
    let sandbox = SandboxThread::start(SandboxRateLimit::new(per_second, per_minute), ids)?;
    let client_limit = if limited {
        RateLimit::new(per_second, per_minute)
    } else {
        RateLimit::disabled()
    };
    let images = layered_client(&sandbox.base_url, client_limit)
        .images(clients::ORGANIZATION, clients::PROJECT);

    // The run stops by itself: at the limit it takes ids / per_second
    // seconds, and a retried call gives up within the policy's 120 s.
    let deadline = Duration::from_secs(ids as u64 / per_second.max(1) as u64 * 3 + 150);
    let outcome = runtime.block_on(async move {
        let started = Instant::now();
        let run = tokio::spawn(async move {
            let ids = futures::stream::iter((0..ids).map(|i| format!("img-{i}")));
            let outcomes = images.delete_many(ids, BulkOptions::default().concurrency(concurrency));
            outcomes
                .fold((0, 0), |(ok, failed), o| async move {
                    match o.result {
                        Ok(_) => (ok + 1, failed),
                        Err(_) => (ok, failed + 1),
                    }
                })
                .await
        });
        match tokio::time::timeout(deadline, run).await {
            Ok(Ok(counts)) => Ok((counts, started.elapsed())),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("did not finish within {deadline:?}")),
        }
    });

    let statuses = sandbox.stop();
    let ((deleted, failed), elapsed) = outcome?;
    Ok(LimitedRun {
        ids,
        deleted,
        failed,
        elapsed,
        too_many: statuses.iter().filter(|s| **s == Some(429)).count(),
    })
}

/// A sandbox holding `img-0` to `img-{n-1}`, served on its own thread and
/// single-threaded runtime, like the minimal server of the other figures.
struct SandboxThread {
    base_url: String,
    stop: oneshot::Sender<()>,
    thread: JoinHandle<Vec<Option<u16>>>,
}

impl SandboxThread {
    fn start(limit: SandboxRateLimit, images: usize) -> Result<Self, String> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime for the sandbox");
            runtime.block_on(async move {
                let mut builder = Sandbox::builder()
                    .token(Token::new(clients::TOKEN).organization(clients::ORGANIZATION))
                    .rate_limit(limit);
                for i in 0..images {
                    let id = format!("img-{i}");
                    builder =
                        builder.image(Image::private(clients::ORGANIZATION, clients::PROJECT, id));
                }
                let sandbox = match builder.start().await {
                    Ok(sandbox) => sandbox,
                    Err(error) => {
                        let _ = ready_tx.send(Err(error.to_string()));
                        return Vec::new();
                    }
                };
                let _ = ready_tx.send(Ok(sandbox.base_url().to_owned()));

                let _ = stopped.await;
                let statuses = sandbox.requests().into_iter().map(|r| r.status).collect();
                sandbox.shutdown().await;
                statuses
            })
        });

        let base_url = ready_rx
            .recv()
            .map_err(|_| "the sandbox thread ended before starting".to_owned())??;
        Ok(Self {
            base_url,
            stop,
            thread,
        })
    }

    /// Stops the sandbox and returns the status of every request it logged.
    fn stop(self) -> Vec<Option<u16>> {
        let _ = self.stop.send(());
        self.thread.join().unwrap_or_default()
    }
}
