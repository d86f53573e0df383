"""Read a report given as page texts plus per-page cell grids (``*.pages.json``, and PDFs).

Input per page: the page's extracted text (narrative, titles, notes) and the tables found on it, each
a list of rows of cell strings in which empty cells are kept, so columns line up. Tables are read
from those cell grids, never from the page text, where empty cells vanish and values slide left.
The page text is used for everything else; its lines that belong to a table are recognised because
every word on them occurs in that table's cells, and are skipped.

Citations: every :class:`~knowledge.model.Source` carries ``page`` (1-based) and ``line``, the line
number **within that page's text** (1-based). A table row cites the page-text line where its first
cell's text is printed (the first table line when it cannot be found).

What this module adds on top of :mod:`knowledge.grid` (shared with the PDF reader):

* table starts are recognised by title meaning (a short line ending in 表 that says 决算/预算), since
  these reports print no 公开NN表 code; a table on a page with no title continues the open table;
* split 科目编码 columns (类 / 款 / 项 printed in separate cells) are joined into one code cell;
* multi-row headers are collapsed into one line of column names (小计 under a group takes the group's
  name; 预算数 / 决算数 under each item give ``预算数·合计``-style names, as in the markdown reader);
* label fragments wrapped onto a row of their own are joined back to the row above;
* a cell holding two amounts, or a continued table whose column count differs, is put in
  ``unplaced`` rather than guessed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .assemble import ReportBuilder
from .grid import GRID_TEXT_DIFFER, HEADER_MISSING, ROW_NOT_IN_GRID, GridLine, _is_column_numbers
from .limits import LIMITS, Limits, check_json_depth, check_lines
from .meta import require_meta
from .model import ParsedReport, ReportError, Source
from .narrative import PART, TextLine, heading_level
from .numbers import clean_label, parse_amount
from .numbers import nfkc as _nfkc_uncached

Grid = list[list[str]]

UNIT = re.compile(r"单位\s*[:：]\s*(万元|元)")
DEPT_LINE = re.compile(r"^(部门|单位|编制部门|编制单位|预算主管部门|预算单位)\s*[:：]")
CODE_MARKS = ("类", "款", "项")
GROUP_WORDS = ("预算数", "决算数")
_MONEY = re.compile(r"^-?[\d,]+(\.\d+)?%?$")
_CODE = re.compile(r"^\d{3}(\s*\d{2}){0,2}$|^\d{5}$|^\d{7}$")
_NOTE = re.compile(r"^(注|说明)\s*\d*\s*[:：.．]")
_LEADERS = re.compile(r"[.…·]{3,}")
# patterns of the per-line and per-cell tests, compiled once (a page-text report runs them ~10 000 times)
_ROW_PUNCT = re.compile(r"[。，；：:,;]|万元|元|%")
_DIGIT_COMMA = re.compile(r"\d,\d")
_DIGIT = re.compile(r"\d")
_DECIMAL = re.compile(r"-?[\d,]*\.\d+")
_DIGITS_SPACES = re.compile(r"[\d\s]+")
_LINE_END = re.compile(r"[。；;：:！？]$")
_ITEM_MARK = re.compile(r"[(（][类款项][)）]")
_PAGE_NUMBER = re.compile(r"\d{1,3}")
_CLAUSE = re.compile(r"[。；，,：:]")
_SENTENCE = re.compile(r"[。；;]")
_NARROW = re.compile(r"[\x00-\u2e7f]")
_CACHED = 200  # cells and lines this short are normalised once per distinct text


@lru_cache(maxsize=1 << 16)
def _nfkc_cached(text: str) -> str:
    return _nfkc_uncached(text)


def nfkc(text: str) -> str:
    """NFKC (knowledge.numbers), memoised for short texts: a page's cells and lines are
    normalised several times each (ownership of lines, amounts, codes, widths)."""
    return _nfkc_cached(text) if len(text) <= _CACHED else _nfkc_uncached(text)


def _norm(cell: str | None) -> str:
    return clean_label(cell or "").replace(" ", "")


def is_table_title(line: str) -> bool:
    """A table title by meaning: short, ends with 表, says 决算 or 预算 (or 三公经费), not a sentence."""
    t = _norm(line)
    if not t or len(t) > 45 or not t.endswith("表"):
        return False
    if any(p in t for p in "。；;，,：:"):
        return False
    if PART.match(t) or heading_level(t) is not None:
        return False
    return "决算" in t or "预算" in t or "经费" in t


def _is_money(cell: str) -> bool:
    c = nfkc(cell).strip()
    return bool(_MONEY.match(c)) and parse_amount(c) is not None


def _is_code(cell: str) -> bool:
    return bool(_CODE.match(nfkc(cell).strip()))


_AMOUNT_TOKEN = re.compile(r"^-?\d[\d,]*\.\d+$")


def _row_like(line: str) -> bool:
    """A page-text line that is a table row: two or more bare amounts, no sentence, no unit."""
    t = nfkc(line)
    if _ROW_PUNCT.search(_DIGIT_COMMA.sub("", t)):
        return False
    return sum(1 for tok in t.split() if _AMOUNT_TOKEN.match(tok)) >= 2


def _mask(text: str) -> str:
    """Digits as 0: a page-text line and a grid cell that differ in digits only mask alike."""
    return _DIGIT.sub("0", text)


def _first_label(row: list[str]) -> str:
    for c in row:
        if c.strip():
            return _norm(c)
    return ""


# -- grids -------------------------------------------------------------------------------------------
@dataclass
class Layout:
    """How one table's columns are read, kept while the table continues over pages."""

    kind: str  # ledger / grid
    width: int  # column count of the source grid
    groups: list[list[int]]  # source columns joined into one (split 科目编码)
    label_cols: int = 0  # leading columns that hold 科目编码 / names (non-ledger)
    header: list[str] = field(default_factory=list)
    header_rows: list[list[str]] = field(default_factory=list)  # raw header rows, to drop repeats


