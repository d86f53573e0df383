"""The plan stage: which report answers, and which handler — from a resolved question.

A question names one report (or the caller chose one), several fit (then the ``across_reports``
handler answers across them when the question asks exactly that, else asks which), or none does
(a decline naming what the knowledge base holds). The handler is the intent routed to in
rules/intents.yaml; intents listed under ``without_report:`` need no report.
"""

from __future__ import annotations

import re
from datetime import date

from .answer import Answer
from .catalog import ReportInfo
from .departments import departments
from .entities import Entities, _catalog_region_forms
from .query import Context
from .stages import Plan, Resolved
from .wording import _kind_text, requested_unit

ACROSS = "across_reports"  # the handler when several reports fit and none is named


def make_plan(ctx: Context, resolved: Resolved, report_id: int | None = None) -> Plan | Answer:
    """The plan for a resolved question, or the decline when no loaded report fits."""
    parsed, ents = resolved.parsed, resolved.entities
    intent = parsed.intent
    if intent == "list_reports" and ents.unknown_department:
        intent = "lookup"  # the report choice below declines it, naming what is available
    if intent == "list_reports" and ents.subjects and (ents.reports or _ranks(ctx, parsed.text, ents)):
        # "有哪些预算报告北厝镇公务接待费预算": a department and a subject named ask its figure, and
        # "哪些部门三公经费最多" a ranking — whatever words of listing stand in them
        intent = "lookup"
    slots = dict(
        intent=intent,
        text=parsed.text,
        tokens=parsed.tokens,
        entities=ents,
        conversation=resolved.conversation,
        subjects=tuple(m.subject for m in ents.subjects),
        measure=ents.measures[0] if ents.measures else None,
        unit=requested_unit(parsed.text),
        operations=tuple(ents.operations),
        follow_up=resolved.follow_up,
    )
    if intent == "list_reports" and ents.subjects and not ents.reports:
        # "有几份报告有三公经费": the report list is not of a subject — never its count as the answer
        subject = ents.subjects[0].subject
        body = ctx.rules.templates["list_reports_of_subject"].format(subject=subject)
        suggestions = [ctx.rules.templates["each_department_question"].format(subject=subject)]
        return Answer("", "clarify", body, intent="list_reports", suggestions=suggestions)
    if intent in ctx.rules.without_report:
        return Plan(handler=intent, report=None, **slots)
    report, decline, candidates = choose_report(ctx, parsed.text, ents, resolved.conversation, report_id)
    if ctx.trace:
        slot = {"intent": intent, "report": report.label if report else None}
        ctx.trace.add("intent", {**slot, "candidates": [r.label for r in candidates[:20]]})
    if decline:
        return decline
    handler = intent if report is not None else ACROSS
    if report is not None and asks_among_departments(ctx, parsed.text, ents):
        # "哪个部门三公经费最多" with one department's report fitting: no ranking of its rows —
        # the across handler says only one department is there and gives its figure
        handler = ACROSS
    return Plan(handler=handler, report=report, candidates=tuple(candidates), **slots)


def _decline(ctx: Context, what: str) -> tuple[None, Answer, list]:
    """No report of what the question names: say so, and list what the knowledge base holds."""
    reports = ctx.catalog.reports
    available = ctx.rules.templates["name_separator"].join(r.label for r in reports[:20])
    if len(reports) > 20:
        available += ctx.rules.templates["and_more_reports"].format(len_reports=len(reports))
    body = ctx.rules.templates["not_in_kb"].format(what=what, available=available)
    return None, Answer("", "no_answer", body, intent="not_in_kb"), []


def _decline_elsewhere(ctx: Context, asked: str, loaded: list[ReportInfo]) -> tuple[None, Answer, list]:
    """A department of a region (or level) not loaded, while a same-named one elsewhere is:
    declined, naming the loaded ones, never answered with their figures."""
    labels = ctx.rules.templates["name_separator"].join(r.label for r in loaded[:20])
    if len(loaded) > 20:
        labels += ctx.rules.templates["and_more_reports"].format(len_reports=len(loaded))
    body = ctx.rules.templates["department_elsewhere"].format(asked=asked, loaded=labels)
    return None, Answer("", "no_answer", body, intent="not_in_kb"), []


def _relative_years(ctx: Context) -> dict[str, int]:
    """今年/去年/前年 → the calendar year each means today."""
    this_year = date.today().year
    return {
        ctx.rules.one("this_year_word"): this_year,
        ctx.rules.one("last_year_word"): this_year - 1,
        ctx.rules.one("year_before_last_word"): this_year - 2,
    }


def choose_report(
    ctx: Context, text: str, ents: Entities, conv, report_id: int | None
) -> tuple[ReportInfo | None, Answer | None, list[ReportInfo]]:
    """The one report a question is about, a decline, or the candidates to ask about."""
    reports = ctx.catalog.reports
    if not reports:
        return None, Answer("", "no_answer", ctx.rules.templates["empty_kb"], intent="empty_kb"), []
    if ents.unknown_department and ents.elsewhere:
        return _decline_elsewhere(ctx, ents.unknown_department, ents.elsewhere)
    if ents.unknown_department:
        return _decline(ctx, ents.unknown_department)
    if ents.relative_year in ctx.rules.word("future_years"):
        return _decline(ctx, ents.relative_year)
    unread = _department_not_read(ctx, text, ents)
    if unread:
        body = ctx.rules.templates["department_not_understood"].format(
            word=unread, known=ents.reports[0].short
        )
        return None, Answer("", "no_answer", body, intent="not_in_kb"), []
    candidates = list(ents.reports or reports)
    among = asks_among_departments(ctx, text, ents)
    if not ents.reports:
        candidates, decided = _by_region(ctx, text, candidates)
        if decided is not None:
            return decided
    if among:
        pass  # a ranking among departments is never narrowed to the report chosen or talked about
    elif report_id is not None and not ents.reports:
        candidates = [r for r in candidates if r.id == report_id] or candidates
    elif conv is not None and conv.report_id and not ents.reports and not ents.years:
        candidates = [r for r in candidates if r.id == conv.report_id] or candidates
    candidates, decided = _by_year(ctx, ents, candidates)
    if decided is not None:
        return decided
    if len(candidates) > 1:
        candidates, decided = _by_kind(ctx, text, candidates)
        if decided is not None:
            return decided
    if len(candidates) == 1:
        return candidates[0], None, candidates
    return None, None, candidates


