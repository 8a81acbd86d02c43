//! The specification of Clientele's activation rules, as one test binary:
//! each rule and refusal (`rules`), the wizard's text (`implications`),
//! invariants over random command sequences (`properties`) and the shared
//! wire shapes (`wire`); the everyday edits of a client (`edits`); exact undo (`undo`).

mod bulk;
mod edits;
mod extraction;
mod fixtures;
mod identity;
mod impact;
mod implications;
mod onboarding;
mod permissions;
mod portal;
mod properties;
mod reason;
mod reextract;
mod rules;
mod schedule;
mod undo;
mod wire;
