//! The client that progenitor generates from `openapi/onetsolutions.yaml`.
//!
//! It is public so that an operation the schema gains is usable before the
//! hand-written layer wraps it. Prefer [`crate::Client`] for the operations it
//! covers: it adds credentials, error classification, retries and rate limits.

// Generated code follows the generator's style, not ours.
#![allow(missing_docs, unused_imports, clippy::all, clippy::pedantic)]
#![allow(rustdoc::broken_intra_doc_links, rustdoc::bare_urls)]

include!(concat!(env!("OUT_DIR"), "/client.rs"));

/// Operation id, HTTP method and path template of every operation in the schema.
pub mod operations {
    include!(concat!(env!("OUT_DIR"), "/operations.rs"));
}
