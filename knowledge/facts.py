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

``source`` is ``table`` for these rows. Figures the narrative states are read into
``stated_facts`` (``knowledge/stated.py``); the unambiguous ones enter this index too, as
``source = 'text'`` rows, so that a ranking or a sum over many reports counts a narrative-only
report (its nine tables published as separate attachments) without opening it:

* only a figure printed as such (not one computed from a stated change) and about the report's own
  year: the index never holds a 2015 figure of a 2016 report beside 2015 reports' own;
* ``subject`` the stated subject (``rules/zh/stated.yaml``: 三公经费, 基本支出,
  一般公共预算财政拨款支出 …, whose grammar keeps 收入 and 支出 apart), ``side`` its 收入/支出,
  ``measure`` the stated measure (决算 / 预算 / 年初预算 / 全年预算), ``code`` '';
* one figure per (subject, measure): a report stating two different figures of one subject and
  measure (中楼乡's 支出总计 2393.3 and 2396.3万元) has none here — which one is meant cannot be told;
* the citation: ``sentence_id`` and ``quote`` (the sentence), ``table_label`` the section path
  the sentence is in (the section plays the table's part), ``row_label`` the subject,
  ``column_name`` the measure, ``line``, ``page``.

A query names the source it reads; :func:`rank_reports` and :func:`total_reports` read both, a
report's table figure winning over what its text states. A report's facts are written in the
report's transaction and deleted with it.
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
    write_stated(db, rid)  # store_report writes the report's stated_facts first


_INSERT_TEXT = (
    "INSERT OR IGNORE INTO facts (report_id, source, subject, code, measure, side, year, kind, scope, value,"
    " unit, amount, base_unit, first, sentence_id, table_label, row_label, column_name, quote, line, page)"
    " SELECT ?, 'text', ?, '', ?, ?, year, kind, scope, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?"
    " FROM reports WHERE id = ?"
)


def stated_rows(db: sqlite_utils.Database, rid: int) -> list[tuple]:
    """The index rows of a report's stated facts: printed (not derived), of the report's own year,
    one per (subject, measure), none where the report states two different figures of one."""
    from .stated import vocabulary

    sides = {name: spec.side for name, spec in vocabulary().subjects.items()}
    chosen: dict[tuple[str, str], tuple] = {}
    seen: dict[tuple[str, str], set] = {}
    for sid, subject, measure, value, unit, amount, base, path, quote, line, page in db.execute(
        "SELECT f.sentence_id, f.subject, f.measure, f.value, f.unit, f.amount, f.base_unit, f.section_path,"
        " f.quote, f.line, f.page FROM stated_facts f JOIN reports r ON r.id = f.report_id"
        " WHERE f.report_id = ? AND f.derived = '' AND f.year = r.year ORDER BY f.id",
        [rid],
    ).fetchall():
        key = (subject, measure)
        seen.setdefault(key, set()).add((amount, base) if amount is not None else (value, unit))
        chosen.setdefault(
            key,
            (
                rid,
                subject,
                measure,
                sides.get(subject, ""),
                value,
                unit,
                amount,
                base,
                sid,
                path or "",
                subject,
                measure,
                quote,
                line,
                page,
                rid,
            ),
        )
    return [row for key, row in chosen.items() if len(seen[key]) == 1]


def write_stated(db: sqlite_utils.Database, rid: int) -> int:
    """(Re)write a report's ``source = 'text'`` rows from its ``stated_facts``; returns rows written."""
    db.execute("DELETE FROM facts WHERE report_id = ? AND source = 'text'", [rid])
    rows = stated_rows(db, rid)
    db.conn.executemany(_INSERT_TEXT, rows)
    return len(rows)


def rebuild(db: sqlite_utils.Database, report_ids: Iterable[int] | None = None) -> int:
    """Build the facts of stored reports from their tables and stated facts (migration, merge);
    returns rows written."""
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
        n += len(rows) + write_stated(db, rid)
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

    @property
    def section(self) -> str | None:
        """The section path a stated figure's sentence is in (``source = 'text'``); None for a table's."""
        return self.table_label if self.source == "text" else None


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
    source: str = "table",
) -> dict[int, int | None]:
    """report id → amount (hundredths of ``base_unit``; None where not exact) of one subject and
    measure, for the given reports: two integers a report, so ranking 100 000 reports costs one
    index scan rather than 100 000 figures. One figure per report as in :func:`rank`."""
    wanted = {int(i) for i in report_ids}
    where = "subject = ? AND measure = ? AND base_unit = ? AND source = ? AND first = 1"
    if year is not None and kind is not None:
        rows = db.execute(
            f"SELECT report_id, amount FROM facts WHERE {where} AND year = ? AND kind = ?",
            [subject, measure, base_unit, source, int(year), kind],
        ).fetchall()
        return {rid: amount for rid, amount in rows if rid in wanted}
    out: dict[int, int | None] = {}
    ids = sorted(wanted)
    for k in range(0, len(ids), 500):
        chunk = ids[k : k + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT report_id, amount FROM facts INDEXED BY idx_facts_key WHERE {where} AND report_id IN ({marks})"
        out.update(db.execute(sql, [subject, measure, base_unit, source, *chunk]).fetchall())
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


# -- what the 说明 states, beside the tables ------------------------------------------------------


def stated_subjects(subject: str) -> tuple[str, ...]:
    """The stated subjects whose figure answers ``subject`` as questions name it (its ``asked_as``
    in ``rules/zh/stated.yaml``: 收支总计 is 收入总计 and 支出总计), or the subject itself where the
    vocabulary names it so; () for a subject the 说明 grammar does not know."""
    from .stated import vocabulary

    subjects = vocabulary().subjects
    named = tuple(n for n, spec in subjects.items() if subject in spec.asked_as)
    return named or ((subject,) if subject in subjects else ())


def stated_measures(kind: str, budget: bool = False) -> tuple[str, ...]:
    """The stated measures, in order, that answer a question about a report of ``kind``: its own
    kind's (决算 for a 决算 report), or the budget ones (预算, 年初预算, 全年预算) when a budget is
    asked or the report is a budget, whose figures are all budgets."""
    from .stated import vocabulary

    v = vocabulary()
    own = v.default_measure.get(kind, "")
    if budget or own in v.budget_measures:
        return v.budget_measures
    return (own,) if own else ()


def stated_values(
    db: sqlite_utils.Database,
    subject: str,
    measures: Sequence[str],
    report_ids: Sequence[int] | None = None,
    base_unit: str | None = "元",
    year: int | None = None,
    kind: str | None = None,
    without_table: bool = False,
) -> dict[int, FactRow]:
    """report id → the figure its 说明 states of ``subject`` (as questions name it), in the first
    of ``measures`` it states; the given reports, or every report of ``year`` and ``kind``. A report
    stating two different figures for it (收支总计 as 收入总计 1682 and 支出总计 1680) is left out:
    which one is meant cannot be told. ``without_table``: only reports whose tables print no figure
    of the subject under any column (where they do, the table's figure is the report's, not the
    text's). ``base_unit`` None: any (a subject has one kind of unit). One indexed query per 500
    reports."""
    names = stated_subjects(subject)
    if not names or not measures:
        return {}
    where = (
        f"f.source = 'text' AND f.subject IN ({','.join('?' * len(names))})"
        f" AND f.measure IN ({','.join('?' * len(measures))}) AND f.amount IS NOT NULL"
    )
    params: list = [*names, *measures]
    if base_unit is not None:
        where += " AND f.base_unit = ?"
        params.append(base_unit)
    if without_table:
        where += (
            " AND NOT EXISTS (SELECT 1 FROM facts t WHERE t.report_id = f.report_id AND t.source = 'table'"
            " AND t.subject = f.subject)"
        )
    rows: list = []
    if report_ids is None:
        if year is None or kind is None:
            raise ValueError("stated_values: report_ids, or both year and kind")
        sql = f"{_SELECT} WHERE {where} AND f.year = ? AND f.kind = ? ORDER BY f.report_id, f.id"
        rows = db.execute(sql, [*params, int(year), kind]).fetchall()
    else:
        ids = sorted({int(i) for i in report_ids})
        for k in range(0, len(ids), 500):
            chunk = ids[k : k + 500]
            sql = (
                f"{_SELECT.replace('FROM facts f', 'FROM facts f INDEXED BY idx_facts_key')} WHERE {where}"
                f" AND f.report_id IN ({','.join('?' * len(chunk))})"
                + (" AND f.year = ? AND f.kind = ?" if year is not None and kind is not None else "")
                + " ORDER BY f.report_id, f.id"
            )
            extra = [int(year), kind] if year is not None and kind is not None else []
            rows += db.execute(sql, [*params, *chunk, *extra]).fetchall()
    by_report: dict[int, list[FactRow]] = {}
    for r in rows:
        by_report.setdefault(r[0], []).append(_fact(r))
    out: dict[int, FactRow] = {}
    for rid, found in by_report.items():
        for measure in measures:
            of = [f for f in found if f.measure == measure]
            if of:
                if len({f.amount for f in of}) == 1:
                    out[rid] = of[0]
                break  # an ambiguous statement is not answered by another measure's figure
    return out


def _table_amounts(
    db: sqlite_utils.Database, subject: str, column: str, year: int, kind: str, base_unit: str
) -> dict[int, tuple[int, int]]:
    """report id → (amount, fact id) of every report's first-printed table figure."""
    rows = db.execute(
        "SELECT report_id, amount, id FROM facts WHERE subject = ? AND measure = ? AND year = ? AND kind = ?"
        " AND base_unit = ? AND source = 'table' AND first = 1 AND amount IS NOT NULL",
        [subject, column, int(year), kind, base_unit],
    ).fetchall()
    return {rid: (amount, fid) for rid, amount, fid in rows}


def _with_stated(
    db: sqlite_utils.Database,
    subject: str,
    column: str,
    measures: Sequence[str],
    year: int,
    kind: str,
    base_unit: str,
) -> tuple[dict[int, tuple[int, int]], dict[int, FactRow]]:
    """Every report's figure of one year and kind: (table figures, stated figures of the reports
    that print no table figure of it)."""
    table = _table_amounts(db, subject, column, year, kind, base_unit) if column else {}
    text = (
        stated_values(db, subject, measures, None, base_unit, year, kind, without_table=True)
        if measures
        else {}
    )
    return table, {rid: f for rid, f in text.items() if rid not in table}


def rank_reports(
    db: sqlite_utils.Database,
    subject: str,
    column: str,
    measures: Sequence[str],
    year: int,
    kind: str,
    limit: int = 10,
    smallest: bool = False,
    base_unit: str = "元",
) -> list[FactRow]:
    """Reports of one year and kind ranked by one subject (largest first), narrative-only reports
    included: a report's table figure (``column``, as :func:`rank`), else the figure its 说明 states
    (``measures``, as :func:`stated_values`). Ties in report order (reversed for ``smallest``)."""
    table, text = _with_stated(db, subject, column, measures, year, kind, base_unit)
    merged = [(amount, rid, fid) for rid, (amount, fid) in table.items()]
    merged += [(f.amount, rid, None) for rid, f in text.items() if f.amount is not None]
    merged.sort(key=lambda x: (-x[0], x[1]))
    if smallest:
        merged.reverse()
    top = merged[: max(1, min(int(limit), 10_000))]
    wanted = [fid for _, _, fid in top if fid is not None]
    rows = {}
    for k in range(0, len(wanted), 500):
        chunk = wanted[k : k + 500]
        sql = f"{_SELECT.replace('SELECT ', 'SELECT f.id, ', 1)} WHERE f.id IN ({','.join('?' * len(chunk))})"
        rows.update({r[0]: _fact(r[1:]) for r in db.execute(sql, chunk).fetchall()})
    return [rows[fid] if fid is not None else text[rid] for _, rid, fid in top]


def total_reports(
    db: sqlite_utils.Database,
    subject: str,
    column: str,
    measures: Sequence[str],
    year: int,
    kind: str,
    base_unit: str = "元",
) -> tuple[Decimal, int, int]:
    """Exact sum over every report of one year and kind, narrative-only reports included as in
    :func:`rank_reports`: (sum in ``base_unit``, reports added, of which from their 说明)."""
    table, text = _with_stated(db, subject, column, measures, year, kind, base_unit)
    amounts_ = [a for a, _ in table.values()] + [f.amount for f in text.values() if f.amount is not None]
    return Decimal(sum(amounts_)) / 100, len(amounts_), len(text)


def measures(db: sqlite_utils.Database, subject: str) -> list[tuple[str, int]]:
    """The measures a subject is printed under, with how many facts each has (to choose a column)."""
    return [
        (m, n)
        for m, n in db.execute(
            "SELECT measure, COUNT(*) FROM facts WHERE subject = ? GROUP BY measure ORDER BY COUNT(*) DESC",
            [subject],
        ).fetchall()
    ]
