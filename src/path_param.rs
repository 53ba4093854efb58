//! Checks on path parameters, so that a value is always sent as exactly one
//! path segment of the operation it was meant for.

use crate::error::Error;

/// The longest path parameter accepted, in bytes.
///
/// Real identifiers are far shorter; a value this long is almost surely a
/// mistake (a whole file read as one id), and servers and proxies commonly
/// refuse URLs past a few kilobytes anyway.
pub const MAX_PATH_PARAM_BYTES: usize = 256;

/// Refuses values that cannot travel as one path segment.
///
/// Everything else is percent-encoded by the generated client, `/`, `%`, `?`,
/// `#` and spaces included. Three things cannot be: `.` and `..`, which URL
/// normalisation removes together with the segment before them, and `\`,
/// which URLs treat as `/`. An empty value would address the collection.
pub(crate) fn check(what: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid_input(format!("{what} is empty")));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid_input(format!(
            "{what} `{value}` is not allowed: URLs would drop it and address another path"
        )));
    }
    if value.len() > MAX_PATH_PARAM_BYTES {
        return Err(Error::invalid_input(format!(
            "{what} is {} bytes long, more than the limit of {MAX_PATH_PARAM_BYTES}",
            value.len()
        )));
    }
    if value.contains('\\') {
        return Err(Error::invalid_input(format!(
            "{what} contains a backslash, which URLs treat as a path separator"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid_input(format!(
            "{what} contains control characters"
        )));
    }
    Ok(())
}

/// The path part of a base URL (`/onet` of `https://gw.example/onet`), read
/// without a full URL parse: this runs on every request.
pub(crate) fn base_path(base_url: &str) -> &str {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |start| &after_scheme[start..]);
    path.split(['?', '#']).next().unwrap_or("")
}

/// Checks that `path` is `template` with each `{parameter}` filled by exactly
/// one non-empty segment, below the base URL's own path.
///
/// This catches what a value did to the URL after it was built (normalised
/// dot segments, backslashes turned into slashes) even for callers of the
/// generated client who skipped [`check`].
pub(crate) fn matches_template(base_path: &str, template: &str, path: &str) -> bool {
    let Some(rest) = path.strip_prefix(base_path.trim_end_matches('/')) else {
        return false;
    };
    let sent: Vec<&str> = rest.split('/').collect();
    let expected: Vec<&str> = template.split('/').collect();
    sent.len() == expected.len()
        && sent.iter().zip(&expected).all(|(sent, expected)| {
            if expected.starts_with('{') && expected.ends_with('}') {
                !sent.is_empty()
            } else {
                sent == expected
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "/v1/organizations/{organization_id}/projects/{project_id}";

    #[test]
    fn refuses_what_cannot_be_one_segment() {
        for bad in ["", ".", "..", "a\\b", "a\nb", &"x".repeat(257)] {
            let error = check("image id", bad).unwrap_err();
            assert!(error.is_invalid_input(), "{bad:?}");
            assert!(
                error.to_string().starts_with("invalid input: image id"),
                "{error}"
            );
        }
    }

    #[test]
    fn accepts_what_encoding_handles() {
        for good in [
            "img-1", "a/b", "%2F", "?x=1", "#f", "a b", "ünï", "...", "%2e%2e",
        ] {
            check("image id", good).unwrap();
        }
        check("image id", &"x".repeat(256)).unwrap();
    }

    #[test]
    fn base_path_is_what_follows_the_host() {
        assert_eq!(base_path("https://api.onetsolutions.net"), "");
        assert_eq!(base_path("http://127.0.0.1:8080/"), "/");
        assert_eq!(base_path("https://gw.example/onet"), "/onet");
        assert_eq!(base_path("https://gw.example/a/b?x=1"), "/a/b");
    }

    #[test]
    fn template_match_counts_segments() {
        assert!(matches_template(
            "",
            TEMPLATE,
            "/v1/organizations/o/projects/p"
        ));
        assert!(matches_template(
            "/onet/",
            TEMPLATE,
            "/onet/v1/organizations/o/projects/p"
        ));
        assert!(!matches_template(
            "",
            TEMPLATE,
            "/v1/organizations/o/projects/"
        ));
        assert!(!matches_template(
            "",
            TEMPLATE,
            "/v1/organizations/o/projects"
        ));
        assert!(!matches_template(
            "",
            TEMPLATE,
            "/v1/organizations/o/projects/p/q"
        ));
        assert!(!matches_template(
            "/onet",
            TEMPLATE,
            "/v1/organizations/o/projects/p"
        ));
    }
}
