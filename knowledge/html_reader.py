"""Read a report published as a web page (a government portal's article page, a Word "save as HTML").

Why lxml: the pages are read by their structure — which element holds the article, which
elements are paragraphs, headings and table cells — and lxml's HTML parser is libxml2's, the
well-kept, fast, forgiving parser that repairs the unclosed tags and upper-case Word markup real
portals serve. Content extractors (trafilatura, readability) guess the article too, but they
rewrite or drop tables and merge cells, and the figures are in the tables and sentences, so the
grid has to be read from the ``<table>`` itself (rowspan/colspan kept as empty cells, exactly as
the PDF reader's cell grids).

What is read:

* the page's metadata: ``<meta name="ArticleTitle|PubDate|Url|…">`` (the portal's CMS tags),
  else Open Graph / ``<h1>`` / ``<title>``; it goes into :class:`~knowledge.model.ReportMeta`
  (``published``, ``url``) and its title is offered to the title parser first;
* the article body: ``div.article_content`` (the TRS/portal template), else an ``<article>`` or
  ``<main>``, else the element whose own paragraphs hold the most text (navigation, link lists
  and footers hold little text of their own), up to the "来源：" line that ends the article;
* scripts, styles, forms, iframes, navigation, share buttons and attachment lists (paragraphs that
  are only links to files) are dropped; Word's escaped conditional comments
  (``&lt;!--[if !supportLists]--&gt;``) shown as text are removed;
* headings (``<h1>``–``<h6>``) are marked headings; every other block (``<p>``, ``<div>``,
  ``<li>``, a ``<br>``-separated run) is a line of text; a data table is a grid, its cells as
  displayed (an Excel export's ``x:num`` holds the unrounded value; the report states the shown
  one), its ``<caption>`` read as the title line over it.

A document that marks page breaks (``page-break-before/after`` — Word and PDF-to-HTML exports)
is read page by page with the page reader the PDFs use; a flowing page goes through the same line
logic as the markdown reader. Either way the narrative, grids and checks are the shared ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import ParsedReport, ReportError, ReportMeta
from .readers import Reader, decode_text, is_text, register, text_head
from .text_reader import Block

# the portal CMS (TRS WCM and its clones) meta tags; Open Graph / Dublin Core as fall-backs
_META_TITLE = ("ArticleTitle", "og:title", "dc.title", "title")
_META_DATE = ("PubDate", "article:published_time", "dc.date", "publishdate", "pubdate")
_META_URL = ("Url", "og:url")
_META_KEYS = frozenset(k.lower() for k in _META_TITLE + _META_DATE + _META_URL)

_DROP_TAGS = (
    "script", "style", "noscript", "iframe", "form", "nav", "button", "select", "input",
    "textarea", "object", "embed", "svg", "canvas", "template", "audio", "video", "map",
)  # fmt: skip
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
    "pre", "center", "address", "figure", "figcaption", "caption", "header", "footer", "aside",
    "hr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "tbody", "thead", "tfoot",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# class/id words of site chrome: menus, share bars, breadcrumbs, footers, attachment lists
_CHROME = re.compile(
    r"(^|[\s_-])(nav|menu|share|bdshare|breadcrumb|crumb|footer|foot|header|head|sidebar|toolbar|"
    r"print|fontsize|attach|fujian|download|related|comment|login|search|weather|banner)($|[\s_-])",
    re.I,
)
_FILE_LINK = re.compile(r"\.(xls|xlsx|doc|docx|pdf|wps|et|zip|rar|7z)(\?|#|$)", re.I)
_WORD_COMMENT = re.compile(r"<!--.*?-->|<!\[(?:end)?if[^\]]*\]>", re.S)
_END_OF_ARTICLE = re.compile(r"^(来源|信息来源|责任编辑|【打印】|【关闭】|附件下载)\s*[:：]?")
_SPLIT_NUMBER = re.compile(r"\d[,.]$")
_HTML_OPEN = re.compile(r"<html[\s>]", re.I)
_HTML_CLOSE = re.compile(r"</html\s*>", re.I)
_PAGE_BREAK = re.compile(r"page-break-(?:before|after)\s*:\s*always", re.I)
_SPACE_RUN = re.compile(r"[\s\xa0\u3000\u200b\ufeff]+")
_LEADING_DIGIT = re.compile(r"^\s*\d")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True)
class PageMeta:
    """What the page says about itself (empty strings where it says nothing)."""

    title: str = ""
    published: str = ""
    url: str = ""


@dataclass
class Article:
    meta: PageMeta
    blocks: list[Block]

    @property
    def paged(self) -> bool:
        return any(b.kind == "page" for b in self.blocks)


# -- text -------------------------------------------------------------------------------------------
def norm_space(text: str) -> str:
    """Text as a browser shows it: whitespace runs collapse to one space, nbsp included."""
    if "<" in text:
        text = _WORD_COMMENT.sub("", text)
    return _SPACE_RUN.sub(" ", text).strip()


def _is_chrome(el) -> bool:
    c, i = el.get("class"), el.get("id")
    if not c and not i:
        return False  # most elements: no class, no id
    cls = f"{c or ''} {i or ''}"
    return bool(cls.strip()) and bool(_CHROME.search(cls)) and "content" not in cls.lower()


_STRING = None  # XPath string(): what lxml.html's text_content() is


def text_of(el) -> str:
    """An element's text content (its text and every descendant's), as lxml.html's
    ``text_content`` gives it, for the plain elements this reader parses into."""
    global _STRING
    if _STRING is None:
        import lxml.etree

        _STRING = lxml.etree.XPath("string()", smart_strings=False)
    return _STRING(el)


def _parse_tree(text: str, path: str):
    """The page parsed by libxml2's HTML parser, as ``lxml.html.document_fromstring`` parses it, but
    into lxml's plain elements: lxml.html's element classes cost a Python call for every element
    the reader visits (a third of walking a page), and nothing here uses their methods. Comments
    and processing instructions are left out by the parser (the text around them joins, as
    :func:`_clean` would join it)."""
    import lxml.etree

    text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses a str with an encoding declaration
    try:
        root = lxml.etree.fromstring(text, lxml.etree.HTMLParser(remove_comments=True, remove_pis=True))
    except (lxml.etree.ParserError, ValueError) as e:
        raise ReportError(f"无法解析的网页 (unreadable HTML): {e}", path, 1) from None
    if root is None:
        raise ReportError("无法解析的网页 (unreadable HTML): Document is empty", path, 1)
    return root


def page_meta(root) -> PageMeta:
    """The page's own title, publication date and URL from its ``<meta>`` tags."""
    found: dict[str, str] = {}
    for m in root.iter("meta"):
        key = (m.get("name") or m.get("property") or "").strip().lower()
        if key not in _META_KEYS or key in found:
            continue  # a tag nothing here reads (Description, KeyWords…), or one already found
        content = norm_space(m.get("content") or "")
        if content:
            found[key] = content

    def first(keys: tuple[str, ...]) -> str:
        return next((found[k.lower()] for k in keys if found.get(k.lower())), "")

    title = first(_META_TITLE)
    if not title:
        h1 = root.find(".//h1")
        title = norm_space(text_of(h1)) if h1 is not None else ""
    if not title:
        title = _title_in_page(root)
    date = first(_META_DATE)
    return PageMeta(title=title, published=date, url=first(_META_URL))


