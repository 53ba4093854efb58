//! Checking and normalising the API base URL.

use std::net::IpAddr;

use reqwest::Url;

use crate::error::Error;

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.onetsolutions.net";

/// Returns the base URL without a trailing slash, so that generated paths
/// (which start with `/`) never produce `//v1/…`.
///
/// Plain `http` is refused unless the host is loopback or the caller allows
/// it: the bearer token would otherwise cross the network in cleartext.
pub(crate) fn normalize(raw: &str, allow_http: bool) -> Result<String, Error> {
    let raw = raw.trim();
    let url = Url::parse(raw).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => Error::invalid_input(format!(
            "base url `{raw}` has no scheme: write it as https://{raw}"
        )),
        other => Error::invalid_input(format!("base url `{raw}` is not a url: {other}")),
    })?;

    if !url.username().is_empty() || url.password().is_some() {
        // Not echoed: the user information may be a secret.
        return Err(Error::invalid_input(
            "base url must not contain a user name or password",
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_http || is_loopback(&url) => {}
        "http" => {
            return Err(Error::invalid_input(format!(
                "base url `{raw}` uses plain http, which would send the token in cleartext: \
                 use https, or allow http explicitly"
            )))
        }
        other => {
            return Err(Error::invalid_input(format!(
                "base url `{raw}` has scheme `{other}`, expected https (or a missing https:// ?)"
            )))
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid_input(format!(
            "base url `{raw}` has no host"
        )));
    }
    if url
        .path_segments()
        .and_then(|mut segments| segments.rfind(|s| !s.is_empty()))
        == Some("v1")
    {
        return Err(Error::invalid_input(format!(
            "base url `{raw}` ends in /v1, which the client adds itself: drop it"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid_input(format!(
            "base url `{raw}` must not have a query or fragment"
        )));
    }

    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_trailing_slashes_and_keeps_prefixes() {
        assert_eq!(
            normalize(DEFAULT_BASE_URL, false).unwrap(),
            DEFAULT_BASE_URL
        );
        assert_eq!(
            normalize("http://127.0.0.1:8080/", false).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            normalize("https://gw.example/onet/", false).unwrap(),
            "https://gw.example/onet"
        );
    }

    #[test]
    fn plain_http_only_for_loopback_or_when_allowed() {
        normalize("http://localhost:3000", false).unwrap();
        normalize("http://[::1]:3000", false).unwrap();
        let error = normalize("http://gw.example", false).unwrap_err();
        assert!(error.is_invalid_input());
        assert!(error.to_string().contains("cleartext"), "{error}");
        normalize("http://gw.example", true).unwrap();
    }

    #[test]
    fn refuses_what_is_not_a_base_url() {
        let no_scheme = normalize("api.onetsolutions.net", false).unwrap_err();
        assert!(
            no_scheme.to_string().contains("has no scheme"),
            "{no_scheme}"
        );
        let host_port = normalize("localhost:8080", false).unwrap_err();
        assert!(
            host_port.to_string().contains("scheme `localhost`"),
            "{host_port}"
        );
        assert!(normalize("ftp://x.example", false).is_err());
        assert!(normalize("https://x.example/?a=1", false).is_err());
        let doubled = normalize("https://api.onetsolutions.net/v1/", false).unwrap_err();
        assert!(doubled.to_string().contains("ends in /v1"), "{doubled}");
        normalize("https://gw.example/v1x/", false).unwrap();
        let secret = normalize("https://user:hunter2@x.example", false).unwrap_err();
        assert!(!secret.to_string().contains("hunter2"));
    }
}
