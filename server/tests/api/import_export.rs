//! Importing clients from CSV and exporting the list (issue 12): the
//! bad-input table, the preview that equals the result, all or nothing,
//! 10,000 rows, and a round trip through an exported file.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

const HEADER: &str = "name,code,business,user_name,user_email\n";
const PREVIEW: &str = "/api/clients/import/preview";
const IMPORT: &str = "/api/clients/import";

/// `n` good rows from `first`, each with a fresh code and email.
fn rows(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| {
            format!(
                "Imported {i} Ltd,IM-{i},Imported {i} Trading,Owner {i},owner{i}@imported.example\n"
            )
        })
        .collect()
}

#[tokio::test]
async fn bad_files_are_refused_with_a_clear_reason_and_nothing_is_written() {
    let app = spawn_app().await;
    let existing = app.pick("active", 1, 1).await;
    let existing_code = existing["code"].as_str().unwrap().to_lowercase();
    // What is wrong, the file, and the first problem's line, column and
    // part of its message.
    type Case<'a> = (&'a str, Vec<u8>, u64, Option<&'a str>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "a wrong header",
            b"name,code,company,user,email\nA,,B,C,c@d.example\n".to_vec(),
            1,
            None,
            "The header must name the columns name,code,business,user_name,user_email",
        ),
        (
            "bad UTF-8",
            [HEADER.as_bytes(), b"Caf\xe9 Ltd,,Cafe,Al,al@cafe.example\n"].concat(),
            0,
            None,
            "not UTF-8",
        ),
        (
            "a code twice in the file",
            format!("{HEADER}A Ltd,DUP-1,A,Al,al@a.example\nB Ltd,dup-1,B,Bo,bo@b.example\n")
                .into_bytes(),
            3,
            Some("code"),
            "also on line 2",
        ),
        (
            "a code an existing client has",
            format!("{HEADER}A Ltd,{existing_code},A,Al,al@a.example\n").into_bytes(),
            2,
            Some("code"),
            "Another client of the practice already has this code",
        ),
        (
            "an email without @",
            format!("{HEADER}A Ltd,,A,Al,al.example\n").into_bytes(),
            2,
            Some("user_email"),
            "email address",
        ),
        (
            "an email twice in the file",
            format!("{HEADER}A Ltd,,A,Al,al@a.example\nB Ltd,,B,Al,AL@a.example\n").into_bytes(),
            3,
            Some("user_email"),
            "also on line 2",
        ),
        (
            "a blank name",
            format!("{HEADER}  ,,A,Al,al@a.example\n").into_bytes(),
            2,
            Some("name"),
            "client name must be 1 to 200 characters",
        ),
        (
            "a row with too few fields",
            format!("{HEADER}A Ltd,,A,Al\n").into_bytes(),
            2,
            None,
            "4 fields",
        ),
        (
            "an email without @ in a file Excel saved (a BOM, and CRLF line ends)",
            format!(
                "\u{feff}{}A Ltd,,A,Al,al@a.example\r\nB Ltd,,B,Bo,bo.example\r\n",
                HEADER.replace('\n', "\r\n")
            )
            .into_bytes(),
            3,
            Some("user_email"),
            "email address",
        ),
        (
            "a code twice in a file with CRLF line ends",
            format!(
                "{}A Ltd,DUP-1,A,Al,al@a.example\r\nB Ltd,dup-1,B,Bo,bo@b.example\r\n",
                HEADER.replace('\n', "\r\n")
            )
            .into_bytes(),
            3,
            Some("code"),
            "also on line 2",
        ),
        (
            "an email without @ in a file with CR line ends alone (an old Mac's)",
            format!(
                "{}A Ltd,,A,Al,al@a.example\rB Ltd,,B,Bo,bo.example\r",
                HEADER.replace('\n', "\r")
            )
            .into_bytes(),
            3,
            Some("user_email"),
            "email address",
        ),
        (
            "a quote never closed, which takes in the lines after it",
            format!("{HEADER}\"A Ltd,,A,Al,al@a.example\nB Ltd,,B,Bo,bo@b.example\n").into_bytes(),
            2,
            None,
            "A quote (\") on this line may never be closed",
        ),
        (
            "a control character in a name",
            format!("{HEADER}A\u{7}Ltd,,A,Al,al@a.example\n").into_bytes(),
            2,
            Some("name"),
            "no control characters",
        ),
        (
            "a column named twice",
            b"name,code,business,user_name,name\nA,,B,C,D\n".to_vec(),
            1,
            None,
            "The header must name the columns",
        ),
        ("an empty file", Vec::new(), 0, None, "empty"),
        (
            "a header alone",
            HEADER.as_bytes().to_vec(),
            0,
            None,
            "no clients",
        ),
    ];
    let before = app.snapshot();
    for (what, csv, line, column, message) in cases {
        let preview = app.post_csv(PREVIEW, csv.clone()).await;
        assert_eq!(preview.status, StatusCode::OK, "{what}: {:?}", preview.body);
        let problem = &preview.body["problems"][0];
        assert_eq!(problem["line"], line, "{what}: {problem}");
        assert_eq!(problem["column"], json!(column), "{what}: {problem}");
        assert!(
            problem["message"].as_str().unwrap().contains(message),
            "{what}: {problem}"
        );
        let import = app.post_csv(IMPORT, csv).await;
        assert_eq!(import.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        assert_eq!(import.code(), "import_invalid", "{what}");
        assert_eq!(import.body["problems"], preview.body["problems"], "{what}");
        assert_eq!(app.snapshot(), before, "{what} wrote something");
    }
}

