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
    /// Changes work normally; answers of client reads are held back this
    /// many milliseconds after they were read.
    DelayReads(u64),
}

/// The demo accounts, all with the password [`DEMO_PASSWORD`].
pub const ADMIN: &str = "admin@harperlowe.example";
/// The first practice's member of staff (not an admin).
pub const STAFF: &str = "staff@harperlowe.example";
/// The second practice's admin.
pub const OTHER_ADMIN: &str = "admin@northgate.example";
/// Every demo account's password.
pub const DEMO_PASSWORD: &str = "clientele-demo";

impl Backend {
    /// The API of the server at `url`, signed in as the first practice's
    /// admin.
    pub async fn new(url: &str) -> Outcome<Backend> {
        Backend::signed_in(url, ADMIN).await
    }

    /// The API of the server at `url`, signed in as `email`, sending the
    /// session's CSRF token with every request.
    pub async fn signed_in(url: &str, email: &str) -> Outcome<Backend> {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let signing_in = reqwest::Client::builder()
            .cookie_provider(std::sync::Arc::clone(&jar))
            .build()?;
        let session: serde_json::Value = signing_in
            .post(format!("{url}/api/session"))
            .json(&serde_json::json!({ "email": email, "password": DEMO_PASSWORD }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let token = session["csrf_token"]
            .as_str()
            .ok_or("the session has no csrf_token")?;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-csrf-token", token.parse()?);
        let http = reqwest::Client::builder()
            .cookie_provider(jar)
            .default_headers(headers)
            .build()?;
        Ok(Backend {
            url: url.to_owned(),
            http,
        })
    }

    /// The clients in one tab, by name.
    pub async fn clients(&self, status: Status) -> Outcome<Vec<ClientSummary>> {
        let page: ClientPage = self
            .http
            .get(format!("{}/api/clients", self.url))
            .query(&[
                ("status", status.as_str()),
                ("sort", "name"),
                ("limit", "10000"),
            ])
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

    /// Deactivates a client through the API, as someone else at the
    /// practice would, handing it to `new_owner`.
    pub async fn deactivate(&self, client: &Client, new_owner: clientele_core::UserId) -> Outcome {
        self.http
            .post(format!("{}/api/clients/{}/deactivate", self.url, client.id))
            .header(
                "idempotency-key",
                format!("e2e-deactivate-{}-{}", client.id, client.version),
            )
            .json(&serde_json::json!({
                "expected_version": client.version,
                "new_owner_id": new_owner,
            }))
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    /// Turns a fault on (or off, with [`Fault::None`]).
    pub async fn set_fault(&self, fault: Fault) -> Outcome {
        let body = match fault {
            Fault::None => serde_json::json!({ "mode": "none" }),
            Fault::Error => serde_json::json!({ "mode": "error" }),
            Fault::Drop => serde_json::json!({ "mode": "drop" }),
            Fault::DropAfterCommit => serde_json::json!({ "mode": "drop_after_commit" }),
            Fault::Delay(ms) => serde_json::json!({ "mode": "delay", "delay_ms": ms }),
            Fault::DelayReads(ms) => serde_json::json!({ "mode": "delay_reads", "delay_ms": ms }),
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
