"""The cross-report index: one row per (report, subject, measure, year), built at ingest.

A question over many reports ("2020年哪个部门三公经费最多", "各街道办公费合计") used to open every
candidate report and search its tables and narrative in Python: linear in the number of reports.
``facts`` holds every amount of every table once more, keyed by what it is about, so a ranking, a
sum or a comparison across reports is one query over an index:

* ``subject``: the 科目/item as people say it (``bare`` row name: no ``一、`` numbering, no
  ``(类)`` note); in a single-row "values" table (the 三公 table: columns ``决算数·公务接待费``) the
  part after ``·``, and its ``合计`` is the table's own subject (``三公经费``);
* ``measure``: the column as printed (``决算数``, ``本年支出合计``, ``预算数·合计`` stays whole in an
  ordinary table; in a values table only the part before ``·``);
* ``year`` (the year the figure is about), ``kind`` and ``scope`` copied from the report so the
  index alone answers a ranking;
* ``value`` exact (decimal string in ``unit``), ``amount`` an INTEGER in hundredths of
  ``base_unit`` (分 for money: 元 × 100, 万元 × 1 000 000), NULL if that would not be exact, so
  reports in 元 and in 万元 rank together and ``SUM(amount)`` is exact;
* the citation: ``table_id``/``row_id`` (or ``sentence_id``), ``table_label``, ``row_label``,
  ``column_name``, ``quote`` (the printed line or sentence), ``line``, ``page``.

``source`` is ``table`` for these rows. Figures the narrative states are in ``stated_facts``
(``knowledge/stated.py``; see docs/schema.md for why they are kept apart). A report's facts are
written in the report's transaction and deleted with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a writer needs it: a bot reads through knowledge.sqlitedb
    import sqlite_utils

from .catalog import bare
from .model import ParsedReport

SCHEMA = """
CREATE TABLE IF NOT EXISTS facts (
    id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id),
    source TEXT NOT NULL, subject TEXT NOT NULL, code TEXT NOT NULL DEFAULT '', measure TEXT NOT NULL,
    side TEXT NOT NULL DEFAULT '', year INTEGER NOT NULL, kind TEXT, scope TEXT,
    value TEXT, unit TEXT, amount INTEGER, base_unit TEXT, first INTEGER NOT NULL DEFAULT 1,
    table_id INTEGER REFERENCES report_tables(id), row_id INTEGER REFERENCES table_rows(id),
    sentence_id INTEGER REFERENCES sentences(id), table_label TEXT, row_label TEXT, column_name TEXT,
    quote TEXT, line INTEGER, page INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_facts_key
    ON facts(report_id, source, subject, code, measure, side, year);
