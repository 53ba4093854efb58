//! Reading what a server says in an error response, with a bound.

use crate::redact::redact;

/// How much of an error body is read; the rest is dropped unread.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// How long a message may be once shortened to one line.
const MESSAGE_LIMIT: usize = 300;

/// The start of an error response body, at most [`ERROR_BODY_LIMIT`] bytes.
#[derive(Clone, Debug, Default)]
pub(crate) struct ErrorBody {
    content_type: Option<String>,
    bytes: Vec<u8>,
}

impl ErrorBody {
    #[cfg(test)]
    pub(crate) fn from_bytes(content_type: Option<&str>, bytes: &[u8]) -> Self {
        let end = bytes.len().min(ERROR_BODY_LIMIT);
        Self {
            content_type: content_type.map(str::to_owned),
            bytes: bytes[..end].to_vec(),
        }
    }

    /// Reads at most [`ERROR_BODY_LIMIT`] bytes of the response.
    ///
    /// A body that breaks off midway keeps what arrived: the status already
    /// says what happened, and the message is only a courtesy.
    pub(crate) async fn read(response: &mut reqwest::Response) -> Self {
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut bytes = Vec::new();
        while bytes.len() < ERROR_BODY_LIMIT {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = ERROR_BODY_LIMIT - bytes.len();
                    bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                Ok(None) | Err(_) => break,
            }
        }
        Self {
            content_type,
            bytes,
        }
    }

    /// The server's message: a field of a JSON body, or the text of a plain
    /// or HTML body, on one line and shortened. Copies of `secret` are
    /// replaced first, so that shortening cannot leave part of one behind.
    pub(crate) fn message(&self, secret: &str) -> Option<String> {
        if self.bytes.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        if let Ok(json) = serde_json::from_slice::<serde_json::Value>(&self.bytes) {
            return json_message(&json).map(|m| one_line(&redact(&m, secret)));
        }
        let text = String::from_utf8_lossy(&self.bytes);
        let is_html = self
            .content_type
            .as_deref()
            .is_some_and(|t| t.contains("html"))
            || text.trim_start().starts_with('<');
        let text = if is_html {
            html_text(&text)
        } else {
            text.into_owned()
        };
        Some(one_line(&redact(&text, secret))).filter(|m| !m.is_empty())
    }
}

/// The fields APIs commonly put their message in, best first.
const MESSAGE_FIELDS: [&str; 6] = [
    "message",
    "detail",
    "error_description",
    "error",
    "title",
    "errors",
];

fn json_message(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Object(map) => MESSAGE_FIELDS
            .iter()
            .filter_map(|field| map.get(*field))
            .find_map(json_message),
        serde_json::Value::Array(items) => items.iter().find_map(json_message),
        _ => None,
    }
}

/// The title of an HTML page, or its text without tags.
fn html_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    if let (Some(start), Some(end)) = (lower.find("<title>"), lower.find("</title>")) {
        if start + 7 <= end {
            return html[start + 7..end].to_owned();
        }
    }
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Collapses white space and control characters and shortens to a limit.
fn one_line(text: &str) -> String {
    let mut line = String::new();
    for word in text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        if line.chars().count() > MESSAGE_LIMIT {
            let mut short: String = line.chars().take(MESSAGE_LIMIT).collect();
            short.push('…');
            return short;
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(content_type: &str, body: &[u8]) -> Option<String> {
        ErrorBody::from_bytes(Some(content_type), body).message("sk-onetsolutions-s3cr3t")
    }

    #[test]
    fn reads_common_json_shapes() {
        let json = "application/json";
        assert_eq!(message(json, br#"{"message":"no"}"#).unwrap(), "no");
        assert_eq!(message(json, br#"{"detail":"gone"}"#).unwrap(), "gone");
        assert_eq!(
            message(json, br#"{"error":{"code":"x","message":"nested"}}"#).unwrap(),
            "nested"
        );
        assert_eq!(
            message(json, br#"{"errors":[{"message":"first"}]}"#).unwrap(),
            "first"
        );
        assert_eq!(message(json, br#"{"code":42}"#), None);
    }

    #[test]
    fn html_pages_become_one_line() {
        let page = b"<html><head><title>502 Bad\n Gateway</title></head><body>x</body></html>";
        assert_eq!(message("text/html", page).unwrap(), "502 Bad Gateway");
        let untitled = b"<html><body><h1>Oops</h1>\n<p>try later</p></body></html>";
        assert_eq!(message("text/html", untitled).unwrap(), "Oops try later");
    }

    #[test]
    fn a_token_near_the_cut_is_redacted_whole() {
        let mut body = "x".repeat(MESSAGE_LIMIT - 10);
        body.push_str(" sk-onetsolutions-s3cr3t");
        let text = message("text/plain", body.as_bytes()).unwrap();
        assert!(!text.contains("sk-onet"), "{text}");
    }

    #[test]
    fn garbage_never_panics_and_is_shortened() {
        let garbage: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        let text = message("application/octet-stream", &garbage).unwrap();
        assert!(text.chars().count() <= MESSAGE_LIMIT + 1);
        assert!(!text.contains('\n'));
        assert_eq!(message("text/plain", b"  \n "), None);
    }

    #[test]
    fn keeps_at_most_the_limit() {
        let big = vec![b'a'; ERROR_BODY_LIMIT * 3];
        assert_eq!(
            ErrorBody::from_bytes(None, &big).bytes.len(),
            ERROR_BODY_LIMIT
        );
    }
}
