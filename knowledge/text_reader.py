"""Read a report given as a stream of blocks — headings, lines of text, table grids — and plain text.

Why one loop for blocks: the markdown file, the plain-text file and the flowing web page differ
only in how they mark a heading and a table (``#`` / a ``<h2>``; tab-separated lines / a
``<table>``); what a line *means* (a 公开NN表 code, a 单位：万元 line, a table title, a note, a
sentence) is the same, so it is decided here once, the way :mod:`knowledge.markdown` decides it.
Every block carries its physical line in the source file, which citations quote.

Plain text often arrives as ONE long line (a page body copied out of a portal, a text export):
the headings 一、… （一）… 1、… run into the text. Such a line is cut by structure — before a
numbering mark that stands after a sentence end, a colon or a space — and a heading run into its
own paragraph ("一、部门主要职责潭城镇的主要职责是…") is cut where the heading's closing word
ends. All of it is one left-to-right pass over the line (linear time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .assemble import ReportBuilder
from .grid import GridLine
from .model import ParsedReport, ReportError, Source
from .numbers import clean_label, nfkc


@dataclass
class Block:
    """One piece of a report in reading order: a heading, a line of text, a table or a page break."""

    kind: str  # heading / text / table / row (one table line of a text file) / page
    text: str
    line: int
    grid: list[list[str]] = field(default_factory=list)
    merged: bool = False  # a table with merged (rowspan/colspan) cells


def _before_table(blocks: list[Block], i: int) -> bool:
    return i + 1 < len(blocks) and blocks[i + 1].kind == "table"


def grid_table(b: ReportBuilder, blk: Block, path: str, fmt: str) -> bool:
    """A table given as a cell grid (an HTML ``<table>``). A table of counts is read by
    :func:`count_table`; one with merged cells (a multi-row header: rowspan/colspan) as the page
    reader reads a PDF's grids — split 科目编码 columns joined, the header collapsed into one name
    per column by position, wrapped names joined — keeping a 公开NN表 code or title line that
    opened it. False for a plain rectangular table: it is a run of table lines, read as the
    markdown reader reads tab-separated lines (header lines first, then one row per item)."""
    from .pages import PageReader, _financial

    if not _financial(blk.grid) and count_table(b, blk):
        return True
    if not blk.merged:
        return False
    pr = PageReader([], None, path, fmt)
    pr.b, pr.open, pr.pending_unit = b, None, None
    pending = b.table if b.table is not None and not b.table.grid and not b.table.performance else None
    pr.pending_title = (pending.title, pending.source) if pending and pending.title else None
    if pending is not None:
        b.table = None
        pr.pending_unit = pending.unit
    pr._table(None, blk.grid, blk.text.splitlines(), blk.line)  # a flowing page has no pages
    if pending is not None and b.table is not None:
        b.table.code = pending.code
    pr._close()
    return True


_COUNT = re.compile(r"^(\d{1,7})\s*(人|个|辆|名|户|套|台|处)?$")
_COUNT_HEADER = re.compile(r"(人数|编制|人员|车辆|数量)")


def count_table(b: ReportBuilder, blk: Block) -> bool:
    """A table of counts, not money (单位名称 / 经费性质 / 编制人数 / 在职人数 — the units a report
    covers): one row per unit, its text cells as the row's name, its counts in 人 (or the unit the
    cells print). Read by the grid reader these would be taken for amounts in 万元; a table whose
    unit cannot be told is read as lines of text instead. True when the block was handled."""
    from .model import Cell, Row, Table
    from .numbers import parse_amount

    header, body = blk.grid[0], blk.grid[1:]
    if not body or any(_COUNT.match(c.strip()) for c in header if c.strip()):
        return False
    num_cols = [
        i for i in range(len(header)) if all(_COUNT.match(r[i].strip()) or not r[i].strip() for r in body)
    ]
    num_cols = [i for i in num_cols if any(r[i].strip() for r in body) and header[i].strip()]
    units = {m.group(2) for r in body for i in num_cols if (m := _COUNT.match(r[i].strip())) and m.group(2)}
    if not num_cols or len(units) > 1:
        return False
    unit = units.pop() if units else ("人" if any(_COUNT_HEADER.search(header[i]) for i in num_cols) else "")
    if not unit:
        return False
    src = Source(blk.line)
    b.close_table()
    title = b.stack[-1][1] if b.stack else ""
    columns = [clean_label(header[i]).replace(" ", "") for i in num_cols]
    rows = []
    for r in body:
        labels = [clean_label(c) for i, c in enumerate(r) if i not in num_cols and c.strip()]
        if not labels:
            continue
        if any(_COUNT.match(x) for x in labels):
            # a count where a name stands: the row's cells slid (an added cell), and its counts
            # would be read one column off (在职人数 = the 编制数); refused by validation
            from .grid import COLUMNS_SLID

            b.unplaced("\t".join(r), COLUMNS_SLID, src)
            continue
        name = labels[0] + "".join(f"（{x}）" for x in labels[1:])
        cells = [
            Cell(
                col, parse_amount(_COUNT.match(r[i].strip()).group(1)) if r[i].strip() else None, r[i].strip()
            )
            for col, i in zip(columns, num_cols, strict=True)
        ]
        rows.append(Row(name=name, cells=cells, source=src, raw="\t".join(r)))
    b.report.tables.append(
        Table(
            None,
            title.replace(" ", ""),
            unit,
            columns,
            rows,
            src,
            layout="counts",
            heading_path=[h for _, h in b.stack],
        )
    )
    return True


def parse_blocks(blocks: list[Block], path: str, fmt: str) -> ParsedReport:
    """A report from blocks, read with the markdown reader's rules (see module docstring)."""
    from .markdown import DEPT_LINE, TABLE_CODE, TITLE_LINE, UNIT, YEAR_LINE, _looks_like_table_title
    from .meta import require_meta
    from .pages import is_table_title

    meta = require_meta([b.text for b in blocks if b.kind in ("heading", "text")][:4000], path)
    meta.source_format = fmt
    b = ReportBuilder(meta)
    from_table = False  # the open table was read from a grid: a plain line after it closes it
    for i, blk in enumerate(blocks):
        src = Source(blk.line)
        if blk.kind == "page":
            continue
        title_line = blk.kind == "text" and not b.seen_title and not b.stack and b.current is None
        if title_line and clean_label(blk.text).replace(" ", "") == meta.title:  # clean_label is NFKC
            b.heading(clean_label(blk.text), src, marked=True)  # the report's title: metadata, not a sentence
            continue
        if blk.kind == "heading":
            b.heading(clean_label(blk.text), src, marked=True)
            from_table = False
            continue
        if blk.kind == "row" and b.in_toc:
            b.text(blk.text, src)
            continue
        if blk.kind == "table" and (blk.merged or not b.table) and grid_table(b, blk, path, fmt):
            from_table = False
            continue
        if blk.kind in ("table", "row"):
            opened = b.table is not None and not (from_table and blk.kind == "table")
            if not opened and (blk.kind == "table" or (b.stack and _looks_like_table_title(b.stack[-1][1]))):
                b.start_table(None, src)
                opened = True
            for cells in blk.grid:
                raw = blk.text if blk.kind == "row" else "\t".join(cells)  # a text line quotes as printed
                if opened:
                    b.grid_line(GridLine(cells=cells, source=src, raw=raw))
                else:
                    b.unplaced(raw, "table line outside any table", src)
            from_table = blk.kind == "table" and opened
            continue
        stripped = blk.text.strip()
        if not stripped:
            continue
        plain = clean_label(stripped)  # NFKC, spaces inside words dropped
        if b.in_toc:
            b.text(stripped, src)
            continue
        compact = plain.replace(" ", "")
        m = TABLE_CODE.match(compact)
        if m:
            code = f"公开{int(m.group(1)):02d}表"
            if b.table is not None and b.table.code is None and not b.table.grid and not b.table.performance:
                b.table.code = code
            else:
                b.start_table(code, src)
            from_table = False
            continue
        if b.table is not None:
            u = UNIT.search(plain)
            if u:
                b.table.unit = u.group(1)
                continue
            if DEPT_LINE.match(plain) or YEAR_LINE.match(compact):
                continue
            if plain.startswith("注") or b.table.notes or re.match(r"^(<sup>)?\d+\.", stripped):
                b.table.notes.append(re.sub(r"<[^>]+>", "", plain))
                continue
            if b.table.performance:
                b.table.extra.append((plain, src))
                continue
            if not from_table:
                b.unplaced(stripped, "text inside a table", src)
                continue
            b.close_table()  # a paragraph after a web page's table: the table has ended
            from_table = False
        if not b.stack and b.table is None and _before_table(blocks, i) and is_table_title(plain):
            b.start_table(None, src, title=clean_label(plain))  # a web page's caption line over its table
            continue
        if b.stack and TITLE_LINE.match(compact):
            b.heading(re.sub(r"^(?:\d{1,2}|[一二三四五六七八九十]+)[.、．]\s*", "", plain), src, marked=False)
            continue
        b.text(stripped, src)
    return b.finish()


