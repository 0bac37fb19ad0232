"""Enrolling a school year: `familycard clerk enroll` against the stub, with ratios.

Run: `.venv/bin/python bench/enroll.py [--rows 10000 100000] [--concurrency 4]`.
Not a test: it prints figures.

For each size N it generates N valid families (`sample_tax_code`: real check letters) as a
Tortona (citycard) CSV file, starts the stub on loopback with a SQLite file database
(`familycard stub serve --port 0 --db FILE`, its own process), and measures in the same
run, against the same stub:

  (a) `familycard clerk enroll FILE --report R` in a fresh process, as a clerk runs it:
      rows/s over the whole command (start-up, reading, checking, sending, report), and
      that process's peak RSS (from `wait4`);
  (b) a naive loop of the SDK: one single-row request at a time (`client.clerk.enroll`),
      on the first `--naive-rows` other families: rows/s;
  (c) the stub's raw rate on its cheapest endpoint, `GET /v1/portal`, with the same
      client concurrency as (a): requests/s.

It prints a/b (what bulk requests and concurrency buy over the naive loop) and a/c (rows
enrolled per cheapest request the stub could have served in the same time).  Goals on
a 2-core machine: 10,000 rows in under 10 s stub included, a/b >= 5, peak RSS < 200 MB
at 100,000 rows.  Also printed: the stub's own peak RSS, and a check that the stub holds
every row once.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

import familycard
from familycard.identifiers import sample_tax_code

BIN = Path(sys.executable).parent
CLERK_KEY = "stub-clerk-key"
TENANT = "tortona"
GOAL_SECONDS_10K = 10.0
GOAL_A_OVER_B = 5.0
GOAL_RSS_MB = 200.0


def family(i: int) -> dict[str, str]:
    return {
        "child_tax_code": sample_tax_code(i),
        "child_name": f"Bambino {i}",
        "guardian_email": f"genitore.{i}@example.it",
        "service": "mensa" if i % 3 else "casa_dei_bambini",
    }


def write_file(path: Path, start: int, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("child_tax_code;child_name;guardian_email;service\n")
        for i in range(start, start + count):
            row = family(i)
            f.write(";".join(row.values()) + "\n")


class Stub:
    """`familycard stub serve` in its own process, on a file database."""

    def __init__(self, folder: Path) -> None:
        self.process = subprocess.Popen(
            [str(BIN / "familycard"), "stub", "serve", "--port", "0", "--db", str(folder / "db")],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        self.portal = f"{self.url}/{TENANT}"

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def run_cli(
    stub: Stub, path: Path, report: Path, concurrency: int, batch_size: int
) -> tuple[float, float, int]:
    """(a): seconds, peak RSS in MB and exit status of `familycard clerk enroll`."""
    env = {**os.environ, "FAMILYCARD_CLERK_KEY": CLERK_KEY, "FAMILYCARD_PORTAL": stub.portal}
    command = [
        str(BIN / "familycard"),
        "clerk",
        "enroll",
        str(path),
        "--report",
        str(report),
        "--concurrency",
        str(concurrency),
        "--batch-size",
        str(batch_size),
    ]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, process.returncode


def naive(stub: Stub, start: int, count: int) -> float:
    """(b): rows/s enrolling one row per request, one request at a time."""
    with familycard.Client(stub.portal, clerk_key=CLERK_KEY) as client:
        client.info()
        began = time.perf_counter()
        for i in range(start, start + count):
            assert client.clerk.enroll(family(i)).status == "created"
        return count / (time.perf_counter() - began)


def raw(stub: Stub, requests: int, concurrency: int) -> float:
    """(c): requests/s on `GET /v1/portal`, `concurrency` clients at a time."""
    per_thread = requests // concurrency

    def work() -> None:
        with httpx.Client(base_url=stub.portal + "/v1") as http:
            for _ in range(per_thread):
                http.get("/portal").raise_for_status()

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return per_thread * concurrency / (time.perf_counter() - began)


def count_enrolments(stub: Stub) -> tuple[int, int]:
    """(enrolments listed, distinct keys) on the stub."""
    with familycard.Client(stub.portal, clerk_key=CLERK_KEY) as client:
        keys = [e.key for e in client.clerk.enrolments(page_size=5000)]
    return len(keys), len(set(keys))


def measure(
    rows: int, *, concurrency: int, batch_size: int, naive_rows: int, raw_requests: int
) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="familycard-bench-") as tmp:
        folder = Path(tmp)
        path, report = folder / "families.csv", folder / "report.csv"
        write_file(path, 0, rows)
        stub = Stub(folder)
        try:
            seconds, rss, status = run_cli(stub, path, report, concurrency, batch_size)
            assert status == 0, f"familycard clerk enroll exited {status}"
            listed, distinct = count_enrolments(stub)
            b = naive(stub, rows, naive_rows)
            c = raw(stub, raw_requests, concurrency)
            stub_rss = stub.peak_rss_mb()
        finally:
            stub.stop()
        lines = sum(1 for _ in report.open(encoding="utf-8-sig")) - 1
    a = rows / seconds
    return {
        "rows": rows,
        "seconds": seconds,
        "a": a,
        "b": b,
        "c": c,
        "a/b": a / b,
        "a/c": a / c,
        "rss": rss,
        "stub_rss": stub_rss,
        "listed": listed,
        "distinct": distinct,
        "report_lines": lines,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--naive-rows", type=int, default=2000)
    parser.add_argument("--raw-requests", type=int, default=4000)
    args = parser.parse_args()
    print(
        f"familycard clerk enroll, batches of {args.batch_size}, concurrency "
        f"{args.concurrency}, {os.cpu_count()} cores"
    )
    ok = True
    for rows in args.rows:
        m = measure(
            rows,
            concurrency=args.concurrency,
            batch_size=args.batch_size,
            naive_rows=args.naive_rows,
            raw_requests=args.raw_requests,
        )
        print(
            f"\n{rows:,} rows: {m['seconds']:.2f} s\n"
            f"  (a) clerk enroll       {m['a']:10,.0f} rows/s\n"
            f"  (b) naive single rows  {m['b']:10,.0f} rows/s  ({args.naive_rows:,} rows)\n"
            f"  (c) GET /v1/portal     {m['c']:10,.0f} requests/s  "
            f"({args.raw_requests:,} requests, concurrency {args.concurrency})\n"
            f"  a/b = {m['a/b']:.1f}   a/c = {m['a/c']:.2f}\n"
            f"  peak RSS: familycard {m['rss']:.0f} MB, stub {m['stub_rss']:.0f} MB\n"
            f"  stub holds {m['listed']:,} enrolments ({m['distinct']:,} distinct); "
            f"report has {m['report_lines']:,} lines"
        )
        checks = [
            (m["a/b"] >= GOAL_A_OVER_B, f"a/b >= {GOAL_A_OVER_B:g}"),
            (m["listed"] == m["distinct"] == rows, "every row enrolled once"),
            (m["report_lines"] == rows, "one report line per row"),
        ]
        if rows == 10_000:
            checks.append((m["seconds"] < GOAL_SECONDS_10K, f"under {GOAL_SECONDS_10K:g} s"))
        if rows == 100_000:
            checks.append((m["rss"] < GOAL_RSS_MB, f"peak RSS < {GOAL_RSS_MB:g} MB"))
        for passed, goal in checks:
            print(f"  {'ok  ' if passed else 'MISS'} {goal}")
            ok = ok and passed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
