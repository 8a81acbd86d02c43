//! Scheduled deactivation in the wizard and on the screens: "Deactivate on
//! a date" schedules instead of deactivating (optimistically, rolled back
//! exactly on failure), the Active tab row says "Deactivates on …", a day
//! that is not after today is refused under the input, and the client page
//! cancels the schedule.

use crate::browser::fire;
use crate::fixtures::FakeServer;
use crate::onboarding::field;
use crate::*;
use clientele_app::api::ApiError;
use clientele_core::schedule::Date;
use clientele_core::{ClientId, Command, Timestamp, UserId};
use wasm_bindgen_test::*;

fn today() -> Date {
    Date::of(Timestamp(js_sys::Date::now() as i64))
}

/// A day ten days from now.
fn later() -> Date {
    (0..10).fold(today(), |day, _| day.next())
}

async fn choose_a_date(day: &str) {
    click(&expect("[role=dialog] label", "Deactivate on a date")).await;
    let input = field("deactivation-date");
    input.set_value(day);
    fire(&input, "input");
    settle().await;
}

fn row_text(name: &str) -> String {
    all("tbody tr")
        .into_iter()
        .map(|row| row.text_content().unwrap_or_default())
        .find(|text| text.contains(name))
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn choosing_a_date_schedules_instead_and_the_active_row_says_when() {
    let app = mount_at("/clients").await;
    open_acme_wizard().await;
    assert!(find("[role=dialog] label", "Deactivate now").is_some());
    choose_a_date(&later().to_string()).await;
    choose_ben_and_confirm().await;
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"], "still active");
    let label = format!("Deactivates on {}", later().short_label());
    assert!(
        row_text("Acme Ltd").contains(&label),
        "{}",
        row_text("Acme Ltd")
    );
    let sent = app.server.changes.lock().unwrap().clone();
    assert!(matches!(
        sent[..],
        [Command::ScheduleDeactivation { on, new_owner_id: UserId(11), .. }] if on == later()
    ));
}

#[wasm_bindgen_test]
async fn a_day_that_is_not_after_today_is_refused_under_the_input() {
    let _app = mount_at("/clients").await;
    open_acme_wizard().await;
    choose_a_date(&today().to_string()).await;
    click(&expect("[role=dialog] button", "Next")).await;
    let error = expect("#deactivation-date-error", "");
    assert!(
        error.text_content().unwrap().contains("a day after today"),
        "{:?}",
        error.text_content()
    );
    assert!(
        find("[role=dialog] button", "Confirm").is_none(),
        "still on step 1"
    );
    assert_eq!(
        field("deactivation-date")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn a_failed_schedule_rolls_back_exactly() {
    let app = mount_at("/clients").await;
    let main = || {
        document()
            .query_selector("main")
            .unwrap()
            .unwrap()
            .inner_html()
    };
    let before = main();
    *app.server.failure.lock().unwrap() = Some(ApiError::Server {
        status: 500,
        code: "internal".into(),
        message: "internal error".into(),
        current: None,
        changed_by: None,
    });
    open_acme_wizard().await;
    choose_a_date(&later().to_string()).await;
    choose_ben_and_confirm().await;
    assert!(!row_text("Acme Ltd").contains("Deactivates on"));
    let alert = expect("[role=alert]", "");
    assert!(alert.text_content().unwrap().contains("internal error"));
    assert_eq!(main(), before, "the screen is exactly as it was");
}

#[wasm_bindgen_test]
async fn the_client_page_cancels_a_schedule() {
    let server = FakeServer::default();
    let acme = server.read_client(ClientId(1)).unwrap();
    let schedule = Command::ScheduleDeactivation {
        on: later(),
        today: today(),
        new_owner_id: UserId(11),
        reason: None,
    };
    server.decide(ClientId(1), acme.version, &schedule).unwrap();
    let app = mount_with("/clients/1", server).await;
    let banner = expect(".schedule-banner", "Deactivates on");
    assert!(
        banner
            .text_content()
            .unwrap()
            .contains(&later().short_label())
    );
    click(&expect("button", "Cancel schedule")).await;
    assert!(find(".schedule-banner", "").is_none());
    let stored = app.server.read_client(ClientId(1)).unwrap();
    assert_eq!(stored.scheduled_deactivation, None);
}
