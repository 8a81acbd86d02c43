//! The specification of Clientele's activation rules, as one test binary:
//! each rule and refusal (`rules`), the wizard's text (`implications`),
//! invariants over random command sequences (`properties`) and the shared
//! wire shapes (`wire`); the everyday edits of a client (`edits`).

mod edits;
mod extraction;
mod fixtures;
mod identity;
mod implications;
mod onboarding;
mod permissions;
mod portal;
mod properties;
mod rules;
mod schedule;
mod wire;
