//! Finding things the way a person does: by visible label and ARIA role,
//! never by CSS class. Every finder waits, because the app renders
//! asynchronously after each fetch.

use crate::Outcome;
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use std::time::Duration;

/// How long a finder waits for what a person expects to see.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// An XPath string literal for any text, even one with both quote marks
/// (client names such as O'Brien's "Best" Bakes).
pub fn literal(text: &str) -> String {
    if !text.contains('\'') {
        return format!("'{text}'");
    }
    if !text.contains('"') {
        return format!("\"{text}\"");
    }
    let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
    format!("concat({})", parts.join(", \"'\", "))
}

/// Waits for the first element matching `xpath`.
pub async fn xpath(browser: &Client, xpath: &str) -> Outcome<Element> {
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::XPath(xpath))
        .await
        .map_err(|error| format!("nothing matched {xpath} within {PATIENCE:?}: {error}").into())
}

/// A button with exactly this visible label, anywhere on the page.
pub async fn button(browser: &Client, label: &str) -> Outcome<Element> {
    xpath(browser, &button_path("", label)).await
}

/// A button with exactly this label inside the open dialog.
pub async fn dialog_button(browser: &Client, label: &str) -> Outcome<Element> {
    xpath(browser, &button_path(DIALOG, label)).await
}

/// The button with this label on the table row naming `row_name`.
pub async fn row_button(browser: &Client, row_name: &str, label: &str) -> Outcome<Element> {
    xpath(browser, &button_path(&row_path(row_name), label)).await
}

/// The tab whose label starts with `label` (the count follows it).
pub async fn tab(browser: &Client, label: &str) -> Outcome<Element> {
    xpath(browser, &tab_path(label)).await
}

/// The menu item with this label in the open menu.
pub async fn menu_item(browser: &Client, label: &str) -> Outcome<Element> {
    let path = format!(
        "//*[@role='menuitem'][normalize-space()={}]",
        literal(label)
    );
    xpath(browser, &path).await
}

/// The radio button whose label mentions `user_name`, in the open dialog.
pub async fn owner_choice(browser: &Client, user_name: &str) -> Outcome<Element> {
    let path = format!(
        "{DIALOG}//label[contains(normalize-space(), {})]",
        literal(user_name)
    );
    xpath(browser, &path).await
}

/// The text field whose label is exactly `label`.
pub async fn field(browser: &Client, label: &str) -> Outcome<Element> {
    let path = format!(
        "//label[normalize-space()={0}]//input | //input[@id=//label[normalize-space()={0}]/@for]",
        literal(label)
    );
    xpath(browser, &path).await
}

/// The "Add documents" file input of the business named `business` (its
/// card in the portal), or of the open documents dialog with `None`.
pub async fn add_documents_input(browser: &Client, business: Option<&str>) -> Outcome<Element> {
    let scope = match business {
        Some(name) => format!("//section[.//h3[normalize-space()={}]]", literal(name)),
        None => DIALOG.to_owned(),
    };
    xpath(browser, &format!("{scope}//input[@type='file']")).await
}

/// The listed document named `file_name` once it shows `state` ("Queued
/// for extraction", "Not extracted"…).
pub async fn document(browser: &Client, file_name: &str, state: &str) -> Outcome<Element> {
    xpath(browser, &document_path(file_name, state)).await
}

/// The XPath of a listed document named `file_name` that shows `state`.
pub fn document_path(file_name: &str, state: &str) -> String {
    format!(
        "//li[.//span[normalize-space()={}]][.//span[normalize-space()={}]]",
        literal(file_name),
        literal(state)
    )
}

/// The open dialog.
pub async fn dialog(browser: &Client) -> Outcome<Element> {
    xpath(browser, DIALOG).await
}

/// The alert (toast) the app shows when something failed.
pub async fn alert(browser: &Client) -> Outcome<Element> {
    xpath(browser, "//*[@role='alert'][normalize-space()!='']").await
}

/// The toast that says a change was made (and offers its "Undo"): news,
/// in the toasts' `role="status"` region, not an alert.
pub async fn news(browser: &Client) -> Outcome<Element> {
    xpath(
        browser,
        "//*[contains(@class,'toasts')]//*[@role='status'][normalize-space()!='']",
    )
    .await
}

/// The XPath of a table row that names `name` in one of its cells.
pub fn row_path(name: &str) -> String {
    format!(
        "//table//tr[td[.//text()[normalize-space()={0}] or normalize-space()={0}]]",
        literal(name)
    )
}

/// The XPath of the tab whose label starts with `label`.
pub fn tab_path(label: &str) -> String {
    format!(
        "//*[@role='tab'][starts-with(normalize-space(), {})]",
        literal(label)
    )
}

const DIALOG: &str = "//*[@role='dialog']";

fn button_path(scope: &str, label: &str) -> String {
    format!("{scope}//button[normalize-space()={}]", literal(label))
}

#[cfg(test)]
mod tests {
    use super::literal;

    #[test]
    fn a_name_with_both_quote_marks_becomes_a_concat() {
        assert_eq!(literal("Acme"), "'Acme'");
        assert_eq!(literal("O'Brien"), "\"O'Brien\"");
        assert_eq!(
            literal("O'Brien's \"Best\""),
            "concat('O', \"'\", 'Brien', \"'\", 's \"Best\"')"
        );
    }
}