# -- plain text -----------------------------------------------------------------------------------------
LONG_LINE = 200  # a line this long is a paragraph or a whole body; it is cut by structure

_CN = "一二三四五六七八九十"
# a numbering mark that starts a heading or an item, where it follows a sentence end, a colon or
# a space (or starts the line); the look-behind keeps "增长1、2" and "第1.5" whole
_CUT = re.compile(
    rf"(?:(?<=[。；;！？!?：:\s])|^)(?=第[{_CN}]+部分|[{_CN}]{{1,3}}、|\d{{1,2}}、|\d{{1,2}}[.．](?!\d)|[(（]\d{{1,2}}[)）])"
    rf"|(?=[(（][{_CN}]{{1,3}}[)）])|(?<![{_CN}第、和及至或与])(?=[{_CN}]{{1,3}}、[\u4e00-\u9fff]{{2}})"
    r"|(?<=[\u4e00-\u9fff])(?=\d{1,2}、[\u4e00-\u9fff])"
)
_RUN_IN = re.compile(rf"^(?:第[{_CN}]+部分|[{_CN}]{{1,3}}、|[(（][{_CN}]{{1,3}}[)）])")
# the closing words of a heading (情况 / 说明 / 职责 …): where a heading run into its text ends
_CLOSE = re.compile(
    r"情况说明|情况|说明|职责|职能|概况|概述|设置|解释|总结|事项|任务|自评|评价|报告|基本信息|"
    r"决算表|预算表|收入|支出|预算|决算|经费|费|附件|附表"
)
_STRONG_CLOSE = re.compile(
    r"情况说明|情况|说明|职责|职能|概况|概述|设置|解释|总结|事项|任务|自评|基本信息|决算表|预算表"
)
# how the text after such a heading opens: a year, the report speaking of itself, "X的主要职责"
_OPENING = re.compile(
    r"(?:19|20)\d\d\s*年|本部门|本单位|本机关|我单位|我部门|我局|我委|我办|我乡|我镇|我所|我院|"
    r"[\u4e00-\u9fff]{1,12}的?(?:主要职责|主要职能|主要任务)|[\u4e00-\u9fff]{1,12}(?:19|20)\d\d\s*年"
)


