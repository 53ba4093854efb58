//! What the client logs: one span per request with its facts, never a secret.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{image_path, TOKEN};
use httpmock::prelude::*;
use onetsolutions::{Client, Credentials, RateLimit, RetryPolicy};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn trace_logs_carry_request_facts_and_never_the_token() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path(image_path("o", "p", "ok"));
            then.status(204).header("x-request-id", "req-ok");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path(image_path("o", "p", "denied"));
            then.status(401)
                .header("x-request-id", format!("req-{TOKEN}"))
                .body(format!("token {TOKEN} is not valid here"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path(image_path("o", "p", "flaky"));
            then.status(503).header("x-request-id", "req-503");
        })
        .await;

    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(TOKEN).unwrap())
        .retry(
            RetryPolicy::standard()
                .max_attempts(2)
                .base_delay(Duration::from_millis(1)),
        )
        .rate_limit(RateLimit::documented())
        .build()
        .unwrap();
    let images = client.images("o", "p");
    images.delete("ok").await.unwrap();
    let denied = images.delete("denied").await.unwrap_err();
    let flaky = images.delete("flaky").await.unwrap_err();
    assert_eq!(flaky.attempts(), 2);
    let refused = Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials(Credentials::new(TOKEN).unwrap())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
        .images("o", "p")
        .delete("x")
        .await
        .unwrap_err();

    let logs = captured.text();
    assert!(logs.contains("onetsolutions.request"), "{logs}");
    assert!(logs.contains("operation=\"delete_image\""), "{logs}");
    assert!(logs.contains("image=ok"), "{logs}");
    assert!(logs.contains("status=204"), "{logs}");
    assert!(logs.contains("request_id=\"req-503\""), "{logs}");
    assert!(
        logs.contains("retrying") && logs.contains("max_attempts=2"),
        "{logs}"
    );

    // The server echoed the token in one body; the client redacts it.
    assert_eq!(denied.message(), Some("token <redacted> is not valid here"));
    assert_eq!(denied.request_id(), Some("req-<redacted>"));
    let own_output = [
        logs,
        format!("{denied} {denied:?}"),
        format!("{refused} {refused:?}"),
        format!("{flaky} {flaky:?}"),
        format!("{client:?}"),
    ];
    for text in own_output {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
    }
    assert!(denied.is_unauthorized());
}
