"""Build a :class:`ParsedReport` from a stream of headings, text lines and table grids.

Each source format (markdown, page text, PDF) only has to say "here is a heading / a line of text /
a table starts / a grid line"; the builder keeps the heading path, closes sections and tables, and
runs the shared interpretation once the whole report is read (canonical 科目 names, tables declared
empty in the narrative, figures in the text, 名词解释).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .grid import GridLine, interpret
from .model import ParsedReport, ReportMeta, Source, Table, Unplaced
from .narrative import (
    SectionBuilder,
    TextLine,
    build_section,
    extract_figures,
    extract_terms,
    heading_level,
    looks_like_heading,
)
from .numbers import clean_label
from .performance import parse_performance

# Words too common in table titles to link a table to the sentence that declares it empty.
_TITLE_STOP = ("决算表", "预算表", "收入支出", "支出", "收入", "财政拨款", "表", "情况", "明细")


@dataclass
class TableContext:
    code: str | None
    title: str
    source: Source
    heading_path: list[str]
    unit: str = "万元"
    grid: list[GridLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    performance: bool = False
    extra: list[tuple[str, Source]] = field(default_factory=list)


class ReportBuilder:
    def __init__(self, meta: ReportMeta, default_unit: str | None = None):
        self.report = ParsedReport(meta=meta)
        self.default_unit = default_unit or ("元" if meta.kind == "预算" else "万元")
        self.stack: list[tuple[int, str]] = []
        self.current: SectionBuilder | None = None
        self.builders: list[SectionBuilder] = []
        self.table: TableContext | None = None
        self.in_toc = False
        self.seen_title = False

    # -- headings and text -------------------------------------------------
    def heading(self, text: str, src: Source, marked: bool = True) -> None:
        self.close_table()
        norm = text.replace(" ", "")
        if (
            not self.seen_title
            and not self.stack  # once the body's headings began, a 决算 heading is a table's title
            and ("决算" in norm or "预算" in norm)
            and heading_level(norm) is None
        ):
            self.seen_title = True
            return  # the document title: metadata, not a section
        if norm in ("目录", "目 录"):
            self.in_toc = True
            level = 1
        else:
            if self.in_toc and marked:
                self.in_toc = False
            level = heading_level(norm)
            if level is None:
                level = 2 if any(lv == 1 for lv, _ in self.stack) else 1
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, text))
        self.current = SectionBuilder(path=[h for _, h in self.stack], level=level, source=src)
        self.builders.append(self.current)
        if "自评表" in norm:
            self.start_table(None, src, performance=True)

    def text(self, line: str, src: Source) -> None:
        if not self.in_toc and self.table is None and looks_like_heading(line):
            self.heading(clean_label(line), src, marked=False)
            return
        if self.current is None:
            self.current = SectionBuilder(path=[], level=0, source=src)
            self.builders.append(self.current)
        self.current.lines.append(TextLine(line, src))

    def unplaced(self, raw: str, reason: str, src: Source) -> None:
        self.report.unplaced.append(Unplaced(raw, reason, src))

    # -- tables --------------------------------------------------------------
    def start_table(
        self, code: str | None, src: Source, title: str | None = None, performance: bool = False
    ) -> None:
        self.close_table()
        path = [h for _, h in self.stack]
        self.table = TableContext(
            code=code,
            title=(title or (path[-1] if path else code or "")).replace(" ", ""),
            source=src,
            heading_path=path,
            unit=self.default_unit,
            performance=performance,
        )

    def grid_line(self, gl: GridLine) -> None:
        if self.table is None:
            self.unplaced(gl.raw, "table line outside any table", gl.source)
            return
        self.table.grid.append(gl)

    def close_table(self) -> None:
        ctx, self.table = self.table, None
        if ctx is None:
            return
        if ctx.performance:
            project, unplaced = parse_performance(ctx.grid, ctx.source)
            self.report.unplaced += unplaced
            if project:
                self.report.performance.append(project)
            # lines printed around the form (填报日期, 联系人) stay readable as text of its section
            if self.current is not None:
                for text, src in ctx.extra:
                    self.current.lines.append(TextLine(text, src))
            return
        table, unplaced = interpret(
            ctx.title, ctx.code, ctx.unit, ctx.grid, ctx.source, ctx.notes, ctx.heading_path
        )
        self.report.unplaced += unplaced
        self.report.tables.append(table)

    # -- the whole report ----------------------------------------------------
    def finish(self) -> ParsedReport:
        self.close_table()
        r = self.report
        r.sections = [build_section(b) for b in self.builders]
        for s in r.sections:
            if any("名词解释" in p for p in s.path):
                r.terms += extract_terms(s)
            elif not any("目录" in p for p in s.path):
                r.figures += extract_figures(s)
        _canonical_names(r.tables)
        for t in r.tables:
            if t.empty:
                t.empty_reason = _declared_empty(t, r)
        return r


def _canonical_names(tables: list[Table]) -> None:
    """One name per 科目编码 across the report: the longest printed form.

    Tables truncate long names (``其他政府办公厅(室)及相关机构事``); the same code printed in full
    elsewhere in the report tells what was meant.
    """
    best: dict[str, str] = {}
    for t in tables:
        for row in t.rows:
            if row.code and len(row.name) > len(best.get(row.code, "")):
                best[row.code] = row.name
    for t in tables:
        for row in t.rows:
            if row.code and row.code in best and best[row.code].startswith(row.name[:4]):
                row.name = best[row.code]


def _declared_empty(table: Table, report: ParsedReport) -> str | None:
    """The note or sentence that says the table has nothing to report (本单位无政府性基金…)."""
    for note in table.notes:
        if re.search(r"无数据|没有|无此|为空|无相关", note):
            return note
    key = table.title
    for stop in _TITLE_STOP:
        key = key.replace(stop, " ")
    keys = [k for k in key.split() if len(k) >= 3]
    keys += [k[:5] for k in keys if len(k) > 5]
    if not keys:
        return None
    for s in report.sections:
        for sent in s.sentences:
            if re.search(r"无|没有", sent.text) and any(k in sent.text for k in keys):
                return sent.text
    return None
