"""Read a report PDF with a text layer (pdfplumber), through the same page reader as ``*.pages.json``.

Per page this extracts the text (for narrative, titles, units and notes) and the ruled tables as
cell grids (``page.extract_tables()``, which keeps empty cells so columns line up), then hands both
to :func:`knowledge.pages.parse_pages`. Citations carry the PDF page (1-based) and the line number
within that page's extracted text.

Detached numbers: in some PDFs the digits sit on another baseline than the Chinese text, and the
default ``extract_text()`` moves every number of a sentence to the next line
(``…年度收入支出总计 万元。`` / ``2024 2995.39 2023``). This is detected per page, generically: a line
of text with a gap where a number belongs (a Chinese character or punctuation, a space, then 万元 /
% / 年度…) followed by numbers-only lines. On such pages the text is re-extracted with a larger
``y_tolerance`` and that version is kept if it has fewer gaps. Table grids do not depend on it.
"""

from __future__ import annotations

import re

from .limits import LIMITS
from .model import ParsedReport, ReportError
from .pages import check_pages_shape, parse_pages

# a number missing before its unit: "总计 万元" "占 ；" "与 年度相比"
_GAP = re.compile(r"[\u4e00-\u9fff，。、：；（）“”]\s+(万元|亿元|元|%|年度|年|辆|人|个|台)")
_NUMBERS_ONLY = re.compile(r"^[\d.,%\s]+$")
WIDE_Y_TOLERANCE = 7


def _gaps(text: str) -> int:
    lines = text.splitlines()
    n = 0
    for i, ln in enumerate(lines):
        if _GAP.search(ln) and i + 1 < len(lines) and _NUMBERS_ONLY.match(lines[i + 1].strip() or "x"):
            n += 1
    return n


def _page_text(page) -> str:
    text = page.extract_text() or ""
    if _gaps(text) >= 1:
        wide = page.extract_text(y_tolerance=WIDE_Y_TOLERANCE) or ""
        if _gaps(wide) < _gaps(text):
            return wide
    return text


def _cover_fix(text: str) -> str:
    """A cover whose year floats on its own line (上海市普陀区财政局 / 年度部门决算 / 2024)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    years = [ln for ln in lines if re.fullmatch(r"\d{4}", ln)]
    if len(years) == 1 and len(lines) <= 6:
        rest = [ln for ln in lines if ln != years[0]]
        for i, ln in enumerate(rest):
            if re.match(r"^年度?", ln):
                rest[i] = years[0] + ln
                return "\n".join(rest)
    return text


def extract_pages(path: str) -> tuple[list[str], list[list[list[list[str]]]]]:
    """Page texts and per-page table grids (``None`` cells as ``""``)."""
    import pdfplumber

    texts: list[str] = []
    tables: list[list[list[list[str]]]] = []
    try:
        pdf = pdfplumber.open(path)
    except Exception as e:  # pdfminer raises several unrelated types for a broken file
        raise ReportError(f"无法读取 PDF (cannot read PDF): {e}", path) from e
    with pdf:
        if len(pdf.pages) > LIMITS.max_pages:
            raise ReportError(
                f"页数过多：{len(pdf.pages)}，上限 {LIMITS.max_pages} (too many pages)", path, 1
            )
        for page in pdf.pages:
            text = _page_text(page)
            if not texts:
                text = _cover_fix(text)
            texts.append(text)
            grids = []
            for t in page.extract_tables():
                grids.append([[c if c is not None else "" for c in row] for row in t])
            tables.append(grids)
    return texts, tables


def parse_pdf(path: str) -> ParsedReport:
    texts, tables = extract_pages(path)
    if not any(t.strip() for t in texts):
        raise ReportError("PDF 没有文字层 (no text layer; OCR is not supported)", path, 1)
    # the same shape and size limits as a page-JSON: over-long lines or cells fail, named by page
    check_pages_shape({"page_texts": texts, "page_tables": tables}, path)
    return parse_pages(texts, tables, path, source_format="pdf")
