//! The client's portal and adding documents: the account, practice, person
//! and role; the banners of a deactivated account or business in `core`'s
//! words; each business's documents in their loading, empty, error and
//! listed states; and uploads, several at once with their progress, where a
//! refused file says why and leaves the others going. Also "Add documents" in
//! the practice's documents dialog.

use crate::browser::{choose_files, drop_files, make_file};
use crate::fixtures::documents::document_view;
use crate::fixtures::{FakeServer, PRACTICE, client_user, refusal};
use crate::*;
use clientele_core::documents::{FileRefusal, MAX_DOCUMENT_BYTES};
use clientele_core::portal::{account_banner, business_banner};
use clientele_core::wire::{Session, SessionRole};
use clientele_core::{BusinessId, ClientId, Command, Extraction, NotExtractedReason, UserId};
use std::sync::atomic::Ordering;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

// ---- arrange ---------------------------------------------------------------

const ACME: ClientId = ClientId(1);
const ACME_SHOP: BusinessId = BusinessId(100);
const ACME_CAFE: BusinessId = BusinessId(101);
const PRIYA: UserId = UserId(10);
const BEN: UserId = UserId(11);

/// Ben, a standard user of Acme Ltd's account.
fn standard_user() -> Session {
    let mut session = client_user();
    session.user.id = BEN.0;
    session.user.name = "Ben Carter".into();
    session.user.email = "ben@acme.test".into();
    session.user.role = SessionRole::Standard;
    session
}

/// The fake server with Priya signed in, after `commands` changed Acme.
fn acme_after(commands: &[Command]) -> FakeServer {
    let server = FakeServer::signed_in(client_user());
    for command in commands {
        let mut clients = server.clients.lock().unwrap();
        let acme = clients.get(&ACME).unwrap().clone();
        let (next, _) = clientele_core::execute(&acme, acme.version, command).unwrap();
        clients.insert(ACME, next);
    }
    server
}

fn files(list: &[(&str, f64)]) -> js_sys::Array {
    list.iter()
        .map(|(name, size)| JsValue::from(make_file(name, *size)))
        .collect()
}

// ---- find ------------------------------------------------------------------

/// The portal's card of the business named `name`.
fn business_card(name: &str) -> web_sys::HtmlElement {
    expect("section.business-card", name)
}

