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

SANGONG = default_rules().one("sangong_funds")

# Subjects that contain others: when a question names one of these and something inside it
# ("基本支出里的电费"), the question is about the inner one.
TOTALS = set(default_rules().word("total_subjects"))

CONTAINERS = set(default_rules().word("container_subjects"))

TWO = Decimal("0.01")

NARRATIVE_MIN_COVER = 0.6

NARRATIVE_MARGIN = 0.15

_UNIT_ASKED = [
    default_rules().word("asks_in_person_times"),
    default_rules().word("asks_in_sets"),
    default_rules().word("asks_in_vehicles"),
    default_rules().word("asks_in_people"),
    default_rules().word("asks_in_items"),
    default_rules().word("asks_in_percent"),
    default_rules().word("asks_in_yi_yuan"),
    default_rules().word("asks_in_wan_yuan"),
    default_rules().word("asks_in_yuan"),
]


def _fmt(v: Decimal, unit: str = "") -> str:
    if unit in default_rules().word("whole_number_units") and v == v.to_integral_value():
        return str(int(v))
    return (
        f"{v:,.2f}"
        if abs(v) >= 10000
        else (f"{v:.2f}" if v == v.quantize(TWO) or v.as_tuple().exponent >= -2 else str(v))
    )


def convert_money(value: Decimal, unit: str, wanted: str) -> Decimal:
    """Money in the unit asked, exactly: 万元 → 元 is ×10000, 元 → 万元 ÷10000 with every decimal
    kept (3508644元 is 350.8644万元, never the 350.86 a report's text would round it to)."""
    wan, yuan = default_rules().word("money_units")
    factors = {yuan: Decimal(1), wan: Decimal(10000), default_rules().one("yi_yuan"): Decimal(100000000)}
    if unit == wanted:
        return value
    if unit not in factors or wanted not in factors:
        raise ValueError(unit + "->" + wanted)
    if factors[unit] > factors[wanted]:
        return value * (factors[unit] / factors[wanted])  # keeps the cents: 9.37万元 → 93700.00元
    return value / (factors[wanted] / factors[unit])  # exact: 3508644.00元 → 350.8644万元


def _fmt_exact(v: Decimal) -> str:
    """A converted amount with every decimal it has (at least two; trailing zeros beyond them
    dropped): 93700.00, 350.8644."""
    q = v.normalize()
    if q.as_tuple().exponent >= -2:
        return _fmt(v.quantize(TWO))
    whole = f"{int(q):,}" if abs(q) >= 10000 else str(int(q))
    sign = "-" if q < 0 and int(q) == 0 else ""
    return sign + whole + "." + format(q, "f").split(".")[1]


def _source_text(c: Citation) -> str:
    if c.table:
        parts = [c.table]
        if c.row:
            parts.append(c.row)
        if c.column:
            parts.append(c.column)
    else:
        # the nearest heading is enough in a sentence; the full path stays in the citation
        parts = [(c.section or default_rules().one("explanation_section")).split(" > ")[-1]]
    where = default_rules().templates["at_line"].format(c_line=c.line) if c.line else ""
    if c.page:
        where = default_rules().templates["at_page"].format(c_page=c.page) + (
            default_rules().templates["at_line_on_page"].format(c_line=c.line) if c.line else ""
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


@lru_cache(maxsize=1 << 16)
def _sound_bigrams(text: str) -> frozenset[tuple[str, str]]:
    """The pinyin syllable pairs of a text's Chinese runs: words the question misspells by sound
    (货务采购 for 货物采购, 腐务 for 服务) still meet the report's wording. Cached like _bigrams."""
    from .entities import syllables

    out: set[tuple[str, str]] = set()
    for part in re.findall(r"[\u4e00-\u9fff]{2,}", text):
        sounds = syllables(part)
        out.update(zip(sounds, sounds[1:], strict=False))
    return frozenset(out)


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
    years = re.findall(default_rules().pattern("year_with_suffix"), context)
    if years:
        return int(years[-1])
    years = set(re.findall(default_rules().pattern("year_with_suffix"), prefix))
    if len(years) == 1:  # one year named before it; two means a comparison ("比2024年增加…")
        return int(years.pop())
    return default


def _direction(context: str) -> str:
    """The direction word the report itself uses for a change (增加/减少 …), as printed."""
    m = re.findall(default_rules().pattern("change_words"), context)
    return m[-1] if m else default_rules().one("change_word")


def _kind_text(text: str) -> str:
    """The question without names that contain 预算 (一般公共预算…), to read 预算/决算 as a report kind."""
    return re.sub(default_rules().pattern("budget_names_not_kind"), "", text)


def _strip_report_words(text: str) -> str:
    return (
        default_rules().one("possessive_particle") + text
        if not text.startswith(default_rules().one("possessive_particle"))
        else text
    )


def _residue_word(text: str, rules) -> str:
    from .entities import residue

    return residue(text, rules) or text


def requested_unit(text: str) -> str | None:
    """The unit a question asks its answer in (几辆 → 辆, 百分之几 → %, 多少万元 → 万元), if any."""
    for unit, pattern in _UNIT_ASKED:
        if re.search(pattern, text):
            return unit
    return None


def indicator_value(row, question: str, rules) -> tuple[Decimal | None, str | None]:
    """The figure a question about a 绩效 indicator asks for, as value and unit: its 得分 or 分值
    when asked, its 年度指标值 when the target is asked, else its 实际完成值 — "≥95.15%" is 95.15 %
    (the ≥ stays in the answer's sentence), "≥5330条/天" is 5330 条/天. None when the cell is not
    one number (a sentence, "优")."""
    if re.search(rules.pattern("indicator_asks_score"), question):
        text, unit = row["score"], rules.one("score_unit")
    elif re.search(rules.pattern("indicator_asks_weight"), question):
        text, unit = row["weight"], rules.one("score_unit")
    elif re.search(rules.pattern("indicator_asks_target"), question):
        text, unit = row["target"], None
    else:
        text, unit = row["actual"], None
    m = rules.pattern("indicator_value").match(text or "")
    if not m:
        return None, None
    try:
        value = Decimal(m.group(2))
    except ArithmeticError:
        return None, None
    return value, unit or (m.group(3) or "").strip() or None


def examples_text(rules) -> str:
    """The first few example questions, quoted and joined, for help and fallback answers."""
    T = rules.templates
    return T["examples_separator"].join(T["example_quoted"].format(example=e) for e in rules.examples[:3])
