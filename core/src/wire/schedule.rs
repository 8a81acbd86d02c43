//! The bodies of the scheduled-deactivation endpoints
//! (`POST /api/clients/{id}/schedule` and `…/schedule/cancel`).

use crate::ids::UserId;
use serde::{Deserialize, Serialize};

/// Body of `POST /api/clients/{id}/schedule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleDeactivationRequest {
    /// The client version the change is made against.
    pub expected_version: u64,
    /// The day (`YYYY-MM-DD`, after today); it takes effect at 00:00 UTC.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub on: String,
    /// Who is to become account owner and admin.
    pub new_owner_id: UserId,
    /// Why, for the activity log: at most 500 characters; blank means none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::reason::schema))]
    pub reason: Option<String>,
}

/// Body of `POST /api/clients/{id}/schedule/cancel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelScheduleRequest {
    /// The client version the change is made against.
    pub expected_version: u64,
}
