//! Getting real data in and out, as a practice admin does it in Chromium
//! against the real server: add a client with its first user, who opens
//! the invitation, sets a password and signs in; import 50 clients from a
//! CSV file; export the list as shown and compare the file with the screen.

use clientele_core::Status;
use clientele_e2e::backend::{Backend, DEMO_PASSWORD};
use clientele_e2e::{Harness, Outcome, act, check, find};
use fantoccini::{Client, Locator};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ADMIN: &str = "admin@harperlowe.example";

async fn signed_in_admin(harness: &mut Harness) -> Outcome<Client> {
    let browser = harness.open_browser().await?;
    act::open(harness, &browser, "/").await?;
    act::sign_in(harness, &browser, ADMIN, DEMO_PASSWORD).await?;
    act::go_to_solo_clients(harness, &browser).await?;
    Ok(browser)
}

async fn type_into(browser: &Client, label: &str, text: &str) -> Outcome {
    let field = find::field(browser, label).await?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

/// The link in the read-only "Invitation link" field, once it is shown.
async fn invitation_link(browser: &Client) -> Outcome<String> {
    let field = find::field(browser, "Invitation link").await?;
    assert_eq!(field.attr("readonly").await?.as_deref(), Some("true"));
    check::eventually("the invitation link is filled in", || async {
        Ok(field
            .prop("value")
            .await?
            .is_some_and(|link| link.contains("/invite/")))
    })
    .await?;
    Ok(field.prop("value").await?.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_added_with_a_user_who_accepts_the_invitation_and_signs_in() -> Outcome {
    let mut harness = Harness::start("onboarding-add").await?;
    let browser = signed_in_admin(&mut harness).await?;
    let before = check::tab_count(&browser, "Active clients").await?;

    find::button(&browser, "Add client").await?.click().await?;
    find::dialog(&browser).await?;
    type_into(&browser, "Client name", "Kestrel Joinery Ltd").await?;
    type_into(&browser, "Client code", "KJ-100").await?;
    type_into(&browser, "Business name", "Kestrel Joinery").await?;
    type_into(&browser, "User name", "Maya Okafor").await?;
    type_into(&browser, "User email", "maya@kestrel.example").await?;
    harness.screenshot(&browser, "add-client").await?;
    find::dialog_button(&browser, "Add client")
        .await?
        .click()
        .await?;
    let link = invitation_link(&browser).await?;
    harness.screenshot(&browser, "invitation-link").await?;
    assert!(
        link.starts_with(&harness.url) && link.contains("/invite/"),
        "{link}"
    );

    // The server holds it, with its code, and the list counts it.
    let backend = Backend::new(&harness.url).await?;
    let stored = backend
        .clients(Status::Active)
        .await?
        .into_iter()
        .find(|client| client.name == "Kestrel Joinery Ltd")
        .ok_or("the server does not hold the new client")?;
    assert_eq!(stored.code.as_deref(), Some("KJ-100"));
    assert_eq!(stored.owner.name, "Maya Okafor");
    check::eventually("the active count counts the new client", || async {
        Ok(check::tab_count(&browser, "Active clients").await? == before + 1)
    })
    .await?;

    // The search finds it by its code.
    let search = find::xpath(&browser, "//input[@type='search']").await?;
    search.send_keys("kj-100").await?;
    check::listed_under(&browser, "Active clients", "Kestrel Joinery Ltd").await?;

    // Maya opens the link in her own browser, sets a password, and is in.
    let maya = harness.open_browser().await?;
    maya.goto(&link).await?;
    find::xpath(
        &maya,
        "//*[contains(normalize-space(), 'Kestrel Joinery Ltd')]",
    )
    .await?;
    type_into(&maya, "Password", "a long enough password").await?;
    type_into(&maya, "Confirm password", "a long enough password").await?;
    harness.screenshot(&maya, "set-password").await?;
    find::button(&maya, "Set password").await?.click().await?;
    find::xpath(&maya, "//*[normalize-space()='Account owner']").await?;
    find::xpath(&maya, "//h3[normalize-space()='Kestrel Joinery']").await?;
    harness.screenshot(&maya, "portal-after-invitation").await?;

    // The link worked once; she signs in with her password from now on.
    let again = harness.open_browser().await?;
    again.goto(&link).await?;
    find::xpath(&again, "//*[contains(normalize-space(), 'used already')]").await?;
    act::sign_out(&mut harness, &maya).await?;
    act::sign_in(
        &mut harness,
        &maya,
        "maya@kestrel.example",
        "a long enough password",
    )
    .await?;
    find::xpath(&maya, "//*[normalize-space()='Account owner']").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_owner_whose_link_never_arrived_is_sent_a_new_one_from_the_users_panel() -> Outcome {
    let mut harness = Harness::start("onboarding-new-link").await?;
    let browser = signed_in_admin(&mut harness).await?;
    find::button(&browser, "Add client").await?.click().await?;
    find::dialog(&browser).await?;
    type_into(&browser, "Client name", "Heron Glazing Ltd").await?;
    type_into(&browser, "Business name", "Heron Glazing").await?;
    type_into(&browser, "User name", "Iris Heron").await?;
    type_into(&browser, "User email", "iris@heron.example").await?;
    find::dialog_button(&browser, "Add client")
        .await?
        .click()
        .await?;
    // The first link is shown, and lost: the email never reached Iris.
    let lost = invitation_link(&browser).await?;
    find::dialog_button(&browser, "Done").await?.click().await?;

    let search = find::xpath(&browser, "//input[@type='search']").await?;
    search.send_keys("Heron").await?;
    check::listed_under(&browser, "Active clients", "Heron Glazing Ltd").await?;
    act::open_client(&mut harness, &browser, "Heron Glazing Ltd").await?;
    find::xpath(
        &browser,
        "//tr[td[contains(normalize-space(), 'Iris Heron')]]/td[starts-with(normalize-space(), 'Sent, works until')]",
    )
    .await?;
    find::row_button(&browser, "Iris Heron", "New link")
        .await?
        .click()
        .await?;
    find::xpath(
        &browser,
        "//*[@role='dialog']//h2[normalize-space()='New invitation link for Iris Heron?']",
    )
    .await?;
    find::dialog_button(&browser, "Make new link")
        .await?
        .click()
        .await?;
    let link = invitation_link(&browser).await?;
    harness.screenshot(&browser, "new-invitation-link").await?;
    assert_ne!(link, lost);
    find::dialog_button(&browser, "Done").await?.click().await?;
    find::xpath(
        &browser,
        "//section[@aria-labelledby='activity-title']//*[contains(normalize-space(), 'Sent a user a new invitation link')]",
    )
    .await?;

    // The lost link no longer works; the new one does.
    let stale = harness.open_browser().await?;
    stale.goto(&lost).await?;
    find::xpath(&stale, "//*[contains(normalize-space(), 'not valid')]").await?;
    let iris = harness.open_browser().await?;
    iris.goto(&link).await?;
    type_into(&iris, "Password", "a long enough password").await?;
    type_into(&iris, "Confirm password", "a long enough password").await?;
    find::button(&iris, "Set password").await?.click().await?;
    find::xpath(&iris, "//h3[normalize-space()='Heron Glazing']").await?;

    // Back on the practice's side, she has accepted: no new link for her.
    act::reload(&browser).await?;
    find::xpath(
        &browser,
        "//tr[td[contains(normalize-space(), 'Iris Heron')]]/td[normalize-space()='Accepted']",
    )
    .await?;
    let offered = browser
        .find_all(Locator::XPath(
            "//button[@aria-label='New invitation link for Iris Heron']",
        ))
        .await?;
    assert!(offered.is_empty(), "no new link for someone who signed up");
    Ok(())
}

/// Fifty clients as an import file, with a comma and a quote in one name.
fn fifty_clients(dir: &Path) -> Outcome<PathBuf> {
    let mut text = String::from("name,code,business,user_name,user_email\n");
    for n in 1..=50 {
        let name = if n == 7 {
            "\"Wren, Hart & \"\"Sons\"\" 07\"".to_owned()
        } else {
            format!("Imported Client {n:02}")
        };
        text.push_str(&format!(
            "{name},IMP-{n:02},Imported Business {n:02},Imported Person {n:02},imported{n:02}@import.example\n"
        ));
    }
    let path = dir.join("fifty-clients.csv");
    std::fs::write(&path, text)?;
    Ok(path)
}

/// The file the browser downloaded, once it is complete.
async fn downloaded(dir: &Path, name: &str) -> Outcome<String> {
    let path = dir.join(name);
    let deadline = Instant::now() + find::PATIENCE;
    loop {
        if path.exists() {
            return Ok(std::fs::read_to_string(&path)?);
        }
        if Instant::now() > deadline {
            return Err(format!("{name} was not downloaded within {:?}", find::PATIENCE).into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The cells of each body row of the client table, as shown.
async fn rows_shown(browser: &Client) -> Outcome<Vec<Vec<String>>> {
    let mut rows = Vec::new();
    for row in browser
        .find_all(Locator::XPath(
            "//table//tbody/tr[not(@aria-hidden='true')]",
        ))
        .await?
    {
        let mut cells = Vec::new();
        for cell in row.find_all(Locator::XPath("./td")).await? {
            cells.push(cell.text().await?.trim().to_owned());
        }
        rows.push(cells);
    }
    Ok(rows)
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_clients_imported_then_exported_as_shown() -> Outcome {
    let mut harness = Harness::start("onboarding-import-export").await?;
    let browser = signed_in_admin(&mut harness).await?;
    let before = check::tab_count(&browser, "Active clients").await?;
    let files = tempfile::tempdir()?;
    let csv = fifty_clients(files.path())?;

    find::button(&browser, "Import clients")
        .await?
        .click()
        .await?;
    let input = find::xpath(&browser, "//*[@role='dialog']//input[@type='file']").await?;
    input
        .send_keys(csv.to_str().ok_or("the path is not UTF-8")?)
        .await?;
    find::xpath(
        &browser,
        "//*[@role='dialog']//*[contains(normalize-space(), '50 clients will be created')]",
    )
    .await?;
    harness.screenshot(&browser, "import-preview").await?;
    find::dialog_button(&browser, "Import 50 clients")
        .await?
        .click()
        .await?;
    find::xpath(
        &browser,
        "//*[contains(normalize-space(), 'Imported 50 clients')]",
    )
    .await?;
    harness.screenshot(&browser, "imported").await?;
    find::dialog_button(&browser, "Done").await?.click().await?;
    check::eventually("the active count counts the 50", || async {
        Ok(check::tab_count(&browser, "Active clients").await? == before + 50)
    })
    .await?;
    let backend = Backend::new(&harness.url).await?;
    let imported: Vec<_> = backend
        .clients(Status::Active)
        .await?
        .into_iter()
        .filter(|client| {
            client
                .code
                .as_deref()
                .is_some_and(|code| code.starts_with("IMP-"))
        })
        .collect();
    assert_eq!(imported.len(), 50);
    assert!(
        imported
            .iter()
            .any(|client| client.name == "Wren, Hart & \"Sons\" 07")
    );

    // Export what the screen shows: the imported ones, found by code.
    let search = find::xpath(&browser, "//input[@type='search']").await?;
    search.send_keys("IMP-").await?;
    check::eventually("the search shows the 50", || async {
        // A row read as the search replaces it is not an error, only "not
        // yet".
        Ok(rows_shown(&browser)
            .await
            .is_ok_and(|rows| rows.len() == 50))
    })
    .await?;
    let shown = rows_shown(&browser).await?;
    find::button(&browser, "Export CSV").await?.click().await?;
    let file = downloaded(harness.downloads(), "clients.csv").await?;
    harness.screenshot(&browser, "exported").await?;
    let mut reader = csv::Reader::from_reader(file.as_bytes());
    assert_eq!(
        reader.headers()?.iter().collect::<Vec<_>>(),
        [
            "name",
            "code",
            "status",
            "businesses",
            "owner",
            "owner_email",
            "deactivated_at",
            "deactivated_by"
        ]
    );
    let exported: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    assert_eq!(exported.len(), shown.len());
    for (record, row) in exported.iter().zip(&shown) {
        let line = row.join(" | ");
        for column in [0, 1, 4] {
            assert!(
                line.contains(&record[column]),
                "the screen's row {line:?} does not show {:?} of {record:?}",
                &record[column]
            );
        }
        assert_eq!(&record[2], "active");
        assert!(record[3].starts_with("Imported Business"), "{record:?}");
        assert!(record[6].is_empty() && record[7].is_empty());
    }
    Ok(())
}
