"""Read a report converted from PDF to markdown (tab-separated tables, ``#`` headings).

This module only splits the text into headings, narrative lines and table grids; what a table or a
paragraph means is decided by :mod:`knowledge.grid`, :mod:`knowledge.narrative` and
:mod:`knowledge.performance`, which the other formats share.
"""

from __future__ import annotations

import re

from .assemble import ReportBuilder
from .grid import GridLine
from .meta import require_meta
from .model import ParsedReport, Source
from .numbers import clean_label, nfkc

TABLE_CODE = re.compile(r"^公开\s*(\d{1,2})\s*表$")
UNIT = re.compile(r"单位\s*[:：]\s*(万元|元)")
YEAR_LINE = re.compile(r"^[(（]?\d{4}\s*年度?[)）]?$")
DEPT_LINE = re.compile(r"^(部门|单位|编制部门|编制单位)\s*[:：(（]")


# A line that is only a table's title: short, ends with 表, names a 预算/决算/经费 table.
TITLE_LINE = re.compile(
    r"^(?:[\d一二三四五六七八九十]+[.、．])?[^。；;，,:：]{2,36}(?:预算|决算|经费)[^。；;，,:：]{0,16}表$"
)
PIPE_RULE = re.compile(r"^\|?[\s:|-]+\|?$")


def table_cells(raw: str) -> list[str] | None:
    """Cells of a table line: tab-separated (PDF conversions) or a markdown pipe row; else None."""
    if "\t" in raw:
        return raw.split("\t")
    s = raw.strip()
    if s.startswith("|") and s.endswith("|") and s.count("|") >= 3:
        if PIPE_RULE.match(s):
            return []  # the |---|---| rule under a header
        return [c.strip() for c in s[1:-1].split("|")]
    return None


def _looks_like_table_title(heading: str) -> bool:
    h = heading.replace(" ", "")
    return len(h) <= 40 and h.endswith("表") and not h.endswith("自评表") and "目录" not in h


def parse_markdown(text: str, path: str = "") -> ParsedReport:
    lines = text.splitlines()
    meta = require_meta(lines, path)  # names what is missing and the flag that supplies it
    meta.source_format = "markdown"
    b = ReportBuilder(meta)
    for i, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if not stripped:
            continue
        src = Source(i)
        plain = clean_label(nfkc(stripped))
        if stripped.startswith("#"):
            b.heading(clean_label(stripped.lstrip("#").strip()), src, marked=True)
            continue
        if b.in_toc:
            b.text(stripped, src)
            continue
        m = TABLE_CODE.match(plain.replace(" ", ""))
        if m:
            code = f"公开{int(m.group(1)):02d}表"
            if b.table is not None and b.table.code is None and not b.table.grid and not b.table.performance:
                b.table.code = code  # the title heading opened it; this line numbers it
            else:
                b.start_table(code, src)
            continue
        cells = table_cells(raw)
        if b.table is None and cells and b.stack and _looks_like_table_title(b.stack[-1][1]):
            b.start_table(None, src)  # a table under its title heading, not numbered 公开NN表
        if b.table is not None:
            if cells is not None:
                if cells:
                    b.grid_line(GridLine(cells=cells, source=src, raw=raw))
                continue
            u = UNIT.search(plain)
            if u:
                b.table.unit = u.group(1)
                continue
            if DEPT_LINE.match(plain) or YEAR_LINE.match(plain.replace(" ", "")):
                continue
            if plain.startswith("注") or b.table.notes or re.match(r"^(<sup>)?\d+\.", stripped):
                b.table.notes.append(re.sub(r"<[^>]+>", "", plain))
                continue
            if b.table.performance:
                b.table.extra.append((plain, src))
                continue
            b.unplaced(raw, "text inside a table", src)
            continue
        if cells is not None:
            b.unplaced(raw, "table line outside any table", src)
            continue
        if TITLE_LINE.match(plain.replace(" ", "")) and b.stack:
            # an unmarked table title ("2. 2025年部门收入预算总表"): a heading the table hangs under
            b.heading(re.sub(r"^(?:\d{1,2}|[一二三四五六七八九十]+)[.、．]\s*", "", plain), src, marked=False)
            continue
        b.text(stripped, src)
    return b.finish()