def _repeats_header(row: list[str], lay: Layout) -> bool:
    """A continuation page's repeat of the table's column header (项目 / 类 款 项 / 合计 基本支出…):
    every filled cell is one of the header's own cells. Read as a wrapped name instead, it would be
    glued onto the last row of the page before and change that row's figures."""
    known = {_norm(c) for r in lay.header_rows for c in r if c and c.strip()} | {
        _norm(n) for n in lay.header if n
    }
    filled = [_norm(c) for c in row if c and c.strip()]
    return bool(filled) and all(c in known for c in filled)


_HEADER_WORDS = ("项目", "科目", "行次", "栏次", "预算数", "决算数", "金额")


def _own_header(grid: Grid, lay: Layout) -> bool:
    """A grid on a page without a title that opens with a column header of its own, not the open
    table's header repeated: a new table whose title line is lost. Read as the open table's
    continuation, its rows would take that table's columns and its header would glue onto a row's
    name (一、一般公共预算资金31,214,205.80一、一般公共服务支出 under 部门支出预算总表's 合计)."""
    rows = [[c or "" for c in r] for r in grid]
    if rows and len(rows[0]) == lay.width:
        rows = [_apply_groups(r, lay.groups) for r in rows]  # 类 / 款 / 项 cells as the header joined them
    first = next((i for i, r in enumerate(rows) if _is_data_row(r)), len(rows))
    for r in rows[:first]:
        filled = [_norm(c) for c in r if c.strip()]
        if (
            len(filled) >= 2
            and any(w in c for c in filled for w in _HEADER_WORDS)
            and not _repeats_header(r, lay)
        ):
            return True
    return False


