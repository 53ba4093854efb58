//! Typed [`httpmock`] mocks of the API, for testing code built on this
//! crate (feature `httpmock`).
//!
//! [`MockServerExt`] adds one method per operation to
//! [`httpmock::MockServer`]. Point a [`Client`](crate::Client) at the mock
//! server and the code under test runs unchanged:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), onetsolutions::Error> {
//! use onetsolutions::mock::MockServerExt;
//!
//! let server = httpmock::MockServer::start_async().await;
//! let busy = server
//!     .delete_image_async(|when, then| {
//!         when.id("img-1");
//!         then.in_use().message("Image is in use").request_id("req-1");
//!     })
//!     .await;
//!
//! let client = onetsolutions::Client::builder()
//!     .base_url(server.base_url())
//!     .credentials(onetsolutions::Credentials::new("sk-onetsolutions-test")?)
//!     .build()?;
//! let error = client.images("org", "project").delete("img-1").await.unwrap_err();
//! assert!(error.is_in_use());
//! assert_eq!(error.message(), Some("Image is in use"));
//! busy.assert_async().await;
//! # Ok(())
//! # }
//! ```
//!
//! A request that no mock matches gets httpmock's 404 without a body, which
//! the client reports as [`ErrorKind::NotFound`](crate::ErrorKind::NotFound).
//!
//! [`generated`] holds progenitor's own extension, whose matchers are not
//! exact; use it only for operations this module does not cover yet.

use std::future::Future;

use httpmock::{Mock, MockServer};

pub mod generated;
mod path;
mod then;
mod when;

pub use then::{DeleteImageThen, ErrorResponse};
pub use when::DeleteImageWhen;

/// Adds a typed mock method per operation to [`MockServer`].
///
/// Sealed: only [`MockServer`] implements it, so that operations the
/// schema gains can be added without breaking anyone.
pub trait MockServerExt: sealed::Sealed {
    /// Mocks `delete_image`, the `DELETE` of one image; see
    /// [`DeleteImageWhen`] and [`DeleteImageThen`].
    fn delete_image<F>(&self, config: F) -> Mock<'_>
    where
        F: FnOnce(DeleteImageWhen, DeleteImageThen);

    /// As [`delete_image`](Self::delete_image), for async tests.
    fn delete_image_async<F>(&self, config: F) -> impl Future<Output = Mock<'_>>
    where
        F: FnOnce(DeleteImageWhen, DeleteImageThen);
}

impl MockServerExt for MockServer {
    fn delete_image<F>(&self, config: F) -> Mock<'_>
    where
        F: FnOnce(DeleteImageWhen, DeleteImageThen),
    {
        self.mock(|when, then| config(DeleteImageWhen::new(when), DeleteImageThen::new(then)))
    }

    fn delete_image_async<F>(&self, config: F) -> impl Future<Output = Mock<'_>>
    where
        F: FnOnce(DeleteImageWhen, DeleteImageThen),
    {
        self.mock_async(|when, then| config(DeleteImageWhen::new(when), DeleteImageThen::new(then)))
    }
}

mod sealed {
    pub trait Sealed {}

    impl Sealed for httpmock::MockServer {}
}
