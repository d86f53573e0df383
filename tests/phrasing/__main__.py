"""Print the coverage table (and optionally write the wrong figures) for a knowledge base.

    python -m tests.phrasing --reference [--per-fact 20] [--seed 12]
    python -m tests.phrasing --corpus [--json-only]
    python -m tests.phrasing --kb kb.db [--findings FILE]
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
from .kb import REFERENCE, build, corpus_sources
from .report import findings, markdown


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.phrasing", description=__doc__)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--kb", type=Path, help="an existing knowledge base (read only)")
    src.add_argument("--reference", action="store_true", help="build one from the reference report")
    src.add_argument("--corpus", action="store_true", help="build one from the reference report and the corpus")
    ap.add_argument("--json-only", action="store_true", help="with --corpus: only the page-text JSON reports")
    ap.add_argument("--per-fact", type=int, default=20, help="questions per fact (zeros get a quarter)")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--findings", type=Path, help="write every wrong figure here (markdown), each diagnosed")
    args = ap.parse_args(argv)

    from bot import Bot

    with tempfile.TemporaryDirectory() as tmp:
        path = args.kb
        if args.reference:
            path = build(Path(tmp) / "kb.db", [REFERENCE])
        elif args.corpus:
            path = build(Path(tmp) / "kb.db", [REFERENCE, *corpus_sources(args.json_only)])
        index = load(path)
        questions = generate(index, args.per_fact, args.seed)
        start = time.perf_counter()
        bot = Bot(path)
        results = run(bot, questions)
        took = time.perf_counter() - start
        diagnosis = (
            {i: diagnose(bot, index, r) for i, r in enumerate(results) if r.cls == "wrong"} if args.findings else None
        )
    c = counts(results)
    good, det = answer_rate(results)
    title = f"{path.name if args.kb else ('reference' if args.reference else 'corpus')}, seed {args.seed}, {args.per_fact} per fact"
    print(markdown(results, title))
    print()
    print(f"{len(results)} questions in {took:.1f} s; wrong figures {c['wrong']}; "
          f"determinate correct {good}/{det}; facts whose paraphrases disagree {len(inconsistent(results))}")
    if args.findings:
        args.findings.write_text(findings(results, diagnosis), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
