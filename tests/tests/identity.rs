//! Signing in, roles and practices, in a real Chromium against the real
//! server: signing out takes the list away, staff see no "Manage" and their
//! forged changes are refused, another practice finds nothing of the first,
//! a client user sees their own account, and the app works from a plain
//! static host against the API on another origin.

use clientele_core::Status;
use clientele_e2e::backend::{ADMIN, Backend, DEMO_PASSWORD, OTHER_ADMIN, STAFF};
use clientele_e2e::{Harness, Outcome, act, check, find, static_host};
use fantoccini::Locator;

/// Opens `path`, is sent to sign in, and signs in as `email`.
async fn signed_in_at(
    harness: &mut Harness,
    path: &str,
    email: &str,
) -> Outcome<fantoccini::Client> {
    let browser = harness.open_browser().await?;
    act::open(harness, &browser, path).await?;
    act::sign_in(harness, &browser, email, DEMO_PASSWORD).await?;
    Ok(browser)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_says_so_inline_and_focuses_the_message() -> Outcome {
    let mut harness = Harness::start("wrong-password").await?;
    let browser = harness.open_browser().await?;
    act::open(&harness, &browser, "/clients").await?;
    act::sign_in(&mut harness, &browser, ADMIN, "not the password").await?;
    check::alert_says(&browser, "incorrect").await?;
    harness.screenshot(&browser, "wrong-password").await?;
    check::eventually("focus is on the error", || async {
        let focused = browser.active_element().await?;
        Ok(focused.attr("role").await?.as_deref() == Some("alert"))
    })
    .await?;
    assert!(
        browser.current_url().await?.path().starts_with("/sign-in"),
        "still on the sign-in page"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_in_lands_on_the_page_first_asked_for_and_signing_out_takes_the_list_away()
-> Outcome {
    let mut harness = Harness::start("sign-in-and-out").await?;
    let backend = Backend::new(&harness.url).await?;
    let client = backend.pick_client(Status::Active, 1, 1).await?;
    let browser = signed_in_at(&mut harness, &format!("/clients/{}", client.id), ADMIN).await?;
    find::tab(&browser, "Active businesses").await?;
    find::xpath(
        &browser,
        &format!("//h1[normalize-space()={}]", find::literal(&client.name)),
    )
    .await?;
    for shown in ["Dana Lowe", "Harper & Lowe Bookkeeping"] {
        find::xpath(
            &browser,
            &format!("//*[contains(normalize-space(), {})]", find::literal(shown)),
        )
        .await?;
    }
    harness.screenshot(&browser, "signed-in-header").await?;

    act::go_to_solo_clients(&mut harness, &browser).await?;
    check::listed_under(&browser, "Active clients", &client.name).await?;
    act::sign_out(&mut harness, &browser).await?;
    let page = browser.source().await?;
    assert!(
        !page.contains(&client.name),
        "the list is gone after signing out"
    );

    // The old session is over: the list asks for sign-in again.
    act::open(&harness, &browser, "/clients").await?;
    find::field(&browser, "Password").await?;
    assert!(
        browser
            .find_all(Locator::XPath("//table"))
            .await?
            .is_empty(),
        "no list without signing in"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_password_signs_in_and_the_other_browser_is_signed_out() -> Outcome {
    let mut harness = Harness::start("change-password").await?;
    let other = signed_in_at(&mut harness, "/clients", STAFF).await?;
    find::tab(&other, "Active clients").await?;
    let browser = signed_in_at(&mut harness, "/clients", STAFF).await?;
    find::button(&browser, "Change password")
        .await?
        .click()
        .await?;
    find::dialog(&browser).await?;
    for (label, text) in [
        ("Current password", DEMO_PASSWORD),
        ("New password", "a fresh long password"),
        ("Confirm new password", "a fresh long password"),
    ] {
        find::field(&browser, label).await?.send_keys(text).await?;
    }
    harness.screenshot(&browser, "change-password").await?;
    find::dialog_button(&browser, "Change password")
        .await?
        .click()
        .await?;
    find::xpath(
        &browser,
        "//*[@role='dialog']//h2[normalize-space()='Password changed']",
    )
    .await?;
    find::dialog_button(&browser, "Done").await?.click().await?;

    // The other browser's session has ended: its next read asks for
    // sign-in.
    act::reload(&other).await?;
    find::field(&other, "Password").await?;
    // The new password signs in; the old one no longer does.
    act::sign_out(&mut harness, &browser).await?;
    act::open(&harness, &browser, "/clients").await?;
    act::sign_in(&mut harness, &browser, STAFF, DEMO_PASSWORD).await?;
    check::alert_says(&browser, "incorrect").await?;
    act::sign_in(&mut harness, &browser, STAFF, "a fresh long password").await?;
    find::tab(&browser, "Active clients").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_see_no_manage_and_a_forged_change_is_forbidden() -> Outcome {
    let mut harness = Harness::start("staff").await?;
    let backend = Backend::new(&harness.url).await?;
    let client = backend.pick_client(Status::Active, 1, 1).await?;
    let browser = signed_in_at(&mut harness, "/clients", STAFF).await?;
    check::listed_under(&browser, "Active clients", &client.name).await?;
    find::xpath(
        &browser,
        "//*[contains(normalize-space(), 'Only a practice admin can deactivate')]",
    )
    .await?;
    harness.screenshot(&browser, "staff-list").await?;
    let no_buttons = "//button[normalize-space()='Manage' or normalize-space()='Reactivate']";
    assert!(
        browser
            .find_all(Locator::XPath(no_buttons))
            .await?
            .is_empty()
    );
    act::choose_tab(&mut harness, &browser, "Deactivated clients").await?;
    let deactivated = backend.clients(Status::Deactivated).await?;
    check::listed_under(&browser, "Deactivated clients", &deactivated[0].name).await?;
    assert!(
        browser
            .find_all(Locator::XPath(no_buttons))
            .await?
            .is_empty()
    );
    act::open(&harness, &browser, &format!("/clients/{}", client.id)).await?;
    find::tab(&browser, "Active businesses").await?;
    assert!(
        browser
            .find_all(Locator::XPath(no_buttons))
            .await?
            .is_empty()
    );

    // The person at the keyboard forges the request the hidden button would
    // have sent, with their own valid session and CSRF token.
    let forged = browser
        .execute_async(
            r#"const [id, owner, version, done] = arguments;
               fetch('/api/session').then(r => r.json()).then(session =>
                 fetch(`/api/clients/${id}/deactivate`, {
                   method: 'POST',
                   headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
                   body: JSON.stringify({ new_owner_id: owner, expected_version: version }),
                 })
               ).then(r => r.json().then(body => done([r.status, body.error.code])));"#,
            vec![
                client.id.0.into(),
                client.users[0].id.0.into(),
                client.version.into(),
            ],
        )
        .await?;
    assert_eq!(forged, serde_json::json!([403, "forbidden"]));
    assert_eq!(backend.client(client.id).await?, client, "nothing changed");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn another_practice_finds_none_of_the_first_practice_s_clients() -> Outcome {
    let mut harness = Harness::start("other-practice").await?;
    let backend = Backend::new(&harness.url).await?;
    let client = backend.pick_client(Status::Active, 1, 1).await?;
    let browser = signed_in_at(
        &mut harness,
        &format!("/clients/{}", client.id),
        OTHER_ADMIN,
    )
    .await?;
    check::eventually("the page says the client was not found", || async {
        Ok(browser.source().await?.to_lowercase().contains("not found"))
    })
    .await?;
    harness.screenshot(&browser, "not-found").await?;
    assert!(!browser.source().await?.contains(&client.name));
    find::xpath(
        &browser,
        "//*[contains(normalize-space(), 'Northgate Accounts')]",
    )
    .await?;

    act::go_to_solo_clients(&mut harness, &browser).await?;
    assert_eq!(check::tab_count(&browser, "Active clients").await?, 10);
    assert!(!browser.source().await?.contains(&client.name));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_user_sees_their_account_and_practice() -> Outcome {
    let mut harness = Harness::start("client-user").await?;
    let backend = Backend::new(&harness.url).await?;
    let client = backend.pick_client(Status::Active, 1, 1).await?;
    let user = &client.users[0];
    let browser = signed_in_at(&mut harness, "/", &user.email).await?;
    for shown in [&client.name, "Harper & Lowe Bookkeeping", &user.name] {
        find::xpath(
            &browser,
            &format!("//*[contains(normalize-space(), {})]", find::literal(shown)),
        )
        .await?;
    }
    harness.screenshot(&browser, "client-user").await?;
    assert_eq!(browser.current_url().await?.path(), "/portal");
    assert!(
        browser
            .find_all(Locator::XPath("//a[normalize-space()='Solo Clients']"))
            .await?
            .is_empty(),
        "client users have no practice navigation"
    );
    act::sign_out(&mut harness, &browser).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_on_a_static_host_signs_in_to_the_api_on_another_origin() -> Outcome {
    let reserved = static_host::reserve().await?;
    let origin = reserved.url.clone();
    let mut harness = Harness::start_with("static-host", &["--cors-origin", &origin]).await?;
    let host = static_host::serve(reserved, &harness.url).await?;
    let backend = Backend::new(&harness.url).await?;
    let client = backend.pick_client(Status::Active, 1, 1).await?;

    // A deep link straight to a client, on the static host.
    let browser = harness.open_browser().await?;
    browser
        .goto(&format!("{}/clients/{}", host.url, client.id))
        .await?;
    act::sign_in(&mut harness, &browser, ADMIN, DEMO_PASSWORD).await?;
    find::tab(&browser, "Active businesses").await?;
    find::xpath(
        &browser,
        &format!("//h1[normalize-space()={}]", find::literal(&client.name)),
    )
    .await?;
    harness.screenshot(&browser, "static-host").await?;

    // A reload of the deep link is answered by the host's fallback.
    browser.refresh().await?;
    find::tab(&browser, "Active businesses").await?;

    // The favicon is there, on every page.
    let favicon = reqwest::get(format!("{}/favicon.ico", host.url)).await?;
    assert_eq!(favicon.status(), 200);
    assert_ne!(
        favicon.headers()["content-type"],
        "text/html",
        "the favicon is an icon, not the app's page"
    );
    Ok(())
}