_TITLE_CLASS = re.compile(r"title|biaoti|headline|(^|[\s_-])(bt|tit|tt)($|[\s_-])", re.I)


def _title_in_page(root) -> str:
    """A page without title metadata: the first element classed as a title (td.bt, div.title…)
    whose text is a report title, else the report title inside ``<title>`` ("标题_网站名")."""
    from .meta import parse_title

    for el in root.iter():
        if not isinstance(el.tag, str) or not _TITLE_CLASS.search(
            f"{el.get('class') or ''} {el.get('id') or ''}"
        ):
            continue
        text = norm_space(text_of(el))
        if len(text) <= 100 and parse_title(text):
            return text
    head = root.find(".//title")
    for part in re.split(r"\s*[_|｜—–-]+\s*", norm_space(text_of(head)) if head is not None else ""):
        if parse_title(part):
            return part
    return ""


def _check_raw_text(root, path: str) -> None:
    """A ``<style>`` or ``<script>`` whose text runs on past ``</body>``/``</html>``: its own end tag
    is lost, and everything after it (the article included) was read as CSS or code, to be dropped
    with it; what would be left is the site's chrome, or a title alone naming another report."""
    for el in root.iter("style", "script"):
        t = el.text
        if t and "</" in t and _SWALLOWED_END.search(t):
            raise ReportError(
                f"网页的 <{el.tag}> 没有结束标签：其后的正文都被当作{'样式' if el.tag == 'style' else '脚本'}吞掉了，网页被改坏了？"
                f" (a <{el.tag}> never closed swallows the rest of the page)",
                path,
                el.sourceline,
            )


