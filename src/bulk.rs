//! Deleting many images with bounded concurrency.

use futures::stream::{Stream, StreamExt};

use crate::error::Error;
use crate::images::{Deletion, Images};

/// How a bulk delete runs; every setting has a default.
#[must_use]
#[derive(Clone, Copy, Debug)]
pub struct BulkOptions {
    concurrency: usize,
    absent_is_done: bool,
}

impl Default for BulkOptions {
    fn default() -> Self {
        Self {
            concurrency: 8,
            absent_is_done: true,
        }
    }
}

impl BulkOptions {
    /// How many deletes may be in flight at once; at least 1. Default: 8.
    ///
    /// The client's rate limiter still applies, so a higher number mostly
    /// hides latency rather than raising the request rate.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Whether an image that is not there (404) counts as done,
    /// [`Deletion::AlreadyAbsent`], rather than a `NotFound` error.
    /// Default: true.
    pub fn absent_is_done(mut self, absent_is_done: bool) -> Self {
        self.absent_is_done = absent_is_done;
        self
    }
}

/// The outcome for one id of a bulk delete.
#[derive(Debug)]
pub struct BulkOutcome {
    /// The image id, as given.
    pub id: String,
    /// What happened to it.
    pub result: Result<Deletion, Error>,
}

impl Images {
    /// Deletes every id the stream yields, with the client's retry policy and
    /// rate limiter, at most `concurrency` at a time,
    /// and yields one outcome per id as each completes (not in input order).
    ///
    /// Ids are pulled from `ids` only as room frees up, so a stream of a
    /// million ids holds no more than the in-flight ones in memory. Dropping
    /// the returned stream cancels the deletes in flight; no task is left
    /// behind. A plain list works through `futures::stream::iter`.
    pub fn delete_many<S>(
        &self,
        ids: S,
        options: BulkOptions,
    ) -> impl Stream<Item = BulkOutcome> + Send + 'static
    where
        S: Stream<Item = String> + Send + 'static,
    {
        let images = self.clone();
        ids.map(move |id| {
            let images = images.clone();
            async move {
                let result = match images.delete_with_retries(&id).await {
                    Err(error) if error.is_not_found() && options.absent_is_done => {
                        Ok(Deletion::AlreadyAbsent)
                    }
                    other => other,
                };
                BulkOutcome { id, result }
            }
        })
        .buffer_unordered(options.concurrency)
    }
}
