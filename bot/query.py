"""Stage 5: parameterised SQL over the knowledge base, returning figures with their citations.

Every function returns :class:`Figure` objects that carry the exact decimal, its unit and the
:class:`Citation` of the cell or sentence it came from, so the answer can never print a number it
cannot cite. The SQL and its parameters are recorded for ``--explain``.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where a writer needs it: a bot reads through knowledge.sqlitedb
    import sqlite_utils

from knowledge.model import Citation
from rules import default_rules, table_layout

from .catalog import ReportInfo, bare


@dataclass
class Figure:
    subject: str
    value: Decimal
    unit: str
    citation: Citation
    column: str = ""
    table_code: str | None = None
    empty_cell: bool = False  # the report printed nothing: zero
    table_title: str = ""
    stated: str = ""  # a figure the 说明 states (knowledge/stated.py): its measure; '' otherwise
    derived: str = ""  # a stated previous-year figure computed from a stated change ('change')
    year: int | None = None  # the year a stated figure is about


class QueryCache:
    """Rows of recent queries, kept by the Bot for one version of its knowledge base.

    Every query the engine runs only reads, so its rows change only when the knowledge base does
    (the Bot clears this on reload). A ranking over twelve reports reads each report's narrative
    figures; asked again, they come from here. Bounded (least recently used out), and the rows are
    shared: callers read them, never change them.
    """

    def __init__(self, size: int = 512):
        self.size = size
        self.rows: OrderedDict[tuple, list[dict]] = OrderedDict()

    def get(self, db: sqlite_utils.Database, sql: str, params: list) -> list[dict]:
        key = (sql, tuple(params))
        rows = self.rows.get(key)
        if rows is None:
            rows = list(db.query(sql, params))
            self.rows[key] = rows
            if len(self.rows) > self.size:
                self.rows.popitem(last=False)
        else:
            self.rows.move_to_end(key)
        return rows

    def clear(self) -> None:
        self.rows.clear()


@dataclass
class QueryLog:
    """Every SQL statement one question ran, with its parameters (shown by ``--explain``)."""

    queries: list[tuple[str, list]] = field(default_factory=list)
    cache: QueryCache | None = None

    def run(self, db: sqlite_utils.Database, sql: str, params: list) -> list[dict]:
        self.queries.append((" ".join(sql.split()), list(params)))
        if self.cache is not None:
            return list(self.cache.get(db, sql, params))
        return list(db.query(sql, params))


@dataclass(frozen=True)
class Context:
    """One question being answered, passed explicitly to every stage below the report slot.

    It carries the knowledge base (``db``, ``catalog``) and the ``rules`` every handler reads, so a
    handler is a plain function of its inputs and can be called and tested alone. The Bot keeps no
    per-question state on itself: what a handler needs to know about the
    question (its normalised text, entities, the caller's conversation, the trace for
    ``--explain``) travels here, and so does the query log. ``notes`` is where one handler leaves a
    fact for a later one within the same question (the narrative clause an answer cited).
    """

    db: Any = None  # sqlite_utils.Database: the knowledge base, read only by the query stage
    catalog: Any = None  # bot.catalog.Catalog: reports, subjects and names of that knowledge base
    rules: Any = None  # rules.Rules: the words, patterns and sentences of one language
    question: str = ""
    ents: Any = None  # bot.entities.Entities (not imported: entities imports this module's users)
    conv: Any = None  # bot.conversation.Conversation, the caller's container
    trace: Any = None  # bot.answer.Trace when explaining
    log: QueryLog = field(default_factory=QueryLog)
    notes: dict = field(default_factory=dict)

    def run(self, db: sqlite_utils.Database, sql: str, params: list) -> list[dict]:
        return self.log.run(db, sql, params)

    @property
    def queries(self) -> list[tuple[str, list]]:
        return self.log.queries


# Which table answers first when several print the same 科目: expenditure detail, then the summary
# tables, then income. By code where the report numbers its tables, else by what the title says
# (budget reports and many final-accounts reports print no 公开NN表 codes).
def _table_rank(code: str | None, title: str) -> int:
    layout = table_layout()
    if code in layout.answer_order:
        return layout.answer_order.index(code)
    t = re.sub(default_rules().pattern("table_title_lead"), "", re.sub(r"[\"“”\s]", "", title or ""))
    t = re.sub(default_rules().pattern("table_title_department_lead"), "", t)
    for i, pattern in enumerate(layout.title_order):
        if pattern.search(t):
            return i
    return 50 + (0 if default_rules().one("expenditure_word") in t else 5)


def row_citation(report: ReportInfo, r: dict, column: str) -> Citation:
    row_label = f"{r['code']} {r['name']}" if r.get("code") else r["name"]
    if r.get("grp"):
        row_label = f"{r['grp']}{default_rules().one('group_separator')}{row_label}"
    return Citation(
        report=report.title or report.label,
        table=r["label"],
        row=row_label,
        column=column,
        quote=(r.get("raw") or "").replace("\t", " | ").strip(" |"),
        line=r["line"],
        page=r["page"],
    )


def table_figures(
    db: sqlite_utils.Database,
    log: QueryLog,
    report: ReportInfo,
    subject: str,
    columns: list[str],
    code: str | None = None,
) -> list[Figure]:
    """Cells of rows named ``subject`` (or with its 科目编码) in the measured columns."""
    likes = [like.format(subject=subject) for like in default_rules().word("numbered_row_names")]
    rows = log.run(
        db,
        "SELECT r.id, r.code, r.name, r.grp, r.raw, r.line, r.page, r.is_total, t.code AS tcode, t.title, t.label,"
        " t.unit FROM table_rows r JOIN report_tables t ON t.id = r.table_id"
        " WHERE r.report_id = ? AND (r.name = ? OR "
        + " OR ".join(["r.name LIKE ?"] * len(likes))
        + " OR r.code = ?)",
        [report.id, subject, *likes, code or "-"],
    )
    rows = [r for r in rows if bare(r["name"]) == subject or (code and r["code"] == code)]
    out: list[Figure] = []
    for r in rows:
        cells = log.run(db, "SELECT column_name, value, raw FROM cells WHERE row_id = ?", [r["id"]])
        chosen = _pick_column(cells, columns)
        if chosen is None:
            continue
        value = Decimal(chosen["value"]) if chosen["value"] is not None else Decimal("0.00")
        out.append(
            Figure(
                subject=subject,
                value=value,
                unit=r["unit"],
                citation=row_citation(report, r, chosen["column_name"]),
                column=chosen["column_name"],
                table_code=r["tcode"],
                empty_cell=chosen["value"] is None,
                table_title=r["title"],
            )
        )
    if not out and (
        default_rules().one("actual_column") in columns
        or default_rules().one("total_column") in columns
    ):
        # a subject that is a column (基本支出) holds actual figures in a final-accounts report
        # and budgets in a budget report: only when the measure asked is what the table holds
        out = column_figures(db, log, report, subject)
    out.sort(key=lambda f: (f.empty_cell, _table_rank(f.table_code, f.table_title)))
    return out


def row_column_figures(
    db: sqlite_utils.Database,
    log: QueryLog,
    report: ReportInfo,
    row_subject: str,
    column_subject: str,
    measure_label: str = "",
) -> list[Figure] | None:
    """The cell where a row named ``row_subject`` meets a column naming ``column_subject``
    (行政运行 × 公务接待费 in a 三公 table by 科目). None when no row has that name (the pair is not
    row and column); [] when rows exist but none of their tables has such a column, so the caller
    asks back rather than give another column's figure."""
    likes = [like.format(subject=row_subject) for like in default_rules().word("numbered_row_names")]
    rows = log.run(
        db,
        "SELECT r.id, r.code, r.name, r.grp, r.raw, r.line, r.page, r.is_total, t.code AS tcode, t.title, t.label,"
        " t.unit FROM table_rows r JOIN report_tables t ON t.id = r.table_id"
        " WHERE r.report_id = ? AND (r.name = ?" + " OR r.name LIKE ?" * len(likes) + ")",
        [report.id, row_subject, *likes],
    )
    rows = [r for r in rows if bare(r["name"]) == row_subject]
    if not rows:
        return None
    out: list[Figure] = []
    for r in rows:
        cells = log.run(db, "SELECT column_name, value, raw FROM cells WHERE row_id = ?", [r["id"]])
        for c in cells:
            prefix, _, col = (c["column_name"] or "").rpartition("·")
            if prefix and prefix != measure_label:
                continue
            if col == column_subject or sangong_column(column_subject, col):
                value = Decimal(c["value"]) if c["value"] is not None else Decimal("0.00")
                cite = row_citation(report, r, c["column_name"])
                out.append(
                    Figure(
                        column_subject,
                        value,
                        r["unit"],
                        cite,
                        c["column_name"],
                        r["tcode"],
                        c["value"] is None,
                        r["title"],
                    )
                )
                break
    return out


