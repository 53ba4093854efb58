//! What the client puts on the wire, checked by httpmock.

mod common;

use common::{catch_all, client, image_path, TOKEN};
use httpmock::prelude::*;
use onetsolutions::{Client, Credentials, USER_AGENT};

#[tokio::test]
async fn delete_sends_the_documented_request() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(image_path("org-1", "proj-1", "img-1"))
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("user-agent", USER_AGENT);
            then.status(204);
        })
        .await;

    client(&server.base_url())
        .images("org-1", "proj-1")
        .delete("img-1")
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(USER_AGENT.starts_with("onetsolutions-rust/0."));
}

#[tokio::test]
async fn a_trailing_slash_never_makes_a_double_slash() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE).path(image_path("o", "p", "i"));
            then.status(204);
        })
        .await;

    let base = format!("{}/", server.base_url());
    client(&base).images("o", "p").delete("i").await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn a_path_prefix_in_the_base_url_is_kept() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(format!("/onet{}", image_path("o", "p", "i")));
            then.status(204);
        })
        .await;

    let base = format!("{}/onet/", server.base_url());
    client(&base).images("o", "p").delete("i").await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn the_generated_client_sends_the_same_credentials() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(image_path("o", "p", "i"))
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(204);
        })
        .await;

    let client = client(&server.base_url());
    let response = client
        .generated()
        .delete_image()
        .organization_id("o")
        .project_id("p")
        .id("i")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    mock.assert_async().await;
}

#[tokio::test]
async fn redirects_are_reported_and_never_followed() {
    let elsewhere = MockServer::start_async().await;
    let trap = catch_all(&elsewhere).await;
    let server = MockServer::start_async().await;
    let location = elsewhere.url(image_path("o", "p", "i"));
    server
        .mock_async(|when, then| {
            when.method(DELETE);
            then.status(307).header("location", location.as_str());
        })
        .await;

    let error = client(&server.base_url())
        .images("o", "p")
        .delete("i")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(307));
    assert_eq!(error.kind(), onetsolutions::ErrorKind::UnexpectedResponse);
    assert!(error.to_string().contains("not followed"), "{error}");
    assert_eq!(trap.calls_async().await, 0);
}

#[test]
fn build_refuses_bad_base_urls_before_any_request() {
    let credentials = Credentials::new(TOKEN).unwrap();
    for (url, expected) in [
        ("api.onetsolutions.net", "has no scheme"),
        ("http://gw.example", "cleartext"),
        ("https://", "not a url"),
    ] {
        let error = Client::builder()
            .base_url(url)
            .credentials(credentials.clone())
            .build()
            .unwrap_err();
        assert!(error.is_invalid_input(), "{url}: {error}");
        assert!(!error.is_retryable());
        assert!(error.to_string().contains(expected), "{url}: {error}");
    }
}

#[test]
fn debug_output_never_shows_the_token() {
    let builder = Client::builder()
        .base_url("http://127.0.0.1:1")
        .credentials(Credentials::new(TOKEN).unwrap());
    let client = builder.clone().build().unwrap();
    for printed in [format!("{builder:?}"), format!("{client:?}")] {
        assert!(!printed.contains(TOKEN), "{printed}");
        assert!(!printed.contains("test-secret"), "{printed}");
    }
}
