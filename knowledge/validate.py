"""Validation of an assembled report before anything is written: damage is refused, by file and line.

Why: the worst failure of the bot is a figure the report does not state. Damaged input (an extra
tab, a decimal comma, a truncated file, a year typo) used to be read "as well as possible", which
silently turned 行次 numbers into amounts, "0,69" into 69, or added a phantom 1999 report. This
module looks at the report as every reader assembles it (tables with their columns' roles, rows,
cells, sentences, metadata), so a new source format is held to the same rules by going through
the same ingest path.

What it refuses (each as a :class:`~knowledge.model.ReportError` naming the file and line):

* cells that do not fit their columns' roles (the grid reader marks them, e.g. a 行次 slid into the
  金额 column);
* amount cells that print digits but are not amounts (``0,69``, ``100,00``, ``1.2.3``);
* a 行次 column with holes or out of order inside a ledger side (a dropped or duplicated line);
* over-long 科目 names (they would also blow up the tokenizer's dictionary);
* a year far from the years the report's own text speaks of, or outside any plausible range;
* a department name that is a heading (``第二部分上海市普陀区…``): the cover's title was not read;
* (with :func:`check_replacement`) a report much smaller than the one it would replace.

What it does not refuse: a report that contradicts itself (a total that differs from its items, a
narrative figure that differs from a table) — that is what ``check`` reports; the figures are
still the report's own.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass

from .grid import FATAL_REASONS
from .limits import LIMITS, Limits
from .meta import region_of
from .model import ParsedReport, ReportError
from .narrative import heading_level
from .numbers import is_blank


@dataclass(frozen=True)
class Problem:
    """One reason to refuse a report, with where it stands."""

    message: str
    line: int | None = None
    page: int | None = None

    def where(self) -> str:
        parts = []
        if self.page:
            parts.append(f"第{self.page}页")
        if self.line:
            parts.append(f"第{self.line}行")
        return "".join(parts)


_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")


def problems(report: ParsedReport, limits: Limits = LIMITS, meta: bool = True) -> list[Problem]:
    """Every reason to refuse the report, in the order they stand in it (empty: the report is fine).

    ``meta=False`` skips the year/department checks: the operator named them (``--year``,
    ``--department``), which is exactly how a report with an unreadable cover is ingested."""
    out: list[Problem] = []
    out += _fatal_unplaced(report)
    out += _cells(report, limits)
    out += _row_numbers(report)
    if meta:
        out += _meta(report)
    return out


def validate(report: ParsedReport, path: str = "", limits: Limits = LIMITS, meta: bool = True) -> None:
    """Raise ReportError for the first problem (and say how many there are), else return."""
    found = problems(report, limits, meta)
    if not found:
        return
    first = found[0]
    more = f"（另有 {len(found) - 1} 处问题）" if len(found) > 1 else ""
    raise ReportError(
        f"{first.where()}{first.message}{more}；报告未导入，知识库没有改动 (report refused, knowledge base unchanged)",
        path or report.meta.source_path,
        first.line,
    )


def _fatal_unplaced(report: ParsedReport) -> list[Problem]:
    return [
        Problem(f"{u.reason}：{u.text.strip()[:60]!r}", u.source.line, u.source.page)
        for u in report.unplaced
        if u.reason in FATAL_REASONS
    ]


def _cells(report: ParsedReport, limits: Limits) -> list[Problem]:
    out: list[Problem] = []
    n_rows = sum(len(t.rows) for t in report.tables)
    if n_rows > limits.max_rows:
        out.append(Problem(f"表格行数过多：{n_rows}，上限 {limits.max_rows} (too many table rows)"))
    for t in report.tables:
        unnamed = [c for c in t.columns if re.fullmatch(r"第\d+栏", c)]
        if unnamed and any(
            (cell := row.cell(c)) is not None and cell.value is not None for row in t.rows for c in unnamed
        ):
            out.append(
                Problem(
                    f"{t.label}：表头没有给「{unnamed[0]}」起名，数字却落在那一栏：表头被拆开或缺了一行"
                    " (an amount column without a header name)",
                    t.source.line,
                    t.source.page,
                )
            )
        dup = sorted({c for c in t.columns if t.columns.count(c) > 1})
        if dup:
            out.append(
                Problem(
                    f"{t.label}：两栏同名（{'、'.join(dup)}）：表头缺了或多了一行，读不出哪个数属于哪一栏"
                    " (two columns with one name: a header line lost or doubled)",
                    t.source.line,
                    t.source.page,
                )
            )
        for row in t.rows:
            if t.layout == "economic" and row.code and len(row.code) not in (3, 5):
                out.append(
                    Problem(
                        f"{t.label}：经济分类科目编码 {row.code} 不是 3 位或 5 位：编码被拆错或与别的数粘连"
                        " (an economic classification code has 3 or 5 digits)",
                        row.source.line,
                        row.source.page,
                    )
                )
            if len(row.name) > limits.max_name_chars:
                out.append(
                    Problem(
                        f"{t.label}：科目名称过长（{len(row.name)} 个字符，上限 {limits.max_name_chars}）"
                        f" (name too long): {row.name[:30]!r}…",
                        row.source.line,
                        row.source.page,
                    )
                )
            for c in row.cells:
                if c.value is None and not is_blank(c.raw) and _label_like(c.raw):
                    out.append(
                        Problem(
                            f"{t.label}「{row.name}」的「{c.column}」栏印的是文字 {c.raw[:20]!r}，不是金额：列错位？"
                            f" (text in an amount column: {c.raw[:20]!r})",
                            row.source.line,
                            row.source.page,
                        )
                    )
                elif c.value is not None and c.raw.rstrip().endswith("%") and not _PERCENT_COLUMN.search(c.column):
                    # 67213.00% in a 金额 column (a percent format over an amount): read as 67213.00
                    out.append(
                        Problem(
                            f"{t.label}「{row.name}」的「{c.column}」栏印的是百分数 {c.raw!r}，不是金额"
                            f" (a percentage in an amount column: {c.raw!r})",
                            row.source.line,
                            row.source.page,
                        )
                    )
                elif c.value is None and not is_blank(c.raw) and re.search(r"\d", c.raw):
                    out.append(
                        Problem(
                            f"{t.label}「{row.name}」的「{c.column}」栏印的是 {c.raw!r}，不是金额"
                            f"（小数点写成逗号？千分位不是三位一组？） (not an amount: {c.raw!r})",
                            row.source.line,
                            row.source.page,
                        )
                    )
    return out


# a column whose figures are shares or changes, printed as percentages
_PERCENT_COLUMN = re.compile(r"率|比|%|％|幅|占|百分")

# what some reports print in an amount cell that has nothing to report
_EMPTY_WORDS = ("不适用", "无此项", "无数据")


def _label_like(raw: str) -> bool:
    """Words (two or more Chinese characters) where an amount belongs: a column slid into it."""
    t = raw.strip()
    return len(re.findall(r"[\u3400-\u9fff]", t)) >= 2 and t not in _EMPTY_WORDS


def _row_numbers(report: ParsedReport) -> list[Problem]:
    """In a ledger side that prints 行次, every item has one and they increase down the page; and
    no amount column holds what can only be 行次 (bare integers counting up by one)."""
    out: list[Problem] = []
    for t in report.tables:
        for col in dict.fromkeys(c.column for row in t.rows for c in row.cells):
            by_group: dict[str | None, list] = {}
            for row in t.rows:
                c = row.cell(col)
                if c is not None and c.raw.strip():
                    by_group.setdefault(row.group, []).append((row, c.raw.strip()))
            for cells in by_group.values():
                raws = [r for _, r in cells]
                if len(raws) >= 3 and all(r.isdigit() for r in raws):
                    ints = [int(r) for r in raws]
                    # 行次 count up in small steps; amounts as bare small integers that only grow are
                    # no amounts a report prints (决算 amounts carry decimals, 元 amounts are large)
                    if max(ints) <= 200 and all(b > a for a, b in zip(ints, ints[1:], strict=False)):
                        row = cells[0][0]
                        out.append(
                            Problem(
                                f"{t.label}「{col}」栏的数是 {ints[0]}、{ints[1]}、{ints[2]}…：那是行次，不是金额（表头错位？）"
                                " (an amount column holds 行次 numbers)",
                                row.source.line,
                                row.source.page,
                            )
                        )
    for t in report.tables:
        if t.layout != "ledger":
            continue
        by_group: dict[str | None, list] = {}
        for row in t.rows:
            by_group.setdefault(row.group, []).append(row)
        for group, rows in by_group.items():
            numbered = [r for r in rows if r.row_no is not None]
            if len(numbered) < 2:
                continue
            for r in rows:
                if r.row_no is None and r.name:
                    out.append(
                        Problem(
                            f"{t.label}（{group}）「{r.name}」没有行次，别的行都有：列错位或多了/少了一格"
                            " (行次 missing where the other rows have one)",
                            r.source.line,
                            r.source.page,
                        )
                    )
            prev = None
            for r in numbered:
                if prev is not None and r.row_no <= prev.row_no:
                    out.append(
                        Problem(
                            f"{t.label}（{group}）行次 {r.row_no} 排在行次 {prev.row_no} 之后：行重复或次序被打乱"
                            " (行次 not increasing: a duplicated or moved line)",
                            r.source.line,
                            r.source.page,
                        )
                    )
                prev = r
    return out


def body_years(report: ParsedReport) -> Counter[int]:
    """Years the report's sentences speak of (``2024年``), with how often."""
    years: Counter[int] = Counter()
    for s in report.sections:
        for sent in s.sentences:
            for y in _YEAR_IN_TEXT.findall(sent.text):
                years[int(y)] += 1
    return years


