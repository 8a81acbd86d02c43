//! The real `HttpApi` against a stand-in for the browser's `fetch`, to check
//! what goes over the wire: cookies on every request, and the session's CSRF
//! token on every change, kept from the sign-in or session answer.

use crate::browser::{sent_requests, stub_fetch, unstub_fetch};
use crate::fixtures::admin;
use clientele_app::api::{Api, HttpApi};
use clientele_core::{ClientId, Command};
use serde::Deserialize;
use wasm_bindgen_test::*;

/// One request as `fetch` received it.
#[derive(Debug, Deserialize)]
struct Sent {
    method: String,
    path: String,
    csrf_token: Option<String>,
    credentials: String,
}

fn sent() -> Vec<Sent> {
    serde_json::from_str(&sent_requests()).unwrap()
}

/// `fetch` answers these, by "METHOD /path": the demo admin's session, the
/// demo Acme after a reactivation, and 204 to signing out.
fn stub_the_server() {
    let session = serde_json::to_string(&admin()).unwrap();
    let acme = serde_json::to_string(&crate::fixtures::demo()[&ClientId(1)]).unwrap();
    let answers = serde_json::json!({
        "GET /api/session": [200, session],
        "POST /api/session": [200, session],
        "DELETE /api/session": [204, ""],
        "POST /api/clients/1/reactivate": [200, acme],
    });
    stub_fetch(&answers.to_string());
}

#[wasm_bindgen_test]
async fn changes_carry_the_csrf_token_of_the_session_signed_in_to() {
    stub_the_server();
    let api = HttpApi::new("");
    let before = api
        .change(ClientId(1), 1, &Command::ReactivateClient, "key-1")
        .await;
    api.sign_in("pat@practice.test", "secret").await.unwrap();
    let after = api
        .change(ClientId(1), 1, &Command::ReactivateClient, "key-2")
        .await;
    api.sign_out().await.unwrap();
    let after_sign_out = api
        .change(ClientId(1), 1, &Command::ReactivateClient, "key-3")
        .await;
    unstub_fetch();

    assert!(before.is_ok() && after.is_ok() && after_sign_out.is_ok());
    let tokens: Vec<(String, Option<String>)> = sent()
        .into_iter()
        .map(|sent| (format!("{} {}", sent.method, sent.path), sent.csrf_token))
        .collect();
    let token = Some(admin().csrf_token);
    assert_eq!(
        tokens,
        [
            ("POST /api/clients/1/reactivate".to_owned(), None),
            ("POST /api/session".to_owned(), None),
            ("POST /api/clients/1/reactivate".to_owned(), token.clone()),
            ("DELETE /api/session".to_owned(), token),
            ("POST /api/clients/1/reactivate".to_owned(), None),
        ]
    );
}

#[wasm_bindgen_test]
async fn the_session_check_keeps_the_token_for_changes() {
    stub_the_server();
    let api = HttpApi::new("");
    api.session().await.unwrap();
    api.change(ClientId(1), 1, &Command::ReactivateClient, "key-1")
        .await
        .unwrap();
    unstub_fetch();
    let sent = sent();
    assert_eq!(sent[1].csrf_token, Some(admin().csrf_token));
}

#[wasm_bindgen_test]
async fn every_request_sends_the_session_cookie_even_to_another_origin() {
    stub_the_server();
    let api = HttpApi::new("");
    let _ = api.session().await;
    let _ = api
        .clients(
            &clientele_app::api::ListQuery::default(),
            &clientele_app::api::PageFrom::Offset(0),
            10,
        )
        .await;
    let _ = api.sign_in("pat@practice.test", "secret").await;
    let _ = api
        .change(ClientId(1), 1, &Command::ReactivateClient, "key-1")
        .await;
    let _ = api.sign_out().await;
    unstub_fetch();
    let sent = sent();
    assert_eq!(sent.len(), 5);
    for request in sent {
        assert_eq!(
            request.credentials, "include",
            "{} {}",
            request.method, request.path
        );
    }
}

