"""The catalog of a knowledge base, kept up to date at ingest so a bot can start without scanning it.

A bot recognises departments and 科目 in a question from the names the knowledge base holds. Built
from the data tables that means ``SELECT DISTINCT name, code FROM table_rows`` over millions of rows
at every start (0.3 s at 10 000 reports, seconds at 100 000). Instead, ingest maintains two small
tables in the same transaction as the report:

* ``catalog_words``: every distinct 科目名称 (with its 科目编码), 名词解释 term, 绩效 indicator and
  project name, with the number of reports that print it (so removing a report removes a word only
  when no other report has it);
* ``catalog_aliases``: the names a department goes by (full name, without its region, without
  ``事务中心``/``街道办事处``, numbers like ``12345``), one row per (alias, report), indexed by alias, so
  naming a department can be one indexed lookup instead of a walk over every report;
* ``catalog_regions``: every distinct ``reports.region`` with its number of reports, so a bot knows
  the regions the knowledge base covers without reading every report's row.

:func:`load` reads them back (cost grows with the number of distinct words and reports, never with
rows of tables); :func:`departments_named` answers "which reports does this text name" with one
indexed query, for a bot that does not want every report in memory. Rule synonyms and rule
department aliases are not knowledge-base data and stay with the bot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a writer needs it: a bot reads through knowledge.sqlitedb
    import sqlite_utils

from .model import ParsedReport

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[.、]|[(（][一二三四五六七八九十]+[)）])\s*")
_NOTES = re.compile(r"[(（](?:类|款|项|含专用结余)[)）]")

SCHEMA = """
CREATE TABLE IF NOT EXISTS catalog_words (
    kind TEXT NOT NULL, word TEXT NOT NULL, code TEXT NOT NULL DEFAULT '', reports INTEGER NOT NULL,
    PRIMARY KEY (kind, word, code)
);
CREATE TABLE IF NOT EXISTS catalog_aliases (
    alias TEXT NOT NULL, report_id INTEGER NOT NULL REFERENCES reports(id), PRIMARY KEY (alias, report_id)
);
CREATE INDEX IF NOT EXISTS idx_catalog_aliases_report ON catalog_aliases(report_id);
CREATE TABLE IF NOT EXISTS catalog_regions (region TEXT PRIMARY KEY, reports INTEGER NOT NULL);
"""

KINDS = ("row", "term", "indicator", "project")


def bare(name: str) -> str:
    """A label as people say it: no ``一、`` numbering, no ``(类)`` notes."""
    return _NOTES.sub("", _NUMBERING.sub("", name or "")).strip()


def department_aliases(department: str, region: str | None) -> list[str]:
    """The names a department goes by, longest first (the same forms the bot has always used)."""
    out = {department}
    if region and department.startswith(region) and len(department) > len(region) + 1:
        out.add(department[len(region) :])
    for m in re.finditer(r"\d{3,}", department):
        out.add(m.group(0))
    core = department[len(region) :] if region and department.startswith(region) else department
    core = re.sub(r"^(人民政府)", "", core)
    out.add(core)
    for suffix in ("街道办事处", "事务中心", "办事处", "中心"):
        if core.endswith(suffix) and len(core) > len(suffix) + 1:
            out.add(core[: -len(suffix)])
    return sorted((a for a in out if a), key=len, reverse=True)


def report_words(report: ParsedReport) -> set[tuple[str, str, str]]:
    """(kind, word, code) of one parsed report, each once."""
    words: set[tuple[str, str, str]] = set()
    for t in report.tables:
        for r in t.rows:
            if r.name:
                words.add(("row", r.name, r.code or ""))
    words |= {("term", t.term, "") for t in report.terms if t.term}
    for p in report.performance:
        if p.project:
            words.add(("project", p.project, ""))
        words |= {("indicator", i.name, "") for i in p.indicators if i.name}
    return words


def _stored_words(db: sqlite_utils.Database, report_id: int) -> set[tuple[str, str, str]]:
    q = [
        (
            "row",
            "SELECT DISTINCT name, COALESCE(code, '') FROM table_rows WHERE report_id = ? AND name != ''",
        ),
        ("term", "SELECT DISTINCT term, '' FROM terms WHERE report_id = ? AND term != ''"),
        (
            "indicator",
            "SELECT DISTINCT name, '' FROM performance_indicators WHERE report_id = ? AND name != ''",
        ),
        (
            "project",
            "SELECT DISTINCT project, '' FROM performance_projects WHERE report_id = ? AND project != ''",
        ),
    ]
    out: set[tuple[str, str, str]] = set()
    for kind, sql in q:
        out |= {(kind, w, c) for w, c in db.execute(sql, [report_id]).fetchall() if w is not None}
    return out


def add_report(
    db: sqlite_utils.Database, report_id: int, department: str, region: str | None, words: Iterable[tuple]
) -> None:
    """Count one report's words and aliases in. Called inside the report's transaction."""
    db.conn.executemany(
        "INSERT INTO catalog_words (kind, word, code, reports) VALUES (?, ?, ?, 1)"
        " ON CONFLICT (kind, word, code) DO UPDATE SET reports = reports + 1",
        sorted(set(words)),
    )
    db.conn.executemany(
        "INSERT OR IGNORE INTO catalog_aliases (alias, report_id) VALUES (?, ?)",
        [(a, report_id) for a in department_aliases(department, region)],
    )
    if region:
        db.execute(
            "INSERT INTO catalog_regions (region, reports) VALUES (?, 1)"
            " ON CONFLICT (region) DO UPDATE SET reports = reports + 1",
            [region],
        )


def remove_report(db: sqlite_utils.Database, report_id: int) -> None:
    """Count one stored report out; must run before its rows are deleted."""
    words = _stored_words(db, report_id)
    row = db.execute("SELECT region FROM reports WHERE id = ?", [report_id]).fetchone()
    if row and row[0]:
        db.execute("UPDATE catalog_regions SET reports = reports - 1 WHERE region = ?", [row[0]])
        db.execute("DELETE FROM catalog_regions WHERE reports <= 0")
    db.conn.executemany(
        "UPDATE catalog_words SET reports = reports - 1 WHERE kind = ? AND word = ? AND code = ?",
        sorted(words),
    )
    db.execute("DELETE FROM catalog_words WHERE reports <= 0")
    db.execute("DELETE FROM catalog_aliases WHERE report_id = ?", [report_id])


def rebuild(db: sqlite_utils.Database) -> None:
    """Fill both tables from the stored reports (migration of a knowledge base built before them)."""
    db.execute("DELETE FROM catalog_words")
    db.execute("DELETE FROM catalog_aliases")
    for kind, sql in (
        (
            "row",
            "SELECT name, COALESCE(code, ''), COUNT(DISTINCT report_id) FROM table_rows"
            " WHERE name IS NOT NULL AND name != '' GROUP BY name, COALESCE(code, '')",
        ),
        ("term", "SELECT term, '', COUNT(DISTINCT report_id) FROM terms WHERE term != '' GROUP BY term"),
        (
            "indicator",
            "SELECT name, '', COUNT(DISTINCT report_id) FROM performance_indicators"
            " WHERE name != '' GROUP BY name",
        ),
        (
            "project",
            "SELECT project, '', COUNT(DISTINCT report_id) FROM performance_projects"
            " WHERE project != '' GROUP BY project",
        ),
    ):
        db.conn.executemany(
            "INSERT INTO catalog_words (kind, word, code, reports) VALUES (?, ?, ?, ?)",
            [(kind, w, c, n) for w, c, n in db.execute(sql).fetchall() if w is not None],
        )
    rows = db.execute("SELECT id, department, region FROM reports").fetchall()
    db.conn.executemany(
        "INSERT OR IGNORE INTO catalog_aliases (alias, report_id) VALUES (?, ?)",
        [(a, rid) for rid, dept, region in rows for a in department_aliases(dept, region)],
    )
    rebuild_regions(db)


def rebuild_regions(db: sqlite_utils.Database) -> None:
    """Fill ``catalog_regions`` from the stored reports (also the migration of a knowledge base
    whose catalog predates the table)."""
    db.execute("DELETE FROM catalog_regions")
    db.execute(
        "INSERT INTO catalog_regions (region, reports) SELECT region, COUNT(*) FROM reports"
        " WHERE region IS NOT NULL AND region != '' GROUP BY region"
    )


def regions(db: sqlite_utils.Database) -> list[str] | None:
    """The regions the knowledge base's reports are in, from ``catalog_regions`` (one row a region,
    whatever the number of reports); None when the knowledge base has no such table."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'catalog_regions'").fetchone():
        return None
    return [r for (r,) in db.execute("SELECT region FROM catalog_regions ORDER BY region").fetchall()]


