//! The live updates: `GET /api/events`, read with the browser's
//! `EventSource` (which reconnects by itself, sending `Last-Event-ID`).
//! Screens never see it: the store follows it (see `store::live`), and
//! tests hand the store events through a fake [`super::Api`].

use super::HttpApi;
use clientele_core::wire::{CLIENT_CHANGED, ClientChanged, RESYNC};
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
    pub(super) fn open_events(&self, on_event: OnLiveEvent) -> LiveStream {
        let init = web_sys::EventSourceInit::new();
        init.set_with_credentials(true);
        let url = format!("{}/api/events", self.base);
        let Ok(source) = web_sys::EventSource::new_with_event_source_init_dict(&url, &init) else {
            // No EventSource: the screens still work, only not live.
            return LiveStream::new(|| {});
        };
        let changed = {
            let on_event = Rc::clone(&on_event);
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let data = event.data().as_string().unwrap_or_default();
                match super::from_json::<ClientChanged>(&data) {
                    Ok(changed) => on_event(LiveEvent::ClientChanged(changed)),
                    // An event this app cannot read: read everything again.
                    Err(_) => on_event(LiveEvent::Resync),
                }
            })
        };
        let resync = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_| {
            on_event(LiveEvent::Resync);
        });
        let _ = source
            .add_event_listener_with_callback(CLIENT_CHANGED, changed.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback(RESYNC, resync.as_ref().unchecked_ref());
        LiveStream::new(move || {
            source.close();
            // The listeners live as long as the stream.
            drop((changed, resync));
        })
    }
}