#[wasm_bindgen_test]
async fn the_everyday_edits_go_to_their_routes_with_the_csrf_token() {
    let session = serde_json::to_string(&admin()).unwrap();
    let acme = crate::fixtures::demo()[&ClientId(1)].clone();
    let invitation = clientele_core::wire::Invitation {
        user_id: clientele_core::UserId(12),
        name: "Ann Lee".into(),
        email: "ann@acme.test".into(),
        token: "secret".into(),
        link: "/invite/secret".into(),
        expires_at: "2026-12-08T09:00:00Z".into(),
    };
    let added = clientele_core::wire::AddedUser {
        client: acme.clone(),
        invitation: invitation.clone(),
    };
    let acme = serde_json::to_string(&acme).unwrap();
    let answers = serde_json::json!({
        "GET /api/session": [200, session],
        "PATCH /api/clients/1": [200, acme],
        "POST /api/clients/1/businesses": [201, acme],
        "PATCH /api/clients/1/businesses/100": [200, acme],
        "POST /api/clients/1/users": [201, serde_json::to_string(&added).unwrap()],
        "DELETE /api/clients/1/users/11": [200, acme],
    });
    stub_fetch(&answers.to_string());
    let api = HttpApi::new("");
    api.session().await.unwrap();
    let commands = [
        Command::EditClient {
            name: Some("Acme".into()),
            code: None,
        },
        Command::AddBusiness {
            business_id: clientele_core::BusinessId(u64::MAX - 1),
            name: "Acme Bar".into(),
        },
        Command::RenameBusiness {
            business_id: clientele_core::BusinessId(100),
            name: "Acme Store".into(),
        },
        Command::AddUser {
            user_id: clientele_core::UserId(u64::MAX - 2),
            name: "Ann Lee".into(),
            email: "ann@acme.test".into(),
            role: clientele_core::Role::Standard,
        },
        Command::RemoveUser {
            user_id: clientele_core::UserId(11),
        },
    ];
    let mut invitations = Vec::new();
    for (n, command) in commands.iter().enumerate() {
        let changed = api
            .change(ClientId(1), 1, command, &format!("key-{n}"))
            .await
            .unwrap();
        invitations.push(changed.invitation);
    }
    unstub_fetch();

    let routes: Vec<(String, Option<String>)> = sent()
        .into_iter()
        .skip(1)
        .map(|sent| (format!("{} {}", sent.method, sent.path), sent.csrf_token))
        .collect();
    let token = Some(admin().csrf_token);
    assert_eq!(
        routes,
        [
            ("PATCH /api/clients/1".to_owned(), token.clone()),
            ("POST /api/clients/1/businesses".to_owned(), token.clone()),
            (
                "PATCH /api/clients/1/businesses/100".to_owned(),
                token.clone()
            ),
            ("POST /api/clients/1/users".to_owned(), token.clone()),
            ("DELETE /api/clients/1/users/11".to_owned(), token),
        ]
    );
    assert_eq!(invitations, [None, None, None, Some(invitation), None]);
}

/// The test page's own server has no `/api/events`: it answers 404, and
/// the browser gives up on the stream at once, as it would on a proxy's
/// 502 while an instance restarts. The app opens it again after a wait,
/// with a resync for what was missed, and not once it has dropped it.
#[wasm_bindgen_test]
async fn a_stream_the_browser_gave_up_on_is_opened_again_with_a_resync() {
    use clientele_app::api::{LiveEvent, reopen_after};
    use std::cell::RefCell;
    use std::rc::Rc;
    let api = HttpApi::new("");
    let events = Rc::new(RefCell::new(Vec::new()));
    let seen = Rc::clone(&events);
    let stream = api.live_events(Rc::new(move |event| seen.borrow_mut().push(event)));
    assert!(events.borrow().is_empty());
    crate::sleep(reopen_after(1).as_millis() as i32 + 500).await;
    assert_eq!(*events.borrow(), [LiveEvent::Resync]);
    drop(stream);
    crate::sleep(reopen_after(2).as_millis() as i32 + 500).await;
    assert_eq!(
        *events.borrow(),
        [LiveEvent::Resync],
        "a dropped stream stays closed"
    );
}
