//! Snapshots of the rendered reports for the real-server fixtures, end to end through the
//! binary. The fixtures hold dates and cookies that change when they are re-captured, so
//! what is snapshotted is the report (deterministic for a given file), not the capture.
//!
//! When rules change, review and accept with:
//! `INSTA_UPDATE=always cargo test -p headwarden-cli --test snapshots` (then `git diff`).

mod common;

use common::{assert_exit, fixture_files, headwarden, rel, stdout};

fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

fn name_of(file: &std::path::Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().replace('.', "_"))
        .unwrap_or_default()
}

#[test]
fn json_reports_of_the_fixtures() {
    let files = fixture_files(&["http", "har"]);
    assert!(!files.is_empty());
    snapshot_settings().bind(|| {
        for file in files {
            let path = rel(&file);
            let out = headwarden(&["check", &path, "--format", "json"], None);
            assert_exit(&out, 0);
            insta::assert_snapshot!(format!("json__{}", name_of(&file)), stdout(&out));
        }
    });
}

#[test]
fn other_formats_of_two_fixtures() {
    let wanted = ["flask-dev-index.http", "flask-talisman-index.http"];
    let files: Vec<_> = fixture_files(&["http"])
        .into_iter()
        .filter(|f| {
            f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| wanted.contains(&n))
        })
        .collect();
    assert_eq!(files.len(), wanted.len(), "fixtures present");
    snapshot_settings().bind(|| {
        for file in files {
            let path = rel(&file);
            for format in ["text", "markdown", "sarif"] {
                let out = headwarden(
                    &["check", &path, "--format", format, "--color", "never"],
                    None,
                );
                assert_exit(&out, 0);
                insta::assert_snapshot!(format!("{format}__{}", name_of(&file)), stdout(&out));
            }
        }
    });
}
