"""Read a Word ``.docx`` report (python-docx), and the block model the Excel reader shares.

A .docx is read into *blocks* in document order: headings (from the paragraph's style or outline
level), paragraphs, tables as grids of cell strings (a merged cell's text stands in its first
grid column, the columns it spans are left empty, as in the PDF grids) and page breaks. The blocks
then go to whichever existing reader matches how the document marks its structure:

* headings **marked** (Heading/标题 styles, outline levels): the structure is given, as in markdown;
  the blocks become markdown lines (``#`` headings, tab-separated table rows) for
  :func:`knowledge.markdown.parse_markdown`;
* nothing marked (a PDF exported to Word, a plainly typed 说明): the structure must be inferred
  from numbering (一、(一)) and layout, as for page texts; each page (explicit page breaks) becomes
  page text plus its grids for :class:`knowledge.pages.PageReader`.

Why not a third interpretation of headings and tables: the two existing readers are what the
tests hold to the reports' real figures; a docx of the same report must give the same facts, and
that is only guaranteed by reading it with the same code.

Citations: ``line`` is the n-th line of the document's text as read (a paragraph, a line break
inside one, or a table row); in page-inferred documents ``page`` is the page (explicit breaks)
and ``line`` the line within it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .limits import LIMITS, Limits, check_lines
from .model import ParsedReport, ReportError, Source

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
_TEXT_XPATH = ".//*[(self::w:t or self::w:tab or self::w:br or self::w:cr) and not(ancestor::mc:Fallback)]"
_NS = {
    "w": W[1:-1],
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}


@dataclass(frozen=True)
class Block:
    """One piece of a document in reading order: ``heading`` (with ``level``), ``text``,
    ``table`` (``rows`` of cell strings) or ``page`` (a page break). ``marked`` says whether a
    text line's look (bold, a title style) marks it as a heading in a spreadsheet."""

    kind: str
    text: str = ""
    level: int = 0
    rows: tuple[tuple[str, ...], ...] = ()
    where: tuple[tuple[int, int], ...] = ()  # (page or sheet, line or row) of the text / each row


# -- zip containers ------------------------------------------------------------------------------


def open_zip(data: bytes, path: str, kind: str, limits: Limits = LIMITS) -> zipfile.ZipFile:
    """The zip container of a .docx/.xlsx, refused before any member is inflated when it would
    inflate past the limits (a zip bomb) or is not a zip at all."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise ReportError(f"{kind} 文件已损坏，不是完整的 zip 包 (corrupt {kind}: {e})", path) from None
    total = sum(i.file_size for i in infos)
    if len(infos) > limits.max_zip_members or total > limits.max_unzipped_bytes:
        raise ReportError(
            f"{kind} 解压后过大：{len(infos)} 个部件、{total} 字节，上限 {limits.max_zip_members} 个、"
            f"{limits.max_unzipped_bytes} 字节 (unpacks too large: a zip bomb?)",
            path,
        )
    # the XML parts are parsed whole in memory (images and fonts are not read at all): each is
    # held to the limit of a text report
    big = next(
        (i for i in infos if i.filename.endswith(".xml") and i.file_size > limits.max_file_bytes), None
    )
    if big is not None:
        raise ReportError(
            f"{kind} 的 {big.filename} 解压后 {big.file_size} 字节，上限 {limits.max_file_bytes} (XML part too large)",
            path,
        )
    return z


def corrupt(kind: str, path: str, e: Exception) -> ReportError:
    """The one error for a container the library cannot read: file, format and reason."""
    reason = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
    return ReportError(f"{kind} 文件已损坏或不完整，无法读取 (corrupt {kind}: {reason})", path)


# -- reading a .docx into blocks -------------------------------------------------------------------


def _heading_levels(doc) -> dict[str, int]:
    """Style id → heading level, from the style's name (Heading 1, 标题 2, Title) or its outline
    level, following ``basedOn`` so a custom style derived from a heading counts too."""
    styles = {s.get(f"{W}styleId"): s for s in doc.styles.element.findall(f"{W}style")}

    def level(sid: str | None, depth: int = 0) -> int | None:
        s = styles.get(sid)
        if s is None or depth > 10:
            return None
        name_el = s.find(f"{W}name")
        name = (name_el.get(f"{W}val") if name_el is not None else "") or ""
        m = _HEADING_NAME.match(name.strip())
        if m:
            return int(m.group(1))
        if name.strip().lower() == "title":
            return 1
        ol = s.find(f"{W}pPr/{W}outlineLvl")
        if ol is not None and (ol.get(f"{W}val") or "").isdigit() and int(ol.get(f"{W}val")) < 9:
            return int(ol.get(f"{W}val")) + 1
        based = s.find(f"{W}basedOn")
        return level(based.get(f"{W}val"), depth + 1) if based is not None else None

    return {sid: lv for sid in styles if (lv := level(sid)) is not None}


_XPATH = []


def _text_nodes():
    """The compiled XPath of text-bearing run children (compiled once, lxml imported lazily)."""
    if not _XPATH:
        from lxml import etree

        _XPATH.append(etree.XPath(_TEXT_XPATH, namespaces=_NS))
    return _XPATH[0]


def _runs_text(el) -> tuple[str, bool]:
    """An element's text (tabs and line breaks kept) and whether it holds a page break."""
    out: list[str] = []
    page = False
    for node in _text_nodes()(el):
        tag = node.tag[len(W) :]
        if tag == "t":
            out.append(node.text or "")
        elif tag == "tab":
            out.append("\t")
        elif tag == "br" and node.get(f"{W}type") == "page":
            page = True
        elif tag in ("br", "cr"):
            out.append("\n")
    return "".join(out), page


