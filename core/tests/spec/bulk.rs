//! Bulk deactivation and reactivation: a selection of clients, each changed
//! by its own command, summed up for step 1, with an owner for each.

use crate::properties::client;
use clientele_core::bulk::{BulkAction, NotReady, bulk_commands, bulk_summary, preselected_owners};
use clientele_core::{Client, ClientId, Command, RuleError, Status, UserId, execute};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// 1 to 8 random clients with distinct ids.
fn selection() -> impl Strategy<Value = Vec<Client>> {
    prop::collection::vec(client(), 1..=8).prop_map(|clients| {
        clients
            .into_iter()
            .enumerate()
            .map(|(index, mut client)| {
                client.id = ClientId(index as u64 + 1);
                client.name = format!("Client {index}");
                client
            })
            .collect()
    })
}

fn action() -> impl Strategy<Value = BulkAction> {
    prop_oneof![Just(BulkAction::Deactivate), Just(BulkAction::Reactivate)]
}

/// Runs each planned command on its own client, as the app sends them:
/// one change per client, against that client's version.
fn run(clients: &[Client], commands: &[(ClientId, u64, Command)]) -> Vec<Client> {
    clients
        .iter()
        .map(
            |client| match commands.iter().find(|(id, _, _)| *id == client.id) {
                Some((_, version, command)) => {
                    execute(client, *version, command)
                        .expect("a planned command is accepted")
                        .0
                }
                None => client.clone(),
            },
        )
        .collect()
}

proptest! {
    /// Every client the summary counts gets a command, every client it
    /// excludes is left alone, and afterwards every counted client is in
    /// the target tab: its own account owner (preselected) in charge.
    #[test]
    fn a_bulk_change_is_exactly_the_single_changes_of_the_clients_it_counts(
        clients in selection(), action in action(),
    ) {
        let summary = bulk_summary(&clients, action);
        let owners = preselected_owners(&clients);
        let planned = bulk_commands(&clients, action, &owners, Some("  moved on  "));
        if summary.clients == 0 {
            prop_assert_eq!(planned, Err(NotReady::NothingToChange));
            return Ok(());
        }
        let commands = planned.expect("every client has its owner preselected");
        prop_assert_eq!(commands.len(), summary.clients);
        prop_assert_eq!(commands.len() + summary.excluded.len(), clients.len());
        let after = run(&clients, &commands);
        let target = match action {
            BulkAction::Deactivate => Status::Deactivated,
            BulkAction::Reactivate => Status::Active,
        };
        let mut businesses_changed = 0;
        for (before, after) in clients.iter().zip(&after) {
            let excluded = summary.excluded.iter().any(|excluded| excluded.id == before.id);
            if excluded {
                prop_assert_eq!(before, after);
                continue;
            }
            prop_assert_eq!(after.status, target);
            prop_assert_eq!(after.version, before.version + 1);
            prop_assert_eq!(after.owner, before.owner);
            businesses_changed += before.businesses.iter().zip(&after.businesses)
                .filter(|(was, now)| was.status != now.status).count();
        }
        prop_assert_eq!(summary.affected_businesses, businesses_changed);
    }

    /// One client changed by someone else meanwhile is refused on its own
    /// version; every other client's change is exactly what it would have
    /// been without it.
    #[test]
    fn one_stale_client_fails_alone_and_the_rest_stay_applied(
        clients in selection(), stale_index in 0..8usize,
    ) {
        let owners = preselected_owners(&clients);
        let Ok(commands) = bulk_commands(&clients, BulkAction::Deactivate, &owners, None) else {
            return Ok(());
        };
        let stale = commands[stale_index % commands.len()].0;
        let mut outcomes = BTreeMap::new();
        for (id, version, command) in &commands {
            let mut client = clients.iter().find(|client| client.id == *id).unwrap().clone();
            if *id == stale {
                client.version += 1;
            }
            outcomes.insert(*id, execute(&client, *version, command).map(|(next, _)| next));
        }
        let expected = run(&clients, &commands);
        for (id, outcome) in outcomes {
            if id == stale {
                let is_stale = matches!(outcome, Err(RuleError::StaleVersion { .. }));
                prop_assert!(is_stale);
            } else {
                let expected = expected.iter().find(|client| client.id == id).unwrap();
                prop_assert_eq!(outcome.as_ref(), Ok(expected));
            }
        }
    }
}

#[test]
fn deactivating_three_clients_sums_their_businesses_and_users_and_names_one_it_cannot() {
    let mut first = crate::fixtures::active_client();
    first.id = ClientId(1);
    let mut second = crate::fixtures::active_client();
    second.id = ClientId(2);
    second.businesses.truncate(1);
    let mut already = crate::fixtures::deactivated_client();
    already.id = ClientId(3);

    let summary = bulk_summary(&[first, second, already], BulkAction::Deactivate);

    assert_eq!(summary.title, "Deactivate 2 clients?");
    assert_eq!(
        summary.points[0],
        "2 clients and their 3 businesses will be deactivated."
    );
    assert_eq!(
        (summary.affected_businesses, summary.affected_users),
        (3, 4)
    );
    assert_eq!(summary.excluded.len(), 1);
    assert_eq!(summary.excluded[0].id, ClientId(3));
    assert_eq!(
        summary.excluded[0].refusal,
        RuleError::ClientAlreadyDeactivated
    );
}

#[test]
fn confirm_waits_until_every_client_has_an_owner_from_its_own_users() {
    let mut first = crate::fixtures::active_client();
    first.id = ClientId(1);
    let mut second = crate::fixtures::active_client();
    second.id = ClientId(2);
    let clients = [first, second];
    let mut owners = preselected_owners(&clients);
    assert_eq!(owners.get(&ClientId(1)), Some(&crate::fixtures::OWNER));

    owners.remove(&ClientId(2));
    assert_eq!(
        bulk_commands(&clients, BulkAction::Deactivate, &owners, None),
        Err(NotReady::OwnersMissing(vec![ClientId(2)]))
    );
    owners.insert(ClientId(2), UserId(99));
    assert_eq!(
        bulk_commands(&clients, BulkAction::Deactivate, &owners, None),
        Err(NotReady::OwnersMissing(vec![ClientId(2)]))
    );
    owners.insert(ClientId(2), crate::fixtures::BOOKKEEPER);
    let commands = bulk_commands(&clients, BulkAction::Deactivate, &owners, Some(" ")).unwrap();
    assert_eq!(
        commands[1],
        (
            ClientId(2),
            3,
            Command::DeactivateClient {
                new_owner_id: crate::fixtures::BOOKKEEPER,
                reason: None
            }
        )
    );
}
