//! Helpers shared by the integration tests.
#![allow(dead_code)]

use onetsolutions::{Client, Credentials, RateLimit, RetryPolicy};

/// A token that tests search logs and errors for.
pub const TOKEN: &str = "sk-onetsolutions-test-secret-7f3a9c";

/// The path of one image under the documented route.
pub fn image_path(organization: &str, project: &str, encoded_id: &str) -> String {
    format!("/v1/organizations/{organization}/projects/{project}/compute/images/{encoded_id}")
}

/// A mock that answers 204 to any request, to count what reached `server`.
pub async fn catch_all(server: &httpmock::MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(204);
        })
        .await
}

/// A client for `base_url` with the test token, making one attempt per call
/// so that each test sees exactly the response it set up.
pub fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials(Credentials::new(TOKEN).unwrap())
        .retry(RetryPolicy::disabled())
        .rate_limit(RateLimit::disabled())
        .build()
        .unwrap()
}
