//! Hooks into the generated client: the path guard and error-body capture.
//!
//! Progenitor calls these around every request of every generated operation,
//! so the generated client keeps the guard even when used directly.

use std::cell::RefCell;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::generated::operations::OPERATIONS;
use crate::generated::Client;
use crate::path_param;
use crate::response_body::ErrorBody;

tokio::task_local! {
    /// Where the body of an error response goes while the layer runs a call.
    ///
    /// The generated code keeps only the status and headers of documented
    /// error responses; the layer still wants the server's message.
    static CAPTURED_ERROR_BODY: RefCell<Option<ErrorBody>>;
}

/// Runs `call` and returns its output with the error body it received, if any.
pub(crate) async fn capture_error_body<F: std::future::Future>(
    call: F,
) -> (F::Output, Option<ErrorBody>) {
    CAPTURED_ERROR_BODY
        .scope(RefCell::new(None), async {
            let output = call.await;
            let body = CAPTURED_ERROR_BODY.with(|slot| slot.borrow_mut().take());
            (output, body)
        })
        .await
}

impl ClientHooks<()> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let Some((_, _, template)) = OPERATIONS
            .iter()
            .find(|(id, _, _)| *id == info.operation_id)
        else {
            return Ok(());
        };
        let base_path = path_param::base_path(self.baseurl());
        if path_param::matches_template(base_path, template, request.url().path()) {
            Ok(())
        } else {
            Err(progenitor_client::Error::InvalidRequest(format!(
                "a path parameter of {} was not sent as one path segment",
                info.operation_id
            )))
        }
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let mut response = self.client().execute(request).await?;
        let wanted = CAPTURED_ERROR_BODY.try_with(|_| ()).is_ok();
        if wanted && !response.status().is_success() {
            let body = ErrorBody::read(&mut response).await;
            CAPTURED_ERROR_BODY.with(|slot| *slot.borrow_mut() = Some(body));
        }
        Ok(response)
    }
}