def _paragraph_level(p, levels: dict[str, int]) -> int | None:
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        return None
    ol = ppr.find(f"{W}outlineLvl")
    if ol is not None and (ol.get(f"{W}val") or "").isdigit():
        v = int(ol.get(f"{W}val"))
        return v + 1 if v < 9 else None
    st = ppr.find(f"{W}pStyle")
    return levels.get(st.get(f"{W}val")) if st is not None else None


def _table_rows(tbl, path: str, limits: Limits) -> list[tuple[str, ...]]:
    """A table's rows as cell strings: a merged cell's text once, the grid columns it spans and
    the rows it is merged down into left empty (both are empty in the file as Word writes it;
    text a continuation cell still holds is hidden, so it is left out too)."""
    rows = []
    merging: set[int] = set()  # grid columns a vertical merge is open in (from the rows above)
    for tr in tbl.findall(f"{W}tr"):
        cells: list[str] = []
        before = tr.find(f"{W}trPr/{W}gridBefore")
        if before is not None and (before.get(f"{W}val") or "").isdigit():
            cells += [""] * int(before.get(f"{W}val"))
        for tc in tr.iter(f"{W}tc"):
            if tc.getparent() is not tr and tc.getparent().tag != f"{W}sdtContent":
                continue  # a table nested inside a cell: its text is part of that cell
            text = "\n".join(_runs_text(p)[0] for p in tc.iter(f"{W}p")).strip("\n")
            if len(text) > limits.max_cell_chars:
                raise ReportError(
                    f"表格第{len(rows) + 1}行有一格过长：{len(text)} 个字符，上限 {limits.max_cell_chars} (cell too long)",
                    path,
                )
            span = tc.find(f"{W}tcPr/{W}gridSpan")
            n = int(span.get(f"{W}val")) if span is not None and (span.get(f"{W}val") or "").isdigit() else 1
            col = len(cells)
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            if vmerge is None:
                merging.discard(col)
            elif vmerge.get(f"{W}val") == "restart":
                merging.add(col)
            elif col in merging:
                # a cell merged into the one above: Word shows that cell's text over both and
                # none of this one's (a continuation cell "must be empty"); what it still holds
                # is hidden, and read it would print a figure the table does not show
                text = ""
            cells += [text] + [""] * (min(n, limits.max_sheet_cols) - 1)
        if len(cells) > limits.max_sheet_cols:
            raise ReportError(
                f"表格过宽：{len(cells)} 栏，上限 {limits.max_sheet_cols} (table too wide)", path
            )
        rows.append(tuple(cells))
    return rows


def docx_blocks(data: bytes, path: str, limits: Limits = LIMITS) -> list[Block]:
    """The document body in reading order (content controls opened, tracked deletions and
    fallback copies of drawings left out)."""
    import docx
    from lxml import etree

    z = open_zip(data, path, "Word")
    if "word/document.xml" not in z.namelist():
        raise ReportError("Word 文件中没有 word/document.xml，不是有效的 .docx (not a valid .docx)", path)
    try:
        doc = docx.Document(io.BytesIO(data))
    except (etree.XMLSyntaxError, KeyError, ValueError, zipfile.BadZipFile, Exception) as e:
        raise corrupt("Word", path, e) from None
    levels = _heading_levels(doc)
    blocks: list[Block] = []
    n_rows = 0
    for el in _body_items(doc.element.body):
        if el.tag == f"{W}tbl":
            rows = _table_rows(el, path, limits)
            n_rows += len(rows)
            if n_rows > limits.max_rows:
                raise ReportError(f"表格行数过多，上限 {limits.max_rows} (too many table rows)", path)
            if rows:
                blocks.append(Block("table", rows=tuple(rows)))
            continue
        ppr = el.find(f"{W}pPr")
        if ppr is not None and ppr.find(f"{W}pageBreakBefore") is not None:
            blocks.append(Block("page"))
        text, page = _runs_text(el)
        level = _paragraph_level(el, levels)
        sect = ppr.find(f"{W}sectPr") if ppr is not None else None
        breaks = page or (sect is not None and _section_breaks_page(sect))
        if text.strip() and level:
            blocks.append(Block("heading", text.strip(), level))
        elif text.strip() or not breaks:
            blocks.append(Block("text", text))  # an empty paragraph is a blank line of its page
        if breaks:
            blocks.append(Block("page"))
    return blocks


