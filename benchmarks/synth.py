"""Synthetic knowledge bases of N reports, copied from the reference report in SQL.

    python benchmarks/synth.py --reports 10000 --out /tmp/kb-10000.db [--ref REF.db]

Copy 0 is the reference report unchanged (贵阳市12345政务服务便民热线事务中心, 2024, 决算), so a
question that names it has a defined answer at every size. Copies 1…N-1 get the department
``贵阳市第{i}政务服务中心`` with ``i`` written in Chinese digits (第三四五, ``--names hanzi``, the
default) or in Arabic digits (第345, ``--names digits``), the year ``2015 + i % 12`` (2015–2026) and every amount in ``cells`` and
``narrative_figures`` scaled by ``1 + (i % 89 + 1) / 100`` (deterministic, never 1), so no two
neighbouring copies agree.

Every table is copied with one ``INSERT … SELECT`` over a generated sequence of copy numbers; ids
are shifted by ``copy × max(id)`` so foreign keys (table_id, row_id, section_id, sentence_id,
project_id) stay consistent.

Why Chinese digits by default: the bot takes every run of 3+ digits in a department name as an alias
and matches aliases as substrings, so 第345 (and 第123, 第234, 第202 …) also "names" 12345 / 2024 in
a question about the reference report, which then becomes ambiguous (see benchmarks/README.md).
``--names digits`` reproduces that. All of it runs in one transaction with the secondary indexes dropped
and created again at the end, and the full-text index is rebuilt once (``'rebuild'``).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# table → {column: the referenced table whose id it holds}
REFS: dict[str, dict[str, str]] = {
    "report_tables": {},
    "table_rows": {"table_id": "report_tables"},
    "cells": {"table_id": "report_tables", "row_id": "table_rows"},
    "sections": {},
    "sentences": {"section_id": "sections"},
    "terms": {},
    "narrative_figures": {"sentence_id": "sentences"},
    "performance_projects": {},
    "performance_indicators": {"project_id": "performance_projects"},
    "findings": {},
    "unplaced_lines": {},
    "facts": {"table_id": "report_tables", "row_id": "table_rows", "sentence_id": "sentences"},
    # what a 说明 sentence states: without it a copy answers "三公经费的预算" from the 决算 table
    "stated_facts": {"sentence_id": "sentences"},
}
SCALED = {"cells": "value", "narrative_figures": "value", "facts": "value", "stated_facts": "value"}
IN_BASE_UNITS = ("facts", "stated_facts")  # amount in hundredths of 元 (a 万元 figure × 10 000)
REFERENCE_NAME = "贵阳市12345政务服务便民热线事务中心"


HANZI = "〇一二三四五六七八九"


def number_sql(names: str) -> str:
    """SQL for copy ``c.k`` as it appears in the department name."""
    if names == "digits":
        return "c.k"
    expr = "CAST(c.k AS TEXT)"
    for d, h in enumerate(HANZI):
        expr = f"replace({expr}, '{d}', '{h}')"
    return expr


def reference_db(path: Path | None = None) -> Path:
    """A knowledge base holding only the bundled reference report (built if missing)."""
    from knowledge.ingest import BUNDLED_REPORT, ingest_file
    from knowledge.store import open_db

    path = path or Path(tempfile.mkdtemp(prefix="synth-ref-")) / "reference.db"
    if path.exists():
        open_db(path).close()  # a reference built by an older version gains the index (migration)
    else:
        db = open_db(path)
        outcome = ingest_file(db, str(BUNDLED_REPORT))
        db.close()
        if outcome.status != "ingested":
            raise SystemExit(f"could not ingest the reference report: {outcome}")
    return path


def build(out: Path, n: int, ref: Path, names: str = "hanzi", thin: bool = False) -> dict:
    """Write a knowledge base of ``n`` reports to ``out`` (replaced); returns timings and counts.

    ``thin``: every copy gets its ``reports`` row, its catalog rows and its ``facts`` (what opening
    a bot, naming a department and ranking across reports read), but only copy 0 — the reference
    report — its tables and text. At ~36 kB a report instead of ~260 kB, it measures those at sizes
    whose full copy would not fit on the disk (300 000 reports: ~78 GB).
    """
    from knowledge.store import open_db

    t0 = time.perf_counter()
    out = Path(out)
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(out) + suffix).unlink(missing_ok=True)
    open_db(out).close()  # the real schema, exactly as the bot creates it

    con = sqlite3.connect(str(out), isolation_level=None)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -200000")
    con.execute("PRAGMA temp_store = MEMORY")
    con.execute("ATTACH DATABASE ? AS ref", [str(ref)])
    (ref_reports,) = con.execute("SELECT COUNT(*) FROM ref.reports").fetchone()
    if ref_reports != 1:
        raise SystemExit(f"{ref} must hold exactly one report (has {ref_reports})")
    (ref_id, ref_year) = con.execute("SELECT id, year FROM ref.reports").fetchone()
    indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    stride = {t: con.execute(f"SELECT COALESCE(MAX(id), 0) FROM ref.{t}").fetchone()[0] for t in REFS}

    con.execute("BEGIN")
    for name, _ in indexes:
        con.execute(f"DROP INDEX {name}")
    con.execute("CREATE TEMP TABLE copies (k INTEGER PRIMARY KEY)")
    con.execute(
        "INSERT INTO temp.copies WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s WHERE k + 1 < ?)"
        " SELECT k FROM s",
        [n],
    )
    num = number_sql(names)
    con.execute(
        "INSERT INTO main.reports (id, department, region, year, kind, scope, title, source_path, source_format,"
        " sha256, tables_count, rows_count, unplaced_count)"
        " SELECT c.k + 1,"
        f" CASE WHEN c.k = 0 THEN r.department ELSE '贵阳市第' || {num} || '政务服务中心' END,"
        " r.region,"
        " CASE WHEN c.k = 0 THEN r.year ELSE 2015 + c.k % 12 END,"
        " r.kind, r.scope,"
        f" CASE WHEN c.k = 0 THEN r.title ELSE '贵阳市第' || {num} || '政务服务中心' || (2015 + c.k % 12)"
        "   || '年度部门' || r.kind || '公开报告' END,"
        " CASE WHEN c.k = 0 THEN r.source_path ELSE 'synthetic:' || c.k END,"
        " r.source_format,"
        " CASE WHEN c.k = 0 THEN r.sha256 ELSE r.sha256 || '-' || c.k END,"
        " r.tables_count, r.rows_count, r.unplaced_count"
        " FROM temp.copies c, ref.reports r ORDER BY c.k"
    )
    for table, refs in REFS.items():
        cols = [row[1] for row in con.execute(f"PRAGMA ref.table_info({table})")]
        exprs = []
        for col in cols:
            if col == "id":
                exprs.append(f"t.id + c.k * {stride[table]}")
            elif col == "report_id":
                exprs.append(f"c.k + 1 + t.report_id - {ref_id}")
            elif col in refs:
                exprs.append(f"t.{col} + c.k * {stride[refs[col]]}")
            elif table == "facts" and col == "year":
                exprs.append("CASE WHEN c.k = 0 THEN t.year ELSE 2015 + c.k % 12 END")
            elif table == "stated_facts" and col == "year":  # the year before stays the year before
                exprs.append(f"CASE WHEN c.k = 0 THEN t.year ELSE 2015 + c.k % 12 + t.year - {ref_year} END")
            elif col == "amount" and table in ("cells", *IN_BASE_UNITS):
                # the scaled value (2 decimals) in hundredths, times 10 000 for a fact in 万元 (→ 分)
                factor = "(CASE t.unit WHEN '万元' THEN 10000 WHEN '亿元' THEN 100000000 ELSE 1 END)"
                scaled = "CAST(ROUND(CAST(printf('%.2f', CAST(t.value AS REAL) * (1 + (c.k % 89 + 1) / 100.0)) AS REAL) * 100) AS INTEGER)"
                exprs.append(
                    f"CASE WHEN c.k = 0 OR t.amount IS NULL THEN t.amount ELSE {scaled}"
                    + (f" * {factor}" if table in IN_BASE_UNITS else "")
                    + " END"
                )
            elif SCALED.get(table) == col:
                exprs.append(
                    f"CASE WHEN c.k = 0 OR t.{col} IS NULL OR t.{col} = '' THEN t.{col}"
                    f" ELSE printf('%.2f', CAST(t.{col} AS REAL) * (1 + (c.k % 89 + 1) / 100.0)) END"
                )
            else:
                exprs.append(f"t.{col}")
        only_first = " WHERE c.k = 0" if thin and table != "facts" else ""
        con.execute(
            f"INSERT INTO main.{table} ({', '.join(cols)}) SELECT {', '.join(exprs)}"
            f" FROM temp.copies c, ref.{table} t{only_first} ORDER BY c.k, t.id"
        )
    t_rows = time.perf_counter()
    for _, sql in indexes:
        con.execute(sql)
    t_idx = time.perf_counter()
    con.execute("INSERT INTO main.sentences_fts (sentences_fts) VALUES ('rebuild')")
    con.execute("INSERT INTO main.sentences_search (sentences_search) VALUES ('rebuild')")
    t_search = time.perf_counter()
    # the catalog as ingest keeps it: every copy prints the reference's words; aliases per department
    from knowledge.catalog import department_aliases

    con.execute(
        "INSERT INTO main.catalog_words (kind, word, code, reports) SELECT kind, word, code, ? FROM ref.catalog_words",
        [n],
    )
    con.executemany(
        "INSERT OR IGNORE INTO main.catalog_aliases (alias, report_id) VALUES (?, ?)",
        (
            (a, rid)
            for rid, dept, region in con.execute("SELECT id, department, region FROM main.reports").fetchall()
            for a in department_aliases(dept, region)
        ),
    )
    con.execute(
        "INSERT INTO main.catalog_regions (region, reports) SELECT region, COUNT(*) FROM main.reports"
        " WHERE region IS NOT NULL AND region != '' GROUP BY region"
    )
    con.execute("COMMIT")
    t_fts = time.perf_counter()
    counts = {
        t: con.execute(f"SELECT COUNT(*) FROM main.{t}").fetchone()[0]
        for t in ("reports", *REFS, "catalog_words", "catalog_aliases", "catalog_regions")
    }
    con.close()
    return {
        "reports": n,
        "thin": thin,
        "path": str(out),
        "size_mb": round(out.stat().st_size / 1e6, 1),
        "rows_s": round(t_rows - t0, 2),
        "indexes_s": round(t_idx - t_rows, 2),
        "fts_s": round(t_search - t_idx, 2),
        "catalog_s": round(t_fts - t_search, 2),
        "total_s": round(t_fts - t0, 2),
        "counts": counts,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reports", "-n", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--names", choices=("hanzi", "digits"), default="hanzi")
    p.add_argument("--ref", help="a knowledge base holding only the reference report (built when omitted)")
    p.add_argument("--thin", action="store_true", help="tables and text of the reference copy only (see build)")
    args = p.parse_args()
    ref = reference_db(Path(args.ref) if args.ref else None)
    info = build(Path(args.out), args.reports, ref, args.names, args.thin)
    print(
        f"{info['reports']} reports → {info['path']} ({info['size_mb']} MB) in {info['total_s']} s"
        f" (rows {info['rows_s']} s, indexes {info['indexes_s']} s, FTS {info['fts_s']} s)"
    )


if __name__ == "__main__":
    main()
