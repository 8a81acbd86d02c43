//! The server's API tests, compiled as one binary: handlers through
//! `Router::oneshot` (`handlers`, `bad_input`, `demo_data`, `security`,
//! `sessions`) and the real binary over real sockets (`black_box`, `cli`).
//! Every test gets a fresh database: a SQLite file, or a database of its
//! own on the PostgreSQL cluster `CLIENTELE_TEST_DB` names (`test_db`).

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
mod instances;
mod invitations;
mod list_paging;
mod live;
mod onboarding;
mod passwords;
mod read_cache;
mod receipts;
mod reextract;
mod schedule;
mod security;
mod sessions;
mod test_db;
mod undo;
mod uploads;
