//! The three ways of sending one delete that the figures compare, all built
//! with the same reqwest settings so that only the layer differs.

use std::time::Duration;

use onetsolutions::{Client, Credentials, RateLimit, RetryPolicy};

/// The token every benchmark client sends; the servers here accept any.
pub const TOKEN: &str = "sk-onetsolutions-bench";
/// The organization of every image deleted.
pub const ORGANIZATION: &str = "bench-org";
/// The project of every image deleted.
pub const PROJECT: &str = "bench-project";

/// A client-side limit that is on but never binds at loopback speeds.
pub fn generous_limit() -> RateLimit {
    RateLimit::new(1_000_000, 0)
}

/// The reqwest client a hand-written program would build: the same timeouts
/// and redirect policy as the crate's, nothing more.
pub fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a reqwest client")
}

/// One hand-written delete; an answer other than 2xx is an error.
pub async fn raw_delete(client: &reqwest::Client, base_url: &str, id: &str) -> Result<(), String> {
    let url = format!(
        "{base_url}/v1/organizations/{ORGANIZATION}/projects/{PROJECT}/compute/images/{id}"
    );
    let response = client
        .delete(url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("status {}", response.status()))
    }
}

/// The crate's client with credentials, the standard retry policy and the
/// given client-side limit.
pub fn layered_client(base_url: &str, limit: RateLimit) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials(Credentials::new(TOKEN).expect("a valid token"))
        .retry(RetryPolicy::standard())
        .rate_limit(limit)
        .build()
        .expect("a client for a loopback URL")
}

/// One delete through the generated client alone: no retry, limiter or
/// error classification, but its hooks (the path guard) still run.
pub async fn generated_delete(client: &Client, id: &str) -> Result<(), String> {
    client
        .generated()
        .delete_image()
        .organization_id(ORGANIZATION)
        .project_id(PROJECT)
        .id(id)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
