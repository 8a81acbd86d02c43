//! "Import clients" from a CSV file (practice admins only): the file is
//! checked by the server first, which answers what would be created and
//! which rows are wrong and why; only a file without problems can be
//! imported, all or nothing, with a progress bar while it goes up.

use crate::api::Progress;
use crate::dialog::Dialog;
use crate::session::Auth;
use crate::store::Store;
use clientele_core::Action;
use clientele_core::wire::{ImportPreview, ImportRow, rows_wrong};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::{File, HtmlInputElement};

/// The largest file the server takes: 5 MiB.
const MAX_IMPORT_BYTES: f64 = 5.0 * 1024.0 * 1024.0;
/// Rows of a preview shown in its table; the rest are counted.
const PREVIEW_ROWS: usize = 100;

/// Where an import stands.
#[derive(Clone)]
enum Stage {
    Choosing,
    Checking,
    Refused(String),
    Previewed(ImportPreview),
    Sending(Progress),
    Saving,
    Imported(usize),
}

/// "Import clients", for those who may import.
#[component]
pub fn ImportClientsButton() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let open = RwSignal::new(false);
    auth.may(Action::ImportClients).then(|| {
        view! {
            <button type="button" class="button secondary" on:click=move |_| open.set(true)>
                "Import clients"
            </button>
            {move || open.get().then(|| view! {
                <ImportDialog on_close=Callback::new(move |()| open.set(false)) />
            })}
        }
    })
}

fn plural(count: usize) -> String {
    format!("{count} client{}", if count == 1 { "" } else { "s" })
}

/// The dialog: choose a file, see its preview, import it.
#[component]
fn ImportDialog(on_close: Callback<()>) -> impl IntoView {
    let store = expect_context::<Store>();
    let stage = RwSignal::new(Stage::Choosing);
    let file = StoredValue::new_local(None::<File>);
    let busy = move || {
        matches!(
            stage.get_untracked(),
            Stage::Checking | Stage::Sending(_) | Stage::Saving
        )
    };
    let close = Callback::new(move |()| {
        if !busy() {
            on_close.run(());
        }
    });
    let chosen = move |event: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&event);
        let Some(chosen) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        if chosen.size() > MAX_IMPORT_BYTES {
            stage.set(Stage::Refused(format!(
                "{} is larger than 5 MiB, the most one import takes. Split it into smaller files.",
                chosen.name()
            )));
            return;
        }
        file.set_value(Some(chosen.clone()));
        stage.set(Stage::Checking);
        let api = store.api();
        spawn_local(async move {
            let answer = api.preview_import(chosen).await;
            stage.try_set(match answer {
                Ok(preview) => Stage::Previewed(preview),
                Err(error) => Stage::Refused(error.message()),
            });
        });
    };
    let import = move |_| {
        let Some(chosen) = file.get_value() else {
            return;
        };
        stage.set(Stage::Sending(Progress {
            sent: 0,
            total: chosen.size() as u64,
        }));
        let on_progress = Box::new(move |progress: Progress| {
            stage.try_set(if progress.sent >= progress.total {
                Stage::Saving
            } else {
                Stage::Sending(progress)
            });
        });
        let api = store.api();
        spawn_local(async move {
            let answer = api.import_clients(chosen, on_progress).await;
            // The list and its counts show the new clients, or, after a
            // failure, whatever the server holds.
            store.load_list();
            stage.try_set(match answer {
                Ok(result) => Stage::Imported(result.created.len()),
                Err(error) => Stage::Refused(format!("Nothing was imported. {}", error.message())),
            });
        });
    };
    view! {
        <Dialog title_id="import-title" on_close=close>
            <h2 id="import-title">"Import clients"</h2>
            <p class="muted">
                "A CSV file with the columns name, code, business, user_name and user_email, \
                 one client a row, up to 5 MiB. Nothing is created until you have seen the preview."
            </p>
            <div class="field">
                <label for="import-file">"CSV file"</label>
                <input id="import-file" type="file" accept=".csv,text/csv" disabled=move || matches!(stage.get(), Stage::Checking | Stage::Sending(_) | Stage::Saving) on:change=chosen />
            </div>
            <div aria-live="polite">
                {move || stage_view(stage.get(), import)}
            </div>
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| close.run(())>
                    {move || if matches!(stage.get(), Stage::Imported(_)) { "Done" } else { "Cancel" }}
                </button>
            </div>
        </Dialog>
    }
}

/// What the dialog shows under the file picker.
fn stage_view(stage: Stage, import: impl Fn(leptos::ev::MouseEvent) + 'static) -> AnyView {
    match stage {
        Stage::Choosing => ().into_any(),
        Stage::Checking => view! { <p class="state">"Checking the file…"</p> }.into_any(),
        Stage::Refused(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
        Stage::Previewed(preview) => {
            let count = preview.clients.len();
            let blocked = !preview.problems.is_empty() || count == 0;
            view! {
                <Preview preview=preview />
                <button type="button" class="button primary" disabled=blocked on:click=import>
                    {format!("Import {}", plural(count))}
                </button>
            }
            .into_any()
        }
        Stage::Sending(progress) => view! {
            <progress max=progress.total.max(1).to_string() value=progress.sent.to_string() aria-label="Importing clients"></progress>
            <p class="muted">"Sending the file…"</p>
        }
        .into_any(),
        Stage::Saving => view! {
            <progress aria-label="Importing clients"></progress>
            <p class="muted">"Saving…"</p>
        }
        .into_any(),
        Stage::Imported(count) => view! { <p class="state" role="status">{format!("Imported {}", plural(count))}</p> }.into_any(),
    }
}

/// "N clients will be created", their table, and the problem rows.
#[component]
fn Preview(preview: ImportPreview) -> impl IntoView {
    let count = preview.clients.len();
    let wrong = rows_wrong(&preview.problems);
    let problems = preview.problems.len();
    let hidden = count.saturating_sub(PREVIEW_ROWS);
    let rows: Vec<ImportRow> = preview.clients.into_iter().take(PREVIEW_ROWS).collect();
    view! {
        <p class="import-summary">{format!("{} will be created.", plural(count))}</p>
        {(problems > 0).then(|| view! {
            <div class="import-problems" role="alert">
                <p>{match wrong {
                    0 => "The file must be put right before anything can be imported:".to_owned(),
                    1 => "1 row must be put right before anything can be imported:".to_owned(),
                    n => format!("{n} rows must be put right before anything can be imported:"),
                }}</p>
                <ul>
                    {preview.problems.into_iter().map(|problem| {
                        let place = match (problem.line, problem.column) {
                            (0, _) => "The file".to_owned(),
                            (line, Some(column)) => format!("Line {line}, {column}"),
                            (line, None) => format!("Line {line}"),
                        };
                        view! { <li>{format!("{place}: {}", problem.message)}</li> }
                    }).collect_view()}
                </ul>
            </div>
        })}
        {(count > 0).then(|| view! {
            <div class="table-scroll preview-table">
                <table class="table">
                    <thead><tr>
                        {["Line", "Client", "Code", "Businesses", "User", "Email"].map(|h| view! { <th scope="col">{h}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|row| view! {
                            <tr>
                                <td>{row.line}</td>
                                <td>{row.name}</td>
                                <td>{row.code.unwrap_or_default()}</td>
                                <td>{row.businesses.join(", ")}</td>
                                <td>{row.user_name}</td>
                                <td>{row.user_email}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(hidden > 0).then(|| view! { <p class="muted">{format!("and {} more.", plural(hidden))}</p> })}
        })}
    }
}
