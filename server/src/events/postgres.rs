//! The bus of several instances on one PostgreSQL database: a change is
//! published with `pg_notify` on [`CHANNEL`], and each instance keeps one
//! connection that `LISTEN`s there and hands what it hears to its own
//! [`Hub`]. The publishing instance hears its own changes the same way, so
//! every instance's streams see them in one path.
//!
//! Notifications are not kept by PostgreSQL: when the listening connection
//! breaks, the hub tells every stream to resync, and the bus connects again.

use super::{Change, EventBus, Hub};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use futures_util::future::BoxFuture;
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::{AsyncMessage, NoTls};

/// The notification channel. PostgreSQL's channels are per database, so
/// instances of another database never hear these.
pub const CHANNEL: &str = "clientele_changes";

/// How long the listener waits before connecting again.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// Publishes with `pg_notify`; a task of its own listens.
pub struct PostgresBus {
    publishers: Pool,
}

impl PostgresBus {
    /// Connects the publishing pool and the listener, and returns once the
    /// listener is listening.
    pub async fn start(url: &str, hub: Arc<Hub>) -> Result<PostgresBus, String> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|error| format!("invalid database URL: {error}"))?;
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let publishers = Pool::builder(manager)
            .max_size(4)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|error| format!("cannot make the event pool: {error}"))?;
        let listening = listen(&config, Arc::clone(&hub))
            .await
            .map_err(|error| format!("cannot listen for changes: {error}"))?;
        tokio::spawn(keep_listening(config, hub, listening));
        Ok(PostgresBus { publishers })
    }

    /// One statement for all of `changes`: PostgreSQL delivers the
    /// notifications of one transaction in the order they were sent.
    async fn notify(&self, changes: &[Change]) -> Result<(), String> {
        let payloads = changes
            .iter()
            .map(serde_json::to_string)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| error.to_string())?;
        let connection = self
            .publishers
            .get()
            .await
            .map_err(|error| error.to_string())?;
        connection
            .execute(
                "SELECT pg_notify($1, payload) \
                 FROM unnest($2::text[]) WITH ORDINALITY AS sent (payload, n) ORDER BY n",
                &[&CHANNEL, &payloads],
            )
            .await
            .map_err(|error| error.to_string())?;
        Ok(())
    }
}

impl EventBus for PostgresBus {
    fn publish(&self, change: Change) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if let Err(error) = self.notify(std::slice::from_ref(&change)).await {
                tracing::warn!(%error, client_id = %change.client_id, "could not publish a change");
            }
        })
    }

    fn publish_all(&self, changes: Vec<Change>) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if let Err(error) = self.notify(&changes).await {
                tracing::warn!(%error, changes = changes.len(), "could not publish changes");
            }
        })
    }
}

/// Connects, starts driving the connection (which hands notifications to
/// the hub), and `LISTEN`s. The task ends when the connection does; the
/// client must be kept until then, or the connection closes.
async fn listen(
    config: &tokio_postgres::Config,
    hub: Arc<Hub>,
) -> Result<Listening, tokio_postgres::Error> {
    let (client, mut connection) = config.connect(NoTls).await?;
    let driver = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(notification))) => {
                    match serde_json::from_str::<Change>(notification.payload()) {
                        Ok(change) => hub.deliver(change),
                        Err(error) => tracing::warn!(%error, "an unreadable change notification"),
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => {
                    tracing::warn!(%error, "the change listener's connection failed");
                    break;
                }
                None => break,
            }
        }
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    Ok(Listening {
        _client: client,
        driver,
    })
}

/// A listening connection: its client, and the task that drives it.
struct Listening {
    _client: tokio_postgres::Client,
    driver: tokio::task::JoinHandle<()>,
}

/// Listens for as long as the process runs: when the connection ends, the
/// streams are told to resync and the listener connects again.
async fn keep_listening(config: tokio_postgres::Config, hub: Arc<Hub>, mut listening: Listening) {
    loop {
        let _ = (&mut listening.driver).await;
        hub.lost_events();
        loop {
            tokio::time::sleep(RECONNECT_AFTER).await;
            match listen(&config, Arc::clone(&hub)).await {
                Ok(again) => {
                    listening = again;
                    // What was published while away is lost: say so again.
                    hub.lost_events();
                    break;
                }
                Err(error) => tracing::warn!(%error, "cannot listen for changes yet"),
            }
        }
    }
}
