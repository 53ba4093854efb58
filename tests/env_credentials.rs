//! Configuration taken from the environment. In a file of its own: it changes
//! the process environment, which other tests must not see.

use httpmock::prelude::*;
use onetsolutions::{Client, Credentials, BASE_URL_ENV, TOKEN_ENV};

#[tokio::test]
async fn token_and_base_url_come_from_the_environment_unless_given() {
    std::env::remove_var(TOKEN_ENV);
    std::env::remove_var(BASE_URL_ENV);
    let missing = Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap_err();
    assert!(missing.is_invalid_input());
    assert!(missing.to_string().contains(TOKEN_ENV), "{missing}");

    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .header("authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig");
            then.status(204);
        })
        .await;
    std::env::set_var(TOKEN_ENV, "eyJhbGciOiJIUzI1NiJ9.e30.sig\n");
    std::env::set_var(BASE_URL_ENV, server.base_url());
    let client = Client::builder().build().unwrap();
    assert_eq!(client.base_url(), server.base_url());
    client.images("o", "p").delete("i").await.unwrap();
    mock.assert_async().await;

    // An explicit value wins over the environment.
    let explicit = Client::builder()
        .base_url("http://127.0.0.1:9/")
        .credentials(Credentials::new("sk-onetsolutions-explicit").unwrap())
        .build()
        .unwrap();
    assert_eq!(explicit.base_url(), "http://127.0.0.1:9");

    // A bad value names the variable it came from.
    std::env::set_var(BASE_URL_ENV, "");
    let empty = Client::builder().build().unwrap_err();
    assert!(empty.to_string().contains(BASE_URL_ENV), "{empty}");

    std::env::remove_var(TOKEN_ENV);
    std::env::remove_var(BASE_URL_ENV);
}
