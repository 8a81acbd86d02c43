//! The impact shown in step 1 of the deactivation wizard: counted by `core`
//! from plain facts, refused as the deactivation would be, and summed for a
//! bulk deactivation.

use crate::fixtures::{
    CAFE, SHOP, active_client, client_with_deactivated_cafe, deactivated_client,
};
use clientele_core::impact::{Facts, Impact, LastActive, bulk_impact, impact, iso_date};
use clientele_core::{RuleError, Target, Timestamp};

/// 14 November 2023, 22:13 UTC.
const NOV_14: Timestamp = Timestamp(1_700_000_000_000);

fn facts() -> Facts {
    let mut facts = Facts::default();
    facts.queued_documents.insert(SHOP, 2);
    facts.queued_documents.insert(CAFE, 1);
    facts.last_document_at.insert(SHOP, NOV_14);
    facts
}

#[test]
fn deactivating_a_client_counts_every_active_business_and_its_queue() {
    let shown = impact(&active_client(), Target::Client, &facts()).unwrap();
    assert_eq!(shown.businesses, 2);
    assert_eq!(shown.queued_documents, 3);
    assert_eq!(shown.users_losing_access, vec!["Priya Shah", "Ben Carter"]);
    assert_eq!(
        shown.last_active,
        vec![
            LastActive {
                business_id: SHOP,
                business_name: "Acme Shop".into(),
                last_document_on: Some("2023-11-14".into()),
            },
            LastActive {
                business_id: CAFE,
                business_name: "Acme Cafe".into(),
                last_document_on: None,
            },
        ]
    );
    assert_eq!(
        shown.points(),
        vec![
            "2 businesses will be deactivated.",
            "3 documents are queued and will not be extracted.",
            "Priya Shah and Ben Carter will lose practice-managed access.",
            "Acme Shop was last active on 14 November 2023 (its latest document).",
            "Acme Cafe has no documents yet.",
        ]
    );
}

#[test]
fn deactivating_one_business_counts_only_that_business() {
    let shown = impact(&active_client(), Target::Business(CAFE), &facts()).unwrap();
    assert_eq!(shown.businesses, 1);
    assert_eq!(shown.queued_documents, 1);
    assert_eq!(shown.last_active.len(), 1);
    assert_eq!(shown.points()[0], "1 business will be deactivated.");
    assert_eq!(
        shown.points()[1],
        "1 document is queued and will not be extracted."
    );
}

#[test]
fn an_already_deactivated_business_is_not_counted_again() {
    let shown = impact(&client_with_deactivated_cafe(), Target::Client, &facts()).unwrap();
    assert_eq!(shown.businesses, 1);
    assert_eq!(shown.queued_documents, 2);
}

#[test]
fn the_impact_is_refused_exactly_when_the_deactivation_would_be() {
    assert_eq!(
        impact(&deactivated_client(), Target::Client, &facts()),
        Err(RuleError::ClientAlreadyDeactivated)
    );
    assert_eq!(
        impact(
            &client_with_deactivated_cafe(),
            Target::Business(CAFE),
            &facts()
        ),
        Err(RuleError::BusinessAlreadyDeactivated)
    );
}

#[test]
fn no_queue_and_no_documents_are_said_plainly() {
    let shown = impact(&active_client(), Target::Client, &Facts::default()).unwrap();
    assert_eq!(shown.points()[1], "No documents are queued for extraction.");
}

#[test]
fn a_bulk_deactivation_shows_the_sum_of_its_clients() {
    let mut other = active_client();
    other.users.truncate(1);
    let summed = bulk_impact(&[(active_client(), facts()), (other, Facts::default())]).unwrap();
    assert_eq!(summed.businesses, 4);
    assert_eq!(summed.queued_documents, 3);
    assert_eq!(summed.users_losing_access.len(), 3);
    assert_eq!(summed.last_active.len(), 4);
    assert_eq!(
        std::iter::empty::<Impact>().sum::<Impact>(),
        Impact::default()
    );
    let one = impact(&active_client(), Target::Client, &facts()).unwrap();
    assert_eq!(one.clone() + Impact::default(), one);
    assert_eq!(
        bulk_impact(&[(active_client(), facts()), (deactivated_client(), facts())]),
        Err(RuleError::ClientAlreadyDeactivated)
    );
}

#[test]
fn days_are_utc_calendar_days() {
    assert_eq!(iso_date(Timestamp(0)), "1970-01-01");
    assert_eq!(iso_date(NOV_14), "2023-11-14");
    assert_eq!(iso_date(Timestamp(951_782_400_000)), "2000-02-29");
    assert_eq!(iso_date(Timestamp(-1)), "1969-12-31");
}
