//! What the API's document calls take: whose side a business's documents
//! are read and added from, and how much of a file has gone up.

use clientele_core::BusinessId;

/// Whose side a business's documents are read and added from: the
/// practice's, or the client's own account through the portal. The server
/// has a route for each, and checks the caller against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentScope {
    /// The practice's staff: `/api/businesses/{id}/documents`.
    Practice(BusinessId),
    /// A user of the client's own account: `/api/portal/businesses/{id}/documents`.
    Portal(BusinessId),
}

impl DocumentScope {
    /// The business whose documents these are.
    pub fn business(self) -> BusinessId {
        match self {
            DocumentScope::Practice(business) | DocumentScope::Portal(business) => business,
        }
    }

    /// The path that lists the business's documents and takes new ones.
    pub(super) fn path(self) -> String {
        match self {
            DocumentScope::Practice(business) => format!("/api/businesses/{business}/documents"),
            DocumentScope::Portal(business) => {
                format!("/api/portal/businesses/{business}/documents")
            }
        }
    }
}

/// How much of a file has gone up so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes sent.
    pub sent: u64,
    /// Bytes to send in all.
    pub total: u64,
}

/// Told each time more of a file has gone up.
pub type OnProgress = Box<dyn Fn(Progress)>;
