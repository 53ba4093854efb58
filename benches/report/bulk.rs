//! Figure 2: deleting many ids at a fixed concurrency against a server with
//! no limit, the crate's `delete_many` against a hand-written reqwest and
//! tokio loop.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use onetsolutions::{BulkOptions, Images};
use tokio::task::JoinSet;

use crate::clients::{self, generous_limit, layered_client, raw_client, raw_delete};
use crate::server::NoContentServer;

/// Deletes a second of each way, the median of the rounds.
pub struct Bulk {
    pub hand_written: f64,
    pub delete_many: f64,
}

/// Runs `rounds` rounds of `ids` deletes each way, alternating which goes
/// first, after a short warm-up that opens the connections.
pub fn measure(
    runtime: &tokio::runtime::Runtime,
    ids: usize,
    concurrency: usize,
    rounds: usize,
) -> Result<Bulk, String> {
    let server = NoContentServer::start();
    let base_url: Arc<str> = server.base_url().into();
    let raw = raw_client();
    let images =
        layered_client(&base_url, generous_limit()).images(clients::ORGANIZATION, clients::PROJECT);

    let run_loop = |n: usize| {
        let (raw, base_url) = (raw.clone(), base_url.clone());
        runtime.block_on(async move {
            let task = tokio::spawn(hand_written(raw, base_url, n, concurrency));
            task.await.map_err(|e| e.to_string())?
        })
    };
    let run_crate = |n: usize| {
        let images = images.clone();
        runtime.block_on(async move {
            let task = tokio::spawn(with_delete_many(images, n, concurrency));
            task.await.map_err(|e| e.to_string())?
        })
    };

    let warm_up = (ids / 10).max(concurrency);
    run_loop(warm_up)?;
    run_crate(warm_up)?;

    let (mut by_loop, mut by_crate) = (Vec::new(), Vec::new());
    for round in 0..rounds.max(1) {
        let rate = |d: Duration| ids as f64 / d.as_secs_f64();
        if round % 2 == 0 {
            by_loop.push(rate(run_loop(ids)?));
            by_crate.push(rate(run_crate(ids)?));
        } else {
            by_crate.push(rate(run_crate(ids)?));
            by_loop.push(rate(run_loop(ids)?));
        }
    }
    Ok(Bulk {
        hand_written: median(by_loop),
        delete_many: median(by_crate),
    })
}

/// What a user would write without the crate: a JoinSet kept at
/// `concurrency` tasks, one reqwest DELETE each.
async fn hand_written(
    client: reqwest::Client,
    base_url: Arc<str>,
    ids: usize,
    concurrency: usize,
) -> Result<Duration, String> {
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    let mut next = 0;
    let spawn = |tasks: &mut JoinSet<Result<(), String>>, next: &mut usize| {
        let (client, base_url) = (client.clone(), base_url.clone());
        let id = format!("img-{next}");
        *next += 1;
        tasks.spawn(async move { raw_delete(&client, &base_url, &id).await });
    };

    while next < ids && tasks.len() < concurrency {
        spawn(&mut tasks, &mut next);
    }
    while let Some(joined) = tasks.join_next().await {
        joined.map_err(|e| e.to_string())??;
        if next < ids {
            spawn(&mut tasks, &mut next);
        }
    }
    Ok(started.elapsed())
}

/// The crate's way: a stream of ids into `delete_many`.
async fn with_delete_many(
    images: Images,
    ids: usize,
    concurrency: usize,
) -> Result<Duration, String> {
    let started = Instant::now();
    let ids = futures::stream::iter((0..ids).map(|i| format!("img-{i}")));
    let mut outcomes = images.delete_many(ids, BulkOptions::default().concurrency(concurrency));
    while let Some(outcome) = outcomes.next().await {
        outcome.result.map_err(|e| format!("{}: {e}", outcome.id))?;
    }
    Ok(started.elapsed())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}
