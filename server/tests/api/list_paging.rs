//! The client list at any size: keyset pages (`after=` the `next` of the
//! page before) walk every client exactly once in each order, the search
//! folds case the way `core` does (Unicode, not only ASCII), and the tabs'
//! counts are kept beside the clients rather than counted per request.

use crate::helpers::*;
use axum::http::StatusCode;
use clientele_core::wire::{ClientPage, ClientSummary};
use serde_json::json;

fn page(answer: &Answer) -> ClientPage {
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    serde_json::from_value(answer.body.clone()).unwrap()
}

fn ids(items: &[ClientSummary]) -> Vec<u64> {
    items.iter().map(|item| item.id.0).collect()
}

/// `text` as a query string value.
fn encoded(text: &str) -> String {
    let mut url = reqwest::Url::parse("http://example/").unwrap();
    url.query_pairs_mut().append_pair("v", text);
    url.query().unwrap()["v=".len()..].to_owned()
}

#[tokio::test]
async fn keyset_pages_walk_every_client_once_in_each_order() {
    let app = spawn_app().await;
    for status in ["active", "deactivated"] {
        for sort in ["name", "-name", "updated", "-updated"] {
            let whole = page(
                &app.get(&format!(
                    "/api/clients?status={status}&sort={sort}&limit=1000"
                ))
                .await,
            );
            assert_eq!(whole.next, None, "one page holds them all");
            let mut walked = Vec::new();
            let mut after: Option<String> = None;
            loop {
                let cursor = after
                    .as_deref()
                    .map(|after| format!("&after={}", encoded(after)));
                let path = format!(
                    "/api/clients?status={status}&sort={sort}&limit=4{}",
                    cursor.unwrap_or_default()
                );
                let current = page(&app.get(&path).await);
                assert_eq!(current.total, whole.total, "{path}");
                assert!(current.items.len() <= 4);
                walked.extend(ids(&current.items));
                match current.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            assert_eq!(walked, ids(&whole.items), "{status} by {sort}");
        }
    }
}

#[tokio::test]
async fn the_last_page_has_no_next_and_a_full_page_before_it_does() {
    let app = spawn_app().await;
    let five = page(&app.get("/api/clients?status=deactivated&limit=5").await);
    assert_eq!((five.items.len(), five.total), (5, 5));
    assert_eq!(five.next, None, "nothing follows the fifth of five");
    let four = page(&app.get("/api/clients?status=deactivated&limit=4").await);
    let next = four.next.expect("a fifth follows");
    let rest = page(
        &app.get(&format!(
            "/api/clients?status=deactivated&limit=4&after={}",
            encoded(&next)
        ))
        .await,
    );
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.next, None);
}

