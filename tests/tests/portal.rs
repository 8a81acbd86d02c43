//! The client's side, in a real Chromium against the real server: a user of
//! a client the practice has just deactivated signs in to the portal, is told
//! so, adds a real PDF that is kept but not extracted, and downloads the very
//! same bytes; once the practice reactivates the client, a new upload is
//! queued for extraction. Also the practice adding a document in a
//! business's documents dialog.

use clientele_core::portal::account_banner;
use clientele_core::{NotExtractedReason, Status};
use clientele_e2e::backend::{ADMIN, Backend, DEMO_PASSWORD};
use clientele_e2e::{Harness, Outcome, act, check, find};
use fantoccini::{Client, Locator};
use std::path::{Path, PathBuf};

/// The practice whose clients the demo data seeds first.
const PRACTICE: &str = "Harper & Lowe Bookkeeping";

/// A small but valid one-page PDF that says `text`.
fn small_pdf(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 18 Tf 24 64 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 320 144] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        pdf.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// Writes a PDF named `name` saying `text` into `folder`.
fn write_pdf(folder: &Path, name: &str, text: &str) -> Outcome<(PathBuf, Vec<u8>)> {
    let bytes = small_pdf(text);
    let path = folder.join(name);
    std::fs::write(&path, &bytes)?;
    Ok((path, bytes))
}

/// Fetches `href` with the browser's own session cookie, as the Download
/// link does: the status and the bytes.
async fn fetched_in(browser: &Client, href: &str) -> Outcome<(u64, Vec<u8>)> {
    let answer = browser
        .execute_async(
            r#"const [href, done] = arguments;
               fetch(href).then(r => r.arrayBuffer().then(body =>
                 done([r.status, Array.from(new Uint8Array(body))])));"#,
            vec![href.into()],
        )
        .await?;
    let status = answer[0].as_u64().ok_or("no status")?;
    let bytes = answer[1]
        .as_array()
        .ok_or("no body")?
        .iter()
        .map(|byte| byte.as_u64().map(|byte| byte as u8))
        .collect::<Option<Vec<u8>>>()
        .ok_or("the body is not bytes")?;
    Ok((status, bytes))
}

