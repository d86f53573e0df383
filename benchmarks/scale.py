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


NAMED = [
    DEPARTMENT + "2024年办公费多少",
    "贵阳市第三四五政务服务中心2020年一般公共服务支出是多少",
    "贵阳市第一二三政务服务中心2018年本年支出合计多少",
]
ACROSS = ["2020年哪个部门办公费最多", "2020年哪个部门一般公共服务支出最多"]
RANKS = [("办公费", "决算数"), ("一般公共服务支出", "合计"), ("本年支出合计", "合计")]


def index_worker(db: str, rounds: int, across_rounds: int) -> dict:
    """Index-side numbers at one size: catalog (the bot's build today against the persisted
    catalog), the facts ranking query, and the bot's latency for named and cross-report questions."""
    from bot import Bot
    from bot.catalog import build_catalog
    from knowledge import catalog, facts
    from knowledge.store import open_db
    from rules import default_rules

    t = time.perf_counter()
    kb = open_db(db, readonly=True)
    kb.execute("SELECT COUNT(*) FROM reports").fetchone()
    open_s = time.perf_counter() - t
    rules = default_rules()
    t = time.perf_counter()
    build_catalog(kb, rules)
    bot_catalog_s = time.perf_counter() - t
    t = time.perf_counter()
    cat = catalog.load(kb)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    catalog.load(kb, with_reports=False)
    load_words_s = time.perf_counter() - t
    lookups = []
    for q in NAMED + ACROSS:
        t = time.perf_counter()
        catalog.departments_named(kb, q)
        lookups.append((time.perf_counter() - t) * 1000)
    rank_ms = []
    for _ in range(rounds):
        for subject, measure in RANKS:
            for year in (2020, None):
                t = time.perf_counter()
                facts.rank(kb, subject, measure, year=year, kind="决算", limit=10)
                rank_ms.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    s, n = facts.total(kb, "办公费", "决算数", 2020, "决算")
    total_ms = (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    bot = Bot(db, readonly=True)
    bot_s = time.perf_counter() - t
    bot.ask(NAMED[0])  # jieba and domain words
    named, across = [], []
    for _ in range(rounds):
        for q in NAMED if across_rounds else NAMED[:1]:  # thin: only copy 0 has tables
            t = time.perf_counter()
            bot.ask(q)
            named.append((time.perf_counter() - t) * 1000)
    reports = bot.catalog.reports
    # report rows the named questions read (a lazily read catalog: a handful, not every report)
    read = len(reports._by_id) if reports._all is None else len(reports._all)  # type: ignore[attr-defined]
    for _ in range(across_rounds):
        for q in ACROSS:
            t = time.perf_counter()
            bot.ask(q)
            across.append((time.perf_counter() - t) * 1000)
    return {
        "reports": len(cat.reports),
        "open_s": round(open_s, 4),
        "bot_catalog_s": round(bot_catalog_s, 3),
        "catalog_load_s": round(load_s, 3),
        "catalog_load_words_s": round(load_words_s, 4),
        "alias_lookup_p50_ms": round(_pct(lookups, 0.5), 2),
        "rank_p50_ms": round(_pct(rank_ms, 0.5), 3),
        "rank_p95_ms": round(_pct(rank_ms, 0.95), 3),
        "total_ms": round(total_ms, 2),
        "total_reports": n,
        "bot_init_s": round(bot_s, 3),
        "named_reports_read": read,
        "named_p50_ms": round(_pct(named, 0.5), 2),
        "named_p95_ms": round(_pct(named, 0.95), 2),
        "across_p50_ms": round(_pct(across, 0.5), 1) if across else None,
        "across_p95_ms": round(_pct(across, 0.95), 1) if across else None,
        "peak_rss_mb": _peak_rss_mb(),
    }


COLD_NAMED = DEPARTMENT + "2024年三公经费多少"  # names its department: the start that must not grow


def cold(db: Path, question: str = "三公经费多少", runs: int = 3) -> tuple[float, float]:
    """Median wall and CPU (user + sys of the child, what a shared machine does not distort) of
    ``runs`` whole ``ask`` processes."""
    import resource

    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cli", "--db", str(db), "ask", question],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


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
    p.add_argument(
        "--index",
        action="store_true",
        help="the cross-report index and catalog: build, size, open, catalog, ranking, named/cross latency",
    )
    p.add_argument("--across-rounds", type=int, default=2, help="rounds of the (slow) cross-report questions")
    p.add_argument(
        "--thin",
        action="store_true",
        help="thin synthetic knowledge bases (synth.py --thin: reports, catalog and facts of every copy,"
        " tables of copy 0 only); the bot's cross-report answers are not timed on them",
    )
    p.add_argument("--index-worker", metavar="DB", help=argparse.SUPPRESS)
    p.add_argument("--worker", nargs=2, metavar=("DB", "CASES"), help=argparse.SUPPRESS)
    p.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], args.worker[1], args.rounds, args.profile_out)))
        return
    if args.index_worker:
        print(json.dumps(index_worker(args.index_worker, args.rounds, args.across_rounds)))
        return

    import synth

    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    ref = synth.reference_db(work / "reference.db")
    sizes = [args.profile] if args.profile else [int(s) for s in args.sizes.split(",")]

    def kb(n: int) -> Path:
        if args.thin and n > 1:
            return work / f"kb-{n}-thin.db"
        return work / (f"kb-{n}.db" if args.names == "hanzi" or n == 1 else f"kb-{n}-{args.names}.db")

    builds = {}
    for n in sizes:
        path = kb(n)
        sidecar = path.with_suffix(".build.json")
        if args.rebuild or not path.exists():
            builds[n] = synth.build(path, n, ref, args.names, thin=args.thin and n > 1)
            sidecar.write_text(json.dumps(builds[n], ensure_ascii=False), encoding="utf-8")
            print(
                f"built {n} reports in {builds[n]['total_s']} s ({builds[n]['size_mb']} MB)", file=sys.stderr
            )
        elif sidecar.exists():
            builds[n] = json.loads(sidecar.read_text(encoding="utf-8"))
    if args.index:
        out = {}
        for n in sizes:
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--index-worker",
                    str(kb(n)),
                    "--rounds",
                    str(args.rounds),
                    "--across-rounds",
                    str(0 if args.thin and n > 1 else args.across_rounds),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(proc.stdout)
            wall, cpu = cold(kb(n))
            r["cold_ask_s"], r["cold_ask_cpu_s"] = round(wall, 3), round(cpu, 3)
            wall, cpu = cold(kb(n), COLD_NAMED, runs=5)
            r["cold_named_s"], r["cold_named_cpu_s"] = round(wall, 3), round(cpu, 3)
            r["size_mb"] = round(kb(n).stat().st_size / 1e6, 1)
            if n in builds:
                r["build_s"] = builds[n]["total_s"]
            out[n] = r
            print(f"{n} reports: {json.dumps(r)}", file=sys.stderr)
        base = out[sizes[0]]
        rank_base = out.get(1000, base)  # at one report a year's ranking is empty: compare with 1 000
        for r in out.values():
            r["rank_p50_ratio_vs_1000"] = round(r["rank_p50_ms"] / rank_base["rank_p50_ms"], 2)
            r["cold_ratio"] = round(r["cold_ask_s"] / base["cold_ask_s"], 2)
            r["cold_cpu_ratio"] = round(r["cold_ask_cpu_s"] / base["cold_ask_cpu_s"], 2)
            r["cold_named_cpu_ratio"] = round(r["cold_named_cpu_s"] / base["cold_named_cpu_s"], 2)
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return
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
        r["cold_ask_s"], r["cold_ask_cpu_s"] = (round(x, 3) for x in cold(path))
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
