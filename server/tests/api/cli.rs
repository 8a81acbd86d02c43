//! A real start without demo data: the database stays empty until
//! `create-admin` creates a practice and its admin, who can then sign in.

use crate::helpers::*;
use serde_json::{Value, json};
use std::process::Command;

fn create_admin(db: &TestDb, password: Option<&str>, email: &str) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_clientele-server"));
    command
        .args([
            "create-admin",
            "--practice",
            "Ashdown Tax & Books",
            "--email",
            email,
        ])
        .arg("--db")
        .arg(db.location())
        .stdin(std::process::Stdio::null());
    match password {
        Some(password) => command.env("CLIENTELE_ADMIN_PASSWORD", password),
        None => command.env_remove("CLIENTELE_ADMIN_PASSWORD"),
    };
    command.output().unwrap()
}

async fn sign_in(url: &str, email: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{url}/api/session"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn without_demo_an_empty_database_stays_empty_and_demo_accounts_do_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let server = RunningServer::start_without_demo(&db, &[]);
    let answer = sign_in(&server.url, ADMIN, clientele_server::DEMO_PASSWORD).await;
    assert_eq!(answer.status(), 401);
    let clients = db.texts("SELECT CAST(COUNT(*) AS TEXT) FROM clients");
    assert_eq!(clients, ["0"]);
}

#[tokio::test]
async fn create_admin_makes_a_practice_whose_admin_signs_in_to_an_empty_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let output = create_admin(&db, Some("a long enough password"), "Owner@Ashdown.example");
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("owner@ashdown.example"));

    let server = RunningServer::start_without_demo(&db, &[]);
    let answer = sign_in(
        &server.url,
        "owner@ashdown.example",
        "a long enough password",
    )
    .await;
    assert_eq!(answer.status(), 200);
    let session: Value = answer.json().await.unwrap();
    assert_eq!(session["user"]["role"], "practice_admin");
    assert_eq!(session["user"]["practice"]["name"], "Ashdown Tax & Books");
    let http = server
        .client_as_with("owner@ashdown.example", "a long enough password")
        .await;
    let list: Value = http
        .get(format!("{}/api/clients", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["counts"], json!({ "active": 0, "deactivated": 0 }));
}

#[test]
fn create_admin_refuses_a_short_password_a_taken_email_and_no_password() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let short = create_admin(&db, Some("too short"), "a@ashdown.example");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"));

    assert!(
        create_admin(&db, Some("long enough password"), "a@ashdown.example")
            .status
            .success()
    );
    let taken = create_admin(&db, Some("long enough password"), "A@ashdown.example");
    assert!(!taken.status.success());
    assert!(String::from_utf8_lossy(&taken.stderr).contains("already"));

    let none = create_admin(&db, None, "b@ashdown.example");
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("CLIENTELE_ADMIN_PASSWORD"));
}
