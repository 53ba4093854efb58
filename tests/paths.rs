//! Every id reaches the server as exactly one path segment, or is refused.

mod common;

use common::{catch_all, client, image_path};
use httpmock::prelude::*;

#[tokio::test]
async fn hostile_ids_arrive_as_one_encoded_segment() {
    let cases = [
        ("a/b", "a%2Fb"),
        ("%2F", "%252F"),
        ("?x=1", "%3Fx=1"),
        ("#f", "%23f"),
        ("a b", "a%20b"),
        ("ünï", "%C3%BCn%C3%AF"),
        ("../other", "..%2Fother"),
        ("%2e%2e", "%252e%252e"),
        ("...", "..."),
    ];
    let server = MockServer::start_async().await;
    for (id, encoded) in cases {
        let mock = server
            .mock_async(|when, then| {
                when.method(DELETE).path(image_path("o", "p", encoded));
                then.status(204);
            })
            .await;
        client(&server.base_url())
            .images("o", "p")
            .delete(id)
            .await
            .unwrap_or_else(|e| panic!("{id:?}: {e}"));
        assert_eq!(
            mock.calls_async().await,
            1,
            "{id:?} was not sent as {encoded}"
        );
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn ids_that_would_address_another_path_are_refused_unsent() {
    let server = MockServer::start_async().await;
    let anything = catch_all(&server).await;
    let images = client(&server.base_url()).images("o", "p");
    let long = "x".repeat(10_000);
    for id in ["", ".", "..", "a\\b", "line\nbreak", "tab\t", long.as_str()] {
        let error = images.delete(id).await.unwrap_err();
        assert!(error.is_invalid_input(), "{id:?}: {error}");
        assert_eq!(error.attempts(), 0, "{id:?}");
        assert!(error
            .to_string()
            .starts_with("delete_image: invalid input: image id"));
    }
    for (organization, project) in [("..", "p"), ("o", "."), ("", "p")] {
        let error = client(&server.base_url())
            .images(organization, project)
            .delete("i")
            .await
            .unwrap_err();
        assert!(error.is_invalid_input(), "{organization:?}/{project:?}");
    }
    assert_eq!(anything.calls_async().await, 0);
}

#[tokio::test]
async fn the_generated_client_refuses_dot_segments_too() {
    let server = MockServer::start_async().await;
    let anything = catch_all(&server).await;
    let client = client(&server.base_url());
    for id in ["..", ".", "", "a\\b"] {
        let result = client
            .generated()
            .delete_image()
            .organization_id("o")
            .project_id("p")
            .id(id)
            .send()
            .await;
        match result {
            Err(progenitor_client::Error::InvalidRequest(message)) => {
                assert!(message.contains("one path segment"), "{message}")
            }
            other => panic!("{id:?} was not refused: {other:?}"),
        }
    }
    assert_eq!(anything.calls_async().await, 0);
}
