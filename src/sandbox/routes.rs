//! The HTTP surface: the documented route, and the 404 and 405 answers a real
//! API gives for everything else.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::{Extension, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::delete;
use axum::{middleware, Router};
use percent_encoding::percent_decode_str;

use super::answers;
use super::faults::{Fault, FaultQueue};
use super::limiter::{retry_after_seconds, Limiter};
use super::record::{self, RequestId, RequestLog};
use super::state::{State as Images, Target};
use super::wire::Connection;

/// The only operation in the schema.
pub(crate) const DELETE_IMAGE: &str =
    "/v1/organizations/{organization_id}/projects/{project_id}/compute/images/{id}";

/// Everything the handlers share with the [`Sandbox`](super::Sandbox) handle.
pub(crate) type App = Arc<Shared>;

/// The sandbox's mutable parts, each behind its own short-lived lock.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    pub(crate) images: Mutex<Images>,
    pub(crate) limiter: Mutex<Option<Limiter>>,
    pub(crate) faults: Mutex<FaultQueue>,
    pub(crate) log: RequestLog,
}

impl Shared {
    pub(crate) fn images(&self) -> MutexGuard<'_, Images> {
        self.images.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultQueue> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn limiter(&self) -> MutexGuard<'_, Option<Limiter>> {
        self.limiter.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The documented behaviour: 401, 429 (limiter on), 403, 404, 409 or 204.
    fn documented(&self, headers: &HeaderMap, target: &Target) -> Response {
        let token = match self.images().authenticate(headers) {
            Ok(token) => token,
            Err(refusal) => {
                let mut response = json_error(refusal.status(), refusal.code(), refusal.message());
                let challenge = HeaderValue::from_static("Bearer");
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, challenge);
                return response;
            }
        };

        let now = tokio::time::Instant::now();
        if let Some(Err(wait)) = self.limiter().as_mut().map(|l| l.check(token, now)) {
            let message = "rate limit exceeded, retry later";
            let mut response = json_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message);
            let seconds = HeaderValue::from(retry_after_seconds(wait));
            response.headers_mut().insert(header::RETRY_AFTER, seconds);
            return response;
        }

        match self.images().delete(token, target) {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(refusal) => json_error(refusal.status(), refusal.code(), refusal.message()),
        }
    }
}

/// The router: the documented route, JSON 404 and 405 elsewhere, every
/// response logged and given an `x-request-id`.
pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route(DELETE_IMAGE, delete(delete_image))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(app.clone(), record::record))
        .with_state(app)
}

/// `DELETE …/compute/images/{id}`: a scripted fault if one matches,
/// otherwise the documented behaviour.
async fn delete_image(
    State(app): State<App>,
    Extension(RequestId(request_id)): Extension<RequestId>,
    Extension(connection): Extension<Connection>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let Some(target) = target(uri.path()) else {
        return not_found().await;
    };
    let fault = app.faults().take(target.image.as_deref());
    let Some(fault) = fault else {
        return app.documented(&headers, &target);
    };
    app.log.note_fault(&request_id, fault.name());

    answer_with_fault(&app, &fault, &headers, &target, &connection, &request_id).await
}

async fn answer_with_fault(
    app: &App,
    fault: &Fault,
    headers: &HeaderMap,
    target: &Target,
    connection: &Connection,
    request_id: &str,
) -> Response {
    // A plain slow fault waits first, so a client that gives up in the
    // meantime leaves the image in place.
    if let Some(delay) = answers::delay_before_rules(fault) {
        tokio::time::sleep(delay).await;
        return app.documented(headers, target);
    }

    let documented = answers::needs_documented(fault).then(|| app.documented(headers, target));
    answers::answer(fault, documented, connection, request_id).await
}

/// Decodes the three path parameters, each from exactly one segment.
///
/// The router has already matched the raw path, so an encoded slash (`%2F`)
/// stays inside its segment. Decoding is done here, not by axum's extractor,
/// because the extractor answers 400 to a segment that is not UTF-8, which
/// the schema does not document.
///
/// A segment that is `.` or `..`, even percent-encoded, is a dot-segment: a
/// server that normalises paths (RFC 3986, 6.2.2) would move up the tree and
/// land on a route that does not exist, so there is no target.
fn target(path: &str) -> Option<Target> {
    let segments: Vec<Option<String>> = path
        .split('/')
        .map(|raw| {
            percent_decode_str(raw)
                .decode_utf8()
                .ok()
                .map(|s| s.into_owned())
        })
        .collect();
    if segments.iter().flatten().any(|s| s == "." || s == "..") {
        return None;
    }

    // "", "v1", "organizations", ORG, "projects", PROJECT, "compute", "images", ID
    let segment = |i: usize| segments.get(i).cloned().flatten();
    Some(Target {
        organization: segment(3).unwrap_or_default(),
        project: segment(5).unwrap_or_default(),
        image: segment(8),
    })
}

/// The JSON error body that every refusal of the sandbox carries.
pub(crate) fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "message": message, "code": code });
    (status, axum::Json(body)).into_response()
}

async fn not_found() -> Response {
    json_error(StatusCode::NOT_FOUND, "route_not_found", "no such route")
}

async fn method_not_allowed() -> Response {
    let message = "this route only supports DELETE";
    let mut response = json_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        message,
    );
    let allow = HeaderValue::from_static("DELETE");
    response.headers_mut().insert(header::ALLOW, allow);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_decode_one_at_a_time() {
        let target = target("/v1/organizations/o%201/projects/p/compute/images/a%2Fb").unwrap();
        assert_eq!(target.organization, "o 1");
        assert_eq!(target.project, "p");
        assert_eq!(target.image.as_deref(), Some("a/b"));

        assert_eq!(image_of("%25"), Some(Some("%".into())));
        assert_eq!(image_of("%C3%A9"), Some(Some("é".into())));
        assert_eq!(image_of("%FF"), Some(None));
        assert_eq!(image_of("..%2F"), Some(Some("../".into())));
    }

    #[test]
    fn dot_segments_are_no_target() {
        for id in [".", "..", "%2e", "%2E%2e"] {
            assert_eq!(image_of(id), None, "{id}");
        }
        assert!(target("/v1/organizations/%2E%2E/projects/p/compute/images/x").is_none());
    }

    fn image_of(id: &str) -> Option<Option<String>> {
        let path = format!("/v1/organizations/o/projects/p/compute/images/{id}");
        target(&path).map(|t| t.image)
    }
}
