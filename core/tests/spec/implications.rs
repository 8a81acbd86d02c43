//! The wizard's text (step 1) and its list of possible owners (step 2).

use crate::fixtures::*;
use clientele_core::{ClientUser, Role, RuleError, Target, UserId, eligible_owners, implications};

#[test]
fn client_implications_count_the_active_businesses_and_the_users() {
    let shown = implications(&client_with_deactivated_cafe(), Target::Client).unwrap();
    assert_eq!(shown.title, "Deactivate Acme Trading Ltd?");
    assert_eq!(shown.affected_businesses, 1);
    assert_eq!(shown.affected_users, 2);
    assert!(shown.points[0].starts_with("1 business of Acme Trading Ltd"));
    assert!(shown.points.iter().any(|p| p.contains("2 users")));
    assert!(
        shown
            .points
            .iter()
            .any(|p| p.contains("'Deactivated clients' tab"))
    );
}

#[test]
fn business_implications_name_the_business_and_the_others_left_alone() {
    let shown = implications(&active_client(), Target::Business(SHOP)).unwrap();
    assert_eq!(shown.title, "Deactivate Acme Shop?");
    assert_eq!(shown.affected_businesses, 1);
    assert!(shown.points[0].contains("other 1 business stay as they are"));
}

#[test]
fn there_are_no_implications_for_a_client_already_deactivated() {
    let error = implications(&deactivated_client(), Target::Client).unwrap_err();
    assert_eq!(error, RuleError::ClientAlreadyDeactivated);
}

#[test]
fn there_are_no_implications_for_a_business_of_a_deactivated_client() {
    let error = implications(&deactivated_client(), Target::Business(SHOP)).unwrap_err();
    assert_eq!(error, RuleError::ClientDeactivated);
}

#[test]
fn owners_are_offered_current_owner_first_then_admins_then_by_name() {
    let mut client = active_client();
    client.users.push(ClientUser {
        id: UserId(3),
        name: "Zoe Admin".into(),
        email: "zoe@acme.example".into(),
        role: Role::Admin,
    });
    client.users.push(ClientUser {
        id: UserId(4),
        name: "alice standard".into(),
        email: "alice@acme.example".into(),
        role: Role::Standard,
    });
    client.owner = BOOKKEEPER;
    let order: Vec<UserId> = eligible_owners(&client, Target::Client)
        .iter()
        .map(|user| user.id)
        .collect();
    assert_eq!(order, vec![BOOKKEEPER, OWNER, UserId(3), UserId(4)]);
}

#[test]
fn business_owners_are_offered_with_the_business_owner_first() {
    let mut client = active_client();
    client.businesses[0].owner = BOOKKEEPER;
    let first = eligible_owners(&client, Target::Business(SHOP))[0].id;
    assert_eq!(first, BOOKKEEPER);
}
