//! Exact undo of a deactivation or reactivation: as sentences, and as the
//! property that applying a change and then undoing it gives the state
//! before (but for the version, which rises by two: undo is a change too).

use crate::fixtures::*;
use clientele_core::undo::{Recorded, UNDO_ACCEPTED_MS, UNDO_OFFERED_MS, can_be_undone};
use clientele_core::{
    Business, BusinessId, Client, ClientId, ClientUser, Command, ErrorKind, Event, Role, RuleError,
    Status, Timestamp, UserId, execute,
};
use proptest::prelude::*;

const MADE_AT: Timestamp = Timestamp(1_000_000);

/// Executes `command` on `client` and returns the client after it and the
/// change as a store would record it.
fn record(client: &Client, command: &Command) -> (Client, Recorded) {
    let (after, mut events) = execute(client, client.version, command).unwrap();
    assert_eq!(events.len(), 1);
    let recorded = Recorded {
        version: after.version,
        event: events.remove(0),
        at: MADE_AT,
    };
    (after, recorded)
}

fn undo(change: &Recorded, after_ms: i64) -> Command {
    Command::UndoChange {
        change: Some(Box::new(change.clone())),
        at: Timestamp(change.at.0 + after_ms),
    }
}

/// `client` with its version raised by `by`, to compare the state only.
fn bumped(client: &Client, by: u64) -> Client {
    Client {
        version: client.version + by,
        ..client.clone()
    }
}

#[test]
fn undoing_a_client_deactivation_puts_back_the_owner_the_role_and_the_businesses() {
    let before = client_with_deactivated_cafe();
    let command = Command::DeactivateClient {
        new_owner_id: BOOKKEEPER,
        reason: None,
    };
    let (after, change) = record(&before, &command);
    assert_eq!(after.user(BOOKKEEPER).unwrap().role, Role::Admin);
    let (undone, events) = execute(&after, after.version, &undo(&change, 2_000)).unwrap();
    assert_eq!(undone, bumped(&before, 2));
    // The cafe was deactivated before: undo leaves it so.
    assert_eq!(undone.business(CAFE).unwrap().status, Status::Deactivated);
    assert_eq!(undone.business(SHOP).unwrap().status, Status::Active);
    assert_eq!(undone.owner, OWNER);
    assert_eq!(undone.user(BOOKKEEPER).unwrap().role, Role::Standard);
    assert!(matches!(
        events.as_slice(),
        [Event::ChangeUndone {
            undone_version: 4,
            ..
        }]
    ));
}

#[test]
fn undoing_a_client_reactivation_deactivates_it_again() {
    let before = deactivated_client();
    let (after, change) = record(&before, &Command::ReactivateClient);
    let (undone, _) = execute(&after, after.version, &undo(&change, 0)).unwrap();
    assert_eq!(undone, bumped(&before, 2));
}

#[test]
fn undoing_a_business_deactivation_puts_back_its_owner_and_status() {
    let before = active_client();
    let command = Command::DeactivateBusiness {
        business_id: CAFE,
        new_owner_id: BOOKKEEPER,
        reason: None,
    };
    let (after, change) = record(&before, &command);
    let (undone, _) = execute(&after, after.version, &undo(&change, 0)).unwrap();
    assert_eq!(undone, bumped(&before, 2));
}

#[test]
fn undoing_a_business_reactivation_deactivates_it_again() {
    let before = client_with_deactivated_cafe();
    let command = Command::ReactivateBusiness { business_id: CAFE };
    let (after, change) = record(&before, &command);
    let (undone, _) = execute(&after, after.version, &undo(&change, 0)).unwrap();
    assert_eq!(undone, bumped(&before, 2));
}

#[test]
fn undo_is_refused_when_someone_changed_the_client_in_between() {
    let before = active_client();
    let command = Command::DeactivateBusiness {
        business_id: CAFE,
        new_owner_id: BOOKKEEPER,
        reason: None,
    };
    let (after, change) = record(&before, &command);
    let rename = Command::RenameBusiness {
        business_id: SHOP,
        name: "Acme Store".into(),
    };
    let (renamed, _) = execute(&after, after.version, &rename).unwrap();
    let error = execute(&renamed, renamed.version, &undo(&change, 0)).unwrap_err();
    assert_eq!(
        error,
        RuleError::ChangedSince {
            undone: 4,
            actual: 5
        }
    );
    assert_eq!(error.kind(), ErrorKind::Conflict);
    assert_eq!(error.code(), "changed_since");
    assert!(
        error
            .to_string()
            .contains("someone changed the client in between")
    );
}

#[test]
fn undo_is_accepted_a_little_past_the_ten_seconds_it_is_offered_and_no_later() {
    let before = client_with_deactivated_cafe();
    let (after, change) = record(&before, &Command::ReactivateBusiness { business_id: CAFE });
    assert_eq!(UNDO_OFFERED_MS, 10_000);
    const { assert!(UNDO_ACCEPTED_MS > UNDO_OFFERED_MS) };
    assert!(execute(&after, after.version, &undo(&change, UNDO_ACCEPTED_MS)).is_ok());
    let error = execute(&after, after.version, &undo(&change, UNDO_ACCEPTED_MS + 1)).unwrap_err();
    assert_eq!(error, RuleError::UndoExpired);
    assert_eq!(error.code(), "undo_expired");
}

#[test]
fn there_is_nothing_to_undo_without_a_recorded_change() {
    let client = active_client();
    let command = Command::UndoChange {
        change: None,
        at: MADE_AT,
    };
    let error = execute(&client, client.version, &command).unwrap_err();
    assert_eq!(error, RuleError::NothingToUndo);
    assert_eq!(error.code(), "nothing_to_undo");
}

