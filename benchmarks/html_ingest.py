"""Web-page ingest time against lxml's own load of the same pages.

    python benchmarks/html_ingest.py [--pages ../shared/pingtan] [--repeat 5]

For each page: ``knowledge.ingest.read_report(path)`` (decode, parse, find the article, blocks,
grids, the whole report with figures), against the floor ``lxml.html.document_fromstring(text)``
+ ``text_content()`` of the same decoded text; and ``read_article`` (parse, metadata, the article
and its blocks and grids: the HTML reader's own part, before the report assembly every format
shares). CPU time (process_time), median of ``--repeat`` runs taking turns at going first.
``--cold`` empties the readers' memo caches (labels, NFKC, amounts) before each read, as for a
file read the first time. Target (issue 11): read_report ≤ 2 × the floor, in total.

``--facts FILE`` guards a speed change: the first run writes what every page reads to (each
table's rows and cells, each section's sentences, the figures, the metadata) to FILE; a run with
FILE present compares against it and exits 1 naming every page that reads differently.
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


def lxml_floor(path: Path) -> int:
    import lxml.html

    root = lxml.html.document_fromstring(path.read_bytes().decode("utf-8"))
    return len(root.text_content())


def page_facts(report) -> list:
    """What a page reads to, as JSON-able lists: tables (title, unit, layout, columns, every row's
    code, name, total flag and cells as printed), sections (path, sentences), figures, metadata."""
    m = report.meta
    return [
        [
            [t.code, t.title, t.unit, t.layout, list(t.columns),
             [[r.code, r.name, r.group, r.is_total, [[c.column, c.raw, str(c.value)] for c in r.cells]] for r in t.rows]]
            for t in report.tables
        ],
        [[list(s.path), [x.text for x in s.sentences]] for s in report.sections],
        [[f.context, str(f.value), f.unit] for f in report.figures],
        [m.title, m.department, m.region, m.year, m.kind, m.published, m.url],
        [u.reason for u in report.unplaced],
    ]  # fmt: skip


def check_facts(files: list[Path], path: Path) -> None:
    from knowledge.ingest import read_report

    got = {f.name: page_facts(read_report(f)) for f in files}
    if not path.exists():
        path.write_text(json.dumps(got, ensure_ascii=False), encoding="utf-8")
        print(f"facts of {len(got)} pages written to {path}", file=sys.stderr)
        return
    want = json.loads(path.read_text(encoding="utf-8"))
    differ = sorted(n for n in set(got) | set(want) if got.get(n) != want.get(n))
    if differ:
        raise SystemExit("pages reading differently from " + str(path) + ": " + ", ".join(differ))
    print(f"facts of {len(got)} pages as in {path}", file=sys.stderr)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", default=str(ROOT.parent / "shared" / "pingtan"))
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--cold", action="store_true", help="empty the memo caches before each read")
    p.add_argument("--facts", help="write the pages' facts here, or compare with them if the file exists")
    args = p.parse_args()
    from knowledge import numbers
    from knowledge.html_reader import read_article
    from knowledge.ingest import read_report

    def cold() -> None:
        if args.cold:
            for cache in ("_nfkc_cached", "_clean_label_cached", "_parse_amount_cached"):
                getattr(numbers, cache).cache_clear()

    files = sorted(Path(args.pages).glob("*.html"))
    if not files:
        raise SystemExit(f"no HTML page in {args.pages}")
    if args.facts:
        check_facts(files, Path(args.facts))
    read_report(files[0])  # imports warm
    lxml_floor(files[0])
    rows = []
    for f in files:
        ours, floor, article = [], [], []
        text = f.read_bytes().decode("utf-8")
        for i in range(args.repeat):
            for which in ("floor", "ours", "article") if i % 2 == 0 else ("article", "ours", "floor"):
                cold()
                t = time.process_time()
                if which == "floor":
                    lxml_floor(f)
                    floor.append(time.process_time() - t)
                elif which == "ours":
                    read_report(f)
                    ours.append(time.process_time() - t)
                else:
                    read_article(text, str(f))
                    article.append(time.process_time() - t)
        o, fl, a = statistics.median(ours), statistics.median(floor), statistics.median(article)
        rows.append(
            {
                "file": f.name,
                "read_report_ms": round(o * 1000, 2),
                "read_article_ms": round(a * 1000, 2),
                "lxml_ms": round(fl * 1000, 2),
            }
        )
        print(
            f"{f.name:60s} read_report {o * 1000:7.2f} ms  read_article {a * 1000:6.2f} ms"
            f"  lxml {fl * 1000:6.2f} ms  {o / fl:5.2f} ×",
            file=sys.stderr,
        )
    total_o = sum(r["read_report_ms"] for r in rows)
    total_a = sum(r["read_article_ms"] for r in rows)
    total_f = sum(r["lxml_ms"] for r in rows)
    summary = {
        "read_report_ms": round(total_o, 1),
        "read_article_ms": round(total_a, 1),
        "lxml_ms": round(total_f, 1),
        "total_ratio": round(total_o / total_f, 2),
        "article_ratio": round(total_a / total_f, 2),
        "cold": args.cold,
    }
    print(json.dumps({"files": rows, **summary}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
