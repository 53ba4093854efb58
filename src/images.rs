//! Deleting private compute images.

use std::time::Instant;

use tracing::Instrument;

use crate::retry::RetryPolicy;

use crate::client::Client;
use crate::error::Error;
use crate::hooks::capture_error_body;
use crate::path_param;

const DELETE_IMAGE: &str = "delete_image";

/// What a delete achieved when the caller tolerates an absent image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Deletion {
    /// The image existed and is now deleted.
    Deleted,
    /// The image was not there (404): nothing to do.
    AlreadyAbsent,
    /// An attempt was sent but got no answer (a timeout, or a connection
    /// that broke), and the retry found the image gone (404).
    ///
    /// Most likely the unanswered attempt deleted it; it is also possible
    /// that someone else did, or that it never existed. Reported apart from
    /// both [`Deleted`](Self::Deleted) and
    /// [`AlreadyAbsent`](Self::AlreadyAbsent) so that audits can tell.
    GoneAfterRetry,
}

/// The images of one project of one organization.
///
/// Made by [`Client::images`]. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Images {
    client: Client,
    organization: String,
    project: String,
}

impl Images {
    pub(crate) fn new(client: Client, organization: String, project: String) -> Self {
        Self {
            client,
            organization,
            project,
        }
    }

    /// The organization these images belong to.
    pub fn organization(&self) -> &str {
        &self.organization
    }

    /// The project these images belong to.
    pub fn project(&self) -> &str {
        &self.project
    }

    /// Permanently deletes a private image.
    ///
    /// # Errors
    ///
    /// `NotFound` when there is no such image here, `InUse` when an instance
    /// uses it, `Forbidden` for public platform images or a token without
    /// permission, `InvalidInput` for an id that cannot be sent (empty, `.`,
    /// `..`, too long, with a backslash or control characters), and the
    /// transport kinds when no answer arrived.
    ///
    /// Failures worth retrying are retried as the client's
    /// [`RetryPolicy`] says; the error then records the attempts made. When
    /// an unanswered attempt is followed by a 404, the image counts as
    /// deleted (see [`Deletion::GoneAfterRetry`]).
    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        self.delete_with_retries(id).await.map(|_| ())
    }

    /// Deletes an image, counting an absent one as done: for cleanup jobs
    /// that may run twice.
    ///
    /// # Errors
    ///
    /// As [`delete`](Self::delete), except that 404 is
    /// [`Deletion::AlreadyAbsent`] instead of an error.
    pub async fn delete_if_exists(&self, id: &str) -> Result<Deletion, Error> {
        match self.delete_with_retries(id).await {
            Err(error) if error.is_not_found() => Ok(Deletion::AlreadyAbsent),
            other => other,
        }
    }

    /// Deletes with the client's retry policy and rate limiter; 404 stays an
    /// error unless an earlier attempt went unanswered.
    pub(crate) async fn delete_with_retries(&self, id: &str) -> Result<Deletion, Error> {
        for (what, value) in [
            ("organization id", self.organization.as_str()),
            ("project id", self.project.as_str()),
            ("image id", id),
        ] {
            path_param::check(what, value).map_err(|e| e.with_operation(DELETE_IMAGE))?;
        }

        let policy: &RetryPolicy = self.client.retry_policy();
        let started = tokio::time::Instant::now();
        let mut waits = policy.waits();
        let mut unanswered_before = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.client.wait_for_rate_limit().await;
            let error = match self.attempt_delete(id, attempt).await {
                Ok(()) => return Ok(Deletion::Deleted),
                Err(error) if error.is_not_found() && unanswered_before => {
                    tracing::debug!(attempt, image = id, "gone after an unanswered attempt");
                    return Ok(Deletion::GoneAfterRetry);
                }
                Err(error) => error.with_attempts(attempt),
            };
            if !error.is_retryable() || attempt >= policy.attempts() {
                return Err(error);
            }
            unanswered_before |= error.outcome_is_unknown();

            let backoff = waits.next().unwrap_or_default();
            let wait = match error.retry_after() {
                Some(asked) if asked > policy.max_retry_after_delay() => {
                    tracing::debug!(
                        attempt,
                        retry_after_s = asked.as_secs(),
                        "server asks for a longer wait than the policy allows; giving up"
                    );
                    return Err(error);
                }
                Some(asked) => asked.max(backoff),
                None => backoff,
            };
            if started.elapsed().saturating_add(wait) > policy.total_budget() {
                tracing::debug!(attempt, "the wait would pass the call's budget; giving up");
                return Err(error);
            }
            tracing::debug!(
                image = id,
                attempt,
                max_attempts = policy.attempts(),
                wait_ms = wait.as_millis() as u64,
                kind = %error.kind(),
                "retrying"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// One request, with no retry.
    async fn attempt_delete(&self, id: &str, attempt: u32) -> Result<(), Error> {
        let span = tracing::debug_span!(
            "onetsolutions.request",
            operation = DELETE_IMAGE,
            organization = %self.organization,
            project = %self.project,
            image = %id,
            attempt,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let call = self
            .client
            .generated()
            .delete_image()
            .organization_id(self.organization.as_str())
            .project_id(self.project.as_str())
            .id(id)
            .send();
        let (result, body) = capture_error_body(call).instrument(span.clone()).await;

        let outcome = classify(result, body.as_ref(), self.client.secret());
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        match &outcome {
            Ok(status) => {
                span.record("status", status);
            }
            Err(error) => {
                if let Some(status) = error.status() {
                    span.record("status", status);
                }
                if let Some(id) = error.request_id() {
                    span.record("request_id", id);
                }
            }
        }
        span.in_scope(|| match &outcome {
            Ok(_) => tracing::debug!("request succeeded"),
            Err(error) => tracing::debug!(kind = %error.kind(), "request failed"),
        });
        outcome.map(|_| ())
    }
}

/// Turns what the generated client returned into the status of a success or
/// a classified error.
fn classify(
    result: Result<progenitor_client::ResponseValue<()>, progenitor_client::Error<()>>,
    body: Option<&crate::response_body::ErrorBody>,
    secret: &str,
) -> Result<u16, Error> {
    use progenitor_client::Error as Generated;

    match result {
        Ok(response) => Ok(response.status().as_u16()),
        Err(Generated::ErrorResponse(response)) => Err(Error::from_response(
            DELETE_IMAGE,
            response.status(),
            response.headers(),
            body,
            secret,
        )),
        // The schema documents 204, but any 2xx means the image was deleted.
        Err(Generated::UnexpectedResponse(response)) if response.status().is_success() => {
            Ok(response.status().as_u16())
        }
        Err(Generated::UnexpectedResponse(response)) => Err(Error::from_response(
            DELETE_IMAGE,
            response.status(),
            response.headers(),
            body,
            secret,
        )),
        Err(Generated::CommunicationError(source))
        | Err(Generated::ResponseBodyError(source))
        | Err(Generated::InvalidUpgrade(source)) => {
            Err(Error::from_transport(DELETE_IMAGE, source))
        }
        Err(Generated::InvalidRequest(message)) | Err(Generated::Custom(message)) => {
            Err(Error::invalid_input(message).with_operation(DELETE_IMAGE))
        }
        Err(Generated::InvalidResponsePayload(_, source)) => {
            Err(Error::unexpected(DELETE_IMAGE, source))
        }
    }
}
