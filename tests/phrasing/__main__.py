"""Print the coverage table (and optionally write the wrong figures) for a knowledge base.

    python -m tests.phrasing --reference [--per-fact 20] [--seed 12]
    python -m tests.phrasing --corpus [--json-only]
    python -m tests.phrasing --kb kb.db [--findings FILE]
    python -m tests.phrasing --pingtan [--per-fact 12]   # the 平潭 pages' facts, beside reference + corpus JSON
    python -m tests.phrasing --all      # the slow test's 20 000+: reference ×40, corpus ×12, 平潭 ×12 per fact
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from .check import answer_rate, counts, diagnose, inconsistent, run
from .facts import load
from .generate import generate
from .kb import PINGTAN, REFERENCE, build, corpus_sources, pingtan_reports, pingtan_sources
from .report import findings, markdown


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.phrasing", description=__doc__)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--kb", type=Path, help="an existing knowledge base (read only)")
    src.add_argument("--reference", action="store_true", help="build one from the reference report")
    src.add_argument("--corpus", action="store_true", help="build one from the reference report and the corpus")
    src.add_argument("--pingtan", action="store_true",
                     help="the 平潭 pages' facts (tables and stated figures), in a knowledge base with the reference and corpus JSON")
    src.add_argument("--all", action="store_true", help="reference (40 per fact), corpus and 平潭 (12 per fact) together")
    ap.add_argument("--json-only", action="store_true", help="with --corpus: only the page-text JSON reports")
    ap.add_argument("--per-fact", type=int, default=20, help="questions per fact (zeros get a quarter)")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--findings", type=Path, help="write every wrong figure here (markdown), each diagnosed")
    args = ap.parse_args(argv)

    from bot import Bot

    with tempfile.TemporaryDirectory() as tmp:
        # (knowledge base, questions per fact, only the 平潭 reports' facts)
        if args.all:
            runs = [(build(Path(tmp) / "ref.db", [REFERENCE]), 40, False),
                    (build(Path(tmp) / "corpus.db", [REFERENCE, *corpus_sources()]), 12, False)]
            if PINGTAN.is_dir():
                runs.append((build(Path(tmp) / "pingtan.db", pingtan_sources()), 12, True))
        elif args.reference:
            runs = [(build(Path(tmp) / "kb.db", [REFERENCE]), args.per_fact, False)]
        elif args.corpus:
            runs = [(build(Path(tmp) / "kb.db", [REFERENCE, *corpus_sources(args.json_only)]), args.per_fact, False)]
        elif args.pingtan:
            runs = [(build(Path(tmp) / "kb.db", pingtan_sources()), args.per_fact, True)]
        else:
            runs = [(args.kb, args.per_fact, False)]
        results, diagnosis, took = [], {}, 0.0
        for path, per_fact, pingtan in runs:
            index = load(path, stated=pingtan)
            questions = generate(index, per_fact, args.seed, pingtan_reports(index) if pingtan else None)
            start = time.perf_counter()
            bot = Bot(path)
            these = run(bot, questions)
            took += time.perf_counter() - start
            if args.findings:
                diagnosis.update(
                    {len(results) + i: diagnose(bot, index, r) for i, r in enumerate(these) if r.cls == "wrong"}
                )
            results += these
    c = counts(results)
    good, det = answer_rate(results)
    where = "reference ×40 + corpus ×12 + 平潭 ×12 per fact" if args.all else f"{args.per_fact} per fact"
    name = "reference" if args.reference else "平潭 pages" if args.pingtan else "corpus"
    title = f"{args.kb.name if args.kb else name}, seed {args.seed}, {where}"
    if args.all:
        title = f"reference report, corpus and 平潭 pages, seed {args.seed}, {where}"
    print(markdown(results, title))
    print()
    print(f"{len(results)} questions in {took:.1f} s; wrong figures {c['wrong']}; "
          f"determinate correct {good}/{det}; facts whose paraphrases disagree {len(inconsistent(results))}")
    if args.findings:
        args.findings.write_text(findings(results, diagnosis or None), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
