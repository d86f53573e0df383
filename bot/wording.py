"""Wording helpers shared by the answering modules: formatting figures and sources, comparing
the wording of a question with the report's, and reading what unit or year a text is about.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from knowledge.model import Citation
from rules import default_rules

from .query import (
    Figure,
)

SANGONG = "三公经费"

# Intents answered without choosing a report.
GLOBAL_INTENTS = {"private", "greeting", "help", "out_of_scope", "list_reports"}

# Subjects that contain others: when a question names one of these and something inside it
# ("基本支出里的电费"), the question is about the inner one.
TOTALS = {
    "本年支出合计",
    "本年收入合计",
    "一般公共预算财政拨款",
    "财政拨款收入",
    "收支总计",
    "政府采购支出总额",
}

CONTAINERS = {
    "基本支出",
    "项目支出",
    "本年支出合计",
    "本年收入合计",
    "人员经费合计",
    "公用经费合计",
    "一般公共预算财政拨款",
    "财政拨款收入",
    "政府采购支出总额",
}

TWO = Decimal("0.01")

NARRATIVE_MIN_COVER = 0.6

NARRATIVE_MARGIN = 0.15

_UNIT_ASKED = [
    ("人次", r"人次"),
    ("台(套)", r"几台|多少台|几套|多少套"),
    ("辆", r"几辆|多少辆|保有量|车辆数|(?:公车|车辆|车子|用车)(?:有|共)?(?:几|多少)"),
    ("人", r"几个人|多少人(?![员民])|几人|人数"),
    ("个", r"几个项目|多少个项目|几个(?!人)"),
    ("%", r"百分之|百分比|%|比例|占比|比率|比重"),
    ("万元", r"多少万元|几万元|多少万(?!人)|万元"),
    ("元", r"多少元|几元|多少钱元|(?<![万亿])元(?!\))"),
]


def _fmt(v: Decimal, unit: str = "") -> str:
    if unit in ("人", "辆", "个", "台", "项") and v == v.to_integral_value():
        return str(int(v))
    return (
        f"{v:,.2f}"
        if abs(v) >= 10000
        else (f"{v:.2f}" if v == v.quantize(TWO) or v.as_tuple().exponent >= -2 else str(v))
    )


def _source_text(c: Citation) -> str:
    if c.table:
        parts = [c.table]
        if c.row:
            parts.append(c.row)
        if c.column:
            parts.append(c.column)
    else:
        # the nearest heading is enough in a sentence; the full path stays in the citation
        parts = [(c.section or "说明").split(" > ")[-1]]
    where = default_rules().templates["wording_source_text"].format(c_line=c.line) if c.line else ""
    if c.page:
        where = default_rules().templates["wording_source_text_2"].format(c_page=c.page) + (
            default_rules().templates["wording_source_text_3"].format(c_line=c.line) if c.line else ""
        )
    return "，".join(p for p in parts if p) + ("，" + where if where else "")


@lru_cache(maxsize=1 << 16)
def _bigrams(text: str) -> frozenset[str]:
    """The character pairs of a text's Chinese runs.

    Cached by text: a knowledge base's sentences and narrative clauses are the same strings on
    every question, so their pairs are computed once (bounded, so memory stays flat).
    """
    parts = re.findall(r"[\u4e00-\u9fff]{2,}", text)
    return frozenset(p[i : i + 2] for p in parts for i in range(len(p) - 1))


def _prefix(sentence: str, raw: str) -> str:
    i = sentence.find(raw)
    return sentence[:i] if i >= 0 else sentence


def _pieces(text: str, rules) -> list[str]:
    from .entities import residue

    return [
        p[i : i + 2] for p in residue(text, rules).split() for i in range(max(1, len(p) - 1)) if len(p) >= 2
    ]


def _overlap(question: str, context: str) -> float:
    """How much of the question's wording a narrative clause shares (character bigrams)."""
    q = {question[i : i + 2] for i in range(len(question) - 1)}
    c = {context[i : i + 2] for i in range(len(context) - 1)}
    return len(q & c) / (len(q) or 1)


def _clause(f: Figure) -> str:
    """What a narrative figure is, as the report words it: its clause, or more of the sentence when
    the clause is too short to stand alone ("支决算总计" → "2023 年度收、支决算总计")."""
    ctx = f.column or ""
    if len(ctx.replace(" ", "")) >= 6:
        return ctx
    pre = _prefix(f.citation.quote or "", ctx)
    pre = re.split(r"[。;；]", _prefix(f.citation.quote or "", ctx) + ctx)[-1] if pre else ctx
    return pre.strip() or ctx


def _year_of(context: str, prefix: str, default: int) -> int:
    """The year a narrative figure is about: named in its clause, else the last year named before it
    in its sentence ("2023 年度收、支决算总计 2714.59"), else the report's year."""
    years = re.findall(r"(20\d\d)\s*年", context)
    if years:
        return int(years[-1])
    years = set(re.findall(r"(20\d\d)\s*年", prefix))
    if len(years) == 1:  # one year named before it; two means a comparison ("比2024年增加…")
        return int(years.pop())
    return default


def _direction(context: str) -> str:
    """The direction word the report itself uses for a change (增加/减少 …), as printed."""
    m = re.findall(r"增加|减少|下降|降低|增长|上升|降幅|增幅", context)
    return m[-1] if m else "变化"


def _kind_text(text: str) -> str:
    """The question without names that contain 预算 (一般公共预算…), to read 预算/决算 as a report kind."""
    return re.sub(r"一般公共预算|政府性基金预算|国有资本经营预算|年初预算|预算数|全年预算", "", text)


def _strip_report_words(text: str) -> str:
    return "的" + text if not text.startswith("的") else text


def _residue_word(text: str, rules) -> str:
    from .entities import residue

    return residue(text, rules) or text


def requested_unit(text: str) -> str | None:
    """The unit a question asks its answer in (几辆 → 辆, 百分之几 → %, 多少万元 → 万元), if any."""
    for unit, pattern in _UNIT_ASKED:
        if re.search(pattern, text):
            return unit
    return None
