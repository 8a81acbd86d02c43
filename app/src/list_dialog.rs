//! The dialogs the client list opens over itself: the deactivation wizard
//! and the reactivation confirmation for one client, and the bulk change
//! for the checked ones.

use crate::bulk_change::BulkChangeDialog;
use crate::deactivate_wizard::DeactivateWizard;
use crate::reactivate_dialog::ReactivateDialog;
use crate::store::Store;
use clientele_core::bulk::BulkAction;
use clientele_core::{Client, ClientId, Command, Target};
use leptos::prelude::*;

/// The dialog open over the list, if any.
#[derive(Clone)]
pub enum Open {
    /// The wizard for one client.
    Deactivate(Client),
    /// The confirmation for one client.
    Reactivate(Client),
    /// A bulk change of the checked clients.
    Bulk(BulkAction, Vec<ClientId>),
}

/// The view of `dialog`; closing it sets `open` to `None`.
pub fn list_dialog(store: Store, open: RwSignal<Option<Open>>, dialog: Open) -> AnyView {
    let close = Callback::new(move |()| open.set(None));
    match dialog {
        Open::Deactivate(client) => {
            let (id, seen): (ClientId, u64) = (client.id, client.version);
            view! {
                <DeactivateWizard
                    client=client
                    target=Target::Client
                    on_cancel=close
                    on_confirm=Callback::new(move |command| {
                        open.set(None);
                        store.submit_seen(id, seen, command);
                    })
                />
            }
            .into_any()
        }
        Open::Reactivate(client) => {
            let (id, seen) = (client.id, client.version);
            view! {
                <ReactivateDialog
                    client_id=id
                    client_name=client.name.clone()
                    business_count=client.businesses.len()
                    on_cancel=close
                    on_confirm=Callback::new(move |()| {
                        open.set(None);
                        store.submit_seen(id, seen, Command::ReactivateClient);
                    })
                />
            }
            .into_any()
        }
        Open::Bulk(action, ids) => view! {
            <BulkChangeDialog action=action ids=ids on_close=close />
        }
        .into_any(),
    }
}
