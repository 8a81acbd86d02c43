//! The screen and the server agree when answers are lost or arrive late
//! (issue 10), in a real Chromium against the real server and its fault
//! switch: a change applied whose answer and retry were both lost, and a
//! slow read of a client answered after a newer change to it.
//!
//! The first goes through a proxy that gives every request a connection of
//! its own: otherwise Chromium itself resends a request whose kept-alive
//! connection closed unanswered, the server replays the stored answer, and
//! the app never sees the answer lost (see [`OneRequestPerConnection`]).

use clientele_core::Status;
use clientele_e2e::backend::{ADMIN, Backend, DEMO_PASSWORD, Fault};
use clientele_e2e::{Harness, Outcome, act, check, find};
use fantoccini::Locator;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::test(flavor = "multi_thread")]
async fn a_change_applied_whose_answer_and_retry_were_lost_is_checked_and_reported_saved() -> Outcome
{
    let mut harness = Harness::start("lost-answer-and-retry").await?;
    let browser = harness.open_browser().await?;
    let backend = Backend::new(&harness.url).await?;
    let proxy = OneRequestPerConnection::start(&harness.url).await?;
    browser.goto(&format!("{}/", proxy.url)).await?;
    act::sign_in(&mut harness, &browser, ADMIN, DEMO_PASSWORD).await?;
    act::go_to_solo_clients(&mut harness, &browser).await?;
    let client = backend.pick_client(Status::Active, 1, 1).await?;
    backend.set_fault(Fault::DropAfterCommit).await?;

    act::manage(&mut harness, &browser, &client.name, "Deactivate client").await?;
    act::choose_owner_and_confirm(&mut harness, &browser, &client.users[0].name).await?;
    // The first try is applied and its answer lost; the app waits a moment
    // before it retries, and the retry is lost too.
    check::eventually("the first try is applied", || async {
        Ok(backend.client(client.id).await?.version > client.version)
    })
    .await?;
    backend.set_fault(Fault::Drop).await?;

    // Reads are not dropped: the app asks what the server holds.
    check::alert_says(
        &browser,
        &format!("your change to {} was saved", client.name),
    )
    .await?;
    harness.screenshot(&browser, "checked-and-saved").await?;
    backend.set_fault(Fault::None).await?;
    check::not_listed(&browser, &client.name).await?;
    act::choose_tab(&mut harness, &browser, "Deactivated clients").await?;
    check::listed_under(&browser, "Deactivated clients", &client.name).await?;
    check::settled(&browser, &client.name).await?;

    let stored = backend.client(client.id).await?;
    assert_eq!(stored.status, Status::Deactivated);
    assert_eq!(stored.version, client.version + 1, "applied exactly once");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_read_answered_after_a_change_does_not_bring_the_old_client_back() -> Outcome {
    const READ_DELAY: Duration = Duration::from_millis(4_000);
    let (mut harness, browser, backend) =
        act::signed_in_on_the_list("slow-read-after-change").await?;
    let client = backend.pick_client(Status::Deactivated, 1, 1).await?;

    // The app holds the client already (from the reactivation dialog,
    // cancelled), so its page shows at once while its own read is slow.
    act::choose_tab(&mut harness, &browser, "Deactivated clients").await?;
    find::row_button(&browser, &client.name, "Reactivate")
        .await?
        .click()
        .await?;
    find::dialog_button(&browser, "Cancel")
        .await?
        .click()
        .await?;
    backend
        .set_fault(Fault::DelayReads(READ_DELAY.as_millis() as u64))
        .await?;

    let link = format!(
        "//table//a[normalize-space()={}]",
        find::literal(&client.name)
    );
    find::xpath(&browser, &link).await?.click().await?;
    let opened = Instant::now();
    let banner_button = "//*[@role='status']//button[normalize-space()='Reactivate']";
    find::xpath(&browser, banner_button).await?.click().await?;
    find::dialog_button(&browser, "Reactivate")
        .await?
        .click()
        .await?;
    // The change is made on screen and answered, while the page's own read
    // is still held back.
    check::eventually("the reactivation is answered", || async {
        Ok(deactivated_banner(&browser).await?.is_empty()
            && !header_says(&browser, "Syncing").await?)
    })
    .await?;
    assert!(
        opened.elapsed() < READ_DELAY,
        "the change took {:?}, longer than the read is held back: nothing interleaved",
        opened.elapsed()
    );
    harness.screenshot(&browser, "reactivated").await?;

    // The read sent when the page opened (the client still deactivated)
    // arrives now.
    tokio::time::sleep(READ_DELAY.saturating_sub(opened.elapsed()) + Duration::from_secs(1)).await;
    harness.screenshot(&browser, "after-the-slow-read").await?;
    assert!(
        deactivated_banner(&browser).await?.is_empty(),
        "the old client came back"
    );
    backend.set_fault(Fault::None).await?;
    let stored = backend.client(client.id).await?;
    assert_eq!(stored.status, Status::Active);
    assert_eq!(stored.version, client.version + 1);
    let active = find::tab(&browser, "Active businesses")
        .await?
        .text()
        .await?;
    assert_eq!(
        active,
        format!("Active businesses ({})", stored.businesses.len()),
        "every business is active, as the server holds it"
    );
    Ok(())
}

/// The banner a deactivated client's page shows, if it is there.
async fn deactivated_banner(
    browser: &fantoccini::Client,
) -> Outcome<Vec<fantoccini::elements::Element>> {
    let path = "//*[@role='status'][contains(normalize-space(), 'This client is deactivated')]";
    Ok(browser.find_all(Locator::XPath(path)).await?)
}

/// Whether the page's heading line carries a mark with these words.
async fn header_says(browser: &fantoccini::Client, words: &str) -> Outcome<bool> {
    let path = format!(
        "//header[contains(@class, 'screen-header')]//*[contains(normalize-space(), {})]",
        find::literal(words)
    );
    Ok(!browser.find_all(Locator::XPath(&path)).await?.is_empty())
}

/// A proxy in front of the server that gives every request a connection of
/// its own (`Connection: close`). When a connection it had used before
/// closes without an answer, Chromium sends the request again by itself, so
/// behind kept-alive connections the retry after a dropped answer is the
/// browser's, answered from the server's idempotency store, and the app never
/// sees the answer lost. On a fresh connection it does.
struct OneRequestPerConnection {
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl OneRequestPerConnection {
    async fn start(upstream: &str) -> Outcome<OneRequestPerConnection> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let task = tokio::spawn(async move {
            while let Ok((browser_side, _)) = listener.accept().await {
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let _ = forward_one_request(browser_side, &upstream).await;
                });
            }
        });
        Ok(OneRequestPerConnection { url, task })
    }
}

