// The same types from CommonJS (`require("headwarden")`, index.d.cts).
import hw = require("headwarden");

const report: hw.Report = hw.check("HTTP/1.1 200 OK\r\n\r\n");
const err: hw.ErrorCode = "POLICY_INVALID";
hw.checkCsp("default-src 'none'").findings.map((f: hw.Finding) => f.rule);
export = { report, err };
