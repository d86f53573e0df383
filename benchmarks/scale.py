"""Latency against knowledge-base size: 1, 1 000 and 10 000 reports (built by ``synth.py``).

    python benchmarks/scale.py [--sizes 1,1000,10000] [--dir /tmp/disclosure-scale] [--rounds 2]
    python benchmarks/scale.py --profile 10000      # cProfile of the warm loop at one size

For each size, in a fresh process: ``Bot(db)`` construction time, the first ask (loads jieba and
adds every 科目名称 to it), then warm latency per question over ``tests/questions/reference.jsonl``
(one warm-up round, then ``--rounds`` timed rounds; p50/p95 over all timed asks). Also the whole
``python -m cli --db KB ask 三公经费多少`` process (median of 3).

So that every question has one defined answer whatever the size, a question that names no
department is prefixed with the reference department (and ``2024年`` when it names no year);
follow-up turns of a conversation are asked as they are, in their conversation. The outcome of
every question (correct / wrong / missed / declined, as ``bot.evaluate.judge``) is compared with
the one-report knowledge base, so a size that changes an answer shows up next to its latency.
Target (issue 4): p50 and p95 at 10 000 reports ≤ 1.5 × those at one report.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

QUESTIONS = ROOT / "tests" / "questions" / "reference.jsonl"
DEPARTMENT = "贵阳市12345政务服务便民热线事务中心"
YEAR_WORDS = re.compile(r"20\d{2}|今年|去年|前年|明年|后年|上年|上一年|本年|下一年")


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * q))]


def _peak_rss_mb() -> int | None:
    # VmHWM, not ru_maxrss: ru_maxrss survives exec and would report the parent's peak
    for line in (
        Path("/proc/self/status").read_text().splitlines() if Path("/proc/self/status").exists() else []
    ):
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return None


def prepared_cases(ref_db: Path) -> list[dict]:
    """The question set with the reference department named where a question names none."""
    from bot import Bot
    from bot.entities import recognise
    from bot.normalise import normalise

    bot = Bot(ref_db, readonly=True)
    cases = [json.loads(x) for x in QUESTIONS.read_text(encoding="utf-8").splitlines() if x.strip()]
    seen: set[str] = set()
    for c in cases:
        q = c["question"]
        conv = c.get("conversation")
        follow_up = bool(conv) and conv in seen
        if conv:
            seen.add(conv)
        ents = recognise(normalise(q), bot.catalog, bot.rules)
        if follow_up or ents.reports or ents.unknown_department:
            c["asked"] = q
        elif YEAR_WORDS.search(q):
            c["asked"] = DEPARTMENT + q
        else:
            c["asked"] = DEPARTMENT + "2024年" + q
    return cases


def worker(db: str, cases_file: str, rounds: int, profile: str | None) -> dict:
    from bot import Bot, Conversation
    from bot.evaluate import judge

    cases = json.loads(Path(cases_file).read_text(encoding="utf-8"))
    t = time.perf_counter()
    bot = Bot(db, readonly=True)
    startup = time.perf_counter() - t
    t = time.perf_counter()
    bot.ask("三公经费多少")
    first = time.perf_counter() - t

    def run(timed: list[float] | None) -> list[str]:
        convs: dict[str, Conversation] = {}
        outcomes = []
        for c in cases:
            conv = convs.setdefault(c["conversation"], Conversation()) if c.get("conversation") else None
            t0 = time.perf_counter()
            a = bot.ask(c["asked"], conv)
            dt = time.perf_counter() - t0
            if timed is not None:
                timed.append(dt * 1000)
            d = a.as_dict()
            outcomes.append(judge(c.get("expect", {}), d["status"], d["value"], d["unit"], d["answer"]))
        return outcomes

    outcomes = run(None)  # warm-up
    lat: list[float] = []
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
        run(lat)
        prof.disable()
        prof.dump_stats(profile)
    else:
        for _ in range(rounds):
            run(lat)
    return {
        "startup_s": round(startup, 3),
        "first_ask_s": round(first, 3),
        "p50_ms": round(_pct(lat, 0.5), 2),
        "p95_ms": round(_pct(lat, 0.95), 2),
        "mean_ms": round(statistics.fmean(lat), 2),
        "max_ms": round(max(lat), 1),
        "peak_rss_mb": _peak_rss_mb(),
        "outcomes": outcomes,
    }


def cold(db: Path) -> float:
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cli", "--db", str(db), "ask", "三公经费多少"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1,1000,10000")
    p.add_argument("--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "disclosure-scale"))
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument(
        "--names",
        choices=("hanzi", "digits"),
        default="hanzi",
        help="how synth.py numbers the copied departments (digits shows the alias clash)",
    )
    p.add_argument("--rebuild", action="store_true", help="rebuild the synthetic knowledge bases")
    p.add_argument("--profile", type=int, metavar="SIZE", help="cProfile the warm loop at SIZE reports")
    p.add_argument("--worker", nargs=2, metavar=("DB", "CASES"), help=argparse.SUPPRESS)
    p.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], args.worker[1], args.rounds, args.profile_out)))
        return

    import synth

    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    ref = synth.reference_db(work / "reference.db")
    sizes = [args.profile] if args.profile else [int(s) for s in args.sizes.split(",")]

    def kb(n: int) -> Path:
        return work / (f"kb-{n}.db" if args.names == "hanzi" or n == 1 else f"kb-{n}-{args.names}.db")

    builds = {}
    for n in sizes:
        path = kb(n)
        if args.rebuild or not path.exists():
            builds[n] = synth.build(path, n, ref, args.names)
            print(
                f"built {n} reports in {builds[n]['total_s']} s ({builds[n]['size_mb']} MB)", file=sys.stderr
            )
    cases = prepared_cases(ref)
    cases_file = work / "cases.json"
    cases_file.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")

    if args.profile:
        out = work / f"profile-{args.profile}.prof"
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                str(kb(args.profile)),
                str(cases_file),
                "--rounds",
                "1",
                "--profile-out",
                str(out),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        import pstats

        pstats.Stats(str(out)).sort_stats("cumulative").print_stats(30)
        pstats.Stats(str(out)).sort_stats("tottime").print_stats(15)
        return

    results = {}
    for n in sizes:
        path = kb(n)
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", str(path), str(cases_file), "--rounds", str(args.rounds)],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(proc.stdout)
        r["cold_ask_s"] = round(cold(path), 3)
        results[n] = r
        print(f"{n} reports: {json.dumps({k: v for k, v in r.items() if k != 'outcomes'})}", file=sys.stderr)

    base = results[sizes[0]]
    summary = {
        "questions": len(cases),
        "prefixed": sum(c["asked"] != c["question"] for c in cases),
        "sizes": {},
    }
    for n, r in results.items():
        changed = [
            f"{c['id']} {a}→{b}"
            for c, a, b in zip(cases, base["outcomes"], r["outcomes"], strict=True)
            if a != b
        ]
        summary["sizes"][n] = {
            **{k: v for k, v in r.items() if k != "outcomes"},
            "correct": r["outcomes"].count("correct"),
            "wrong": r["outcomes"].count("wrong"),
            "changed_vs_first": changed,
            "p50_ratio": round(r["p50_ms"] / base["p50_ms"], 2),
            "p95_ratio": round(r["p95_ms"] / base["p95_ms"], 2),
            **({"build": {k: v for k, v in builds[n].items() if k != "counts"}} if n in builds else {}),
        }
    print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
