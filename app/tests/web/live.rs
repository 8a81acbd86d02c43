//! Live updates: an event for a client the app shows reads it again, so a
//! change made by someone else appears without a reload; an event no newer
//! than what is held is ignored; `resync` reads again all that is shown;
//! and a change that lost the race names who changed the client first.

use crate::fixtures::script::{ChangeFault, ReadFault, Waiting};
use crate::fixtures::{FakeServer, PRACTICE, client_user, script::Script};
use crate::*;
use clientele_app::api::{ApiError, LiveEvent};
use clientele_core::wire::ClientChanged;
use clientele_core::{ClientId, Command, UserId, execute};
use std::sync::atomic::Ordering;
use wasm_bindgen_test::*;

const ACME: ClientId = ClientId(1);

/// Someone else deactivates Acme on the server, behind the app's back;
/// answers Acme's new version.
fn someone_else_deactivates_acme(server: &FakeServer) -> u64 {
    let mut clients = server.clients.lock().unwrap();
    let acme = clients.get(&ACME).unwrap().clone();
    let command = Command::DeactivateClient {
        new_owner_id: UserId(11),
        reason: None,
    };
    let (changed, _) = execute(&acme, acme.version, &command).unwrap();
    let version = changed.version;
    clients.insert(ACME, changed);
    version
}

fn acme_changed(version: u64) -> LiveEvent {
    LiveEvent::ClientChanged(ClientChanged {
        client_id: ACME,
        version,
        actor: "Dana Lowe".into(),
    })
}

#[wasm_bindgen_test]
async fn the_app_follows_the_live_updates_while_signed_in_and_stops_on_sign_out() {
    let app = mount_at("/clients").await;
    assert!(app.server.live.is_open());

    click(&expect("header button", "Sign out")).await;

    assert!(!app.server.live.is_open());
}

#[wasm_bindgen_test]
async fn an_event_for_a_shown_client_refreshes_its_row() {
    let app = mount_at("/clients").await;
    let version = someone_else_deactivates_acme(&app.server);

    app.server.live.send(acme_changed(version));
    settle().await;

    assert_eq!(row_names(), ["Birch & Co"]);
    assert_eq!(tab_text("Deactivated clients"), "Deactivated clients (2)");
}

#[wasm_bindgen_test]
async fn an_event_no_newer_than_what_is_held_is_ignored() {
    let app = mount_at("/clients").await;
    let held = app.server.clients.lock().unwrap()[&ACME].version;
    someone_else_deactivates_acme(&app.server);

    app.server.live.send(acme_changed(held));
    settle().await;

    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"], "not read again");
}

#[wasm_bindgen_test]
async fn resync_reads_again_what_is_shown() {
    let app = mount_at("/clients").await;
    someone_else_deactivates_acme(&app.server);

    app.server.live.send(LiveEvent::Resync);
    settle().await;

    assert_eq!(row_names(), ["Birch & Co"]);
    assert_eq!(tab_text("Deactivated clients"), "Deactivated clients (2)");
}

#[wasm_bindgen_test]
async fn clients_added_elsewhere_appear_and_many_events_read_the_list_at_most_twice() {
    let app = mount_at("/clients").await;
    {
        let mut clients = app.server.clients.lock().unwrap();
        let mut dune = clients[&ClientId(2)].clone();
        dune.id = ClientId(99);
        dune.name = "Dune Ltd".into();
        dune.version = 1;
        clients.insert(dune.id, dune);
    }
    let reads_before = app.server.page_reads.load(Ordering::SeqCst);

    for _ in 0..10 {
        app.server
            .live
            .send(LiveEvent::ClientChanged(ClientChanged {
                client_id: ClientId(99),
                version: 1,
                actor: "Dana Lowe".into(),
            }));
    }
    settle().await;

    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co", "Dune Ltd"]);
    let reads = app.server.page_reads.load(Ordering::SeqCst) - reads_before;
    assert!(reads <= 4, "{reads} pages read: two tabs, twice at most");
}

#[wasm_bindgen_test]
async fn the_client_page_follows_an_event_too() {
    let app = mount_at("/clients/1").await;
    let version = someone_else_deactivates_acme(&app.server);

    app.server.live.send(acme_changed(version));
    settle().await;

    assert_eq!(tab_text("Active businesses"), "Active businesses (0)");
}

#[wasm_bindgen_test]
async fn the_portal_reads_its_account_again_on_an_event() {
    let app = mount_with("/portal", FakeServer::signed_in(client_user())).await;
    assert!(!page_text().contains("no longer"), "{}", page_text());
    let version = someone_else_deactivates_acme(&app.server);

    app.server.live.send(acme_changed(version));
    settle().await;

    let acme = app.server.clients.lock().unwrap()[&ACME].clone();
    let banner = clientele_core::portal::account_banner(PRACTICE, &acme).unwrap();
    assert!(page_text().contains(&banner), "{}", page_text());
}

#[wasm_bindgen_test]
async fn a_change_that_lost_the_race_names_who_changed_the_client_first() {
    let script = Script::new();
    let app = mount_with(
        "/clients",
        FakeServer {
            script: Some(script.clone()),
            ..Default::default()
        },
    )
    .await;
    answer_all_reads(&app, &script).await;
    let held = app.server.clients.lock().unwrap()[&ACME].version;
    open_acme_wizard().await;
    answer_all_reads(&app, &script).await;
    choose_ben_and_confirm().await;

    // Dana's change reaches the server first, and its event the app.
    app.server.live.send(acme_changed(held + 1));
    settle().await;
    let change = held_change(&script);
    script.answer(
        &app.server,
        change,
        ReadFault::AsNow,
        ChangeFault::SomeoneElseFirst,
    );
    settle().await;

    let text = page_text();
    assert!(
        text.contains("Dana Lowe changed this client first."),
        "{text}"
    );
}

/// No live update told the app who won the race: the refusal itself
/// names them, from the server's activity log.
#[wasm_bindgen_test]
async fn a_change_that_lost_the_race_unheard_is_told_who_won_by_the_refusal() {
    let app = mount_at("/clients").await;
    let held = app.server.clients.lock().unwrap()[&ACME].version;
    open_acme_wizard().await;
    click(&expect("[role=dialog] button", "Next")).await;
    click(&expect("[role=dialog] label", "Ben Carter")).await;
    // Meanwhile Sam's change reached the server, and no live update the app.
    let version = someone_else_deactivates_acme(&app.server);
    let current = app.server.clients.lock().unwrap()[&ACME].clone();
    let stale = clientele_core::RuleError::StaleVersion {
        expected: held,
        actual: version,
    };
    *app.server.failure.lock().unwrap() = Some(ApiError::Server {
        status: 409,
        code: stale.code().into(),
        message: stale.to_string(),
        current: Some(Box::new(current)),
        changed_by: Some("Sam Harper".into()),
    });
    click(&expect("[role=dialog] button", "Confirm")).await;
    settle().await;
    let text = page_text();
    assert!(
        text.contains(
            "Your change to Acme Ltd was not saved. Sam Harper changed this client first."
        ),
        "{text}"
    );
}

async fn answer_all_reads(app: &Mounted, script: &Script) {
    while let Some(index) = script
        .waiting()
        .iter()
        .position(|waiting| *waiting == Waiting::Read)
    {
        script.answer(&app.server, index, ReadFault::AsNow, ChangeFault::None);
        settle().await;
    }
}

fn held_change(script: &Script) -> usize {
    script
        .waiting()
        .iter()
        .position(|waiting| matches!(waiting, Waiting::Change { decided: false }))
        .expect("a change is held")
}
