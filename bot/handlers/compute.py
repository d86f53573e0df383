"""Figures computed from figures, with exact decimals and the arithmetic shown.

Plain functions of the question's :class:`bot.query.Context` (knowledge base, rules, the question).
A computation builds a :class:`bot.stages.Result` from the figures it found; :func:`bot.render.computed`
words it. What is declined (a figure not found, units that differ) is said here.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from .. import render
from ..answer import Answer
from ..catalog import ReportInfo
from ..entities import Entities, generic_words
from ..query import (
    Context,
    Figure,
    narrative_figure,
    rank_classes,
    rank_rows,
    stated_figures,
)
from ..stages import Part, Result
from ..wording import (
    CONTAINERS,
    SANGONG,
    TOTALS,
    TWO,
    _direction,
    _fmt,
    _prefix,
    _year_of,
)
from . import figures, texts


def average(ctx: Context, names, measure, report) -> Answer:
    """人均: an amount divided by the staff count the report states (在编人数)."""
    money = next((n for n in names if n != ctx.rules.one("staff_count")), None)
    if money is None:
        return Answer("", "no_answer", ctx.rules.templates["ask_average_of_what"], intent="average")
    amount = figures.find_figures(ctx, report, money, measure)
    people = [
        f
        for f in figures.narrative_only(ctx, report, ctx.rules.one("staff_count"), "actual")
        if f.unit == ctx.rules.one("unit_people")
    ]
    if not amount or amount[0].unit not in ctx.rules.word("money_units") or not people or not people[0].value:
        return Answer(
            "",
            "no_answer",
            ctx.rules.templates["no_average_figures"].format(money=money),
            intent="average",
        )
    a, p = amount[0], people[0]
    shown = (a.value / p.value).quantize(TWO, ROUND_HALF_UP)
    parts = (Part(money, a), Part(ctx.rules.one("staff_count"), p))
    return render.computed(ctx.rules, Result("average", shown, a.unit, parts, report, "average", 0.7))


def _pair(ctx: Context, names, measure, report) -> tuple[Figure, Figure] | Answer:
    got = []
    for n in names[:2]:
        figs = [f for f in figures.find_figures(ctx, report, n, measure, wording=False) if f.unit != "%"]
        if not figs:
            return Answer(
                "",
                "no_answer",
                ctx.rules.templates["no_figure_to_compute"].format(n=n),
                intent="compute",
            )
        got.append(figs[0])
    if got[0].unit != got[1].unit:
        return Answer("", "no_answer", ctx.rules.templates["units_differ"], intent="compute")
    return got[0], got[1]


def share(ctx: Context, names, measure, report) -> Answer:
    """A part's share of a whole (占比), exact, both figures cited."""
    ents = ctx.ents
    generic = generic_words(ctx.rules)
    unexplained = [p for p in (ents.rest.split() if ents else []) if len(p) >= 2 and p not in generic]
    if len(names) == 1 and names[0] in CONTAINERS and unexplained:
        inside = _share_inside(ctx, names, measure, report)
        if inside is not None:
            return inside
    if unexplained and len(names) == 1:
        # words the subject does not explain ("服务类"): computing the subject's own share would
        # answer another question
        return Answer(
            "",
            "no_answer",
            ctx.rules.templates["no_figure_for_share"].format(join_unexplained="、".join(unexplained)),
            intent="share",
            suggestions=[ctx.rules.templates["suggest_share_of_total"].format(names_0=names[0])],
        )
    part_name, whole_name = _share_parts(ctx, names)
    if part_name == whole_name:
        return Answer(
            "",
            "clarify",
            ctx.rules.templates["ask_share_of_what"].format(whole_name=whole_name),
            intent="share",
            suggestions=[
                ctx.rules.templates["suggest_basic_share"].format(whole_name=whole_name),
                ctx.rules.templates["suggest_project_share"].format(whole_name=whole_name),
            ],
            confidence=0.3,
        )
    pair = _pair(ctx, [part_name, whole_name], measure, report)
    if isinstance(pair, Answer):
        return pair
    a, b = pair
    if b.value == 0:
        body = ctx.rules.templates["share_of_zero"].format(whole_name=whole_name)
        return Answer("", "no_answer", body, intent="share")
    pct = (a.value / b.value * 100).quantize(TWO, ROUND_HALF_UP)
    parts = (Part(part_name, a), Part(whole_name, b))
    return render.computed(ctx.rules, Result("share", pct, "%", parts, report, "share", 0.85))


