//! Every scripted fault of the sandbox, checked on the wire.
//!
//! Faults whose bytes matter (a closed connection, a short body, a 204 with a
//! body) are read over a raw socket; the others through reqwest.

mod sandbox_support;

use std::time::{Duration, SystemTime};

use onetsolutions::sandbox::{Fault, Sandbox, DEMO_TOKEN};
use sandbox_support::{client, delete, demo, json_body, path, raw_delete, request_id, url};
use sandbox_support::{with_images, ORG, PROJECT};

fn remains(sandbox: &Sandbox, id: &str) -> bool {
    sandbox.images().iter().any(|image| image.id() == id)
}

// ---- statuses and Retry-After

#[tokio::test]
async fn a_status_fault_answers_once_with_json_then_the_api_behaves() {
    let sandbox = demo().await;
    sandbox.push_fault(Fault::status(503));

    let failed = delete(&sandbox, "img-1").await;
    assert_eq!(failed.status(), 503);
    request_id(&failed);
    let body = json_body(failed).await;
    assert_eq!(body["code"], "service_unavailable");
    assert!(body["message"].is_string());
    assert!(remains(&sandbox, "img-1"), "a plain fault has no effect");

    assert_eq!(sandbox.pending_faults(), 0);
    assert_eq!(delete(&sandbox, "img-1").await.status(), 204);

    let faults: Vec<_> = sandbox.requests().iter().map(|r| r.fault).collect();
    assert_eq!(faults, [Some("status"), None]);
}

#[tokio::test]
async fn faults_act_before_authentication() {
    let sandbox = demo().await;
    sandbox.push_fault(Fault::status(502));

    let response = client()
        .delete(url(&sandbox, "img-1"))
        .send()
        .await
        .unwrap();

    assert_eq!(
        response.status(),
        502,
        "a proxy answers before the API checks tokens"
    );
}

#[tokio::test]
async fn faults_can_target_one_image_repeat_or_last_forever() {
    let sandbox = demo().await;
    sandbox.push_fault(Fault::status(500).for_image("img-busy").times(2));
    sandbox.push_fault(Fault::status(418).for_image("ubuntu-24.04").forever());

    let mut statuses = Vec::new();
    for id in [
        "img-busy",
        "img-1",
        "img-busy",
        "img-busy",
        "ubuntu-24.04",
        "ubuntu-24.04",
    ] {
        statuses.push(delete(&sandbox, id).await.status().as_u16());
    }

    assert_eq!(statuses, [500, 204, 500, 409, 418, 418]);
    assert_eq!(sandbox.pending_faults(), 1);
    sandbox.clear_faults();
    assert_eq!(delete(&sandbox, "ubuntu-24.04").await.status(), 403);
}

#[tokio::test]
async fn faults_queued_by_the_builder_match_decoded_ids() {
    let sandbox = Sandbox::builder()
        .seed(onetsolutions::sandbox::Seed::demo())
        .fault(Fault::status(504).for_image("a/b"))
        .start()
        .await
        .unwrap();

    assert_eq!(delete(&sandbox, "a%2Fb").await.status(), 504);
    assert_eq!(delete(&sandbox, "a%2Fb").await.status(), 404);
}

#[tokio::test]
async fn rate_limited_sends_retry_after_in_seconds() {
    let sandbox = demo().await;
    sandbox.push_fault(Fault::rate_limited(Duration::from_secs(7)));

    let response = delete(&sandbox, "img-1").await;

    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
    assert_eq!(json_body(response).await["code"], "too_many_requests");
}

#[tokio::test]
async fn retry_after_can_be_an_http_date() {
    let sandbox = demo().await;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(4_102_444_800); // 2100-01-01
    sandbox.push_fault(Fault::retry_after_date(503, at));
    sandbox.push_fault(Fault::retry_after_date(429, at));

    for status in [503, 429] {
        let response = delete(&sandbox, "img-1").await;
        assert_eq!(response.status(), status);
        let value = response.headers()["retry-after"].to_str().unwrap();
        assert_eq!(value, "Fri, 01 Jan 2100 00:00:00 GMT");
        assert_eq!(httpdate::parse_http_date(value).unwrap(), at);
    }
}

#[tokio::test]
async fn retry_after_can_be_garbage_negative_or_huge() {
    let sandbox = demo().await;
    let values = ["soon", "-5", "99999999", "1.5", ""];
    values
        .iter()
        .for_each(|v| sandbox.push_fault(Fault::retry_after(429, *v)));

    for value in values {
        let response = delete(&sandbox, "img-1").await;
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["retry-after"], value);
    }
}

