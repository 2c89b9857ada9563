#!/usr/bin/env python3
"""Prints scripts/bench-peer.sh's JSON lines as one table with the ratios; exits 1 when a side was not verified."""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
failed = False
print(f"{'C':>3}  {'engine':<16} {'steps/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
      f"{'commits/wf':>10} {'WAL B/wf':>9}  verified")
for concurrency in sorted({row["concurrency"] for row in rows}):
    group = [row for row in rows if row["concurrency"] == concurrency]
    by_engine = {row["engine"]: row for row in group}
    for row in group:
        if row["engine"].startswith("pgbench-minimal"):
            protocol = {"pgbench-minimal": "one text query", "pgbench-minimal-extended": "parse+bind+execute each time",
                        "pgbench-minimal-prepared": "prepared once"}[row["engine"]]
            print(f"{concurrency:>3}  {'pgbench minimal':<16} {row['tps']:>9.0f} tps (one UPDATE + 2-row INSERT; {protocol})")
            continue
        workflows = row["workflows"]
        verified = row.get("verified", False)
        failed |= not verified
        print(f"{concurrency:>3}  {row['engine']:<16} {row['steps_per_second']:>9.0f} {row['p50_ms']:>8.1f} "
              f"{row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['db_commits'] / workflows:>10.1f} "
              f"{row['wal_bytes'] / workflows:>9.0f}  "
              f"{'yes' if verified else 'NO'} ({row.get('succeeded')} succeeded, {row.get('step_records')} step records)")
    flow, dbos, pgbench = by_engine.get("flow"), by_engine.get("dbos"), by_engine.get("pgbench-minimal")
    if flow and dbos:
        line = f"     Flow / DBOS = {flow['steps_per_second'] / dbos['steps_per_second']:.1f}× steps/s"
        if pgbench:
            line += (f"; Flow commits {flow['db_commits'] / flow['seconds']:.0f}/s = "
                     f"{100 * flow['db_commits'] / flow['seconds'] / pgbench['tps']:.0f} % of pgbench's tps")
        print(line)
sys.exit(1 if failed else 0)
