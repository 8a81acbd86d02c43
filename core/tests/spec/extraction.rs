//! R5 again at pick-up time, and how failed reads are retried.

use crate::fixtures::*;
use clientele_core::extraction::{MAX_ATTEMPTS, extraction_at_pickup, retry_after_failure};
use clientele_core::wire::ExtractionState;
use clientele_core::{Extraction, NotExtractedReason, RuleError};

#[test]
fn a_document_of_an_active_business_is_read_when_picked_up() {
    assert_eq!(
        extraction_at_pickup(&active_client(), SHOP),
        Ok(Extraction::Extracting)
    );
}

#[test]
fn a_client_deactivated_since_the_upload_means_the_document_is_not_read() {
    assert_eq!(
        extraction_at_pickup(&deactivated_client(), SHOP),
        Ok(Extraction::NotExtracted(
            NotExtractedReason::ClientDeactivated
        ))
    );
}

#[test]
fn a_business_deactivated_since_the_upload_means_the_document_is_not_read() {
    assert_eq!(
        extraction_at_pickup(&client_with_deactivated_cafe(), CAFE),
        Ok(Extraction::NotExtracted(
            NotExtractedReason::BusinessDeactivated
        ))
    );
    assert_eq!(
        extraction_at_pickup(&client_with_deactivated_cafe(), SHOP),
        Ok(Extraction::Extracting),
        "its sibling is still read"
    );
}

#[test]
fn a_business_that_left_the_account_is_not_found() {
    assert_eq!(
        extraction_at_pickup(&active_client(), STRANGER_BUSINESS),
        Err(RuleError::BusinessNotFound(STRANGER_BUSINESS))
    );
}

#[test]
fn a_failed_read_is_retried_up_to_three_times_with_growing_waits() {
    assert_eq!(MAX_ATTEMPTS, 4, "the first read and three retries");
    let waits: Vec<i64> = (1..=3)
        .map(|attempt| retry_after_failure(attempt).unwrap())
        .collect();
    assert_eq!(waits, [5_000, 10_000, 20_000]);
    assert_eq!(retry_after_failure(4), None, "the fourth failure is final");
}

#[test]
fn every_extraction_state_has_words_for_people() {
    for state in [
        ExtractionState::Queued,
        ExtractionState::Extracting,
        ExtractionState::Extracted,
        ExtractionState::Failed,
        ExtractionState::NotExtracted,
    ] {
        assert!(!state.label().is_empty());
    }
    assert_eq!(ExtractionState::Queued.label(), "Queued for extraction");
    assert_eq!(Extraction::Failed.as_str(), "failed");
    assert_eq!(Extraction::Extracting.as_str(), "extracting");
}
