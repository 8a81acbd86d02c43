//! A client account's users: name, email, role, which one is the account
//! owner and whether they have accepted their invitation; "Add user" (who
//! is invited to set a password: the dialog shows their link once the
//! server has made it), "New link" for anyone who has not set a password
//! yet, and "Remove" for every user but the owner, after a confirmation.

use crate::dialog::Dialog;
use crate::field::{TextField, checked};
use crate::invitation_link::InvitationLink;
use crate::pending_invitations::{Invitations, InvitationsFailure, Known, NewLinkDialog, describe};
use crate::session::Auth;
use crate::store::Store;
use clientele_core::onboarding::{email, email_is_free_in, name};
use clientele_core::wire::Invitation;
use clientele_core::{Action, ClientId, ClientUser, Command, Role, UserId};
use leptos::prelude::*;

/// The users panel of one client. `version` is the client's settled
/// version: who has accepted their invitation is read again when a change
/// to the client has settled.
#[component]
pub fn UsersPanel(
    client_id: ClientId,
    version: Memo<u64>,
    /// After a new invitation link is made.
    on_renewed: Callback<()>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let auth = expect_context::<Auth>();
    let may_edit = auth.may(Action::EditClients);
    let adding = RwSignal::new(false);
    let removing = RwSignal::new(None::<ClientUser>);
    let renewing = RwSignal::new(None::<ClientUser>);
    let invitations = Invitations::new(client_id, version);
    let users = Memo::new(move |_| {
        store.clients.with(|clients| {
            clients
                .get(&client_id)
                .map(|client| (client.owner, client.users.clone()))
                .unwrap_or((UserId(0), Vec::new()))
        })
    });
    let syncing = Signal::derive(move || store.is_syncing(client_id));
    view! {
        <section class="panel" aria-labelledby="users-title">
            <div class="panel-header">
                <h2 id="users-title">"Users"</h2>
                {may_edit.then(|| view! {
                    <button type="button" class="button secondary" disabled=move || syncing.get() on:click=move |_| adding.set(true)>
                        "Add user"
                    </button>
                })}
            </div>
            <div class="table-wrap">
                <table class="table">
                    <crate::table::TableHead columns=&["Name", "Email", "Role", "Invitation"] />
                    <tbody>
                        <For each=move || { let (owner, users) = users.get(); users.into_iter().map(move |user| (owner == user.id, user)).collect::<Vec<_>>() } key=|(owner, user)| (*owner, user.id, user.name.clone(), user.email.clone(), user.role) let:entry>
                            <UserRow user=entry.1 is_owner=entry.0 may_edit=may_edit removing=removing renewing=renewing invitations=invitations syncing=syncing />
                        </For>
                    </tbody>
                </table>
            </div>
            <InvitationsFailure invitations=invitations />
        </section>
        {move || adding.get().then(|| view! {
            <AddUserDialog client_id=client_id on_close=Callback::new(move |()| adding.set(false)) />
        })}
        {move || removing.get().map(|user| view! {
            <RemoveUserDialog client_id=client_id user=user on_close=Callback::new(move |()| removing.set(None)) />
        })}
        {move || renewing.get().map(|user| view! {
            <NewLinkDialog client_id=client_id user=user invitations=invitations on_made=on_renewed on_close=Callback::new(move |()| renewing.set(None)) />
        })}
    }
}

/// One user, "New link" while they have not set a password, and "Remove"
/// unless they own the account.
#[component]
fn UserRow(
    user: ClientUser,
    is_owner: bool,
    may_edit: bool,
    removing: RwSignal<Option<ClientUser>>,
    renewing: RwSignal<Option<ClientUser>>,
    invitations: Invitations,
    syncing: Signal<bool>,
) -> impl IntoView {
    let user_id = user.id;
    let known = Memo::new(move |_| invitations.of(user_id));
    let new_link = may_edit.then(|| {
        let label = format!("New invitation link for {}", user.name);
        let user = user.clone();
        move || {
            matches!(known.get(), Known::Waiting(_)).then(|| {
                let user = user.clone();
                view! {
                    <button type="button" class="button link" aria-label=label.clone() on:click=move |_| renewing.set(Some(user.clone()))>
                        "New link"
                    </button>
                }
            })
        }
    });
    let role = match user.role {
        Role::Admin => "Admin",
        Role::Standard => "Standard",
    };
    let remove = (may_edit && !is_owner).then(|| {
        let label = format!("Remove {}", user.name);
        let user = user.clone();
        view! {
            <button type="button" class="button link" aria-label=label disabled=move || syncing.get() on:click=move |_| removing.set(Some(user.clone()))>
                "Remove"
            </button>
        }
    });
    view! {
        <tr>
            <td>
                {user.name.clone()}
                {is_owner.then(|| view! { <span class="badge">"Account owner"</span> })}
            </td>
            <td>{user.email.clone()}</td>
            <td>{role}</td>
            <td>{move || describe(&known.get())}</td>
            <td class="actions">{new_link}{remove}</td>
        </tr>
    }
}

