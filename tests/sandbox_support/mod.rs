//! Helpers shared by the sandbox tests: a plain reqwest client, URLs built
//! from raw (already encoded) segments, and a raw TCP exchange for faults
//! whose wire bytes matter.

#![allow(dead_code)] // each test file uses a different subset

use std::net::SocketAddr;
use std::time::Duration;

use onetsolutions::sandbox::{Image, Sandbox, Seed, Token, DEMO_TOKEN};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const ORG: &str = "org-1";
pub const PROJECT: &str = "proj-1";

/// The demo world (see `Seed::demo`), on a free loopback port.
pub async fn demo() -> Sandbox {
    Sandbox::builder().seed(Seed::demo()).start().await.unwrap()
}

/// A sandbox with one token in `org-1` and these images in `org-1/proj-1`.
pub async fn with_images(ids: &[&str]) -> Sandbox {
    let builder = Sandbox::builder().token(Token::new(DEMO_TOKEN).organization(ORG));
    let builder = ids
        .iter()
        .fold(builder, |b, id| b.image(Image::private(ORG, PROJECT, *id)));
    builder.start().await.unwrap()
}

/// A reqwest client that never uses a proxy and never follows redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The path of an image, from segments that are already percent-encoded.
pub fn path(org: &str, project: &str, raw_id: &str) -> String {
    format!("/v1/organizations/{org}/projects/{project}/compute/images/{raw_id}")
}

/// The URL of an image in `org-1/proj-1`, from an already-encoded id.
pub fn url(sandbox: &Sandbox, raw_id: &str) -> String {
    format!("{}{}", sandbox.base_url(), path(ORG, PROJECT, raw_id))
}

/// DELETE with the demo token.
pub async fn delete(sandbox: &Sandbox, raw_id: &str) -> reqwest::Response {
    client()
        .delete(url(sandbox, raw_id))
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .unwrap()
}

/// The JSON body of an error response, after checking its content type.
pub async fn json_body(response: reqwest::Response) -> serde_json::Value {
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, "application/json");
    response.json().await.unwrap()
}

/// The `x-request-id` of a response; every response must carry one.
pub fn request_id(response: &reqwest::Response) -> String {
    let value = response.headers().get("x-request-id");
    value.expect("x-request-id").to_str().unwrap().to_owned()
}

/// What came back on a raw connection, and how it ended.
#[derive(Debug)]
pub struct Raw {
    pub bytes: Vec<u8>,
    /// `false` when the read ended in an error (a reset) instead of EOF.
    pub clean_eof: bool,
}

impl Raw {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The head (status line and headers) and the body bytes after it.
    pub fn split(&self) -> (String, &[u8]) {
        let end = self
            .bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete head");
        let head = String::from_utf8_lossy(&self.bytes[..end]).into_owned();
        (head, &self.bytes[end + 4..])
    }

    /// A header of the head, by lower-case name.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = self.split();
        head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }
}

/// Sends `DELETE path` with the demo token on a fresh connection that asks
/// to be closed, and reads until the server closes it. Not for tests with a
/// paused clock: the five-second guard would fire at once.
pub async fn raw_delete(addr: SocketAddr, path: &str) -> Raw {
    let request = format!(
        "DELETE {path} HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {DEMO_TOKEN}\r\n\
         connection: close\r\n\r\n"
    );
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();

    let mut bytes = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut bytes));
    let clean_eof = match read.await {
        Ok(Ok(_)) => true,
        Ok(Err(_)) => false,
        Err(_) => panic!("the sandbox kept the connection open: {bytes:?}"),
    };
    Raw { bytes, clean_eof }
}