def _clean(root) -> None:
    import lxml.etree

    for el in list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        _remove(el)
    for el in list(root.iter(*_DROP_TAGS)):
        _remove(el)


def _remove(el) -> None:
    """Drop an element but keep the text that follows it (its tail belongs to the parent)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _own_text(el) -> int:
    """CJK characters in the element's own text (not in links, not in child blocks)."""
    n = len(re.findall(r"[\u4e00-\u9fff]", el.text or ""))
    for c in el:
        if not isinstance(c.tag, str):
            continue
        if c.tag not in _BLOCK_TAGS and c.tag not in ("a", "head", "body", "title"):
            n += len(re.findall(r"[\u4e00-\u9fff]", text_of(c)))
        n += len(re.findall(r"[\u4e00-\u9fff]", c.tail or ""))
    return n


def find_body(root):
    """The element holding the article: the portal's content class, <article>/<main>, else the
    element whose paragraphs hold the most text (a paragraph's text scores for its parent fully
    and its grandparent half, so the container of many paragraphs wins over any one of them)."""
    for found in _marked_bodies(root):
        sized = [(n, e) for e in found if (n := _text_len(e)) >= 20]
        if sized:
            return max(sized, key=lambda x: x[0])[1]
    scores: dict = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("a", "title", "head") or _is_chrome(el):
            continue
        n = _own_text(el)
        if not n:
            continue
        parent = el.getparent()
        target = el if el.tag not in ("p", "span", "font", "li", "br", "td") else parent
        if target is None:
            continue
        scores[target] = scores.get(target, 0) + n
        up = target.getparent()
        if up is not None:
            scores[up] = scores.get(up, 0) + n / 2
    if not scores:
        return root.find("body") if root.find("body") is not None else root
    return max(scores, key=scores.get)


_TRS_CLASSES = ("TRS_Editor", "trs_editor", "TRS_UEDITOR")
_XML_SPACE = re.compile(r"[ \t\n\r]+")  # what XPath's normalize-space() collapses


def _marked_bodies(root):
    """The elements a template marks as the article, in document order, rule by rule in priority
    order (each rule a pass over the tree, made only when the ones before found nothing): ``class``
    holding the word ``article_content`` (the portal template); a TRS editor class; id
    ``UCAP-CONTENT`` / ``zoom`` (the UCAP CMS and www.gov.cn templates); ``<article>``; ``<main>``;
    id ``content`` / ``article``. (XPath with string functions over every element costs more than
    the rest of reading the page.)"""

    def trs(el) -> bool:
        cls = el.get("class")
        return cls is not None and any(w in cls for w in _TRS_CLASSES)

    def ucap(el) -> bool:
        return el.get("id") in ("UCAP-CONTENT", "zoom")

    def named(el) -> bool:
        return el.get("id") in ("content", "article")

    yield [
        el
        for el in root.iter()  # comments and PIs have no attributes: get() is None
        if (c := el.get("class")) is not None
        and "article_content" in c
        and "article_content" in _XML_SPACE.split(c)
    ]
    yield [el for el in root.iter() if isinstance(el.tag, str) and trs(el)]
    yield [el for el in root.iter() if isinstance(el.tag, str) and ucap(el)]
    yield list(root.iter("article"))
    yield list(root.iter("main"))
    yield [el for el in root.iter() if isinstance(el.tag, str) and named(el)]


def _text_len(el) -> int:
    """Characters of text (whitespace not counted) under the element."""
    text = text_of(el)
    return len(text) - sum(text.count(w) for w in (" ", "\n", "\t", "\r", "\xa0", "\u3000"))