def split_long_line(text: str, min_len: int = LONG_LINE) -> list[str]:
    """The pieces of a line of ``min_len`` or more characters: cut before each numbering mark that
    stands after a sentence end, a colon or a space, and after a level 1–3 heading run into its text."""
    if len(text) < min_len:
        return [text]
    starts = [m.start() for m in _CUT.finditer(text)]
    if not starts or starts[0] != 0:
        starts = [0] + starts
    out: list[str] = []
    for a, b in zip(starts, starts[1:] + [len(text)], strict=True):
        piece = text[a:b].strip()
        if piece:
            out += _cut_run_in(piece)
    return out


def _cut_run_in(piece: str) -> list[str]:
    """ "一、部门主要职责潭城镇的主要职责是：…" → the heading and its text.

    Cut at a space after the heading; else after a heading's closing word (职责, 情况, 任务 …)
    that a sentence's opening follows (a year "2016年", 本部门/我单位, "X的主要职责"); else, for
    a 第X部分 / 一、 heading whose clause states no amount, after its last closing word that only
    ends headings (情况, 说明, 职责 — not 预算 or 支出, which a heading also holds inside). A
    numbered item that states a figure ("二、2014年基本支出314.73万元，…") is never cut by these.
    Last, after a known section or subject name (``heading_names`` in rules/zh/stated.yaml, and
    the subjects' phrases) that text follows without a separator, when the text under it states
    the same figures as the whole piece ("二、支出预算财政支出的安排2393.3万元" → 二、支出预算)."""
    mark = _RUN_IN.match(piece)
    if not mark:
        return [piece]
    body = piece[mark.end() :].lstrip()
    space = re.match(r"^(\S{2,40})\s+(\S.*)$", body, re.S)
    if (
        space
        and not re.search(r"[，,。；;：:]|\d$", space.group(1))
        and not re.match(r"[年月日万元%]", space.group(2))
    ):
        return [piece[: mark.end()] + space.group(1), space.group(2).strip()]
    punct = re.search(r"[，,。；;：:！？!?]", piece)
    clause_end = punct.start() if punct else len(piece)
    stop = min(clause_end, mark.end() + 40)
    ends = [m.end() for m in _CLOSE.finditer(piece, mark.end(), stop) if m.end() < len(piece)]
    opened = [c for c in ends if _OPENING.match(piece, c)]
    if opened:  # the last: "四、2016年决算收支总体情况潭城镇2016年…" is cut after 情况, not 决算
        return [piece[: opened[-1]], piece[opened[-1] :]]
    strong = [m.end() for m in _STRONG_CLOSE.finditer(piece, mark.end(), stop) if m.end() < len(piece)]
    amount = re.search(r"\d+(\.\d+)?\s*(万元|元|%)", piece[:clause_end])
    if strong and not amount and not piece.startswith(("(", "（")) and _TEXT_OPENS.match(piece, strong[-1]):
        return [piece[: strong[-1]], piece[strong[-1] :]]
    named = _named_heading(piece, mark.end())
    if named is not None and _same_figures(piece, piece[:named], piece[named:]):
        return [piece[:named], piece[named:]]
    return [piece]


