"""Load on the HTTP API: N uvicorn workers on 127.0.0.1 over one read-only knowledge base.

    .venv/bin/python benchmarks/load.py [--db kb.db] [--workers 1 2] [--clients 1 10 50]
                                        [--requests 400] [--seconds 20]

For each worker count it starts ``disclosure-bot api --workers N`` on a free loopback port (rate limit
off, one shared key), waits for ``/healthz``, then for each number of concurrent clients sends at most
``--requests`` questions or for at most ``--seconds`` seconds, whichever ends first. Every client holds
a conversation: a question, then a follow-up carrying the context token, so the tokens are part of
the load. It prints throughput and p50/p95/p99 latency as a markdown table. The load generator runs
on the same cores as the workers (asyncio + httpx, one process), so the numbers are a floor for a
machine that serves only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CONVERSATIONS = [
    ("三公经费多少", "预算呢"),
    ("办公费花了多少", "预算呢"),
    ("一般公共服务支出多少", "占比呢"),
    ("基本支出占总支出的比例", "项目支出呢"),
    ("什么是基本支出", "为什么支出下降了"),
    ("在编人数是多少", "公务用车购置费多少"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(db: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "DISCLOSURE_BOT_RATE_LIMIT": "",
        "DISCLOSURE_BOT_SECRET": os.urandom(32).hex(),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "--db", str(db), "api", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stopped as a whole, nothing else touched
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                # every worker answers /healthz once its Bot is built; give the others a moment
                time.sleep(1.0 + 0.5 * workers)
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(proc)
    raise SystemExit("the API did not start within 60 s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


async def load(url: str, clients: int, requests: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def one_client(n: int, client: httpx.AsyncClient) -> None:
        nonlocal errors, sent
        i = n
        while sent < requests and time.monotonic() < deadline:
            context = None
            for question in CONVERSATIONS[i % len(CONVERSATIONS)]:
                if sent >= requests:
                    return
                sent += 1
                body = {"question": question} if context is None else {"question": question, "context": context}
                t0 = time.perf_counter()
                try:
                    r = await client.post(url + "/v1/ask", json=body)
                    ok = r.status_code == 200
                    context = r.json().get("context") if ok else None
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                errors += not ok
            i += clients

    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(one_client(n, client) for n in range(clients)))
        wall = time.perf_counter() - t0
    latencies.sort()
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "errors": errors,
        "throughput": len(latencies) / wall,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="knowledge base (default: the reference report, built in a temp dir)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 10, 50])
    ap.add_argument("--requests", type=int, default=400, help="at most this many requests per run")
    ap.add_argument("--seconds", type=float, default=20.0, help="at most this long per run")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            from knowledge.paths import ensure_default_db

            db = ensure_default_db(Path(tmp) / "reference.db")
        print(f"knowledge base: {db}; {os.cpu_count()} cores; load generator on the same machine\n")
        print("| workers | clients | requests | errors | req/s | p50 ms | p95 ms | p99 ms |")
        print("|---|---|---|---|---|---|---|---|")
        for workers in args.workers:
            proc, url = start(db, workers)
            try:
                asyncio.run(load(url, 1, 20, 10))  # warm-up: jieba and the domain words in each worker
                for clients in args.clients:
                    r = asyncio.run(load(url, clients, args.requests, args.seconds))
                    print(
                        f"| {workers} | {clients} | {r['requests']} | {r['errors']} | {r['throughput']:.0f} "
                        f"| {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} |",
                        flush=True,
                    )
            finally:
                stop(proc)


if __name__ == "__main__":
    main()