// ---- slow answers, on tokio's paused clock

#[tokio::test(start_paused = true)]
async fn a_slow_answer_waits_then_behaves_as_documented() {
    let sandbox = demo().await;
    sandbox.push_fault(Fault::slow(Duration::from_secs(30)));

    let started = tokio::time::Instant::now();
    let response = delete(&sandbox, "img-1").await;

    assert_eq!(response.status(), 204);
    assert!(started.elapsed() >= Duration::from_secs(30));
    assert_eq!(sandbox.requests()[0].fault, Some("slow"));
}

#[tokio::test(start_paused = true)]
async fn a_client_that_gives_up_on_a_slow_answer_leaves_the_image() {
    let sandbox = demo().await;
    sandbox.push_fault(Fault::slow(Duration::from_secs(30)));
    let impatient = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();

    let started = tokio::time::Instant::now();
    let error = impatient
        .delete(url(&sandbox, "img-1"))
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(5) && waited < Duration::from_secs(30));

    // Once the server notices the hang-up, the delay stops with the request.
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert!(remains(&sandbox, "img-1"));
}

#[tokio::test(start_paused = true)]
async fn an_applied_slow_answer_deletes_before_the_client_gives_up() {
    let sandbox = demo().await;
    sandbox.push_fault(Fault::slow(Duration::from_secs(30)).applied());
    let impatient = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();

    let sent = impatient
        .delete(url(&sandbox, "img-1"))
        .bearer_auth(DEMO_TOKEN);
    assert!(sent.send().await.unwrap_err().is_timeout());
    assert!(
        !remains(&sandbox, "img-1"),
        "the outcome was unknown to the client"
    );

    // The retry a careful client makes learns it only from a 404.
    assert_eq!(delete(&sandbox, "img-1").await.status(), 404);
}

// ---- faults on the wire

#[tokio::test]
async fn close_before_response_sends_nothing() {
    let sandbox = demo().await;
    sandbox.push_fault(Fault::close_before_response());
    sandbox.push_fault(Fault::close_before_response());

    let raw = raw_delete(sandbox.local_addr(), &path(ORG, PROJECT, "img-1")).await;
    assert!(raw.bytes.is_empty(), "{:?}", raw.text());

    let error = delete_error(&sandbox, "img-1").await;
    assert!(!error.is_timeout() && error.status().is_none(), "{error:?}");

    assert!(remains(&sandbox, "img-1"));
    let logged = sandbox.requests();
    assert_eq!(logged.len(), 2);
    assert!(logged.iter().all(|r| r.status.is_none()));
    assert!(logged
        .iter()
        .all(|r| r.fault == Some("close-before-response")));
}

#[tokio::test]
async fn an_applied_close_deletes_and_still_sends_nothing() {
    let sandbox = demo().await;
    sandbox.push_fault(Fault::close_before_response().applied());

    let raw = raw_delete(sandbox.local_addr(), &path(ORG, PROJECT, "img-1")).await;

    assert!(raw.bytes.is_empty());
    assert!(!remains(&sandbox, "img-1"));
}

#[tokio::test]
async fn a_truncated_body_promises_more_than_it_sends() {
    let sandbox = demo().await;
    sandbox.push_fault(Fault::truncated_body(500));
    sandbox.push_fault(Fault::truncated_body(500));

    let raw = raw_delete(sandbox.local_addr(), &path(ORG, PROJECT, "img-1")).await;
    let (head, body) = raw.split();
    assert!(head.starts_with("HTTP/1.1 500 "), "{head}");
    let promised: usize = raw.header("content-length").unwrap().parse().unwrap();
    assert!(
        !body.is_empty() && body.len() < promised,
        "{} of {promised}",
        body.len()
    );
    assert!(raw.header("x-request-id").is_some());

    // A client sees the status, then fails reading the body.
    let response = delete(&sandbox, "img-1").await;
    assert_eq!(response.status(), 500);
    assert!(response.bytes().await.is_err());

    assert!(remains(&sandbox, "img-1"));
    assert_eq!(sandbox.requests()[0].status, Some(500));
}