def rate_of_budget(ctx: Context, name: str, report) -> Answer:
    """完成预算的百分之几 for one subject: its 决算 ÷ its 预算, both cited; a zero budget is said,
    never divided by."""
    T = ctx.rules.templates
    fa = [f for f in figures.find_figures(ctx, report, name, "actual", wording=False) if f.unit != "%"]
    fb = [f for f in figures.find_figures(ctx, report, name, "budget", wording=False) if f.unit != "%"]
    if not fa or not fb or fa[0].unit != fb[0].unit:
        return Answer("", "no_answer", T["no_budget_and_actual"].format(names_0=name), intent="rate")
    a, b = fa[0], fb[0]
    if b.value == 0:
        body = T["rate_budget_zero"].format(
            report=report.label, subject=name, a_value=_fmt(a.value), unit=a.unit
        )
        return Answer("", "no_answer", body, intent="rate", citations=[b.citation, a.citation])
    pct = (a.value / b.value * 100).quantize(TWO, ROUND_HALF_UP)
    parts = (Part(name, a), Part(name, b))
    return render.computed(ctx.rules, Result("rate_of_budget", pct, "%", parts, report, "rate", 0.85))


def shares_of_sum(ctx: Context, names: list[str], measure: str, report) -> Answer:
    """占比呢 after a sum of parts: each part's share of that sum, exact, each part cited."""
    T = ctx.rules.templates
    figs = []
    for n in names[:6]:
        f = [x for x in figures.find_figures(ctx, report, n, measure, wording=False) if x.unit != "%"]
        if not f:
            return Answer("", "no_answer", T["no_figure_to_compute"].format(n=n), intent="share")
        figs.append(f[0])
    total = sum((f.value for f in figs), Decimal(0))
    if len({f.unit for f in figs}) != 1 or total == 0:
        return Answer("", "no_answer", T["units_differ_for_sum"], intent="share")
    parts = tuple(
        Part(n, f, share=(f.value / total * 100).quantize(TWO, ROUND_HALF_UP))
        for n, f in zip(names, figs, strict=False)
    )
    result = Result("shares_of_sum", parts[0].share, "%", parts, report, "share", 0.8, total=total)
    return render.computed(ctx.rules, result)


def _share_inside(ctx: Context, names, measure, report) -> Answer | None:
    """A part inside a named whole ("政府采购里服务类占比"): the part is a narrative figure."""
    ents = ctx.ents
    near = [names[0]] + [f for f, t in ctx.rules.synonyms.items() if t == names[0]]
    part = texts.narrative_match(ctx, ctx.question, ents, report, near=near, money=True)
    whole = figures.find_figures(ctx, report, names[0], measure, wording=False)
    if part is not None and part.unit != "%" and whole and whole[0].unit == part.unit and whole[0].value:
        pct = (part.value / whole[0].value * 100).quantize(TWO, ROUND_HALF_UP)
        label = (
            part.citations[0].quote and ctx.notes.get("last_context", "") or ctx.rules.one("this_item_word")
        )
        stated = Figure(
            label, part.value, part.unit, part.citations[0]
        )  # the narrative's figure, as answered
        parts = (Part(label, stated), Part(names[0], whole[0]))
        return render.computed(ctx.rules, Result("share_inside", pct, "%", parts, report, "share", 0.75))
    return None


def _said_within(ctx: Context, name: str) -> bool:
    """Is the subject said as the whole a part lies in ("基本支出里", "在公用经费中", "三公经费当中")?
    Read from the words right after its surface in the question (的 skipped)."""
    within = tuple(ctx.rules.word("share_within"))
    possessive = ctx.rules.one("possessive_particle")
    return any(after.lstrip(possessive).startswith(within) for after in figures.said_after(ctx, name))


