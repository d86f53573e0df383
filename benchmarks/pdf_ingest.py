"""PDF ingest time against pdfplumber's own extraction of the same files.

    python benchmarks/pdf_ingest.py [--corpus ../shared/corpus] [--repeat 3]

For each PDF: ``knowledge.ingest.read_report(path)`` (pdfplumber extraction, the second pass on
pages with detached numbers, and the whole parse into a report), against the floor
``pdfplumber.open(path)`` + ``page.extract_text()`` + ``page.extract_tables()`` for every page.
Both run in this process, ``--repeat`` times, taking turns at going first; the median is reported. Storing in
SQLite (jieba segmentation of sentences, checks) is not included, as it is not PDF work; see
``bench.py`` for a whole ingest. Target (issue 6): read_report ≤ 1.5 × the floor, per file and in total.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def plumber_floor(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
        return len(pdf.pages)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    from knowledge.ingest import read_report
    from knowledge.pdf import _gaps, _page_text  # noqa: F401  (imported now, not inside the timing)

    files = sorted(Path(args.corpus).glob("*.pdf"))
    if not files:
        raise SystemExit(f"no PDF in {args.corpus}")
    plumber_floor(files[0])  # imports and font tables warm
    rows = []
    for f in files:
        ours, floor = [], []
        pages = 0
        for i in range(args.repeat):
            for which in ("floor", "ours") if i % 2 == 0 else ("ours", "floor"):  # alternate who goes first
                t = time.perf_counter()
                if which == "floor":
                    pages = plumber_floor(f)
                    floor.append(time.perf_counter() - t)
                else:
                    read_report(f)
                    ours.append(time.perf_counter() - t)
        o, fl = statistics.median(ours), statistics.median(floor)
        rows.append(
            {
                "file": f.name,
                "pages": pages,
                "read_report_s": round(o, 3),
                "pdfplumber_s": round(fl, 3),
                "ratio": round(o / fl, 2),
            }
        )
        print(
            f"{f.name:62s} {pages:3d} p  read_report {o:6.2f} s  pdfplumber {fl:6.2f} s  {o / fl:5.2f} ×",
            file=sys.stderr,
        )
    total_o = sum(r["read_report_s"] for r in rows)
    total_f = sum(r["pdfplumber_s"] for r in rows)
    print(
        json.dumps(
            {
                "files": rows,
                "total": {
                    "pages": sum(r["pages"] for r in rows),
                    "read_report_s": round(total_o, 2),
                    "pdfplumber_s": round(total_f, 2),
                    "ratio": round(total_o / total_f, 2),
                },
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
