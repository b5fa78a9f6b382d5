//! markdown renderer.