def _share_parts(ctx: Context, names: list[str]) -> tuple[str, str]:
    """The part and the whole: both named, a total after an earlier subject (占总支出的比例呢), or
    the total the part belongs to."""
    part_name = names[0]
    whole_name = ""
    if len(names) >= 2 and _said_within(ctx, names[0]) and not _said_within(ctx, names[1]):
        # "基本支出里人员经费占多少": the subject said with 里/中 is the whole, the other its part
        part_name, whole_name = names[1], names[0]
    elif len(names) >= 2:
        whole_name = names[1]
    elif part_name in TOTALS and ctx.conv is not None and [x for x in ctx.conv.recent if x != part_name]:
        # "占总支出的比例呢" after a question about 基本支出: the part is the earlier subject
        whole_name = part_name
        part_name = [x for x in ctx.conv.recent if x != whole_name][-1]
    else:
        whole_name = (
            ctx.rules.one("income_total_row")
            if ctx.rules.one("income_word") in part_name
            else ctx.rules.one("expenditure_total_row")
        )
    return part_name, whole_name


def difference(ctx: Context, names, ents, report) -> Answer:
    if len(names) >= 2:
        pair = _pair(ctx, names, "actual", report)
        labels = names[:2]
    else:
        fa = figures.find_figures(ctx, report, names[0], "actual")
        fb = figures.find_figures(ctx, report, names[0], "budget")
        if not fa or not fb:
            return Answer(
                "",
                "no_answer",
                ctx.rules.templates["no_budget_and_actual"].format(names_0=names[0]),
                intent="compute",
            )
        pair = (fa[0], fb[0])
        labels = [
            ctx.rules.templates["actual_of"].format(names_0=names[0]),
            ctx.rules.templates["budget_of"].format(names_0=names[0]),
        ]
    if isinstance(pair, Answer):
        return pair
    a, b = pair
    diff = a.value - b.value
    parts = (Part(labels[0], a), Part(labels[1], b))
    result = Result("difference", abs(diff), a.unit, parts, report, "difference", 0.85, direction=_sign(diff))
    return render.computed(ctx.rules, result)


def _sign(diff: Decimal) -> int:
    """+1 more, -1 less, 0 the same: the direction a Result states a difference or change in."""
    return (diff > 0) - (diff < 0)


def sum_of(ctx: Context, names, measure, report) -> Answer:
    figs = []
    for n in names[:6]:
        f = figures.find_figures(ctx, report, n, measure)
        if not f:
            return Answer("", "no_answer", ctx.rules.templates["no_figure_to_add"].format(n=n), intent="sum")
        figs.append(f[0])
    if len({f.unit for f in figs}) != 1:
        return Answer("", "no_answer", ctx.rules.templates["units_differ_for_sum"], intent="sum")
    total = sum((f.value for f in figs), Decimal(0))
    parts = tuple(Part(n, f) for n, f in zip(names, figs, strict=False))
    return render.computed(ctx.rules, Result("sum", total, figs[0].unit, parts, report, "sum", 0.85))


def rank(ctx: Context, text, ops, report, within: str | None = None) -> Answer:
    """Largest or smallest item: 项 of the expenditure table, 款 of the 基本支出 detail (optionally
    within 人员经费/公用经费), or 类 of the summary table."""
    if within is None:
        within = (
            ctx.rules.one("operating_expenses")
            if ctx.rules.one("operating_expenses") in text
            else (
                ctx.rules.one("personnel_expenses") if ctx.rules.one("personnel_expenses") in text else None
            )
        )
    # "工资福利支出里哪一项最多": the items under a named 类
    codes = {v: k for k, v in ctx.catalog.codes.items()}
    parent = next(
        (
            codes[m.subject]
            for m in (ctx.ents.subjects if ctx.ents else [])
            if len(codes.get(m.subject, "")) in (3, 5)
        ),
        None,
    )
    if re.search(ctx.rules.pattern("asks_class_rank"), text):
        figs = rank_classes(ctx.db, ctx, report)
    else:
        economic = bool(within) or bool(re.search(ctx.rules.pattern("asks_economic_rank"), text))
        economic = economic or bool(parent and parent.startswith("3"))
        figs = rank_rows(ctx.db, ctx, report, economic, within)
        if parent:
            figs = [f for f in figs if f.citation.row and re.search(rf"(?:^|：){parent}\d", f.citation.row)]
    if not figs:
        return Answer("", "no_answer", ctx.rules.templates["nothing_to_rank"], intent="rank")
    least = "rank_min" in ops
    f = figs[-1] if least else figs[0]
    result = Result(
        "rank",
        f.value,
        f.unit,
        (Part(f.subject, f),),
        report,
        "rank",
        0.85,
        direction=-1 if least else 1,
        among=len(figs),
    )
    return render.computed(ctx.rules, result)


