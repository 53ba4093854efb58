//! What a mock answers.

use std::time::Duration;

use super::generated::operations;

/// The response side of a mocked `delete_image`: pick one answer.
///
/// One method per response the schema documents, plus
/// [`rate_limited`](Self::rate_limited). Error answers can carry a message
/// and a request id, which the client reports through
/// [`Error::message`](crate::Error::message) and
/// [`Error::request_id`](crate::Error::request_id).
pub struct DeleteImageThen {
    then: operations::DeleteImageThen,
}

impl DeleteImageThen {
    pub(crate) fn new(then: httpmock::Then) -> Self {
        Self {
            then: operations::DeleteImageThen::new(then),
        }
    }

    /// 204: the image was deleted.
    pub fn deleted(self) {
        self.then.no_content();
    }

    /// 401: the token is missing, invalid or expired.
    pub fn unauthorized(self) -> ErrorResponse {
        ErrorResponse::new(self.then.unauthorized().into_inner())
    }

    /// 403: the token may not delete this image, or it is a public image.
    pub fn forbidden(self) -> ErrorResponse {
        ErrorResponse::new(self.then.forbidden().into_inner())
    }

    /// 404: there is no such image in this organization and project.
    pub fn not_found(self) -> ErrorResponse {
        ErrorResponse::new(self.then.not_found().into_inner())
    }

    /// 409: an instance uses the image.
    pub fn in_use(self) -> ErrorResponse {
        ErrorResponse::new(self.then.conflict().into_inner())
    }

    /// 429: too many requests.
    ///
    /// The schema does not document it for this operation, but the API
    /// rate-limits every route. Add [`ErrorResponse::retry_after`] to say
    /// how long to wait.
    pub fn rate_limited(self) -> ErrorResponse {
        ErrorResponse::new(self.then.into_inner().status(429))
    }

    /// The httpmock response underneath, for answers this type does not
    /// offer: other statuses, delays, malformed bodies.
    pub fn into_inner(self) -> httpmock::Then {
        self.then.into_inner()
    }
}

/// A mocked error answer, with an optional message, request id and
/// `Retry-After`.
///
/// Without [`message`](Self::message) the body is empty.
pub struct ErrorResponse {
    then: httpmock::Then,
}

impl ErrorResponse {
    fn new(then: httpmock::Then) -> Self {
        Self { then }
    }

    /// Sends `{"message": ...}` as a JSON body.
    pub fn message(self, message: impl Into<String>) -> Self {
        let body = serde_json::json!({ "message": message.into() });
        Self {
            then: self
                .then
                .header("content-type", "application/json")
                .json_body(body),
        }
    }

    /// Sends this request id in the `x-request-id` header.
    pub fn request_id(self, request_id: impl Into<String>) -> Self {
        Self {
            then: self.then.header("x-request-id", request_id.into()),
        }
    }

    /// Sends `Retry-After` with this delay in whole seconds, rounded up.
    ///
    /// The client reads it on 429 and 503 only.
    pub fn retry_after(self, delay: Duration) -> Self {
        let mut seconds = delay.as_secs();
        if delay.subsec_nanos() > 0 {
            seconds += 1;
        }
        Self {
            then: self.then.header("retry-after", seconds.to_string()),
        }
    }

    /// The httpmock response underneath.
    pub fn into_inner(self) -> httpmock::Then {
        self.then
    }
}
