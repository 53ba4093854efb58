//! How each fault answers: JSON and HTML errors, redirects, streamed pages,
//! and the raw bytes of the faults that break HTTP itself.

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures::stream;

use super::faults::{Fault, Kind};
use super::routes::json_error;
use super::wire::Connection;

/// What the fault does with the documented answer, once the rules have run
/// (when the fault is applied) or instead of them.
pub(crate) async fn answer(
    fault: &Fault,
    documented: Option<Response>,
    connection: &Connection,
    request_id: &str,
) -> Response {
    match &fault.kind {
        Kind::Status(status) => fault_error(*status, "scripted fault"),
        Kind::RetryAfter { status, value } => {
            let mut response = fault_error(*status, "scripted fault: try again later");
            let value = HeaderValue::from_str(value).expect("checked when the fault was built");
            response.headers_mut().insert(header::RETRY_AFTER, value);
            response
        }
        Kind::Slow(delay) => {
            tokio::time::sleep(*delay).await;
            documented.expect("a slow fault answers as documented")
        }
        Kind::CloseBeforeResponse => connection.replace_response(Bytes::new(), None),
        Kind::TruncatedBody(status) => truncated(connection, *status, request_id),
        Kind::NoContentWithBody => match documented {
            Some(response) if response.status() == StatusCode::NO_CONTENT => {
                no_content_with_body(connection, request_id)
            }
            other => other.expect("this fault is always applied"),
        },
        Kind::HtmlError(status) => html(*status, proxy_page(*status)),
        Kind::Redirect { status, location } => {
            let location = HeaderValue::from_str(location).expect("checked when built");
            let mut response = fault_error(*status, "moved");
            response.headers_mut().insert(header::LOCATION, location);
            response
        }
        Kind::LargeBody { status, len } => large_body(*status, *len),
        Kind::OkWithJson => match documented {
            Some(response) if response.status() == StatusCode::NO_CONTENT => {
                let body = serde_json::json!({ "message": "image deleted", "deleted": true });
                (StatusCode::OK, axum::Json(body)).into_response()
            }
            other => other.expect("this fault is always applied"),
        },
    }
}

/// A fault's slow delay is the one fault that may run before the rules and
/// still answer as documented.
pub(crate) fn delay_before_rules(fault: &Fault) -> Option<Duration> {
    match fault.kind {
        Kind::Slow(delay) if !fault.applied => Some(delay),
        _ => None,
    }
}

/// Whether the fault needs the documented answer even when not applied.
pub(crate) fn needs_documented(fault: &Fault) -> bool {
    fault.applied || matches!(fault.kind, Kind::Slow(_))
}

/// A JSON error whose code is the status's reason, such as `bad_gateway`.
fn fault_error(status: StatusCode, message: &str) -> Response {
    let reason = status.canonical_reason().unwrap_or("error");
    let code: String = reason
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    json_error(status, &code, message)
}

fn html(status: StatusCode, page: String) -> Response {
    let mut response = (status, page).into_response();
    let html = HeaderValue::from_static("text/html; charset=utf-8");
    response.headers_mut().insert(header::CONTENT_TYPE, html);
    response
}

fn proxy_page(status: StatusCode) -> String {
    let reason = status.canonical_reason().unwrap_or("Error");
    let code = status.as_u16();
    format!(
        "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n\
         <center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n\
         </body>\r\n</html>\r\n"
    )
}

fn truncated(connection: &Connection, status: StatusCode, request_id: &str) -> Response {
    let body = br#"{"message": "scripted fault: this body is cut short", "code": "truncated"}"#;
    let sent = &body[..body.len() / 2];
    let head = head(status, "application/json", body.len(), request_id);
    let raw = [head.as_bytes(), sent].concat();
    connection.replace_response(Bytes::from(raw), Some(status))
}

fn no_content_with_body(connection: &Connection, request_id: &str) -> Response {
    let body = br#"{"message": "image deleted"}"#;
    let head = head(
        StatusCode::NO_CONTENT,
        "application/json",
        body.len(),
        request_id,
    );
    let raw = [head.as_bytes(), body].concat();
    connection.replace_response(Bytes::from(raw), Some(StatusCode::NO_CONTENT))
}

/// A status line and headers, written by hand because hyper, rightly,
/// refuses to send what these faults need (a body on a 204, a length that
/// the body does not have).
fn head(status: StatusCode, content_type: &str, length: usize, request_id: &str) -> String {
    format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {content_type}\r\ncontent-length: {length}\r\n\
         x-request-id: {request_id}\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
    )
}

fn large_body(status: StatusCode, len: u64) -> Response {
    const CHUNK: usize = 64 * 1024;
    static FILLER: [u8; CHUNK] = [b'x'; CHUNK];

    let chunks = stream::unfold(len, |left| async move {
        if left == 0 {
            return None;
        }
        let size = left.min(CHUNK as u64) as usize;
        let chunk = Bytes::from_static(&FILLER[..size]);
        Some((Ok::<_, std::io::Error>(chunk), left - size as u64))
    });

    let mut response = html(status, String::new());
    *response.body_mut() = Body::from_stream(chunks);
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fault_codes_are_plain_words() {
        let response = fault_error(StatusCode::IM_A_TEAPOT, "x");
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["code"], "i_m_a_teapot");
    }
}
