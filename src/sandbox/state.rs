//! What the sandbox knows: tokens, images, and the documented rules for deleting.
//!
//! The rules live here, apart from HTTP, so that the order of the checks is easy
//! to read and to test: authentication, permission in the organization, the
//! image's existence in that project, its visibility, whether it is in use.

use std::collections::BTreeSet;
use std::fmt;

use axum::http::{header, HeaderMap, StatusCode};

/// A bearer token the sandbox accepts, and the organizations it may act in.
///
/// `Debug` never shows the secret, so a token can sit in test output safely.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    secret: String,
    organizations: BTreeSet<String>,
}

impl Token {
    /// A token with this secret, allowed in no organization until
    /// [`Token::organization`] adds one: such a token authenticates (no 401)
    /// but every delete answers 403.
    pub fn new(secret: impl Into<String>) -> Self {
        Token {
            secret: secret.into(),
            organizations: BTreeSet::new(),
        }
    }

    /// Allows the token to delete images in `organization`; call it once per
    /// organization. A request for any other organization answers 403.
    #[must_use]
    pub fn organization(mut self, organization: impl Into<String>) -> Self {
        self.organizations.insert(organization.into());
        self
    }

    /// The organizations this token may act in, in sorted order.
    pub fn organizations(&self) -> impl Iterator<Item = &str> {
        self.organizations.iter().map(String::as_str)
    }

    /// The secret, for building an `Authorization` header in a test.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    pub(crate) fn may_act_in(&self, organization: &str) -> bool {
        self.organizations.contains(organization)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("secret", &"<redacted>")
            .field("organizations", &self.organizations)
            .finish()
    }
}

/// Whether an image belongs to its organization or is a platform image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Owned by the organization; deletable.
    Private,
    /// A platform image such as `ubuntu-24.04`; a delete answers 403.
    Public,
}

/// An image held by the sandbox, listed in one organization and project.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Image {
    organization: String,
    project: String,
    id: String,
    visibility: Visibility,
    in_use: bool,
}

impl Image {
    /// A private image, not in use: deleting it answers 204.
    pub fn private(
        organization: impl Into<String>,
        project: impl Into<String>,
        id: impl Into<String>,
    ) -> Self {
        Image::new(organization, project, id, Visibility::Private)
    }

    /// A public platform image listed in this project: deleting it answers 403.
    pub fn public(
        organization: impl Into<String>,
        project: impl Into<String>,
        id: impl Into<String>,
    ) -> Self {
        Image::new(organization, project, id, Visibility::Public)
    }

    /// Marks the image as used by an instance: deleting it answers 409.
    /// Images are not in use unless this is called.
    #[must_use]
    pub fn in_use(mut self) -> Self {
        self.in_use = true;
        self
    }

    pub(crate) fn new(
        organization: impl Into<String>,
        project: impl Into<String>,
        id: impl Into<String>,
        visibility: Visibility,
    ) -> Self {
        Image {
            organization: organization.into(),
            project: project.into(),
            id: id.into(),
            visibility,
            in_use: false,
        }
    }

    /// The organization that owns the image.
    pub fn organization(&self) -> &str {
        &self.organization
    }

    /// The project the image is listed in.
    pub fn project(&self) -> &str {
        &self.project
    }

    /// The image id, exactly as a path segment decodes to it.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Private or public.
    pub fn visibility(&self) -> Visibility {
        self.visibility
    }

    /// Whether an instance uses the image.
    pub fn is_in_use(&self) -> bool {
        self.in_use
    }

    fn is_at(&self, target: &Target) -> bool {
        self.organization == target.organization
            && self.project == target.project
            && target.image.as_deref() == Some(self.id.as_str())
    }
}

/// The image a request addresses, with its path segments decoded.
///
/// A segment that does not decode to UTF-8 cannot name any image, so `image`
/// is then `None` and the request ends in 404 rather than a 400 that the
/// schema does not document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) organization: String,
    pub(crate) project: String,
    pub(crate) image: Option<String>,
}

