//! "Change password" in the header: `core`'s rule before sending, the
//! server's refusal said in the dialog, and the change confirmed.

use crate::onboarding::{message_of, type_into};
use crate::*;
use clientele_core::identity::WeakPassword;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn a_short_or_mismatched_new_password_is_refused_before_sending() {
    let app = mount_at("/clients").await;
    click(&expect("header button", "Change password")).await;
    expect("[role=dialog] h2", "Change password");
    type_into("current-password", crate::fixtures::PASSWORD).await;
    type_into("new-password", "short").await;
    type_into("confirm-new-password", "shorter").await;
    click(&expect(
        "[role=dialog] button[type=submit]",
        "Change password",
    ))
    .await;
    assert_eq!(
        message_of("new-password"),
        WeakPassword::TooShort.to_string()
    );
    assert_eq!(
        message_of("confirm-new-password"),
        "The two passwords are not the same."
    );
    assert!(app.server.password_changes.lock().unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn a_wrong_current_password_is_said_and_the_right_one_changes_it() {
    let app = mount_at("/clients").await;
    click(&expect("header button", "Change password")).await;
    type_into("current-password", "not my password").await;
    type_into("new-password", "a fresh long password").await;
    type_into("confirm-new-password", "a fresh long password").await;
    click(&expect(
        "[role=dialog] button[type=submit]",
        "Change password",
    ))
    .await;
    expect(
        "[role=dialog] [role=alert]",
        "The current password is not right.",
    );
    expect("[role=dialog] h2", "Change password");

    type_into("current-password", crate::fixtures::PASSWORD).await;
    click(&expect(
        "[role=dialog] button[type=submit]",
        "Change password",
    ))
    .await;
    expect("[role=dialog] h2", "Password changed");
    assert_eq!(
        *app.server.password_changes.lock().unwrap(),
        ["a fresh long password", "a fresh long password"]
    );
    click(&expect("[role=dialog] button", "Done")).await;
    assert!(find("[role=dialog]", "").is_none());
    expect("header button", "Sign out");
}
