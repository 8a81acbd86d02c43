//! "Extract now" after a reactivation, in a real Chromium against the real
//! server, as the practice admin: step 1 of the deactivation wizard states
//! the impact in numbers; a document added to the client while it is
//! deactivated is not extracted; the reactivation dialog says how many were
//! added meanwhile; and on the client's page "Extract now" queues the
//! document, which the server's worker then really reads.

use clientele_core::Status;
use clientele_e2e::backend::{ADMIN, Backend, DEMO_PASSWORD};
use clientele_e2e::{Harness, Outcome, act, find};
use clientele_server::receipt::Receipt;
use fantoccini::Locator;
use std::time::Duration;

/// How long the worker may take to read a queued text PDF on a busy
/// machine (tesseract and pdftotext run for real).
const READING: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread")]
async fn a_document_added_while_deactivated_is_extracted_now_after_the_reactivation() -> Outcome {
    let mut harness = Harness::start("extract-now").await?;
    let browser = harness.open_browser().await?;
    let backend = Backend::new(&harness.url).await?;
    let client = backend.pick_client(Status::Active, 1, 1).await?;
    let business = client
        .businesses_with(Status::Active)
        .next()
        .ok_or("the picked client has no active business")?
        .clone();
    let active_businesses = client.count_businesses(Status::Active);
    act::open(&harness, &browser, "/").await?;
    act::sign_in(&mut harness, &browser, ADMIN, DEMO_PASSWORD).await?;
    act::go_to_solo_clients(&mut harness, &browser).await?;

    // Step 1 states the impact, counted by core on the server.
    act::manage(&mut harness, &browser, &client.name, "Deactivate client").await?;
    let businesses_point = if active_businesses == 1 {
        "1 business will be deactivated.".to_owned()
    } else {
        format!("{active_businesses} businesses will be deactivated.")
    };
    let points = "//*[@role='dialog']//ul[@class='impact-points']/li";
    find::xpath(
        &browser,
        &format!(
            "{points}[normalize-space()={}]",
            find::literal(&businesses_point)
        ),
    )
    .await?;
    find::xpath(
        &browser,
        &format!(
            "{points}[contains(., {})][contains(., 'will lose practice-managed access.')]",
            find::literal(&client.users[0].name)
        ),
    )
    .await?;
    find::xpath(
        &browser,
        &format!(
            "{points}[starts-with(normalize-space(), {})]",
            find::literal(&business.name)
        ),
    )
    .await?;
    harness.screenshot(&browser, "impact").await?;
    act::choose_owner_and_confirm(&mut harness, &browser, &client.users[0].name).await?;
    find::tab(&browser, "Deactivated clients").await?;

    // A document added while the client is deactivated is not extracted.
    act::choose_tab(&mut harness, &browser, "Deactivated clients").await?;
    act::open_client(&mut harness, &browser, &client.name).await?;
    act::choose_tab(&mut harness, &browser, "Deactivated businesses").await?;
    // The deactivation's toast (with its "Undo") may sit over the rows.
    dismiss_toasts(&browser).await?;
    find::row_button(&browser, &business.name, "Documents")
        .await?
        .click()
        .await?;
    let files = tempfile::tempdir()?;
    let pdf = files.path().join("while-away.pdf");
    let receipt = Receipt {
        supplier: "Harbour Hardware".into(),
        address: "3 Quay Road".into(),
        date: "02/11/2026".into(),
        items: vec![("Hinges".into(), 450), ("Screws".into(), 120)],
        symbol: "£".into(),
    };
    std::fs::write(&pdf, receipt.to_pdf())?;
    act::add_document(&mut harness, &browser, None, &pdf).await?;
    find::document(&browser, "while-away.pdf", "Not extracted").await?;
    find::dialog_button(&browser, "Close")
        .await?
        .click()
        .await?;

    // The reactivation dialog says how many were added meanwhile.
    // The banner's "Reactivate" reactivates the client (the rows' would
    // reactivate one business, which its client's state forbids).
    find::xpath(
        &browser,
        "//div[contains(@class, 'banner')]//button[normalize-space()='Reactivate']",
    )
    .await?
    .click()
    .await?;
    let said = find::xpath(
        &browser,
        &format!(
            "//*[@role='dialog']//p[contains(normalize-space(), {})]",
            find::literal(&format!("added while {} was deactivated", client.name))
        ),
    )
    .await?
    .text()
    .await?;
    let count: u64 = said
        .split_whitespace()
        .next()
        .and_then(|number| number.parse().ok())
        .ok_or_else(|| format!("the dialog does not start with a count: {said}"))?;
    assert!(count >= 1, "{said}");
    assert!(said.contains("after reactivating"), "{said}");
    harness
        .screenshot(&browser, "reactivate-with-count")
        .await?;
    find::dialog_button(&browser, "Reactivate")
        .await?
        .click()
        .await?;

    // The reactivation's toast (with its "Undo") may sit over the list at
    // the foot of the page; a person would dismiss it, and so does this.
    dismiss_toasts(&browser).await?;
    // On the client's page: "Extract now", then queued, then extracted.
    let extract = "//section[.//h2[normalize-space()='Documents added while deactivated']]\
         //li[.//span[normalize-space()='while-away.pdf']]//button[normalize-space()='Extract now']";
    find::xpath(&browser, extract).await?.click().await?;
    find::document(&browser, "while-away.pdf", "Queued for extraction").await?;
    harness.screenshot(&browser, "extract-now-queued").await?;
    browser
        .wait()
        .at_most(READING)
        .for_element(Locator::XPath(&find::document_path(
            "while-away.pdf",
            "Extracted",
        )))
        .await
        .map_err(|error| format!("the document was not extracted within {READING:?}: {error}"))?;
    harness
        .screenshot(&browser, "extract-now-extracted")
        .await?;

    // The server holds it extracted, with what was read.
    let documents: serde_json::Value = reqwest_documents(&harness.url, business.id.0).await?;
    let stored = documents["items"]
        .as_array()
        .ok_or("no documents")?
        .iter()
        .find(|document| document["file_name"] == "while-away.pdf")
        .ok_or("the document is not stored")?
        .clone();
    assert_eq!(stored["extraction"], "extracted", "{stored}");
    assert_eq!(stored["fields"]["supplier"]["value"], "Harbour Hardware");
    Ok(())
}

/// A business's documents as the server holds them, read as the admin.
async fn reqwest_documents(url: &str, business: u64) -> Outcome<serde_json::Value> {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let http = reqwest::Client::builder().cookie_provider(jar).build()?;
    http.post(format!("{url}/api/session"))
        .json(&serde_json::json!({ "email": ADMIN, "password": DEMO_PASSWORD }))
        .send()
        .await?
        .error_for_status()?;
    Ok(http
        .get(format!("{url}/api/businesses/{business}/documents"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?)
}

/// Dismisses every toast: one (with its "Undo") may sit over the buttons
/// at the foot of the page, and a person would close it.
async fn dismiss_toasts(browser: &fantoccini::Client) -> Outcome {
    let dismiss = "//div[contains(@class, 'toast')]//button[@aria-label='Dismiss']";
    for _ in 0..10 {
        let shown = browser
            .find_all(fantoccini::Locator::XPath(dismiss))
            .await?;
        let Some(first) = shown.into_iter().next() else {
            return Ok(());
        };
        first.click().await?;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    Ok(())
}
