//! "Extract now" on the client's page and the impact in step 1 of the
//! wizard, against the fake server (which decides with `core` like the real
//! one): the documents added while deactivated, "Extract now" showing them
//! queued at once and putting them back exactly on a refusal, "Extract all
//! now", the reactivation dialog's count, and the impact's loading, points
//! and error states.

use crate::fixtures::documents::document_view;
use crate::fixtures::{FakeServer, refusal};
use crate::*;
use clientele_core::{BusinessId, Extraction, NotExtractedReason};
use wasm_bindgen_test::*;

const WAITING: Extraction = Extraction::NotExtracted(NotExtractedReason::ClientDeactivated);

/// The demo server, with two documents of Acme's shop that were added while
/// Acme was deactivated, and one already extracted.
fn with_waiting_documents() -> FakeServer {
    let server = FakeServer::default();
    server.documents.stored.lock().unwrap().insert(
        BusinessId(100),
        vec![
            document_view(
                2,
                BusinessId(100),
                "till-2.pdf",
                "Priya Shah",
                WAITING,
                Some(9),
            ),
            document_view(
                1,
                BusinessId(100),
                "till-1.pdf",
                "Priya Shah",
                WAITING,
                Some(9),
            ),
            document_view(
                3,
                BusinessId(100),
                "done.pdf",
                "Priya Shah",
                Extraction::Extracted,
                Some(9),
            ),
        ],
    );
    server
}

fn waiting_names() -> Vec<String> {
    all(".waiting-document .document-name")
        .iter()
        .map(|name| name.text_content().unwrap())
        .collect()
}

fn sent_states() -> Vec<String> {
    all(".sent-document")
        .iter()
        .map(|row| row.text_content().unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn the_client_page_lists_what_was_added_while_deactivated_with_extract_now() {
    let _app = mount_with("/clients/1", with_waiting_documents()).await;
    expect("h2", "Documents added while deactivated");
    assert_eq!(waiting_names(), ["till-2.pdf", "till-1.pdf"]);
    assert_eq!(all(".waiting-document button").len(), 2);
    for button in all(".waiting-document button") {
        assert_eq!(button.text_content().unwrap(), "Extract now");
    }
    expect("button", "Extract all now");
}

#[wasm_bindgen_test]
async fn extract_now_shows_the_document_queued_and_the_server_holds_it_queued() {
    let app = mount_with("/clients/1", with_waiting_documents()).await;
    click(&all(".waiting-document button")[1]).await;
    assert_eq!(waiting_names(), ["till-2.pdf"]);
    assert_eq!(sent_states(), ["till-1.pdfQueued for extraction"]);
    let stored = app.server.documents.stored.lock().unwrap()[&BusinessId(100)].clone();
    assert_eq!(
        stored[1].extraction,
        clientele_core::wire::ExtractionState::Queued
    );
}

#[wasm_bindgen_test]
async fn a_refused_extract_all_now_puts_every_document_back_exactly() {
    let server = with_waiting_documents();
    *server.extract_failure.lock().unwrap() = Some(refusal(
        422,
        "client_deactivated",
        "This client is deactivated. Reactivate it first; then its documents can be extracted.",
    ));
    let _app = mount_with("/clients/1", server).await;
    click(&expect("button", "Extract all now")).await;
    assert_eq!(waiting_names(), ["till-2.pdf", "till-1.pdf"]);
    assert!(sent_states().is_empty());
    assert!(page_text().contains("This client is deactivated. Reactivate it first"));
}

#[wasm_bindgen_test]
async fn a_lost_answer_is_asked_for_again_with_the_same_key_and_the_documents_show_queued() {
    let server = with_waiting_documents();
    *server.extract_lost_answers.lock().unwrap() = 1;
    let app = mount_with("/clients/1", server).await;
    click(&expect("button", "Extract all now")).await;
    crate::sleep(1_300).await;
    assert!(waiting_names().is_empty());
    assert_eq!(
        sent_states(),
        [
            "till-2.pdfQueued for extraction",
            "till-1.pdfQueued for extraction"
        ]
    );
    assert!(!page_text().contains("Could not reach"), "{}", page_text());
    assert_eq!(
        app.server.extract_replies.lock().unwrap().len(),
        1,
        "one key"
    );
}

#[wasm_bindgen_test]
async fn when_both_answers_are_lost_the_list_shows_what_the_server_holds_and_claims_nothing() {
    let server = with_waiting_documents();
    *server.extract_lost_answers.lock().unwrap() = 2;
    let _app = mount_with("/clients/1", server).await;
    click(&all(".waiting-document button")[1]).await;
    crate::sleep(1_300).await;
    let text = page_text();
    assert!(text.contains("cannot be told"), "{text}");
    assert!(!text.contains("not saved"), "{text}");
    // The server queued till-1.pdf: read again, only till-2.pdf waits.
    assert_eq!(waiting_names(), ["till-2.pdf"]);
}

#[wasm_bindgen_test]
async fn nothing_is_offered_while_the_client_is_deactivated() {
    let server = with_waiting_documents();
    server.documents.stored.lock().unwrap().insert(
        BusinessId(300),
        vec![document_view(
            9,
            BusinessId(300),
            "cedar.pdf",
            "Cal Cedar",
            WAITING,
            Some(9),
        )],
    );
    let _app = mount_with("/clients/3", server).await;
    assert!(find("h2", "Documents added while deactivated").is_none());
    // The reactivation dialog says how many were added meanwhile.
    click(&expect(".banner button", "Reactivate")).await;
    let dialog = expect("[role=dialog]", "").text_content().unwrap();
    assert!(
        dialog.contains(
            "1 document was added while Cedar LLP was deactivated. You can extract it after \
             reactivating."
        ),
        "{dialog}"
    );
}

#[wasm_bindgen_test]
async fn step_one_shows_the_impact_counted_by_core() {
    let server = FakeServer::default();
    server.documents.stored.lock().unwrap().insert(
        BusinessId(100),
        vec![document_view(
            5,
            BusinessId(100),
            "queued.pdf",
            "Priya Shah",
            Extraction::Queued,
            Some(9),
        )],
    );
    let _app = mount_with("/clients", server).await;
    open_acme_wizard().await;
    let points: Vec<String> = all("[role=dialog] .impact-points li")
        .iter()
        .map(|point| point.text_content().unwrap())
        .collect();
    assert_eq!(points[0], "2 businesses will be deactivated.");
    assert_eq!(points[1], "1 document is queued and will not be extracted.");
    assert_eq!(
        points[2],
        "Priya Shah and Ben Carter will lose practice-managed access."
    );
    assert!(
        points[3].starts_with("Acme Shop was last active on"),
        "{points:?}"
    );
    assert_eq!(points[4], "Acme Cafe has no documents yet.");
}

#[wasm_bindgen_test]
async fn step_one_says_when_the_impact_cannot_be_counted_and_offers_retry() {
    let server = FakeServer::default();
    *server.impact_failure.lock().unwrap() = Some(refusal(
        503,
        "unavailable",
        "The server cannot reach its database.",
    ));
    let app = mount_with("/clients", server).await;
    open_acme_wizard().await;
    let dialog = expect("[role=dialog]", "").text_content().unwrap();
    assert!(
        dialog.contains("What this changes could not be counted."),
        "{dialog}"
    );
    *app.server.impact_failure.lock().unwrap() = None;
    click(&expect("[role=dialog] .impact button", "Retry")).await;
    assert_eq!(all("[role=dialog] .impact-points li").len(), 5);
}
