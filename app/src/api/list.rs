//! What the client list asks the server for: one view of it (a tab, a
//! search and a sort), a page at a time, and the same view exported.

use clientele_core::Status;

/// One view of the client list: its tab, search and sort, as the URL holds
/// them. A page of it is read with [`super::Api::clients`]; "Export CSV"
/// exports it whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// The tab.
    pub status: Status,
    /// The search, as typed.
    pub search: String,
    /// Most recently changed first, rather than by name.
    pub by_update: bool,
}

impl Default for ListQuery {
    /// The "Active clients" tab by name, as the list first opens.
    fn default() -> Self {
        ListQuery {
            status: Status::Active,
            search: String::new(),
            by_update: false,
        }
    }
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageFrom {
    /// After this many rows: to jump into the middle of the list.
    Offset(u64),
    /// After the row this cursor (a page's `next`) names: to read on from a
    /// page already read, at the cost of the first page however deep.
    After(String),
}

impl ListQuery {
    /// The query string the list and the export share, such as
    /// `status=active&q=acme&sort=name`.
    fn params(&self) -> String {
        let search = encode(self.search.trim());
        let sort = if self.by_update { "updated" } else { "name" };
        format!("status={}&q={search}&sort={sort}", self.status.as_str())
    }

    /// A page's path: `limit` rows from `from`.
    pub fn page_path(&self, from: &PageFrom, limit: u64) -> String {
        let start = match from {
            PageFrom::Offset(offset) => format!("offset={offset}"),
            PageFrom::After(cursor) => format!("after={}", encode(cursor)),
        };
        format!("/api/clients?{}&{start}&limit={limit}", self.params())
    }

    /// The export's path, such as
    /// `/api/clients/export?status=active&q=acme&sort=name`.
    pub fn export_path(&self) -> String {
        format!("/api/clients/export?{}", self.params())
    }
}

fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}
