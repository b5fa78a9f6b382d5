#!/usr/bin/env node
// Differential harness, npm side: runs Google's CSP Evaluator (the reference) over a
// corpus of CSP header values and writes a directory that the Rust parity test reads.
//
//   node tests/csp/differential.mjs CORPUS.txt OUT_DIR
//   node tests/csp/differential.mjs --tricky OUT_DIR      # the policies of tests/csp/tricky.toml
//   HEADWARDEN_CSP_ANCHOR=OUT_DIR cargo test -p headwarden-core --test csp_parity -- --nocapture
//
// OUT_DIR receives corpus.txt (one policy per line) and corpus.expected.jsonl, in exactly
// the format of ../shared/anchors/csp/eval.mjs (whose evaluateCsp it reuses), so the
// committed anchor and any new corpus are compared the same way, through the one
// mapping table in crates/core/src/csp/mod.rs (GOOGLE_CHECK_MAP). On a corpus other than
// the anchor, the Rust test prints every difference instead of failing.
//
// The reference needs the anchor's npm install: (cd ../shared/anchors/csp && npm install).
// Set CSP_ANCHOR_DIR to use another checkout of the anchor.

import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const anchor = resolve(process.env.CSP_ANCHOR_DIR ?? join(here, '../../../shared/anchors/csp'));

function usage() {
  process.stderr.write('usage: node tests/csp/differential.mjs (CORPUS.txt | --tricky) OUT_DIR\n');
  process.exit(2);
}

/** The `policy = "…"` values of tricky.toml (TOML basic strings are JSON-compatible here). */
function trickyPolicies() {
  const text = readFileSync(join(here, 'tricky.toml'), 'utf8');
  const out = [];
  for (const m of text.matchAll(/^policy = (".*")$/gm)) {
    const policy = JSON.parse(m[1]);
    if (!policy.includes('\n')) out.push(policy);
  }
  return out;
}

async function main(argv) {
  if (argv.length !== 2) usage();
  const [source, outDir] = argv;
  let lines;
  if (source === '--tricky') {
    lines = trickyPolicies();
  } else {
    let text = readFileSync(source, 'utf8');
    if (text.endsWith('\n')) text = text.slice(0, -1);
    lines = text === '' ? [] : text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }
  let evaluateCsp;
  try {
    ({evaluateCsp} = await import(pathToFileURL(join(anchor, 'eval.mjs')).href));
  } catch (e) {
    process.stderr.write(`cannot load the reference from ${anchor} (${e.message}); run npm install there\n`);
    process.exit(2);
  }
  mkdirSync(outDir, {recursive: true});
  writeFileSync(join(outDir, 'corpus.txt'), lines.join('\n') + (lines.length ? '\n' : ''));
  const expected = lines.map((l) => JSON.stringify(evaluateCsp(l)));
  writeFileSync(join(outDir, 'corpus.expected.jsonl'), expected.join('\n') + (expected.length ? '\n' : ''));
  process.stdout.write(`${lines.length} policies evaluated by the reference into ${outDir}\n`);
}

await main(process.argv.slice(2));
