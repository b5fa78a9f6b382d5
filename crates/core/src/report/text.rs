//! text renderer.