#[test]
fn only_the_four_activation_changes_can_be_undone() {
    let before = active_client();
    let rename = Command::RenameBusiness {
        business_id: SHOP,
        name: "Acme Store".into(),
    };
    let (after, change) = record(&before, &rename);
    assert!(!can_be_undone(&change.event));
    let error = execute(&after, after.version, &undo(&change, 0)).unwrap_err();
    assert_eq!(error, RuleError::NothingToUndo);
    // Nor can an undo itself: it is not offered again.
    let deactivate = Command::DeactivateBusiness {
        business_id: CAFE,
        new_owner_id: OWNER,
        reason: None,
    };
    let (after, change) = record(&before, &deactivate);
    let (undone, change) = record(&after, &undo(&change, 0));
    assert!(!can_be_undone(&change.event));
    let error = execute(&undone, undone.version, &undo(&change, 0)).unwrap_err();
    assert_eq!(error, RuleError::NothingToUndo);
}

#[test]
fn a_deactivation_recorded_before_undo_existed_still_reads_but_cannot_be_undone() {
    let old = r#"{"type":"client_deactivated","new_owner_id":2,"reason":null}"#;
    let event: Event = serde_json::from_str(old).unwrap();
    assert_eq!(
        event,
        Event::ClientDeactivated {
            new_owner_id: BOOKKEEPER,
            reason: None,
            previous_owner_id: None,
            granted_admin: false,
            deactivated_businesses: None,
        }
    );
    assert!(!can_be_undone(&event));
    let client = deactivated_client();
    let change = Recorded {
        version: client.version,
        event,
        at: MADE_AT,
    };
    let error = execute(&client, client.version, &undo(&change, 0)).unwrap_err();
    assert_eq!(error, RuleError::NothingToUndo);
}

#[test]
fn a_recorded_change_reads_back_as_it_was_written() {
    let (_, change) = record(
        &active_client(),
        &Command::DeactivateClient {
            new_owner_id: BOOKKEEPER,
            reason: Some("Moved".into()),
        },
    );
    let json = serde_json::to_string(&change).unwrap();
    assert_eq!(serde_json::from_str::<Recorded>(&json).unwrap(), change);
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![Just(Status::Active), Just(Status::Deactivated)]
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![Just(Role::Admin), Just(Role::Standard)]
}

/// A consistent client with users of any role, any of them the owner, and
/// businesses owned by any of them; no active business under a deactivated
/// client.
fn client() -> impl Strategy<Value = Client> {
    (1..=4u64)
        .prop_flat_map(|users| {
            (
                status(),
                prop::collection::vec(role(), users as usize),
                1..=users,
                prop::collection::vec((status(), 1..=users), 0..=4),
                0..50u64,
            )
        })
        .prop_map(
            |(client_status, roles, owner, businesses, version)| Client {
                id: ClientId(1),
                name: "Random Client".into(),
                code: None,
                status: client_status,
                version,
                scheduled_deactivation: None,
                schedule_failure: None,
                owner: UserId(owner),
                users: roles
                    .into_iter()
                    .enumerate()
                    .map(|(index, role)| ClientUser {
                        id: UserId(index as u64 + 1),
                        name: format!("User {index}"),
                        email: format!("user{index}@example.com"),
                        role,
                    })
                    .collect(),
                businesses: businesses
                    .into_iter()
                    .enumerate()
                    .map(|(index, (status, owner))| Business {
                        id: BusinessId(10 + index as u64),
                        name: format!("Business {index}"),
                        status: if client_status == Status::Deactivated {
                            Status::Deactivated
                        } else {
                            status
                        },
                        owner: UserId(owner),
                    })
                    .collect(),
            },
        )
}

/// One of the four activation commands, naming users 1..=4 and businesses
/// 10..=13 (so some are refused, and only accepted ones are undone).
fn activation() -> impl Strategy<Value = Command> {
    let user = (1..=4u64).prop_map(UserId);
    let business = (10..=13u64).prop_map(BusinessId);
    prop_oneof![
        (user.clone(), proptest::option::of("[a-z ]{0,12}")).prop_map(|(id, reason)| {
            Command::DeactivateClient {
                new_owner_id: id,
                reason,
            }
        }),
        Just(Command::ReactivateClient),
        (business.clone(), user).prop_map(|(business_id, new_owner_id)| {
            Command::DeactivateBusiness {
                business_id,
                new_owner_id,
                reason: None,
            }
        }),
        business.prop_map(|business_id| Command::ReactivateBusiness { business_id }),
    ]
}

proptest! {
    #[test]
    fn applying_an_activation_change_then_undoing_it_gives_the_state_before(
        before in client(),
        command in activation(),
        after_ms in 0..=UNDO_ACCEPTED_MS,
    ) {
        if let Ok((after, mut events)) = execute(&before, before.version, &command) {
            prop_assert!(can_be_undone(&events[0]));
            let change = Recorded { version: after.version, event: events.remove(0), at: MADE_AT };
            let (undone, _) = execute(&after, after.version, &undo(&change, after_ms))
                .map_err(|error| TestCaseError::fail(error.to_string()))?;
            prop_assert_eq!(undone, bumped(&before, 2));
        }
    }

    #[test]
    fn undo_is_refused_after_any_other_change_and_changes_nothing(
        before in client(),
        command in activation(),
        next in activation(),
    ) {
        if let Ok((after, mut events)) = execute(&before, before.version, &command)
            && let Ok((later, _)) = execute(&after, after.version, &next)
        {
            let change = Recorded { version: after.version, event: events.remove(0), at: MADE_AT };
            let error = execute(&later, later.version, &undo(&change, 0)).unwrap_err();
            prop_assert_eq!(
                error,
                RuleError::ChangedSince { undone: after.version, actual: later.version }
            );
        }
    }
}
