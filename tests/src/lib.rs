//! End-to-end tests for Clientele: the real `clientele-server` binary with a
//! fresh SQLite file, serving the release-built app, driven in Debian's
//! Chromium through `chromedriver`, the way a person uses it.
//!
//! The fixtures are split by what they do:
//! - [`harness`] starts and stops the processes, and [`static_host`] serves
//!   the built app from a plain static host of its own;
//! - [`find`] locates things by the labels and roles a person sees;
//! - [`act`] does what a person does;
//! - [`check`] asserts what a person would see, and what the server holds.

pub mod act;
pub mod backend;
pub mod check;
pub mod find;
pub mod harness;
pub mod static_host;

pub use harness::Harness;

/// Every fixture fails with a message that says what a person would have
/// seen go wrong.
pub type Outcome<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;