# -- blocks -------------------------------------------------------------------------------------------
class _Walker:
    """Flattens the body into blocks; linear in the size of the tree."""

    def __init__(self, path: str = "", links: set | None = None) -> None:
        self.path = path  # the file, named when a table is refused
        # the elements holding a link to a file (the links and their ancestors): only they can
        # be an attachment entry; None: not known, every entry tag is looked at
        self.links = links
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.line = 1
        self.heading = False
        self.ended = False
        self.content = False  # the buffer holds more than whitespace

    def flush(self) -> None:
        if not self.content:
            self.buf = []
            self.heading = False
            return
        raw = "".join(self.buf)
        self.buf = []
        self.content = False
        text = norm_space(raw)
        if text and not self.ended:
            if _END_OF_ARTICLE.match(text) and len(text) <= 80:
                self.ended = True  # "来源：…": the article ends; what follows is the site's
                return
            self.blocks.append(Block("heading" if self.heading else "text", text, self.line))
        self.heading = False

    def add(self, text: str | None, line: int | None) -> None:
        if text:
            if self.buf and _LEADING_DIGIT.match(text):
                self._join_number(text)
                text = text if not self.buf or not _SPLIT_NUMBER.search(self.buf[-1]) else text.lstrip()
            if not self.content and not text.isspace():
                self.content = True
                if line:
                    self.line = line
            self.buf.append(text)

    def _join_number(self, text: str) -> None:
        """A number split by markup (58,</span>\n<span>451.40): drop the blank between its parts."""
        i = len(self.buf) - 1
        while i >= 0 and not self.buf[i].strip():
            i -= 1
        if i >= 0 and _SPLIT_NUMBER.search(self.buf[i].rstrip()):
            del self.buf[i + 1 :]
            self.buf[i] = self.buf[i].rstrip()

    def walk(self, el) -> None:
        if self.ended:
            return
        tag = el.tag
        tag = tag.lower() if isinstance(tag, str) else ""  # Word's <o:p> is inline, not a <p>
        cls, ident, style = el.get("class"), el.get("id"), el.get("style")
        for v in (style, cls, ident):
            if v is not None and "<" in v and _MARKUP.search(v):
                raise ReportError(
                    "网页的标签属性里有别的标签（一个引号没有闭合，其后的段落或表格被吞进属性里）：网页被改坏了？"
                    f" (an attribute value holds markup: {v[v.index('<') :][:40]!r}…)",
                    self.path,
                    el.sourceline,
                )
        if (cls is not None or ident is not None) and _is_chrome(el):
            return
        if tag in _ENTRY_TAGS and (self.links is None or el in self.links) and _only_file_links(el):
            return
        if tag == "table" and _is_data_table(el):
            self._table(el)
            return
        if tag in _CELL_TAGS and next(el.iterancestors("table"), None) is None:
            raise ReportError(
                f"网页里有表格单元格 <{tag}> 却不在任何 <table> 里：表格的开头丢了，网页被改坏了？"
                " (a table cell outside any table: its <table> is lost)",
                self.path,
                el.sourceline,
            )
        breaks = style is not None and _PAGE_BREAK.search(style) is not None
        if tag == "br":
            self.flush()
            if breaks:
                self.blocks.append(Block("page", "", el.sourceline or self.line))
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.flush()
            if breaks and "before" in style.lower():
                self.blocks.append(Block("page", "", el.sourceline or self.line))
            self.heading = tag in _HEADINGS
        text = el.text
        if text:
            self.add(text, el.sourceline)
        for child in el:
            self.walk(child)
            tail = child.tail
            if tail:
                self.add(tail, None)
        if block:
            if tag in _HEADINGS:
                self.heading = True
            self.flush()
            if breaks and "after" in style.lower():
                self.blocks.append(Block("page", "", el.sourceline or self.line))

    def _table(self, el) -> None:
        """A data table: its caption as the line over it, then its grid."""
        self.flush()
        caption = el.find("caption")
        if caption is not None and norm_space(text_of(caption)):
            # the table's own title, read as the line over it (as a PDF prints it)
            self.blocks.append(Block("text", norm_space(text_of(caption)), caption.sourceline or self.line))
        grid, merged = _grid(el, self.path)
        if grid:
            text = "\n".join(" ".join(c for c in r if c) for r in grid)
            self.blocks.append(Block("table", text, el.sourceline or self.line, grid, merged))


_ENTRY_TAGS = ("p", "li", "div", "a")
_CELL_TAGS = ("tr", "td", "th")
# a tag inside a style/class/id value: a quote left open swallowed the markup after it (CSS and
# class names never hold "<")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z]")
_SWALLOWED_END = re.compile(r"</\s*(?:html|body)\b", re.I)