#[tokio::test]
async fn a_file_over_5_mib_or_not_csv_is_refused_before_it_is_read() {
    let app = spawn_app().await;
    let before = app.snapshot();
    let mut big = HEADER.as_bytes().to_vec();
    big.resize(5 * 1024 * 1024 + 1, b'\n');
    for path in [PREVIEW, IMPORT] {
        let answer = app.post_csv(path, big.clone()).await;
        assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        assert_eq!(answer.code(), "file_too_large");
        assert!(
            answer.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("5 MiB")
        );
        let json = app.post(path, json!({ "name": "A" })).await;
        assert_eq!(json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{path}");
    }
    assert_eq!(app.snapshot(), before);
}

#[tokio::test]
async fn quoted_commas_line_breaks_and_a_bom_are_read() {
    let app = spawn_app().await;
    let csv = format!(
        "\u{feff}{HEADER}\"Smith, Jones & Co\",SJ-1,\"Smith\nJones Trading\",\"Ann \"\"Annie\"\" Smith\",ann@sj.example\n\n"
    );
    let answer = app.post_csv(IMPORT, csv).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    let row = &answer.body["created"][0]["row"];
    assert_eq!(row["name"], "Smith, Jones & Co");
    assert_eq!(row["businesses"], json!(["Smith Jones Trading"]));
    assert_eq!(row["user_name"], "Ann \"Annie\" Smith");
    assert_eq!(row["line"], 2);
    let client = app.client(id(&answer.body["created"][0])).await;
    assert_eq!(client["code"], "SJ-1");
    assert_eq!(client["businesses"][0]["name"], "Smith Jones Trading");
}

#[tokio::test]
async fn the_header_may_name_its_columns_in_any_order_and_case_and_end_in_blank_ones() {
    let app = spawn_app().await;
    // As a spreadsheet might save it: other column order, capitals, a
    // trailing comma on every line.
    let csv = "User_Email, NAME ,Business,Code,user_name,\n\
               ann@any.example,Any Order Ltd,Any Trading,AO-1,Ann Any,\n\
               bo@any.example,Bo Ltd,Bo Trading,,Bo Any\n";
    let answer = app.post_csv(IMPORT, csv).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    let row = &answer.body["created"][0]["row"];
    assert_eq!(row["name"], "Any Order Ltd");
    assert_eq!(row["code"], "AO-1");
    assert_eq!(row["businesses"], json!(["Any Trading"]));
    assert_eq!(row["user_name"], "Ann Any");
    assert_eq!(row["user_email"], "ann@any.example");
    assert_eq!(answer.body["created"][1]["row"]["code"], Value::Null);
    // A value under a column with no name is not silently dropped.
    let extra = app
        .post_csv(
            PREVIEW,
            format!("{HEADER}A Ltd,,A,Al,al@a.example,surplus\n"),
        )
        .await;
    assert_eq!(extra.body["problems"][0]["line"], 2, "{:?}", extra.body);
}

#[tokio::test]
async fn the_preview_shows_exactly_what_the_import_creates() {
    let app = spawn_app().await;
    let csv = format!("{HEADER}{}", rows(1, 20));
    let before = app.snapshot();
    let preview = app.post_csv(PREVIEW, csv.clone()).await;
    assert_eq!(preview.body["problems"], json!([]));
    assert_eq!(app.snapshot(), before, "a preview writes nothing");
    let import = app.post_csv(IMPORT, csv).await;
    assert_eq!(import.status, StatusCode::CREATED, "{:?}", import.body);
    let created = import.body["created"].as_array().unwrap();
    let rows: Vec<&Value> = created.iter().map(|client| &client["row"]).collect();
    assert_eq!(json!(rows), preview.body["clients"]);
    for created in created {
        let client = app.client(id(created)).await;
        assert_eq!(client["name"], created["row"]["name"]);
        assert_eq!(client["code"], created["row"]["code"]);
        assert_eq!(client["users"][0]["email"], created["row"]["user_email"]);
        assert_eq!(client["businesses"][0]["id"], created["business_ids"][0]);
        let activity = app
            .get(&format!("/api/clients/{}/activity", id(created)))
            .await;
        assert_eq!(activity.body["items"][0]["action"], "client_added");
        assert_eq!(activity.body["items"][0]["actor"], "Dana Lowe");
    }
}

#[tokio::test]
async fn one_bad_row_means_nothing_is_imported() {
    let app = spawn_app().await;
    let csv = format!(
        "{HEADER}{}Bad Ltd,,Bad,Bo,no-at-sign\n{}",
        rows(1, 5),
        rows(6, 5)
    );
    let before = app.snapshot();
    let import = app.post_csv(IMPORT, csv).await;
    assert_eq!(import.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = import.body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("1 row is wrong; nothing was imported. Line 7:"),
        "{message}"
    );
    assert_eq!(import.body["problems"][0]["line"], 7);
    assert_eq!(app.snapshot(), before);
}

#[tokio::test]
async fn ten_thousand_rows_import_in_one_go() {
    let app = spawn_app().await;
    let before = app.get("/api/clients").await.body["counts"]["active"]
        .as_u64()
        .unwrap();
    let csv = format!("{HEADER}{}", rows(1, 10_000));
    let import = app.post_csv(IMPORT, csv).await;
    assert_eq!(
        import.status,
        StatusCode::CREATED,
        "{:?}",
        import.body["error"]
    );
    assert_eq!(import.body["created"].as_array().unwrap().len(), 10_000);
    let after = app.get("/api/clients?q=imported").await;
    assert_eq!(after.body["counts"]["active"], 10_000);
    let all = app.get("/api/clients").await.body["counts"]["active"]
        .as_u64()
        .unwrap();
    assert_eq!(all, before + 10_000);
}

/// `GET /api/clients/export` as CSV records.
async fn export(app: &TestApp, query: &str) -> (Answer, Vec<Vec<String>>) {
    let answer = app
        .send(
            Request::get(format!("/api/clients/export{query}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let text = answer.body.as_str().unwrap().to_owned();
    let records = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (answer, records)
}

#[tokio::test]
async fn the_export_is_the_list_as_shown_with_its_tab_search_and_sort() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let deactivate = app
        .post(
            &format!("/api/clients/{}/deactivate", id(&client)),
            json!({ "new_owner_id": client["owner"], "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(deactivate.status, StatusCode::OK);
    for query in [
        "",
        "?status=deactivated&sort=-name",
        "?q=hl-000&sort=updated",
        "?q=a",
    ] {
        let (answer, records) = export(&app, query).await;
        assert_eq!(answer.headers["content-type"], "text/csv; charset=utf-8");
        assert_eq!(
            answer.headers["content-disposition"],
            "attachment; filename=\"clients.csv\""
        );
        assert_eq!(
            records[0],
            [
                "name",
                "code",
                "status",
                "businesses",
                "owner",
                "owner_email",
                "deactivated_at",
                "deactivated_by"
            ]
        );
        let separator = if query.is_empty() { "?" } else { "&" };
        let list = app
            .get(&format!("/api/clients{query}{separator}limit=10000"))
            .await;
        let items = list.body["items"].as_array().unwrap();
        assert_eq!(records.len() - 1, items.len(), "{query}");
        for (record, item) in records[1..].iter().zip(items) {
            assert_eq!(record[0], item["name"].as_str().unwrap(), "{query}");
            assert_eq!(record[1], item["code"].as_str().unwrap_or(""), "{query}");
            assert_eq!(record[2], item["status"].as_str().unwrap(), "{query}");
            assert_eq!(
                record[3].split("; ").count() as u64,
                item["business_count"].as_u64().unwrap()
            );
            assert_eq!(record[4], item["owner"]["name"].as_str().unwrap());
        }
    }
    let (_, deactivated) = export(&app, "?status=deactivated").await;
    let row = deactivated
        .iter()
        .find(|record| record[0] == client["name"].as_str().unwrap())
        .unwrap();
    let activity = app
        .get(&format!("/api/clients/{}/activity", id(&client)))
        .await;
    assert_eq!(row[6], activity.body["items"][0]["at"].as_str().unwrap());
    assert_eq!(row[7], "Dana Lowe");
    let bad = app.get("/api/clients/export?sort=sideways").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_exported_file_imports_as_the_same_clients() {
    let first = spawn_app().await;
    let csv = format!(
        "{HEADER}\"Smith, Jones & Co\",RT-1,Smith Jones,Ann Smith,ann@rt.example\n\
         Round Trip Ltd,RT-2,Round Trip,Rob Round,rob@rt.example\n\
         Codeless Ltd,,Codeless,Cody Less,cody@rt.example\n"
    );
    let import = first.post_csv(IMPORT, csv).await;
    assert_eq!(import.status, StatusCode::CREATED, "{:?}", import.body);
    // A second business, which the export joins with "; ", and whose name
    // holds a ";" of its own.
    let round_trip = first.client(id(&import.body["created"][1])).await;
    let added = first
        .post(
            &format!("/api/clients/{}/businesses", id(&round_trip)),
            json!({ "name": "Round Trip;Two", "expected_version": version(&round_trip) }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED);
    let (exported, _) = export(&first, "").await;
    let file = rows_of(&exported, "@rt.example");

    // Into another server, where these emails are free.
    let second = spawn_app().await;
    let import = second.post_csv(IMPORT, file.clone()).await;
    assert_eq!(import.status, StatusCode::CREATED, "{:?}", import.body);
    assert_eq!(import.body["created"].as_array().unwrap().len(), 3);
    let (again, _) = export(&second, "").await;
    assert_eq!(rows_of(&again, "@rt.example"), file);
    assert!(file.contains("Round Trip; Round Trip;Two"), "{file}");
    assert!(file.contains("\"Smith, Jones & Co\""), "{file}");
}

/// The header and the lines of an exported file that contain `part`.
fn rows_of(exported: &Answer, part: &str) -> String {
    exported
        .body
        .as_str()
        .unwrap()
        .lines()
        .filter(|line| line.contains(part) || line.starts_with("name,"))
        .map(|line| format!("{line}\n"))
        .collect()
}
