//! Retries, Retry-After and the rate limiter, driven through the real client
//! against the sandbox's scripted faults. The clock is paused: waits of
//! seconds take no real time, and every duration below is exact.

use std::time::{Duration, SystemTime};

use onetsolutions::sandbox::{Fault, Image, Sandbox, Token};
use onetsolutions::{Client, Credentials, Deletion, ErrorKind, RateLimit, RetryPolicy};
use tokio::time::Instant;

const TOKEN: &str = "sk-onetsolutions-retry-tests";
const ORG: &str = "org-r";
const PROJECT: &str = "proj-r";

async fn sandbox(ids: &[&str]) -> Sandbox {
    let mut builder = Sandbox::builder().token(Token::new(TOKEN).organization(ORG));
    for id in ids {
        builder = builder.image(Image::private(ORG, PROJECT, *id));
    }
    builder.start().await.unwrap()
}

fn client(sandbox: &Sandbox, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(sandbox.base_url())
        .credentials(Credentials::new(TOKEN).unwrap())
        .retry(policy)
        .rate_limit(RateLimit::disabled())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn attempts(sandbox: &Sandbox) -> usize {
    sandbox.requests().len()
}

fn remains(sandbox: &Sandbox, id: &str) -> bool {
    sandbox.images().iter().any(|image| image.id() == id)
}

#[tokio::test(start_paused = true)]
async fn server_errors_are_retried_until_success() {
    let sandbox = sandbox(&["img"]).await;
    sandbox.push_fault(Fault::status(503).times(2));
    sandbox.push_fault(Fault::status(500));

    let images = client(&sandbox, RetryPolicy::standard()).images(ORG, PROJECT);
    assert_eq!(
        images.delete_if_exists("img").await.unwrap(),
        Deletion::Deleted
    );
    assert_eq!(attempts(&sandbox), 4);
    assert!(!remains(&sandbox, "img"));
}

#[tokio::test(start_paused = true)]
async fn when_attempts_run_out_the_error_keeps_its_kind_and_count() {
    let sandbox = sandbox(&["img"]).await;
    sandbox.push_fault(Fault::status(503).forever());

    let images = client(&sandbox, RetryPolicy::standard().max_attempts(3)).images(ORG, PROJECT);
    let error = images.delete("img").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Server);
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.attempts(), 3);
    assert!(
        error.to_string().ends_with("after 3 attempts")
            || error.to_string().contains("after 3 attempts")
    );
    assert_eq!(attempts(&sandbox), 3);
}

#[tokio::test(start_paused = true)]
async fn client_errors_are_never_retried() {
    let sandbox = Sandbox::builder()
        .token(Token::new(TOKEN).organization(ORG))
        .image(Image::private(ORG, PROJECT, "busy").in_use())
        .image(Image::public(ORG, PROJECT, "ubuntu"))
        .start()
        .await
        .unwrap();
    let images = client(&sandbox, RetryPolicy::standard()).images(ORG, PROJECT);
    for (id, kind) in [
        ("busy", ErrorKind::InUse),
        ("ubuntu", ErrorKind::Forbidden),
        ("missing", ErrorKind::NotFound),
    ] {
        let error = images.delete(id).await.unwrap_err();
        assert_eq!(error.kind(), kind);
        assert_eq!(error.attempts(), 1);
    }
    let stranger = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(Credentials::new("sk-onetsolutions-unknown").unwrap())
        .build()
        .unwrap();
    let error = stranger
        .images(ORG, PROJECT)
        .delete("busy")
        .await
        .unwrap_err();
    assert!(error.is_unauthorized());
    assert_eq!(attempts(&sandbox), 4);
}

#[tokio::test(start_paused = true)]
async fn retry_after_in_seconds_is_a_floor_for_the_wait() {
    let sandbox = sandbox(&["img"]).await;
    sandbox.push_fault(Fault::rate_limited(Duration::from_secs(7)));

    let images = client(&sandbox, RetryPolicy::standard()).images(ORG, PROJECT);
    let started = Instant::now();
    images.delete("img").await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(7),
        "{:?}",
        started.elapsed()
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(attempts(&sandbox), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_as_an_http_date_is_honoured() {
    let sandbox = sandbox(&["img"]).await;
    let at = SystemTime::now() + Duration::from_secs(20);
    sandbox.push_fault(Fault::retry_after_date(503, at));

    let images = client(&sandbox, RetryPolicy::standard()).images(ORG, PROJECT);
    let started = Instant::now();
    images.delete("img").await.unwrap();
    // The date has one-second resolution and the wall clock runs on.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(18) && waited <= Duration::from_secs(21),
        "{waited:?}"
    );
    assert_eq!(attempts(&sandbox), 2);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_past_the_cap_stops_at_once() {
    let sandbox = sandbox(&["img"]).await;
    sandbox.push_fault(Fault::retry_after(429, "99999999"));

    let images = client(&sandbox, RetryPolicy::standard()).images(ORG, PROJECT);
    let started = Instant::now();
    let error = images.delete("img").await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(99_999_999)));
    assert_eq!(error.attempts(), 1);
    assert!(remains(&sandbox, "img"));
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_past_the_budget_stops_at_once() {
    let sandbox = sandbox(&["img"]).await;
    sandbox.push_fault(Fault::rate_limited(Duration::from_secs(40)));

    let policy = RetryPolicy::standard().budget(Duration::from_secs(30));
    let error = client(&sandbox, policy)
        .images(ORG, PROJECT)
        .delete("img")
        .await
        .unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(40)));
    assert_eq!(attempts(&sandbox), 1);
}

