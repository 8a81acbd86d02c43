//! The live updates: `GET /api/events`, read with the browser's
//! `EventSource` (which reconnects by itself, sending `Last-Event-ID`, and
//! is opened again here when the browser gives up on it).
//! Screens never see it: the store follows it (see `store::live`), and
//! tests hand the store events through a fake [`super::Api`].

use super::HttpApi;
use clientele_core::wire::{CLIENT_CHANGED, ClientChanged, RESYNC};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// What the server says changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// A client is at a new version.
    ClientChanged(ClientChanged),
    /// Events may have been missed: read again what is shown.
    Resync,
}

/// Told each event as it arrives.
pub type OnLiveEvent = Rc<dyn Fn(LiveEvent)>;

/// An open stream of events; dropping it closes it.
pub struct LiveStream {
    close: Option<Box<dyn FnOnce()>>,
}

impl LiveStream {
    /// A stream that `close` closes.
    pub fn new(close: impl FnOnce() + 'static) -> LiveStream {
        LiveStream {
            close: Some(Box::new(close)),
        }
    }
}

impl Drop for LiveStream {
    fn drop(&mut self) {
        if let Some(close) = self.close.take() {
            close();
        }
    }
}

impl HttpApi {
    /// Opens `GET /api/events`, with the session cookie even when the API
    /// is on another origin (its CORS allows credentials).
    ///
    /// The stream closes when the page is hidden for another (`pagehide`)
    /// and opens again if the browser brings the page back from its
    /// back-forward cache (`pageshow`), followed by a resync for what was
    /// missed meanwhile. A cached page that kept its stream would hold one
    /// of the browser's six connections to the server: six such pages left
    /// the next page's requests waiting about a minute.
    ///
    /// The browser reconnects by itself after a dropped connection, but
    /// gives up for good when a reconnect is answered with anything but the
    /// stream (a proxy's 502 while an instance restarts, say). The stream
    /// is then opened again after a wait that grows ([`reopen_after`]),
    /// followed by a resync.
    pub(super) fn open_events(&self, on_event: OnLiveEvent) -> LiveStream {
        let Some(window) = web_sys::window() else {
            return LiveStream::new(|| {});
        };
        let live = Rc::new(Live {
            url: format!("{}/api/events", self.base),
            on_event,
            source: RefCell::new(None),
            failures: Cell::new(0),
        });
        live.open();
        if !live.is_open() {
            // No EventSource: the screens still work, only not live.
            return LiveStream::new(|| {});
        }
        let hide = {
            let live = Rc::clone(&live);
            Closure::<dyn Fn()>::new(move || live.close())
        };
        let show = {
            let live = Rc::clone(&live);
            Closure::<dyn Fn()>::new(move || {
                if !live.is_open() {
                    live.open();
                    (live.on_event)(LiveEvent::Resync);
                }
            })
        };
        let _ = window.add_event_listener_with_callback(PAGE_HIDE, hide.as_ref().unchecked_ref());
        let _ = window.add_event_listener_with_callback(PAGE_SHOW, show.as_ref().unchecked_ref());
        LiveStream::new(move || {
            let _ = window
                .remove_event_listener_with_callback(PAGE_HIDE, hide.as_ref().unchecked_ref());
            let _ = window
                .remove_event_listener_with_callback(PAGE_SHOW, show.as_ref().unchecked_ref());
            live.close();
        })
    }
}

const PAGE_HIDE: &str = "pagehide";
const PAGE_SHOW: &str = "pageshow";

/// How long to wait before opening the stream again after the browser gave
/// up on it for the `failures`-th time in a row: 2, 4, 8 and 16 seconds,
/// then 30.
pub fn reopen_after(failures: u32) -> Duration {
    Duration::from_secs((1u64 << failures.clamp(1, 5)).min(30))
}

/// The stream as the app holds it: its `EventSource` while open (none while
/// the page is hidden or once the stream is dropped), and what opens it.
struct Live {
    url: String,
    on_event: OnLiveEvent,
    source: RefCell<Option<Source>>,
    /// How many times in a row the browser gave up on the stream.
    failures: Cell<u32>,
}

impl Live {
    fn open(self: &Rc<Self>) {
        let source = Source::open(&self.url, &self.on_event, Rc::downgrade(self));
        *self.source.borrow_mut() = source;
    }

    fn close(&self) {
        drop(self.source.borrow_mut().take());
    }

    fn is_open(&self) -> bool {
        self.source.borrow().is_some()
    }

    /// The browser gave up on the stream: open it again after a while,
    /// unless it was closed, or opened afresh, meanwhile.
    fn gave_up(self: &Rc<Self>) {
        let failures = self.failures.get() + 1;
        self.failures.set(failures);
        let live = Rc::downgrade(self);
        leptos::prelude::set_timeout(
            move || {
                let Some(live) = live.upgrade() else { return };
                let given_up = live.source.borrow().as_ref().is_some_and(Source::is_closed);
                if given_up {
                    live.open();
                    (live.on_event)(LiveEvent::Resync);
                }
            },
            reopen_after(failures),
        );
    }
}

/// One `EventSource` and its listeners; dropping it closes it.
struct Source {
    source: web_sys::EventSource,
    _messages: [Closure<dyn Fn(web_sys::MessageEvent)>; 2],
    _states: [Closure<dyn Fn(web_sys::Event)>; 2],
}

impl Source {
    fn open(url: &str, on_event: &OnLiveEvent, live: Weak<Live>) -> Option<Source> {
        let init = web_sys::EventSourceInit::new();
        init.set_with_credentials(true);
        let source = web_sys::EventSource::new_with_event_source_init_dict(url, &init).ok()?;
        let changed = {
            let on_event = Rc::clone(on_event);
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let data = event.data().as_string().unwrap_or_default();
                match super::from_json::<ClientChanged>(&data) {
                    Ok(changed) => on_event(LiveEvent::ClientChanged(changed)),
                    // An event this app cannot read: read everything again.
                    Err(_) => on_event(LiveEvent::Resync),
                }
            })
        };
        let resync = {
            let on_event = Rc::clone(on_event);
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_| on_event(LiveEvent::Resync))
        };
        let opened = {
            let live = live.clone();
            Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
                if let Some(live) = live.upgrade() {
                    live.failures.set(0);
                }
            })
        };
        // An error while the browser reconnects by itself leaves the
        // source connecting; only one it gave up on is closed.
        let failed = {
            let watched = source.clone();
            Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
                if watched.ready_state() == web_sys::EventSource::CLOSED
                    && let Some(live) = live.upgrade()
                {
                    live.gave_up();
                }
            })
        };
        let _ = source
            .add_event_listener_with_callback(CLIENT_CHANGED, changed.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback(RESYNC, resync.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback("open", opened.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback("error", failed.as_ref().unchecked_ref());
        Some(Source {
            source,
            _messages: [changed, resync],
            _states: [opened, failed],
        })
    }

    fn is_closed(&self) -> bool {
        self.source.ready_state() == web_sys::EventSource::CLOSED
    }
}

impl Drop for Source {
    fn drop(&mut self) {
        self.source.close();
    }
}
