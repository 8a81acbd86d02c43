//! Clientele's screens. Filled in by the app issue.
fn main() {}