def _meta(report: ParsedReport) -> list[Problem]:
    out: list[Problem] = []
    m = report.meta
    this_year = datetime.date.today().year
    if not 1949 <= m.year <= this_year + 5:
        out.append(Problem(f"报告年度 {m.year} 不可能（标题年度写错？） (implausible year {m.year})", 1))
    else:
        years = body_years(report)
        total = sum(years.values())
        if total >= 5 and years[m.year] == 0:
            near = [y for y, n in years.items() if n >= 2]
            if near and min(abs(y - m.year) for y in near) > 1:
                common = "、".join(f"{y}年（{n} 次）" for y, n in years.most_common(3))
                out.append(
                    Problem(
                        f"标题年度 {m.year} 与正文所说的年度不符：正文只提到 {common}（标题年度写错？）"
                        f" (the title's year {m.year} is far from the years the text speaks of)",
                        1,
                    )
                )
    dept = m.department or ""
    if heading_level(dept) is not None or re.match(r"^第[一二三四五六七八九十]+部分", dept):
        out.append(
            Problem(
                f"部门名称“{dept[:30]}”是一个章节标题：封面的标题没有读出来（年度或名称写错？）"
                " (the department name is a heading: the cover title was not read)",
                1,
            )
        )
    elif region_of(dept) == dept:
        out.append(
            Problem(
                f"部门名称“{dept}”只是一个地区名：封面或标题不完整（文件被截断？） (the department name is only a region)",
                1,
            )
        )
    elif re.search(r"(.{3,})\1", dept):
        out.append(
            Problem(
                f"部门名称“{dept[:30]}”里有一段重复了两次：封面的一行被重复？ (a part of the department name is doubled)",
                1,
            )
        )
    elif re.search(r"\d{4}\s*年|决算|预算", dept):
        out.append(
            Problem(
                f"部门名称“{dept[:30]}”里含年度或“决算/预算”：标题没读对 (department name holds a title)", 1
            )
        )
    return out