#[tokio::test]
async fn a_204_can_carry_a_body() {
    let sandbox = demo().await;
    sandbox.push_fault(Fault::no_content_with_body());

    let raw = raw_delete(sandbox.local_addr(), &path(ORG, PROJECT, "img-1")).await;

    let (head, body) = raw.split();
    assert!(head.starts_with("HTTP/1.1 204 "), "{head}");
    assert_eq!(
        raw.header("content-length").unwrap(),
        body.len().to_string()
    );
    assert!(body.starts_with(b"{\"message\""), "{:?}", raw.text());
    assert!(
        !remains(&sandbox, "img-1"),
        "it is still a successful delete"
    );
    assert_eq!(sandbox.requests()[0].status, Some(204));
}

#[tokio::test]
async fn success_faults_leave_refusals_alone() {
    let sandbox = demo().await;
    sandbox.push_fault(Fault::no_content_with_body());
    sandbox.push_fault(Fault::ok_with_json());

    assert_eq!(delete(&sandbox, "img-busy").await.status(), 409);
    assert_eq!(delete(&sandbox, "img-busy").await.status(), 409);
    assert_eq!(sandbox.pending_faults(), 0);
}

#[tokio::test]
async fn ok_with_json_deletes_and_answers_200() {
    let sandbox = demo().await;
    sandbox.push_fault(Fault::ok_with_json());

    let response = delete(&sandbox, "img-1").await;

    assert_eq!(response.status(), 200);
    assert_eq!(json_body(response).await["deleted"], true);
    assert!(!remains(&sandbox, "img-1"));
}

#[tokio::test]
async fn a_proxy_error_page_is_html() {
    let sandbox = demo().await;
    sandbox.push_fault(Fault::html_error(502));

    let response = delete(&sandbox, "img-1").await;

    assert_eq!(response.status(), 502);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    request_id(&response);
    let page = response.text().await.unwrap();
    assert!(
        page.starts_with("<html>") && page.contains("502 Bad Gateway"),
        "{page}"
    );
}

#[tokio::test]
async fn a_redirect_points_at_another_host_and_a_trap_sees_who_follows() {
    // The trap listens on another loopback address, so another host.
    let trap = Sandbox::builder()
        .listen("127.0.0.2:0".parse().unwrap())
        .start()
        .await
        .unwrap();
    let elsewhere = format!("{}{}", trap.base_url(), path(ORG, PROJECT, "img-1"));
    let sandbox = with_images(&["img-1"]).await;
    sandbox.push_fault(Fault::redirect(307, &elsewhere).times(2));

    let response = delete(&sandbox, "img-1").await;
    assert_eq!(response.status(), 307);
    assert_eq!(response.headers()["location"], elsewhere.as_str());
    assert!(trap.requests().is_empty());

    // A client that follows redirects reaches the trap; reqwest drops the
    // Authorization header when the host changes.
    let follows = reqwest::Client::builder().no_proxy().build().unwrap();
    let sent = follows
        .delete(url(&sandbox, "img-1"))
        .bearer_auth(DEMO_TOKEN);
    assert_eq!(sent.send().await.unwrap().status(), 401);

    let arrived = trap.requests();
    assert_eq!(arrived.len(), 1);
    assert_eq!(arrived[0].method, "DELETE");
    assert!(!arrived[0].has_authorization());
    assert!(remains(&sandbox, "img-1"));
}

#[tokio::test]
async fn a_large_body_is_streamed_to_its_full_length() {
    const LEN: u64 = 100 * 1024 * 1024;
    let sandbox = demo().await;
    sandbox.push_fault(Fault::large_body(502, LEN));
    let peak_before = peak_memory();

    let mut response = delete(&sandbox, "img-1").await;
    assert_eq!(response.status(), 502);
    assert_eq!(
        response.headers()["content-length"],
        LEN.to_string().as_str()
    );
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );

    let mut received = 0_u64;
    while let Some(chunk) = response.chunk().await.unwrap() {
        received += chunk.len() as u64;
    }
    assert_eq!(received, LEN);

    // Neither side held the page: the process's peak grew far less than it.
    if let (Some(before), Some(after)) = (peak_before, peak_memory()) {
        assert!(
            after - before < LEN / 4,
            "peak memory grew {} bytes",
            after - before
        );
    }
}

/// The peak resident memory of this process, where the system tells it.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

async fn delete_error(sandbox: &Sandbox, raw_id: &str) -> reqwest::Error {
    let sent = client()
        .delete(url(sandbox, raw_id))
        .bearer_auth(DEMO_TOKEN);
    sent.send().await.unwrap_err()
}