/// "Remove Ben Carter?", then the change.
#[component]
fn RemoveUserDialog(
    client_id: ClientId,
    user: ClientUser,
    on_close: Callback<()>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let user_id = user.id;
    view! {
        <Dialog title_id="remove-user-title" on_close=on_close>
            <h2 id="remove-user-title">{format!("Remove {}?", user.name)}</h2>
            <p>
                {format!(
                    "{} ({}) will no longer be a user of this account. Any business they own \
                     passes to the account owner.",
                    user.name, user.email
                )}
            </p>
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button type="button" class="button primary" on:click=move |_| {
                    on_close.run(());
                    store.submit(client_id, Command::RemoveUser { user_id });
                }>"Remove user"</button>
            </div>
        </Dialog>
    }
}

/// Where "Add user" stands.
#[derive(Clone)]
enum Stage {
    Editing,
    Adding,
    /// Added; the invitation, unless its answer was lost on the way.
    Added(Option<Invitation>),
}

/// "Add user": name, email and role, then the invitation link.
#[component]
fn AddUserDialog(client_id: ClientId, on_close: Callback<()>) -> impl IntoView {
    let store = expect_context::<Store>();
    let name_value = RwSignal::new(String::new());
    let email_value = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Standard);
    let name_error = RwSignal::new(None);
    let email_error = RwSignal::new(None);
    let refusal = RwSignal::new(None::<String>);
    let stage = RwSignal::new(Stage::Editing);
    let close = Callback::new(move |()| {
        if !matches!(stage.get_untracked(), Stage::Adding) {
            on_close.run(());
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        refusal.set(None);
        let Some(client) = store
            .clients
            .with_untracked(|clients| clients.get(&client_id).cloned())
        else {
            return;
        };
        let checks = (
            checked(name("name", &name_value.get_untracked()), name_error),
            checked(
                email(&email_value.get_untracked())
                    .and_then(|email| email_is_free_in(&client, &email).map(|()| email)),
                email_error,
            ),
        );
        let (Some(name), Some(email)) = checks else {
            return;
        };
        stage.set(Stage::Adding);
        let user_id = UserId(store.provisional_id());
        let command = Command::AddUser {
            user_id,
            name,
            email,
            role: role.get_untracked(),
        };
        let then = Box::new(move |outcome: Result<Option<Invitation>, String>| {
            if stage.is_disposed() {
                return false;
            }
            match outcome {
                Ok(invitation) => stage.set(Stage::Added(invitation)),
                Err(message) => {
                    stage.set(Stage::Editing);
                    refusal.set(Some(message));
                }
            }
            true
        });
        store.submit_then(client_id, command, Some(then));
    };
    let adding = move || matches!(stage.get(), Stage::Adding);
    // The form stays built while it is sent and refused, keeping focus.
    let added = Memo::new(move |_| match stage.get() {
        Stage::Added(invitation) => Some(invitation),
        _ => None,
    });
    view! {
        <Dialog title_id="add-user-title" on_close=close>
            {move || match added.get() {
                Some(invitation) => view! {
                    <h2 id="add-user-title">"User added"</h2>
                    {match invitation {
                        Some(invitation) => view! { <InvitationLink invitation=invitation /> }.into_any(),
                        None => view! {
                            <p>"The user was added, but the answer with their invitation link was lost on the way. Use \"New link\" beside them in the list of users for a link to send."</p>
                        }.into_any(),
                    }}
                    <div class="dialog-actions">
                        <button type="button" class="button primary" on:click=move |_| on_close.run(())>"Done"</button>
                    </div>
                }.into_any(),
                None => view! {
                    <form class="dialog-form" on:submit=submit novalidate>
                        <h2 id="add-user-title">"Add user"</h2>
                        <Show when=move || refusal.with(Option::is_some)>
                            <div class="form-error" role="alert">{move || refusal.get()}</div>
                        </Show>
                        <TextField id="new-user-name" label="Name" value=name_value error=name_error />
                        <TextField id="new-user-email" label="Email" input_type="email" value=email_value error=email_error />
                        <RoleSelect role=role />
                        <p class="muted" role="status">{move || adding().then_some("Adding the user…")}</p>
                        <div class="dialog-actions">
                            <button type="button" class="button secondary" disabled=adding on:click=move |_| close.run(())>"Cancel"</button>
                            <button type="submit" class="button primary" disabled=adding>"Add user"</button>
                        </div>
                    </form>
                }.into_any(),
            }}
        </Dialog>
    }
}

/// Admin or Standard.
#[component]
fn RoleSelect(role: RwSignal<Role>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="new-user-role">"Role"</label>
            <select
                id="new-user-role"
                prop:value=move || if role.get() == Role::Admin { "admin" } else { "standard" }
                on:change=move |event| role.set(if event_target_value(&event) == "admin" { Role::Admin } else { Role::Standard })
            >
                <option value="admin">"Admin"</option>
                <option value="standard">"Standard"</option>
            </select>
        </div>
    }
}
