//! Placeholder until the worker issue.
pub use headwarden_core::VERSION;
