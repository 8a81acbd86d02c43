//! "Extract now" and a deactivation's impact over the wire: the documents a
//! client received while deactivated, queueing them, and the impact shown
//! in step 1 of the wizard.

use super::{ApiError, ApiFuture, HttpApi, read};
use clientele_core::wire::{DocumentView, ExtractNowRequest, ImpactView, Items};
use clientele_core::{ClientId, Target};
use gloo_net::http::{Method, Request};

impl HttpApi {
    /// `GET /api/clients/{id}/documents/added-while-deactivated`.
    pub(super) fn read_added_while_deactivated(
        &self,
        client: ClientId,
    ) -> ApiFuture<Vec<DocumentView>> {
        self.get_items(&format!(
            "/api/clients/{client}/documents/added-while-deactivated"
        ))
    }

    /// `POST /api/clients/{id}/documents/extract`, with the session's CSRF
    /// token and `idempotency_key`.
    pub(super) fn send_extract_now(
        &self,
        client: ClientId,
        request: &ExtractNowRequest,
        idempotency_key: &str,
    ) -> ApiFuture<Vec<DocumentView>> {
        let sending = self
            .change_request(
                Method::POST,
                &format!("/api/clients/{client}/documents/extract"),
            )
            .header("Idempotency-Key", idempotency_key)
            .json(request);
        Box::pin(async move {
            let sending: Request = sending.map_err(|error| ApiError::Network(error.to_string()))?;
            let answer: Items<DocumentView> = read(sending.send().await).await?;
            Ok(answer.items)
        })
    }

    /// `GET /api/clients/{id}/impact`, with `business_id` for one business.
    pub(super) fn read_impact(&self, client: ClientId, target: Target) -> ApiFuture<ImpactView> {
        match target {
            Target::Client => self.get(&format!("/api/clients/{client}/impact")),
            Target::Business(business) => self.get(&format!(
                "/api/clients/{client}/impact?business_id={business}"
            )),
        }
    }
}
