//! Placeholder until the web app issue.
fn main() {
    let _ = headwarden_core::VERSION;
}
