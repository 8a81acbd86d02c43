//! The JSON shapes of "Extract now" (`POST /api/clients/{id}/documents/extract`)
//! and of the impact shown before a deactivation.

use crate::ids::DocumentId;
use crate::impact::Impact;
use crate::reextract::Selection;
use serde::{Deserialize, Serialize};

/// Body of `POST /api/clients/{id}/documents/extract`: the documents to
/// queue, or, without `document_ids`, every document of the client that may
/// be extracted now ("Extract all now").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtractNowRequest {
    /// The documents to queue, each `not_extracted` in an active business of
    /// an active client; omit it (or send `null`) for all of them. An empty
    /// list is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 1000))]
    pub document_ids: Option<Vec<DocumentId>>,
}

impl ExtractNowRequest {
    /// What the request asks `core` for.
    pub fn selection(&self) -> Selection {
        match &self.document_ids {
            None => Selection::All,
            Some(ids) => Selection::These(ids.clone()),
        }
    }
}

/// Answer of `GET /api/clients/{id}/impact`: the impact a deactivation would
/// have, and a sentence per fact, in the order step 1 shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImpactView {
    /// The numbers.
    #[serde(flatten)]
    pub impact: Impact,
    /// One sentence per fact.
    pub points: Vec<String>,
}

impl From<Impact> for ImpactView {
    fn from(impact: Impact) -> ImpactView {
        ImpactView {
            points: impact.points(),
            impact,
        }
    }
}