def _section_breaks_page(sect) -> bool:
    t = sect.find(f"{W}type")
    return t is None or t.get(f"{W}val") != "continuous"


def _body_items(body) -> Iterator:
    """Paragraphs and tables of the body, opening content controls (w:sdt) in place."""
    for el in body:
        if el.tag in (f"{W}p", f"{W}tbl"):
            yield el
        elif el.tag == f"{W}sdt":
            content = el.find(f"{W}sdtContent")
            if content is not None:
                yield from _body_items(content)


# -- blocks into the existing readers ------------------------------------------------------------


def markdown_lines(blocks: list[Block]) -> list[str]:
    """Blocks as markdown lines: one line per paragraph line or table row, headings marked."""
    out: list[str] = []
    for b in blocks:
        if b.kind == "heading":
            out.append("#" * max(1, min(b.level, 6)) + " " + " ".join(b.text.split("\n")))
        elif b.kind == "text":
            out += [ln.replace("\t", " ") for ln in b.text.split("\n")]
        elif b.kind == "table":
            for r in b.rows:
                cells = [" ".join(c.replace("\t", " ").split("\n")) for c in r]
                out.append("\t".join(cells) + ("\t" if len(cells) == 1 else ""))
    return out


def page_texts(blocks: list[Block]) -> tuple[list[str], list[list[list[list[str]]]]]:
    """Blocks as pages: each page's text (a table's rows printed as lines, as a PDF's text layer
    prints them) and its tables as rectangular grids."""
    pages: list[list[str]] = [[]]
    grids: list[list[list[list[str]]]] = [[]]
    for b in blocks:
        if b.kind == "page":
            if pages[-1] or grids[-1]:
                pages.append([])
                grids.append([])
        elif b.kind == "table":
            width = max(len(r) for r in b.rows)
            grids[-1].append([list(r) + [""] * (width - len(r)) for r in b.rows])
            pages[-1] += [" ".join(c.replace("\n", " ") for c in r if c.strip()) for r in b.rows]
        else:
            pages[-1] += b.text.split("\n")
    return ["\n".join(p) for p in pages], grids


def parse_blocks(
    blocks: list[Block], path: str, fmt: str, title_hint: str | None = None, marked: bool | None = None
) -> ParsedReport:
    """A report from blocks, read by the markdown reader when headings are marked, else by the
    page reader. ``title_hint`` (a bundle's title) stands in for a title the part does not print;
    it is read as a first line and every citation is shifted back so none points at it."""
    if marked is None:
        marked = any(b.kind == "heading" for b in blocks)
    try:
        return best_reading(lambda m: _parse_blocks(blocks, path, fmt, None, m), marked)
    except ReportError as e:
        if not e.message.startswith(NO_TITLE):
            raise
        if not title_hint:
            raise part_hint(e) from None
    return best_reading(lambda m: _parse_blocks(blocks, path, fmt, title_hint, m), marked)


def part_hint(e: ReportError) -> ReportError:
    """No title: perhaps one part of a report published as several files; say how to join them."""
    return ReportError(
        e.message + "。若它是报告的一部分（如表格或说明），请与其他部分一起用 ingest --bundle 导入"
        " (if it is one part of a report, ingest it with the other parts: ingest --bundle FILE…)",
        e.path,
        e.line,
    )


def best_reading(read: Callable[[bool], ParsedReport], marked: bool) -> ParsedReport:
    """The reading by the reader the marks point to, unless it leaves lines unplaced and the
    other reader places more of them without losing a table row.

    Why: marks say how headings are meant, not how the tables are laid out. A styled Word file
    whose tables have merged two-row headers (本年支出 over 合计/基本支出/项目支出) reads right only
    with the page reader's grid handling; a markdown-converted report's tab grids only with the
    markdown reader's. Which reading placed the lines is the evidence; the second reading runs
    only when the first left more than one line in ten of its table rows unplaced (a few damaged
    lines of a real report are noise both readers leave, not a misreading)."""

    def rows(r: ParsedReport) -> int:
        return sum(len(t.rows) for t in r.tables)

    first = read(marked)
    if len(first.unplaced) * 10 <= rows(first):
        return first
    try:
        other = read(not marked)
    except ReportError:
        return first
    if len(other.unplaced) < len(first.unplaced) and rows(other) >= rows(first):
        return other
    return first


