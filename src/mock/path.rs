//! Path matchers that accept exactly what the client sends for a value.

use regex::Regex;

use crate::generated::operations::OPERATIONS;

/// The path segment the client sends for `value`.
///
/// Two steps touch a value on its way to the wire: the generated client
/// percent-encodes it with `progenitor_client::encode_path`, then reqwest
/// parses the URL, which encodes a few characters more (`^`, for one). Both
/// are repeated here. Only values the client refuses to send (empty, `.`,
/// `..`, a backslash) come out in a form that no request will carry.
pub(crate) fn sent_segment(value: &str) -> String {
    let encoded = progenitor_client::encode_path(value);

    // Parsed only, never requested.
    match reqwest::Url::parse(&format!("http://127.0.0.1/{encoded}")) {
        Ok(url) => url.path()[1..].to_owned(),
        Err(_) => encoded,
    }
}

/// The path template of an operation, as the schema writes it.
pub(crate) fn template(operation_id: &str) -> &'static str {
    OPERATIONS
        .iter()
        .find(|(id, _, _)| *id == operation_id)
        .map(|(_, _, template)| *template)
        .unwrap_or_else(|| panic!("the schema has no operation {operation_id}"))
}

/// A regular expression for the paths of `template` whose `parameter` is
/// `value` and whose other parameters are any one non-empty segment.
///
/// Everything taken from the template or the value is escaped, so the only
/// pattern syntax in the result is the one written here.
pub(crate) fn parameter_matcher(template: &str, parameter: &str, value: &str) -> Regex {
    let mut pattern = String::from("^");
    let mut found = false;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = open
            + rest[open..]
                .find('}')
                .unwrap_or_else(|| panic!("unclosed parameter in {template}"));
        pattern.push_str(&regex::escape(&rest[..open]));

        let name = &rest[open + 1..close];
        if name == parameter {
            pattern.push_str(&regex::escape(&sent_segment(value)));
            found = true;
        } else {
            pattern.push_str("[^/]+");
        }
        rest = &rest[close + 1..];
    }
    pattern.push_str(&regex::escape(rest));
    pattern.push('$');

    assert!(found, "{template} has no parameter {parameter}");
    Regex::new(&pattern).expect("an escaped pattern is a valid regular expression")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "/v1/o/{org}/images/{id}";

    #[test]
    fn segments_are_encoded_as_the_client_sends_them() {
        for (value, sent) in [
            ("img-1", "img-1"),
            ("a.b", "a.b"),
            ("a/b", "a%2Fb"),
            ("%2F", "%252F"),
            ("?x=1", "%3Fx=1"),
            ("#f", "%23f"),
            ("a b", "a%20b"),
            ("ünï", "%C3%BCn%C3%AF"),
            ("a^b", "a%5Eb"),
            ("(", "("),
            ("...", "..."),
        ] {
            assert_eq!(sent_segment(value), sent, "{value:?}");
        }
    }

    #[test]
    fn only_the_value_is_pattern_free() {
        let re = parameter_matcher(TEMPLATE, "id", "a.b(");
        assert_eq!(re.as_str(), r"^/v1/o/[^/]+/images/a\.b\($");
        assert!(re.is_match("/v1/o/x/images/a.b("));
        assert!(!re.is_match("/v1/o/x/images/axb("));
        assert!(!re.is_match("/v1/o//images/a.b("));
        assert!(!re.is_match("/v1/o/x/y/images/a.b("));
    }

    #[test]
    fn other_parameters_are_one_segment() {
        let re = parameter_matcher(TEMPLATE, "org", "a/b");
        assert!(re.is_match("/v1/o/a%2Fb/images/i"));
        assert!(!re.is_match("/v1/o/a/b/images/i"));
        assert!(!re.is_match("/v1/o/a%2Fb/images/i/j"));
    }

    #[test]
    fn the_operation_template_comes_from_the_schema() {
        assert_eq!(
            template("delete_image"),
            "/v1/organizations/{organization_id}/projects/{project_id}/compute/images/{id}"
        );
    }

    #[test]
    #[should_panic(expected = "has no parameter")]
    fn an_unknown_parameter_is_a_bug() {
        parameter_matcher(TEMPLATE, "project", "p");
    }
}
