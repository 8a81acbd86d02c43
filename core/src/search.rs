//! How the client list is searched and sorted by name, decided once for
//! both stores and the app: text is compared after Unicode's full case
//! folding (its `CaseFolding.txt`, by the `caseless` crate), so "ÉCOLE"
//! finds "école" and "STRASSE" finds "Straße" whichever side answers. The
//! stores keep each client's folded name and search text beside it, made
//! by these functions, and index them; they never fold with SQL's own
//! rules.

/// `text` with its case folded: Unicode's default full case folding, which
/// is lower case for most letters but also makes "ß" "ss" and a final "ς"
/// a "σ", so that text differing only in case always folds alike.
pub fn fold(text: &str) -> String {
    caseless::default_case_fold_str(text)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_folds_beyond_ascii_and_beyond_lower_case() {
        assert_eq!(fold("ÉCOLE Ørsted"), "école ørsted");
        // Lower case leaves these apart; full case folding does not.
        assert_eq!(fold("Straße"), fold("STRASSE"));
        assert_eq!(fold("ΣΟΦΟΣ"), fold("σοφοσ"));
        assert_eq!(fold("ﬁne Foods"), "fine foods");
    }

    #[test]
    fn a_search_finds_names_and_codes_whatever_their_case() {
        assert!(finds("strasse", "Müller Straßenbau GmbH", None));
        assert!(finds("  STRASSENBAU ", "Müller Straßenbau GmbH", None));
        assert!(finds("ms-1", "Müller", Some("MS-1")));
        assert!(finds("", "Anything", None));
        assert!(!finds("strassen gmbh", "Müller Straßenbau GmbH", None));
        // The name and the code are searched apart, never as one text.
        assert!(!finds("gmbh ms", "Müller GmbH", Some("MS-1")));
    }

    #[test]
    fn names_sort_by_their_folded_form() {
        // Under lower case alone, "weiß" sorted after every "weis…".
        let mut names = ["WEISSBIER Ltd", "Weiss Zimmerei", "Weiß Bäckerei"];
        names.sort_by_key(|name| sort_key(name));
        assert_eq!(names, ["Weiß Bäckerei", "Weiss Zimmerei", "WEISSBIER Ltd"]);
    }
}
