//! Invariants that hold over any sequence of commands, checked with random
//! clients and random (often invalid) commands.

use clientele_core::{
    Business, BusinessId, Client, ClientId, ClientUser, Command, Role, Status, UserId, decide,
    execute,
};
use proptest::prelude::*;

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![Just(Status::Active), Just(Status::Deactivated)]
}

/// A consistent client: 1 to 4 users, 1 to 4 businesses, and no active
/// business under a deactivated client.
pub fn client() -> impl Strategy<Value = Client> {
    (
        status(),
        1..=4u64,
        prop::collection::vec(status(), 1..=4),
        0..50u64,
    )
        .prop_map(
            |(client_status, user_count, business_statuses, version)| Client {
                id: ClientId(1),
                name: "Random Client".into(),
                code: None,
                status: client_status,
                version,
                owner: UserId(1),
                users: (1..=user_count)
                    .map(|id| ClientUser {
                        id: UserId(id),
                        name: format!("User {id}"),
                        email: format!("user{id}@example.com"),
                        role: if id == 1 { Role::Admin } else { Role::Standard },
                    })
                    .collect(),
                businesses: business_statuses
                    .into_iter()
                    .enumerate()
                    .map(|(index, status)| Business {
                        id: BusinessId(10 + index as u64),
                        name: format!("Business {index}"),
                        status: if client_status == Status::Deactivated {
                            Status::Deactivated
                        } else {
                            status
                        },
                        owner: UserId(1),
                    })
                    .collect(),
                scheduled_deactivation: None,
                schedule_failure: None,
            },
        )
}

/// Any command, naming users 0..=5 and businesses 9..=14, so that some name
/// strangers and unknown businesses; new businesses and users get ids from
/// a wide range, as a store would hand out, and names and emails that are
/// sometimes blank, sometimes taken.
fn command() -> impl Strategy<Value = Command> {
    let user = (0..=5u64).prop_map(UserId);
    let business = (9..=14u64).prop_map(BusinessId);
    let name = "[ a-z]{0,8}";
    prop_oneof![
        (
            proptest::option::of(name),
            proptest::option::of(proptest::option::of("[ A-Z0-9-]{0,6}"))
        )
            .prop_map(|(name, code)| Command::EditClient { name, code }),
        (1_000..1_000_000u64, name).prop_map(|(id, name)| Command::AddBusiness {
            business_id: BusinessId(id),
            name,
        }),
        (business.clone(), name)
            .prop_map(|(business_id, name)| Command::RenameBusiness { business_id, name }),
        (1_000..1_000_000u64, name, 0..=6u64, any::<bool>()).prop_map(
            |(id, name, email, admin)| Command::AddUser {
                user_id: UserId(id),
                name,
                email: format!("user{email}@example.com"),
                role: if admin { Role::Admin } else { Role::Standard },
            }
        ),
        user.clone()
            .prop_map(|user_id| Command::RemoveUser { user_id }),
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

/// Runs the commands against the current version, as a practice would.
fn run(start: Client, commands: &[Command]) -> Vec<(Client, Result<Client, ()>)> {
    let mut state = start;
    let mut steps = Vec::new();
    for command in commands {
        let before = state.clone();
        let outcome = execute(&state, state.version, command).map(|(next, _)| next);
        if let Ok(next) = &outcome {
            state = next.clone();
        }
        steps.push((before, outcome.map_err(|_| ())));
    }
    steps
}

proptest! {
    #[test]
    fn a_deactivated_client_never_has_an_active_business(
        start in client(),
        commands in prop::collection::vec(command(), 0..30),
    ) {
        for (_, outcome) in run(start, &commands) {
            if let Ok(client) = outcome
                && client.status == Status::Deactivated
            {
                prop_assert_eq!(client.count_businesses(Status::Active), 0);
            }
        }
    }

    #[test]
    fn deactivating_then_reactivating_leaves_every_business_active(
        start in client(),
        commands in prop::collection::vec(command(), 0..20),
    ) {
        let steps = run(start.clone(), &commands);
        let mut client = steps
            .iter()
            .rev()
            .find_map(|(_, outcome)| outcome.clone().ok())
            .unwrap_or(start);
        if client.status == Status::Active {
            let deactivate = Command::DeactivateClient { new_owner_id: client.owner, reason: None };
            client = execute(&client, client.version, &deactivate).unwrap().0;
        }
        let (client, _) = execute(&client, client.version, &Command::ReactivateClient).unwrap();
        prop_assert_eq!(client.status, Status::Active);
        prop_assert!(client.businesses.iter().all(|b| b.status == Status::Active));
    }

    #[test]
    fn every_owner_is_a_user_of_the_account_and_every_email_is_unique_in_it(
        start in client(),
        commands in prop::collection::vec(command(), 0..30),
    ) {
        for (_, outcome) in run(start, &commands) {
            if let Ok(client) = outcome {
                prop_assert!(client.user(client.owner).is_some());
                prop_assert!(client.businesses.iter().all(|b| client.user(b.owner).is_some()));
                let mut emails: Vec<_> = client.users.iter().map(|u| u.email.clone()).collect();
                emails.sort();
                emails.dedup();
                prop_assert_eq!(emails.len(), client.users.len());
            }
        }
    }

    #[test]
    fn each_accepted_command_raises_the_version_by_exactly_one(
        start in client(),
        commands in prop::collection::vec(command(), 0..30),
    ) {
        for (before, outcome) in run(start, &commands) {
            if let Ok(after) = outcome {
                prop_assert_eq!(after.version, before.version + 1);
            }
        }
    }

    #[test]
    fn a_rejected_command_changes_nothing(
        start in client(),
        commands in prop::collection::vec(command(), 1..30),
    ) {
        let steps = run(start.clone(), &commands);
        let mut current = start;
        for (before, outcome) in steps {
            prop_assert_eq!(&before, &current);
            if let Ok(after) = outcome {
                current = after;
            }
        }
    }

    #[test]
    fn decide_never_panics_whatever_the_version_or_ids(
        start in client(),
        version in any::<u64>(),
        command in command(),
    ) {
        let _ = decide(&start, version, &command);
    }

    #[test]
    fn decide_and_execute_agree_on_what_is_refused(
        start in client(),
        command in command(),
    ) {
        let decided = decide(&start, start.version, &command);
        let executed = execute(&start, start.version, &command);
        prop_assert_eq!(decided.err(), executed.err());
    }
}