/// Why the sandbox refuses a request, mapped to status, code and message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    MissingToken,
    MalformedToken,
    UnknownToken,
    NoPermission,
    PublicImage,
    NotFound,
    InUse,
}

impl Refusal {
    pub(crate) fn status(self) -> StatusCode {
        match self {
            Refusal::MissingToken | Refusal::MalformedToken | Refusal::UnknownToken => {
                StatusCode::UNAUTHORIZED
            }
            Refusal::NoPermission | Refusal::PublicImage => StatusCode::FORBIDDEN,
            Refusal::NotFound => StatusCode::NOT_FOUND,
            Refusal::InUse => StatusCode::CONFLICT,
        }
    }

    pub(crate) fn code(self) -> &'static str {
        match self {
            Refusal::MissingToken => "missing_token",
            Refusal::MalformedToken | Refusal::UnknownToken => "invalid_token",
            Refusal::NoPermission => "forbidden",
            Refusal::PublicImage => "public_image",
            Refusal::NotFound => "not_found",
            Refusal::InUse => "image_in_use",
        }
    }

    pub(crate) fn message(self) -> &'static str {
        match self {
            Refusal::MissingToken => "authentication credentials were not provided",
            Refusal::MalformedToken => "the Authorization header is not a bearer token",
            Refusal::UnknownToken => "the bearer token is invalid or expired",
            Refusal::NoPermission => "you do not have permission to act in this organization",
            Refusal::PublicImage => "public platform images cannot be deleted",
            Refusal::NotFound => "image not found",
            Refusal::InUse => "image is in use by one or more instances",
        }
    }
}

/// What names one image: its organization, project and id.
fn image_key(image: &Image) -> (String, String, String) {
    (
        image.organization().to_owned(),
        image.project().to_owned(),
        image.id().to_owned(),
    )
}

/// Tokens and images, guarded by the sandbox's lock.
#[derive(Debug, Default)]
pub(crate) struct State {
    tokens: Vec<Token>,
    images: Vec<Image>,
}

impl State {
    pub(crate) fn add_token(&mut self, token: Token) {
        self.tokens.push(token);
    }

    /// Adds an image, replacing one with the same organization, project and
    /// id: one id names one image.
    pub(crate) fn add_image(&mut self, image: Image) {
        self.add_images(vec![image]);
    }

    /// Adds images in one pass, the last of any duplicates winning, so that
    /// a seed of 100 000 images loads in linear time.
    pub(crate) fn add_images(&mut self, images: Vec<Image>) {
        let mut added = std::collections::HashSet::new();
        let mut fresh: Vec<Image> = images
            .into_iter()
            .rev()
            .filter(|image| added.insert(image_key(image)))
            .collect();
        fresh.reverse();
        self.images.retain(|old| !added.contains(&image_key(old)));
        self.images.extend(fresh);
    }

    pub(crate) fn images(&self) -> Vec<Image> {
        self.images.clone()
    }

    pub(crate) fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// Finds the token of a request; its index is the rate limiter's key.
    pub(crate) fn authenticate(&self, headers: &HeaderMap) -> Result<usize, Refusal> {
        let mut values = headers.get_all(header::AUTHORIZATION).iter();
        let value = values.next().ok_or(Refusal::MissingToken)?;

        // Two Authorization headers are as malformed as a garbled one.
        if values.next().is_some() {
            return Err(Refusal::MalformedToken);
        }

        let secret = bearer_secret(value.as_bytes()).ok_or(Refusal::MalformedToken)?;
        self.tokens
            .iter()
            .position(|token| token.secret.as_bytes() == secret)
            .ok_or(Refusal::UnknownToken)
    }

