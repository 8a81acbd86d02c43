//! The portal's shapes: a client account, as its own users see it
//! (`GET /api/portal`).

use crate::ids::{BusinessId, ClientId, UserId};
use crate::model::{Practice, Role, Status};
use serde::{Deserialize, Serialize};

/// One business of the account, as its own users see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalBusiness {
    /// The business's id.
    pub id: BusinessId,
    /// Its name.
    pub name: String,
    /// Active or deactivated.
    pub status: Status,
    /// Says the practice no longer manages it, when it alone is deactivated.
    pub banner: Option<String>,
}

/// The signed-in client user, as the portal names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalMe {
    /// Their user id.
    pub id: UserId,
    /// Their name.
    pub name: String,
    /// Their email.
    pub email: String,
    /// Their role in the account, `admin` or `standard`.
    pub role: Role,
    /// "Account owner", "Admin" or "Standard".
    pub role_label: String,
}

/// The client account, as its own users see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalAccount {
    /// The client's id.
    pub id: ClientId,
    /// The client's name.
    pub name: String,
    /// Active, or deactivated by the practice.
    pub status: Status,
    /// Says the practice no longer manages the account, when deactivated.
    pub banner: Option<String>,
}

/// `GET /api/portal`: the account, its practice, the signed-in user and the
/// account's businesses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Portal {
    /// The account.
    pub account: PortalAccount,
    /// The practice that manages (or managed) it.
    pub practice: Practice,
    /// The signed-in user.
    pub me: PortalMe,
    /// The account's businesses, in their stored order.
    pub businesses: Vec<PortalBusiness>,
}