# what a heading's text opens with: a Chinese character, or an item's number ("任务1努力挖掘税源")
_TEXT_OPENS = re.compile(r"[\u4e00-\u9fff]|\d{1,2}[、.．]?[\u4e00-\u9fff]")
_NAME_FOLLOWS = re.compile(r"[\u4e00-\u9fff]")
MAX_HEADING_NAME = 24


def _named_heading(piece: str, start: int) -> int | None:
    """Where a known section or subject name that opens the heading ends (the longest: "（三）公务
    用车购置及运行费在我区…" → after 运行费), when text follows it with no separator; None
    otherwise (a figure, a punctuation mark or a space follows: the heading is not run in)."""
    from .stated import vocabulary

    names = vocabulary().heading_names
    while start < len(piece) and piece[start].isspace():
        start += 1
    for end in range(min(len(piece) - 1, start + MAX_HEADING_NAME), start + 1, -1):
        if nfkc(piece[start:end]) in names:
            return end if _NAME_FOLLOWS.match(piece, end) else None
    return None


def _same_figures(piece: str, heading: str, text: str) -> bool:
    """Does the text under the heading state the figures the whole piece states (the heading's
    subject named once, in the section's path)? A cut that loses or changes one is not made."""
    from .narrative import split_sentences
    from .stated import read_sentences

    def stated(body: str, path: tuple[str, ...]) -> set[tuple]:
        sentences = [(x.text, None, None) for x in split_sentences(clean_label(body), [])]
        return {
            (f.subject, f.measure, f.year, f.value, f.unit)
            for f in read_sentences(sentences, 0, "决算", path)
        }

    return stated(piece, ()) == stated(text, (clean_label(heading),))


def text_blocks(text: str, path: str) -> list[Block]:
    """Blocks of a plain-text (or markdown) file: ``#`` headings, tab/pipe table lines, and lines
    of text, long ones cut by structure; each keeps its physical line number."""
    from .limits import LIMITS
    from .markdown import table_cells

    blocks: list[Block] = []
    for no, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            blocks.append(Block("heading", stripped.lstrip("#").strip(), no))
            continue
        cells = table_cells(raw)
        if cells is not None:
            if cells:
                blocks.append(Block("row", raw, no, [cells]))
            continue
        for piece in split_long_line(stripped):
            if len(piece) > LIMITS.max_line_chars:
                raise ReportError(
                    f"一行过长且无法按结构切分：{len(piece)} 个字符，上限 {LIMITS.max_line_chars} (line too long)",
                    path,
                    no,
                )
            blocks.append(Block("text", piece, no))
    return blocks


def parse_text(text: str, path: str = "") -> ParsedReport:
    return parse_blocks(text_blocks(text, path), path, "text")


def _parse(data: bytes, path: str, on_page) -> ParsedReport:
    from .readers import decode_text

    return parse_text(decode_text(data, path), path)


def _sniff(head: bytes, suffix: str) -> bool:
    from .readers import is_text

    return is_text(head) and suffix in (".txt", ".text")


def _register() -> None:
    from .readers import Reader, register

    register(Reader("text", _sniff, _parse, (".txt", ".text"), priority=95))


_register()
