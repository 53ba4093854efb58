//! The httpmock extension that progenitor generates from the same schema.
//!
//! Prefer [`crate::mock::MockServerExt`]: these matchers put values into
//! regular expressions as given, so an id `a.b` also matches `axb`, an id
//! with `(` panics, and an id that the client percent-encodes is never
//! matched. They are public for operations the typed layer does not wrap
//! yet, and the layer builds on their method and path checks.

// Generated code follows the generator's style, not ours.
#![allow(missing_docs, unused_imports, clippy::all, clippy::pedantic)]

include!(concat!(env!("OUT_DIR"), "/httpmock.rs"));
