//! "Add client": a client with its first business and its first user, who
//! becomes the account owner. Each field is checked by `core` before
//! anything is sent, with the message beside it. The client shows in the
//! list at once; the dialog stays open until the server answers, then shows
//! the owner's invitation link, or why the client was not added, with
//! everything typed still there.

use crate::dialog::Dialog;
use crate::field::{TextField, checked};
use crate::invitation_link::InvitationLink;
use crate::session::Auth;
use crate::store::{AddRefused, Store};
use clientele_core::Action;
use clientele_core::onboarding::{client_code, code_is_free, email, name};
use clientele_core::wire::{Invitation, NewClient, NewClientRequest};
use leptos::prelude::*;

/// Where the dialog stands.
#[derive(Clone)]
enum Stage {
    Editing,
    Adding,
    Added(Invitation),
}

/// The form's fields and their messages.
#[derive(Clone, Copy)]
struct Form {
    name: RwSignal<String>,
    code: RwSignal<String>,
    business: RwSignal<String>,
    user_name: RwSignal<String>,
    user_email: RwSignal<String>,
    name_error: RwSignal<Option<String>>,
    code_error: RwSignal<Option<String>>,
    business_error: RwSignal<Option<String>>,
    user_name_error: RwSignal<Option<String>>,
    user_email_error: RwSignal<Option<String>>,
    refusal: RwSignal<Option<String>>,
}

impl Form {
    fn new() -> Form {
        Form {
            name: RwSignal::new(String::new()),
            code: RwSignal::new(String::new()),
            business: RwSignal::new(String::new()),
            user_name: RwSignal::new(String::new()),
            user_email: RwSignal::new(String::new()),
            name_error: RwSignal::new(None),
            code_error: RwSignal::new(None),
            business_error: RwSignal::new(None),
            user_name_error: RwSignal::new(None),
            user_email_error: RwSignal::new(None),
            refusal: RwSignal::new(None),
        }
    }

    /// The request, if `core` finds every field right; otherwise each
    /// wrong field says why. The code must also be free among the clients
    /// this page knows; the server checks it against all of them.
    fn request(&self, store: Store) -> Option<NewClientRequest> {
        let taken = store.codes_held(None);
        let code = client_code(&self.code.get_untracked()).and_then(|code| match code {
            Some(code) => {
                code_is_free(&code, taken.iter().map(String::as_str)).map(|()| Some(code))
            }
            None => Ok(None),
        });
        let checks = (
            checked(
                name("client name", &self.name.get_untracked()),
                self.name_error,
            ),
            checked(code, self.code_error),
            checked(
                name("business name", &self.business.get_untracked()),
                self.business_error,
            ),
            checked(
                name("user's name", &self.user_name.get_untracked()),
                self.user_name_error,
            ),
            checked(
                email(&self.user_email.get_untracked()),
                self.user_email_error,
            ),
        );
        let (Some(name), Some(code), Some(business_name), Some(user_name), Some(user_email)) =
            checks
        else {
            return None;
        };
        Some(NewClientRequest {
            name,
            code,
            business_name,
            user_name,
            user_email,
        })
    }

    /// Shows the server's refusal by the field it is about.
    fn refused(&self, refusal: AddRefused) {
        let field = match refusal.code.as_deref() {
            Some("code_taken" | "invalid_code") => self.code_error,
            Some("email_taken" | "email_in_account" | "invalid_email") => self.user_email_error,
            _ => self.refusal,
        };
        field.set(Some(refusal.message));
    }
}

/// "Add client", for those who may add clients.
#[component]
pub fn AddClientButton() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let open = RwSignal::new(false);
    auth.may(Action::EditClients).then(|| {
        view! {
            <button type="button" class="button primary" on:click=move |_| open.set(true)>
                "Add client"
            </button>
            {move || open.get().then(|| view! {
                <AddClientDialog on_close=Callback::new(move |()| open.set(false)) />
            })}
        }
    })
}

/// The dialog: the form, then the invitation link.
#[component]
fn AddClientDialog(on_close: Callback<()>) -> impl IntoView {
    let store = expect_context::<Store>();
    let form = Form::new();
    let stage = RwSignal::new(Stage::Editing);
    // While the server has not answered, the dialog stays: its answer (the
    // invitation, or why not) has nowhere else to go.
    let close = Callback::new(move |()| {
        if !matches!(stage.get_untracked(), Stage::Adding) {
            on_close.run(());
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        form.refusal.set(None);
        let Some(request) = form.request(store) else {
            return;
        };
        stage.set(Stage::Adding);
        let then = Box::new(move |outcome: Result<NewClient, AddRefused>| {
            if stage.is_disposed() {
                return;
            }
            match outcome {
                Ok(added) => stage.set(Stage::Added(added.invitation)),
                Err(refusal) => {
                    stage.set(Stage::Editing);
                    form.refused(refusal);
                }
            }
        });
        if let Err(refusal) = store.add_client(request, then) {
            stage.set(Stage::Editing);
            form.refused(refusal);
        }
    };
    // The form stays built while it is sent and refused, keeping focus.
    let added = Memo::new(move |_| match stage.get() {
        Stage::Added(invitation) => Some(invitation),
        _ => None,
    });
    view! {
        <Dialog title_id="add-client-title" on_close=close>
            {move || match added.get() {
                Some(invitation) => view! {
                    <h2 id="add-client-title">"Client added"</h2>
                    <InvitationLink invitation=invitation />
                    <div class="dialog-actions">
                        <button type="button" class="button primary" on:click=move |_| on_close.run(())>"Done"</button>
                    </div>
                }.into_any(),
                None => view! { <AddClientForm form=form stage=stage on_submit=submit on_cancel=close /> }.into_any(),
            }}
        </Dialog>
    }
}

/// The five fields, "Cancel" and "Add client".
#[component]
fn AddClientForm(
    form: Form,
    stage: RwSignal<Stage>,
    on_submit: impl Fn(leptos::ev::SubmitEvent) + 'static,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let adding = move || matches!(stage.get(), Stage::Adding);
    view! {
        <form class="dialog-form" on:submit=on_submit novalidate>
            <h2 id="add-client-title">"Add client"</h2>
            <Show when=move || form.refusal.with(Option::is_some)>
                <div class="form-error" role="alert">{move || form.refusal.get()}</div>
            </Show>
            <TextField id="new-client-name" label="Client name" value=form.name error=form.name_error />
            <TextField id="new-client-code" label="Client code" hint="Optional: the practice's own code for the client" value=form.code error=form.code_error />
            <TextField id="new-client-business" label="Business name" value=form.business error=form.business_error />
            <TextField id="new-client-user-name" label="User name" hint="The account owner, who will be its admin" value=form.user_name error=form.user_name_error />
            <TextField id="new-client-user-email" label="User email" input_type="email" value=form.user_email error=form.user_email_error />
            <p class="muted" role="status">{move || adding().then_some("Adding the client…")}</p>
            <div class="dialog-actions">
                <button type="button" class="button secondary" disabled=adding on:click=move |_| on_cancel.run(())>"Cancel"</button>
                <button type="submit" class="button primary" disabled=adding>"Add client"</button>
            </div>
        </form>
    }
}
