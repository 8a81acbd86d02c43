//! "Select all" on a long tab reads every client of it from the server, a
//! thousand at a time, and says how far it has got meanwhile.

use crate::fixtures::script::{ChangeFault, ReadFault, Script, Waiting};
use crate::fixtures::{FakeServer, demo};
use crate::{Mounted, expect, mount_with, page_text, settle};
use clientele_core::{Client, ClientId, Status};
use std::collections::BTreeMap;
use std::sync::Mutex;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

/// The demo clients and `extra` more active ones.
fn with_active(extra: u64) -> BTreeMap<ClientId, Client> {
    let mut clients = demo();
    let template = clients
        .values()
        .find(|client| client.status == Status::Active)
        .expect("an active demo client")
        .clone();
    for n in 0..extra {
        let id = ClientId(100_000 + n);
        clients.insert(
            id,
            Client {
                id,
                name: format!("Client {n:05}"),
                code: None,
                ..template.clone()
            },
        );
    }
    clients
}

/// Answers the reads held, one at a time, until none is.
async fn answer_one_read(app: &Mounted, script: &Script) -> bool {
    let Some(index) = script
        .waiting()
        .iter()
        .position(|waiting| *waiting == Waiting::Read)
    else {
        return false;
    };
    script.answer(&app.server, index, ReadFault::AsNow, ChangeFault::None);
    settle().await;
    true
}

fn select_all_box() -> web_sys::HtmlInputElement {
    expect(".select-all", "Select all")
        .query_selector("input")
        .unwrap()
        .expect("the Select all check box")
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn select_all_on_a_long_tab_counts_what_it_has_read_until_all_are_selected() {
    let script = Script::new();
    let clients = with_active(2_400);
    let total = clients
        .values()
        .filter(|client| client.status == Status::Active)
        .count();
    let app = mount_with(
        "/clients",
        FakeServer {
            clients: Mutex::new(clients),
            script: Some(script.clone()),
            ..Default::default()
        },
    )
    .await;
    while answer_one_read(&app, &script).await {}
    assert!(page_text().contains("0 selected"), "{}", page_text());

    select_all_box().click();
    settle().await;
    assert!(
        page_text().contains(&format!("Selecting… 0 of {total}")),
        "{}",
        page_text()
    );
    assert!(
        select_all_box().disabled(),
        "no second Select all meanwhile"
    );

    answer_one_read(&app, &script).await;
    assert!(
        page_text().contains(&format!("Selecting… 1000 of {total}")),
        "{}",
        page_text()
    );
    answer_one_read(&app, &script).await;
    assert!(
        page_text().contains(&format!("Selecting… 2000 of {total}")),
        "{}",
        page_text()
    );

    while answer_one_read(&app, &script).await {}
    assert!(
        page_text().contains(&format!("{total} selected")),
        "{}",
        page_text()
    );
    assert!(!page_text().contains("Selecting…"), "{}", page_text());
    let select_all = select_all_box();
    assert!(!select_all.disabled() && select_all.checked());
}
