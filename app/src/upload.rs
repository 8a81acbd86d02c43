//! "Add documents": files chosen in the file picker, or dropped onto a
//! business, each sent on its own with a progress bar naming it. A file that
//! cannot become a document says why and leaves the others going: too large
//! or empty is known here before anything is sent (in `core`'s words); "not a
//! receipt type" only the server can tell, from the file's first bytes.

use crate::api::{DocumentScope, Progress};
use crate::store::Store;
use clientele_core::documents::{FileRefusal, MAX_DOCUMENT_BYTES};
use clientele_core::wire::DocumentView;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::{File, FileList, HtmlInputElement};

/// What the file picker offers first; anything else may still be chosen, and
/// the server has the last word.
const RECEIPT_TYPES: &str = ".pdf,.png,.jpg,.jpeg,.heic,.heif,.tif,.tiff,application/pdf,\
                             image/png,image/jpeg,image/heic,image/heif,image/tiff";

/// Where one file's upload stands. A finished one leaves the list: it is a
/// document now.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    /// Going up.
    Sending(Progress),
    /// Not added, and why.
    Refused(String),
}

/// One file being added.
#[derive(Clone)]
struct UploadRow {
    id: u64,
    file_name: String,
    stage: RwSignal<Stage>,
}

/// The uploads to one business, shared by its picker, its drop zone and its
/// progress list. Each finished one joins `added`, newest first.
#[derive(Clone, Copy)]
pub struct Uploads {
    scope: DocumentScope,
    store: Store,
    rows: RwSignal<Vec<UploadRow>>,
    next_id: StoredValue<u64>,
    added: RwSignal<Vec<DocumentView>>,
}

impl Uploads {
    /// No uploads yet to `scope`'s business.
    pub fn new(store: Store, scope: DocumentScope, added: RwSignal<Vec<DocumentView>>) -> Uploads {
        Uploads {
            scope,
            store,
            rows: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
            added,
        }
    }

    /// Sends each of `files` in a request of its own, all at once.
    pub fn start(&self, files: Vec<File>) {
        for file in files {
            self.start_one(file);
        }
    }

    fn start_one(&self, file: File) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let refusal = refused_before_sending(&file);
        let stage = RwSignal::new(match refusal {
            Some(refusal) => Stage::Refused(refusal.to_string()),
            None => Stage::Sending(Progress {
                sent: 0,
                total: file.size() as u64,
            }),
        });
        self.rows.update(|rows| {
            rows.push(UploadRow {
                id,
                file_name: file.name(),
                stage,
            })
        });
        if refusal.is_some() {
            return;
        }
        let uploads = *self;
        let api = self.store.api();
        // The screen may be gone by the time the answer comes (a closed
        // dialog): hence `try_`, which does nothing to disposed signals.
        let on_progress = Box::new(move |progress| {
            stage.try_set(Stage::Sending(progress));
        });
        spawn_local(async move {
            match api.upload(uploads.scope, file, on_progress).await {
                Ok(document) => {
                    uploads.forget(id);
                    uploads.added.try_update(|added| added.insert(0, document));
                }
                Err(error) => {
                    stage.try_set(Stage::Refused(error.message()));
                }
            }
        });
    }

    /// Takes a finished or dismissed upload off the list.
    fn forget(&self, id: u64) {
        self.rows.try_update(|rows| rows.retain(|row| row.id != id));
    }
}

/// Why `file` cannot be a document, when that shows without sending it.
fn refused_before_sending(file: &File) -> Option<FileRefusal> {
    let size = file.size();
    if size > MAX_DOCUMENT_BYTES as f64 {
        Some(FileRefusal::TooLarge)
    } else if size == 0.0 {
        Some(FileRefusal::Empty)
    } else {
        None
    }
}

fn files_in(list: Option<FileList>) -> Vec<File> {
    list.map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default()
}

/// The "Add documents" control: a real file input, reached with Tab and
/// opened with Enter or Space, whose label looks like a button.
#[component]
pub fn AddDocuments(
    uploads: Uploads,
    /// The business's name, for screen readers when several are on the page.
    business_name: Option<String>,
) -> impl IntoView {
    let input_id = format!("add-documents-{}", uploads.scope.business());
    let chosen = move |event: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&event);
        uploads.start(files_in(input.files()));
        // So that choosing the same file again is a change too.
        input.set_value("");
    };
    view! {
        <div class="add-documents">
            <input type="file" multiple id=input_id.clone() class="file-input" accept=RECEIPT_TYPES on:change=chosen />
            <label for=input_id class="button primary">
                "Add documents"
                {business_name.map(|name| view! { <span class="visually-hidden">{format!(" to {name}")}</span> })}
            </label>
            <span class="muted">"PDF, PNG, JPEG, HEIC or TIFF, up to 20 MiB each. You can also drop files here."</span>
        </div>
    }
}

