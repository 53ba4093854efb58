//! The sandbox's rate limiter over HTTP, on tokio's paused clock: time only
//! moves when a test advances it, so every `Retry-After` is exact.

mod sandbox_support;

use std::time::Duration;

use onetsolutions::sandbox::{RateLimit, Sandbox, Seed, Token, DEMO_TOKEN};
use sandbox_support::{client, demo, json_body, url, ORG};
use tokio::time::advance;

/// `count` deletes of an unknown image with `token`, and their statuses.
async fn burst(sandbox: &Sandbox, client: &reqwest::Client, token: &str, count: usize) -> Vec<u16> {
    let mut statuses = Vec::with_capacity(count);
    for _ in 0..count {
        let sent = client.delete(url(sandbox, "img-none")).bearer_auth(token);
        statuses.push(sent.send().await.unwrap().status().as_u16());
    }
    statuses
}

async fn limited(limit: RateLimit) -> Sandbox {
    let builder = Sandbox::builder().seed(Seed::demo()).rate_limit(limit);
    let builder = builder.token(Token::new("sk-other").organization(ORG));
    builder.start().await.unwrap()
}

#[tokio::test(start_paused = true)]
async fn off_by_default() {
    let sandbox = demo().await;
    let statuses = burst(&sandbox, &client(), DEMO_TOKEN, 150).await;
    assert!(statuses.iter().all(|s| *s == 404), "{statuses:?}");
}

#[tokio::test(start_paused = true)]
async fn the_per_second_window_answers_429_with_retry_after() {
    let sandbox = limited(RateLimit::new(3, 0)).await;
    let client = client();

    assert_eq!(burst(&sandbox, &client, DEMO_TOKEN, 3).await, [404; 3]);

    advance(Duration::from_millis(300)).await;
    let refused = client
        .delete(url(&sandbox, "img-1"))
        .bearer_auth(DEMO_TOKEN);
    let refused = refused.send().await.unwrap();
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "1", "0.7 s rounds up");
    assert!(refused.headers().contains_key("x-request-id"));
    let body = json_body(refused).await;
    assert_eq!(body["code"], "rate_limited");
    assert!(
        sandbox.images().iter().any(|i| i.id() == "img-1"),
        "a 429 has no effect"
    );

    advance(Duration::from_millis(700)).await;
    assert_eq!(burst(&sandbox, &client, DEMO_TOKEN, 3).await, [404; 3]);
}

#[tokio::test(start_paused = true)]
async fn the_documented_limits_are_100_a_second_and_1000_a_minute() {
    let sandbox = limited(RateLimit::documented()).await;
    let client = client();

    // Ten full seconds of bursts fill the minute.
    for second in 0..10 {
        let statuses = burst(&sandbox, &client, DEMO_TOKEN, 101).await;
        assert_eq!(statuses[..100], [404; 100], "second {second}");
        assert_eq!(statuses[100], 429, "second {second}");
        advance(Duration::from_secs(1)).await;
    }

    // At t = 10 s the oldest of the 1000 leaves the window at t = 60 s.
    let refused = client
        .delete(url(&sandbox, "img-1"))
        .bearer_auth(DEMO_TOKEN);
    let refused = refused.send().await.unwrap();
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "50");

    advance(Duration::from_secs(50)).await;
    assert_eq!(
        burst(&sandbox, &client, DEMO_TOKEN, 101).await[..100],
        [404; 100]
    );
}

#[tokio::test(start_paused = true)]
async fn each_token_has_its_own_windows() {
    let sandbox = limited(RateLimit::new(2, 0)).await;
    let client = client();

    assert_eq!(
        burst(&sandbox, &client, DEMO_TOKEN, 3).await,
        [404, 404, 429]
    );
    assert_eq!(
        burst(&sandbox, &client, "sk-other", 3).await,
        [404, 404, 429]
    );
}

#[tokio::test(start_paused = true)]
async fn authentication_comes_before_the_limiter() {
    let sandbox = limited(RateLimit::new(1, 0)).await;
    let client = client();

    assert_eq!(burst(&sandbox, &client, DEMO_TOKEN, 2).await, [404, 429]);
    assert_eq!(burst(&sandbox, &client, "sk-unknown", 3).await, [401; 3]);
    let anonymous = client.delete(url(&sandbox, "img-1")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test(start_paused = true)]
async fn a_seed_can_switch_the_limiter_on() {
    let seed = Seed::from_json(
        r#"{"tokens": [{"token": "sk-seeded", "organizations": ["org-1"]}],
            "rate_limit": {"per_second": 0, "per_minute": 2}}"#,
    )
    .unwrap();
    let sandbox = Sandbox::builder().seed(seed).start().await.unwrap();
    let client = client();

    assert_eq!(
        burst(&sandbox, &client, "sk-seeded", 3).await,
        [404, 404, 429]
    );
    advance(Duration::from_secs(59)).await;
    let refused = client.delete(url(&sandbox, "x")).bearer_auth("sk-seeded");
    assert_eq!(refused.send().await.unwrap().headers()["retry-after"], "1");
}