#[tokio::test(start_paused = true)]
async fn garbage_or_huge_retry_after_values_never_panic() {
    let sandbox = sandbox(&["a", "b", "c"]).await;
    sandbox.push_fault(Fault::retry_after(429, "soon").for_image("a"));
    sandbox.push_fault(Fault::retry_after(503, "-5").for_image("b"));
    sandbox.push_fault(Fault::retry_after(429, "99999999999999999999999999").for_image("c"));

    let images = client(&sandbox, RetryPolicy::standard()).images(ORG, PROJECT);
    images.delete("a").await.unwrap();
    images.delete("b").await.unwrap();
    let huge = images.delete("c").await.unwrap_err();
    assert_eq!(huge.retry_after(), Some(Duration::from_secs(u64::MAX)));
    assert_eq!(attempts(&sandbox), 5);
}

#[tokio::test(start_paused = true)]
async fn a_slow_answer_times_out_and_is_retried() {
    let sandbox = sandbox(&["img"]).await;
    sandbox.push_fault(Fault::slow(Duration::from_secs(60)));

    let images = client(&sandbox, RetryPolicy::standard()).images(ORG, PROJECT);
    assert_eq!(
        images.delete_if_exists("img").await.unwrap(),
        Deletion::Deleted
    );
    assert_eq!(attempts(&sandbox), 2);
}

#[tokio::test(start_paused = true)]
async fn a_404_after_an_unanswered_attempt_is_reported_as_gone_after_retry() {
    let sandbox = sandbox(&["img"]).await;
    // The delete takes effect, but the answer never arrives in time.
    sandbox.push_fault(Fault::slow(Duration::from_secs(60)).applied());

    let images = client(&sandbox, RetryPolicy::standard()).images(ORG, PROJECT);
    assert_eq!(
        images.delete_if_exists("img").await.unwrap(),
        Deletion::GoneAfterRetry
    );
    assert!(!remains(&sandbox, "img"));
    assert_eq!(attempts(&sandbox), 2);
}

#[tokio::test(start_paused = true)]
async fn a_connection_closed_before_the_answer_is_retried() {
    let sandbox = sandbox(&["img", "img2"]).await;
    sandbox.push_fault(Fault::close_before_response().for_image("img"));
    sandbox.push_fault(Fault::close_before_response().applied().for_image("img2"));

    let images = client(&sandbox, RetryPolicy::standard()).images(ORG, PROJECT);
    assert_eq!(
        images.delete_if_exists("img").await.unwrap(),
        Deletion::Deleted
    );
    assert_eq!(
        images.delete_if_exists("img2").await.unwrap(),
        Deletion::GoneAfterRetry
    );
    assert_eq!(attempts(&sandbox), 4);

    let once = client(&sandbox, RetryPolicy::disabled()).images(ORG, PROJECT);
    sandbox.push_fault(Fault::close_before_response());
    let error = once.delete("other").await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    assert!(error.may_have_been_sent());
}

#[tokio::test(start_paused = true)]
async fn a_truncated_error_body_still_gives_the_status() {
    let sandbox = sandbox(&["img"]).await;
    sandbox.push_fault(Fault::truncated_body(503));

    let images = client(&sandbox, RetryPolicy::disabled()).images(ORG, PROJECT);
    let error = images.delete("img").await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert!(error.is_retryable());
}

#[tokio::test(start_paused = true)]
async fn unusual_success_answers_mean_deleted() {
    let sandbox = sandbox(&["a", "b"]).await;
    sandbox.push_fault(Fault::no_content_with_body().applied().for_image("a"));
    sandbox.push_fault(Fault::ok_with_json().applied().for_image("b"));

    let images = client(&sandbox, RetryPolicy::standard()).images(ORG, PROJECT);
    assert_eq!(
        images.delete_if_exists("a").await.unwrap(),
        Deletion::Deleted
    );
    assert_eq!(
        images.delete_if_exists("b").await.unwrap(),
        Deletion::Deleted
    );
    assert_eq!(attempts(&sandbox), 2);
}