def _code_groups(rows: Grid) -> list[list[int]]:
    """Runs of adjacent columns headed 类 / 款 / 项 (split 科目编码), found in the first rows."""
    width = max((len(r) for r in rows), default=0)
    marked = set()
    for r in rows[:6]:
        for i, c in enumerate(r):
            if _norm(c) in CODE_MARKS:
                marked.add(i)
    groups: list[list[int]] = []
    i = 0
    while i < width:
        if i in marked and i + 1 in marked:
            run = [i]
            while i + 1 in marked:
                i += 1
                run.append(i)
            groups.append(run)
        else:
            groups.append([i])
        i += 1
    return groups


def _apply_groups(row: list[str], groups: list[list[int]]) -> list[str]:
    out = []
    for g in groups:
        parts = [row[i].strip() for i in g if i < len(row) and row[i] and row[i].strip()]
        if len(g) > 1 and all(_norm(p) in CODE_MARKS for p in parts):
            parts = []  # the 类 款 项 marker row
        out.append(" ".join(parts))
    return out


def _is_data_row(row: list[str]) -> bool:
    if _is_column_numbers(row):
        return False
    if any(_is_money(c) for c in row if c.strip()):
        return True
    first = _first_label(row)
    if first in ("合计", "总计"):
        # an empty table's total row; a 合计 beside other labels is a header (三公: 合计 因公出国…)
        return sum(1 for c in row if c.strip()) == 1
    return bool(row) and _is_code(row[0])


def _header_names(rows: Grid) -> list[str]:
    """One name per column from a multi-row header whose cells line up (merged cells left empty)."""
    width = max((len(r) for r in rows), default=0)
    rows = [[_norm(c) for c in r] + [""] * (width - len(r)) for r in rows]
    rows = [r for r in rows if any(r) and not _is_column_numbers(r)]
    # a caption spanning the whole table (财政拨款“三公”经费) names nothing
    if rows and width > 2 and sum(1 for c in rows[0] if c) == 1:
        rows = rows[1:]
    paths: list[list[str]] = [[] for _ in range(width)]
    for r in rows:
        filled = list(r)
        for i in range(1, width):
            # a merged cell: its name spans right over empty cells that share its parent
            if not r[i] and filled[i - 1] and paths[i] == paths[i - 1]:
                filled[i] = filled[i - 1]
        for i in range(width):
            if filled[i]:
                paths[i].append(filled[i])
    last = rows[-1] if rows else []
    grouped = (
        len({c for c in last if c}) >= 2
        and all(c in GROUP_WORDS for c in last if c)
        and sum(1 for c in last if c) >= 2
    )
    same_leaf = rows and len({c for c in last if c}) == 1 and sum(1 for c in last if c) >= 3
    names = []
    for i, path in enumerate(paths):
        p = list(path)
        group = None
        if p and (grouped or same_leaf) and i < len(last) and last[i] and p[-1] == last[i]:
            group = p.pop() if grouped else None
            if same_leaf:
                p.pop()
        leaf = p[-1] if p else ""
        if leaf == "小计" and len(p) >= 2:
            leaf = p[-2]
        elif (
            leaf == "合计"
            and len(p) >= 2
            and not _label_word(p[-2])  # 项目 / 科目 name the label columns, never an amount's group
            and _span(paths, i, p[-2]) < _value_width(paths)
        ):
            leaf = p[-2] + "合计"
        names.append(f"{group}·{leaf}" if group else leaf)
    return names


def _label_word(name: str) -> bool:
    return name == "项目" or "科目" in name


def _span(paths: list[list[str]], i: int, parent: str) -> int:
    return sum(1 for p in paths if len(p) >= 2 and parent in p[:-1])


def _value_width(paths: list[list[str]]) -> int:
    return sum(1 for p in paths if not any("科目" in x or x == "项目" for x in p))


def _width(line: str) -> float:
    """Printed width of a line: a Chinese character counts 1, an ASCII character 0.5."""
    t = nfkc(line).strip()
    return len(t) - 0.5 * len(_NARROW.findall(t))


def _financial(g: Grid) -> bool:
    """A table of money (not the 序号 / 单位名称 list of units): some amount with a decimal point."""
    return any(_DECIMAL.fullmatch(nfkc(c or "").strip()) for r in g for c in r)


