//! What a request must look like for a mock to answer it.

use super::generated::operations;
use super::path;

const DELETE_IMAGE: &str = "delete_image";

/// The request side of a mocked `delete_image`.
///
/// As made by [`MockServerExt::delete_image`](super::MockServerExt::delete_image)
/// it matches every `DELETE` of an image path. Each method narrows the match;
/// a request must satisfy all of them.
///
/// The id matchers compare with the path exactly as the client sends it:
/// `id("a.b")` does not match `axb`, `id("a/b")` matches the single
/// segment `a%2Fb` the client sends, and no value can inject a pattern.
pub struct DeleteImageWhen {
    when: httpmock::When,
}

impl DeleteImageWhen {
    /// Wraps httpmock's request matcher, checking method and path shape with
    /// the generated matcher so that both follow the schema.
    pub(crate) fn new(when: httpmock::When) -> Self {
        Self {
            when: operations::DeleteImageWhen::new(when).into_inner(),
        }
    }

    /// Only requests for this organization.
    pub fn organization_id(self, value: &str) -> Self {
        self.parameter("organization_id", value)
    }

    /// Only requests for this project.
    pub fn project_id(self, value: &str) -> Self {
        self.parameter("project_id", value)
    }

    /// Only requests for this image.
    pub fn id(self, value: &str) -> Self {
        self.parameter("id", value)
    }

    /// Only requests that carry this API key or JWT as their bearer token.
    pub fn token(self, token: &str) -> Self {
        Self {
            when: self.when.header("authorization", format!("Bearer {token}")),
        }
    }

    /// The httpmock matcher underneath, for conditions this type does not
    /// offer.
    pub fn into_inner(self) -> httpmock::When {
        self.when
    }

    fn parameter(self, name: &str, value: &str) -> Self {
        let template = path::template(DELETE_IMAGE);
        Self {
            when: self
                .when
                .path_matches(path::parameter_matcher(template, name, value)),
        }
    }
}
