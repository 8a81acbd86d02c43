//! Clientele's server. Filled in by the backend issue.
fn main() {}
