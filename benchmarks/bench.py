"""Speed numbers for the README: cold start against a bare jieba start, warm latency, ingest time.

    python benchmarks/bench.py [--db PATH]

Cold numbers are whole-process wall times (median of 3); warm numbers are per question over the
reference question set, in one process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _wall(cmd: list[str]) -> float:
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db")
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))
    from bot import Bot
    from knowledge.ingest import BUNDLED_REPORT, ingest_file
    from knowledge.store import open_db

    db_path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "bench.db"
    t = time.perf_counter()
    db = open_db(db_path)
    ingest_file(db, str(BUNDLED_REPORT))
    db.close()
    ingest = time.perf_counter() - t

    floor = _wall([sys.executable, "-c", "import jieba; jieba.lcut('三公经费多少')"])
    cold = _wall([sys.executable, "-m", "bot", "--db", str(db_path), "ask", "三公经费多少"])

    bot = Bot(db_path)
    qs = [json.loads(x)["question"] for x in (ROOT / "tests/questions/reference.jsonl").read_text().splitlines() if x]
    bot.ask("三公经费多少")
    lat = []
    for q in qs:
        t = time.perf_counter()
        bot.ask(q)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    out = {
        "ingest_reference_s": round(ingest, 3),
        "cold_ask_s": round(cold, 3),
        "cold_jieba_floor_s": round(floor, 3),
        "cold_ratio": round(cold / floor, 2),
        "warm_p50_ms": round(lat[len(lat) // 2], 2),
        "warm_p95_ms": round(lat[int(len(lat) * 0.95)], 2),
        "questions": len(qs),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
