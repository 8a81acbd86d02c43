//! `GET /api/events`: the live updates of the signed-in person's practice,
//! as Server-Sent Events (see docs/api.md). Which changes a person hears of
//! is `core`'s [`follows_changes_of`]; where a reconnect takes up is the
//! [`Hub`](crate::events::Hub)'s.

use crate::auth::Caller;
use crate::error::AppError;
use crate::events::{Change, Delivered, Events, Resume};
use crate::state::AppState;
use crate::store::SessionKey;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use clientele_core::identity::session_is_live;
use clientele_core::permissions::follows_changes_of;
use clientele_core::wire::{CLIENT_CHANGED, ClientChanged, ErrorBody, READY, RESYNC};
use clientele_core::{Client, Principal};
use futures_util::Stream;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

/// How often an open stream sends a keep-alive comment, so proxies keep it.
const KEEP_ALIVE_EVERY: Duration = Duration::from_secs(15);
/// How often an open stream checks that its session is still live: a
/// stream ends soon after its person signs out, is removed, or times out.
const SESSION_CHECK_EVERY: Duration = Duration::from_secs(30);

/// Publishes that `client` changed, once its change is committed.
pub async fn publish(state: &AppState, caller: &Caller, client: &Client) {
    state
        .events
        .publish(Change {
            practice: caller.practice(),
            client_id: client.id,
            version: client.version,
            actor: caller.user.name.clone(),
        })
        .await;
}

/// `GET /api/events`.
#[utoipa::path(get, path = "/api/events", tag = "events",
    params(("Last-Event-ID" = Option<String>, Header, description = "The id of the last event received, when reconnecting: the events since are replayed, or `resync` is sent")),
    responses(
        (status = 200, description = "A never-ending stream of Server-Sent Events: `client_changed` (data: ClientChanged), `resync` and `ready`, with `: keep-alive` comments every 15 s. See docs/api.md.",
            content_type = "text/event-stream", body = ClientChanged),
        (status = 401, description = "No live session (`unauthenticated`)", body = ErrorBody)
    ),
    security(("session" = [])))]
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let last_event_id = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.trim().is_empty());
    let subscription = state.events.hub().subscribe(last_event_id);
    let events = state.events.clone();
    let mut preface = VecDeque::new();
    let sent_up_to = subscription.latest;
    match subscription.resume {
        Resume::Fresh => {}
        Resume::Replay(missed) => {
            for (number, change) in missed {
                if follows_changes_of(&caller.principal, change.practice, change.client_id) {
                    preface.push_back(client_changed(&events, number, &change));
                }
            }
        }
        Resume::Resync => preface.push_back(resync(&events, sent_up_to)),
    }
    preface.push_back(
        Event::default()
            .event(READY)
            .id(events.hub().event_id(sent_up_to))
            .data("{}"),
    );
    let live = Live {
        closing: state.events.hub().closing(),
        state,
        events,
        principal: caller.principal,
        key: caller.key,
        preface,
        receiver: subscription.receiver,
        session_check: tokio::time::interval_at(
            tokio::time::Instant::now() + SESSION_CHECK_EVERY,
            SESSION_CHECK_EVERY,
        ),
        sent_up_to,
    };
    let stream = futures_util::stream::unfold(live, |mut live| async move {
        let event = live.next().await?;
        Some((Ok(event), live))
    });
    Ok(Sse::new(stream).keep_alive(
        KeepAlive::new()
            .interval(KEEP_ALIVE_EVERY)
            .text("keep-alive"),
    ))
}

/// One open stream.
struct Live {
    state: AppState,
    events: Events,
    principal: Principal,
    key: SessionKey,
    /// What is sent before the live events: the replay or `resync`, then
    /// `ready`.
    preface: VecDeque<Event>,
    receiver: broadcast::Receiver<Delivered>,
    closing: tokio::sync::watch::Receiver<bool>,
    session_check: tokio::time::Interval,
    /// The number of the last event id sent, so ids only grow.
    sent_up_to: u64,
}

impl Live {
    /// The next event to send, or `None` when the stream ends (its session
    /// did, or the server is stopping).
    async fn next(&mut self) -> Option<Event> {
        if let Some(event) = self.preface.pop_front() {
            return Some(event);
        }
        loop {
            let woke = tokio::select! {
                received = self.receiver.recv() => Woke::Received(received),
                _ = self.closing.wait_for(|closing| *closing) => Woke::Closing,
                _ = self.session_check.tick() => Woke::SessionCheck,
            };
            match woke {
                Woke::Received(Ok(Delivered::Change(number, change))) => {
                    if number > self.sent_up_to
                        && follows_changes_of(&self.principal, change.practice, change.client_id)
                    {
                        self.sent_up_to = number;
                        return Some(client_changed(&self.events, number, &change));
                    }
                }
                Woke::Received(Ok(Delivered::Lost(number))) => {
                    self.sent_up_to = self.sent_up_to.max(number);
                    return Some(resync(&self.events, self.sent_up_to));
                }
                // This stream fell behind and the broadcast dropped events
                // for it: the app must read again.
                Woke::Received(Err(RecvError::Lagged(_))) => {
                    self.sent_up_to = self.sent_up_to.max(self.events.hub().latest());
                    return Some(resync(&self.events, self.sent_up_to));
                }
                Woke::Received(Err(RecvError::Closed)) | Woke::Closing => return None,
                Woke::SessionCheck => {
                    if !self.session_is_live().await {
                        return None;
                    }
                }
            }
        }
    }

    async fn session_is_live(&self) -> bool {
        let key = self.key;
        let now = self.state.clock.now();
        match self.state.blocking(move |store| store.session(key)).await {
            Ok(Some(record)) => session_is_live(record.created_at, record.last_seen_at, now),
            Ok(None) => false,
            // A database that does not answer ends no stream.
            Err(_) => true,
        }
    }
}

/// What woke a waiting stream.
enum Woke {
    Received(Result<Delivered, RecvError>),
    Closing,
    SessionCheck,
}

fn client_changed(events: &Events, number: u64, change: &Change) -> Event {
    let data = ClientChanged {
        client_id: change.client_id,
        version: change.version,
        actor: change.actor.clone(),
    };
    Event::default()
        .event(CLIENT_CHANGED)
        .id(events.hub().event_id(number))
        .json_data(&data)
        .unwrap_or_else(|_| Event::default().event(RESYNC).data("{}"))
}

fn resync(events: &Events, number: u64) -> Event {
    Event::default()
        .event(RESYNC)
        .id(events.hub().event_id(number))
        .data("{}")
}