impl Drop for OneRequestPerConnection {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Forwards the request on `browser_side` with `Connection: close`, and the
/// answer back, until the server closes the connection.
async fn forward_one_request(mut browser_side: TcpStream, upstream: &str) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 8192];
    let head_end = loop {
        let read = browser_side.read(&mut buffer).await?;
        if read == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buffer[..read]);
        if let Some(at) = head.windows(4).position(|window| window == b"\r\n\r\n") {
            break at;
        }
    };
    let request_head = String::from_utf8_lossy(&head[..head_end]);
    let mut rewritten: String = request_head
        .split("\r\n")
        .filter(|line| !line.to_ascii_lowercase().starts_with("connection:"))
        .map(|line| format!("{line}\r\n"))
        .collect();
    rewritten.push_str("Connection: close\r\n\r\n");
    let mut server_side = TcpStream::connect(upstream).await?;
    server_side.write_all(rewritten.as_bytes()).await?;
    server_side.write_all(&head[head_end + 4..]).await?;
    let (mut from_server, mut to_server) = server_side.into_split();
    let (mut from_browser, mut to_browser) = browser_side.into_split();
    let request_body = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut from_browser, &mut to_server).await;
    });
    let answered = tokio::io::copy(&mut from_server, &mut to_browser).await;
    request_body.abort();
    to_browser.shutdown().await?;
    answered.map(|_| ())
}
