//! The everyday edits of a client, decided and applied like the activation
//! rules: a new client, its name and code, its businesses and its users.

use crate::fixtures::*;
use clientele_core::onboarding::{Draft, NewIds, OnboardingError, new_client};
use clientele_core::wire::ActivityAction;
use clientele_core::{
    Action, BusinessId, ClientId, Command, ErrorKind, Role, RuleError, Status, UserId, execute,
};

fn edited(command: Command) -> Result<clientele_core::Client, RuleError> {
    let client = active_client();
    execute(&client, client.version, &command).map(|(client, _)| client)
}

fn refusal(client: &clientele_core::Client, command: Command) -> RuleError {
    execute(client, client.version, &command).expect_err("the command should be refused")
}

#[test]
fn a_new_client_is_active_at_version_1_and_its_first_user_owns_it_all() {
    let businesses = vec!["  Acme Shop ".to_owned(), "Acme Cafe".to_owned()];
    let ids = NewIds {
        client: ClientId(40),
        user: UserId(41),
        businesses: vec![BusinessId(42), BusinessId(43)],
    };
    let draft = Draft {
        name: " Acme Trading Ltd ",
        code: Some(" AC-01 "),
        businesses: &businesses,
        user_name: "Priya Shah",
        user_email: " Priya@Acme.Example ",
    };
    let client = new_client(&ids, &draft).unwrap();
    assert_eq!(client.name, "Acme Trading Ltd");
    assert_eq!(client.code.as_deref(), Some("AC-01"));
    assert_eq!((client.status, client.version), (Status::Active, 1));
    assert_eq!(client.owner, UserId(41));
    assert_eq!(client.users.len(), 1);
    assert_eq!(client.users[0].email, "priya@acme.example");
    assert_eq!(client.users[0].role, Role::Admin);
    let names: Vec<_> = client.businesses.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["Acme Shop", "Acme Cafe"]);
    assert!(
        client
            .businesses
            .iter()
            .all(|b| b.owner == UserId(41) && b.status == Status::Active)
    );
}

#[test]
fn a_new_client_needs_a_name_a_business_and_an_email() {
    let one = vec!["Shop".to_owned()];
    let ids = NewIds {
        client: ClientId(1),
        user: UserId(2),
        businesses: vec![BusinessId(3)],
    };
    let good = Draft {
        name: "Acme",
        code: None,
        businesses: &one,
        user_name: "Priya",
        user_email: "priya@acme.example",
    };
    let blank = vec!["  ".to_owned()];
    let cases = [
        (
            Draft {
                name: " ",
                ..good.clone()
            },
            OnboardingError::Name("client name"),
        ),
        (
            Draft {
                businesses: &blank,
                ..good.clone()
            },
            OnboardingError::Name("business name"),
        ),
        (
            Draft {
                businesses: &[],
                ..good.clone()
            },
            OnboardingError::Name("business name"),
        ),
        (
            Draft {
                user_name: "",
                ..good.clone()
            },
            OnboardingError::Name("user's name"),
        ),
        (
            Draft {
                user_email: "priya.acme",
                ..good.clone()
            },
            OnboardingError::Email,
        ),
        (
            Draft {
                code: Some(&"X".repeat(51)),
                ..good.clone()
            },
            OnboardingError::Code,
        ),
    ];
    for (draft, expected) in cases {
        assert_eq!(new_client(&ids, &draft), Err(expected), "{draft:?}");
    }
    assert!(new_client(&ids, &good).is_ok());
}

#[test]
fn editing_a_client_trims_its_name_and_sets_or_clears_its_code() {
    let client = edited(Command::EditClient {
        name: Some("  Acme Holdings ".into()),
        code: Some(Some(" ACM ".into())),
    })
    .unwrap();
    assert_eq!(
        (client.name.as_str(), client.code.as_deref()),
        ("Acme Holdings", Some("ACM"))
    );
    assert_eq!(client.version, active_client().version + 1);
    for cleared in [None, Some("   ".to_owned())] {
        let client = edited(Command::EditClient {
            name: Some("Acme".into()),
            code: Some(cleared),
        })
        .unwrap();
        assert_eq!(client.code, None);
    }
    assert_eq!(
        refusal(
            &active_client(),
            Command::EditClient {
                name: Some("\t".into()),
                code: None
            }
        ),
        RuleError::Onboarding(OnboardingError::Name("client name"))
    );
}

#[test]
fn an_edit_keeps_what_it_leaves_out_and_must_name_something() {
    let coded = edited(Command::EditClient {
        name: None,
        code: Some(Some("ACM-1".into())),
    })
    .unwrap();
    assert_eq!(
        (coded.name.as_str(), coded.code.as_deref()),
        (active_client().name.as_str(), Some("ACM-1"))
    );
    let renamed = execute(
        &coded,
        coded.version,
        &Command::EditClient {
            name: Some("Acme Holdings".into()),
            code: None,
        },
    )
    .unwrap()
    .0;
    assert_eq!(
        (renamed.name.as_str(), renamed.code.as_deref()),
        ("Acme Holdings", Some("ACM-1"))
    );
    assert_eq!(
        refusal(
            &active_client(),
            Command::EditClient {
                name: None,
                code: None
            }
        ),
        RuleError::Onboarding(OnboardingError::NothingToEdit)
    );
}

