//! Extraction that really extracts, seen by a client: a user of an active
//! client photographs a receipt (a PNG rendered from a real receipt PDF),
//! adds it in the portal, and within 30 seconds the portal shows the
//! supplier, the date and the total the server's worker read from it.

use clientele_core::Status;
use clientele_e2e::backend::{Backend, DEMO_PASSWORD};
use clientele_e2e::{Harness, Outcome, act, find};
use clientele_server::receipt::Receipt;
use std::time::{Duration, Instant};

/// A receipt photographed: the PDF rendered at 200 dpi by poppler.
fn photographed(receipt: &Receipt, dir: &std::path::Path) -> Outcome<std::path::PathBuf> {
    let pdf = dir.join("receipt.pdf");
    std::fs::write(&pdf, receipt.to_pdf())?;
    let png = dir.join("till-receipt");
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", "200", "-png", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .status()?;
    if !status.success() {
        return Err("pdftoppm could not render the receipt".into());
    }
    Ok(png.with_extension("png"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_user_adds_a_photographed_receipt_and_sees_what_was_read_within_30_seconds()
-> Outcome {
    let mut harness = Harness::start("extraction").await?;
    let backend = Backend::new(&harness.url).await?;
    let client = backend.pick_client(Status::Active, 1, 1).await?;
    let business = client
        .businesses_with(Status::Active)
        .next()
        .ok_or("the client has no active business")?
        .clone();
    let receipt = Receipt {
        supplier: "Copper Kettle Cafe".into(),
        address: "12 High Street".into(),
        date: "12/03/2026".into(),
        items: vec![("Flat white".into(), 320), ("Croissant".into(), 280)],
        symbol: "£".into(),
    };
    let files = tempfile::tempdir()?;
    let image = photographed(&receipt, files.path())?;

    let browser = harness.open_browser().await?;
    act::open(&harness, &browser, "/portal").await?;
    act::sign_in(
        &mut harness,
        &browser,
        &client.users[0].email,
        DEMO_PASSWORD,
    )
    .await?;
    act::add_document(&mut harness, &browser, Some(&business.name), &image).await?;
    let started = Instant::now();

    // The worker reads it; the portal looks again until it is read.
    for shown in ["Copper Kettle Cafe", "2026-03-12", "GBP 7.20"] {
        let path = format!(
            "//li[.//span[normalize-space()='till-receipt.png']]//dd[normalize-space()={}]",
            find::literal(shown)
        );
        browser
            .wait()
            .at_most(Duration::from_secs(30).saturating_sub(started.elapsed()))
            .for_element(fantoccini::Locator::XPath(&path))
            .await
            .map_err(|error| format!("the portal did not show {shown} within 30 s: {error}"))?;
    }
    assert!(started.elapsed() < Duration::from_secs(30));
    harness.screenshot(&browser, "extracted").await?;
    find::document(&browser, "till-receipt.png", "Extracted").await?;
    Ok(())
}
