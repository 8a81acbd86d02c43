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

fn add_staff(
    db: &TestDb,
    practice_of: &str,
    email: &str,
    role: Option<&str>,
) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_clientele-server"));
    command
        .args(["add-staff", "--practice-of", practice_of, "--email", email])
        .args(["--name", "Sam Reed"])
        .args(role.map(|role| ["--role", role]).into_iter().flatten())
        .arg("--db")
        .arg(db.location())
        .stdin(std::process::Stdio::null())
        .env("CLIENTELE_ADMIN_PASSWORD", "another long password");
    command.output().unwrap()
}

#[tokio::test]
async fn add_staff_adds_people_to_the_practice_who_sign_in_with_their_role() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let created = create_admin(&db, Some("a long enough password"), "owner@ashdown.example");
    assert!(created.status.success(), "{created:?}");
    let staff = add_staff(&db, "Owner@Ashdown.example", "Sam@Ashdown.example", None);
    assert!(staff.status.success(), "{staff:?}");
    let said = String::from_utf8_lossy(&staff.stdout);
    assert!(
        said.contains("sam@ashdown.example") && said.contains("Ashdown Tax & Books"),
        "{said}"
    );
    // Anyone on the staff names the practice, and an admin can be added.
    let admin = add_staff(
        &db,
        "sam@ashdown.example",
        "lee@ashdown.example",
        Some("practice-admin"),
    );
    assert!(admin.status.success(), "{admin:?}");

    let server = RunningServer::start_without_demo(&db, &[]);
    for (email, role) in [
        ("sam@ashdown.example", "staff"),
        ("lee@ashdown.example", "practice_admin"),
    ] {
        let answer = sign_in(&server.url, email, "another long password").await;
        assert_eq!(answer.status(), 200, "{email}");
        let session: Value = answer.json().await.unwrap();
        assert_eq!(session["user"]["role"], role);
        assert_eq!(session["user"]["kind"], "staff");
        assert_eq!(session["user"]["practice"]["name"], "Ashdown Tax & Books");
    }
    let sam: Value = sign_in(&server.url, "sam@ashdown.example", "another long password")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sam["user"]["name"], "Sam Reed");
}

#[test]
fn add_staff_refuses_an_unknown_practice_a_taken_email_and_a_wrong_role() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    assert!(
        create_admin(&db, Some("a long enough password"), "owner@ashdown.example")
            .status
            .success()
    );
    let unknown = add_staff(&db, "nobody@ashdown.example", "sam@ashdown.example", None);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("--practice-of"));
    let taken = add_staff(&db, "owner@ashdown.example", "OWNER@ashdown.example", None);
    assert!(!taken.status.success());
    assert!(String::from_utf8_lossy(&taken.stderr).contains("already"));
    let wrong = add_staff(
        &db,
        "owner@ashdown.example",
        "kim@ashdown.example",
        Some("boss"),
    );
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("boss"));
    let staff = db.texts("SELECT email FROM staff ORDER BY id");
    assert_eq!(
        staff,
        ["owner@ashdown.example"],
        "nothing refused was added"
    );
}

fn set_password(db: &TestDb, email: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_clientele-server"))
        .args(["set-password", "--email", email])
        .arg("--db")
        .arg(db.location())
        .stdin(std::process::Stdio::null())
        .env("CLIENTELE_ADMIN_PASSWORD", "a brand new password")
        .output()
        .unwrap()
}

#[tokio::test]
async fn set_password_gives_a_new_password_and_signs_the_person_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let created = create_admin(&db, Some("a long enough password"), "owner@ashdown.example");
    assert!(created.status.success(), "{created:?}");
    let server = RunningServer::start_without_demo(&db, &[]);
    let signed_in = server
        .client_as_with("owner@ashdown.example", "a long enough password")
        .await;
    let session = format!("{}/api/session", server.url);
    assert_eq!(signed_in.get(&session).send().await.unwrap().status(), 200);

    // Locked out by five wrong passwords (someone guessing, or forgetting).
    for _ in 0..5 {
        sign_in(&server.url, "owner@ashdown.example", "not the password").await;
    }
    let locked = sign_in(
        &server.url,
        "owner@ashdown.example",
        "a long enough password",
    )
    .await;
    assert_eq!(locked.status(), 429);

    let set = set_password(&db, "Owner@Ashdown.example");
    assert!(set.status.success(), "{set:?}");
    assert!(String::from_utf8_lossy(&set.stdout).contains("owner@ashdown.example"));
    assert_eq!(
        signed_in.get(&session).send().await.unwrap().status(),
        401,
        "the old session has ended"
    );
    let old = sign_in(
        &server.url,
        "owner@ashdown.example",
        "a long enough password",
    )
    .await;
    assert_eq!(old.status(), 401);
    let new = sign_in(&server.url, "owner@ashdown.example", "a brand new password").await;
    assert_eq!(new.status(), 200, "and the lockout is lifted");

    let unknown = set_password(&db, "nobody@ashdown.example");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("nobody signs in"));
}
