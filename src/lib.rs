#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod generated;

#[cfg(feature = "sandbox")]
pub mod sandbox;

#[cfg(feature = "schema")]
pub mod schema;
