//! Clientele's domain: Solo clients, their businesses and users, and the
//! rules for deactivating and reactivating them.
//!
//! This crate is pure. It does no I/O, reads no clock and makes no ids: the
//! caller passes them in. Both the app (optimistically) and the server
//! (authoritatively) run the same functions, so every rule lives here once.
//!
//! A change is a function of state and command:
//! [`decide`] checks a [`Command`] against a [`Client`] and returns the
//! [`Event`]s it causes or a [`RuleError`]; [`apply`] folds an event into the
//! client; [`execute`] does both and raises the version.
//!
//! A deactivation or reactivation can be undone exactly: [`undo`] computes
//! the inverse from the change's recorded [`Event`], as a new change.
#![deny(missing_docs)]

pub mod bulk;
mod commands;
pub mod documents;
mod error;
pub mod extraction;
pub mod identity;
mod ids;
pub mod impact;
mod implications;
mod model;
pub mod onboarding;
pub mod permissions;
pub mod portal;
pub mod reason;
pub mod reextract;
mod rules;
pub mod schedule;
pub mod search;
pub mod undo;
pub mod wire;

pub use commands::{Command, Event};
pub use error::{ErrorKind, RuleError};
pub use ids::{BusinessId, ClientId, DocumentId, PracticeId, StaffId, UserId};
pub use implications::{Implications, Target, eligible_owners, implications};
pub use model::{
    Business, Client, ClientUser, Document, DocumentFile, Extraction, NotExtractedReason, Practice,
    Role, Status, Timestamp,
};
pub use permissions::{Action, Denied, Principal, StaffRole, allows};
pub use rules::{apply, decide, execute, extraction_for_new_document};
