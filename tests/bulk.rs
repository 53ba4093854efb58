//! Bulk deletion: one outcome per id, bounded memory, cancellation by drop.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{client, image_path};
use futures::stream::{self, StreamExt};
use httpmock::prelude::*;
use onetsolutions::{BulkOptions, Deletion, ErrorKind};

#[tokio::test]
async fn yields_one_outcome_per_id() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path(image_path("o", "p", "absent"));
            then.status(404);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path(image_path("o", "p", "busy"));
            then.status(409).body(r#"{"message":"in use by vm-1"}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path_prefix(image_path("o", "p", "img-"));
            then.status(204);
        })
        .await;

    let mut ids: Vec<String> = (0..20).map(|i| format!("img-{i}")).collect();
    ids.extend(["absent".into(), "busy".into(), "..".into()]);
    let images = client(&server.base_url()).images("o", "p");
    let outcomes: Vec<_> = images
        .delete_many(stream::iter(ids), BulkOptions::default().concurrency(4))
        .collect()
        .await;

    assert_eq!(outcomes.len(), 23);
    let deleted = outcomes
        .iter()
        .filter(|o| matches!(o.result, Ok(Deletion::Deleted)))
        .count();
    assert_eq!(deleted, 20);
    let by_id = |id: &str| outcomes.iter().find(|o| o.id == id).unwrap();
    assert_eq!(
        by_id("absent").result.as_ref().unwrap(),
        &Deletion::AlreadyAbsent
    );
    let busy = by_id("busy").result.as_ref().unwrap_err();
    assert_eq!(busy.kind(), ErrorKind::InUse);
    assert_eq!(busy.message(), Some("in use by vm-1"));
    assert!(by_id("..").result.as_ref().unwrap_err().is_invalid_input());
}

#[tokio::test]
async fn absent_can_be_a_failure() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(DELETE);
            then.status(404);
        })
        .await;
    let images = client(&server.base_url()).images("o", "p");
    let outcomes: Vec<_> = images
        .delete_many(
            stream::iter(vec!["x".to_string()]),
            BulkOptions::default().absent_is_done(false),
        )
        .collect()
        .await;
    assert!(outcomes[0].result.as_ref().unwrap_err().is_not_found());
}

#[tokio::test]
async fn pulls_ids_only_as_room_frees_up() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(DELETE);
            then.status(204).delay(Duration::from_millis(2));
        })
        .await;

    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = pulled.clone();
    let ids = stream::iter(0..100_000).map(move |i| {
        counter.fetch_add(1, Ordering::SeqCst);
        format!("img-{i}")
    });
    let images = client(&server.base_url()).images("o", "p");
    let mut outcomes = Box::pin(images.delete_many(ids, BulkOptions::default().concurrency(4)));

    let mut done = 0;
    let mut most_in_flight = 0;
    while let Some(outcome) = outcomes.next().await {
        outcome.result.unwrap();
        done += 1;
        most_in_flight = most_in_flight.max(pulled.load(Ordering::SeqCst) - done);
        if done == 200 {
            break;
        }
    }
    // Stopping after 200 outcomes pulled no more than the in-flight window.
    assert!(
        most_in_flight <= 4,
        "{most_in_flight} ids were held at once"
    );
    assert!(pulled.load(Ordering::SeqCst) <= 204);
}

#[tokio::test]
async fn dropping_the_stream_cancels_what_is_in_flight() {
    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|when, then| {
            when.method(DELETE);
            then.status(204).delay(Duration::from_millis(300));
        })
        .await;

    let images = client(&server.base_url()).images("o", "p");
    let ids = stream::iter((0..1000).map(|i| format!("img-{i}")));
    let mut outcomes = Box::pin(images.delete_many(ids, BulkOptions::default().concurrency(8)));
    // Poll once so that the first eight requests are sent, then give up.
    let first = tokio::time::timeout(Duration::from_millis(50), outcomes.next()).await;
    assert!(first.is_err(), "nothing can finish within 50 ms");
    drop(outcomes);

    tokio::time::sleep(Duration::from_millis(500)).await;
    let calls = slow.calls_async().await;
    assert!(
        calls <= 8,
        "{calls} requests arrived after the stream was dropped"
    );
}