/// Signs in on a fresh browser as `email`, from the app's home page.
async fn signed_in(harness: &mut Harness, email: &str) -> Outcome<Client> {
    let browser = harness.open_browser().await?;
    act::open(harness, &browser, "/").await?;
    act::sign_in(harness, &browser, email, DEMO_PASSWORD).await?;
    Ok(browser)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_user_adds_a_pdf_while_deactivated_downloads_it_whole_and_is_queued_once_reactivated()
-> Outcome {
    let mut harness = Harness::start("portal").await?;
    let backend = Backend::new(&harness.url).await?;
    let client = backend.pick_client(Status::Active, 1, 2).await?;
    let new_owner = client.users[1].clone();
    let business = client.businesses[0].name.clone();
    let files = tempfile::tempdir()?;

    // 1. The practice admin deactivates the client and picks a new owner.
    let admin = signed_in(&mut harness, ADMIN).await?;
    act::go_to_solo_clients(&mut harness, &admin).await?;
    act::manage(&mut harness, &admin, &client.name, "Deactivate client").await?;
    act::choose_owner_and_confirm(&mut harness, &admin, &new_owner.name).await?;
    check::not_listed(&admin, &client.name).await?;
    check::eventually("the server has the client deactivated", || async {
        Ok(backend.client(client.id).await?.status == Status::Deactivated)
    })
    .await?;
    let deactivated = backend.client(client.id).await?;

    // 2. The new owner signs in, lands on the portal and is told.
    let owner = signed_in(&mut harness, &new_owner.email).await?;
    let banner =
        account_banner(PRACTICE, &deactivated).ok_or("no banner for a deactivated client")?;
    find::xpath(
        &owner,
        &format!(
            "//*[@role='status'][normalize-space()={}]",
            find::literal(&banner)
        ),
    )
    .await?;
    find::xpath(&owner, "//dd[normalize-space()='Account owner']").await?;
    assert_eq!(owner.current_url().await?.path(), "/portal");
    harness.screenshot(&owner, "portal-deactivated").await?;

    // 3. They add a real PDF: it is kept, but not extracted, and says why.
    let (receipt, original) = write_pdf(files.path(), "fuel-receipt.pdf", "Fuel 42.10 GBP")?;
    act::add_document(&mut harness, &owner, Some(&business), &receipt).await?;
    let listed = find::document(&owner, "fuel-receipt.pdf", "Not extracted").await?;
    let reason = NotExtractedReason::ClientDeactivated.message();
    assert!(listed.text().await?.contains(reason), "the reason is shown");
    harness.screenshot(&owner, "portal-desktop").await?;
    owner.set_window_size(375, 800).await?;
    harness.screenshot(&owner, "portal-phone").await?;
    owner.set_window_size(1280, 900).await?;

    // 4. "Download" gives back exactly the bytes sent.
    let download = listed
        .find(Locator::XPath(".//a[normalize-space()='Download']"))
        .await?;
    let href = download.attr("href").await?.ok_or("Download has no link")?;
    assert!(download.attr("download").await?.is_some());
    let (status, downloaded) = fetched_in(&owner, &href).await?;
    assert_eq!(status, 200);
    assert_eq!(downloaded, original, "the same bytes come back");

    // 5. The practice admin reactivates the client.
    act::choose_tab(&mut harness, &admin, "Deactivated clients").await?;
    act::reactivate(&mut harness, &admin, &client.name, true).await?;
    check::not_listed(&admin, &client.name).await?;
    check::eventually("the server has the client active again", || async {
        Ok(backend.client(client.id).await?.status == Status::Active)
    })
    .await?;

    // 6. The banner is gone, and a new upload is queued for extraction.
    act::reload(&owner).await?;
    find::xpath(&owner, "//dd[normalize-space()='Account owner']").await?;
    assert!(
        !owner.source().await?.contains(&banner),
        "no banner once the practice manages the account again"
    );
    let (receipt, _) = write_pdf(files.path(), "parking-receipt.pdf", "Parking 6.00 GBP")?;
    act::add_document(&mut harness, &owner, Some(&business), &receipt).await?;
    find::document(&owner, "parking-receipt.pdf", "Queued for extraction").await?;
    find::document(&owner, "fuel-receipt.pdf", "Not extracted").await?;
    harness.screenshot(&owner, "portal-reactivated").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_practice_adds_a_document_in_a_business_s_documents_dialog() -> Outcome {
    let mut harness = Harness::start("practice-adds-a-document").await?;
    let backend = Backend::new(&harness.url).await?;
    let client = backend.pick_client(Status::Active, 1, 1).await?;
    let business = client.businesses[0].name.clone();
    let files = tempfile::tempdir()?;
    let admin = signed_in(&mut harness, ADMIN).await?;
    act::go_to_solo_clients(&mut harness, &admin).await?;
    act::open_client(&mut harness, &admin, &client.name).await?;
    find::row_button(&admin, &business, "Documents")
        .await?
        .click()
        .await?;
    find::dialog(&admin).await?;

    let (receipt, original) = write_pdf(files.path(), "stationery.pdf", "Paper 9.99 GBP")?;
    act::add_document(&mut harness, &admin, None, &receipt).await?;
    let listed = find::document(&admin, "stationery.pdf", "Queued for extraction").await?;
    assert!(listed.text().await?.contains("Added by Dana Lowe"));
    harness.screenshot(&admin, "document-added").await?;
    let href = listed
        .find(Locator::XPath(".//a[normalize-space()='Download']"))
        .await?
        .attr("href")
        .await?
        .ok_or("Download has no link")?;
    assert_eq!(fetched_in(&admin, &href).await?, (200, original));
    Ok(())
}
