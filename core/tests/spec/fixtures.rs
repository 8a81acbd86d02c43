//! Clients to test the rules on, built in one place.

use clientele_core::{Business, BusinessId, Client, ClientId, ClientUser, Role, Status, UserId};

pub const OWNER: UserId = UserId(1);
pub const BOOKKEEPER: UserId = UserId(2);
pub const STRANGER: UserId = UserId(99);
pub const SHOP: BusinessId = BusinessId(10);
pub const CAFE: BusinessId = BusinessId(11);
pub const STRANGER_BUSINESS: BusinessId = BusinessId(99);

/// An active client with two active businesses and two users, at version 3.
pub fn active_client() -> Client {
    Client {
        id: ClientId(7),
        name: "Acme Trading Ltd".into(),
        code: None,
        status: Status::Active,
        version: 3,
        owner: OWNER,
        users: vec![
            ClientUser {
                id: OWNER,
                name: "Priya Shah".into(),
                email: "priya@acme.example".into(),
                role: Role::Admin,
            },
            ClientUser {
                id: BOOKKEEPER,
                name: "Ben Carter".into(),
                email: "ben@acme.example".into(),
                role: Role::Standard,
            },
        ],
        businesses: vec![
            Business {
                id: SHOP,
                name: "Acme Shop".into(),
                status: Status::Active,
                owner: OWNER,
            },
            Business {
                id: CAFE,
                name: "Acme Cafe".into(),
                status: Status::Active,
                owner: OWNER,
            },
        ],
        scheduled_deactivation: None,
        schedule_failure: None,
    }
}

/// The same client, deactivated (as R1 leaves it).
pub fn deactivated_client() -> Client {
    let mut client = active_client();
    client.status = Status::Deactivated;
    for business in &mut client.businesses {
        business.status = Status::Deactivated;
    }
    client
}

/// The active client with its cafe deactivated on its own.
pub fn client_with_deactivated_cafe() -> Client {
    let mut client = active_client();
    client.businesses[1].status = Status::Deactivated;
    client
}