#[tokio::test(start_paused = true)]
async fn a_proxy_error_page_becomes_a_short_message_and_is_retried() {
    let sandbox = sandbox(&["img"]).await;
    sandbox.push_fault(Fault::html_error(502).times(2));

    let images = client(&sandbox, RetryPolicy::standard().max_attempts(2)).images(ORG, PROJECT);
    let error = images.delete("img").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Server);
    let message = error.message().unwrap();
    assert!(
        !message.contains('<') && !message.contains('\n'),
        "{message}"
    );
    assert_eq!(error.attempts(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_huge_error_page_is_read_only_up_to_the_bound() {
    let sandbox = sandbox(&["img"]).await;
    sandbox.push_fault(Fault::large_body(500, 100 * 1024 * 1024));

    let images = client(&sandbox, RetryPolicy::disabled()).images(ORG, PROJECT);
    let error = images.delete("img").await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert!(error.message().is_none_or(|m| m.len() <= 1024));
}

#[tokio::test(start_paused = true)]
async fn a_redirect_elsewhere_is_reported_and_the_token_stays_home() {
    let trap = sandbox(&["img"]).await;
    let sandbox = sandbox(&["img"]).await;
    let elsewhere = format!(
        "{}/v1/organizations/{ORG}/projects/{PROJECT}/compute/images/img",
        trap.base_url()
    );
    sandbox.push_fault(Fault::redirect(307, elsewhere));

    let images = client(&sandbox, RetryPolicy::standard()).images(ORG, PROJECT);
    let error = images.delete("img").await.unwrap_err();
    assert_eq!(error.status(), Some(307));
    assert_eq!(error.kind(), ErrorKind::UnexpectedResponse);
    assert_eq!(error.attempts(), 1);
    assert!(trap.requests().is_empty(), "the other host was contacted");
    assert!(remains(&trap, "img"));
}

#[tokio::test(start_paused = true)]
async fn hostile_ids_address_exactly_one_image() {
    let hostile = ["../other", "a/b", "%2e%2e", "?x=1", "#f", "ünï code", "..."];
    let mut all: Vec<&str> = hostile.to_vec();
    all.extend(["other", "a", "b", "x"]);
    let sandbox = sandbox(&all).await;

    let images = client(&sandbox, RetryPolicy::disabled()).images(ORG, PROJECT);
    for id in hostile {
        images
            .delete(id)
            .await
            .unwrap_or_else(|e| panic!("{id:?}: {e}"));
        assert!(!remains(&sandbox, id), "{id:?} was not deleted");
    }
    for bystander in ["other", "a", "b", "x"] {
        assert!(remains(&sandbox, bystander), "{bystander} was deleted");
    }
}

#[tokio::test(start_paused = true)]
async fn the_limiter_keeps_a_bulk_job_under_the_server_limit() {
    let ids: Vec<String> = (0..60).map(|i| format!("img-{i}")).collect();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut builder = Sandbox::builder()
        .token(Token::new(TOKEN).organization(ORG))
        .rate_limit(RateLimit::new(10, 40));
    for id in &id_refs {
        builder = builder.image(Image::private(ORG, PROJECT, *id));
    }
    let sandbox = builder.start().await.unwrap();

    let client = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(Credentials::new(TOKEN).unwrap())
        .retry(RetryPolicy::disabled())
        .rate_limit(RateLimit::new(10, 40))
        .build()
        .unwrap();
    let started = Instant::now();
    let outcomes: Vec<_> =
        futures::StreamExt::collect::<Vec<_>>(client.images(ORG, PROJECT).delete_many(
            futures::stream::iter(ids.clone()),
            onetsolutions::BulkOptions::default().concurrency(8),
        ))
        .await;
    assert!(outcomes.iter().all(|o| o.result.is_ok()));
    let refused = sandbox
        .requests()
        .iter()
        .filter(|r| r.status == Some(429))
        .count();
    assert_eq!(refused, 0);
    // 40 in the first minute (10 a second), the other 20 once it has passed.
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_secs(60) && elapsed < Duration::from_secs(63),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn without_the_limiter_the_same_job_meets_429s() {
    let sandbox = Sandbox::builder()
        .token(Token::new(TOKEN).organization(ORG))
        .rate_limit(RateLimit::new(10, 40))
        .start()
        .await
        .unwrap();
    let naive = client(&sandbox, RetryPolicy::disabled());
    let ids = futures::stream::iter((0..30).map(|i| format!("img-{i}")));
    let outcomes: Vec<_> = futures::StreamExt::collect::<Vec<_>>(
        naive
            .images(ORG, PROJECT)
            .delete_many(ids, onetsolutions::BulkOptions::default().concurrency(8)),
    )
    .await;
    let limited = outcomes
        .iter()
        .filter(|o| o.result.as_ref().is_err_and(|e| e.is_rate_limited()))
        .count();
    assert_eq!(
        limited, 20,
        "10 fit in the first second, the rest are refused"
    );
}