def columns_named(
    db: sqlite_utils.Database, log: QueryLog, report: ReportInfo, columns: list[str]
) -> list[dict]:
    """Every cell of the report under one of ``columns`` (人员编制数, 在职人数 of a 单位基本情况
    table), with its row and table, for subjects that are columns of a table without a total row."""
    if not columns:
        return []
    marks = ",".join("?" * len(columns))
    return log.run(
        db,
        "SELECT r.id, r.code, r.name, r.grp, r.raw, r.line, r.page, t.code AS tcode, t.title, t.label, t.unit,"
        " c.column_name, c.value FROM cells c JOIN table_rows r ON r.id = c.row_id"
        f" JOIN report_tables t ON t.id = r.table_id WHERE c.report_id = ? AND c.column_name IN ({marks})"
        " ORDER BY r.id",
        [report.id, *columns],
    )


def column_figures(
    db: sqlite_utils.Database, log: QueryLog, report: ReportInfo, subject: str
) -> list[Figure]:
    """Subjects that are columns rather than rows (基本支出, 项目支出): the total row's cell."""
    rows = log.run(
        db,
        "SELECT r.id, r.code, r.name, r.grp, r.raw, r.line, r.page, t.code AS tcode, t.title, t.label, t.unit,"
        " c.column_name, c.value FROM cells c JOIN table_rows r ON r.id = c.row_id"
        " JOIN report_tables t ON t.id = r.table_id"
        " WHERE c.report_id = ? AND c.column_name = ? AND r.is_total = 1 AND r.name = ?",
        [report.id, subject, default_rules().one("total_row")],
    )
    return [
        Figure(
            subject,
            Decimal(r["value"]) if r["value"] is not None else Decimal("0.00"),
            r["unit"],
            row_citation(report, r, subject),
            subject,
            r["tcode"],
            r["value"] is None,
        )
        for r in rows
    ]


