//! Who may do what: every kind of principal against every action.

use clientele_core::permissions::{follows_changes_of, who_can_change};
use clientele_core::{
    Action, ClientId, Command, Denied, PracticeId, Principal, StaffId, StaffRole, UserId, allows,
};

fn admin() -> Principal {
    Principal::Staff {
        id: StaffId(1),
        practice: PracticeId(1),
        role: StaffRole::PracticeAdmin,
    }
}

fn staff() -> Principal {
    Principal::Staff {
        id: StaffId(2),
        practice: PracticeId(1),
        role: StaffRole::Staff,
    }
}

fn client_user() -> Principal {
    Principal::ClientUser {
        id: UserId(3),
        practice: PracticeId(1),
        client: ClientId(4),
    }
}

#[test]
fn every_role_against_every_action() {
    use Action::*;
    let expected: [(Principal, Action, Result<(), Denied>); 45] = [
        (admin(), ReadClients, Ok(())),
        (admin(), AddDocument, Ok(())),
        (admin(), DeactivateClient, Ok(())),
        (admin(), ReactivateClient, Ok(())),
        (admin(), DeactivateBusiness, Ok(())),
        (admin(), ReactivateBusiness, Ok(())),
        (staff(), ReadClients, Ok(())),
        (staff(), AddDocument, Ok(())),
        (staff(), DeactivateClient, Err(Denied::PracticeAdminOnly)),
        (staff(), ReactivateClient, Err(Denied::PracticeAdminOnly)),
        (staff(), DeactivateBusiness, Err(Denied::PracticeAdminOnly)),
        (staff(), ReactivateBusiness, Err(Denied::PracticeAdminOnly)),
        (client_user(), ReadClients, Err(Denied::PracticeStaffOnly)),
        (client_user(), AddDocument, Err(Denied::PracticeStaffOnly)),
        (
            client_user(),
            DeactivateClient,
            Err(Denied::PracticeStaffOnly),
        ),
        (
            client_user(),
            ReactivateClient,
            Err(Denied::PracticeStaffOnly),
        ),
        (
            client_user(),
            DeactivateBusiness,
            Err(Denied::PracticeStaffOnly),
        ),
        (
            client_user(),
            ReactivateBusiness,
            Err(Denied::PracticeStaffOnly),
        ),
        (admin(), ReadOwnAccount, Err(Denied::ClientUsersOnly)),
        (admin(), AddOwnDocument, Err(Denied::ClientUsersOnly)),
        (admin(), DownloadDocument, Ok(())),
        (staff(), ReadOwnAccount, Err(Denied::ClientUsersOnly)),
        (staff(), AddOwnDocument, Err(Denied::ClientUsersOnly)),
        (staff(), DownloadDocument, Ok(())),
        (client_user(), ReadOwnAccount, Ok(())),
        (client_user(), AddOwnDocument, Ok(())),
        (client_user(), DownloadDocument, Ok(())),
        (admin(), RetryExtraction, Ok(())),
        (staff(), RetryExtraction, Ok(())),
        (client_user(), RetryExtraction, Ok(())),
        (admin(), EditClients, Ok(())),
        (staff(), EditClients, Ok(())),
        (client_user(), EditClients, Err(Denied::PracticeStaffOnly)),
        (admin(), ImportClients, Ok(())),
        (staff(), ImportClients, Err(Denied::ImportAdminOnly)),
        (client_user(), ImportClients, Err(Denied::PracticeStaffOnly)),
        (admin(), UndoChange, Ok(())),
        (staff(), UndoChange, Err(Denied::PracticeAdminOnly)),
        (client_user(), UndoChange, Err(Denied::PracticeStaffOnly)),
        (admin(), ExtractNow, Ok(())),
        (staff(), ExtractNow, Err(Denied::ExtractAdminOnly)),
        (client_user(), ExtractNow, Err(Denied::PracticeStaffOnly)),
        (admin(), ScheduleDeactivation, Ok(())),
        (
            staff(),
            ScheduleDeactivation,
            Err(Denied::PracticeAdminOnly),
        ),
        (
            client_user(),
            ScheduleDeactivation,
            Err(Denied::PracticeStaffOnly),
        ),
    ];
    for (principal, action, outcome) in expected {
        assert_eq!(
            allows(&principal, action),
            outcome,
            "{principal:?} taking {action:?}"
        );
    }
    // The table covers every action for every principal.
    for principal in [admin(), staff(), client_user()] {
        for action in Action::ALL {
            assert!(
                expected
                    .iter()
                    .any(|(p, a, _)| *p == principal && *a == action),
                "{principal:?} taking {action:?} is missing from the table"
            );
        }
    }
}

#[test]
fn every_refusal_is_forbidden_with_a_sentence() {
    for denied in [
        Denied::PracticeAdminOnly,
        Denied::PracticeStaffOnly,
        Denied::ClientUsersOnly,
        Denied::ImportAdminOnly,
        Denied::ExtractAdminOnly,
    ] {
        assert_eq!(denied.code(), "forbidden");
        assert!(denied.to_string().ends_with('.'));
    }
}

#[test]
fn each_command_is_its_own_activation_action() {
    let owner = UserId(1);
    let business = clientele_core::BusinessId(2);
    let pairs = [
        (
            Command::DeactivateClient {
                new_owner_id: owner,
                reason: None,
            },
            Action::DeactivateClient,
        ),
        (Command::ReactivateClient, Action::ReactivateClient),
        (
            Command::DeactivateBusiness {
                business_id: business,
                new_owner_id: owner,
                reason: None,
            },
            Action::DeactivateBusiness,
        ),
        (
            Command::ReactivateBusiness {
                business_id: business,
            },
            Action::ReactivateBusiness,
        ),
    ];
    for (command, action) in pairs {
        assert_eq!(Action::of(&command), action);
        assert!(action.is_activation_change());
    }
    for other in [
        Action::ReadClients,
        Action::AddDocument,
        Action::ReadOwnAccount,
        Action::AddOwnDocument,
        Action::DownloadDocument,
        Action::RetryExtraction,
    ] {
        assert!(!other.is_activation_change());
    }
}

#[test]
fn only_those_who_cannot_change_clients_are_told_who_can() {
    assert_eq!(who_can_change(&admin()), None);
    assert!(who_can_change(&staff()).unwrap().contains("practice admin"));
}

#[test]
fn a_principal_knows_its_practice() {
    assert_eq!(admin().practice(), PracticeId(1));
    assert_eq!(client_user().practice(), PracticeId(1));
}

#[test]
fn staff_follow_every_client_of_their_practice_and_no_other() {
    for principal in [admin(), staff()] {
        assert!(follows_changes_of(&principal, PracticeId(1), ClientId(4)));
        assert!(follows_changes_of(&principal, PracticeId(1), ClientId(9)));
        assert!(!follows_changes_of(&principal, PracticeId(2), ClientId(4)));
    }
}

#[test]
fn a_client_user_follows_only_their_own_account() {
    assert!(follows_changes_of(
        &client_user(),
        PracticeId(1),
        ClientId(4)
    ));
    assert!(!follows_changes_of(
        &client_user(),
        PracticeId(1),
        ClientId(5)
    ));
    assert!(!follows_changes_of(
        &client_user(),
        PracticeId(2),
        ClientId(4)
    ));
}