CREATE INDEX IF NOT EXISTS idx_facts_rank ON facts(subject, measure, year, base_unit, amount);
CREATE INDEX IF NOT EXISTS idx_facts_rank_all ON facts(subject, measure, base_unit, amount);
"""

MONEY = {"元": 1, "万元": 10_000, "亿元": 100_000_000}
SKIP_SUBJECTS = {"", "合计", "总计", "小计"}


def amount_of(value: Decimal | None, unit: str | None) -> tuple[int | None, str | None]:
    """(hundredths of the base unit, base unit): money in 分, anything else in its own unit.

    None when the value has more decimals than that can hold exactly: a figure is never rounded.
    """
    if value is None:
        return None, None
    factor = MONEY.get(unit or "")
    base = "元" if factor else (unit or "")
    scaled = value * 100 * (factor or 1)
    try:
        if scaled != scaled.to_integral_value():
            return None, base
    except InvalidOperation:
        return None, base
    return int(scaled), base


def cell_amount(value: Decimal | None) -> int | None:
    """A table cell in hundredths of its own unit, or None where that is not exact."""
    if value is None:
        return None
    scaled = value * 100
    return int(scaled) if scaled == scaled.to_integral_value() else None


def table_subject(title: str) -> str:
    """What a single-row values table totals: 三公经费 for the 三公 table, else its bare title."""
    if "三公" in title:
        return "三公经费"
    return bare(title).removesuffix("表")


@dataclass(frozen=True)
class Fact:
    subject: str
    code: str
    measure: str
    value: Decimal
    unit: str
    table_index: int  # position of the table in the report, mapped to its id when stored
    row_index: int
    table_label: str
    row_label: str
    column_name: str
    quote: str
    line: int | None
    page: int | None


def _table_facts(t_index: int, layout: str, title: str, label: str, unit: str, rows: Iterable) -> list[Fact]:
    """Facts of one table. ``rows``: (row index, name, code, raw, line, page, [(column, Decimal)])."""
    out: list[Fact] = []
    for r_index, name, code, raw, line, page, cells in rows:
        row_label = f"{code} {name}" if code else (name or "")
        for column, value in cells:
            if value is None:
                continue
            if layout == "values" and "·" in column:
                measure, _, part = column.partition("·")
                subject = table_subject(title) if bare(part) in SKIP_SUBJECTS else bare(part)
            elif layout == "values":
                measure, subject = column, table_subject(title) if bare(name) in SKIP_SUBJECTS else bare(name)
            else:
                measure, subject = column, bare(name)
            if subject in SKIP_SUBJECTS or len(subject) < 2:
                continue
            out.append(
                Fact(
                    subject,
                    code or "",
                    measure,
                    value,
                    unit,
                    t_index,
                    r_index,
                    label,
                    row_label,
                    column,
                    raw or "",
                    line,
                    page,
                )
            )
    return out


def from_report(report: ParsedReport) -> list[Fact]:
    """Every table amount of an assembled report as a fact (empty tables have none)."""
    out: list[Fact] = []
    for ti, t in enumerate(report.tables):
        if t.empty:
            continue
        rows = (
            (ri, r.name, r.code, r.raw, r.source.line, r.source.page, [(c.column, c.value) for c in r.cells])
            for ri, r in enumerate(t.rows)
        )
        out += _table_facts(ti, t.layout, t.title, t.label, t.unit, rows)
    return out


_INSERT = (
    "INSERT OR IGNORE INTO facts (report_id, source, subject, code, measure, side, year, kind, scope, value,"
    " unit, amount, base_unit, first, table_id, row_id, table_label, row_label, column_name, quote, line, page)"
    " VALUES (?, 'table', ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _rows(rid: int, year: int, kind: str, scope: str | None, facts: Sequence[Fact], ids) -> list[tuple]:
    out = []
    met: set[tuple[str, str]] = set()
    for f in facts:
        tid, row_ids = ids[f.table_index]
        amount, base = amount_of(f.value, f.unit)
        first = int((f.subject, f.measure) not in met)
        met.add((f.subject, f.measure))
        out.append(
            (
                rid,
                f.subject,
                f.code,
                f.measure,
                year,
                kind,
                scope,
                str(f.value),
                f.unit,
                amount,
                base,
                first,
                tid,
                row_ids[f.row_index],
                f.table_label,
                f.row_label,
                f.column_name,
                f.quote,
                f.line,
                f.page,
            )
        )
    return out


def write(
    db: sqlite_utils.Database, rid: int, report: ParsedReport, ids: Sequence[tuple[int, list[int]]]
) -> None:
    """Store a report's facts; ``ids[i]`` is (table id, [row ids]) of its i-th table. The first
    table to print a (subject, code, measure) wins, as a reader meets it first."""
    m = report.meta
    db.conn.executemany(_INSERT, _rows(rid, m.year, m.kind, m.scope, from_report(report), ids))


def rebuild(db: sqlite_utils.Database, report_ids: Iterable[int] | None = None) -> int:
    """Build the facts of stored reports from their tables (migration, merge); returns rows written."""
    from decimal import Decimal as D

    if report_ids is None:
        report_ids = [r[0] for r in db.execute("SELECT id FROM reports ORDER BY id").fetchall()]
    n = 0
    for rid in report_ids:
        rep = db.execute("SELECT year, kind, scope FROM reports WHERE id = ?", [rid]).fetchone()
        if rep is None:
            continue
        db.execute("DELETE FROM facts WHERE report_id = ? AND source = 'table'", [rid])
        tables = db.execute(
            "SELECT id, layout, title, label, unit FROM report_tables WHERE report_id = ? AND COALESCE(empty, 0) = 0"
            " ORDER BY id",
            [rid],
        ).fetchall()
        rows_by_table: dict[int, list] = {}
        for row_id, tid, name, code, raw, line, page in db.execute(
            "SELECT id, table_id, name, code, raw, line, page FROM table_rows WHERE report_id = ? ORDER BY id",
            [rid],
        ):
            rows_by_table.setdefault(tid, []).append([row_id, name, code, raw, line, page, []])
        index = {r[0]: r for rs in rows_by_table.values() for r in rs}
        for row_id, column, value in db.execute(
            "SELECT row_id, column_name, value FROM cells WHERE report_id = ? ORDER BY id", [rid]
        ):
            if row_id in index:
                index[row_id][6].append((column, D(value) if value not in (None, "") else None))
        facts: list[Fact] = []
        ids = []
        for ti, (tid, layout, title, label, unit) in enumerate(tables):
            rs = rows_by_table.get(tid, [])
            ids.append((tid, [r[0] for r in rs]))
            facts += _table_facts(
                ti,
                layout or "",
                title or "",
                label or "",
                unit or "",
                ((ri, *r[1:]) for ri, r in enumerate(rs)),
            )
        rows = _rows(rid, rep[0], rep[1], rep[2], facts, ids)
        db.conn.executemany(_INSERT, rows)
        n += len(rows)
    return n


@dataclass(frozen=True)
class FactRow:
    """A fact as a query returns it, with the report it belongs to."""

    report_id: int
    department: str
    region: str | None
    year: int
    kind: str
    subject: str
    code: str
    measure: str
    value: Decimal
    unit: str
    amount: int | None
    base_unit: str
    source: str
    table_label: str | None
    row_label: str | None
    column_name: str | None
    quote: str | None
    line: int | None
    page: int | None


_SELECT = (
    "SELECT f.report_id, r.department, r.region, f.year, f.kind, f.subject, f.code, f.measure, f.value, f.unit,"
    " f.amount, f.base_unit, f.source, f.table_label, f.row_label, f.column_name, f.quote, f.line, f.page"
    " FROM facts f JOIN reports r ON r.id = f.report_id"
)


def _fact(row) -> FactRow:
    return FactRow(*row[:8], Decimal(row[8]), *row[9:])


def rank(
    db: sqlite_utils.Database,
    subject: str,
    measure: str,
    year: int | None = None,
    kind: str | None = None,
    limit: int = 10,
    code: str | None = None,
    smallest: bool = False,
    base_unit: str = "元",
    source: str = "table",
) -> list[FactRow]:
    """Reports ranked by one subject and measure (largest first), in one indexed query.

    Only figures in the same base unit compare (money by default: 元 and 万元 together). Figures
    of different years or kinds are never mixed unless the caller leaves ``year``/``kind`` open.
    One row per report: without ``code``, each report's first-printed figure of the subject
    (``first = 1``); a name printed under two 科目编码 or tables of one report (公务接待费 in the
    三公 table, code '', and as 30217 in the economic table) is chosen by passing ``code``.
    """
    where = ["f.subject = ?", "f.measure = ?", "f.base_unit = ?", "f.amount IS NOT NULL", "f.source = ?"]
    params: list = [subject, measure, base_unit, source]
    if year is not None:
        where.append("f.year = ?")
        params.append(int(year))
    if kind is not None:
        where.append("f.kind = ?")
        params.append(kind)
    if code is not None:
        where.append("f.code = ?")
        params.append(code)
    else:
        where.append("f.first = 1")
    order = "ASC" if smallest else "DESC"
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY f.amount {order}, f.id {order} LIMIT ?"  # all from the index, ties too
    params.append(max(1, min(int(limit), 10_000)))
    return [_fact(r) for r in db.execute(sql, params).fetchall()]


def values(
    db: sqlite_utils.Database,
    subject: str,
    measure: str,
    report_ids: Sequence[int],
    code: str | None = None,
    source: str = "table",
    year: int | None = None,
    kind: str | None = None,
) -> list[FactRow]:
    """The figure of one subject and measure in each of the given reports (for a comparison or a
    sum over named departments), in report order; a report without it is simply absent. One
    figure per report, chosen as in :func:`rank`. Reports all of one ``year`` and ``kind`` are
    read in one query over the ranking index (kept to the given reports here), however many."""
    pick = " AND f.code = ?" if code is not None else " AND f.first = 1"
    picked = [code] if code is not None else []
    if year is not None and kind is not None:
        wanted = {int(i) for i in report_ids}
        sql = (
            f"{_SELECT} WHERE f.subject = ? AND f.measure = ? AND f.year = ? AND f.kind = ? AND f.source = ?"
            + pick
            + " ORDER BY f.report_id, f.id"
        )
        rows = db.execute(sql, [subject, measure, int(year), kind, source, *picked]).fetchall()
        return [_fact(r) for r in rows if r[0] in wanted]
    out: list[FactRow] = []
    ids = [int(i) for i in report_ids]
    for k in range(0, len(ids), 500):
        chunk = ids[k : k + 500]
        sql = (  # by report first: the planner would otherwise walk every report's row of the subject
            f"{_SELECT.replace('FROM facts f', 'FROM facts f INDEXED BY idx_facts_key')}"
            f" WHERE f.subject = ? AND f.measure = ? AND f.source = ?"
            f" AND f.report_id IN ({','.join('?' * len(chunk))})" + pick + " ORDER BY f.report_id, f.id"
        )
        out += [_fact(r) for r in db.execute(sql, [subject, measure, source, *chunk, *picked]).fetchall()]
    return out


def amounts(
    db: sqlite_utils.Database,
    subject: str,
    measure: str,
    report_ids: Sequence[int],
    base_unit: str = "元",
    year: int | None = None,
    kind: str | None = None,
) -> dict[int, int | None]:
    """report id → amount (hundredths of ``base_unit``; None where not exact) of one subject and
    measure, for the given reports: two integers a report, so ranking 100 000 reports costs one
    index scan rather than 100 000 figures. One figure per report as in :func:`rank`."""
    wanted = {int(i) for i in report_ids}
    where = "subject = ? AND measure = ? AND base_unit = ? AND source = 'table' AND first = 1"
    if year is not None and kind is not None:
        rows = db.execute(
            f"SELECT report_id, amount FROM facts WHERE {where} AND year = ? AND kind = ?",
            [subject, measure, base_unit, int(year), kind],
        ).fetchall()
        return {rid: amount for rid, amount in rows if rid in wanted}
    out: dict[int, int | None] = {}
    ids = sorted(wanted)
    for k in range(0, len(ids), 500):
        chunk = ids[k : k + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT report_id, amount FROM facts INDEXED BY idx_facts_key WHERE {where} AND report_id IN ({marks})"
        out.update(db.execute(sql, [subject, measure, base_unit, *chunk]).fetchall())
    return out


def total(
    db: sqlite_utils.Database,
    subject: str,
    measure: str,
    year: int,
    kind: str,
    base_unit: str = "元",
    code: str | None = None,
) -> tuple[Decimal, int]:
    """Exact sum over every report of one year and kind, in ``base_unit`` (元 for money), and how
    many reports it adds up."""
    sql = (
        "SELECT SUM(amount), COUNT(*) FROM facts WHERE subject = ? AND measure = ? AND year = ? AND kind = ?"
        " AND base_unit = ? AND amount IS NOT NULL AND source = 'table'"
        + (" AND code = ?" if code is not None else " AND first = 1")
    )
    params = [subject, measure, int(year), kind, base_unit] + ([code] if code is not None else [])
    s, n = db.execute(sql, params).fetchone()
    return (Decimal(s or 0) / 100, n)


def measures(db: sqlite_utils.Database, subject: str) -> list[tuple[str, int]]:
    """The measures a subject is printed under, with how many facts each has (to choose a column)."""
    return [
        (m, n)
        for m, n in db.execute(
            "SELECT measure, COUNT(*) FROM facts WHERE subject = ? GROUP BY measure ORDER BY COUNT(*) DESC",
            [subject],
        ).fetchall()
    ]
