//! Credentials taken from the environment. In a file of its own: it changes
//! the process environment, which other tests must not see.

use httpmock::prelude::*;
use onetsolutions::{Client, TOKEN_ENV};

#[tokio::test]
async fn the_token_comes_from_the_environment_when_not_given() {
    std::env::remove_var(TOKEN_ENV);
    let missing = Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap_err();
    assert!(missing.is_invalid_input());
    assert!(missing.to_string().contains(TOKEN_ENV), "{missing}");

    std::env::set_var(TOKEN_ENV, "eyJhbGciOiJIUzI1NiJ9.e30.sig\n");
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .header("authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig");
            then.status(204);
        })
        .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .build()
        .unwrap();
    client.images("o", "p").delete("i").await.unwrap();
    mock.assert_async().await;
    std::env::remove_var(TOKEN_ENV);
}
