//! "Extract now": only a `not_extracted` document whose client and business
//! are active now may be queued; everything else is refused, by name.

use crate::fixtures::{
    CAFE, SHOP, active_client, client_with_deactivated_cafe, deactivated_client,
};
use clientele_core::reextract::{
    ExtractNowError, MAX_DOCUMENTS, Selection, added_while_deactivated, extract_now, extractable,
    may_extract_now, queued,
};
use clientele_core::wire::{DocumentView, ExtractionState};
use clientele_core::{
    BusinessId, Document, DocumentId, ErrorKind, Extraction, NotExtractedReason, Timestamp,
};

fn document(id: u64, business: BusinessId, extraction: Extraction) -> Document {
    Document {
        id: DocumentId(id),
        business,
        file_name: format!("receipt-{id}.pdf"),
        added_at: Timestamp(1_700_000_000_000 + id as i64),
        added_by: "Priya Shah".into(),
        extraction,
        file: None,
    }
}

/// Two documents added while the client was deactivated (one per business),
/// one extracted, one queued.
fn documents() -> Vec<Document> {
    let waiting = Extraction::NotExtracted(NotExtractedReason::ClientDeactivated);
    vec![
        document(1, SHOP, waiting),
        document(2, CAFE, waiting),
        document(3, SHOP, Extraction::Extracted),
        document(4, CAFE, Extraction::Queued),
    ]
}

#[test]
fn a_document_added_while_deactivated_may_be_extracted_once_the_client_is_active() {
    assert_eq!(may_extract_now(&active_client(), &documents()[0]), Ok(()));
}

#[test]
fn nothing_may_be_extracted_while_the_client_is_deactivated() {
    assert_eq!(
        may_extract_now(&deactivated_client(), &documents()[0]),
        Err(ExtractNowError::ClientDeactivated)
    );
    assert_eq!(
        extract_now(&deactivated_client(), &documents(), &Selection::All),
        Err(ExtractNowError::ClientDeactivated)
    );
    // Refused, as every change a deactivated client does not allow is.
    assert_eq!(
        ExtractNowError::ClientDeactivated.kind(),
        ErrorKind::Refused
    );
    assert_eq!(
        ExtractNowError::BusinessDeactivated(SHOP).kind(),
        ErrorKind::Refused
    );
}

#[test]
fn a_document_of_a_deactivated_business_waits_for_its_business() {
    let client = client_with_deactivated_cafe();
    assert_eq!(
        may_extract_now(&client, &documents()[1]),
        Err(ExtractNowError::BusinessDeactivated(CAFE))
    );
    // "Extract all now" takes only what may be extracted.
    assert_eq!(
        extract_now(&client, &documents(), &Selection::All),
        Ok(vec![DocumentId(1)])
    );
}

#[test]
fn a_document_that_is_not_waiting_is_refused_as_a_conflict() {
    for id in [3, 4] {
        let refused = extract_now(
            &active_client(),
            &documents(),
            &Selection::These(vec![DocumentId(id)]),
        )
        .unwrap_err();
        assert_eq!(refused, ExtractNowError::NotWaiting(DocumentId(id)));
        assert_eq!(refused.kind(), ErrorKind::Conflict);
        assert_eq!(refused.code(), "document_not_waiting");
    }
}

#[test]
fn named_documents_are_queued_all_or_none() {
    let client = active_client();
    assert_eq!(
        extract_now(
            &client,
            &documents(),
            &Selection::These(vec![DocumentId(2), DocumentId(1)])
        ),
        Ok(vec![DocumentId(1), DocumentId(2)])
    );
    assert_eq!(
        extract_now(
            &client,
            &documents(),
            &Selection::These(vec![DocumentId(1), DocumentId(3)])
        ),
        Err(ExtractNowError::NotWaiting(DocumentId(3)))
    );
}

#[test]
fn a_document_of_another_client_is_not_found() {
    let refused = extract_now(
        &active_client(),
        &documents(),
        &Selection::These(vec![DocumentId(99)]),
    )
    .unwrap_err();
    assert_eq!(refused, ExtractNowError::DocumentNotFound(DocumentId(99)));
    assert_eq!(refused.kind(), ErrorKind::NotFound);
}

#[test]
fn an_empty_or_oversized_list_is_refused() {
    let client = active_client();
    assert_eq!(
        extract_now(&client, &documents(), &Selection::These(vec![])),
        Err(ExtractNowError::NoDocumentsNamed)
    );
    let many = (1..=MAX_DOCUMENTS as u64 + 1).map(DocumentId).collect();
    assert_eq!(
        extract_now(&client, &documents(), &Selection::These(many)),
        Err(ExtractNowError::TooManyDocuments)
    );
}

#[test]
fn extract_all_with_nothing_waiting_is_a_conflict() {
    let done = vec![document(3, SHOP, Extraction::Extracted)];
    assert_eq!(
        extract_now(&active_client(), &done, &Selection::All),
        Err(ExtractNowError::NothingToExtract)
    );
}

#[test]
fn the_lists_the_app_shows_come_from_the_same_rule() {
    let documents = documents();
    let waiting: Vec<u64> = added_while_deactivated(&documents)
        .iter()
        .map(|d| d.id.0)
        .collect();
    assert_eq!(waiting, vec![1, 2]);
    let now: Vec<u64> = extractable(&client_with_deactivated_cafe(), &documents)
        .iter()
        .map(|d| d.id.0)
        .collect();
    assert_eq!(now, vec![1]);
}

#[test]
fn a_view_decides_like_its_document_and_shows_queued_without_a_reason() {
    let stored = &documents()[0];
    let view = DocumentView::new(stored, "2023-11-14T22:13:20Z".into());
    assert_eq!(may_extract_now(&active_client(), &view), Ok(()));
    let shown = queued(&view);
    assert_eq!(shown.extraction, ExtractionState::Queued);
    assert_eq!(shown.reason, None);
    assert_eq!(shown.reason_message, None);
    assert_eq!(shown.file_name, view.file_name);
}

#[test]
fn every_refusal_has_a_sentence() {
    for refusal in [
        ExtractNowError::NoDocumentsNamed,
        ExtractNowError::TooManyDocuments,
        ExtractNowError::DocumentNotFound(DocumentId(1)),
        ExtractNowError::NotWaiting(DocumentId(1)),
        ExtractNowError::ClientDeactivated,
        ExtractNowError::BusinessDeactivated(SHOP),
        ExtractNowError::NothingToExtract,
    ] {
        assert!(refusal.to_string().ends_with('.'), "{refusal:?}");
        assert!(!refusal.code().is_empty());
    }
}
