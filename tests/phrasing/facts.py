"""Facts a correct answer must give, read from a knowledge base with plain SQL.

Test code only: the bot never imports it. The facts come from the knowledge base's own tables
(docs/schema.md), not from the bot, so the generator keeps working while the bot is rebuilt and
an answer is judged against what the report prints, not against what the bot computes.

A fact is one figure of one report: a table cell (its row's 科目名称/科目编码, its column's
measure, the table's unit), a figure of the narrative (the clause before it names it), or a
绩效 indicator's value. Every figure carries a ``key`` — its subject reduced to what people
say (numbering, 类/款/项 notes and a trailing 合计 dropped) — so that every other figure of
the same subject and measure can be found: a question about that subject may defensibly get
any of them (see ``Index.acceptable``).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

__all__ = ["Fact", "Index", "Report", "load", "subject_key"]

# Measures a question can ask for. 'actual' = 决算数 (what was spent / received), 'budget' =
# 预算数, 'prior' = the year before the report's year (only where the report states it),
# 'target' = an indicator's 年度指标值, 'count' = a number of people or things the narrative states.
MEASURES = ("actual", "budget", "prior", "target", "count")
MONEY_UNITS = ("万元", "元")

_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．]\s*|第[一二三四五六七八九十]+[部分项]\s*)"
)
_NOTES = re.compile(r"[(（][类款项][)）]")
_SPACE = re.compile(r"\s+")
_QUOTE = re.compile(r"[\"'“”‘’「」『』《》]")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Report:
    """One ingested report, as the ``reports`` table has it."""

    id: int
    department: str
    region: str
    year: int
    kind: str  # 决算 / 预算
    scope: str
    source: str = ""  # the file it was ingested from (to pick one collection's reports)


@dataclass(frozen=True)
class Fact:
    """One figure of one report that a question can ask for, with where it stands."""

    report_id: int
    source: str  # cell / narrative / indicator
    subject: str  # as printed, numbering and notes removed
    key: str  # subject_key(subject)
    code: str  # 科目编码 or ""
    measure: str  # one of MEASURES
    value: Decimal
    unit: str
    where: str  # table and row and column, or section, for findings


def subject_key(name: str) -> str:
    """What two printings of one subject have in common: 一、一般公共服务支出(类) ~ 一般公共服务支出."""
    s = _QUOTE.sub("", name)
    s = _SPACE.sub("", s)
    s = _NUMBERING.sub("", s)
    s = _NOTES.sub("", s)
    s = s.replace("（", "(").replace("）", ")")
    if s.endswith("合计") and len(s) > 2:
        s = s[:-2]
    if s.endswith("经费财政拨款支出"):
        s = s[: -len("财政拨款支出")]  # "三公"经费财政拨款支出 is the 三公经费 of the 三公 table
    return s


def _decimal(text: str | None) -> Decimal:
    if text is None or str(text).strip() == "":
        return Decimal("0.00")  # the report printed nothing: zero (docs/schema.md)
    try:
        return Decimal(str(text).replace(",", ""))
    except InvalidOperation:
        return Decimal("NaN")


def _column_measure(column: str, kind: str) -> str | None:
    """Which measure a table column carries: 预算数·… is a budget, 决算数/金额/合计 the actual
    figure — in a budget report every headline column is a budget."""
    head = column.split("·")[0]
    if "预算" in head and "决算" not in head:
        return "budget"
    if kind == "预算":
        return "budget"
    return "actual"


# Columns that carry a row's own figure (the others split it: 基本支出, 项目支出 …).
_HEADLINE = ("本年支出合计", "本年收入合计", "合计", "金额", "决算数", "预算数", "全年执行数", "小计", "总计")
_SKIP_NAMES = {"合计", "总计", "小计", "", "项目", "科目名称"}


def _is_headline(column: str) -> bool:
    tail = column.split("·")[-1]
    return any(tail == h or tail.endswith(h) for h in _HEADLINE) or "·" not in column and column in _HEADLINE


def _cells(con: sqlite3.Connection, reports: dict[int, Report]) -> list[Fact]:
    rows = con.execute(
        # A table the report declares empty (政府性基金, 国有资本经营) holds that fund's zeros,
        # not the department's: its rows are no subject's figure — except a values table (三公),
        # whose declared emptiness is the zero a 三公 question gets.
        """SELECT c.report_id, t.code, t.title, t.layout, t.unit, t.columns, r.code, r.name, r.is_total,
                  c.column_name, c.value, r.row_no, r.line
           FROM cells c JOIN table_rows r ON r.id = c.row_id JOIN report_tables t ON t.id = c.table_id
           WHERE t.empty = 0 OR t.layout = 'values'
           ORDER BY c.report_id, t.id, r.position, c.id"""
    ).fetchall()
    facts: list[Fact] = []
    for rid, tcode, title, layout, unit, _columns, code, name, is_total, col, value, _row_no, line in rows:
        report = reports[rid]
        unit = unit or "万元"
        label = f"{tcode or ''} {title}".strip()
        where = f"{label}，{code or ''} {name}，{col}，第{line}行"
        measure = _column_measure(col, report.kind)
        amount = _decimal(value)
        if amount.is_nan():
            continue
        if layout == "values":
            # 三公-style tables: one row, the subject is the column (预算数·公务接待费).
            parts = col.split("·")
            subj = parts[-1]
            if subj in ("合计", "小计"):
                subj = _values_total_subject(title)
            if not subj:
                continue
            facts.append(Fact(rid, "cell", subj, subject_key(subj), "", measure, amount, unit, where))
            continue
        subj = name or ""
        if subject_key(subj) in _SKIP_NAMES:
            # The total row of a subject table: its columns are subjects (基本支出, 财政拨款收入 …).
            if layout == "subject" and is_total:
                tail = col.split("·")[-1]
                if tail not in _HEADLINE and tail not in _SKIP_NAMES and not tail.startswith("第"):
                    facts.append(Fact(rid, "cell", tail, subject_key(tail), "", measure, amount, unit, where))
            continue
        if not _is_headline(col):
            continue
        facts.append(Fact(rid, "cell", subj, subject_key(subj), code or "", measure, amount, unit, where))
    # A 三公 table the report declares empty has no cells: its zero is the figure of 三公经费 and
    # of each of its parts, budget and actual alike (the bot cites the declaration).
    for rid, tcode, title, unit, line in con.execute(
        """SELECT t.report_id, t.code, t.title, t.unit, t.line FROM report_tables t
           WHERE t.layout = 'values' AND t.empty = 1
             AND NOT EXISTS (SELECT 1 FROM cells c WHERE c.table_id = t.id)"""
    ):
        whole = _values_total_subject(title)
        if not whole:
            continue
        where = f"{tcode or ''} {title}（本表无数据），第{line}行".strip()
        for subj in (whole, *SANGONG_PARTS):
            for measure in ("actual", "budget"):
                facts.append(Fact(rid, "cell", subj, subject_key(subj), "", measure, Decimal("0.00"), unit or "万元", where))
    return facts


# The parts a 三公 table prints (rules/lexicon.yaml groups say the same).
SANGONG_PARTS = ("因公出国(境)费", "公务用车购置及运行维护费", "公务用车购置费", "公务用车运行维护费", "公务接待费")


def _values_total_subject(title: str) -> str:
    """The 合计 of a values table is the thing the title names: 财政拨款"三公"经费支出决算表 → 三公经费."""
    t = _QUOTE.sub("", title)
    m = re.search(r"(三公经费)", t)
    return m.group(1) if m else ""


# Words that make a narrative clause a change, a share or a comparison, not a subject's figure.
_NOT_A_SUBJECT = ("增加", "减少", "下降", "增长", "降低", "上升", "降幅", "增幅", "占", "完成", "较", "比", "其中", "主要", "包括", "用于",
                  "情况", "调减", "调增", "按", "推进")
# A clause that is only accounting words (支出收入, 本年合计) names no subject.
_ONLY_ACCOUNTING = re.compile(r"^(?:支出|收入|本年|合计|总计|决算|预算)+$")
_NARRATIVE_MEASURE = (("年初预算", "budget"), ("预算", "budget"), ("决算", "actual"))
# 公共预算财政拨款 (an older printing, 平潭 2014) is the same fund as 一般公共预算财政拨款.
_FUND_NAMES = re.compile(r"一般公共预算|公共预算财政拨款|政府性基金预算|国有资本经营预算")
_TRAILING = re.compile(r"(?:决算数|决算|预算数|年初预算|全年预算|预算|支出决算|总额|合计)?(?:为|是|共|达|计)?$")
_YEAR = re.compile(r"(\d{4})\s*年度?")


_PART_OPENING = re.compile(r"^[(（]?其中[:：]?")


def _narrative(
    con: sqlite3.Connection, reports: dict[int, Report], names: dict[int, set[str]], loose: bool = False
) -> list[Fact]:
    """Figures of the narrative whose clause names a subject the report's tables or the
    narrative's own headline clauses know — not a change (增加/下降) or a share (占).
    ``loose`` (the 平潭 pages): a part opened by 其中 is its own name's figure ("(其中差旅费20万元"),
    and a clause that runs on from the one before it on its line (邮电费电费 for "邮电费…，电费…")
    names no subject."""
    facts: list[Fact] = []
    before: dict[tuple[int, int], list[str]] = {}
    for rid, context, value, unit, section, line in con.execute(
        "SELECT report_id, context, value, unit, section_path, line FROM narrative_figures ORDER BY id"
    ):
        report = reports[rid]
        if not context or unit in ("%", None):
            continue
        ctx = _SPACE.sub("", _QUOTE.sub("", context))
        if loose:
            earlier = before.setdefault((rid, line), [])
            fused = any(ctx.startswith(e) and len(ctx) > len(e) for e in earlier)
            earlier.append(ctx)
            if fused:
                continue
            ctx = _PART_OPENING.sub("", ctx)
        if any(w in ctx for w in _NOT_A_SUBJECT):
            continue
        measure = None
        years = [int(y) for y in _YEAR.findall(ctx)]
        if any(y == report.year - 1 for y in years) or "上年" in ctx:
            measure = "prior"
        elif any(y != report.year for y in years):
            continue
        bare = _FUND_NAMES.sub("", ctx)  # 一般公共预算财政拨款 is a fund, not a budget figure
        for word, m in _NARRATIVE_MEASURE:
            if word in bare and measure is None:
                measure = m
                break
        if measure is None:
            measure = "budget" if report.kind == "预算" else "actual"
        subj = _YEAR.sub("", ctx)
        if "(项)" in subj:
            # 教育支出(类)其他教育支出(款)其他教育支出(项) names the 项: people say its own name
            subj = re.split(r"\([类款]\)", subj.split("(项)")[0])[-1]
        subj = subj.replace(report.department, "")
        for prefix in (report.region, "同时", "发生"):
            if subj.startswith(prefix):
                subj = subj[len(prefix) :]
        subj = _TRAILING.sub("", subj)
        subj = subject_key(subj)
        for lead in ("上年度", "上年"):
            if measure == "prior" and subj.startswith(lead):
                subj = subj[len(lead) :]
        subj = _TRAILING.sub("", subj.removeprefix("发生"))
        # Keep only clauses that are a subject's name: known to the report's tables, or a noun
        # phrase ending as subjects do — never a fragment such as 支出决算 or 占本年支出合计的.
        subj = re.sub(r"\([^()]{3,}\)", "", subj)  # (以合同签订为准) is a remark, not the name
        if unit not in MONEY_UNITS and measure != "prior":
            measure = "count"  # 共有车辆3辆 is a state, in a budget report as in a final one
        if _ONLY_ACCOUNTING.match(subj) or len(subj) > 20:
            continue
        known = subj in names.get(rid, set())
        nounish = len(subj) >= 3 and re.search(r"(人数|经费|费|费用|支出|收入|金额|总计|辆|数量)$", subj)
        if not (known or nounish):
            continue
        amount = _decimal(value)
        if amount.is_nan():
            continue
        where = f"{section}，“{context}{raw_or(value)}{unit}”，第{line}行"
        facts.append(Fact(rid, "narrative", subj, subject_key(subj), "", measure, amount, unit, where))
    return facts


def raw_or(value: str | None) -> str:
    return "" if value is None else str(value)


_INDICATOR_VALUE = re.compile(r"^\s*([≥≤=<>＞＜]?)\s*(\d+(?:\.\d+)?)\s*(%|[^\d\s]+)?\s*$")


def _indicators(con: sqlite3.Connection) -> list[Fact]:
    """绩效 indicators whose values are one number with a unit: ≥95.15% → 95.15 %."""
    facts: list[Fact] = []
    for rid, name, target, actual, line in con.execute(
        "SELECT report_id, name, target, actual, line FROM performance_indicators ORDER BY id"
    ):
        for measure, text in (("actual", actual), ("target", target)):
            m = _INDICATOR_VALUE.match(text or "")
            if not m or not name:
                continue
            unit = m.group(3) or ""
            where = f"项目支出绩效自评表，{name}，{'实际完成值' if measure == 'actual' else '年度指标值'} {text}，第{line}行"
            facts.append(Fact(rid, "indicator", name, subject_key(name), "", measure, Decimal(m.group(2)), unit, where))
    return facts


# The stated measure (knowledge base's stated_facts.measure) as a fact's measure.
_STATED_MEASURE = {"决算": "actual", "预算": "budget", "年初预算": "budget", "全年预算": "budget"}
_COUNT_UNITS = ("人", "辆", "个", "台", "套", "家")
_ROW_NOTE = re.compile(r"[(（][^()（）]*[)）]$")


def _stated(con: sqlite3.Connection, reports: dict[int, Report]) -> list[Fact]:
    """Figures a 说明 sentence states, as the knowledge base's ``stated_facts`` has them (read
    by the ingest's own grammar, but only those printed as such, ``derived = ''``): the report's
    year, or the year before (``prior``); a number of people or cars is a ``count``."""
    facts: list[Fact] = []
    for rid, subject, measure, year, value, unit, section, quote, line in con.execute(
        """SELECT report_id, subject, measure, year, value, unit, section_path, quote, line
           FROM stated_facts WHERE derived = '' ORDER BY id"""
    ):
        report = reports[rid]
        if not subject or value is None:
            continue
        if unit in _COUNT_UNITS:
            m = "count" if year == report.year else None
        elif year == report.year:
            m = _STATED_MEASURE.get(measure)
        elif year == report.year - 1:
            m = "prior"
        else:
            m = None
        amount = _decimal(value)
        if m is None or amount.is_nan():
            continue
        where = f"{section or ''}，说明“{(quote or '')[:40]}”，第{line}行"
        facts.append(Fact(rid, "stated", subject, subject_key(subject), "", m, amount, unit or "万元", where))
    return facts


def _counts(con: sqlite3.Connection, reports: dict[int, Report]) -> list[Fact]:
    """A 单位基本情况 table (layout ``counts``): each unit's 编制数 / 在职人数 — asked as
    农业服务中心在职人数, the unit's name without its funding note (（财政拨款）); a table of
    one unit is the department's own, asked as 在职人数 alone."""
    facts: list[Fact] = []
    rows = con.execute(
        """SELECT c.report_id, t.id, t.title, t.unit, r.name, c.column_name, c.value, r.line
           FROM cells c JOIN table_rows r ON r.id = c.row_id JOIN report_tables t ON t.id = c.table_id
           WHERE t.layout = 'counts' AND t.empty = 0 ORDER BY c.report_id, t.id, r.position, c.id"""
    ).fetchall()
    units_of: dict[int, set[str]] = {}
    for _rid, tid, _t, _u, name, *_ in rows:
        units_of.setdefault(tid, set()).add(name)
    for rid, tid, title, unit, name, column, value, line in rows:
        amount = _decimal(value)
        if amount.is_nan() or not name or name in _SKIP_NAMES:
            continue
        unit_name = _ROW_NOTE.sub("", name)
        where = f"{title}，{name}，{column}，第{line}行"
        subjects = [unit_name + column]
        if len(units_of[tid]) == 1:
            subjects.append(column)
        for subj in subjects:
            facts.append(Fact(rid, "cell", subj, subject_key(subj), "", "count", amount, unit or "人", where))
    return facts


