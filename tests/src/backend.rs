//! The server's API, used by tests to arrange a scene (pick a client, turn a
//! fault on) and to check what was really stored, which the UI alone cannot
//! prove.

use crate::Outcome;
use clientele_core::wire::{ClientPage, ClientSummary};
use clientele_core::{Client, Status};

/// An HTTP client for one test's server.
pub struct Backend {
    url: String,
    http: reqwest::Client,
}

/// A fault the server injects into the change endpoints.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// Work normally.
    None,
    /// Answer 500 without applying the change.
    Error,
    /// Close the connection without applying the change or answering.
    Drop,
    /// Apply the change, then close the connection without answering.
    DropAfterCommit,
    /// Wait this many milliseconds, then work normally.
    Delay(u64),
}

impl Backend {
    /// The API of the server at `url`.
    pub fn new(url: &str) -> Backend {
        Backend {
            url: url.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// The clients in one tab, by name.
    pub async fn clients(&self, status: Status) -> Outcome<Vec<ClientSummary>> {
        let page: ClientPage = self
            .http
            .get(format!("{}/api/clients", self.url))
            .query(&[("status", status.as_str()), ("sort", "name")])
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(page.items)
    }

    /// The whole client, as the server holds it now.
    pub async fn client(&self, id: clientele_core::ClientId) -> Outcome<Client> {
        Ok(self
            .http
            .get(format!("{}/api/clients/{id}", self.url))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    }

    /// A client in the given tab that has at least `min_businesses`
    /// businesses and `min_users` users, so a flow has something to show.
    pub async fn pick_client(
        &self,
        status: Status,
        min_businesses: usize,
        min_users: usize,
    ) -> Outcome<Client> {
        for summary in self.clients(status).await? {
            let client = self.client(summary.id).await?;
            if client.businesses.len() >= min_businesses && client.users.len() >= min_users {
                return Ok(client);
            }
        }
        Err(format!(
            "the demo data has no {} client with {min_businesses}+ businesses and {min_users}+ users",
            status.as_str()
        )
        .into())
    }

    /// Turns a fault on (or off, with [`Fault::None`]).
    pub async fn set_fault(&self, fault: Fault) -> Outcome {
        let body = match fault {
            Fault::None => serde_json::json!({ "mode": "none" }),
            Fault::Error => serde_json::json!({ "mode": "error" }),
            Fault::Drop => serde_json::json!({ "mode": "drop" }),
            Fault::DropAfterCommit => serde_json::json!({ "mode": "drop_after_commit" }),
            Fault::Delay(ms) => serde_json::json!({ "mode": "delay", "delay_ms": ms }),
        };
        self.http
            .put(format!("{}/api/_test/fault", self.url))
            .json(&body)
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }
}