#[test]
fn an_edit_request_tells_a_code_left_out_from_a_code_cleared() {
    use clientele_core::wire::EditClientRequest;
    let read = |json: &str| serde_json::from_str::<EditClientRequest>(json).unwrap();
    let renamed = read(r#"{"name": "Acme", "expected_version": 3}"#);
    assert_eq!(
        (renamed.name.as_deref(), renamed.code.clone()),
        (Some("Acme"), None)
    );
    let cleared = read(r#"{"code": null, "expected_version": 3}"#);
    assert_eq!(
        (cleared.name.clone(), cleared.code.clone()),
        (None, Some(None))
    );
    let coded = read(r#"{"code": "AC-1", "expected_version": 3}"#);
    assert_eq!(coded.code, Some(Some("AC-1".to_owned())));
    // What the app sends reads back the same.
    for request in [renamed, cleared, coded] {
        let sent = serde_json::to_string(&request).unwrap();
        assert_eq!(read(&sent), request, "{sent}");
    }
}

#[test]
fn a_business_is_added_to_an_active_client_and_owned_by_the_account_owner() {
    let client = edited(Command::AddBusiness {
        business_id: BusinessId(50),
        name: " Acme Vans ".into(),
    })
    .unwrap();
    let added = client.business(BusinessId(50)).unwrap();
    assert_eq!(
        (added.name.as_str(), added.status, added.owner),
        ("Acme Vans", Status::Active, OWNER)
    );
    let refused = refusal(
        &deactivated_client(),
        Command::AddBusiness {
            business_id: BusinessId(50),
            name: "Acme Vans".into(),
        },
    );
    assert_eq!(
        refused,
        RuleError::Onboarding(OnboardingError::ClientDeactivated)
    );
    assert_eq!(refused.kind(), ErrorKind::Refused);
}

#[test]
fn a_business_is_renamed_only_if_it_is_in_the_account() {
    let client = edited(Command::RenameBusiness {
        business_id: CAFE,
        name: "Acme Coffee".into(),
    })
    .unwrap();
    assert_eq!(client.business(CAFE).unwrap().name, "Acme Coffee");
    let refused = refusal(
        &active_client(),
        Command::RenameBusiness {
            business_id: STRANGER_BUSINESS,
            name: "Acme Coffee".into(),
        },
    );
    assert_eq!(refused.kind(), ErrorKind::NotFound);
}

#[test]
fn a_user_is_added_once_per_email_in_the_account() {
    let client = edited(Command::AddUser {
        user_id: UserId(60),
        name: "Dev Patel".into(),
        email: " DEV@acme.example".into(),
        role: Role::Standard,
    })
    .unwrap();
    let added = client.user(UserId(60)).unwrap();
    assert_eq!(
        (added.email.as_str(), added.role),
        ("dev@acme.example", Role::Standard)
    );
    let again = refusal(
        &active_client(),
        Command::AddUser {
            user_id: UserId(61),
            name: "Priya again".into(),
            email: "PRIYA@acme.example".into(),
            role: Role::Admin,
        },
    );
    assert_eq!(
        again,
        RuleError::Onboarding(OnboardingError::EmailInAccount)
    );
    assert_eq!(again.code(), "email_in_account");
}

#[test]
fn removing_a_user_hands_their_businesses_to_the_account_owner_but_never_removes_the_owner() {
    let mut client = active_client();
    client.businesses[1].owner = BOOKKEEPER;
    let (after, _) = execute(
        &client,
        client.version,
        &Command::RemoveUser {
            user_id: BOOKKEEPER,
        },
    )
    .unwrap();
    assert!(after.user(BOOKKEEPER).is_none());
    assert!(
        after
            .businesses
            .iter()
            .all(|business| business.owner == OWNER)
    );
    assert_eq!(
        refusal(&client, Command::RemoveUser { user_id: OWNER }),
        RuleError::CannotRemoveOwner
    );
    assert_eq!(
        refusal(&client, Command::RemoveUser { user_id: STRANGER }).kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn every_edit_is_checked_against_the_version_and_is_an_edit_action() {
    let client = active_client();
    let edits = [
        Command::EditClient {
            name: Some("A".into()),
            code: None,
        },
        Command::AddBusiness {
            business_id: BusinessId(70),
            name: "B".into(),
        },
        Command::RenameBusiness {
            business_id: SHOP,
            name: "C".into(),
        },
        Command::AddUser {
            user_id: UserId(71),
            name: "D".into(),
            email: "d@acme.example".into(),
            role: Role::Admin,
        },
        Command::RemoveUser {
            user_id: BOOKKEEPER,
        },
    ];
    for command in edits {
        assert_eq!(Action::of(&command), Action::EditClients);
        assert!(matches!(
            execute(&client, client.version - 1, &command),
            Err(RuleError::StaleVersion { .. })
        ));
        let (_, events) = execute(&client, client.version, &command).unwrap();
        // Each is recorded in the activity log as its own kind of entry.
        let action = ActivityAction::of(&events[0]);
        assert_eq!(ActivityAction::parse(action.as_str()), Some(action));
        assert!(!action.summary().is_empty());
    }
}
