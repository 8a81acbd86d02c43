//! Every flow of the help article, followed step by step in a real Chromium
//! against the real server, signed in as the practice admin, plus what
//! happens when the server fails or two people change the same client. The
//! server sends its Content-Security-Policy throughout, so every test also
//! proves the app runs under it.
//!
//! Each test starts its own server with a fresh database, so the demo data is
//! the same for every test and the tests do not disturb each other.

use clientele_core::Status;
use clientele_e2e::backend::{ADMIN, DEMO_PASSWORD, Fault};
use clientele_e2e::{Outcome, act, check, find};

#[tokio::test(flavor = "multi_thread")]
async fn deactivating_a_client_moves_it_to_deactivated_clients_with_all_its_businesses() -> Outcome
{
    let (mut harness, browser, backend) = act::signed_in_on_the_list("deactivate-client").await?;
    let client = backend.pick_client(Status::Active, 2, 2).await?;
    let new_owner = &client.users[1].name;

    act::manage(&mut harness, &browser, &client.name, "Deactivate client").await?;
    act::choose_owner_and_confirm(&mut harness, &browser, new_owner).await?;

    check::not_listed(&browser, &client.name).await?;
    act::choose_tab(&mut harness, &browser, "Deactivated clients").await?;
    check::listed_under(&browser, "Deactivated clients", &client.name).await?;
    check::settled(&browser, &client.name).await?;

    act::reload(&browser).await?;
    check::listed_under(&browser, "Deactivated clients", &client.name).await?;
    harness
        .screenshot(&browser, "deactivated-after-reload")
        .await?;

    act::open_client(&mut harness, &browser, &client.name).await?;
    act::choose_tab(&mut harness, &browser, "Deactivated businesses").await?;
    for business in &client.businesses {
        check::listed_under(&browser, "Deactivated businesses", &business.name).await?;
    }
    let stored = backend.client(client.id).await?;
    assert_eq!(stored.status, Status::Deactivated);
    assert_eq!(stored.owner, client.users[1].id);
    assert_eq!(stored.count_businesses(Status::Active), 0);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn reactivating_a_client_makes_it_and_every_business_active_again() -> Outcome {
    let (mut harness, browser, backend) = act::signed_in_on_the_list("reactivate-client").await?;
    let client = backend.pick_client(Status::Deactivated, 1, 1).await?;

    act::choose_tab(&mut harness, &browser, "Deactivated clients").await?;
    act::reactivate(&mut harness, &browser, &client.name, true).await?;
    check::not_listed(&browser, &client.name).await?;

    act::reload(&browser).await?;
    act::choose_tab(&mut harness, &browser, "Active clients").await?;
    check::listed_under(&browser, "Active clients", &client.name).await?;
    act::open_client(&mut harness, &browser, &client.name).await?;
    for business in &client.businesses {
        check::listed_under(&browser, "Active businesses", &business.name).await?;
    }
    let stored = backend.client(client.id).await?;
    assert_eq!(stored.status, Status::Active);
    assert_eq!(stored.count_businesses(Status::Deactivated), 0);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn deactivating_a_business_moves_it_to_deactivated_businesses() -> Outcome {
    let (mut harness, browser, backend) = act::signed_in_on_the_list("deactivate-business").await?;
    let client = backend.pick_client(Status::Active, 2, 2).await?;
    let business = client
        .businesses_with(Status::Active)
        .next()
        .ok_or("the picked client has no active business")?
        .clone();

    act::open_client(&mut harness, &browser, &client.name).await?;
    act::manage(
        &mut harness,
        &browser,
        &business.name,
        "Deactivate business",
    )
    .await?;
    act::choose_owner_and_confirm(&mut harness, &browser, &client.users[1].name).await?;
    check::not_listed(&browser, &business.name).await?;

    act::reload(&browser).await?;
    act::choose_tab(&mut harness, &browser, "Deactivated businesses").await?;
    check::listed_under(&browser, "Deactivated businesses", &business.name).await?;
    let stored = backend.client(client.id).await?;
    let stored_business = stored.business(business.id).ok_or("business vanished")?;
    assert_eq!(stored_business.status, Status::Deactivated);
    assert_eq!(stored_business.owner, client.users[1].id);
    assert_eq!(stored.status, Status::Active);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn reactivating_a_business_takes_one_click() -> Outcome {
    let (mut harness, browser, backend) = act::signed_in_on_the_list("reactivate-business").await?;
    let client = backend.pick_client(Status::Active, 2, 1).await?;
    let business = client.businesses[0].clone();
    act::open_client(&mut harness, &browser, &client.name).await?;
    act::manage(
        &mut harness,
        &browser,
        &business.name,
        "Deactivate business",
    )
    .await?;
    act::choose_owner_and_confirm(&mut harness, &browser, &client.users[0].name).await?;
    check::not_listed(&browser, &business.name).await?;

    act::choose_tab(&mut harness, &browser, "Deactivated businesses").await?;
    act::reactivate(&mut harness, &browser, &business.name, false).await?;
    check::not_listed(&browser, &business.name).await?;
    act::choose_tab(&mut harness, &browser, "Active businesses").await?;
    check::listed_under(&browser, "Active businesses", &business.name).await?;
    check::settled(&browser, &business.name).await?;

    let stored = backend.client(client.id).await?;
    let stored_business = stored.business(business.id).ok_or("business vanished")?;
    assert_eq!(stored_business.status, Status::Active);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn deep_links_and_back_and_forward_show_the_right_tab_and_list() -> Outcome {
    let (mut harness, browser, backend) = act::signed_in_on_the_list("deep-links").await?;
    let deactivated = backend.clients(Status::Deactivated).await?;
    let active = backend.clients(Status::Active).await?;
    let first_deactivated = &deactivated.first().ok_or("no deactivated client")?.name;

    act::open(&harness, &browser, "/clients?tab=deactivated").await?;
    check::listed_under(&browser, "Deactivated clients", first_deactivated).await?;
    assert_eq!(
        check::tab_count(&browser, "Deactivated clients").await?,
        deactivated.len() as u64
    );

    let searched = &active[0].name;
    let query: String = searched.chars().take(6).collect();
    act::open(
        &harness,
        &browser,
        &format!("/clients?q={}", query.replace(' ', "%20")),
    )
    .await?;
    check::listed_under(&browser, "Active clients", searched).await?;
    let search_box = find::xpath(&browser, "//input[@type='search']").await?;
    assert_eq!(
        search_box.prop("value").await?.as_deref(),
        Some(query.as_str())
    );

    act::open(&harness, &browser, "/clients?tab=active").await?;
    act::choose_tab(&mut harness, &browser, "Deactivated clients").await?;
    check::listed_under(&browser, "Deactivated clients", first_deactivated).await?;
    browser.back().await?;
    check::tab_selected(&browser, "Active clients").await?;
    browser.forward().await?;
    check::listed_under(&browser, "Deactivated clients", first_deactivated).await?;

    let client = backend.pick_client(Status::Active, 1, 1).await?;
    act::open(
        &harness,
        &browser,
        &format!("/clients/{}?tab=deactivated", client.id),
    )
    .await?;
    check::tab_selected(&browser, "Deactivated businesses").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_error_rolls_the_row_back_and_says_so() -> Outcome {
    rolls_back_under(Fault::Error, "server-error").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_connection_rolls_the_row_back_and_says_so() -> Outcome {
    rolls_back_under(Fault::Drop, "dropped-connection").await
}

async fn rolls_back_under(fault: Fault, test_name: &str) -> Outcome {
    let (mut harness, browser, backend) = act::signed_in_on_the_list(test_name).await?;
    let client = backend.pick_client(Status::Active, 1, 1).await?;
    let active_before = check::tab_count(&browser, "Active clients").await?;
    backend.set_fault(fault).await?;

    act::manage(&mut harness, &browser, &client.name, "Deactivate client").await?;
    act::choose_owner_and_confirm(&mut harness, &browser, &client.users[0].name).await?;

    find::alert(&browser).await?;
    harness.screenshot(&browser, "alert").await?;
    check::listed_under(&browser, "Active clients", &client.name).await?;
    check::settled(&browser, &client.name).await?;
    assert_eq!(
        check::tab_count(&browser, "Active clients").await?,
        active_before
    );
    assert_eq!(
        backend.client(client.id).await?,
        client,
        "the database is unchanged"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn under_a_slow_server_the_row_moves_at_once_then_settles() -> Outcome {
    let (mut harness, browser, backend) = act::signed_in_on_the_list("slow-server").await?;
    let client = backend.pick_client(Status::Active, 1, 1).await?;
    backend.set_fault(Fault::Delay(2_000)).await?;

    act::manage(&mut harness, &browser, &client.name, "Deactivate client").await?;
    act::choose_owner_and_confirm(&mut harness, &browser, &client.users[0].name).await?;
    // The row must be gone from the Active tab long before the server answers.
    let started = std::time::Instant::now();
    check::not_listed(&browser, &client.name).await?;
    assert!(
        started.elapsed() < std::time::Duration::from_millis(1_500),
        "the row left the Active tab only after {:?}",
        started.elapsed()
    );
    assert_ne!(backend.client(client.id).await?.status, Status::Deactivated);

    act::choose_tab(&mut harness, &browser, "Deactivated clients").await?;
    check::listed_under(&browser, "Deactivated clients", &client.name).await?;
    check::settled(&browser, &client.name).await?;
    assert_eq!(backend.client(client.id).await?.status, Status::Deactivated);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn when_two_people_change_one_client_one_wins_and_the_other_sees_a_conflict() -> Outcome {
    let (mut harness, first, backend) = act::signed_in_on_the_list("two-sessions").await?;
    let second = harness.open_browser().await?;
    act::open(&harness, &second, "/clients").await?;
    act::sign_in(&mut harness, &second, ADMIN, DEMO_PASSWORD).await?;
    let client = backend.pick_client(Status::Active, 1, 2).await?;

    act::manage(&mut harness, &first, &client.name, "Deactivate client").await?;
    act::manage(&mut harness, &second, &client.name, "Deactivate client").await?;
    act::choose_owner_and_confirm(&mut harness, &first, &client.users[0].name).await?;
    check::not_listed(&first, &client.name).await?;
    check::eventually("the first change is stored", || async {
        Ok(backend.client(client.id).await?.status == Status::Deactivated)
    })
    .await?;

    act::choose_owner_and_confirm(&mut harness, &second, &client.users[1].name).await?;
    check::alert_says(&second, "changed by someone else").await?;
    harness.screenshot(&second, "conflict").await?;
    act::choose_tab(&mut harness, &second, "Deactivated clients").await?;
    check::listed_under(&second, "Deactivated clients", &client.name).await?;

    let stored = backend.client(client.id).await?;
    assert_eq!(stored.owner, client.users[0].id, "the first change won");
    assert_eq!(
        stored.version,
        client.version + 1,
        "only one change was applied"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_retried_after_a_dropped_answer_is_applied_once() -> Outcome {
    let (mut harness, browser, backend) = act::signed_in_on_the_list("retry-after-drop").await?;
    let client = backend.pick_client(Status::Active, 1, 1).await?;
    backend.set_fault(Fault::DropAfterCommit).await?;

    act::manage(&mut harness, &browser, &client.name, "Deactivate client").await?;
    act::choose_owner_and_confirm(&mut harness, &browser, &client.users[0].name).await?;

    act::choose_tab(&mut harness, &browser, "Deactivated clients").await?;
    check::listed_under(&browser, "Deactivated clients", &client.name).await?;
    check::settled(&browser, &client.name).await?;
    let stored = backend.client(client.id).await?;
    assert_eq!(stored.status, Status::Deactivated);
    assert_eq!(stored.version, client.version + 1, "applied exactly once");
    Ok(())
}
