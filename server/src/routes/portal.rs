//! The portal: a client account, for its own users. They see the account,
//! its practice, themselves and the account's businesses with their
//! documents, and are told plainly (in `core`'s words) when the practice no
//! longer manages the account or a business.

use crate::auth::Caller;
use crate::error::AppError;
use crate::extract::PathId;
use crate::openapi::ReadErrors;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use clientele_core::portal::{account_banner, account_role_label, business_banner};
use clientele_core::wire::{DocumentView, Items, Portal, PortalAccount, PortalBusiness, PortalMe};
use clientele_core::{Action, BusinessId, Principal};

/// `GET /api/portal`.
#[utoipa::path(
    get,
    path = "/api/portal",
    tag = "portal",
    responses((status = 200, description = "The caller's account, practice, self and businesses", body = Portal), ReadErrors),
    security(("session" = []))
)]
pub async fn portal(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Portal>, AppError> {
    caller.may(Action::ReadOwnAccount)?;
    let Principal::ClientUser { id: me, client, .. } = caller.principal else {
        return Err(AppError::Internal(
            "a staff member reached the portal".into(),
        ));
    };
    let (client, practice) = state.blocking(move |store| store.account(client)).await?;
    let user = client
        .user(me)
        .ok_or_else(|| AppError::Internal("the user is not in their account".into()))?;
    let businesses = client
        .businesses
        .iter()
        .map(|business| PortalBusiness {
            id: business.id,
            name: business.name.clone(),
            status: business.status,
            banner: business_banner(&practice.name, &client, business),
        })
        .collect();
    Ok(Json(Portal {
        account: PortalAccount {
            id: client.id,
            name: client.name.clone(),
            status: client.status,
            banner: account_banner(&practice.name, &client),
        },
        me: PortalMe {
            id: user.id,
            name: user.name.clone(),
            email: user.email.clone(),
            role: user.role,
            role_label: account_role_label(&client, me).to_owned(),
        },
        practice,
        businesses,
    }))
}

/// `GET /api/portal/businesses/{id}/documents`.
#[utoipa::path(
    get,
    path = "/api/portal/businesses/{id}/documents",
    tag = "portal",
    params(("id" = u64, Path, minimum = 1, description = "The business's id")),
    responses((status = 200, description = "The business's documents, newest first", body = Items<DocumentView>), ReadErrors),
    security(("session" = []))
)]
pub async fn documents(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Json<Items<DocumentView>>, AppError> {
    caller.may(Action::ReadOwnAccount)?;
    let scope = caller.scope();
    let items = state
        .blocking(move |store| store.documents(scope, BusinessId(id)))
        .await?;
    Ok(Json(Items { items }))
}
