//! What the store knows the server holds: the newest version of each
//! client and list row that any answer brought. Nothing here is ever
//! replaced by an older version.

use clientele_core::wire::ClientSummary;
use clientele_core::{Client, ClientId};
use std::collections::HashMap;

/// What the server is known to hold: the newest of everything it sent.
#[derive(Default)]
pub(super) struct Known {
    pub(super) clients: HashMap<ClientId, Client>,
    pub(super) rows: HashMap<ClientId, ClientSummary>,
    /// Row ids in the order the list first brought them.
    pub(super) order: Vec<ClientId>,
}

impl Known {
    /// Keeps `client` unless a newer version is held.
    pub(super) fn learn_client(&mut self, client: &Client) {
        if self
            .clients
            .get(&client.id)
            .is_none_or(|held| held.version <= client.version)
        {
            self.clients.insert(client.id, client.clone());
        }
        if let Some(row) = self.rows.get_mut(&client.id)
            && row.version <= client.version
        {
            *row = row.refreshed(client);
        }
    }

    /// Keeps a listed row unless a newer version is held, as a row or as the
    /// whole client.
    pub(super) fn learn_row(&mut self, listed: ClientSummary) {
        let row = match self.clients.get(&listed.id) {
            Some(client) if client.version > listed.version => listed.refreshed(client),
            _ => listed,
        };
        match self.rows.get(&row.id) {
            Some(held) if held.version > row.version => {}
            Some(_) => {
                self.rows.insert(row.id, row);
            }
            None => {
                self.order.push(row.id);
                self.rows.insert(row.id, row);
            }
        }
    }
}

/// A list row for a client no list page has brought (one just stored, or
/// on a page not held): with no time from the server, since a row's time
/// comes from the list.
pub(super) fn row_of(client: &Client) -> ClientSummary {
    ClientSummary::of(client, String::new())
}
