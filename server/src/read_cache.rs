//! The read cache: list pages kept serialised, keyed by the practice and the
//! page asked for, each with the practice's data version it was read at
//! ([`DataVersion`]). A request reads the current version (one indexed row)
//! and is answered from here only if the page was read at that very
//! version; any change to what the list shows moves the version on, in the
//! database and in the change's own transaction, so a page is never served
//! after a commit that changed it, whichever instance made the commit.
//!
//! The cache is bounded by entries and by bytes, and forgets the oldest
//! page first. It holds no rules: who may read is decided before it is
//! asked.

use crate::store::{DataVersion, ListQuery};
use axum::body::Bytes;
use clientele_core::PracticeId;
use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

/// How many pages an instance keeps at most.
pub const MAX_PAGES: usize = 1024;

/// How many bytes of pages an instance keeps at most: 64 MiB. A 100-row
/// page is about 15 KB; the largest (10,000 rows) about 1.5 MB.
pub const MAX_BYTES: usize = 64 << 20;

/// Which page: the practice and the page asked for, parsed (so two spellings
/// of one query share a page).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    /// Whose list.
    pub practice: PracticeId,
    /// Which page of it.
    pub query: ListQuery,
}

/// Serialised list pages, each with the data version it was read at.
pub struct ReadCache {
    pages: Mutex<Pages>,
    max_pages: usize,
    max_bytes: usize,
}

#[derive(Default)]
struct Pages {
    by_key: HashMap<PageKey, (DataVersion, Bytes)>,
    /// The keys, oldest first: the order in which they are forgotten.
    oldest_first: VecDeque<PageKey>,
    bytes: usize,
}

impl Default for ReadCache {
    fn default() -> ReadCache {
        ReadCache::new(MAX_PAGES, MAX_BYTES)
    }
}

impl ReadCache {
    /// An empty cache that keeps at most `max_pages` pages and `max_bytes`
    /// bytes of them.
    pub fn new(max_pages: usize, max_bytes: usize) -> ReadCache {
        ReadCache {
            pages: Mutex::new(Pages::default()),
            max_pages,
            max_bytes,
        }
    }

    /// The page, if it was read at `version`.
    pub fn get(&self, key: &PageKey, version: DataVersion) -> Option<Bytes> {
        match self.lock().by_key.get(key) {
            Some((kept, body)) if *kept == version => Some(body.clone()),
            _ => None,
        }
    }

    /// Keeps a page read at `version`, unless a page read at a later
    /// version is kept already (a slow read finishing after a fast one).
    pub fn put(&self, key: PageKey, version: DataVersion, body: Bytes) {
        if body.len() > self.max_bytes || self.max_pages == 0 {
            return;
        }
        let mut pages = self.lock();
        let size = body.len();
        match pages.by_key.get_mut(&key) {
            Some((kept, _)) if *kept > version => return,
            Some(entry) => {
                let replaced = std::mem::replace(entry, (version, body));
                pages.bytes = pages.bytes - replaced.1.len() + size;
            }
            None => {
                pages.by_key.insert(key.clone(), (version, body));
                pages.oldest_first.push_back(key);
                pages.bytes += size;
            }
        }
        while pages.by_key.len() > self.max_pages || pages.bytes > self.max_bytes {
            let Some(oldest) = pages.oldest_first.pop_front() else {
                break;
            };
            if let Some((_, forgotten)) = pages.by_key.remove(&oldest) {
                pages.bytes -= forgotten.len();
            }
        }
    }

    /// How many pages are kept.
    pub fn len(&self) -> usize {
        self.lock().by_key.len()
    }

    /// Whether no page is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A poisoned lock only means a request panicked while holding it; every
    /// change above leaves the pages consistent before anything can panic.
    fn lock(&self) -> MutexGuard<'_, Pages> {
        self.pages
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Sort;
    use clientele_core::Status;

    fn key(practice: u64, limit: u64) -> PageKey {
        PageKey {
            practice: PracticeId(practice),
            query: ListQuery {
                status: Status::Active,
                search: String::new(),
                sort: Sort::NameAscending,
                offset: 0,
                after: None,
                limit,
            },
        }
    }

    fn body(text: &str) -> Bytes {
        Bytes::copy_from_slice(text.as_bytes())
    }

    #[test]
    fn a_page_is_served_only_at_the_version_it_was_read_at() {
        let cache = ReadCache::default();
        cache.put(key(1, 100), DataVersion(7), body("seven"));
        assert_eq!(cache.get(&key(1, 100), DataVersion(7)), Some(body("seven")));
        assert_eq!(cache.get(&key(1, 100), DataVersion(8)), None);
        assert_eq!(
            cache.get(&key(2, 100), DataVersion(7)),
            None,
            "another practice"
        );
        assert_eq!(cache.get(&key(1, 10), DataVersion(7)), None, "another page");
    }

    #[test]
    fn a_later_version_replaces_a_page_and_an_earlier_one_does_not() {
        let cache = ReadCache::default();
        cache.put(key(1, 100), DataVersion(8), body("eight"));
        cache.put(key(1, 100), DataVersion(7), body("seven"));
        assert_eq!(cache.get(&key(1, 100), DataVersion(8)), Some(body("eight")));
        cache.put(key(1, 100), DataVersion(9), body("nine"));
        assert_eq!(cache.get(&key(1, 100), DataVersion(9)), Some(body("nine")));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn the_oldest_pages_are_forgotten_beyond_the_page_limit() {
        let cache = ReadCache::new(3, MAX_BYTES);
        for limit in 1..=5 {
            cache.put(key(1, limit), DataVersion(1), body("page"));
        }
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get(&key(1, 2), DataVersion(1)), None);
        assert_eq!(cache.get(&key(1, 5), DataVersion(1)), Some(body("page")));
    }

    #[test]
    fn the_oldest_pages_are_forgotten_beyond_the_byte_limit() {
        let cache = ReadCache::new(MAX_PAGES, 10);
        cache.put(key(1, 1), DataVersion(1), body("12345"));
        cache.put(key(1, 2), DataVersion(1), body("12345"));
        cache.put(key(1, 3), DataVersion(1), body("123"));
        assert_eq!(cache.get(&key(1, 1), DataVersion(1)), None);
        assert!(cache.get(&key(1, 3), DataVersion(1)).is_some());
        cache.put(key(1, 4), DataVersion(1), body("far more than ten bytes"));
        assert_eq!(
            cache.get(&key(1, 4), DataVersion(1)),
            None,
            "too big to keep"
        );
        assert_eq!(cache.len(), 2);
    }
}