def asks_among_departments(ctx: Context, text: str, ents: Entities) -> bool:
    """Does the question ask among departments without naming one — a ranking ("哪个部门…最多",
    "各单位…排名"), a total ("所有部门…合计") or each one's figure ("各部门…")? Then the answer is
    over the reports of several departments (or says only one is loaded), never one report's rows."""
    if ents.reports or ents.department_type:
        return False  # a department named, or a kind of department asked among (entities' own)
    if not re.search(ctx.rules.pattern("asks_which_department"), text):
        return False
    return _ranks_or_adds(ctx, text, ents) or bool(re.search(ctx.rules.pattern("several_departments"), text))


def _ranks(ctx: Context, text: str, ents: Entities) -> bool:
    """Does the question rank what it asks (最多, 排名)?"""
    return bool({"rank_max", "rank_min"} & set(ents.operations)) or bool(
        re.search(ctx.rules.pattern("asks_ranking"), text)
    )


def _ranks_or_adds(ctx: Context, text: str, ents: Entities) -> bool:
    """Does the question rank (最多, 排名) or add up (一共, 合计) what it asks?"""
    if _ranks(ctx, text, ents) or "sum" in ents.operations:
        return True
    return bool(re.search(ctx.rules.pattern("asks_total_of_departments"), text))


def _department_not_read(ctx: Context, text: str, ents: Entities) -> str | None:
    """The word joined to the one department named when two are compared or added ("林场和行政服务
    中心…哪个多"), which names no department loaded: said, never answered with the one figure.
    Only a word standing right beside the department's name, across a joining word (和/与/比…)."""
    if len({r.department for r in ents.reports}) != 1 or not ents.rest:
        return None
    both = {"difference", "sum"} & set(ents.operations) or any(
        re.search(ctx.rules.pattern(name), text)
        for name in ("asks_difference", "asks_comparison", "pair_words")
    )
    if not both:
        return None
    joins = ctx.rules.pattern("joins_departments").pattern
    generic = set(ctx.rules.word("generic_subject_words"))
    names = [x or "" for r in ents.reports for x in (r.department, r.region, r.title)]
    words = [
        w
        for w in re.split(joins + r"|\s+", ents.rest)
        if len(w) >= 2 and w not in generic and not any(w in n for n in names)
    ]
    if not words:
        return None
    for i, j in departments(text, ctx.catalog).spans:
        for w in words:
            if re.search(re.escape(w) + joins + "$", text[:i]) or re.match(joins + re.escape(w), text[j:]):
                return w
    return None


def _by_region(ctx: Context, text: str, candidates: list[ReportInfo]):
    """The candidates of the region the question names (平潭, 普陀区) when it names no department:
    a report whose region, department or title holds the name; a region named that no candidate
    is in is declined (never answered with another region's figures)."""
    named = next((f for f in _catalog_region_forms(ctx.catalog) if f in text), None)
    if named is None:
        # a region people name that no report is of (黄浦区 beside 普陀区's reports): declined
        elsewhere = [
            w for w in ctx.rules.word("known_regions") if w in text and not ctx.catalog.place_known(w)
        ]
        return candidates, (_decline(ctx, elsewhere[0]) if elsewhere else None)
    held = [r for r in candidates if any(named in (x or "") for x in (r.region, r.department, r.title))]
    if held:
        return held, None
    return candidates, _decline(ctx, named)


def _by_year(ctx: Context, ents: Entities, candidates: list[ReportInfo]):
    """The candidates of the year asked (a number or 今年/去年/前年), or the decline when none is
    loaded — except the year a single report narrates as its previous year (2023 in a 2024 report)."""
    years = set(ents.years)
    relative = _relative_years(ctx)
    if not years and ents.relative_year in relative and len(candidates) > 1:
        years = {relative[ents.relative_year]}
    if not years:
        return candidates, None
    in_kb = [r for r in candidates if r.year in years]
    if not in_kb:
        if len(candidates) == 1 and all(y == candidates[0].year - 1 for y in years):
            return candidates, (candidates[0], None, candidates)
        sep = ctx.rules.templates["name_separator"]
        what = sep.join(str(y) for y in sorted(years)) + ctx.rules.one("year_suffix")
        if ents.reports:
            what = ents.reports[0].short + what
        return candidates, _decline(ctx, what)
    if len(in_kb) < len(candidates) or len(years) == 1:
        return in_kb, None
    return candidates, None


def _by_kind(ctx: Context, text: str, candidates: list[ReportInfo]):
    """The candidates of the kind asked (预算 or 决算), or the decline when the question asks for
    that kind of report and none is loaded."""
    kinds = [k for k in ctx.rules.word("report_kinds") if k in _kind_text(text)]
    if len(kinds) != 1:
        return candidates, None
    by_kind = [r for r in candidates if r.kind == kinds[0]]
    if by_kind:
        return by_kind, None
    if re.search(ctx.rules.one("kind_of_report").format(kind=kinds[0]), text):
        return candidates, _decline(ctx, kinds[0] + ctx.rules.one("report_word"))
    return candidates, None
