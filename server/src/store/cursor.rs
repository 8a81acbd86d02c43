//! Where a page of the client list starts: just after the last row of the
//! page before it, named by that row's sort key and id (keyset paging).
//! Unlike an offset, a cursor costs the same on page 900 as on page 1, and
//! a client added or moved meanwhile never makes a row appear twice or not
//! at all. On the wire it is an opaque string the list itself hands out in
//! `next`.

use super::Sort;
use clientele_core::ClientId;

/// The last row of the page before, by the list's order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cursor {
    /// By name: the row's folded name (`core::search::sort_key`) and id.
    Name {
        /// The folded name.
        key: String,
        /// The id, which breaks ties.
        id: ClientId,
    },
    /// By last change: when the row last changed (ms) and its id.
    Updated {
        /// When, in milliseconds since 1970.
        at: i64,
        /// The id, which breaks ties.
        id: ClientId,
    },
}

impl Cursor {
    /// The wire form, for a list in `sort`'s order: the sort's own name
    /// (`name`, `-name`, `updated` or `-updated`), then `.<the key's UTF-8
    /// in hex>.<id>` or `.<ms>.<id>`, so any name travels safely in a URL
    /// and a cursor is only ever read for the order it was made in.
    pub fn encode(&self, sort: Sort) -> String {
        let order = order_name(sort);
        match self {
            Cursor::Name { key, id } => {
                let hex: String = key.bytes().map(|byte| format!("{byte:02x}")).collect();
                format!("{order}.{hex}.{}", id.0)
            }
            Cursor::Updated { at, id } => format!("{order}.{at}.{}", id.0),
        }
    }

    /// Reads a cursor handed out for a list in `sort`'s order; `None` for
    /// anything else, including a cursor of another order or direction.
    pub fn parse(text: &str, sort: Sort) -> Option<Cursor> {
        let mut parts = text.splitn(3, '.');
        let (order, key, id) = (parts.next()?, parts.next()?, parts.next()?);
        if order != order_name(sort) {
            return None;
        }
        let id = ClientId(id.parse().ok().filter(|id| *id > 0)?);
        match sort {
            Sort::NameAscending | Sort::NameDescending => {
                if key.len() % 2 != 0 {
                    return None;
                }
                let bytes = (0..key.len())
                    .step_by(2)
                    .map(|at| u8::from_str_radix(key.get(at..at + 2)?, 16).ok())
                    .collect::<Option<Vec<u8>>>()?;
                Some(Cursor::Name {
                    key: String::from_utf8(bytes).ok()?,
                    id,
                })
            }
            Sort::RecentlyUpdated | Sort::LeastRecentlyUpdated => Some(Cursor::Updated {
                at: key.parse().ok()?,
                id,
            }),
        }
    }
}

/// How a cursor names the order it belongs to: as the list's `sort`.
fn order_name(sort: Sort) -> &'static str {
    match sort {
        Sort::NameAscending => "name",
        Sort::NameDescending => "-name",
        Sort::RecentlyUpdated => "updated",
        Sort::LeastRecentlyUpdated => "-updated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_it_was_written_whatever_the_name() {
        for cursor in [
            Cursor::Name {
                key: "école 🦀 .n.5".into(),
                id: ClientId(42),
            },
            Cursor::Name {
                key: String::new(),
                id: ClientId(1),
            },
        ] {
            assert_eq!(
                Cursor::parse(&cursor.encode(Sort::NameDescending), Sort::NameDescending),
                Some(cursor)
            );
        }
        let updated = Cursor::Updated {
            at: 1_700_000_000_000,
            id: ClientId(7),
        };
        assert_eq!(
            Cursor::parse(
                &updated.encode(Sort::RecentlyUpdated),
                Sort::RecentlyUpdated
            ),
            Some(updated)
        );
    }

    #[test]
    fn a_cursor_of_another_order_or_mangled_is_refused() {
        let by_name = Cursor::Name {
            key: "acme".into(),
            id: ClientId(3),
        }
        .encode(Sort::NameAscending);
        assert_eq!(Cursor::parse(&by_name, Sort::RecentlyUpdated), None);
        // Nor of the same key the other way round.
        assert_eq!(Cursor::parse(&by_name, Sort::NameDescending), None);
        assert!(Cursor::parse(&by_name, Sort::NameAscending).is_some());
        for mangled in [
            "",
            "name",
            "name.61",
            "name.6.3",
            "name.zz.3",
            "name.61.0",
            "name.61.x",
            "updated.x.3",
            "x.1.1",
            "name.ff.3",
            "n.61.3",
        ] {
            assert_eq!(
                Cursor::parse(mangled, Sort::NameAscending),
                None,
                "{mangled}"
            );
            assert_eq!(
                Cursor::parse(mangled, Sort::RecentlyUpdated),
                None,
                "{mangled}"
            );
        }
    }
}