def change(ctx: Context, names, report, text: str = "") -> Answer:
    """Year-on-year change: computed when the report states both years' figures, otherwise as the
    report states it (the previous year is not in this year's tables)."""
    subject = names[0] if names else ""
    sql = "SELECT * FROM narrative_figures WHERE report_id = ? ORDER BY COALESCE(page, 0), line, id"
    rows = ctx.run(ctx.db, sql, [report.id])
    want_pct = bool(re.search(ctx.rules.pattern("asks_percent_change"), text))
    forms = [subject] + [f for f, t in ctx.rules.synonyms.items() if t == subject and len(f) >= 2]
    if subject == SANGONG:
        forms = list(ctx.rules.word("sangong_short"))
    if subject and not want_pct:
        computed = _both_years(ctx, rows, subject, forms, report)
        if computed is not None:
            return computed
    units = ("%",) if want_pct else ctx.rules.word("change_units")
    chosen = [r for r in _stated_changes(ctx, rows, subject, forms, report) if r["unit"] in units]
    if not chosen and not want_pct:
        unchanged = _stated_unchanged(ctx, report, subject)
        if unchanged is not None:
            return unchanged
    if not chosen:
        body = ctx.rules.templates["no_change_stated"].format(
            subject=subject or ctx.rules.templates["this_item"]
        )
        return Answer("", "no_answer", body, intent="change")
    r = chosen[0]
    fig = narrative_figure(report, r, subject)
    true_sign = _true_direction(ctx, report, r, fig)
    stated = (Part(r["sentence"], fig),)  # the change as the report's sentence states it
    if true_sign is not None:
        # the report's direction word contradicts its figures: the direction they show is said,
        # the report's word quoted as the disagreement, never repeated as the bot's own
        result = Result(
            "change_corrected", fig.value, fig.unit, stated, report, "change", 0.7, direction=true_sign
        )
    else:
        result = Result("change_stated", fig.value, fig.unit, stated, report, "change", 0.75)
    return render.computed(ctx.rules, replace(result, said=_direction(r["context"])))


def _stated_unchanged(ctx: Context, report: ReportInfo, subject: str) -> Answer | None:
    """ "与2025年预算持平": the 说明 states the subject unchanged from the year before (the stated
    facts carry last year's figure, derived 'unchanged'); the change is zero, quoted and cited."""
    from knowledge.facts import stated_subjects

    names = list(stated_subjects(subject)) if subject else []
    if not names:
        return None
    from knowledge.stated import vocabulary

    measure = vocabulary().default_measure.get(report.kind, "")  # the 说明 speaks of its own kind
    figs = [
        f
        for f in stated_figures(ctx.db, ctx, report, names, [measure], report.year - 1)
        if f.derived == "unchanged"
    ]
    if not figs:
        return None
    parts = (Part(subject, figs[0]),)
    return render.computed(
        ctx.rules, Result("change_unchanged", Decimal(0), figs[0].unit, parts, report, "change", 0.75)
    )


def _stated_changes(ctx: Context, rows, subject: str, forms: list[str], report: ReportInfo) -> list:
    """The narrative figures that state a change against the year before (与2023年相比，增加…),
    about the subject asked: named in the sentence before the figure or in its section heading.
    A total's change is any such sentence, since the 说明 names totals in many ways."""
    stated = [
        r
        for r in rows
        if re.search(
            ctx.rules.one("compare_with_last_year").format(last_year=report.year - 1),
            _prefix(r["sentence"], r["raw"]),
        )
        and re.search(ctx.rules.pattern("change_words"), r["context"])
    ]
    if subject and subject not in TOTALS:
        # named in the sentence before the figure, or (a sentence earlier) in its section heading
        stated = [
            r
            for r in stated
            if any(f in _prefix(r["sentence"], r["raw"]) for f in forms)
            or any(f in re.sub(r"[\"“”]", "", (r["section_path"] or "").split(" > ")[-1]) for f in forms)
        ]
    return stated


