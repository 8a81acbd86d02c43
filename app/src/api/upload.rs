//! Sending a file with XMLHttpRequest instead of fetch, because fetch
//! cannot yet report how much of a request body has gone up, and a receipt
//! photo on a slow line, or 10,000 clients in a CSV file, deserve a progress
//! bar. A document goes as `multipart/form-data` with one part named `file`;
//! an import goes as the raw CSV file. Like every other change it carries the
//! session cookie (`withCredentials`, for an API on another origin) and the
//! session's CSRF token.

use super::{ApiError, ApiFuture, OnProgress, Progress, from_json, parse, refused};
use clientele_core::wire::{DocumentView, ErrorBody, ImportResult};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, FormData, ProgressEvent, XmlHttpRequest};

/// POSTs `file` to `url` as a document, telling `on_progress` as it goes up.
pub(super) fn send(
    url: String,
    csrf_token: Option<String>,
    file: File,
    on_progress: OnProgress,
) -> ApiFuture<DocumentView> {
    Box::pin(async move {
        let request = InFlight::open(&url, csrf_token.as_deref(), on_progress).map_err(broken)?;
        let form = FormData::new().map_err(broken)?;
        form.append_with_blob_and_filename("file", &file, &file.name())
            .map_err(broken)?;
        let ended = request.ended();
        request
            .xhr
            .send_with_opt_form_data(Some(&form))
            .map_err(broken)?;
        let ended = JsFuture::from(ended).await;
        request.answer(ended.is_ok())
    })
}

/// POSTs `file` to `url` as the body, `text/csv`, telling `on_progress` as
/// it goes up.
pub(super) fn send_csv(
    url: String,
    csrf_token: Option<String>,
    file: File,
    on_progress: OnProgress,
) -> ApiFuture<ImportResult> {
    Box::pin(async move {
        let request = InFlight::open(&url, csrf_token.as_deref(), on_progress).map_err(broken)?;
        request
            .xhr
            .set_request_header("Content-Type", "text/csv")
            .map_err(broken)?;
        let ended = request.ended();
        request
            .xhr
            .send_with_opt_blob(Some(&file))
            .map_err(broken)?;
        let ended = JsFuture::from(ended).await;
        request.answer(ended.is_ok())
    })
}

/// One request on its way. Dropped before it ends (the screen that sent it
/// went away), it is aborted, so the progress callback is never called once
/// it is gone.
struct InFlight {
    xhr: XmlHttpRequest,
    _on_progress: Closure<dyn FnMut(ProgressEvent)>,
}

impl InFlight {
    fn open(url: &str, csrf_token: Option<&str>, on_progress: OnProgress) -> Result<Self, JsValue> {
        let xhr = XmlHttpRequest::new()?;
        xhr.open_with_async("POST", url, true)?;
        xhr.set_with_credentials(true);
        if let Some(token) = csrf_token {
            xhr.set_request_header("X-CSRF-Token", token)?;
        }
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
            if event.length_computable() {
                on_progress(Progress {
                    sent: event.loaded() as u64,
                    total: event.total() as u64,
                });
            }
        });
        xhr.upload()?
            .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        Ok(InFlight {
            xhr,
            _on_progress: on_progress,
        })
    }

    /// Settles when the request ends: fulfilled once an answer has arrived,
    /// rejected when none will (network error, abort, timeout).
    fn ended(&self) -> js_sys::Promise {
        js_sys::Promise::new(&mut |resolve, reject| {
            self.xhr.set_onload(Some(&resolve));
            self.xhr.set_onerror(Some(&reject));
            self.xhr.set_onabort(Some(&reject));
            self.xhr.set_ontimeout(Some(&reject));
        })
    }

    /// What the server made of the file, or why it made nothing.
    fn answer<T: DeserializeOwned>(&self, answered: bool) -> Result<T, ApiError> {
        let status = self.xhr.status().unwrap_or(0);
        if !answered || status == 0 {
            return Err(ApiError::Network("the upload got no answer".into()));
        }
        let body = self.xhr.response_text().ok().flatten().unwrap_or_default();
        if (200..300).contains(&status) {
            return parse(&body);
        }
        Err(refused(status, from_json::<ErrorBody>(&body).ok()))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Ok(upload) = self.xhr.upload() {
            upload.set_onprogress(None);
        }
        // Done is 4: nothing left to abort.
        if self.xhr.ready_state() != 4 {
            let _ = self.xhr.abort();
        }
    }
}

/// The browser refused to build or send the request.
fn broken(error: JsValue) -> ApiError {
    ApiError::Network(
        error
            .as_string()
            .or_else(|| {
                error
                    .dyn_ref::<js_sys::Error>()
                    .map(|error| error.message().into())
            })
            .unwrap_or_else(|| "the upload could not be sent".into()),
    )
}
