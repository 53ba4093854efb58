//! Keeping the token out of text that came back from a server.

use std::borrow::Cow;

const REDACTED: &str = "<redacted>";

/// `text` with every copy of `secret` replaced, including a percent-encoded
/// copy (a server may echo a URL or form value).
pub(crate) fn redact<'a>(text: &'a str, secret: &str) -> Cow<'a, str> {
    if text.contains(secret) {
        return Cow::Owned(text.replace(secret, REDACTED));
    }
    if text.contains('%') {
        let decoded = percent_encoding::percent_decode_str(text).decode_utf8_lossy();
        if decoded.contains(secret) {
            return Cow::Owned(decoded.replace(secret, REDACTED));
        }
    }
    Cow::Borrowed(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "sk-onetsolutions-s3cr3t";

    #[test]
    fn plain_and_percent_encoded_copies_are_replaced() {
        assert_eq!(
            redact("bad token sk-onetsolutions-s3cr3t", SECRET),
            "bad token <redacted>"
        );
        assert_eq!(
            redact("bad sk%2Donetsolutions%2Ds3cr3t here", SECRET),
            "bad <redacted> here"
        );
        assert_eq!(redact("100% fine", SECRET), "100% fine");
    }
}