def _pick_column(cells: list[dict], preferred: list[str]) -> dict | None:
    for want in preferred:
        for c in cells:
            col = c["column_name"] or ""
            if col == want or col.endswith("·" + want) or (want in col and "·" not in col):
                return c
    return None


# Which 三公 table column is which part, by the words its header uses (决算 and 预算 tables differ:
# 公务用车购置及运行维护费 / 公务用车购置及运行费, 公务用车购置费 / 购置费 …).
SANGONG_COLUMNS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    (
        default_rules().one("sangong_funds"),
        default_rules().word("sangong_funds_column_words"),
        default_rules().word("sangong_funds_column_unless"),
    ),
    (default_rules().one("travel_abroad"), default_rules().word("travel_abroad_column_words"), ()),
    (default_rules().one("official_reception"), default_rules().word("official_reception_column_words"), ()),
    (default_rules().one("official_vehicles"), default_rules().word("official_vehicles_column_words"), ()),
    (
        default_rules().one("vehicle_purchase"),
        default_rules().word("vehicle_purchase_column_words"),
        default_rules().word("vehicle_purchase_column_unless"),
    ),
    (
        default_rules().one("vehicle_running"),
        default_rules().word("vehicle_running_column_words"),
        default_rules().word("vehicle_running_column_unless"),
    ),
]


def sangong_column(part: str, column: str) -> bool:
    for name, words, unless in SANGONG_COLUMNS:
        if name == part:
            return any(w in column for w in words) and not any(u in column for u in unless)
    return False


