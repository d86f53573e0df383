"""Speed numbers for the README: cold start against a bare jieba start, warm latency, ingest time.

    python benchmarks/bench.py [--db PATH]

Cold numbers are whole-process wall times (median of 3); warm numbers are per question over the
reference question set, in one process. Floors: a bare jieba start with its default dictionary
(cached), and with the trimmed dictionary ``knowledge/data/jieba_small.txt`` (cached). The bot's
cold start is measured cached and on a first run (its jieba cache file deleted before each run),
and, for comparison, with the full dictionary (``SMALL_DICT`` pointed elsewhere).
Scale, PDF and dictionary-size numbers: ``scale.py``, ``pdf_ingest.py``, ``make_small_dict.py``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from hashlib import md5
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _wall(cmd: list[str], before=None) -> float:
    times = []
    for _ in range(3):
        if before:
            before()
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

    from knowledge import segment

    floor = _wall([sys.executable, "-c", "import jieba; jieba.lcut('三公经费多少')"])
    ask = [sys.executable, "-m", "cli", "--db", str(db_path), "ask", "三公经费多少"]
    cold = _wall(ask)
    small = segment.SMALL_DICT.exists()
    extra = {}
    if small:
        floor_small = _wall(
            [
                sys.executable,
                "-c",
                "import jieba, logging; jieba.setLogLevel(logging.WARNING);"
                f" jieba.Tokenizer({str(segment.SMALL_DICT)!r}).lcut('三公经费多少')",
            ]
        )
        caches = Path(segment.cache_dir())

        def no_cache() -> None:
            for f in [
                *caches.glob("disclosure-bot-jieba-*.bin"),
                caches / f"jieba.u{md5(str(segment.SMALL_DICT).encode()).hexdigest()}.cache",
            ]:
                f.unlink(missing_ok=True)

        cold_first = _wall(ask, before=no_cache)
        full_bot = [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; import knowledge.segment as s;"
            " s.SMALL_DICT = Path('/nonexistent'); from cli.main import main;"
            f" sys.exit(main(['--db', {str(db_path)!r}, 'ask', '三公经费多少']))",
        ]
        extra = {
            "cold_jieba_small_floor_s": round(floor_small, 3),
            "cold_ratio_small": round(cold / floor_small, 2),
            "cold_ask_first_run_s": round(cold_first, 3),
            "cold_ask_full_dict_s": round(_wall(full_bot), 3),
        }

    bot = Bot(db_path)
    qs = [
        json.loads(x)["question"]
        for x in (ROOT / "tests/questions/reference.jsonl").read_text().splitlines()
        if x
    ]
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
        "small_dict": small,
        **extra,
        "warm_p50_ms": round(lat[len(lat) // 2], 2),
        "warm_p95_ms": round(lat[int(len(lat) * 0.95)], 2),
        "questions": len(qs),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