NO_TITLE = "不是部门预算/决算公开报告"


def _parse_blocks(blocks: list[Block], path: str, fmt: str, title_hint: str | None, marked: bool | None):
    from .markdown import parse_markdown
    from .pages import parse_pages

    if marked:
        lines = markdown_lines(blocks)
        if title_hint:
            lines = ["# " + title_hint] + lines
        text = "\n".join(lines)
        check_lines(text, path)
        report = parse_markdown(text, path)
        if title_hint:
            shift_sources(report, lambda s: (s.page, s.line - 1))
    else:
        pages, grids = page_texts(blocks)
        if title_hint:
            pages, grids = [title_hint] + pages, [[]] + grids
        for pno, t in enumerate(pages, 1):
            check_lines(t, path, page=pno)
        report = parse_pages(pages, grids, path, fmt)
        if title_hint:
            drop_page(report, 1)
            shift_sources(report, lambda s: ((s.page or 1) - 1, s.line))
    report.meta.source_format = fmt
    return report


def parse_docx(data: bytes, path: str, on_page: Callable | None = None, title_hint: str | None = None):
    return parse_blocks(docx_blocks(data, path), path, "docx", title_hint)


# -- citations -----------------------------------------------------------------------------------


def each_source(report: ParsedReport) -> Iterator[Source]:
    """Every Source of a report once (several items may share one Source object)."""
    seen: set[int] = set()

    def items():
        for t in report.tables:
            yield t.source
            for r in t.rows:
                yield r.source
        for s in report.sections:
            yield s.source
            for se in s.sentences:
                yield se.source
        for x in (*report.terms, *report.figures, *report.unplaced):
            yield x.source
        for p in report.performance:
            yield p.source
            for i in p.indicators:
                yield i.source

    for src in items():
        if src is not None and id(src) not in seen:
            seen.add(id(src))
            yield src


def shift_sources(report: ParsedReport, where: Callable[[Source], tuple[int | None, int]]) -> None:
    """Rewrite every citation's (page, line) in place, each Source once."""
    for s in each_source(report):
        s.page, s.line = where(s)


def drop_page(report: ParsedReport, page: int) -> None:
    """Remove what was read from one page (an injected title page) from a report."""

    def keep(x) -> bool:
        return x.source is None or x.source.page != page

    report.sections = [s for s in report.sections if keep(s)]
    for s in report.sections:
        s.sentences = [se for se in s.sentences if keep(se)]
    report.figures = [f for f in report.figures if keep(f)]
    report.unplaced = [u for u in report.unplaced if keep(u)]


# -- registration ----------------------------------------------------------------------------------


def parse_zip(data: bytes, path: str, on_page: Callable | None = None, title_hint: str | None = None):
    """A zip package, told apart by what it holds: a Word document, an Excel workbook, an
    OpenDocument file (refused: save as .docx/.xlsx) or an archive (refused: extract it)."""
    suffix = path.rsplit(".", 1)[-1].lower()
    kind = {"docx": "Word", "xlsx": "Excel", "xlsm": "Excel"}.get(suffix, "zip")
    names = set(open_zip(data, path, kind).namelist())
    if "word/document.xml" in names:
        return parse_docx(data, path, on_page, title_hint)
    if "xl/workbook.xml" in names:
        from .xlsx_reader import parse_xlsx

        return parse_xlsx(data, path, on_page, title_hint)
    if "content.xml" in names and "mimetype" in names:
        raise ReportError(
            "这是 OpenDocument 文件（.odt/.ods），请另存为 .docx/.xlsx 或 PDF 后再导入"
            " (OpenDocument: save it as .docx/.xlsx or PDF)",
            path,
        )
    raise ReportError(
        "这是压缩包（zip），请先解压，再导入其中的报告文件 (an archive: extract it and ingest the files inside)",
        path,
    )


def _register() -> None:
    from .readers import ZIP, Reader, register

    register(
        Reader(
            "zip",
            lambda h, s: h.startswith(ZIP) or h.startswith(b"PK\x05\x06"),
            parse_zip,
            (".docx", ".xlsx", ".xlsm", ".zip", ".odt", ".ods"),
            priority=15,
        )
    )


_register()