    /// Applies the documented rules after authentication, and removes the
    /// image when they all pass.
    pub(crate) fn delete(&mut self, token: usize, target: &Target) -> Result<(), Refusal> {
        if !self.tokens[token].may_act_in(&target.organization) {
            return Err(Refusal::NoPermission);
        }

        let index = self
            .images
            .iter()
            .position(|image| image.is_at(target))
            .ok_or(Refusal::NotFound)?;

        let image = &self.images[index];
        if image.visibility == Visibility::Public {
            return Err(Refusal::PublicImage);
        }
        if image.in_use {
            return Err(Refusal::InUse);
        }

        self.images.remove(index);
        Ok(())
    }
}

/// The credentials of `Bearer <token>`; the scheme is case-insensitive.
fn bearer_secret(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(6)?;
    if !scheme.eq_ignore_ascii_case(b"bearer") || rest.first() != Some(&b' ') {
        return None;
    }

    let secret = rest.trim_ascii();
    (!secret.is_empty()).then_some(secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn state() -> State {
        let mut state = State::default();
        state.add_token(Token::new("t1").organization("org-1"));
        state.add_image(Image::private("org-1", "p", "img"));
        state.add_image(Image::public("org-1", "p", "pub"));
        state.add_image(Image::private("org-1", "p", "busy").in_use());
        state.add_image(Image::private("org-2", "p", "theirs"));
        state
    }

    fn target(organization: &str, image: &str) -> Target {
        Target {
            organization: organization.into(),
            project: "p".into(),
            image: Some(image.into()),
        }
    }

    fn auth(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn authentication_reads_only_bearer_tokens() {
        let state = state();
        assert_eq!(
            state.authenticate(&HeaderMap::new()),
            Err(Refusal::MissingToken)
        );
        assert_eq!(
            state.authenticate(&auth("Basic dDE6")),
            Err(Refusal::MalformedToken)
        );
        assert_eq!(
            state.authenticate(&auth("Bearer")),
            Err(Refusal::MalformedToken)
        );
        assert_eq!(
            state.authenticate(&auth("Bearer   ")),
            Err(Refusal::MalformedToken)
        );
        assert_eq!(
            state.authenticate(&auth("Bearerx t1")),
            Err(Refusal::MalformedToken)
        );
        assert_eq!(
            state.authenticate(&auth("Bearer t2")),
            Err(Refusal::UnknownToken)
        );
        assert_eq!(state.authenticate(&auth("bearer t1")), Ok(0));
    }

    #[test]
    fn rules_apply_in_documented_order() {
        let mut state = state();
        assert_eq!(
            state.delete(0, &target("org-2", "theirs")),
            Err(Refusal::NoPermission)
        );
        assert_eq!(
            state.delete(0, &target("org-1", "theirs")),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            state.delete(0, &target("org-1", "pub")),
            Err(Refusal::PublicImage)
        );
        assert_eq!(
            state.delete(0, &target("org-1", "busy")),
            Err(Refusal::InUse)
        );
        assert_eq!(state.delete(0, &target("org-1", "img")), Ok(()));
        assert_eq!(
            state.delete(0, &target("org-1", "img")),
            Err(Refusal::NotFound)
        );
        assert_eq!(state.images().len(), 3);
    }

    #[test]
    fn undecodable_id_names_no_image() {
        let mut state = state();
        let mut target = target("org-1", "img");
        target.image = None;
        assert_eq!(state.delete(0, &target), Err(Refusal::NotFound));
    }

    #[test]
    fn debug_hides_the_secret() {
        let token = Token::new("sk-secret").organization("org-1");
        assert!(!format!("{token:?}").contains("sk-secret"));
    }

    #[test]
    fn adding_an_image_again_replaces_it() {
        let mut state = State::default();
        state.add_image(Image::private("o", "p", "img"));
        state.add_image(Image::private("o", "p", "img").in_use());
        state.add_image(Image::private("o", "other", "img"));
        let images = state.images();
        assert_eq!(images.len(), 2);
        let replaced = images.iter().find(|i| i.project() == "p").unwrap();
        assert!(replaced.is_in_use());
    }
}
