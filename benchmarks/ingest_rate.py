"""Ingest throughput: markdown/JSON reports per second in one process, and PDFs with 1 and N jobs.

    python benchmarks/ingest_rate.py [--copies 40] [--json-rounds 5] [--jobs 2] [--profile] [--skip-pdf]

Markdown: ``--copies`` copies of the reference report, each with its own department (so each is a
new report, not a replacement), plus the page-text JSON reports of ../shared/corpus. PDF: the PDFs
of ../shared/corpus with ``--jobs 1`` and ``--jobs N`` (``ingest(..., jobs=N)``), each into a fresh
knowledge base. ``--profile`` prints where the time of the one-process markdown ingest goes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
HANZI = "〇一二三四五六七八九"


def _run(files: list[str], jobs: int, work: Path, name: str) -> tuple[float, list]:
    from knowledge.ingest import ingest
    from knowledge.store import open_db

    db = open_db(work / f"{name}.db")
    t, cpu = time.perf_counter(), time.process_time()
    outcomes = ingest(db, files, jobs=jobs)
    dt = time.perf_counter() - t
    _run.cpu = time.process_time() - cpu  # type: ignore[attr-defined]  # this process only (jobs=1)
    db.close()
    return dt, outcomes


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--copies", type=int, default=40)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--profile", action="store_true")
    p.add_argument("--skip-pdf", action="store_true")
    p.add_argument("--json-rounds", type=int, default=5, help="the JSON reports, each round into a fresh KB")
    args = p.parse_args()
    from knowledge.ingest import BUNDLED_REPORT

    work = Path(tempfile.mkdtemp(prefix="ingest-rate-"))
    text = BUNDLED_REPORT.read_text(encoding="utf-8")
    md = []
    for i in range(args.copies):
        n = "".join(HANZI[int(c)] for c in str(i + 1))
        f = work / f"r{i:04d}.md"
        f.write_text(
            text.replace("贵阳市12345政务服务便民热线事务中心", f"贵阳市第{n}政务服务中心"), encoding="utf-8"
        )
        md.append(str(f))
    md += [str(f) for f in sorted(CORPUS.glob("*.pages.json"))]
    _run(md[:1], 1, work, "warm")  # imports and jieba, once, outside the timing
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        dt, outs = _run(md, 1, work, "md-profile")
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    dt, outs = _run(md, 1, work, "md")
    ok = sum(o.status == "ingested" for o in outs)
    cpu = _run.cpu  # type: ignore[attr-defined]
    print(
        f"markdown/JSON, 1 process: {ok} reports in {dt:.2f} s wall = {ok / dt:.1f} reports/s;"
        f" {cpu:.2f} s CPU = {ok / cpu:.1f} reports/s of CPU (the machine is shared: CPU time is the measure)"
    )
    for label, part, rounds in (
        ("markdown", md[: args.copies], 1),
        ("page-text JSON", md[args.copies :], args.json_rounds),
    ):
        part_cpu = 0.0
        for r in range(rounds):  # the 4 JSON reports are ~0.25 s: too short to time once on a loaded machine
            _run(part, 1, work, f"{label[:2]}-{len(part)}-{r}")
            part_cpu += _run.cpu  # type: ignore[attr-defined]
        n = len(part) * rounds
        times = f" ({len(part)} × {rounds} fresh knowledge bases)" if rounds > 1 else ""
        print(f"  {label} alone: {n} reports{times}, {part_cpu:.2f} s CPU = {n / part_cpu:.1f} reports/s")
    if args.skip_pdf:
        return
    pdfs = [str(f) for f in sorted(CORPUS.glob("*.pdf"))]
    t1, o1 = _run(pdfs, 1, work, "pdf-1")
    tn, on = _run(pdfs, args.jobs, work, f"pdf-{args.jobs}")
    assert [o.status for o in o1] == [o.status for o in on]
    print(
        f"PDF ({len(pdfs)} files): 1 job {t1:.2f} s, {args.jobs} jobs {tn:.2f} s = {t1 / tn:.2f}× "
        f"({len(pdfs) / t1:.2f} → {len(pdfs) / tn:.2f} reports/s)"
    )


if __name__ == "__main__":
    main()