def _only_file_links(el) -> bool:
    """An attachment entry: a block whose text is all inside links to files (.xls, .doc, …)."""
    if not isinstance(el.tag, str) or el.tag not in ("p", "li", "div", "a"):
        return False
    if el.tag == "div" and any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in el):
        return False  # only a leaf block is an entry (so each element's links are looked at once)
    links = [a for a in el.iter("a") if _FILE_LINK.search(a.get("href") or "")]
    if not links:
        return False
    inside = sum(len(norm_space(text_of(a))) for a in links)
    total = len(norm_space(text_of(el)))
    return inside >= total - 8  # "附件1：" before the link is part of the entry


def _file_link_holders(body) -> set:
    """The links to files under ``body`` and every element up to it that holds one: the only
    elements :func:`_only_file_links` can find true (most pages have a few such links or none, and
    looking for them under every paragraph cost more than the rest of the walk over it)."""
    holders: set = set()
    for a in body.iter("a"):
        if _FILE_LINK.search(a.get("href") or ""):
            el = a
            while el is not None and el not in holders:
                holders.add(el)
                if el is body:
                    break
                el = el.getparent()
    return holders


def _is_data_table(table) -> bool:
    """A table of data, not a layout table holding the page: no nested tables, no long prose cells."""
    if table.find(".//table") is not None:
        return False
    for cell in table.iter("td", "th"):
        text = text_of(cell)
        if len(text) > 300 and len(norm_space(text)) > 300:  # norm_space never lengthens a text
            return False
    return True


# a span beyond HTML's own maximum (browsers clamp rowspan at 65534) is no writer's: damage
MAX_ROWSPAN = 65534
_SECTIONS = ("thead", "tbody", "tfoot")
_SPAN_DIGITS = re.compile(r"[ \t\n\f\r]*\+?(\d+)")  # HTML's rules for parsing non-negative integers


def table_grid(table, path: str = "") -> list[list[str]]:
    """The table as a rectangular grid of cell texts, each cell in the slot a browser shows it
    in; a cell spanning several rows or columns leaves the covered slots empty (as PDF extraction
    does), so columns line up. See :func:`_grid`."""
    return _grid(table, path)[0]


def _row_groups(table) -> list[list]:
    """The table's rows in HTML's table model order, by row group: each ``<thead>``/``<tbody>``, each
    run of rows directly in the table, then the ``<tfoot>`` groups (a browser draws a footer
    written before the body under it). A rowspan ends with its group."""
    groups: list[list] = []
    feet: list[list] = []
    last = None
    for tr in table.iter("tr"):
        sec = tr.getparent()
        while sec is not None and sec is not table and sec.tag not in _SECTIONS:
            sec = sec.getparent()
        if sec is None:
            sec = table
        if sec is not last or not groups and not feet:
            last = sec
            (feet if sec.tag == "tfoot" else groups).append([])
        (feet if sec.tag == "tfoot" else groups)[-1].append(tr)
    return groups + feet


