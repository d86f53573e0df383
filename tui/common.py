"""Helpers shared by the desktop TUI and the kiosk: formatting answers and citations.

Nothing here touches Textual widgets, so it can be tested without running an app.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from textual.content import Content

__all__ = [
    "FIGURE_STYLE",
    "STATUS_LABELS",
    "answer_text",
    "citation_label",
    "citation_lines",
    "clean_figure",
    "figure_span",
    "format_value",
    "trace_lines",
]

STATUS_LABELS = {"answered": "已回答", "clarify": "需要澄清", "no_answer": "未找到答案"}

_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def format_value(value: Decimal | None) -> str:
    """The figure as the report prints it (no exponent, trailing zeros kept)."""
    if value is None:
        return ""
    try:
        return format(Decimal(value), "f")
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


def clean_figure(raw: str) -> str:
    """A table cell as the answers print it: "9. 37" → "9.37", "20,323.21" → "20323.21".

    Read with the same function the knowledge base used for the cell's value, so the source pane
    and the answer never show one figure two ways; a cell that is no plain amount stays as printed.
    """
    from knowledge.numbers import parse_amount

    text = raw.strip()
    value = parse_amount(text)
    if value is None:
        return raw
    return format(value, "f") + ("%" if text.endswith(("%", "％")) else "")


def figure_span(text: str, value: Decimal | None) -> tuple[int, int] | None:
    """Where ``value`` is printed in ``text`` (start, end), or None.

    The first number in the text equal to the value wins; a following unit (万元, %, 元 …) is
    included so the emphasis covers "672.13万元" as a whole.
    """
    if value is None or not text:
        return None
    try:
        target = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    for m in _NUMBER.finditer(text):
        try:
            found = Decimal(m.group(0).replace(",", ""))
        except InvalidOperation:
            continue
        if found == target:
            end = m.end()
            unit = re.match(r"(?:万元|亿元|元|%|％|人|辆|个|分|台\(套\)|台（套）|台|套|条|次|项)", text[end:])
            if unit:
                end += unit.end()
            return m.start(), end
    return None


FIGURE_STYLE = "bold $text-warning on $warning-muted"


def answer_text(text: str, value: Decimal | None, style: str = FIGURE_STYLE, prefix: str = "") -> Content:
    """The answer sentence as Textual content, its figure emphasised with ``style`` (theme colours)."""
    out = Content(prefix + text)
    span = figure_span(text, value)
    if span:
        out = out.stylize(style, span[0] + len(prefix), span[1] + len(prefix))
    if prefix:
        out = out.stylize("bold", 0, len(prefix))
    return out


def citation_label(citation: Any) -> str:
    """One line naming where a figure comes from: table or section, row, column, line."""
    parts: list[str] = []
    where = getattr(citation, "table", None) or getattr(citation, "section", None)
    if where:
        parts.append(where)
    row = getattr(citation, "row", None)
    if row:
        parts.append(f"行：{row}")
    column = getattr(citation, "column", None)
    if column:
        parts.append(f"列：{column}")
    line = getattr(citation, "line", None)
    if line:
        parts.append(f"第{line}行")
    page = getattr(citation, "page", None)
    if page:
        parts.append(f"第{page}页")
    return " · ".join(parts) if parts else (getattr(citation, "report", "") or "报告")


def citation_lines(citation: Any) -> list[str]:
    """The citation for the kiosk: report title, then the place, then the quoted text."""
    lines = []
    report = getattr(citation, "report", "")
    if report:
        lines.append(f"《{report}》")
    lines.append(citation_label(citation))
    # A table's quote is the printed line ("30101 | 基本工资 | 23. 87 | …"), OCR noise and all:
    # the place names the row and column. A section's quote is the sentence itself: shown.
    quote = getattr(citation, "quote", "")
    if quote and not getattr(citation, "table", None):
        lines.append(f"原文：{quote}")
    return lines


def _short(value: Any, limit: int = 400) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def trace_lines(trace: Any) -> list[tuple[str, str]]:
    """``Trace.stages`` as (stage, printable value) pairs for the explain panel."""
    if trace is None:
        return []
    return [(str(stage), _short(value)) for stage, value in getattr(trace, "stages", [])]