def sangong_figures(
    db: sqlite_utils.Database, log: QueryLog, report: ReportInfo, part: str, measure_label: str
) -> list[Figure]:
    """三公 from the 三公 table. Columns carry 预算数·/决算数· prefixes where the table prints both;
    a budget report's table holds only budget figures, a final-accounts table without prefixes
    only actual ones."""
    rows = log.run(
        db,
        "SELECT r.id, r.code, r.name, r.grp, r.raw, r.line, r.page, t.code AS tcode, t.label, t.unit"
        " FROM table_rows r JOIN report_tables t ON t.id = r.table_id"
        " WHERE r.report_id = ? AND t.title LIKE ?",
        [report.id, default_rules().one("sangong_table_title_like")],
    )
    out = []
    for r in rows:
        cells = log.run(db, "SELECT column_name, value, raw FROM cells WHERE row_id = ?", [r["id"]])
        for c in cells:
            col = c["column_name"] or ""
            prefix, _, bare_col = col.rpartition("·")
            if prefix:
                if prefix != measure_label:
                    continue
            elif (report.kind == default_rules().one("budget")) != (
                measure_label == default_rules().one("budget_column")
            ):
                continue
            if not sangong_column(part, bare_col):
                continue
            value = Decimal(c["value"]) if c["value"] is not None else Decimal("0.00")
            out.append(
                Figure(
                    part, value, r["unit"], row_citation(report, r, col), col, r["tcode"], c["value"] is None
                )
            )
            break
    return out


def sentence_citation(report: ReportInfo, r: dict) -> Citation:
    return Citation(
        report=report.title or report.label,
        section=r.get("section_path") or r.get("path"),
        quote=r.get("sentence") or r.get("text") or "",
        line=r.get("line"),
        page=r.get("page"),
    )


def narrative_figures(
    db: sqlite_utils.Database,
    log: QueryLog,
    report: ReportInfo,
    forms: list[str],
    units: tuple[str, ...] | None = None,
) -> list[dict]:
    """Figures printed in the narrative whose clause names one of ``forms``."""
    if not forms:
        return []
    clauses = " OR ".join(["context LIKE ?"] * len(forms))
    params: list = [report.id] + [f"%{f}%" for f in forms]
    sql = f"SELECT * FROM narrative_figures WHERE report_id = ? AND ({clauses})"
    if units:
        sql += f" AND unit IN ({','.join('?' * len(units))})"
        params += list(units)
    return log.run(db, sql + " ORDER BY COALESCE(page, 0), line, id", params)


def narrative_figure(report: ReportInfo, r: dict, subject: str) -> Figure:
    return Figure(subject, Decimal(r["value"]), r["unit"], sentence_citation(report, r), column=r["context"])


def empty_table_for(
    db: sqlite_utils.Database, log: QueryLog, report: ReportInfo, subject: str
) -> dict | None:
    """A table about ``subject`` that the report declares empty (本单位无政府性基金…)."""
    key = subject.replace(default_rules().one("budget_fiscal_appropriation"), "").replace(
        default_rules().one("fiscal_appropriation"), ""
    )[:6]
    if len(key) < 3:
        return None
    rows = log.run(db, "SELECT * FROM report_tables WHERE report_id = ? AND empty = 1", [report.id])
    for r in rows:
        if key in re.sub(r"[\"“”‘’']", "", r["title"] or ""):
            return r
    return None


def search_sentences(
    db: sqlite_utils.Database, log: QueryLog, report: ReportInfo, words: list[str], limit: int = 5
) -> list[dict]:
    """Sentences containing all ``words`` (LIKE; words come from our own lexicon, passed as parameters)."""
    words = [w for w in words if w]
    if not words:
        return []
    # quotes are typography (“三公”经费): compare without them
    unquoted = "replace(replace(replace(s.text, '“', ''), '”', ''), '\"', '')"
    cond = " AND ".join([f"{unquoted} LIKE ?"] * len(words))
    return log.run(
        db,
        "SELECT s.*, c.path AS section_path FROM sentences s JOIN sections c ON c.id = s.section_id"
        f" WHERE s.report_id = ? AND {cond} ORDER BY COALESCE(s.page, 0), s.line LIMIT ?",
        [report.id] + [f"%{w}%" for w in words] + [limit],
    )


def _one_table(rows: list[dict]) -> list[dict]:
    """The rows of the one table that answers first (by code, else by title), never a mix."""
    best = min(
        {(r["table_id"], r["tcode"], r["title"]) for r in rows}, key=lambda t: (_table_rank(t[1], t[2]), t[0])
    )
    return [r for r in rows if r["table_id"] == best[0]]


