//! The example of `docs/mocks.md`, run as it is written there.
#![cfg(feature = "httpmock")]

// guide: begin
use httpmock::MockServer;
use onetsolutions::mock::MockServerExt;
use onetsolutions::{Client, Credentials, Error, ErrorKind, Images};

/// The code under test: deletes images, skipping those still in use.
/// Returns the ids it skipped.
async fn delete_unused(images: &Images, ids: &[&str]) -> Result<Vec<String>, Error> {
    let mut skipped = Vec::new();
    for id in ids {
        match images.delete_if_exists(id).await {
            Ok(_) => {}
            Err(error) if error.is_in_use() => skipped.push(id.to_string()),
            Err(error) => return Err(error),
        }
    }
    Ok(skipped)
}

fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new("sk-onetsolutions-test").unwrap())
        .build()
        .unwrap()
}

#[tokio::test]
async fn images_in_use_are_skipped() {
    let server = MockServer::start_async().await;
    let old = server
        .delete_image_async(|when, then| {
            when.organization_id("acme").project_id("web").id("old");
            then.deleted();
        })
        .await;
    server
        .delete_image_async(|when, then| {
            when.id("busy");
            then.in_use().message("Image is in use");
        })
        .await;
    server
        .delete_image_async(|when, then| {
            when.id("gone");
            then.not_found();
        })
        .await;

    let images = client_for(&server).images("acme", "web");
    let skipped = delete_unused(&images, &["old", "busy", "gone"])
        .await
        .unwrap();

    assert_eq!(skipped, ["busy"]);
    old.assert_calls_async(1).await;
}

#[tokio::test]
async fn other_errors_stop_the_job() {
    let server = MockServer::start_async().await;
    server
        .delete_image_async(|when, then| {
            when.id("ubuntu-24.04");
            then.forbidden()
                .message("Public images cannot be deleted")
                .request_id("req-7");
        })
        .await;

    let images = client_for(&server).images("acme", "web");
    let error = delete_unused(&images, &["ubuntu-24.04"]).await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Forbidden);
    assert_eq!(error.status(), Some(403));
    assert_eq!(error.message(), Some("Public images cannot be deleted"));
    assert_eq!(error.request_id(), Some("req-7"));
}
// guide: end

/// The guide's code block must be the code above, character for character.
#[test]
fn the_guide_shows_this_code() {
    let this_file = include_str!("mock_guide.rs");
    let start = this_file.find("// guide: begin\n").unwrap() + "// guide: begin\n".len();
    let end = this_file.find("// guide: end\n").unwrap();
    let tested = &this_file[start..end];

    let guide = include_str!("../docs/mocks.md");
    let block_start = guide.find("```rust\n").expect("the guide has a rust block") + 8;
    let block_end = block_start + guide[block_start..].find("```\n").unwrap();
    let shown = &guide[block_start..block_end];

    assert_eq!(
        shown, tested,
        "docs/mocks.md and tests/mock_guide.rs differ"
    );
}
