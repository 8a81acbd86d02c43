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
