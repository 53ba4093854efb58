//! Every error kind, produced by a real response, refused connection or timeout.

mod common;

use std::time::Duration;

use common::{client, image_path, TOKEN};
use httpmock::prelude::*;
use onetsolutions::{Client, Credentials, Deletion, ErrorKind, RetryPolicy};

async fn answered(status: u16, content_type: &str, body: &str) -> onetsolutions::Error {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path(image_path("o", "p", "i"));
            then.status(status)
                .header("content-type", content_type)
                .header("x-request-id", "req-42")
                .body(body);
        })
        .await;
    client(&server.base_url())
        .images("o", "p")
        .delete("i")
        .await
        .unwrap_err()
}

#[tokio::test]
async fn documented_statuses_carry_kind_message_and_request_id() {
    let json = "application/json";
    for (status, kind) in [
        (401, ErrorKind::Unauthorized),
        (403, ErrorKind::Forbidden),
        (404, ErrorKind::NotFound),
        (409, ErrorKind::InUse),
    ] {
        let error = answered(status, json, r#"{"message":"Told by the server"}"#).await;
        assert_eq!(error.kind(), kind, "{status}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.message(), Some("Told by the server"));
        assert_eq!(error.request_id(), Some("req-42"));
        assert_eq!(error.operation(), Some("delete_image"));
        assert!(!error.is_retryable(), "{status}");
        let line = error.to_string();
        assert!(!line.contains('\n'));
        assert!(
            line.contains(&status.to_string()) && line.contains(kind.as_str()),
            "{line}"
        );
    }
}

#[tokio::test]
async fn undocumented_statuses_are_classified() {
    let rate_limited = answered(429, "application/json", r#"{"detail":"slow down"}"#).await;
    assert!(rate_limited.is_rate_limited() && rate_limited.is_retryable());
    assert_eq!(rate_limited.message(), Some("slow down"));

    let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let proxy = answered(502, "text/html", page).await;
    assert_eq!(proxy.kind(), ErrorKind::Server);
    assert_eq!(proxy.message(), Some("502 Bad Gateway"));
    assert!(proxy.is_retryable());

    let teapot = answered(418, "text/plain", "short and stout").await;
    assert_eq!(teapot.kind(), ErrorKind::UnexpectedResponse);
    assert_eq!(teapot.message(), Some("short and stout"));

    let garbage = answered(500, "application/json", "{\"message\": \u{1}\u{2}").await;
    assert_eq!(garbage.kind(), ErrorKind::Server);
}

#[tokio::test]
async fn retry_after_is_read_from_429() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(DELETE);
            then.status(429).header("retry-after", "17");
        })
        .await;
    let error = client(&server.base_url())
        .images("o", "p")
        .delete("i")
        .await
        .unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(17)));
}

#[tokio::test]
async fn any_success_status_means_deleted() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(DELETE);
            then.status(200)
                .json_body(serde_json::json!({"id": "i", "deleted": true}));
        })
        .await;
    let images = client(&server.base_url()).images("o", "p");
    images.delete("i").await.unwrap();
    assert_eq!(
        images.delete_if_exists("i").await.unwrap(),
        Deletion::Deleted
    );
}

#[tokio::test]
async fn delete_if_exists_counts_404_as_absent_only() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path(image_path("o", "p", "gone"));
            then.status(404);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path(image_path("o", "p", "busy"));
            then.status(409);
        })
        .await;
    let images = client(&server.base_url()).images("o", "p");
    assert_eq!(
        images.delete_if_exists("gone").await.unwrap(),
        Deletion::AlreadyAbsent
    );
    assert!(images
        .delete_if_exists("busy")
        .await
        .unwrap_err()
        .is_in_use());
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);

    let error = client(&format!("http://127.0.0.1:{port}"))
        .images("o", "p")
        .delete("i")
        .await
        .unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    assert!(error.is_retryable());
    assert!(std::error::Error::source(&error).is_some());
    assert!(!format!("{error:?}").contains(TOKEN));
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(DELETE);
            then.status(204).delay(Duration::from_millis(400));
        })
        .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(TOKEN).unwrap())
        .timeout(Duration::from_millis(100))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = client.images("o", "p").delete("i").await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.to_string(), "delete_image: timeout");
}

#[tokio::test]
async fn an_answer_that_is_not_http_is_an_unexpected_response() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 1024];
        let _ = socket.read(&mut request).await;
        socket.write_all(b"NOT HTTP AT ALL\r\n\r\n").await.unwrap();
    });

    let error = client(&format!("http://127.0.0.1:{port}"))
        .images("o", "p")
        .delete("i")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnexpectedResponse, "{error:?}");
    assert!(!error.is_retryable());
    server.await.unwrap();
}
