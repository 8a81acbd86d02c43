//! Newtype ids, so a business id can never be passed where a user id belongs.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// Identifies a bookkeeping practice.
    PracticeId
);
id_type!(
    /// Identifies a Solo client (the account of a small business or sole trader).
    ClientId
);
id_type!(
    /// Identifies one business inside a client's account.
    BusinessId
);
id_type!(
    /// Identifies a user of a client's account.
    UserId
);
id_type!(
    /// Identifies a document (a receipt or invoice) sent in for extraction.
    DocumentId
);
id_type!(
    /// Identifies a member of a practice's staff.
    StaffId
);