#[tokio::test]
async fn a_cursor_the_list_did_not_hand_out_is_a_bad_request() {
    let app = spawn_app().await;
    let by_name = page(&app.get("/api/clients?limit=2").await).next.unwrap();
    let by_update = page(&app.get("/api/clients?sort=updated&limit=2").await)
        .next
        .unwrap();
    for path in [
        "/api/clients?after=nonsense".to_owned(),
        "/api/clients?after=name.zz.1".to_owned(),
        format!("/api/clients?sort=updated&after={}", encoded(&by_name)),
        // The same key, read the other way round, would skip or repeat rows.
        format!("/api/clients?sort=-name&after={}", encoded(&by_name)),
        format!("/api/clients?sort=-updated&after={}", encoded(&by_update)),
        format!("/api/clients?offset=2&after={}", encoded(&by_name)),
    ] {
        let answer = app.get(&path).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{path}: {:?}",
            answer.body
        );
        assert!(
            answer.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("after"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_page_of_no_rows_answers_the_total_and_counts_alone() {
    // As the app reads the tabs' counts while a search is shown.
    let app = spawn_app().await;
    let whole = page(&app.get("/api/clients").await);
    let answer = app.get("/api/clients?limit=0").await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let counted = page(&answer);
    assert!(counted.items.is_empty());
    assert_eq!(counted.next, None, "no rows, so nowhere to go on from");
    assert_eq!((counted.total, counted.counts), (whole.total, whole.counts));
}

#[tokio::test]
async fn a_search_folds_case_beyond_ascii_as_core_does() {
    let app = spawn_app().await;
    let added = app
        .post(
            "/api/clients",
            json!({
                "name": "École Ørsted Ltd", "code": "ÆB-1", "business_name": "École Shop",
                "user_name": "Noémie Dubois", "user_email": "noemie@ecole.example"
            }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.body);
    for search in ["ÉCOLE", "école", "øRS", "ør", "æb-1", "Æ", "ltd"] {
        let found = page(
            &app.get(&format!("/api/clients?q={}&limit=1000", encoded(search)))
                .await,
        );
        let names: Vec<&str> = found.items.iter().map(|item| item.name.as_str()).collect();
        assert!(
            names.contains(&"École Ørsted Ltd"),
            "{search:?} found {names:?}"
        );
        // The server's answer is exactly what core's own test of a row says.
        let all = page(&app.get("/api/clients?limit=1000").await);
        let expected: Vec<u64> = all
            .items
            .iter()
            .filter(|row| row.matches(search))
            .map(|row| row.id.0)
            .collect();
        assert_eq!(ids(&found.items), expected, "{search:?}");
        assert_eq!(found.total, expected.len() as u64);
    }
    let nothing = page(
        &app.get("/api/clients?q=%C3%A9cole%20%C3%B8rsted%20plc")
            .await,
    );
    assert_eq!(nothing.total, 0);
    // Full case folding, beyond lower case: "ß" is "ss".
    let added = app
        .post(
            "/api/clients",
            json!({
                "name": "Müller Straßenbau GmbH", "business_name": "Straßenbau",
                "user_name": "Jens Müller", "user_email": "jens@strassenbau.example"
            }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.body);
    for search in ["STRASSENBAU", "strassen", "Straßen"] {
        let found = page(
            &app.get(&format!("/api/clients?q={}", encoded(search)))
                .await,
        );
        let names: Vec<&str> = found.items.iter().map(|item| item.name.as_str()).collect();
        assert_eq!(names, ["Müller Straßenbau GmbH"], "{search:?}");
    }
}

#[tokio::test]
async fn names_sort_by_their_folded_form_so_accents_and_case_do_not_scatter_them() {
    let app = spawn_app().await;
    for name in ["zebra Ltd", "Zebra Works", "ZEBRA Co"] {
        let email = format!(
            "{}@z.example",
            name.split(' ').nth(1).unwrap().to_lowercase()
        );
        let added = app
            .post(
                "/api/clients",
                json!({ "name": name, "business_name": "Z", "user_name": "Zed", "user_email": email }),
            )
            .await;
        assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.body);
    }
    let zebras = page(&app.get("/api/clients?q=zebra").await);
    let names: Vec<&str> = zebras.items.iter().map(|item| item.name.as_str()).collect();
    assert_eq!(names, ["ZEBRA Co", "zebra Ltd", "Zebra Works"]);
}

#[tokio::test]
async fn the_tab_counts_follow_every_change_and_agree_with_a_recount() {
    let app = spawn_app().await;
    let before = page(&app.get("/api/clients").await).counts;
    let client = app.pick("active", 1, 2).await;
    let deactivated = app
        .post(
            &format!("/api/clients/{}/deactivate", id(&client)),
            json!({ "expected_version": version(&client), "new_owner_id": user_id(&client, 1) }),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK, "{:?}", deactivated.body);
    let after = page(&app.get("/api/clients").await).counts;
    assert_eq!(
        (after.active, after.deactivated),
        (before.active - 1, before.deactivated + 1)
    );
    for (status, count) in [("active", after.active), ("deactivated", after.deactivated)] {
        let rows = page(
            &app.get(&format!("/api/clients?status={status}&limit=1000"))
                .await,
        );
        assert_eq!(rows.items.len() as u64, count, "{status}");
    }
    let added = app
        .post(
            "/api/clients",
            json!({ "name": "Counted Ltd", "business_name": "C", "user_name": "Cee", "user_email": "cee@counted.example" }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED);
    assert_eq!(
        page(&app.get("/api/clients").await).counts.active,
        after.active + 1
    );
}

#[test]
fn clients_stored_before_the_list_keys_existed_get_them_when_the_server_starts() {
    use clientele_core::{PracticeId, Status};
    use clientele_server::store::{ClientStore, ListQuery, Sort, SqliteStore};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clientele.db");
    let files = clientele_server::files::FileStore::open(&dir.path().join("files")).unwrap();
    let query = ListQuery {
        status: Status::Active,
        search: "ACORN".into(),
        sort: Sort::NameAscending,
        offset: 0,
        after: None,
        limit: 1000,
    };
    let before = {
        let store = SqliteStore::open(&path).unwrap();
        clientele_server::demo::seed_if_empty(&store, &files, 40).unwrap();
        store.list_clients(PracticeId(1), &query).unwrap().value
    };
    assert!(before.total > 0);
    // As a database written before migration 010 holds them: no keys, and
    // nothing in the search index.
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch(
        "UPDATE clients SET sort_name = '', search_text = '';
         INSERT INTO clients_search (clients_search) VALUES ('delete-all');",
    )
    .unwrap();
    drop(db);

    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(
        store.list_clients(PracticeId(1), &query).unwrap().value,
        before
    );
}

/// A database written while the list folded case by lower case alone
/// (before migration 014, PostgreSQL's 008): as the server opens it, the
/// keys of clients whose names are not plain ASCII are folded again, by
/// Unicode's full case folding, so that "WEISS" finds "Weiß".
#[test]
fn keys_folded_by_lower_case_alone_are_folded_again_when_the_database_is_opened() {
    use clientele_core::{PracticeId, Status};
    use clientele_server::store::{ListQuery, Sort};
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let files = clientele_server::files::FileStore::open(&db.files_dir()).unwrap();
    clientele_server::demo::seed_if_empty(db.open().as_ref(), &files, 40).unwrap();
    let search = |text: &str| {
        let query = ListQuery {
            status: Status::Active,
            search: text.into(),
            sort: Sort::NameAscending,
            offset: 0,
            after: None,
            limit: 1000,
        };
        let page = db.open().list_clients(PracticeId(1), &query).unwrap().value;
        page.items
            .into_iter()
            .map(|item| item.name)
            .collect::<Vec<_>>()
    };
    // One client as the older server stored it: its keys in lower case.
    db.execute(
        "UPDATE clients SET name = 'Weiß Bäckerei', \
         sort_name = 'weiß bäckerei', search_text = 'weiß bäckerei\n' \
         WHERE id = (SELECT MIN(id) FROM clients WHERE status = 'active')",
    );
    // The schema as it was then: before migration 014 and what came after.
    match &db {
        TestDb::Sqlite(_) => {
            db.execute("PRAGMA user_version = 13; ALTER TABLE activity DROP COLUMN version;")
        }
        TestDb::Postgres(_) => db.execute(
            "DELETE FROM schema_migrations WHERE version >= 8;
             ALTER TABLE activity DROP COLUMN version;",
        ),
    }
    let found = search("WEISS");
    assert_eq!(found, ["Weiß Bäckerei"]);
    assert_eq!(search("weiß bäck"), ["Weiß Bäckerei"]);
}

/// A search's pages are the same whether the server reads them from the
/// search's matches (few) or walks the tab in order (many): over 10,000
/// matches it walks (`FEW_MATCHES` in the SQLite store).
#[tokio::test]
async fn a_search_pages_alike_whether_its_matches_are_few_or_many() {
    let app = spawn_app().await;
    let csv: String = std::iter::once("name,code,business,user_name,user_email\n".to_owned())
        .chain((1..=10_500).map(|i| {
            format!(
                "Matched {i} Ltd,MA-{i},Matched {i} Trading,Owner {i},owner{i}@matched.example\n"
            )
        }))
        .collect();
    let import = app.post_csv("/api/clients/import", csv).await;
    assert_eq!(
        import.status,
        StatusCode::CREATED,
        "{:?}",
        import.body["error"]
    );
    for sort in ["name", "-name"] {
        // Every active client, in this order.
        let mut all = Vec::new();
        loop {
            let path = format!("/api/clients?sort={sort}&limit=1000&offset={}", all.len());
            let current = page(&app.get(&path).await);
            if current.items.is_empty() {
                break;
            }
            all.extend(current.items);
        }
        // "matched" matches all 10,500; the others a few.
        for search in ["matched", "Matched 10", "matched 1049 ltd", "ma-7"] {
            let expected: Vec<u64> = all
                .iter()
                .filter(|row| row.matches(search))
                .map(|row| row.id.0)
                .collect();
            // Its first three pages, each from the cursor of the one before.
            let (mut found, mut after) = (Vec::new(), None::<String>);
            for _ in 0..3 {
                let cursor = after.map(|after| format!("&after={}", encoded(&after)));
                let path = format!(
                    "/api/clients?sort={sort}&q={}&limit=100{}",
                    encoded(search),
                    cursor.unwrap_or_default()
                );
                let current = page(&app.get(&path).await);
                assert_eq!(current.total, expected.len() as u64, "{path}");
                found.extend(ids(&current.items));
                match current.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            let shown = expected.len().min(300);
            assert_eq!(found, expected[..shown], "{search:?} by {sort}");
        }
    }
}
