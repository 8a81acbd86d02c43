//! Who of a client account's users has not set a password yet, on the
//! Users panel: each user's invitation ("Accepted", "Sent, works until …",
//! "Expired …", "Not sent"), and "New link" for anyone still waiting, the
//! account owner included. A new link replaces the person's last one, for
//! a link that expired or never reached them; the dialog shows it to send.
//! The server decides who may have one (`core`'s `renew_invitation`).

use crate::api::new_idempotency_key;
use crate::dialog::Dialog;
use crate::format_date;
use crate::invitation_link::InvitationLink;
use crate::store::Store;
use clientele_core::wire::{Invitation, UserInvitation};
use clientele_core::{ClientId, ClientUser, UserId};
use leptos::prelude::*;

/// What is known of one user's invitation.
#[derive(Clone, PartialEq)]
pub enum Known {
    /// Still being read, or the read failed, or the user was added since.
    NotYet,
    /// They have set a password.
    Accepted,
    /// They have not; their latest link, if any.
    Waiting(UserInvitation),
}

/// The account's invitations as last read: when the panel opens, again
/// once a change to the client has settled (`version`), and after a new
/// link.
#[derive(Clone, Copy)]
pub struct Invitations {
    read: LocalResource<Result<Vec<UserInvitation>, String>>,
}

impl Invitations {
    pub fn new(client_id: ClientId, version: Memo<u64>) -> Invitations {
        let store = expect_context::<Store>();
        let read = LocalResource::new(move || {
            version.track();
            let api = store.api();
            async move {
                api.invitations_of(client_id)
                    .await
                    .map_err(|error| error.message())
            }
        });
        Invitations { read }
    }

    /// What is known of `user`'s invitation.
    pub fn of(&self, user: UserId) -> Known {
        self.read.with(|read| match read {
            Some(Ok(users)) => match users.iter().find(|read| read.user_id == user) {
                // Added since the read: read again once the change settles.
                None => Known::NotYet,
                Some(read) if read.accepted => Known::Accepted,
                Some(read) => Known::Waiting(read.clone()),
            },
            _ => Known::NotYet,
        })
    }

    /// Why the invitations could not be read, if they could not.
    pub fn failure(&self) -> Option<String> {
        self.read.with(|read| match read {
            Some(Err(message)) => Some(message.clone()),
            _ => None,
        })
    }

    /// Reads them again.
    pub fn refresh(&self) {
        self.read.refetch();
    }
}

/// A user's invitation, in words.
pub fn describe(known: &Known) -> String {
    match known {
        Known::NotYet => "…".to_owned(),
        Known::Accepted => "Accepted".to_owned(),
        Known::Waiting(waiting) => match (&waiting.expires_at, waiting.expired) {
            (None, _) => "Not sent".to_owned(),
            (Some(at), true) => format!("Expired {}", format_date(at)),
            (Some(at), false) => format!("Sent, works until {}", format_date(at)),
        },
    }
}

/// Why the invitations are not shown, with "Try again".
#[component]
pub fn InvitationsFailure(invitations: Invitations) -> impl IntoView {
    move || {
        invitations.failure().map(|message| {
            view! {
                <div class="form-error" role="alert">
                    {format!("Could not read who has accepted their invitation. {message}")}
                    " "
                    <button type="button" class="button link" on:click=move |_| invitations.refresh()>"Try again"</button>
                </div>
            }
        })
    }
}

/// Where "New link" stands.
#[derive(Clone)]
enum Stage {
    Asking,
    Sending,
    Made(Invitation),
}

/// "New invitation link for Ben Carter?", then the link to send.
#[component]
pub fn NewLinkDialog(
    client_id: ClientId,
    user: ClientUser,
    invitations: Invitations,
    /// Once the server has made the link.
    on_made: Callback<()>,
    on_close: Callback<()>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let stage = RwSignal::new(Stage::Asking);
    let refusal = RwSignal::new(None::<String>);
    // One key for the dialog: pressed again after a lost answer, the
    // server answers the link it made then, which is the one that works.
    let key = StoredValue::new(new_idempotency_key());
    let user_id = user.id;
    let close = Callback::new(move |()| {
        if !matches!(stage.get_untracked(), Stage::Sending) {
            on_close.run(());
        }
    });
    let make = move |_| {
        refusal.set(None);
        stage.set(Stage::Sending);
        let sending = store
            .api()
            .renew_invitation(client_id, user_id, &key.get_value());
        leptos::task::spawn_local(async move {
            let answer = sending.await;
            if stage.is_disposed() {
                return;
            }
            match answer {
                Ok(invitation) => {
                    stage.set(Stage::Made(invitation));
                    on_made.run(());
                }
                Err(error) => {
                    stage.set(Stage::Asking);
                    refusal.set(Some(error.message()));
                }
            }
            invitations.refresh();
        });
    };
    let sending = move || matches!(stage.get(), Stage::Sending);
    let made = Memo::new(move |_| match stage.get() {
        Stage::Made(invitation) => Some(invitation),
        _ => None,
    });
    let question = format!("New invitation link for {}?", user.name);
    let explanation = format!(
        "{} ({}) gets a new link to set their password and sign in. Any link they were sent \
         before stops working.",
        user.name, user.email
    );
    view! {
        <Dialog title_id="new-link-title" on_close=close>
            {move || match made.get() {
                Some(invitation) => view! {
                    <h2 id="new-link-title">"New link made"</h2>
                    <InvitationLink invitation=invitation />
                    <div class="dialog-actions">
                        <button type="button" class="button primary" on:click=move |_| on_close.run(())>"Done"</button>
                    </div>
                }.into_any(),
                None => view! {
                    <h2 id="new-link-title">{question.clone()}</h2>
                    <Show when=move || refusal.with(Option::is_some)>
                        <div class="form-error" role="alert">{move || refusal.get()}</div>
                    </Show>
                    <p>{explanation.clone()}</p>
                    <p class="muted" role="status">{move || sending().then_some("Making the link…")}</p>
                    <div class="dialog-actions">
                        <button type="button" class="button secondary" disabled=sending on:click=move |_| close.run(())>"Cancel"</button>
                        <button type="button" class="button primary" disabled=sending on:click=make>"Make new link"</button>
                    </div>
                }.into_any(),
            }}
        </Dialog>
    }
}
