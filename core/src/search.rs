//! How the client list is searched and sorted by name, decided once for
//! both stores and the app: text is compared after Unicode case folding
//! (lower case, as Rust's `to_lowercase` gives it), so "ÉCOLE" finds
//! "école" whichever side answers. The stores keep each client's folded
//! name and search text beside it, made by these functions, and index
//! them; they never fold with SQL's own rules.

/// `text` with its case folded.
pub fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// What a client's name sorts by: A to Z ignoring case, ties broken by id.
pub fn sort_key(name: &str) -> String {
    fold(name)
}

/// The text a search looks in: the folded name, then the folded code, on
/// lines of their own so that a search never spans the two.
pub fn search_text(name: &str, code: Option<&str>) -> String {
    format!("{}\n{}", fold(name), fold(code.unwrap_or_default()))
}

/// A search as typed, made ready to look for: the spaces around it
/// trimmed and its case folded. Empty finds everything.
pub fn needle(search: &str) -> String {
    fold(search.trim())
}

/// Whether a client with this name and code is found by `search`.
pub fn finds(search: &str, name: &str, code: Option<&str>) -> bool {
    let needle = needle(search);
    fold(name).contains(&needle) || code.is_some_and(|code| fold(code).contains(&needle))
}
