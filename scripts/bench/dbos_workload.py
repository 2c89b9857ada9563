#!/usr/bin/env python3
"""The peer side of scripts/bench-peer.sh: DBOS Transact doing the shape Flow's worker benchmark does.

W workflows, each K sequential no-op steps whose outputs DBOS checkpoints (one row per step in
dbos.operation_outputs), C workflows in flight (C threads, each running its next workflow to the
end before starting another). Prints one JSON line: steps/s, workflow latency percentiles and the
verification (workflows in SUCCESS, step records), read back from the database after the run.

    dbos_workload.py --url postgresql://flow@127.0.0.1:5432/peer_c64 --workflows 2000 --steps 5 --concurrency 64
"""
import argparse
import asyncio
import json
import logging
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from dbos import DBOS, SetWorkflowID


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="system database (created if missing)")
    parser.add_argument("--workflows", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--mode", choices=["async", "threads"], default="async",
                        help="async: `async def` workflows and steps on one event loop (DBOS's faster mode here); "
                             "threads: C threads running synchronous workflows")
    args = parser.parse_args()

    DBOS(config={
        "name": "flow-peer-bench",
        "system_database_url": args.url,
        "sys_db_pool_size": args.concurrency + 4,
        "log_level": "WARNING",
    })

    @DBOS.step()
    def noop_step(workflow: int, index: int) -> int:
        return index

    @DBOS.workflow()
    def bench_workflow(workflow: int) -> int:
        total = 0
        for index in range(args.steps):
            total += noop_step(workflow, index)
        return total

    @DBOS.step()
    async def noop_step_async(workflow: int, index: int) -> int:
        return index

    @DBOS.workflow()
    async def bench_workflow_async(workflow: int) -> int:
        total = 0
        for index in range(args.steps):
            total += await noop_step_async(workflow, index)
        return total

    DBOS.launch()
    logging.getLogger("dbos").setLevel(logging.WARNING)
    run = uuid.uuid4().hex[:8]
    expected = sum(range(args.steps))
    latencies = []
    failures = []
    lock = threading.Lock()
    next_index = iter(range(args.workflows))

    def take():
        """The next workflow's index, or None when all were taken."""
        with lock:
            return next(next_index, None)

    def record(index, began, result, error):
        """One workflow's outcome: its latency, or a failure that fails the run."""
        if error is None and result != expected:
            error = RuntimeError(f"workflow {index} returned {result}, expected {expected}")
        with lock:
            if error is None:
                latencies.append((time.perf_counter() - began) * 1000)
            else:
                failures.append(repr(error))

    def client():
        while (index := take()) is not None:
            began, result, error = time.perf_counter(), None, None
            try:
                with SetWorkflowID(f"peer-{run}-{index}"):
                    result = bench_workflow(index)
            except Exception as caught:
                error = caught
            record(index, began, result, error)

    async def async_client():
        while (index := take()) is not None:
            began, result, error = time.perf_counter(), None, None
            try:
                with SetWorkflowID(f"peer-{run}-{index}"):
                    result = await bench_workflow_async(index)
            except Exception as caught:
                error = caught
            record(index, began, result, error)

    async def run_async():
        await asyncio.gather(*(async_client() for _ in range(args.concurrency)))

    began = time.perf_counter()
    if args.mode == "async":
        asyncio.run(run_async())
    else:
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            for _ in range(args.concurrency):
                pool.submit(client)
    seconds = time.perf_counter() - began

    engine = sa.create_engine(args.url.replace("postgresql://", "postgresql+psycopg://", 1)
                              if args.url.startswith("postgresql://") else args.url)
    with engine.connect() as connection:
        succeeded = connection.execute(sa.text(
            "SELECT count(*) FROM dbos.workflow_status WHERE workflow_uuid LIKE :prefix AND status = 'SUCCESS'"),
            {"prefix": f"peer-{run}-%"}).scalar()
        step_records = connection.execute(sa.text(
            "SELECT count(*) FROM dbos.operation_outputs WHERE workflow_uuid LIKE :prefix"),
            {"prefix": f"peer-{run}-%"}).scalar()
    engine.dispose()
    DBOS.destroy()

    latencies.sort()
    print(json.dumps({
        "engine": "dbos", "mode": args.mode,
        "workflows": args.workflows, "steps": args.steps, "concurrency": args.concurrency,
        "seconds": round(seconds, 3),
        "steps_per_second": round(args.workflows * args.steps / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "succeeded": succeeded, "step_records": step_records,
        "verified": succeeded == args.workflows and step_records == args.workflows * args.steps and not failures,
        "failures": failures[:5],
    }))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