fn inside(card: &web_sys::HtmlElement, selector: &str) -> Vec<web_sys::HtmlElement> {
    let list = card.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

fn text_of(element: &web_sys::HtmlElement) -> String {
    element.text_content().unwrap_or_default()
}

/// The names of the documents listed in `card`, in order.
fn document_names(card: &web_sys::HtmlElement) -> Vec<String> {
    inside(card, ".documents .document-name")
        .iter()
        .map(text_of)
        .collect()
}

/// The listed document named `name`, in `card`.
fn listed_document(card: &web_sys::HtmlElement, name: &str) -> web_sys::HtmlElement {
    inside(card, ".documents li")
        .into_iter()
        .find(|item| text_of(item).starts_with(name))
        .unwrap_or_else(|| panic!("no document {name} listed in {}", text_of(card)))
}

fn progress_of(file_name: &str) -> Option<(String, String)> {
    document()
        .query_selector(&format!("progress[aria-label='Uploading {file_name}']"))
        .unwrap()
        .map(|bar| {
            (
                bar.get_attribute("value").unwrap_or_default(),
                bar.get_attribute("max").unwrap_or_default(),
            )
        })
}

// ---- act -------------------------------------------------------------------

/// Chooses `list` in the file picker of `card`.
async fn add_documents(card: &web_sys::HtmlElement, list: &[(&str, f64)]) {
    let input: web_sys::HtmlInputElement = inside(card, "input[type=file]")
        .pop()
        .expect("an Add documents file input")
        .unchecked_into();
    choose_files(&input, &files(list));
    settle().await;
}

// ---- the account -----------------------------------------------------------

#[wasm_bindgen_test]
async fn the_portal_names_the_account_the_practice_the_person_and_their_role() {
    let _app = mount_with("/portal", FakeServer::signed_in(client_user())).await;
    assert_eq!(text_of(&expect("h1", "")), "Acme Ltd");
    assert_eq!(text_of(&expect(".practice-name", "")), PRACTICE);
    assert_eq!(text_of(&expect(".me-name", "")), "Priya Shah");
    assert_eq!(text_of(&expect(".role-label", "")), "Account owner");
    let headings: Vec<String> = all(".business-card h3").iter().map(text_of).collect();
    assert_eq!(headings, ["Acme Shop", "Acme Cafe"]);
    assert!(
        find(".banner", "").is_none(),
        "a managed account has no banner"
    );
}

#[wasm_bindgen_test]
async fn a_standard_user_is_told_they_are_standard() {
    let _app = mount_with("/portal", FakeServer::signed_in(standard_user())).await;
    assert_eq!(text_of(&expect(".me-name", "")), "Ben Carter");
    assert_eq!(text_of(&expect(".role-label", "")), "Standard");
}

#[wasm_bindgen_test]
async fn a_deactivated_account_says_so_in_one_banner_and_its_businesses_add_nothing() {
    let server = acme_after(&[Command::DeactivateClient {
        new_owner_id: BEN,
        reason: None,
    }]);
    let acme = server.clients.lock().unwrap()[&ACME].clone();
    let _app = mount_with("/portal", server).await;
    let banners = all(".banner");
    assert_eq!(
        banners.len(),
        1,
        "the account's banner covers its businesses"
    );
    assert_eq!(
        text_of(&banners[0]).trim(),
        account_banner(PRACTICE, &acme).unwrap()
    );
    assert_eq!(banners[0].get_attribute("role").as_deref(), Some("status"));
    assert_eq!(
        text_of(&expect(".role-label", "")),
        "Admin",
        "Priya handed the account to Ben"
    );
    assert!(text_of(&business_card("Acme Shop")).contains("Deactivated"));
}

#[wasm_bindgen_test]
async fn a_deactivated_business_of_a_managed_account_has_its_own_banner() {
    let server = acme_after(&[Command::DeactivateBusiness {
        business_id: ACME_CAFE,
        new_owner_id: PRIYA,
        reason: None,
    }]);
    let acme = server.clients.lock().unwrap()[&ACME].clone();
    let cafe = acme.business(ACME_CAFE).unwrap().clone();
    let _app = mount_with("/portal", server).await;
    assert_eq!(all(".banner").len(), 1);
    let banner = inside(&business_card("Acme Cafe"), ".banner")
        .pop()
        .unwrap();
    assert_eq!(
        text_of(&banner).trim(),
        business_banner(PRACTICE, &acme, &cafe).unwrap()
    );
    assert!(inside(&business_card("Acme Shop"), ".banner").is_empty());
}

// ---- the documents ---------------------------------------------------------

#[wasm_bindgen_test]
async fn documents_show_loading_and_then_no_documents_yet() {
    let server = FakeServer::signed_in(client_user());
    server.documents.reads_held.store(true, Ordering::SeqCst);
    let app = mount_with("/portal", server).await;
    for name in ["Acme Shop", "Acme Cafe"] {
        let card = business_card(name);
        assert!(text_of(&card).contains("Loading documents…"), "{name}");
    }
    app.server
        .documents
        .reads_held
        .store(false, Ordering::SeqCst);
    sleep(30).await;
    settle().await;
    let card = business_card("Acme Shop");
    assert!(!text_of(&card).contains("Loading documents…"));
    assert_eq!(
        text_of(&inside(&card, ".state").pop().unwrap()),
        "No documents yet."
    );
}

#[wasm_bindgen_test]
async fn documents_that_cannot_be_read_say_why_and_come_back_with_retry() {
    let server = FakeServer::signed_in(client_user());
    server.documents.stored.lock().unwrap().insert(
        ACME_SHOP,
        vec![document_view(
            1,
            ACME_SHOP,
            "till-roll.pdf",
            "Priya Shah",
            Extraction::Queued,
            Some(900),
        )],
    );
    *server.documents.read_failure.lock().unwrap() = Some(refusal(
        500,
        "internal",
        "Something went wrong on our side.",
    ));
    let app = mount_with("/portal", server).await;
    let card = business_card("Acme Shop");
    assert!(
        text_of(&card)
            .contains("The documents could not be loaded. Something went wrong on our side."),
        "{}",
        text_of(&card)
    );
    *app.server.documents.read_failure.lock().unwrap() = None;
    let retry = inside(&card, "button")
        .into_iter()
        .find(|button| text_of(button) == "Retry")
        .unwrap();
    click(&retry).await;
    assert_eq!(document_names(&card), ["till-roll.pdf"]);
}

#[wasm_bindgen_test]
async fn a_list_that_could_not_be_read_says_so_without_speaking_of_a_change() {
    let server = FakeServer::signed_in(client_user());
    *server.documents.read_failure.lock().unwrap() =
        Some(clientele_app::api::ApiError::Network("reset".into()));
    let _app = mount_with("/portal", server).await;
    let text = text_of(&business_card("Acme Shop"));
    assert!(
        text.contains("The documents could not be loaded. Could not reach the server."),
        "{text}"
    );
    assert!(!text.contains("saved"), "{text}");
}

#[wasm_bindgen_test]
async fn each_document_shows_who_added_it_its_size_its_state_with_why_and_a_download() {
    let server = FakeServer::signed_in(client_user());
    let not_extracted = Extraction::NotExtracted(NotExtractedReason::ClientDeactivated);
    let mut unreadable = document_view(
        4,
        ACME_SHOP,
        "blurred.png",
        "Ben Carter",
        Extraction::Failed,
        Some(10),
    );
    unreadable.failure = Some("No text could be read from this file.".into());
    server.documents.stored.lock().unwrap().insert(
        ACME_SHOP,
        vec![
            unreadable,
            document_view(
                3,
                ACME_SHOP,
                "fuel.pdf",
                "Priya Shah",
                Extraction::Queued,
                Some(48 * 1024),
            ),
            document_view(
                2,
                ACME_SHOP,
                "van.jpg",
                "Ben Carter",
                not_extracted,
                Some(3_670_016),
            ),
            document_view(
                1,
                ACME_SHOP,
                "old-scan.pdf",
                "Pat Admin",
                Extraction::Extracted,
                None,
            ),
        ],
    );
    let _app = mount_with("/portal", server).await;
    let card = business_card("Acme Shop");
    assert_eq!(
        document_names(&card),
        ["blurred.png", "fuel.pdf", "van.jpg", "old-scan.pdf"]
    );
    let blurred = text_of(&listed_document(&card, "blurred.png"));
    assert!(blurred.contains("Extraction failed"), "{blurred}");
    assert!(
        blurred.contains("No text could be read from this file."),
        "{blurred}"
    );
    assert!(blurred.contains("10 bytes"), "{blurred}");

    let fuel = listed_document(&card, "fuel.pdf");
    let text = text_of(&fuel);
    assert!(
        text.contains("Added by Priya Shah on 28 Nov 2026"),
        "{text}"
    );
    assert!(text.contains("48 KB"), "{text}");
    assert!(text.contains("Queued for extraction"), "{text}");
    let download = inside(&fuel, "a").pop().unwrap();
    assert_eq!(text_of(&download), "Download");
    assert_eq!(
        download.get_attribute("href").as_deref(),
        Some("/api/documents/3/file")
    );
    assert_eq!(
        download.get_attribute("download").as_deref(),
        Some("fuel.pdf")
    );

    let van = text_of(&listed_document(&card, "van.jpg"));
    assert!(van.contains("3.5 MB"), "{van}");
    assert!(van.contains("Not extracted"), "{van}");
    assert!(
        van.contains(NotExtractedReason::ClientDeactivated.message()),
        "{van}"
    );

    let old = listed_document(&card, "old-scan.pdf");
    assert!(text_of(&old).contains("Extracted"));
    assert!(inside(&old, "a").is_empty(), "no file, no Download");
}

#[wasm_bindgen_test]
async fn an_extracted_document_shows_each_field_or_says_it_was_not_found() {
    use clientele_core::extraction::{Field, Fields};
    let server = FakeServer::signed_in(client_user());
    let field = |value: &str| {
        Some(Field {
            value: value.into(),
            confidence: 90,
        })
    };
    let mut whole = document_view(
        2,
        ACME_SHOP,
        "kettle.pdf",
        "Ben Carter",
        Extraction::Extracted,
        None,
    );
    whole.fields = Some(Fields {
        supplier: field("Copper Kettle Cafe"),
        date: field("2026-03-12"),
        total: field("7.20"),
        currency: field("GBP"),
    });
    let mut partial = document_view(
        1,
        ACME_SHOP,
        "till.png",
        "Ben Carter",
        Extraction::Extracted,
        None,
    );
    partial.fields = Some(Fields {
        supplier: field("Corner Shop"),
        date: None,
        total: field("4.00"),
        currency: None,
    });
    server
        .documents
        .stored
        .lock()
        .unwrap()
        .insert(ACME_SHOP, vec![whole, partial]);
    let _app = mount_with("/portal", server).await;
    let card = business_card("Acme Shop");
    let shown = |name: &str| {
        let fields = inside(&listed_document(&card, name), "dl.fields")
            .pop()
            .unwrap();
        inside(&fields, "dd")
            .iter()
            .map(text_of)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        shown("kettle.pdf"),
        ["Copper Kettle Cafe", "2026-03-12", "GBP 7.20"]
    );
    assert_eq!(
        shown("till.png"),
        ["Corner Shop", "Not found", "4.00 (currency not found)"]
    );
}

// ---- adding documents ------------------------------------------------------

#[wasm_bindgen_test]
async fn add_documents_is_a_labelled_file_input_reached_with_tab() {
    let _app = mount_with("/portal", FakeServer::signed_in(client_user())).await;
    let card = business_card("Acme Shop");
    let input: web_sys::HtmlInputElement = inside(&card, "input[type=file]")
        .pop()
        .unwrap()
        .unchecked_into();
    assert!(input.multiple());
    assert!(input.tab_index() >= 0);
    let style = web_sys::window()
        .unwrap()
        .get_computed_style(&input)
        .unwrap()
        .unwrap();
    assert_ne!(style.get_property_value("display").unwrap(), "none");
    assert_ne!(style.get_property_value("visibility").unwrap(), "hidden");
    let label = inside(&card, &format!("label[for='{}']", input.id()))
        .pop()
        .expect("a label for the file input");
    assert!(text_of(&label).starts_with("Add documents"));
    input.focus().unwrap();
    assert_eq!(document().active_element().unwrap().id(), input.id());
}

#[wasm_bindgen_test]
async fn several_files_go_up_at_once_and_one_too_large_leaves_the_others_going() {
    let server = FakeServer::signed_in(client_user());
    server.documents.uploads_held.store(true, Ordering::SeqCst);
    let app = mount_with("/portal", server).await;
    let card = business_card("Acme Shop");
    let too_large = MAX_DOCUMENT_BYTES as f64 + 1.0;
    add_documents(
        &card,
        &[
            ("fuel.pdf", 1000.0),
            ("huge-scan.pdf", too_large),
            ("van.png", 4000.0),
        ],
    )
    .await;

    assert_eq!(progress_of("fuel.pdf"), Some(("500".into(), "1000".into())));
    assert_eq!(progress_of("van.png"), Some(("2000".into(), "4000".into())));
    assert_eq!(progress_of("huge-scan.pdf"), None);
    let uploads = text_of(&inside(&card, ".uploads").pop().unwrap());
    assert!(
        uploads.contains(&FileRefusal::TooLarge.to_string()),
        "{uploads}"
    );
    assert_eq!(
        *app.server.documents.received.lock().unwrap(),
        ["fuel.pdf", "van.png"],
        "the large file was never sent"
    );

    app.server
        .documents
        .uploads_held
        .store(false, Ordering::SeqCst);
    sleep(30).await;
    settle().await;
    assert_eq!(progress_of("fuel.pdf"), None, "done: no progress bar");
    let mut names = document_names(&card);
    names.sort();
    assert_eq!(names, ["fuel.pdf", "van.png"]);
    assert!(text_of(&listed_document(&card, "van.png")).contains("Queued for extraction"));
    assert!(
        text_of(&card).contains(&FileRefusal::TooLarge.to_string()),
        "still said"
    );

    click(&expect(
        "button[aria-label='Dismiss huge-scan.pdf']",
        "Dismiss",
    ))
    .await;
    assert!(!text_of(&card).contains(&FileRefusal::TooLarge.to_string()));
}

#[wasm_bindgen_test]
async fn a_file_the_server_refuses_says_why_and_the_others_are_added() {
    let app = mount_with("/portal", FakeServer::signed_in(client_user())).await;
    let card = business_card("Acme Shop");
    add_documents(&card, &[("notes.txt", 300.0), ("fuel.pdf", 1000.0)]).await;
    sleep(30).await;
    settle().await;
    assert_eq!(document_names(&card), ["fuel.pdf"]);
    let refused = text_of(&inside(&card, ".uploads li").pop().unwrap());
    assert!(refused.starts_with("notes.txt"), "{refused}");
    assert!(
        refused.contains(&FileRefusal::UnsupportedType.to_string()),
        "{refused}"
    );
    assert_eq!(app.server.documents.received.lock().unwrap().len(), 2);
}

#[wasm_bindgen_test]
async fn files_dropped_onto_a_business_are_added_to_that_business() {
    let _app = mount_with("/portal", FakeServer::signed_in(client_user())).await;
    let cafe = business_card("Acme Cafe");
    let zone = inside(&cafe, ".drop-zone").pop().unwrap();
    drop_files(
        &zone,
        &files(&[("coffee.jpg", 2048.0), ("milk.pdf", 512.0)]),
    );
    sleep(30).await;
    settle().await;
    let mut names = document_names(&cafe);
    names.sort();
    assert_eq!(names, ["coffee.jpg", "milk.pdf"]);
    assert!(document_names(&business_card("Acme Shop")).is_empty());
    assert!(!zone.class_list().contains("dragging-over"));
}

#[wasm_bindgen_test]
async fn a_document_added_to_a_deactivated_account_is_kept_but_not_extracted() {
    let server = acme_after(&[Command::DeactivateClient {
        new_owner_id: PRIYA,
        reason: None,
    }]);
    let _app = mount_with("/portal", server).await;
    let card = business_card("Acme Shop");
    add_documents(&card, &[("fuel.pdf", 1000.0)]).await;
    sleep(30).await;
    settle().await;
    let fuel = text_of(&listed_document(&card, "fuel.pdf"));
    assert!(fuel.contains("Not extracted"), "{fuel}");
    assert!(
        fuel.contains(NotExtractedReason::ClientDeactivated.message()),
        "{fuel}"
    );
}

#[wasm_bindgen_test]
async fn the_practice_adds_documents_in_a_business_s_documents_dialog() {
    let server = FakeServer::default();
    server.documents.stored.lock().unwrap().insert(
        ACME_SHOP,
        vec![document_view(
            1,
            ACME_SHOP,
            "till-roll.pdf",
            "Priya Shah",
            Extraction::Queued,
            Some(2048),
        )],
    );
    let app = mount_with("/clients/1", server).await;
    let shop_row = expect("tbody tr", "Acme Shop");
    let open = inside(&shop_row, "button")
        .into_iter()
        .find(|button| text_of(button) == "Documents")
        .unwrap();
    click(&open).await;
    let dialog = expect("[role=dialog]", "Documents");
    let till_roll = listed_document(&dialog, "till-roll.pdf");
    assert!(text_of(&till_roll).contains("2 KB"));
    assert_eq!(text_of(&inside(&till_roll, "a").pop().unwrap()), "Download");

    add_documents(&dialog, &[("fuel.pdf", 1000.0)]).await;
    sleep(30).await;
    settle().await;
    assert_eq!(document_names(&dialog), ["fuel.pdf", "till-roll.pdf"]);
    let fuel = text_of(&listed_document(&dialog, "fuel.pdf"));
    assert!(fuel.contains("Added by Pat Admin"), "{fuel}");
    assert!(fuel.contains("1000 bytes"), "{fuel}");
    assert_eq!(*app.server.documents.received.lock().unwrap(), ["fuel.pdf"]);
}