@dataclass(frozen=True)
class ReportEntry:
    id: int
    department: str
    year: int
    kind: str
    title: str
    region: str | None
    scope: str | None


@dataclass(frozen=True)
class Catalog:
    """What a bot needs to recognise names, without any row of the data tables.

    ``names`` holds (科目名称 as printed, 科目编码 or ''); ``department_aliases`` maps an alias to
    the ids of the reports whose department it names.
    """

    reports: tuple[ReportEntry, ...]
    names: tuple[tuple[str, str], ...]
    terms: frozenset[str]
    indicators: frozenset[str]
    projects: frozenset[str]
    department_aliases: dict[str, tuple[int, ...]]


def available(db: sqlite_utils.Database) -> bool:
    """Whether the persisted catalog exists (a read-only knowledge base built before it has none)."""
    return (
        db.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('catalog_words', 'catalog_aliases')"
        ).fetchone()[0]
        == 2
    )


def load(db: sqlite_utils.Database, with_reports: bool = True) -> Catalog:
    """The persisted catalog. Raises LookupError on a knowledge base that has none (open it
    writable once to migrate it)."""
    if not available(db):
        raise LookupError("知识库没有目录表，请以可写方式打开一次以升级 (no persisted catalog)")
    reports: tuple[ReportEntry, ...] = ()
    if with_reports:
        reports = tuple(
            ReportEntry(i, d, y, k, t or "", r, s)
            for i, d, y, k, t, r, s in db.execute(
                "SELECT id, department, year, kind, title, region, scope FROM reports ORDER BY id"
            ).fetchall()
        )
    by_kind: dict[str, list[tuple[str, str]]] = {k: [] for k in KINDS}
    for kind, word, code in db.execute(
        "SELECT kind, word, code FROM catalog_words ORDER BY kind, word, code"
    ):
        by_kind.setdefault(kind, []).append((word, code))
    aliases: dict[str, list[int]] = {}
    if with_reports:
        for alias, rid in db.execute(
            "SELECT alias, report_id FROM catalog_aliases ORDER BY alias, report_id"
        ):
            aliases.setdefault(alias, []).append(rid)
    return Catalog(
        reports,
        tuple(by_kind["row"]),
        frozenset(w for w, _ in by_kind["term"]),
        frozenset(w for w, _ in by_kind["indicator"]),
        frozenset(w for w, _ in by_kind["project"]),
        {a: tuple(ids) for a, ids in aliases.items()},
    )


MAX_ALIAS = 40


def departments_named(db: sqlite_utils.Database, text: str, min_len: int = 3) -> list[tuple[str, int, int]]:
    """(alias, start, report_id) for every known department alias in ``text`` (bounded: the text is
    cut at 500 characters and aliases at MAX_ALIAS), by one indexed query over its substrings."""
    text = text[:500]
    subs = {
        text[i:j] for i in range(len(text)) for j in range(i + min_len, min(len(text), i + MAX_ALIAS) + 1)
    }
    if not subs:
        return []
    found: list[tuple[str, int, int]] = []
    subs_list = sorted(subs)
    for k in range(0, len(subs_list), 900):  # SQLite's parameter limit
        chunk = subs_list[k : k + 900]
        marks = ",".join("?" * len(chunk))
        for alias, rid in db.execute(
            f"SELECT alias, report_id FROM catalog_aliases WHERE alias IN ({marks})", chunk
        ).fetchall():
            found.append((alias, text.find(alias), rid))
    return sorted(found, key=lambda x: (-len(x[0]), x[1], x[2]))
