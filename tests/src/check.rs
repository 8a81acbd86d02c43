//! What a person should see, checked patiently, and what the server holds,
//! checked through its API.

use crate::Outcome;
use crate::find::{self, PATIENCE};
use fantoccini::{Client, Locator};
use std::future::Future;
use std::time::{Duration, Instant};

/// Polls `condition` until it holds or [`PATIENCE`] runs out.
pub async fn eventually<F, Fut>(what: &str, mut condition: F) -> Outcome
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Outcome<bool>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        if condition().await? {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{what}: still not so after {PATIENCE:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The tab whose label starts with `label` is the selected one.
pub async fn tab_selected(browser: &Client, label: &str) -> Outcome {
    eventually(&format!("the tab '{label}' is selected"), || async {
        let tab = find::tab(browser, label).await?;
        Ok(tab.attr("aria-selected").await?.as_deref() == Some("true"))
    })
    .await
}

/// The selected tab, whose label starts with `label`, lists `row_name`.
pub async fn listed_under(browser: &Client, label: &str, row_name: &str) -> Outcome {
    tab_selected(browser, label).await?;
    find::xpath(browser, &find::row_path(row_name)).await?;
    Ok(())
}

/// No row names `row_name` on the page.
pub async fn not_listed(browser: &Client, row_name: &str) -> Outcome {
    let path = find::row_path(row_name);
    eventually(&format!("'{row_name}' is gone from the list"), || async {
        Ok(browser.find_all(Locator::XPath(&path)).await?.is_empty())
    })
    .await
}

/// The count shown in the tab whose label starts with `label`.
pub async fn tab_count(browser: &Client, label: &str) -> Outcome<u64> {
    let text = find::tab(browser, label).await?.text().await?;
    text.split(|c: char| !c.is_ascii_digit())
        .find(|part| !part.is_empty())
        .and_then(|digits| digits.parse().ok())
        .ok_or_else(|| format!("the tab '{text}' shows no count").into())
}

/// An alert is shown and says something containing `words`.
pub async fn alert_says(browser: &Client, words: &str) -> Outcome {
    eventually(&format!("an alert says '{words}'"), || async {
        let text = find::alert(browser).await?.text().await?;
        Ok(text.to_lowercase().contains(&words.to_lowercase()))
    })
    .await
}

/// A toast says a change was made, in words containing `words`.
pub async fn news_says(browser: &Client, words: &str) -> Outcome {
    eventually(&format!("the news says '{words}'"), || async {
        let text = find::news(browser).await?.text().await?;
        Ok(text.to_lowercase().contains(&words.to_lowercase()))
    })
    .await
}

/// The row names `row_name` and carries no "syncing" or "checking" mark
/// any more.
pub async fn settled(browser: &Client, row_name: &str) -> Outcome {
    let mark = |word: &str| {
        format!(
            "contains(translate(normalize-space(), '{}', '{word}'), '{word}')",
            word.to_uppercase()
        )
    };
    let path = format!(
        "{}[.//*[{} or {}]]",
        find::row_path(row_name),
        mark("syncing"),
        mark("checking")
    );
    eventually(&format!("'{row_name}' has finished syncing"), || async {
        Ok(browser.find_all(Locator::XPath(&path)).await?.is_empty())
    })
    .await
}
