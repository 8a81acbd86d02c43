//! What a person does, step by step as the help article words it. Each step
//! saves a screenshot, so a failure shows where the person got stuck.

use crate::backend::{ADMIN, Backend, DEMO_PASSWORD};
use crate::{Harness, Outcome, find};
use fantoccini::Client;

/// A test's world: a harness started for `test_name`, one browser signed
/// in as the practice admin on the client list, and the API.
pub async fn signed_in_on_the_list(test_name: &str) -> Outcome<(Harness, Client, Backend)> {
    let mut harness = Harness::start(test_name).await?;
    let browser = harness.open_browser().await?;
    let backend = Backend::new(&harness.url).await?;
    open(&harness, &browser, "/").await?;
    sign_in(&mut harness, &browser, ADMIN, DEMO_PASSWORD).await?;
    go_to_solo_clients(&mut harness, &browser).await?;
    Ok((harness, browser, backend))
}

/// Opens a path of the app, such as `/clients?tab=deactivated`.
pub async fn open(harness: &Harness, browser: &Client, path: &str) -> Outcome {
    browser.goto(&format!("{}{path}", harness.url)).await?;
    Ok(())
}

/// Signs in on the sign-in page the app shows (after being sent there),
/// pressing Enter in the password field as people do.
pub async fn sign_in(
    harness: &mut Harness,
    browser: &Client,
    email: &str,
    password: &str,
) -> Outcome {
    let email_field = find::field(browser, "Email").await?;
    email_field.clear().await?;
    email_field.send_keys(email).await?;
    let password_field = find::field(browser, "Password").await?;
    password_field.clear().await?;
    harness.screenshot(browser, "sign-in").await?;
    password_field
        .send_keys(&format!("{password}\u{E007}"))
        .await?;
    Ok(())
}

/// "Sign out" in the header.
pub async fn sign_out(harness: &mut Harness, browser: &Client) -> Outcome {
    find::button(browser, "Sign out").await?.click().await?;
    find::button(browser, "Sign in").await?;
    harness.screenshot(browser, "signed-out").await
}

/// Goes to the Solo Clients list through the sidebar.
pub async fn go_to_solo_clients(harness: &mut Harness, browser: &Client) -> Outcome {
    find::xpath(browser, "//nav//a[normalize-space()='Solo Clients']")
        .await?
        .click()
        .await?;
    find::xpath(browser, "//table").await?;
    harness.screenshot(browser, "client-list").await
}

/// Clicks the tab whose label starts with `label`.
pub async fn choose_tab(harness: &mut Harness, browser: &Client, label: &str) -> Outcome {
    find::tab(browser, label).await?.click().await?;
    harness
        .screenshot(browser, &label.to_lowercase().replace(' ', "-"))
        .await
}

/// "Manage" next to `row_name`, then `menu_label` in the drop-down list.
pub async fn manage(
    harness: &mut Harness,
    browser: &Client,
    row_name: &str,
    menu_label: &str,
) -> Outcome {
    find::row_button(browser, row_name, "Manage")
        .await?
        .click()
        .await?;
    find::menu_item(browser, menu_label).await?.click().await?;
    find::dialog(browser).await?;
    harness.screenshot(browser, "implications").await
}

/// The wizard after its first step: "Next", choose the new owner,
/// "Confirm".
pub async fn choose_owner_and_confirm(
    harness: &mut Harness,
    browser: &Client,
    owner_name: &str,
) -> Outcome {
    find::dialog_button(browser, "Next").await?.click().await?;
    find::owner_choice(browser, owner_name)
        .await?
        .click()
        .await?;
    harness.screenshot(browser, "choose-owner").await?;
    find::dialog_button(browser, "Confirm")
        .await?
        .click()
        .await?;
    Ok(())
}

/// "Reactivate" next to `row_name`, then confirms with "Reactivate" when the
/// app asks (clients) or not at all (businesses, one click).
pub async fn reactivate(
    harness: &mut Harness,
    browser: &Client,
    row_name: &str,
    confirm: bool,
) -> Outcome {
    find::row_button(browser, row_name, "Reactivate")
        .await?
        .click()
        .await?;
    if confirm {
        find::dialog(browser).await?;
        harness.screenshot(browser, "reactivate-confirm").await?;
        find::dialog_button(browser, "Reactivate")
            .await?
            .click()
            .await?;
    }
    Ok(())
}

/// Clicks the link naming a client, to see its businesses.
pub async fn open_client(harness: &mut Harness, browser: &Client, client_name: &str) -> Outcome {
    let link = format!(
        "//table//a[normalize-space()={}]",
        find::literal(client_name)
    );
    find::xpath(browser, &link).await?.click().await?;
    find::tab(browser, "Active businesses").await?;
    harness.screenshot(browser, "businesses").await
}

/// "Add documents" on `business` (in the portal; `None`: in the open
/// documents dialog), choosing the file at `path` in the file picker.
pub async fn add_document(
    harness: &mut Harness,
    browser: &Client,
    business: Option<&str>,
    path: &std::path::Path,
) -> Outcome {
    let input = find::add_documents_input(browser, business).await?;
    let path = path.to_str().ok_or("the file's path is not UTF-8")?;
    input.send_keys(path).await?;
    harness.screenshot(browser, "adding-a-document").await
}

/// Reloads the page, as a person pressing F5 would.
pub async fn reload(browser: &Client) -> Outcome {
    browser.refresh().await?;
    Ok(())
}
