//! The server's API tests, compiled as one binary: handlers through
//! `Router::oneshot` (`handlers`, `bad_input`, `demo_data`, `security`,
//! `sessions`) and the real binary over real sockets (`black_box`, `cli`).
//! Every test gets a fresh database.

mod bad_input;
mod black_box;
mod cli;
mod consistency;
mod demo_data;
mod extraction;
mod extraction_accuracy;
mod handlers;
mod helpers;
mod import_export;
mod onboarding;
mod receipts;
mod security;
mod sessions;
mod uploads;
