//! Figure 1, quick version: single-delete latency on loopback, the three
//! ways interleaved so that the noise of a shared machine falls on all three.

use std::time::{Duration, Instant};

use crate::clients::{
    self, generated_delete, generous_limit, layered_client, raw_client, raw_delete,
};
use crate::server::NoContentServer;

/// The median latency of each way of sending a delete.
pub struct Latency {
    pub raw: Duration,
    pub generated: Duration,
    pub layered: Duration,
}

/// Sends `iterations` deletes each way, after a warm-up, taking turns.
pub fn measure(iterations: usize) -> Result<Latency, String> {
    let server = NoContentServer::start();
    let base_url = server.base_url().to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;

    let raw = raw_client();
    let layered = layered_client(&base_url, generous_limit());
    let images = layered.images(clients::ORGANIZATION, clients::PROJECT);

    runtime.block_on(async {
        let mut times: [Vec<Duration>; 3] = Default::default();
        let warm_up = (iterations / 10).max(50);

        for i in 0..warm_up + iterations {
            // Rotate who goes first, so that no way always follows another.
            for turn in 0..3 {
                let way = (i + turn) % 3;
                let started = Instant::now();
                match way {
                    0 => raw_delete(&raw, &base_url, "img-1").await?,
                    1 => generated_delete(&layered, "img-1").await?,
                    _ => images.delete("img-1").await.map_err(|e| e.to_string())?,
                }
                if i >= warm_up {
                    times[way].push(started.elapsed());
                }
            }
        }

        let [raw, generated, layered] = times.map(median);
        Ok(Latency {
            raw,
            generated,
            layered,
        })
    })
}

/// The middle value; the mean of the two middle ones for an even count.
pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => Duration::ZERO,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2,
    }
}