def _grid(table, path: str) -> tuple[list[list[str]], bool]:
    """HTML's occupancy grid, linear in the table's size: each cell goes to the first slot of its
    row that no rowspan from above covers, and covers ``colspan`` slots to its right and
    ``rowspan`` rows down, within its row group (a rowspan past the group's end stops there, as
    browsers draw it; ``rowspan="0"`` is the rest of the group). ``cover[c]`` counts the rows
    below the current one that column ``c`` is still covered in, so each row costs its width.

    The grid is at most ``LIMITS.max_sheet_cols`` wide and no span may pass its limit (colspan the
    width, rowspan HTML's own 65534): a page saying ``rowspan="100000"`` or ``colspan="5000"`` is
    refused with its file and line rather than read into a grid that cannot be the table (or fills
    the memory). Returns the grid and whether any cell spans more than one slot."""
    from .limits import LIMITS

    max_cols = LIMITS.max_sheet_cols
    grid: list[list[str]] = []
    widths: list[tuple[int, int, object]] = []  # (slots filled, row number, <tr>) of the rows with cells
    merged = False
    n = 0
    for group in _row_groups(table):
        cover: list[int] = []
        for g, tr in enumerate(group):
            n += 1
            out: list[str] = []
            c = own = 0
            for cell in tr:
                tag = cell.tag
                if not isinstance(tag, str) or tag.lower() not in ("td", "th"):
                    continue
                own += 1
                cs, rs = cell.get("colspan"), cell.get("rowspan")
                colspan = 1 if cs is None else _span(cs, 1)
                rowspan = 1 if rs is None else _span(rs, 0)
                if colspan > max_cols or rowspan > MAX_ROWSPAN:
                    what, v, top = (
                        ("colspan", colspan, max_cols)
                        if colspan > max_cols
                        else ("rowspan", rowspan, MAX_ROWSPAN)
                    )
                    raise ReportError(
                        f"表格第 {n} 行有一格 {what}={v}，上限 {top}：网页的表格被改坏了？ (a table cell spans"
                        f" {v} {'columns' if what == 'colspan' else 'rows'}, the limit is {top})",
                        path,
                        cell.sourceline or table.sourceline or 1,
                    )
                if rowspan == 0 or rowspan > len(group) - g:
                    rowspan = len(group) - g  # the rest of the group
                while c < len(cover) and cover[c]:
                    out.append("")
                    c += 1
                end = c + colspan
                if end > max_cols:
                    raise ReportError(
                        f"表格第 {n} 行有 {end} 栏，上限 {max_cols}：网页的表格被改坏了？ (table too wide)",
                        path,
                        cell.sourceline or table.sourceline or 1,
                    )
                out.append(_cell_text(cell))
                if colspan > 1:
                    out += [""] * (colspan - 1)
                    merged = True
                if rowspan > 1:
                    merged = True
                    if len(cover) < end:
                        cover += [0] * (end - len(cover))
                    for k in range(c, end):
                        if cover[k] < rowspan:
                            cover[k] = rowspan  # this row and the rowspan - 1 below
                c = end
            covered = len(cover)
            while covered and not cover[covered - 1]:
                covered -= 1
            if own > 1 or (own and covered):  # how many slots the row fills, spans from above included
                widths.append((max(c, covered), n, tr))
            for k in range(len(cover)):
                if cover[k]:
                    cover[k] -= 1
            grid.append(out)
    _check_rectangular(widths, path)
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid], merged


def _check_rectangular(widths: list[tuple[int, int, object]], path: str) -> None:
    """Every row of a table fills the same number of slots (spans included). A row that fills
    fewer or more lost or gained a cell (a ``<td>`` line dropped or doubled): the cells after the
    gap, and in the rows its spans reach, stand one column off — under a merged header a figure
    is read as the column beside it (合计 · 小计 given the 因公出国 figure), and a 栏次 line that lost
    its "1" is read as a row of figures 2, 3, 4 …. A row of one cell with no span over it (a title
    or a note the table prints in its first column) says nothing about the columns and is let be."""
    counts: dict[int, int] = {}
    for w, _, _ in widths:
        counts[w] = counts.get(w, 0) + 1
    if len(counts) < 2:
        return
    usual = max(counts, key=lambda w: (counts[w], w))
    w, n, tr = next(x for x in widths if x[0] != usual)
    raise ReportError(
        f"列对不上：表格第 {n} 行占 {w} 栏，其他行占 {usual} 栏，这一行少了或多了一格（各数会错栏），网页被改坏了？"
        f" (a table row fills {w} columns, the others {usual}: a cell lost or added)",
        path,
        tr.sourceline,
    )


def _span(v: str, zero: int) -> int:
    """A rowspan/colspan value as HTML reads it: leading digits (``"2.0"`` and ``"2px"`` are 2), a
    value without digits 1, zero ``zero`` (colspan 0 is 1; rowspan 0 is "the rest of the group")."""
    m = _SPAN_DIGITS.match(v)
    if m is None:
        return 1
    k = int(m.group(1)) if len(m.group(1)) < 12 else 10**12
    return k if k else zero


def _cell_text(cell) -> str:
    """A cell's text, its paragraphs joined by a space (the cell itself is never site chrome,
    whatever its class: ``<td class="head">`` is a header cell)."""
    if len(cell) == 0:  # most cells: text only, read as the walker reads it
        text = cell.text
        if not text or text.isspace():
            return ""
        text = norm_space(text)
        return "" if _END_OF_ARTICLE.match(text) and len(text) <= 80 else text
    w = _Walker()
    w.add(cell.text, cell.sourceline)
    for child in cell:
        w.walk(child)
        w.add(child.tail, None)
    w.flush()
    return " ".join(b.text for b in w.blocks if b.kind != "page")


