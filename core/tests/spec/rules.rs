//! Each activation rule (R1 to R6) and each of its refusals, as sentences.

use crate::fixtures::*;
use clientele_core::{
    Command, ErrorKind, Event, Extraction, NotExtractedReason, Role, RuleError, Status, UserId,
    apply, decide, execute, extraction_for_new_document,
};

fn deactivate_client(new_owner_id: UserId) -> Command {
    Command::DeactivateClient {
        new_owner_id,
        reason: Some("Moved to another practice".into()),
    }
}

// R1: deactivating a client

#[test]
fn deactivating_an_active_client_deactivates_it_and_every_business() {
    let (client, _) = execute(&active_client(), 3, &deactivate_client(BOOKKEEPER)).unwrap();
    assert_eq!(client.status, Status::Deactivated);
    assert_eq!(client.count_businesses(Status::Active), 0);
    assert_eq!(client.count_businesses(Status::Deactivated), 2);
}

#[test]
fn deactivating_a_client_makes_the_chosen_user_account_owner_and_admin() {
    let (client, _) = execute(&active_client(), 3, &deactivate_client(BOOKKEEPER)).unwrap();
    assert_eq!(client.owner, BOOKKEEPER);
    assert_eq!(client.user(BOOKKEEPER).unwrap().role, Role::Admin);
}

#[test]
fn deactivating_a_client_leaves_business_owners_alone() {
    let (client, _) = execute(&active_client(), 3, &deactivate_client(BOOKKEEPER)).unwrap();
    assert!(client.businesses.iter().all(|b| b.owner == OWNER));
}

#[test]
fn deactivating_a_client_records_the_new_owner_and_reason() {
    let events = decide(&active_client(), 3, &deactivate_client(BOOKKEEPER)).unwrap();
    assert_eq!(
        events,
        vec![Event::ClientDeactivated {
            new_owner_id: BOOKKEEPER,
            reason: Some("Moved to another practice".into()),
            previous_owner_id: Some(OWNER),
            granted_admin: true,
            deactivated_businesses: Some(vec![SHOP, CAFE]),
        }]
    );
}

#[test]
fn deactivating_a_client_twice_is_a_conflict() {
    let error = decide(&deactivated_client(), 3, &deactivate_client(OWNER)).unwrap_err();
    assert_eq!(error, RuleError::ClientAlreadyDeactivated);
    assert_eq!(error.kind(), ErrorKind::Conflict);
}

#[test]
fn deactivating_a_client_for_a_stranger_is_refused() {
    let error = decide(&active_client(), 3, &deactivate_client(STRANGER)).unwrap_err();
    assert_eq!(error, RuleError::OwnerNotInAccount(STRANGER));
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.code(), "owner_not_in_account");
}

#[test]
fn the_current_owner_may_stay_owner_of_a_deactivated_client() {
    let (client, _) = execute(&active_client(), 3, &deactivate_client(OWNER)).unwrap();
    assert_eq!(client.owner, OWNER);
}

// R2: reactivating a client

#[test]
fn reactivating_a_deactivated_client_reactivates_it_and_every_business() {
    let (client, _) = execute(&deactivated_client(), 3, &Command::ReactivateClient).unwrap();
    assert_eq!(client.status, Status::Active);
    assert_eq!(client.count_businesses(Status::Active), 2);
}

#[test]
fn reactivating_a_client_also_reactivates_businesses_deactivated_one_by_one() {
    let (deactivated, _) = execute(
        &client_with_deactivated_cafe(),
        3,
        &deactivate_client(OWNER),
    )
    .unwrap();
    let (client, _) = execute(&deactivated, 4, &Command::ReactivateClient).unwrap();
    assert!(client.businesses.iter().all(|b| b.status == Status::Active));
}

#[test]
fn reactivating_an_active_client_is_a_conflict() {
    let error = decide(&active_client(), 3, &Command::ReactivateClient).unwrap_err();
    assert_eq!(error, RuleError::ClientAlreadyActive);
    assert_eq!(error.kind(), ErrorKind::Conflict);
}

// R3: deactivating a business

#[test]
fn deactivating_a_business_deactivates_only_that_business() {
    let command = Command::DeactivateBusiness {
        business_id: SHOP,
        new_owner_id: BOOKKEEPER,
        reason: None,
    };
    let (client, _) = execute(&active_client(), 3, &command).unwrap();
    assert_eq!(client.business(SHOP).unwrap().status, Status::Deactivated);
    assert_eq!(client.business(CAFE).unwrap().status, Status::Active);
    assert_eq!(client.status, Status::Active);
}

#[test]
fn deactivating_a_business_makes_the_chosen_user_its_owner_and_admin() {
    let command = Command::DeactivateBusiness {
        business_id: SHOP,
        new_owner_id: BOOKKEEPER,
        reason: None,
    };
    let (client, _) = execute(&active_client(), 3, &command).unwrap();
    assert_eq!(client.business(SHOP).unwrap().owner, BOOKKEEPER);
    assert_eq!(client.user(BOOKKEEPER).unwrap().role, Role::Admin);
    assert_eq!(client.owner, OWNER, "the account owner does not change");
}

#[test]
fn deactivating_a_business_twice_is_a_conflict() {
    let command = Command::DeactivateBusiness {
        business_id: CAFE,
        new_owner_id: OWNER,
        reason: None,
    };
    let error = decide(&client_with_deactivated_cafe(), 3, &command).unwrap_err();
    assert_eq!(error, RuleError::BusinessAlreadyDeactivated);
    assert_eq!(error.kind(), ErrorKind::Conflict);
}

