//! Getting clients in and out over HTTP: adding a client, the invitation
//! page's two calls (which need no session), who has accepted their
//! invitation and a new link for who has not, importing a CSV file (checked
//! first, then sent with a progress bar) and exporting the list as CSV.

use super::upload;
use super::{ApiError, ApiFuture, HttpApi, ListQuery, OnProgress, read, succeeded};
use clientele_core::wire::{
    ImportPreview, ImportResult, Invitation, InvitationAccept, InvitationView, NewClient,
    NewClientRequest, Session, UserInvitation,
};
use clientele_core::{ClientId, UserId};
use gloo_net::http::{Method, Request};

fn unsendable(error: impl ToString) -> ApiError {
    ApiError::Network(error.to_string())
}

impl HttpApi {
    pub(super) fn send_new_client(
        &self,
        request: &NewClientRequest,
        idempotency_key: &str,
    ) -> ApiFuture<NewClient> {
        let request = self
            .change_request(Method::POST, "/api/clients")
            .header("Idempotency-Key", idempotency_key)
            .json(request);
        Box::pin(async move {
            let request: Request = request.map_err(unsendable)?;
            read(request.send().await).await
        })
    }

    pub(super) fn read_invitation(&self, token: &str) -> ApiFuture<InvitationView> {
        let token = String::from(js_sys::encode_uri_component(token));
        self.get(&format!("/api/invitations/{token}"))
    }

    pub(super) fn send_acceptance(&self, token: &str, password: &str) -> ApiFuture<Session> {
        let token = String::from(js_sys::encode_uri_component(token));
        let request = self
            .request(Method::POST, &format!("/api/invitations/{token}"))
            .json(&InvitationAccept {
                password: password.to_owned(),
            });
        self.keep_token(Box::pin(async move {
            let request: Request = request.map_err(unsendable)?;
            read(request.send().await).await
        }))
    }

    /// `GET /api/clients/{id}/invitations`.
    pub(super) fn read_invitations_of(&self, client: ClientId) -> ApiFuture<Vec<UserInvitation>> {
        self.get_items(&format!("/api/clients/{client}/invitations"))
    }

    /// `POST /api/clients/{id}/users/{user_id}/invitation`, without a body,
    /// with the session's CSRF token and `idempotency_key`.
    pub(super) fn send_renew_invitation(
        &self,
        client: ClientId,
        user: UserId,
        idempotency_key: &str,
    ) -> ApiFuture<Invitation> {
        let request = self
            .change_request(
                Method::POST,
                &format!("/api/clients/{client}/users/{user}/invitation"),
            )
            .header("Idempotency-Key", idempotency_key)
            .build();
        Box::pin(async move {
            let request: Request = request.map_err(unsendable)?;
            read(request.send().await).await
        })
    }

    pub(super) fn send_preview(&self, file: web_sys::File) -> ApiFuture<ImportPreview> {
        let request = self
            .change_request(Method::POST, "/api/clients/import/preview")
            .header("Content-Type", "text/csv")
            .body(file);
        Box::pin(async move {
            let request: Request = request.map_err(unsendable)?;
            read(request.send().await).await
        })
    }

    pub(super) fn send_import(
        &self,
        file: web_sys::File,
        on_progress: OnProgress,
    ) -> ApiFuture<ImportResult> {
        let url = format!("{}/api/clients/import", self.base);
        upload::send_csv(url, self.csrf_token(), file, on_progress)
    }

    pub(super) fn read_export(&self, query: &ListQuery) -> ApiFuture<web_sys::Blob> {
        let request = self.request(Method::GET, &query.export_path());
        Box::pin(async move {
            let response = succeeded(request.send().await).await?;
            let bytes = response.binary().await.map_err(unsendable)?;
            let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&bytes[..]));
            let options = web_sys::BlobPropertyBag::new();
            options.set_type("text/csv");
            web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
                .map_err(|_| ApiError::Network("the file could not be kept".into()))
        })
    }
}