def read_article(text: str, path: str = "") -> Article:
    root = _parse_tree(text, path)
    _check_raw_text(root, path)
    meta = page_meta(root)
    _clean(root)
    body = find_body(root)
    w = _Walker(path, _file_link_holders(body))
    w.walk(body)
    w.flush()
    return Article(meta, w.blocks)


# -- into a report -------------------------------------------------------------------------------------
def parse_html(text: str, path: str = "") -> ParsedReport:
    """A report from an HTML page: paged documents through the page reader, flowing ones through
    the markdown reader's line logic, with the page's metadata in ``meta``."""
    from .limits import LIMITS

    if _HTML_OPEN.search(text[:4096]) and not (
        _HTML_CLOSE.search(text, max(0, len(text) - 4096)) or _HTML_CLOSE.search(text)
    ):  # the closing tag is where a page ends: looked for there first, then anywhere
        # a page cut short (a download broken off): what is left may name another report (its
        # <meta> title without the body's region: 县政协 for 平潭县政协) and keep none of its figures
        raise ReportError(
            "网页不完整：有 <html> 却没有 </html>，文件被截断了？ (the page is cut short: no closing </html>)",
            path,
            text.count("\n") + 1,
        )
    art = read_article(text, path)
    for b in art.blocks:
        if len(b.text) > LIMITS.max_line_chars * 4:
            raise ReportError(f"段落过长：{len(b.text)} 个字符 (paragraph too long)", path, b.line)
    if not any(b.kind in ("text", "heading", "table") for b in art.blocks):
        raise ReportError("不是部门预算/决算公开报告：网页里没有正文 (no article text in the page)", path, 1)
    if art.paged:
        report = _paged(art, path)
    else:
        from .text_reader import parse_blocks

        report = parse_blocks(_title_first(art), path, "html")
    _apply_page_meta(report.meta, art.meta)
    return report


# a paragraph this long is a whole body run together (no <p> or <br> between its sections)
RUN_TOGETHER = 1000


def _title_first(art: Article) -> list[Block]:
    """The blocks, with the page's own title in front when the body does not print it, and a body
    run together into one paragraph cut by structure as a one-line text body is."""
    from .text_reader import split_long_line

    blocks: list[Block] = []
    for b in art.blocks:
        if b.kind == "text" and len(b.text) >= RUN_TOGETHER:
            blocks += [Block("text", piece, b.line) for piece in split_long_line(b.text, RUN_TOGETHER)]
        else:
            blocks.append(b)
    title = art.meta.title
    if title and not any(b.text.replace(" ", "") == title.replace(" ", "") for b in blocks[:5]):
        blocks.insert(0, Block("heading", title, 1))
    return blocks


def _paged(art: Article, path: str) -> ParsedReport:
    from .pages import parse_pages

    pages: list[str] = []
    tables: list[list[list[list[str]]]] = []
    lines: list[str] = []
    grids: list[list[list[str]]] = []
    for b in art.blocks + [Block("page", "", 0)]:
        if b.kind == "page":
            if lines or grids:
                pages.append("\n".join(lines))
                tables.append(grids)
            lines, grids = [], []
        elif b.kind == "table":
            lines += b.text.splitlines()
            grids.append(b.grid)
        else:
            lines.append(b.text)
    return parse_pages(pages, tables, path, source_format="html")


def _apply_page_meta(meta: ReportMeta, page: PageMeta) -> None:
    meta.source_format = "html"
    if page.published:
        meta.published = page.published
    if page.url:
        meta.url = page.url


def _parse(data: bytes, path: str, on_page) -> ParsedReport:
    return parse_html(decode_text(data, path), path)


_HTML_HEAD = re.compile(
    r"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|body|\?xml[^>]*>\s*<html)", re.I | re.S
)


def sniff_html(head: bytes, suffix: str) -> bool:
    """An HTML document by its first tag (``<!DOCTYPE html``, ``<html``), or a ``.htm(l)`` file whose
    text holds a ``<body``/``<table``/``<p`` tag (a saved fragment)."""
    if not is_text(head):
        return False
    t = text_head(head)
    if _HTML_HEAD.match(t):
        return True
    return suffix in (".html", ".htm", ".shtml", ".xhtml") and bool(
        re.search(r"<(body|table|p|div)\b", t, re.I)
    )


register(Reader("html", sniff_html, _parse, (".html", ".htm", ".shtml", ".xhtml"), priority=60))