/// The files on their way, each with its progress bar, or why it was not
/// added. Announced politely as rows come and go.
#[component]
pub fn UploadList(uploads: Uploads) -> impl IntoView {
    view! {
        <ul class="uploads" aria-live="polite">
            <For each=move || uploads.rows.get() key=|row| row.id let:row>
                <UploadItem uploads=uploads row=row />
            </For>
        </ul>
    }
}

/// One file: its name and progress, or its refusal with "Dismiss".
#[component]
fn UploadItem(uploads: Uploads, row: UploadRow) -> impl IntoView {
    let stage = row.stage;
    let refusal = Memo::new(move |_| match stage.get() {
        Stage::Refused(message) => Some(message),
        Stage::Sending(_) => None,
    });
    let progress = move || match stage.get() {
        Stage::Sending(progress) => progress,
        Stage::Refused(_) => Progress { sent: 0, total: 1 },
    };
    let name = row.file_name.clone();
    let id = row.id;
    view! {
        <li class="upload" class:refused=move || refusal.with(Option::is_some)>
            <span class="document-name">{row.file_name.clone()}</span>
            {move || match refusal.get() {
                None => view! {
                    <progress
                        max=move || progress().total.max(1).to_string()
                        value=move || progress().sent.to_string()
                        aria-label=format!("Uploading {name}")
                    ></progress>
                    <span class="muted" aria-hidden="true">{move || percent(progress())}</span>
                }.into_any(),
                Some(message) => view! {
                    <span class="upload-error">{format!("Not added. {message}")}</span>
                    <button
                        type="button"
                        class="button link"
                        aria-label=format!("Dismiss {name}")
                        on:click=move |_| uploads.forget(id)
                    >
                        "Dismiss"
                    </button>
                }.into_any(),
            }}
        </li>
    }
}

fn percent(progress: Progress) -> String {
    let done = progress.sent.min(progress.total) * 100 / progress.total.max(1);
    format!("{done}%")
}

/// Takes files dropped onto `children` (a business) as uploads; shows that
/// it will while files are dragged over it. The file picker does the same
/// for the keyboard, so this is only a shortcut.
#[component]
pub fn DropZone(uploads: Option<Uploads>, children: Children) -> impl IntoView {
    // Entering a child leaves the parent: count, rather than flip a flag.
    let over = RwSignal::new(0_i32);
    let dragging = move |event: &leptos::ev::DragEvent| uploads.is_some() && carries_files(event);
    let enter = move |event: leptos::ev::DragEvent| {
        if dragging(&event) {
            over.update(|n| *n += 1);
        }
    };
    let hover = move |event: leptos::ev::DragEvent| {
        if dragging(&event) {
            event.prevent_default();
        }
    };
    if uploads.is_some() {
        keep_stray_drops_on_the_page();
    }
    let drop = move |event: leptos::ev::DragEvent| {
        over.set(0);
        if let Some(uploads) = uploads {
            event.prevent_default();
            uploads.start(files_in(
                event.data_transfer().and_then(|transfer| transfer.files()),
            ));
        }
    };
    view! {
        <div
            class="drop-zone"
            class:dragging-over=move || { over.get() > 0 }
            on:dragenter=enter
            on:dragleave=move |_| over.update(|n| *n = (*n - 1).max(0))
            on:dragover=hover
            on:drop=drop
        >
            {children()}
        </div>
    }
}

/// A file dropped just beside a drop zone would otherwise make the browser
/// open it in place of the app, and the uploads under way with it. While a
/// drop zone is on the page, the page itself takes such drops and does
/// nothing with them.
fn keep_stray_drops_on_the_page() {
    let refuse = move |event: leptos::ev::DragEvent| {
        if carries_files(&event) {
            event.prevent_default();
        }
    };
    let over = window_event_listener(leptos::ev::dragover, refuse);
    let drop = window_event_listener(leptos::ev::drop, refuse);
    on_cleanup(move || {
        over.remove();
        drop.remove();
    });
}

/// Whether what is dragged is files (not text or a link).
fn carries_files(event: &leptos::ev::DragEvent) -> bool {
    event
        .data_transfer()
        .is_some_and(|transfer| transfer.types().includes(&"Files".into(), 0))
}
