//! Timings taken inside headless Chromium. Each measurement runs as a script
//! in the page and reads `performance.now()` there, so WebDriver's own
//! round trips are not counted; "paint" is the next animation frame after
//! the DOM changed.

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use std::time::Duration;

/// Opens a browser that returns from navigation at once, so the page's own
/// clock can time its start-up.
pub async fn open(driver_url: &str) -> Client {
    let capabilities = json!({
        "pageLoadStrategy": "none",
        "goog:chromeOptions": {
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--window-size=1280,900", "--enable-precise-memory-info",
            ],
        }
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    let browser = ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(driver_url)
        .await
        .expect("a Chromium session");
    browser
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(60)),
            Some(Duration::from_secs(60)),
            Some(Duration::from_secs(0)),
        ))
        .await
        .expect("timeouts");
    browser
}

/// Gives the browser a session signed in over HTTP: loads a cheap page of
/// the server at `base` (its health answer), so the cookie belongs to that
/// origin, then adds the session cookie exactly as the server set it
/// (HttpOnly, SameSite=Strict, Path=/). Not timed: every measurement starts
/// with a navigation of its own.
pub async fn give_session(browser: &Client, base: &str, set_cookie: &str) {
    browser
        .goto(&format!("{base}/api/health"))
        .await
        .expect("navigation");
    // The page load strategy is "none", so wait for the page to be there.
    let ready = "return location.origin === arguments[0] && document.readyState === 'complete';";
    let mut waited = 0;
    while browser.execute(ready, vec![json!(base)]).await.ok() != Some(json!(true)) {
        waited += 1;
        assert!(waited < 2_000, "the browser never loaded {base}/api/health");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut cookie = fantoccini::cookies::Cookie::parse(set_cookie.to_owned())
        .expect("the session cookie as the server set it");
    // fantoccini sends a missing domain as null, which chromedriver refuses:
    // name the server's host, as the browser would have taken it.
    let host = base
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split([':', '/']).next())
        .expect("a host in the server's URL");
    cookie.set_domain(host.to_owned());
    browser
        .add_cookie(cookie)
        .await
        .expect("the session cookie in the browser");
}

