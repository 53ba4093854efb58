//! Each mocked answer reaches the real client as the error (or success) a
//! user's code would see from the API.
#![cfg(feature = "httpmock")]

mod common;

use std::time::Duration;

use common::client;
use httpmock::MockServer;
use onetsolutions::mock::{DeleteImageThen, ErrorResponse, MockServerExt};
use onetsolutions::ErrorKind;

/// Mocks one answer for image `i` and returns what the client made of it.
async fn delete_answered_by(
    answer: impl FnOnce(DeleteImageThen),
) -> Result<(), onetsolutions::Error> {
    let server = MockServer::start_async().await;
    let mock = server
        .delete_image_async(|when, then| {
            when.organization_id("o").project_id("p").id("i");
            answer(then);
        })
        .await;
    let result = client(&server.base_url())
        .images("o", "p")
        .delete("i")
        .await;
    mock.assert_calls_async(1).await;
    result
}

#[tokio::test]
async fn deleted_is_success() {
    delete_answered_by(|then| then.deleted()).await.unwrap();
}

type Answer = fn(DeleteImageThen) -> ErrorResponse;

const DOCUMENTED_ERRORS: [(u16, ErrorKind, Answer); 4] = [
    (401, ErrorKind::Unauthorized, DeleteImageThen::unauthorized),
    (403, ErrorKind::Forbidden, DeleteImageThen::forbidden),
    (404, ErrorKind::NotFound, DeleteImageThen::not_found),
    (409, ErrorKind::InUse, DeleteImageThen::in_use),
];

#[tokio::test]
async fn documented_errors_carry_message_and_request_id() {
    for (status, kind, answer) in DOCUMENTED_ERRORS {
        let error = delete_answered_by(|then| {
            answer(then)
                .message(format!("told with {status}"))
                .request_id(format!("req-{status}"));
        })
        .await
        .unwrap_err();

        assert_eq!(error.kind(), kind, "{status}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(
            error.message(),
            Some(format!("told with {status}").as_str())
        );
        assert_eq!(error.request_id(), Some(format!("req-{status}").as_str()));
        assert_eq!(error.retry_after(), None);
        assert_eq!(error.operation(), Some("delete_image"));
        assert!(!error.is_retryable(), "{status}");
    }
}

#[tokio::test]
async fn documented_errors_without_details_have_none() {
    for (status, kind, answer) in DOCUMENTED_ERRORS {
        let error = delete_answered_by(|then| {
            answer(then);
        })
        .await
        .unwrap_err();

        assert_eq!(error.kind(), kind, "{status}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.message(), None, "{status}");
        assert_eq!(error.request_id(), None, "{status}");
    }
}

#[tokio::test]
async fn in_use_reads_as_the_api_would_say_it() {
    let error = delete_answered_by(|then| {
        then.in_use().message("Image is in use").request_id("req-1");
    })
    .await
    .unwrap_err();

    assert!(error.is_in_use());
    assert_eq!(
        error.to_string(),
        "delete_image: in use (409): Image is in use [request id req-1]"
    );
}

#[tokio::test]
async fn rate_limited_carries_retry_after() {
    let error = delete_answered_by(|then| {
        then.rate_limited()
            .retry_after(Duration::from_secs(17))
            .message("slow down")
            .request_id("req-429");
    })
    .await
    .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(17)));
    assert_eq!(error.message(), Some("slow down"));
    assert_eq!(error.request_id(), Some("req-429"));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn retry_after_rounds_up_to_whole_seconds() {
    let error = delete_answered_by(|then| {
        then.rate_limited().retry_after(Duration::from_millis(1500));
    })
    .await
    .unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
}

#[tokio::test]
async fn a_message_is_a_json_body() {
    let server = MockServer::start_async().await;
    server
        .delete_image_async(|_, then| {
            then.forbidden().message("Public images cannot be deleted");
        })
        .await;
    let response = reqwest::Client::new()
        .delete(server.url("/v1/organizations/o/projects/p/compute/images/i"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 403);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"message": "Public images cannot be deleted"})
    );
}

#[tokio::test]
async fn into_inner_allows_answers_the_schema_does_not_list() {
    let error = delete_answered_by(|then| {
        then.into_inner()
            .status(503)
            .header("retry-after", "3")
            .body("<html><title>maintenance</title></html>");
    })
    .await
    .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Server);
    assert_eq!(error.message(), Some("maintenance"));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3)));
}

#[tokio::test]
async fn only_the_documented_method_is_matched() {
    let server = MockServer::start_async().await;
    let mock = server.delete_image_async(|_, then| then.deleted()).await;
    let status = reqwest::Client::new()
        .get(server.url("/v1/organizations/o/projects/p/compute/images/i"))
        .send()
        .await
        .unwrap()
        .status();

    assert_eq!(status, 404);
    assert_eq!(mock.calls_async().await, 0);
}
