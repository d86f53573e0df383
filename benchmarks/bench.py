"""Speed numbers for the README: cold start against a bare jieba start, warm latency, ingest time.

    python benchmarks/bench.py [--db PATH]

Cold numbers are whole-process wall times (median of 3); warm numbers are per question over the
reference, held-out and corpus question sets (follow-ups in their conversations), in one process, with
p50/p95/p99; the slowest of several 500-character questions (the input cap) is reported too. Floors: a bare jieba start with its default dictionary
(cached), and with the trimmed dictionary ``knowledge/data/jieba_small.txt`` (cached). The bot's
cold start is measured cached and on a first run (its jieba cache file deleted before each run),
and, for comparison, with the full dictionary (``SMALL_DICT`` pointed elsewhere). ``cold_cpu_rounds``
(and ``--cold-cpu`` alone) is the cold ``ask`` against the trimmed-jieba floor in CPU time of the
child processes, median of 5 per round, the two interleaved round by round: the measure on a
shared machine. The project's bytecode is written first (as an installed package has it) and the
caches live in a directory of this run's own (``DISCLOSURE_BOT_CACHE``).
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


def _cpu(cmd: list[str], runs: int = 5) -> float:
    """Median CPU time (user + sys) of ``runs`` whole processes: what a shared machine's other jobs
    distort least."""
    import resource

    cpus = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(cpus)


def bytecode() -> None:
    """Compile the project's modules as an installed package has them (pip writes the bytecode of
    what it installs; an editable checkout relies on imports writing it, which
    ``PYTHONDONTWRITEBYTECODE=1`` — set on this machine — prevents, so every start would compile
    bot/, knowledge/, cli/ and rules/ again: ~0.1 s of CPU). jieba's bytecode, in the floor, was
    written at install."""
    import compileall

    for d in ("bot", "knowledge", "cli", "rules"):
        compileall.compile_dir(ROOT / d, quiet=1)


def cold_cpu(db_path: Path, rounds: int = 3) -> list[dict]:
    """Cold ``ask`` against the trimmed-jieba floor in CPU time, the two interleaved round by round."""
    from knowledge import segment

    bytecode()

    ask = [sys.executable, "-m", "cli", "--db", str(db_path), "ask", "三公经费多少"]
    floor = [
        sys.executable,
        "-c",
        "import jieba, logging; jieba.setLogLevel(logging.WARNING);"
        f" jieba.Tokenizer({str(segment.SMALL_DICT)!r}).lcut('三公经费多少')",
    ]
    _cpu(ask, 1), _cpu(floor, 1)  # caches (bytecode, jieba, pinyin) written once, outside the timing
    out = []
    for _ in range(rounds):
        a, f = _cpu(ask), _cpu(floor)
        out.append({"ask_cpu_s": round(a, 3), "floor_cpu_s": round(f, 3), "ratio": round(a / f, 2)})
    return out


def _warm(bot, sets: list[str], cpu: list[float] | None = None) -> list[float]:
    """Per-question latency (ms) over question sets, follow-ups asked in their conversations;
    ``cpu`` gets each question's CPU time (this process), which other jobs on the machine distort
    less than the wall time."""
    from bot import Conversation

    lat = []
    for name in sets:
        cases = [
            json.loads(x) for x in (ROOT / f"tests/questions/{name}.jsonl").read_text().splitlines() if x
        ]
        convs: dict[str, Conversation] = {}
        for c in cases:
            conv = convs.setdefault(c["conversation"], Conversation()) if c.get("conversation") else None
            t, c0 = time.perf_counter(), time.process_time()
            bot.ask(c["question"], conv)
            lat.append((time.perf_counter() - t) * 1000)
            if cpu is not None:
                cpu.append((time.process_time() - c0) * 1000)
    return lat


def _corpus_db(folder: Path) -> Path | None:
    """The reference report plus ../shared/corpus, for the corpus question set (None without it)."""
    corpus = ROOT.parent / "shared" / "corpus"
    if not corpus.is_dir():
        return None
    from knowledge.ingest import BUNDLED_REPORT, ingest
    from knowledge.store import open_db

    path = folder / "corpus.db"
    if not path.exists():
        db = open_db(path)
        ingest(db, [BUNDLED_REPORT, corpus])
        db.close()
    return path


def _long_questions(bot) -> dict:
    """The slowest of several 500-character questions (the input cap), in ms, wall and CPU (this
    process): what freezes a kiosk."""
    filler = "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏"
    questions = [
        "三" * 500,
        (filler * 30)[:500],
        ("请问贵中心今年的办工费具体花了多少钱呢" * 30)[:500],
        ("公用经费主要包括什么" * 50)[:500],
        ("为什么" + "办公费增加的原因" * 70)[:500],
    ]
    worst = {"wall_first": 0.0, "cpu_first": 0.0, "wall_again": 0.0, "cpu_again": 0.0}
    for when in ("first", "again"):  # first: each asked the first time; again: answered before
        for q in questions:
            t, c = time.perf_counter(), time.process_time()
            bot.ask(q)
            worst[f"wall_{when}"] = max(worst[f"wall_{when}"], (time.perf_counter() - t) * 1000)
            worst[f"cpu_{when}"] = max(worst[f"cpu_{when}"], (time.process_time() - c) * 1000)
    return {k: round(v, 1) for k, v in worst.items()}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db")
    p.add_argument("--cold-cpu", action="store_true", help="only the cold ask against the floor, in CPU time")
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))
    import os

    # the caches (jieba, pinyin, rules, sound readings) of this run only: "first run" deletes them
    # without touching the per-user cache that other processes on the machine read
    os.environ.setdefault("DISCLOSURE_BOT_CACHE", tempfile.mkdtemp(prefix="bench-cache-"))
    from bot import Bot
    from knowledge.ingest import BUNDLED_REPORT, ingest_file
    from knowledge.store import open_db

    db_path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "bench.db"
    t = time.perf_counter()
    db = open_db(db_path)
    ingest_file(db, str(BUNDLED_REPORT))
    db.close()
    ingest = time.perf_counter() - t
    if args.cold_cpu:
        print(json.dumps(cold_cpu(db_path), indent=2))
        return

    from knowledge import segment

    bytecode()
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
                *caches.glob("pinyin-*.sqlite"),  # knowledge/pinyin.py builds it again (once)
                *caches.glob("pinyin-readings-*.json"),  # the sound index's kept readings
                *caches.glob("disclosure-bot-*.json"),  # the rule files' parsed data
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
    runs = [(bot, ["reference", "heldout"])]
    corpus_db = _corpus_db(db_path.parent)
    if corpus_db is not None:
        runs.append((Bot(corpus_db), ["corpus"]))
    lat: list[float] = []
    cpu: list[float] = []
    for b, sets in runs:
        _warm(b, sets)  # one pass to warm the caches, then three timed
        for _ in range(3):
            lat += _warm(b, sets, cpu)
    lat.sort()
    cpu.sort()
    out = {
        "ingest_reference_s": round(ingest, 3),
        "cold_ask_s": round(cold, 3),
        "cold_jieba_floor_s": round(floor, 3),
        "cold_ratio": round(cold / floor, 2),
        "small_dict": small,
        **extra,
        "cold_cpu_rounds": cold_cpu(db_path),
        "warm_p50_ms": round(lat[len(lat) // 2], 2),
        "warm_p95_ms": round(lat[int(len(lat) * 0.95)], 2),
        "warm_p99_ms": round(lat[int(len(lat) * 0.99)], 2),
        "warm_cpu_p50_p95_p99_ms": [round(cpu[int(len(cpu) * q)], 2) for q in (0.5, 0.95, 0.99)],
        "questions": len(lat),
        "long_question_500_chars_ms": _long_questions(bot),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