/// Runs an async script (its last argument is the callback), retrying while
/// the page it started in is being replaced by a navigation.
async fn run(browser: &Client, script: &str, args: Vec<Value>) -> Value {
    for _ in 0..200 {
        match browser.execute_async(script, args.clone()).await {
            Ok(value) => return value,
            Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
    panic!("the page never ran the measuring script")
}

const HELPERS: &str = r#"
const done = arguments[arguments.length - 1];
// Resolves as soon as a DOM change makes `test` true (checked on every
// mutation, not once a frame), so the paint after it is the next frame.
const waitFor = (test) => new Promise((resolve) => {
  const value = test();
  if (value) return resolve(value);
  const observer = new MutationObserver(() => {
    const value = test();
    if (value) { observer.disconnect(); resolve(value); }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
});
const names = () => [...document.querySelectorAll("tbody tr td a")].map((a) => a.textContent);
const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
"#;

/// Milliseconds from navigation start to the first client row being painted.
/// Panics if the app sends the browser to sign in instead: the browser
/// needs [`give_session`] first.
pub async fn first_row_ms(browser: &Client, url: &str) -> f64 {
    browser.goto(url).await.expect("navigation");
    let script = format!(
        "{HELPERS}
        (async () => {{
          if (location.pathname === '/sign-in') return done('sign-in');
          if (location.href !== arguments[0]) throw new Error('still on the old page');
          // The app sends someone without a session to /sign-in in the page.
          const found = await waitFor(() =>
            location.pathname === '/sign-in' ? 'sign-in' : document.querySelector('tbody tr td a'));
          if (found === 'sign-in') return done('sign-in');
          done(await frame());
        }})().catch(() => done(null));"
    );
    loop {
        let answer = run(browser, &script, vec![json!(url)]).await;
        if let Some(ms) = answer.as_f64() {
            return ms;
        }
        assert!(
            answer != json!("sign-in"),
            "{url} went to the sign-in page: the browser has no session"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Milliseconds from clicking "Deactivated clients" to its rows painted.
pub async fn tab_switch_ms(browser: &Client) -> f64 {
    let script = format!(
        "{HELPERS}
        (async () => {{
          const tab = [...document.querySelectorAll('[role=tab]')]
            .find((t) => t.textContent.trim().startsWith('Deactivated clients'));
          const before = names()[0];
          const started = performance.now();
          tab.click();
          await waitFor(() => tab.getAttribute('aria-selected') === 'true' && names()[0] !== before);
          done((await frame()) - started);
        }})();"
    );
    run(browser, &script, vec![])
        .await
        .as_f64()
        .expect("a tab switch time")
}

/// Milliseconds from clicking "Confirm" in the wizard to the client's row
/// gone from the Active tab, painted.
pub async fn click_to_paint_ms(browser: &Client, client_name: &str) -> f64 {
    let script = format!(
        "{HELPERS}
        const name = arguments[0];
        (async () => {{
          const row = await waitFor(() => [...document.querySelectorAll('tbody tr')]
            .find((tr) => tr.querySelector('td a')?.textContent === name));
          row.querySelector('button[aria-haspopup=menu]').click();
          (await waitFor(() => [...document.querySelectorAll('[role=menuitem]')]
            .find((b) => b.textContent.trim() === 'Deactivate client'))).click();
          (await waitFor(() => [...document.querySelectorAll('[role=dialog] button')]
            .find((b) => b.textContent.trim() === 'Next'))).click();
          // The new owner: the dialog's other radio buttons say when.
          (await waitFor(() => document.querySelector('[role=dialog] input[name=new-owner]'))).click();
          const confirm = await waitFor(() => [...document.querySelectorAll('[role=dialog] button')]
            .find((b) => b.textContent.trim() === 'Confirm' && !b.disabled));
          const started = performance.now();
          confirm.click();
          await waitFor(() => !names().includes(name));
          done((await frame()) - started);
        }})();"
    );
    run(browser, &script, vec![json!(client_name)])
        .await
        .as_f64()
        .expect("a click-to-paint time")
}

/// Milliseconds from scrolling the client list to `fraction` of its height
/// to the rows there painted, none of them still loading.
pub async fn scroll_to_ms(browser: &Client, fraction: f64) -> f64 {
    let script = format!(
        "{HELPERS}
        (async () => {{
          const box = document.querySelector('.table-scroll');
          const spacer = () => parseFloat(document.querySelector('tbody tr.spacer').style.height || '0');
          const before = spacer();
          const started = performance.now();
          box.scrollTop = (box.scrollHeight - box.clientHeight) * arguments[0];
          box.dispatchEvent(new Event('scroll'));
          await waitFor(() => spacer() !== before
            && document.querySelector('tbody tr td a')
            && !document.querySelector('tbody tr.loading-row'));
          done((await frame()) - started);
        }})();"
    );
    run(browser, &script, vec![json!(fraction)])
        .await
        .as_f64()
        .expect("a scroll time")
}

/// Milliseconds from typing `text` into the list's search to the rows that
/// match it painted, and only those. The search is emptied first.
pub async fn search_ms(browser: &Client, text: &str) -> f64 {
    let script = format!(
        "{HELPERS}
        const text = arguments[0];
        (async () => {{
          const input = document.querySelector('input[type=search]');
          const type = (value) => {{
            input.value = value;
            input.dispatchEvent(new Event('input', {{ bubbles: true }}));
          }};
          const shows = (wanted) => () => {{
            const shown = names();
            return shown.length > 0 && !document.querySelector('tbody tr.loading-row')
              && shown.every((name) => name.toLowerCase().includes(wanted));
          }};
          if (input.value !== '') {{
            type('');
            await waitFor(() => names().length > 1 && !names().every((name) => name.toLowerCase().includes(text.toLowerCase())));
          }}
          const started = performance.now();
          type(text);
          await waitFor(shows(text.toLowerCase()));
          done((await frame()) - started);
        }})();"
    );
    run(browser, &script, vec![json!(text)])
        .await
        .as_f64()
        .expect("a search time")
}

/// Bytes of JS heap in use, and of the app's wasm linear memory if the page
/// exposes it.
pub async fn memory_bytes(browser: &Client) -> (f64, Option<f64>) {
    let value = browser
        .execute(
            "return [performance.memory.usedJSHeapSize,
                     window.clienteleWasmMemory ? window.clienteleWasmMemory.buffer.byteLength : null];",
            vec![],
        )
        .await
        .expect("memory figures");
    (value[0].as_f64().unwrap_or(f64::NAN), value[1].as_f64())
}
