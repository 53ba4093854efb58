//! Figure 1 with criterion: the latency of one delete on loopback, sent by
//! hand with reqwest, by the bare generated client, and by the layered
//! client (credentials, error classification, retry policy and limiter all
//! on, none triggered), against the same minimal 204 server.
//!
//! `cargo bench --bench latency`. Criterion writes each median to
//! `target/criterion/single_delete/<name>/new/estimates.json`;
//! `examples/bench_report.rs` reads them back and prints layered / raw.
//! The ratio to trust on a shared machine is the report's own, which takes
//! the three ways in turns.

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/clients.rs"]
mod clients;
#[path = "support/server.rs"]
mod server;

use clients::{generated_delete, generous_limit, layered_client, raw_client, raw_delete};
use server::NoContentServer;

fn single_delete(c: &mut Criterion) {
    let server = NoContentServer::start();
    let base_url = server.base_url().to_owned();

    // One client thread, as a sequential caller has; the server has its own.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");

    let raw = raw_client();
    let layered = layered_client(&base_url, generous_limit());
    let images = layered.images(clients::ORGANIZATION, clients::PROJECT);

    let mut group = c.benchmark_group("single_delete");
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&runtime)
            .iter(|| async { raw_delete(&raw, &base_url, "img-1").await.unwrap() })
    });
    group.bench_function("generated", |b| {
        b.to_async(&runtime)
            .iter(|| async { generated_delete(&layered, "img-1").await.unwrap() })
    });
    group.bench_function("layered", |b| {
        b.to_async(&runtime)
            .iter(|| async { images.delete("img-1").await.unwrap() })
    });
    // Raw again, last: criterion measures one way after another, so on a
    // shared machine load can drift between them; the two raw figures
    // bracket the others and show how much.
    group.bench_function("raw_reqwest_again", |b| {
        b.to_async(&runtime)
            .iter(|| async { raw_delete(&raw, &base_url, "img-1").await.unwrap() })
    });
    group.finish();
}

criterion_group!(benches, single_delete);
criterion_main!(benches);
