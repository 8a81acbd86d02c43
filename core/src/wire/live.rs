//! The live updates' shapes: what `GET /api/events` (Server-Sent Events)
//! sends when a client changes, and the names of its events.

use crate::ids::ClientId;
use serde::{Deserialize, Serialize};

/// The event a change sends: `event: client_changed`.
pub const CLIENT_CHANGED: &str = "client_changed";
/// The event that says events were missed and what is shown must be read
/// again: `event: resync`.
pub const RESYNC: &str = "resync";
/// The event that says the stream is live from here: `event: ready`.
pub const READY: &str = "ready";

/// The data of a `client_changed` event: which client, its version now, and
/// who changed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientChanged {
    /// The client's id.
    pub client_id: ClientId,
    /// The client's version after the change.
    pub version: u64,
    /// The name of the person who made the change.
    pub actor: String,
}
