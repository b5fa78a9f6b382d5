//! The README's example report is real: each fenced block between
//! `<!-- example: ARGS -->` and `<!-- /example -->` must be exactly what
//! `headwarden ARGS` prints (after the `$ headwarden ARGS` line it starts with).
//!
//! When the report changes on purpose, regenerate the blocks with
//! `HEADWARDEN_README_UPDATE=1 cargo test -p headwarden-cli --test readme`, then read the
//! diff.

mod common;

use common::{headwarden, root, stdout};

const OPEN: &str = "<!-- example: ";
const CLOSE: &str = "<!-- /example -->";

/// One example: where its block sits in the README, its arguments, and what it shows.
struct Example {
    range: std::ops::Range<usize>,
    args: String,
    shown: String,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = readme[at..].find(OPEN).map(|p| at + p) {
        let args_end = open + readme[open..].find("-->").expect("example marker closes");
        let args = readme[open + OPEN.len()..args_end].trim().to_string();
        let body_start = args_end + "-->".len();
        let close = body_start
            + readme[body_start..]
                .find(CLOSE)
                .expect("every example block is closed");
        out.push(Example {
            range: body_start..close,
            args,
            shown: readme[body_start..close].to_string(),
        });
        at = close + CLOSE.len();
    }
    out
}

fn block_for(args: &str, output: &str) -> String {
    format!("\n```text\n$ headwarden {args}\n{output}```\n")
}

#[test]
fn readme_examples_are_what_the_cli_prints() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let found = examples(&readme);
    assert!(!found.is_empty(), "README.md has no `{OPEN}…` example");
    let update = std::env::var_os("HEADWARDEN_README_UPDATE").is_some();
    let mut updated = readme.clone();
    // From the last to the first, so the earlier ranges stay valid while replacing.
    for example in found.iter().rev() {
        let args: Vec<&str> = example.args.split_whitespace().collect();
        let printed = stdout(&headwarden(&args, None));
        let expected = block_for(&example.args, &printed);
        if update {
            updated.replace_range(example.range.clone(), &expected);
        } else {
            assert_eq!(
                example.shown, expected,
                "the README example `headwarden {}` is not what the CLI prints; \
                 regenerate with HEADWARDEN_README_UPDATE=1",
                example.args
            );
        }
    }
    if update && updated != readme {
        std::fs::write(&path, updated).expect("README.md is writable");
    }
}