def _true_direction(ctx: Context, report: ReportInfo, r: dict, fig: Figure) -> int | None:
    """The sign the figures show for a change the report words the other way (its check found
    "增加2042.46万元" while 2714.59 fell to 672.13): +1 / -1, or None when the report's word fits."""
    rows = ctx.run(
        ctx.db,
        "SELECT expected, found, unit, citations FROM findings WHERE report_id = ? AND check_name = ?",
        [report.id, ctx.rules.one("direction_check_name")],
    )
    for row in rows:
        try:
            quoted = json.loads(row["citations"] or "[]")[0].get("quote") or ""
            expected, found = Decimal(row["expected"]), Decimal(row["found"])
        except (ValueError, IndexError, AttributeError, ArithmeticError):
            continue
        if row["unit"] == fig.unit and abs(found) == fig.value and quoted and quoted in r["sentence"]:
            return 1 if expected > 0 else -1
    return None


def _both_years(
    ctx: Context, rows: list[dict], subject: str, forms: list[str], report: ReportInfo
) -> Answer | None:
    """Both years' figures stated in the narrative (在编人数 4 → 11): the change, computed."""
    plain = [
        r
        for r in rows
        if any(f in r["context"] for f in forms)
        and not re.search(ctx.rules.pattern("change_or_comparison"), r["context"])
    ]

    def year(r: dict) -> int:
        return _year_of(r["context"].replace(" ", ""), _prefix(r["sentence"], r["raw"]).replace(" ", ""), 0)

    this = [r for r in plain if year(r) == report.year]
    last = [r for r in plain if year(r) == report.year - 1]
    if this and last and this[0]["unit"] == last[0]["unit"]:
        a, b = narrative_figure(report, this[0], subject), narrative_figure(report, last[0], subject)
        diff = a.value - b.value
        parts = (Part(subject, b), Part(subject, a))  # the year before first, as the sentence says them
        result = Result("change", abs(diff), a.unit, parts, report, "change", 0.8, direction=_sign(diff))
        return render.computed(ctx.rules, result)
    return None


def budget_vs_actual(ctx: Context, text: str, ents: Entities, report: ReportInfo) -> Answer | None:
    """决算 against 年初预算 for the whole department, from the sentence that states both
    ("年初预算为576.61万元，支出决算为672.13万元"): the difference, or the completion rate."""
    pair = _budget_and_actual(ctx, report)
    if pair is None:
        return None
    (b, budget), (a, actual) = pair
    # one sentence states both: the 决算's citation is the budget's too
    parts = (Part(budget["context"], b, cited=False), Part(actual["context"], a))
    if "rate" in ents.operations or re.search(ctx.rules.pattern("asks_completion_rate"), text):
        rate = (a.value / b.value * 100).quantize(TWO, ROUND_HALF_UP)
        return render.computed(ctx.rules, Result("budget_rate", rate, "%", parts, report, "rate", 0.7))
    diff = a.value - b.value
    result = Result(
        "budget_difference", abs(diff), a.unit, parts, report, "difference", 0.7, direction=_sign(diff)
    )
    return render.computed(ctx.rules, result)


def _budget_and_actual(
    ctx: Context, report: ReportInfo
) -> tuple[tuple[Figure, dict], tuple[Figure, dict]] | None:
    """The first narrative sentence stating the department's budget and its actual spending, in one unit."""
    rows = ctx.run(
        ctx.db,
        "SELECT * FROM narrative_figures WHERE report_id = ? AND unit IN (?, ?) ORDER BY COALESCE(page, 0), line, id",
        [report.id, *ctx.rules.word("money_units")],
    )
    by_sentence: dict[tuple, list[dict]] = {}
    for r in rows:
        by_sentence.setdefault((r["page"], r["line"], r["sentence"]), []).append(r)
    for group in by_sentence.values():
        budget = [
            r
            for r in group
            if ctx.rules.one("budget") in r["context"].replace(ctx.rules.one("general_public_budget"), "")
            and ctx.rules.one("final_accounts") not in r["context"]
        ]
        actual = [r for r in group if ctx.rules.one("final_accounts") in r["context"]]
        if not budget or not actual or ctx.rules.one("sangong_short") in group[0]["sentence"]:
            continue
        b = narrative_figure(report, budget[0], ctx.rules.one("budget"))
        a = narrative_figure(report, actual[0], ctx.rules.one("final_accounts"))
        if b.unit == a.unit and b.value:
            return (b, budget[0]), (a, actual[0])
    return None