@dataclass(frozen=True)
class Index:
    """Every fact of a knowledge base, and the reports, looked up by subject."""

    reports: dict[int, Report]
    facts: tuple[Fact, ...]
    by_key: dict[tuple[int, str, str], tuple[Fact, ...]]
    by_code: dict[tuple[int, str, str], tuple[Fact, ...]]

    def same_subject(
        self, fact: Fact, report_ids: frozenset[int], measure: str, also: tuple[str, ...] = ()
    ) -> list[Fact]:
        """Every figure that a question naming this fact's subject (by name or by code, or by
        the ``also`` keys the question's wording may equally mean) and measure may defensibly
        get, in the given candidate reports."""
        out: list[Fact] = []
        for rid in report_ids:
            for key in dict.fromkeys((fact.key, *also)):
                out.extend(self.by_key.get((rid, key, measure), ()))
            if fact.code:
                out.extend(self.by_code.get((rid, fact.code, measure), ()))
        return out


def load(path: str | Path, stated: bool = False) -> Index:
    """Read the facts of a knowledge base (read-only). ``stated``: also the 说明's stated facts
    and the 单位基本情况 tables' counts (the 平潭 pages, whose tables are published apart)."""
    con = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        reports = {
            r[0]: Report(r[0], r[1] or "", r[2] or "", int(r[3] or 0), r[4] or "", r[5] or "", r[6] or "")
            for r in con.execute(
                "SELECT id, department, region, year, kind, scope, source_path FROM reports ORDER BY id"
            )
        }
        cells = _cells(con, reports)
        names: dict[int, set[str]] = {}
        for f in cells:
            names.setdefault(f.report_id, set()).add(f.key)
        facts = [*cells, *_narrative(con, reports, names, loose=stated)]
        if con.execute("SELECT name FROM sqlite_master WHERE name = 'performance_indicators'").fetchone():
            facts.extend(_indicators(con))
        if stated:
            facts.extend(_counts(con, reports))
            if con.execute("SELECT name FROM sqlite_master WHERE name = 'stated_facts'").fetchone():
                facts.extend(_stated(con, reports))
    finally:
        con.close()
    by_key: dict[tuple[int, str, str], list[Fact]] = {}
    by_code: dict[tuple[int, str, str], list[Fact]] = {}
    for f in facts:
        by_key.setdefault((f.report_id, f.key, f.measure), []).append(f)
        if f.code:
            by_code.setdefault((f.report_id, f.code, f.measure), []).append(f)
    return Index(
        reports,
        tuple(facts),
        {k: tuple(v) for k, v in by_key.items()},
        {k: tuple(v) for k, v in by_code.items()},
    )

