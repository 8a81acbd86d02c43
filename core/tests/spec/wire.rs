//! The shared wire shapes: their JSON and the tab counts.

use clientele_core::Status;
use clientele_core::wire::{ActivityAction, ErrorBody, ErrorDetail, StatusCounts};

#[test]
fn moving_a_client_moves_one_from_a_tab_count_to_the_other() {
    let counts = StatusCounts {
        active: 35,
        deactivated: 5,
    };
    let moved = counts.moved(Status::Active, Status::Deactivated);
    assert_eq!((moved.active, moved.deactivated), (34, 6));
    assert_eq!(moved.moved(Status::Deactivated, Status::Active), counts);
}

#[test]
fn moving_to_the_same_tab_changes_no_count() {
    let counts = StatusCounts {
        active: 1,
        deactivated: 0,
    };
    assert_eq!(counts.moved(Status::Active, Status::Active), counts);
}

#[test]
fn activity_actions_round_trip_through_their_wire_names() {
    for action in [
        ActivityAction::ClientDeactivated,
        ActivityAction::ClientReactivated,
        ActivityAction::BusinessDeactivated,
        ActivityAction::BusinessReactivated,
    ] {
        assert_eq!(ActivityAction::parse(action.as_str()), Some(action));
        let json = serde_json::to_value(action).unwrap();
        assert_eq!(json, action.as_str());
    }
    assert_eq!(ActivityAction::parse("client_deleted"), None);
}

#[test]
fn an_error_body_without_a_client_has_only_the_error() {
    let body = ErrorBody {
        error: ErrorDetail {
            code: "owner_not_in_account".into(),
            message: "No.".into(),
        },
        client: None,
        changed_by: None,
    };
    let json = serde_json::to_value(&body).unwrap();
    assert_eq!(
        json,
        serde_json::json!({ "error": { "code": "owner_not_in_account", "message": "No." } })
    );
}

#[test]
fn statuses_parse_only_their_wire_names() {
    assert_eq!(Status::parse("active"), Some(Status::Active));
    assert_eq!(Status::parse("deactivated"), Some(Status::Deactivated));
    assert_eq!(Status::parse("Active"), None);
    assert_eq!(Status::Deactivated.as_str(), "deactivated");
}

#[test]
fn a_signed_in_user_is_the_principal_their_kind_and_role_say() {
    use clientele_core::wire::{ClientRef, SessionRole, SessionUser, UserKind};
    use clientele_core::{ClientId, Practice, PracticeId, Principal, StaffId, StaffRole, UserId};
    let practice = Practice {
        id: PracticeId(2),
        name: "Northgate Accounts".into(),
    };
    let mut user = SessionUser {
        id: 5,
        name: "Ada".into(),
        email: "admin@northgate.example".into(),
        kind: UserKind::Staff,
        role: SessionRole::PracticeAdmin,
        practice,
        client: None,
    };
    assert_eq!(
        user.principal(),
        Some(Principal::Staff {
            id: StaffId(5),
            practice: PracticeId(2),
            role: StaffRole::PracticeAdmin
        })
    );
    user.kind = UserKind::Client;
    assert_eq!(user.principal(), None, "a client user needs an account");
    user.role = SessionRole::Standard;
    user.client = Some(ClientRef {
        id: ClientId(9),
        name: "Acme".into(),
    });
    assert_eq!(
        user.principal(),
        Some(Principal::ClientUser {
            id: UserId(5),
            practice: PracticeId(2),
            client: ClientId(9)
        })
    );
    let json = serde_json::to_value(&user).unwrap();
    assert_eq!(json["kind"], "client");
    assert_eq!(json["role"], "standard");
    assert_eq!(json["practice"]["name"], "Northgate Accounts");
}
