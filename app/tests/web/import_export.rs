//! Getting clients out and in by the file (issue 12): the search that
//! finds a client by its code, "Export CSV" of the list as shown, and
//! "Import clients" with its preview, its problems, its progress and its
//! 5 MiB limit.

use crate::browser::{choose_file, sized_file, text_file};
use crate::fixtures::{FakeServer, staff};
use crate::onboarding::field;
use crate::*;
use clientele_core::onboarding::OnboardingError;
use wasm_bindgen_test::*;

// ---- search and export -------------------------------------------------------------

#[wasm_bindgen_test]
async fn the_search_finds_a_client_by_its_code_and_the_list_shows_codes() {
    let _app = mount_at("/clients?q=ac-0").await;
    assert_eq!(row_names(), ["Acme Ltd"]);
    expect("th", "Code");
    expect("tbody td.client-code", "AC-001");
    let _app = mount_at("/clients?q=birch").await;
    assert_eq!(row_names(), ["Birch & Co"]);
}

#[wasm_bindgen_test]
async fn export_asks_for_the_list_as_shown_with_its_tab_search_and_sort() {
    let app = mount_at("/clients?tab=deactivated&q=Cedar%20LLP&sort=updated").await;
    click(&expect("button", "Export CSV")).await;
    sleep(50).await;
    assert_eq!(
        *app.server.onboarding.exports.lock().unwrap(),
        ["/api/clients/export?status=deactivated&q=Cedar%20LLP&sort=updated"]
    );
    expect("button", "Export CSV");
    assert_eq!(find("[role=alert] .toast", ""), None, "no error");
}

#[wasm_bindgen_test]
async fn staff_may_export_but_not_import() {
    let _app = mount_with("/clients", FakeServer::signed_in(staff())).await;
    expect("button", "Export CSV");
    assert!(find("button", "Import clients").is_none());
}

// ---- import -----------------------------------------------------------------------------

const HEADER: &str = "name,code,business,user_name,user_email";

async fn choose_csv(file: &web_sys::File) {
    choose_file(&field("import-file"), file);
    settle().await;
    sleep(50).await;
    settle().await;
}

#[wasm_bindgen_test]
async fn an_import_with_problems_shows_them_and_cannot_be_imported() {
    let app = mount_at("/clients").await;
    click(&expect("button", "Import clients")).await;
    let text = format!(
        "{HEADER}\nEcho Ltd,EC-1,Echo Shop,Eve Echo,eve@echo.test\nFox Ltd,AC-001,Fox Den,Fay Fox,fay@fox.test\nGolf Ltd,,Golf Club,Gil Golf,gil.golf.test\n"
    );
    choose_csv(&text_file("clients.csv", &text)).await;
    expect(".import-summary", "1 client will be created.");
    expect("[role=dialog] td", "Echo Ltd");
    expect(
        ".import-problems li",
        &format!("Line 3: {}", OnboardingError::CodeTaken),
    );
    expect(
        ".import-problems li",
        &format!("Line 4: {}", OnboardingError::Email),
    );
    let import = expect("[role=dialog] button", "Import 1 client");
    assert!(import.has_attribute("disabled"));
    assert_eq!(app.server.clients.lock().unwrap().len(), 3);
}

#[wasm_bindgen_test]
async fn an_import_without_problems_imports_with_progress_and_refreshes_the_list() {
    let app = mount_at("/clients").await;
    *app.server.onboarding.import_delay_ms.lock().unwrap() = 400;
    click(&expect("button", "Import clients")).await;
    let text = format!(
        "{HEADER}\nEcho Ltd,EC-1,Echo Shop,Eve Echo,eve@echo.test\nFox Ltd,FX-1,Fox Den,Fay Fox,fay@fox.test\n"
    );
    choose_csv(&text_file("clients.csv", &text)).await;
    expect(".import-summary", "2 clients will be created.");
    assert!(find(".import-problems", "").is_none());
    click(&expect("[role=dialog] button", "Import 2 clients")).await;

    assert!(
        find("[role=dialog] progress", "").is_some(),
        "a progress bar"
    );
    assert!(page_text().contains("Sending the file…"), "{}", page_text());
    sleep(250).await;
    settle().await;
    assert!(page_text().contains("Saving…"), "{}", page_text());
    assert!(find("[role=dialog] progress", "").is_some());
    sleep(300).await;
    settle().await;
    expect("[role=dialog] [role=status]", "Imported 2 clients");
    assert_eq!(tab_text("Active clients"), "Active clients (4)");
    assert_eq!(
        row_names(),
        ["Acme Ltd", "Birch & Co", "Echo Ltd", "Fox Ltd"]
    );
}

#[wasm_bindgen_test]
async fn a_file_over_5_mib_is_refused_before_it_is_sent() {
    let _app = mount_at("/clients").await;
    click(&expect("button", "Import clients")).await;
    choose_csv(&sized_file("big.csv", 5.0 * 1024.0 * 1024.0 + 1.0)).await;
    expect("[role=dialog] [role=alert]", "big.csv is larger than 5 MiB");
    assert!(find(".import-summary", "").is_none());
}
