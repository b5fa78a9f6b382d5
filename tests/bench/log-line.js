// The JSON log line the bench's JS Workers write, with the fields (and, for GET /, the size)
// of the headwarden worker's line: the grades are fixed, as these Workers grade nothing.
// tests/bench/log-worker and tests/bench/floor-worker both log it.

/** Writes one line for `request` (its `url` parsed), answered with `status`. */
export function logLine({ who, request, url, status, started, changes, scripts, body }) {
  const elapsed = Date.now() - started;
  const line = {
    headwarden: who,
    method: request.method,
    path: url.pathname,
    status,
    duration_ms: elapsed,
    mode: "enforce",
    outcome: "proxied",
    origin_status: status,
    grade_before: "F",
    grade_after: "A",
    score_before: 0,
    score_after: 95,
    changes,
    rewritten: { scripts, styles: 0, meta_csp_removed: 0 },
    body,
    body_ms: elapsed,
  };
  console.log(JSON.stringify(line));
}