def _is_ledger(header: Grid) -> bool:
    return any(sum(1 for c in r if _norm(c) == "项目") >= 2 for r in header)


# -- the reader ---------------------------------------------------------------------------------------
@dataclass
class _Open:
    layout: Layout
    rows: list[tuple[list[str], Source, str]] = field(default_factory=list)
    notes_done: bool = False


class PageReader:
    # this page's lines and the same without spaces (set by _page; a subclass may add rows without it)
    _flat: tuple[list[str], list[str]] = ([], [])

    def __init__(self, pages: list[str], tables: list[list[Grid]] | None, path: str, fmt: str):
        self.pages = [p or "" for p in pages]
        self.tables = tables or [[] for _ in pages]
        self.path = path
        self.fmt = fmt

    # meta
    def _meta(self):
        lines: list[str] = []
        for text in self.pages:
            if text.strip():
                # the cover: its lines form the title (上海市普陀区人民政府 / 宜川路街道办事处 / 2025 年度部门决算)
                cover = [ln.strip() for ln in text.splitlines() if ln.strip()]
                dept_lines = [ln for ln in cover if DEPT_LINE.match(nfkc(ln))]
                title = "".join(ln for ln in cover if ln not in dept_lines)
                lines.append(title)
                lines += dept_lines
                break
        for text in self.pages:
            lines += text.splitlines()
        meta = require_meta(lines, self.path)  # names what is missing and the flag that supplies it
        meta.source_format = self.fmt
        return meta

    def read(self) -> ParsedReport:
        b = ReportBuilder(self._meta())
        b.seen_title = True  # the cover is metadata; never let a later 预算/决算 heading be taken for it
        self.b = b
        self.open: _Open | None = None
        self.pending_title: tuple[str, Source] | None = None
        self.pending_unit: str | None = None
        self.toc_page: int | None = None
        self.wrapped = False
        for pno, text in enumerate(self.pages, 1):
            self._page(pno, text, [t for t in (self.tables[pno - 1] if pno - 1 < len(self.tables) else [])])
        self._close()
        self._flush_title()
        return b.finish()

    # -- narrative side --------------------------------------------------------------------------------
    def _flush_title(self) -> None:
        if self.pending_title:
            text, src = self.pending_title
            self.pending_title = None
            self.b.text(text, src)

    def _narrative(self, line: str, src: Source) -> None:
        self._close()
        self._flush_title()
        self.b.text(line, src)

    def _heading(self, line: str, src: Source) -> None:
        self._close()
        self._flush_title()
        self.b.heading(clean_label(line), src, marked=True)

    # -- tables ------------------------------------------------------------------------------------------
    def _close(self) -> None:
        o, self.open = self.open, None
        if o is None:
            return
        b = self.b
        if b.table is None:
            return
        if o.layout.kind == "ledger":
            for r in o.layout.header_rows:
                b.grid_line(GridLine(cells=r, source=b.table.source, raw=" ".join(c for c in r if c)))
        else:
            hdr = o.layout.header
            b.grid_line(GridLine(cells=hdr, source=b.table.source, raw=" ".join(hdr)))
        for cells, src, raw in o.rows:
            b.grid_line(GridLine(cells=cells, source=src, raw=raw))
        b.close_table()

    def _start(self, grid: Grid, src: Source) -> Grid:
        title, tsrc = self.pending_title if self.pending_title else ("", src)
        self.pending_title = None
        self._close()
        self.b.start_table(None, tsrc, title=clean_label(title) or None)
        if self.b.table is not None and self.pending_unit:
            self.b.table.unit = self.pending_unit
        self.pending_unit = None
        groups = _code_groups(grid)
        rows = [_apply_groups([c or "" for c in r], groups) for r in grid]
        first = next((i for i, r in enumerate(rows) if _is_data_row(r)), len(rows))
        header, body = rows[:first], rows[first:]
        if first == 0 and body:
            self.b.unplaced(" ".join(c for c in body[0] if c), HEADER_MISSING, src)
        if _is_ledger(header):
            layout = Layout("ledger", len(grid[0]) if grid else 0, groups, header_rows=header)
        else:
            names = _header_names(header)
            label_cols = 0
            for i, n in enumerate(names):
                if "科目" in n or n == "项目" or (n == "" and i < 2):
                    label_cols = i + 1
                else:
                    break
            body = self._split_mixed(header, body, label_cols)
            names = _header_names(header)
            layout = Layout("grid", len(grid[0]) if grid else 0, groups, label_cols, names, header)
        self.open = _Open(layout)
        return body

    def _split_mixed(self, header: Grid, body: Grid, label_cols: int) -> Grid:
        """The first data row may carry sub-headers in its amount columns (合计 基本支出 项目支出)."""
        if not body or label_cols == 0:
            return body
        row = body[0]
        if _first_label(row) not in ("合计", "总计") or any(_is_code(c) for c in row):
            return body
        subs = [c if i >= label_cols and c.strip() and not _is_money(c) else "" for i, c in enumerate(row)]
        if not any(subs):
            return body
        header.append(subs)
        data = [c if not subs[i] else "" for i, c in enumerate(row)]
        return [data] + body[1:]

    def _table(self, pno: int, grid: Grid, lines: list[str], line_no: int) -> None:
        src = Source(line_no, pno)
        width = len(grid[0]) if grid else 0
        o = self.open
        if self.pending_title is None and o is not None and not _own_header(grid, o.layout):
            lay = o.layout
            groups = lay.groups
            if width != lay.width and width == len(lay.groups):
                groups = [[i] for i in range(width)]  # the split-code columns arrive already joined
            elif width != lay.width:
                for r in grid:
                    cells = [c or "" for c in r]
                    if any(c.strip() for c in cells):
                        self.b.unplaced(
                            " ".join(c for c in cells if c.strip()),
                            "continued table has a different column count",
                            src,
                        )
                return
            rows = [_apply_groups([c or "" for c in r], groups) for r in grid]
            if lay.kind != "ledger":
                # a continuation page may repeat the column header: drop rows before the first data row
                first = next((i for i, r in enumerate(rows) if _is_data_row(r)), len(rows))
                head = [r for r in rows[:first] if self._fragment(r, lay) and not _repeats_header(r, lay)]
                rows = head + rows[first:]
            body = rows
        else:
            body = self._start(grid, src)
            o = self.open
        self._add_rows(o, body, pno, lines, line_no)

    def _add_rows(self, o: _Open, body: Grid, pno: int, lines: list[str], line_no: int) -> None:
        lay = o.layout
        ptr = line_no
        for cells in body:
            if not any(c.strip() for c in cells):
                continue
            if all(_norm(c) in ("", "无") for c in cells):
                continue
            raw = " | ".join(c.replace("\n", " ").strip() for c in cells)
            key = _first_label(cells)[:6]
            found = None
            flat = self._flat[1] if self._flat[0] is lines else [ln.replace(" ", "") for ln in lines]
            for k in range(ptr, len(lines) + 1):
                if key and key in flat[k - 1]:
                    found = k
                    break
            if found:
                ptr = found
            src = Source(found or ptr, pno)
            start = 0 if lay.kind == "ledger" else lay.label_cols
            if lay.kind != "ledger" and self._fragment(cells, lay) and o.rows:
                prev = o.rows[-1][0]
                for i, c in enumerate(cells):
                    if c.strip() and i < len(prev):
                        prev[i] = (prev[i] + c).strip()
                continue
            bad = [
                c
                for i, c in enumerate(cells)
                if i >= start
                and not _is_code(c)
                and len(c.split()) >= 2
                and all(_is_money(t) for t in c.split())
            ]
            if bad:
                self.b.unplaced(raw, "several amounts in one cell; columns cannot be told apart", src)
                continue
            o.rows.append(
                ([c.replace("\n", " ") if i >= start else c for i, c in enumerate(cells)], src, raw)
            )

    @staticmethod
    def _fragment(cells: list[str], lay: Layout) -> bool:
        """A wrapped piece of a name on a row of its own: text only, no code, no amount, no total."""
        filled = [c for c in cells if c.strip()]
        if not filled or any(_is_money(c) or _is_code(c) for c in filled):
            return False
        if any(_DIGITS_SPACES.fullmatch(nfkc(c)) for c in filled):
            return False  # digits are a (damaged) 科目编码 of a row of its own, never a wrapped name
        text = "".join(filled)
        if "计" in text or heading_level(_norm(text)) is not None:
            return False
        return len(_norm(text)) <= 12

    # -- one page ------------------------------------------------------------------------------------------
    def _page(self, pno: int, text: str, grids: list[Grid]) -> None:
        lines = text.splitlines()
        # per-line facts asked several times below, worked out once per page
        titles = [is_table_title(ln) for ln in lines]
        widths = [_width(ln) for ln in lines]
        self._flat = (lines, [ln.replace(" ", "") for ln in lines])
        first_text = next((k for k, ln in enumerate(lines) if ln.strip()), len(lines))
        has_title = any(titles)
        grids = [
            g for g in grids if self._usable(g) and (has_title or self.open is not None or _financial(g))
        ]
        hay = [self._haystack(g) for g in grids]
        covered_by: list[int | None] = []
        for ln in lines:
            toks = nfkc(ln).split()
            owner = None
            if toks:
                for gi, h in enumerate(hay):
                    if all(t in h for t in toks):
                        owner = gi
                        break
            covered_by.append(owner)
        masked = [_mask(h) for h in hay]
        toks_masked = [[_mask(t) for t in nfkc(ln).split()] if _DIGIT.search(ln) else [] for ln in lines]
        full = max((w for w, c in zip(widths, covered_by, strict=False) if c is None), default=0)
        emitted: set[int] = set()
        b = self.b
        if b.in_toc and self.toc_page is not None and pno > self.toc_page and not self._toc_like(lines):
            b.in_toc = False  # the contents end: the body's headings start from the top again
            b.stack.clear()
        i = 0
        while i < len(lines):
            raw = lines[i]
            line = raw.strip()
            n = i + 1
            src = Source(n, pno)
            i += 1
            if not line:
                continue
            norm = _norm(line)
            owner = covered_by[n - 1]
            if owner is None and grids and _row_like(line):
                # the grid lost a row the page prints: reading on would shift or drop its figures
                b.unplaced(line, ROW_NOT_IN_GRID, src)
            elif (
                owner is None
                and toks_masked[n - 1]
                and any(all(t in h for t in toks_masked[n - 1]) for h in masked)
            ):
                # the page prints a table line the grid holds with other digits (15个 / 25个): the
                # grid and the text disagree, and neither can be taken for the report's figure
                b.unplaced(line, GRID_TEXT_DIFFER, src)
            if owner is not None and not titles[n - 1] and not UNIT.search(nfkc(line)):
                if owner not in emitted:
                    emitted.add(owner)
                    self._flush_title_if_no_table()
                    self._table(pno, grids[owner], lines, n)
                continue
            wrapped = full >= 20 and widths[n - 1] >= full - 2 and not _LINE_END.search(norm)
            if not wrapped and heading_level(norm) is not None and _ITEM_MARK.search(norm):
                wrapped = True  # 1、一般公共服务支出（类）…（项）: an item paragraph, not a heading
            continuation = self.wrapped
            self.wrapped = wrapped
            if norm == "目录":
                self._heading("目录", src)
                self.toc_page = pno
                continue
            if b.in_toc:
                b.text(line, src)
                continue
            if _PAGE_NUMBER.fullmatch(norm) and (i == len(lines) or n == 1):
                self.wrapped = continuation
                continue  # a page number
            if PART.match(norm) and not continuation:
                # a part heading wrapped over two lines (第三部分 … 2025 年度 / 部门决算情况说明)
                if i < len(lines):
                    nxt = _norm(lines[i])
                    if nxt and len(nxt) <= 12 and not _CLAUSE.search(nxt) and heading_level(nxt) is None:
                        line = line + nxt
                        i += 1
                self.wrapped = False
                self._heading(line, src)
                continue
            u = UNIT.search(nfkc(line))
            if (u or DEPT_LINE.match(nfkc(line))) and not continuation:
                if u and not (self.open is not None and self.pending_title is None):
                    self.pending_unit = u.group(1)
                self.wrapped = False
                continue
            if titles[n - 1] and (not continuation or n - 1 <= first_text):
                self._close()
                self.pending_title = (clean_label(line), src)  # a later title replaces a part title
                self.wrapped = False
                continue
            if _NOTE.match(nfkc(line)) and self.open is not None and b.table is not None:
                b.table.notes.append(clean_label(line))
                self.open.notes_done = True
                continue
            if self.open is not None and self.open.notes_done and b.table is not None and continuation:
                b.table.notes[-1] += clean_label(line)  # a wrapped note
                continue
            if continuation:
                self._plain(line, src)
            elif not wrapped and n - 1 <= first_text and self._unnumbered_heading(norm):
                self._heading(line, src)
            elif wrapped:
                self._plain(line, src)
            else:
                self._narrative(line, src)
        # tables on the page whose text lines were not found: still read them, in order
        for gi, g in enumerate(grids):
            if gi not in emitted:
                self._table(pno, g, lines, max(len(lines), 1))

    def _flush_title_if_no_table(self) -> None:
        pass

    def _plain(self, line: str, src: Source) -> None:
        """A line that continues a paragraph: never a heading, whatever it starts with."""
        self._close()
        self._flush_title()
        b = self.b
        if b.in_toc or b.current is None:
            b.text(line, src)
            return
        b.current.lines.append(TextLine(line, src))

    @staticmethod
    def _short_heading(norm: str) -> bool:
        return len(norm) <= 40 and not _SENTENCE.search(norm)

    @staticmethod
    def _unnumbered_heading(t: str) -> bool:
        """An unnumbered heading at the top of a page (budget reports: 上海市普陀区司法局主要职能)."""
        if not t or len(t) > 30 or re.search(r"[。；;，,：:]", t):
            return False
        return bool(re.search(r"(职能|设置|解释|说明|概况|概述|情况)$", t))

    @staticmethod
    def _toc_like(lines: list[str]) -> bool:
        body = [_norm(ln) for ln in lines if ln.strip()]
        if not body:
            return True
        for t in body:
            if "。" in t or len(t) > 60:
                return False
        numbered = sum(1 for t in body if heading_level(t) is not None or PART.match(t) or _LEADERS.search(t))
        return numbered >= len(body) * 0.6

    @staticmethod
    def _usable(g: Grid) -> bool:
        if not g or max(len(r) for r in g) < 2:
            return False
        return any((c or "").strip() for r in g for c in r)

    @staticmethod
    def _haystack(g: Grid) -> str:
        return "\x00".join(nfkc(c or "").replace("\n", "").replace(" ", "") for r in g for c in r) + (
            "\x00" + "\x00".join(nfkc(c or "") for r in g for c in r)
        )


