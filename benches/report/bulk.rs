//! Figure 2: deleting many ids at a fixed concurrency against a server with
//! no limit, the crate's `delete_many` against a hand-written reqwest and
//! tokio loop.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use onetsolutions::{BulkOptions, Images};
use tokio::task::JoinSet;

use crate::clients::{
    self, generated_delete, generous_limit, layered_client, raw_client, raw_delete,
};
use crate::server::NoContentServer;

/// Deletes a second of each way (the median of the rounds), and each way's
/// ratio to the hand-written loop.
pub struct Bulk {
    /// Tokio tasks in a JoinSet: the baseline of the target.
    pub hand_written: f64,
    /// reqwest futures in one task's `buffer_unordered`, the shape
    /// `delete_many` has, to tell the layer's cost from the shape's.
    pub one_task: Way,
    /// The bare generated client in the same shape, to tell the generated
    /// code's cost from the hand-written layer's.
    pub generated: Way,
    pub delete_many: Way,
}

/// One way against the loop.
pub struct Way {
    pub rate: f64,
    /// The median over rounds of this way's rate over the loop's in the
    /// same round: measured seconds apart, so the load of a shared machine
    /// falls on both.
    pub ratio: f64,
    /// The lowest and highest of those per-round ratios.
    pub range: (f64, f64),
}

/// Runs `rounds` rounds of `ids` deletes each way, sent `slice` at a time,
/// after a short warm-up that opens the connections.
pub fn measure(
    runtime: &tokio::runtime::Runtime,
    ids: usize,
    slice: usize,
    concurrency: usize,
    rounds: usize,
) -> Result<Bulk, String> {
    let server = NoContentServer::start();
    let base_url: Arc<str> = server.base_url().into();
    let raw = raw_client();
    let images_client = layered_client(&base_url, generous_limit());
    let images = images_client.images(clients::ORGANIZATION, clients::PROJECT);

    let run_loop = |n: usize| {
        let (raw, base_url) = (raw.clone(), base_url.clone());
        runtime.block_on(async move {
            let task = tokio::spawn(hand_written(raw, base_url, n, concurrency));
            task.await.map_err(|e| e.to_string())?
        })
    };
    let run_one_task = |n: usize| {
        let (raw, base_url) = (raw.clone(), base_url.clone());
        runtime.block_on(async move {
            let task = tokio::spawn(one_task(raw, base_url, n, concurrency));
            task.await.map_err(|e| e.to_string())?
        })
    };
    let run_generated = |n: usize| {
        let client = images_client.clone();
        runtime.block_on(async move {
            let task = tokio::spawn(with_generated(client, n, concurrency));
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

    let ways: [&dyn Fn(usize) -> Result<Duration, String>; 4] =
        [&run_loop, &run_one_task, &run_generated, &run_crate];
    let warm_up = (ids / 10).max(concurrency);
    for way in ways {
        way(warm_up)?;
    }

    // A round sends `ids` deletes each way, in slices taken in turns, so that
    // a change in the machine's load within the round falls on all four.
    // Each slice starts with another way, so that none always goes first.
    let mut rates: [Vec<f64>; 4] = Default::default();
    for _ in 0..rounds.max(1) {
        let mut spent = [Duration::ZERO; 4];
        let (mut sent, mut turn) = (0, 0);
        while sent < ids {
            let n = slice.min(ids - sent);
            for offset in 0..4 {
                let way = (turn + offset) % 4;
                spent[way] += ways[way](n)?;
            }
            sent += n;
            turn += 1;
        }
        for (way, spent) in spent.iter().enumerate() {
            rates[way].push(ids as f64 / spent.as_secs_f64());
        }
    }
    let [rates_of_loop, one_task, generated, delete_many] = rates;
    let way = |rates: &[f64]| {
        let ratios: Vec<f64> = rates
            .iter()
            .zip(&rates_of_loop)
            .map(|(r, l)| r / l)
            .collect();
        let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let high = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Way {
            rate: median(rates.to_vec()),
            ratio: median(ratios),
            range: (low, high),
        }
    };
    Ok(Bulk {
        hand_written: median(rates_of_loop.clone()),
        one_task: way(&one_task),
        generated: way(&generated),
        delete_many: way(&delete_many),
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

/// The same requests as futures in one task, `concurrency` at a time.
async fn one_task(
    client: reqwest::Client,
    base_url: Arc<str>,
    ids: usize,
    concurrency: usize,
) -> Result<Duration, String> {
    let started = Instant::now();
    let mut deletes = futures::stream::iter(0..ids)
        .map(|i| {
            let (client, base_url) = (&client, &base_url);
            async move { raw_delete(client, base_url, &format!("img-{i}")).await }
        })
        .buffer_unordered(concurrency);
    while let Some(result) = deletes.next().await {
        result?;
    }
    Ok(started.elapsed())
}

/// The bare generated client, in the same shape.
async fn with_generated(
    client: onetsolutions::Client,
    ids: usize,
    concurrency: usize,
) -> Result<Duration, String> {
    let started = Instant::now();
    let mut deletes = futures::stream::iter(0..ids)
        .map(|i| {
            let client = &client;
            async move { generated_delete(client, &format!("img-{i}")).await }
        })
        .buffer_unordered(concurrency);
    while let Some(result) = deletes.next().await {
        result?;
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
