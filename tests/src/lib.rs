//! End-to-end tests for Clientele. Filled in by the end-to-end issue.
