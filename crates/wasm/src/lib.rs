//! Placeholder until the npm package issue: wasm-bindgen bindings of headwarden-core.
pub use headwarden_core::VERSION;