# -- a report much smaller than the one it would replace -----------------------------------------------
SHRINK_RATIO = 0.5  # a new version keeping less than half of the tables, rows or sentences


def report_counts(report: ParsedReport) -> dict[str, int]:
    return {
        "tables": len(report.tables),
        "rows": sum(len(t.rows) for t in report.tables),
        "sentences": sum(len(s.sentences) for s in report.sections),
    }


def stored_counts(db, report_id: int) -> dict[str, int]:
    def one(sql: str) -> int:
        return db.execute(sql, [report_id]).fetchone()[0]

    return {
        "tables": one("SELECT COUNT(*) FROM report_tables WHERE report_id = ?"),
        "rows": one("SELECT COUNT(*) FROM table_rows WHERE report_id = ?"),
        "sentences": one("SELECT COUNT(*) FROM sentences WHERE report_id = ?"),
    }


_NAMES = {"tables": "表", "rows": "表格行", "sentences": "句子"}


def check_replacement(db, report: ParsedReport, path: str = "") -> None:
    """Refuse a new version that keeps less than half of what the stored one holds.

    Why: a report cut to its first lines used to replace the full one (57 of 60 answers lost). A
    real new version of a report is about the same size; a much smaller one is a truncated file
    until the operator says otherwise (``replace=True`` / ``--replace``).
    """
    m = report.meta
    old = db.execute(
        "SELECT id, sha256 FROM reports WHERE department = ? AND year = ? AND kind = ? AND COALESCE(scope,'') = ?",
        [m.department, m.year, m.kind, m.scope or ""],
    ).fetchall()
    new = report_counts(report)
    for old_id, sha in old:
        if sha and sha == m.sha256:
            continue  # the same file: skipped anyway
        before = stored_counts(db, old_id)
        shrunk = [k for k in before if before[k] >= 4 and new[k] < before[k] * SHRINK_RATIO]
        if not shrunk:
            continue
        change = "，".join(f"{_NAMES[k]} {before[k]}→{new[k]}" for k in before)
        lost = "、".join(f"{before[k] - new[k]} {_NAMES[k]}" for k in before if new[k] < before[k])
        raise ReportError(
            f"新文件比知识库里的同一报告（{m.department} {m.year}年 {m.kind}，#{old_id}）小得多：{change}；"
            f"替换会丢失 {lost}。文件可能被截断；确实要替换请加 --replace (replace=True)"
            " (much smaller than the report it would replace; not replaced)",
            path or m.source_path,
            None,
        )