def _ranked(report: ReportInfo, rows: list[dict]) -> list[Figure]:
    seen: dict[str, Figure] = {}
    for r in _one_table(rows):
        f = Figure(
            bare(r["name"]),
            Decimal(r["value"]),
            r["unit"],
            row_citation(report, r, r["column_name"]),
            r["column_name"],
            r["tcode"],
            table_title=r["title"],
        )
        seen.setdefault(f.subject, f)
    return sorted(seen.values(), key=lambda f: -f.value)


_RANK_SELECT = (
    "SELECT r.id, r.code, r.name, r.grp, r.raw, r.line, r.page, r.table_id, t.code AS tcode, t.title, t.label,"
    " t.unit, c.column_name, c.value FROM table_rows r JOIN report_tables t ON t.id = r.table_id"
    " JOIN cells c ON c.row_id = r.id WHERE r.report_id = ? AND c.value IS NOT NULL"
)


def rank_classes(db: sqlite_utils.Database, log: QueryLog, report: ReportInfo) -> list[Figure]:
    """类-level expenditure (一、一般公共服务支出 …) from the summary table's 支出 side."""
    rows = log.run(
        db,
        _RANK_SELECT + default_rules().one("rank_classes_sql"),
        [report.id],
    )
    return _ranked(report, rows) if rows else []


def rank_rows(
    db: sqlite_utils.Database, log: QueryLog, report: ReportInfo, economic: bool, within: str | None = None
) -> list[Figure]:
    """项-level rows of the expenditure table, or 款-level rows of the 基本支出 detail (economic
    classification, optionally only 人员经费 or 公用经费), largest first."""
    if economic:
        sql = _RANK_SELECT + default_rules().one("rank_economic_rows_sql")
        params: list = [report.id]
        if within:
            sql += (
                " AND (r.grp = ? OR (r.grp IS NULL AND ? = (CASE WHEN substr(r.code, 1, 3) IN ('301', '303')"
            )
            sql += default_rules().one("rank_within_group_sql_tail")
            params += [within, within]
    else:
        sql = _RANK_SELECT + default_rules().one("rank_subject_rows_sql")
        params = [report.id]
    rows = log.run(db, sql, params)
    return _ranked(report, rows) if rows else []


def findings_for(
    db: sqlite_utils.Database, log: QueryLog, report: ReportInfo, citations: list[Citation]
) -> list[str]:
    """Messages of consistency findings that cite any of these lines."""
    lines = {(c.page, c.line) for c in citations if c.line}
    if not lines:
        return []
    rows = log.run(db, "SELECT message, citations FROM findings WHERE report_id = ?", [report.id])
    out = []
    for r in rows:
        try:
            cited = {(c.get("page"), c.get("line")) for c in json.loads(r["citations"] or "[]")}
        except (ValueError, AttributeError):
            continue
        if cited & lines and r["message"] not in out:
            out.append(r["message"])
    return out


def stated_figures(
    db: sqlite_utils.Database,
    log: QueryLog,
    report: ReportInfo,
    subjects: list[str],
    measures: list[str],
    year: int,
) -> list[Figure]:
    """Figures the report's 说明 states for these subjects, of the first measure (in the order
    given) that has any, for one year; printed figures before ones computed from a stated change.
    One figure per distinct value: the value the report states most often first (a 说明 that says
    1.53 once and 0 three times of one item contradicts itself; the answer notes the other), then
    in the order stated."""
    if not subjects or not measures:
        return []
    marks = ",".join("?" * len(subjects))
    for measure in measures:
        rows = log.run(
            db,
            f"SELECT * FROM stated_facts WHERE report_id = ? AND subject IN ({marks}) AND measure = ? AND year = ?"
            " ORDER BY derived != '', COALESCE(page, 0), line, id",
            [report.id, *subjects, measure, int(year)],
        )
        out: dict[tuple[Decimal, str], Figure] = {}
        times: dict[tuple[Decimal, str], int] = {}
        for r in rows:
            key = (Decimal(r["value"]), r["unit"])
            times[key] = times.get(key, 0) + (0 if r["derived"] else 1)
            c = sentence_citation(report, {**r, "sentence": r["quote"]})
            f = Figure(
                r["subject"],
                Decimal(r["value"]),
                r["unit"],
                c,
                column=measure,
                stated=measure,
                derived=r["derived"] or "",
                year=r["year"],
            )
            out.setdefault(key, f)
        if out:
            return sorted(out.values(), key=lambda f: -times[(f.value, f.unit)])
    return []