#[test]
fn deactivating_a_business_of_a_deactivated_client_is_refused() {
    let command = Command::DeactivateBusiness {
        business_id: SHOP,
        new_owner_id: OWNER,
        reason: None,
    };
    let error = decide(&deactivated_client(), 3, &command).unwrap_err();
    assert_eq!(error, RuleError::ClientDeactivated);
    assert_eq!(error.kind(), ErrorKind::Refused);
}

#[test]
fn deactivating_a_business_for_a_stranger_is_refused() {
    let command = Command::DeactivateBusiness {
        business_id: SHOP,
        new_owner_id: STRANGER,
        reason: None,
    };
    let error = decide(&active_client(), 3, &command).unwrap_err();
    assert_eq!(error, RuleError::OwnerNotInAccount(STRANGER));
}

#[test]
fn deactivating_a_business_of_another_client_is_not_found() {
    let command = Command::DeactivateBusiness {
        business_id: clientele_core::BusinessId(500),
        new_owner_id: OWNER,
        reason: None,
    };
    let error = decide(&active_client(), 3, &command).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(error.code(), "business_not_found");
}

// R4: reactivating a business

#[test]
fn reactivating_a_deactivated_business_of_an_active_client_reactivates_it() {
    let command = Command::ReactivateBusiness { business_id: CAFE };
    let (client, _) = execute(&client_with_deactivated_cafe(), 3, &command).unwrap();
    assert_eq!(client.business(CAFE).unwrap().status, Status::Active);
}

#[test]
fn reactivating_a_business_of_a_deactivated_client_says_to_reactivate_the_client_first() {
    let command = Command::ReactivateBusiness { business_id: CAFE };
    let error = decide(&deactivated_client(), 3, &command).unwrap_err();
    assert_eq!(error, RuleError::ReactivateClientFirst);
    assert!(error.to_string().contains("Reactivate the client first"));
}

#[test]
fn reactivating_an_active_business_is_a_conflict() {
    let command = Command::ReactivateBusiness { business_id: SHOP };
    let error = decide(&active_client(), 3, &command).unwrap_err();
    assert_eq!(error, RuleError::BusinessAlreadyActive);
    assert_eq!(error.kind(), ErrorKind::Conflict);
}

// R5: extraction

#[test]
fn a_document_for_an_active_business_of_an_active_client_is_queued() {
    let extraction = extraction_for_new_document(&active_client(), SHOP).unwrap();
    assert_eq!(extraction, Extraction::Queued);
}

#[test]
fn a_document_for_a_deactivated_client_is_not_extracted() {
    let extraction = extraction_for_new_document(&deactivated_client(), SHOP).unwrap();
    assert_eq!(
        extraction,
        Extraction::NotExtracted(NotExtractedReason::ClientDeactivated)
    );
}

#[test]
fn a_document_for_a_deactivated_business_of_an_active_client_is_not_extracted() {
    let extraction = extraction_for_new_document(&client_with_deactivated_cafe(), CAFE).unwrap();
    assert_eq!(
        extraction,
        Extraction::NotExtracted(NotExtractedReason::BusinessDeactivated)
    );
    assert_eq!(extraction.as_str(), "not_extracted");
}

#[test]
fn a_document_for_an_unknown_business_is_not_found() {
    let error =
        extraction_for_new_document(&active_client(), clientele_core::BusinessId(500)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
}

// R6: versions

#[test]
fn an_accepted_change_raises_the_version_by_exactly_one() {
    let (client, _) = execute(&active_client(), 3, &deactivate_client(OWNER)).unwrap();
    assert_eq!(client.version, 4);
}

#[test]
fn a_change_against_a_stale_version_is_a_conflict() {
    let error = decide(&active_client(), 2, &deactivate_client(OWNER)).unwrap_err();
    assert_eq!(
        error,
        RuleError::StaleVersion {
            expected: 2,
            actual: 3
        }
    );
    assert_eq!(error.kind(), ErrorKind::Conflict);
    assert_eq!(error.code(), "stale_version");
}

#[test]
fn a_stale_version_is_reported_before_any_other_refusal() {
    let error = decide(&deactivated_client(), 9, &deactivate_client(STRANGER)).unwrap_err();
    assert!(matches!(error, RuleError::StaleVersion { .. }));
}

#[test]
fn apply_alone_does_not_touch_the_version() {
    let mut client = active_client();
    apply(&mut client, &Event::ClientReactivated);
    assert_eq!(client.version, 3);
}

// Errors

#[test]
fn every_refusal_has_a_distinct_code_and_a_message() {
    let errors = [
        RuleError::StaleVersion {
            expected: 1,
            actual: 2,
        },
        RuleError::ClientAlreadyDeactivated,
        RuleError::ClientAlreadyActive,
        RuleError::BusinessAlreadyDeactivated,
        RuleError::BusinessAlreadyActive,
        RuleError::ClientDeactivated,
        RuleError::ReactivateClientFirst,
        RuleError::OwnerNotInAccount(STRANGER),
        RuleError::BusinessNotFound(SHOP),
    ];
    let mut codes: Vec<_> = errors.iter().map(RuleError::code).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), errors.len());
    for error in &errors {
        let message = error.to_string();
        assert!(message.ends_with('.'), "{message}");
        assert!(!message.contains("RuleError"), "{message}");
    }
}

#[test]
fn commands_and_events_round_trip_through_json() {
    let command = deactivate_client(BOOKKEEPER);
    let json = serde_json::to_string(&command).unwrap();
    assert_eq!(serde_json::from_str::<Command>(&json).unwrap(), command);
    let event = Event::BusinessReactivated { business_id: CAFE };
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["type"], "business_reactivated");
    assert_eq!(json["business_id"], 11);
}
