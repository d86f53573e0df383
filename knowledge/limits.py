"""Explicit size limits on what a report file may hold, checked before any parsing.

Why: every parser here is meant to be linear, but one pathological input (a 400 000-character
科目 name, a 2-million-digit number, JSON nested 100 000 deep) must still fail in milliseconds with
a message naming the file and line instead of hanging the ingest or, later, every question (jieba's
``add_word`` on a huge name grows past 17 GB). The limits sit far above anything a real disclosure
prints (the longest line in the reference report is 304 characters, the longest page-text line of
the corpus 65, the longest 科目 name 26), so a refusal means damage, not an unusual report.

Each check raises :class:`~knowledge.model.ReportError` with the file and (1-based) line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import ReportError


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 64 * 1024 * 1024  # a text or JSON report; PDFs have their own bound
    max_pdf_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    max_line_chars: int = 10_000  # one line of text (a whole paragraph on one line is ~2 000)
    max_cell_chars: int = 2_000  # one table cell (a 偏差原因 cell of a 绩效自评表 is a few hundred)
    max_json_depth: int = 12  # page_tables needs 5 (object → pages → tables → rows → cells)
    max_name_chars: int = 100  # one 科目名称 / row label (real ones stay under 40)
    max_rows: int = 200_000  # table rows in one report
    # Word / Excel files are zip packages: refused before inflating when they would unpack past
    # this (a zip bomb inflates 1000-fold; a real report's .docx/.xlsx unpacks to a few MB)
    max_unzipped_bytes: int = 256 * 1024 * 1024
    max_zip_members: int = 10_000
    max_sheets: int = 200  # worksheets in one workbook (a report has ten or so)
    max_sheet_rows: int = 100_000
    max_sheet_cols: int = 200  # the widest real table (三公, two years side by side) has 14
    max_sheet_cells: int = 4_000_000  # rows × columns over all sheets, from each sheet's dimension


LIMITS = Limits()


def check_size(n_bytes: int, path: str, pdf: bool = False, limits: Limits = LIMITS) -> None:
    cap = limits.max_pdf_bytes if pdf else limits.max_file_bytes
    if n_bytes > cap:
        raise ReportError(
            f"文件过大：{n_bytes} 字节，上限 {cap} 字节 (file too large: {n_bytes} bytes, limit {cap})",
            path,
            None,
        )


def check_lines(text: str, path: str, limits: Limits = LIMITS, page: int | None = None) -> None:
    """Refuse a text whose any line is longer than the limit; one linear pass over the text."""
    cap = limits.max_line_chars
    start = 0
    line = 1
    n = len(text)
    while start <= n:
        end = text.find("\n", start)
        if end < 0:
            end = n
        if end - start > cap:
            where = f"第{page}页" if page else ""
            raise ReportError(
                f"{where}第{line}行过长：{end - start} 个字符，上限 {cap} (line too long: {end - start} characters, limit {cap})",
                path,
                line,
            )
        start = end + 1
        line += 1


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_depth_ok(text: str, limits: Limits = LIMITS) -> tuple[bool, int]:
    """Nesting depth of a JSON text without parsing it (strings skipped): linear, no recursion.

    ``json.loads`` recurses once per level and raises RecursionError (or worse, runs out of C
    stack) on deeply nested input; this pass says no first. Returns (ok, line of the excess).
    A first pass over the brackets alone (strings cut out by a regex) accepts nearly every file at
    C speed; only a file it finds too deep is walked character by character for the exact line.
    """
    depth = 0
    for m in _JSON_BRACKET.finditer(_JSON_STRING.sub('""', text)):
        depth += 1 if m.group() in "[{" else -1
        if depth > limits.max_json_depth:
            return _json_depth_walk(text, limits)
    return True, text.count("\n") + 1


def _json_depth_walk(text: str, limits: Limits) -> tuple[bool, int]:
    depth = 0
    line = 1
    in_str = False
    esc = False
    cap = limits.max_json_depth
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            elif ch == "\n":
                line += 1
            continue
        if ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > cap:
                return False, line
        elif ch in "]}":
            depth -= 1
        elif ch == "\n":
            line += 1
    return True, line


def check_json_depth(text: str, path: str, limits: Limits = LIMITS) -> None:
    ok, line = json_depth_ok(text, limits)
    if not ok:
        raise ReportError(
            f"JSON 嵌套过深，上限 {limits.max_json_depth} 层 (JSON nested deeper than {limits.max_json_depth})",
            path,
            line,
        )