def parse_pages(
    pages: list[str], tables: list[list[Grid]] | None, path: str, source_format: str = "pages-json"
) -> ParsedReport:
    """A report from page texts (page N = index N-1) and, per page, its tables as cell grids."""
    return PageReader(pages, tables, path, source_format).read()


def parse_pages_json(text: str, path: str = "") -> ParsedReport:
    """A ``*.pages.json`` file: ``page_texts`` (one string per page) and ``page_tables``."""
    check_json_depth(text, path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ReportError(f"不是有效的 JSON (invalid JSON): {e.msg}", path, e.lineno) from e
    if not isinstance(data, dict) or not isinstance(data.get("page_texts"), list):
        raise ReportError("JSON 中没有 page_texts (no page_texts list)", path, 1)
    pages, tables = check_pages_shape(data, path)
    return parse_pages(pages, tables, path)


def check_pages_shape(data: dict, path: str, limits: Limits = LIMITS) -> tuple[list[str], list[list[Grid]]]:
    """Refuse a page-JSON whose shape is not the format's, before reading a word of it.

    Why: a missing or mistyped ``page_tables`` used to read every table's lines as narrative, where
    a 福利费 figure glued to the next code became "184.9030310 个"; a ``null`` cell became an empty
    cell, i.e. 0.00. Tables are read only from the grids, so a grid that is not a list of rows of
    strings is damage, named by page, table, row and cell.
    """
    pages = data["page_texts"]
    if len(pages) > limits.max_pages:
        raise ReportError(f"页数过多：{len(pages)}，上限 {limits.max_pages} (too many pages)", path, 1)
    for pno, t in enumerate(pages, 1):
        if t is None:
            continue  # a blank page
        if not isinstance(t, str):
            raise ReportError(
                f"page_texts 第{pno}页不是字符串，而是 {type(t).__name__} (page text is not a string)",
                path,
                1,
            )
        check_lines(t, path, limits, page=pno)
    if "page_tables" not in data:
        raise ReportError(
            "JSON 中没有 page_tables：表格只从单元格读取，缺了它所有表格都会丢失 (no page_tables: every table would be lost)",
            path,
            1,
        )
    tables = data["page_tables"]
    if not isinstance(tables, list):
        raise ReportError(
            f"page_tables 应是按页排列的列表，而不是 {type(tables).__name__} (page_tables is not a list of pages)",
            path,
            1,
        )
    if len(tables) != len(pages):
        raise ReportError(
            f"page_tables 有 {len(tables)} 页，page_texts 有 {len(pages)} 页，对不上 (page counts differ)",
            path,
            1,
        )
    for pno, page in enumerate(tables, 1):
        where = f"page_tables 第{pno}页"
        if not isinstance(page, list):
            raise ReportError(f"{where}不是表格列表 (not a list of tables)", path, 1)
        for tno, grid in enumerate(page, 1):
            if not isinstance(grid, list) or not all(isinstance(r, list) for r in grid):
                raise ReportError(
                    f"{where}第{tno}个表不是由行组成的列表 (a table is not a list of rows)", path, 1
                )
            width = len(grid[0]) if grid else 0
            for rno in range(1, len(grid)):
                if grid[rno] == grid[rno - 1] and any(isinstance(c, str) and c.strip() for c in grid[rno]):
                    raise ReportError(
                        f"{where}第{tno}个表第{rno}行和第{rno + 1}行一模一样：一行被重复了 (a table row is doubled)",
                        path,
                        1,
                    )
            for rno, row in enumerate(grid, 1):
                if len(row) != width:
                    # an extracted grid is rectangular; a ragged row has lost or gained a cell, and
                    # its amounts would slide into the neighbouring columns
                    raise ReportError(
                        f"{where}第{tno}个表第{rno}行有 {len(row)} 格，而表头有 {width} 栏：单元格多了或少了"
                        f" (row has {len(row)} cells, the table {width})",
                        path,
                        1,
                    )
                for cno, c in enumerate(row, 1):
                    if isinstance(c, str):
                        if len(c) > limits.max_cell_chars:
                            raise ReportError(
                                f"{where}第{tno}个表第{rno}行第{cno}格过长：{len(c)} 个字符，上限 {limits.max_cell_chars}"
                                " (cell too long)",
                                path,
                                1,
                            )
                        continue
                    kind = "null" if c is None else type(c).__name__
                    raise ReportError(
                        f'{where}第{tno}个表第{rno}行第{cno}格是 {kind}，不是字符串（空格应写作 ""）'
                        ' (a cell is not a string; empty cells are "")',
                        path,
                        1,
                    )
    return [p or "" for p in pages], tables
