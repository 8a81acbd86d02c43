//! The live updates: `GET /api/events`, read with the browser's
//! `EventSource` (which reconnects by itself, sending `Last-Event-ID`).
//! Screens never see it: the store follows it (see `store::live`), and
//! tests hand the store events through a fake [`super::Api`].

use super::HttpApi;
use clientele_core::wire::{CLIENT_CHANGED, ClientChanged, RESYNC};
use std::cell::RefCell;
use std::rc::Rc;
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
    pub(super) fn open_events(&self, on_event: OnLiveEvent) -> LiveStream {
        let url = format!("{}/api/events", self.base);
        let (Some(window), Some(open)) = (web_sys::window(), Source::open(&url, &on_event)) else {
            // No EventSource: the screens still work, only not live.
            return LiveStream::new(|| {});
        };
        let source = Rc::new(RefCell::new(Some(open)));
        let hide = {
            let source = Rc::clone(&source);
            Closure::<dyn Fn()>::new(move || drop(source.borrow_mut().take()))
        };
        let show = {
            let source = Rc::clone(&source);
            Closure::<dyn Fn()>::new(move || {
                let mut held = source.borrow_mut();
                if held.is_none() {
                    *held = Source::open(&url, &on_event);
                    drop(held);
                    on_event(LiveEvent::Resync);
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
            drop(source.borrow_mut().take());
        })
    }
}

const PAGE_HIDE: &str = "pagehide";
const PAGE_SHOW: &str = "pageshow";

/// One `EventSource` and its listeners; dropping it closes it.
struct Source {
    source: web_sys::EventSource,
    _listeners: [Closure<dyn Fn(web_sys::MessageEvent)>; 2],
}

impl Source {
    fn open(url: &str, on_event: &OnLiveEvent) -> Option<Source> {
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
        let _ = source
            .add_event_listener_with_callback(CLIENT_CHANGED, changed.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback(RESYNC, resync.as_ref().unchecked_ref());
        Some(Source {
            source,
            _listeners: [changed, resync],
        })
    }
}

impl Drop for Source {
    fn drop(&mut self) {
        self.source.close();
    }
}
