"""Questions over several reports: rankings, sums and comparisons across departments, years and
kinds — only when the question asks exactly that (never figures of different bases mixed).

Which report a question is about is the plan stage's (:mod:`bot.plan`); this handler answers when
several fit and none is named, or asks which.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from knowledge.model import Citation
from knowledge.stated import read_question
from knowledge.stated import vocabulary as stated_vocabulary
from rules import default_rules

from ..answer import Answer
from ..catalog import ReportInfo, aliases_of
from ..departments import department_index
from ..entities import Entities, generic_words
from ..plan import asks_among_departments
from ..query import (
    Context,
    Figure,
    empty_table_for,
    sentence_citation,
)
from ..wording import (
    TWO,
    _fmt,
    _kind_text,
    _source_text,
    _strip_report_words,
)
from . import figures

# From this many candidates a ranking is read from the facts index (one query) rather than from
# every report; below it every report is read, as it always was (the answers of a small knowledge
# base are exactly those of reading each report).
INDEXED_FROM = 200


def _one_basis(reports: list[ReportInfo]) -> bool:
    """Do the reports share one year and one kind (预算/决算), so their figures may be added?"""
    return len({(r.year, r.kind) for r in reports}) <= 1


def _unit_kind(unit: str, rules) -> str:
    """元 and 万元 compare (both money); 辆 and 万元 do not."""
    return "money" if unit in rules.word("money_units") else unit


def _wan(f: Figure, rules) -> Decimal:
    """A money figure in 万元, exactly."""
    return f.value / 10000 if f.unit == rules.one("yuan") else f.value


def _between_departments(
    ctx: Context,
    text: str,
    ents: Entities,
    subject: str,
    measure: str,
    named: list[str],
    candidates: list[ReportInfo],
) -> Answer | None:
    """Two or more departments named in one question: their difference, their sum, or each."""
    named = sorted(named, key=lambda dept: _named_at(ctx, text, dept, candidates))
    chosen = _department_figures(ctx, named, candidates, subject, measure)
    if not isinstance(chosen, list):
        return chosen
    listing = "；".join(
        ctx.rules.templates["department_figure"].format(
            r_short=r.short,
            r_year=r.year,
            r_kind=r.kind,
            fmt_f_value=_fmt(f.value),
            f_unit=f.unit,
            source_text_f_citation=_source_text(f.citation),
        )
        for r, f in chosen
    )
    ops = set(ents.operations)
    if not _one_basis([r for r, _ in chosen]) and (ops & {"difference", "sum"} or len(chosen) != len(named)):
        return None  # figures of different years or kinds are not added or compared: ask which
    asks_difference = "difference" in ops or re.search(ctx.rules.pattern("asks_difference"), text)
    if asks_difference and len(chosen) == 2:
        return _department_difference(ctx, chosen, subject, listing)
    if "sum" in ops:
        return _department_sum(ctx, chosen, subject, listing)
    body = ctx.rules.templates["each_department"].format(subject=subject, listing=listing)
    return Answer(
        "",
        "answered",
        body,
        intent="compare_departments",
        confidence=0.75,
        citations=[f.citation for _, f in chosen],
    )


def _named_at(ctx: Context, text: str, dept: str, candidates: list[ReportInfo]) -> int:
    """Where the question first names the department, by full name, alias or abbreviation."""
    spots = [
        text.find(a)
        for r in candidates
        if r.department == dept
        for a in aliases_of(r, ctx.rules)
        if a in text
    ]
    index = department_index(ctx.catalog)
    for m in ctx.rules.pattern("department_mention").finditer(text):
        for i in range(m.start(), m.end() - 2):
            if any(r.department == dept for r in index.named_by(text[i : m.end()])):
                spots.append(i)
                break
    return min(spots) if spots else len(text)


def _department_figures(
    ctx: Context, named: list[str], candidates: list[ReportInfo], subject: str, measure: str
) -> list[tuple[ReportInfo, Figure]] | Answer | None:
    """Each named department's latest final accounts (unless a year narrowed them) and its figure."""
    chosen: list[tuple[ReportInfo, Figure]] = []
    for dept in named[:6]:
        reports = [r for r in candidates if r.department == dept]
        final = ctx.rules.one("final_accounts")
        finals = [r for r in reports if r.kind == final] or reports
        if not finals:
            return None
        r = max(finals, key=lambda x: x.year)
        figs = figures.find_figures(ctx, r, subject, measure, own_year=True)
        if not figs or (figs[0].citation.table is None and not figs[0].stated):
            # none, or only a loose match of the narrative: what the 说明 states, from the index
            # (None: the question's words are not the grammar's to read; keep what was read)
            stated = _stated_of_reports(ctx, [r], subject, measure)
            figs = figs if stated is None else stated.get(r.id, [])
        figs = figs or _declared_empty(ctx, r, subject)
        if not figs or figs[0].unit not in ctx.rules.word("money_units"):
            body = ctx.rules.templates["department_lacks_subject"].format(
                r_short=r.short, r_year=r.year, r_kind=r.kind, subject=subject
            )
            return Answer("", "no_answer", body, intent="compare_departments")
        chosen.append((r, figs[0]))
    return chosen


def _department_difference(
    ctx: Context, chosen: list[tuple[ReportInfo, Figure]], subject: str, listing: str
) -> Answer:
    (ra, fa), (rb, fb) = chosen
    a, b = _wan(fa, ctx.rules), _wan(fb, ctx.rules)
    diff = a - b
    shown = abs(diff).quantize(TWO, ROUND_HALF_UP)
    word = ctx.rules.one("more_word" if diff > 0 else ("less_word" if diff < 0 else "as_much_word"))
    body = ctx.rules.templates["departments_difference"].format(
        subject=subject,
        listing=listing,
        ra_short=ra.short,
        rb_short=rb.short,
        word=word,
        fmt_shown=_fmt(shown),
        wan_fa=a,
        wan_fb=b,
    )
    return Answer(
        "",
        "answered",
        body,
        intent="compare_departments",
        value=shown,
        unit=ctx.rules.one("wan_yuan"),
        confidence=0.75,
        citations=[f.citation for _, f in chosen],
    )


def _department_sum(
    ctx: Context, chosen: list[tuple[ReportInfo, Figure]], subject: str, listing: str
) -> Answer:
    parts = [_wan(f, ctx.rules) for _, f in chosen]
    shown = sum(parts, Decimal(0)).quantize(TWO, ROUND_HALF_UP)
    body = ctx.rules.templates["departments_sum"].format(
        subject=subject,
        listing=listing,
        fmt_shown=_fmt(shown),
        join_str_wan_f_for_f_in_chosen=" + ".join(_shown(p) for p in parts),
    )
    return Answer(
        "",
        "answered",
        body,
        intent="sum_departments",
        value=shown,
        unit=ctx.rules.one("wan_yuan"),
        confidence=0.75,
        citations=[f.citation for _, f in chosen],
    )


def across(ctx: Context, text: str, ents: Entities, candidates: list[ReportInfo]) -> Answer | None:
    """Questions over several reports: rank departments, or compare two reports of one department."""
    subject = _across_subject(ctx, text, ents)
    if subject is None:
        return None
    if {"share", "rate", "average"} & set(ents.operations):
        return None  # a share, a rate or 人均 is one report's arithmetic: which report, asked back
    measure = _measure_across(ctx, text, ents)
    departments = {r.department for r in candidates}
    if measure is None and (len(departments) != 1 or asks_among_departments(ctx, text, ents)):
        return None  # 决算 and 预算 both said: only two reports of one department compare them
    measure = measure or next((m for m in ents.measures if m in ("actual", "budget")), "actual")
    named = list(dict.fromkeys(r.department for r in ents.reports))
    among = asks_among_departments(ctx, text, ents)
    ranked_words = bool({"rank_max", "rank_min"} & set(ents.operations)) or bool(
        re.search(ctx.rules.pattern("asks_ranking"), text)
    )
    ranking = ranked_words and (
        len(departments) >= 2 or among or re.search(ctx.rules.pattern("asks_department_ranking"), text)
    )
    if ranking and ("change" in ents.operations or re.search(ctx.rules.pattern("ranks_a_change"), text)):
        # "哪个部门三公经费增长最多": not the largest figure — the change is not ranked across departments
        return Answer("", "no_answer", ctx.rules.templates["change_not_ranked"], intent="rank_reports")
    group = bool(ents.department_type)  # "所有乡镇", "各街道": the departments of a kind, not each named
    # 上年 of each report (去年 is a calendar year, chosen by the plan)
    last_year_words = ctx.rules.word("last_year_words")
    previous = ents.relative_year in last_year_words and ents.relative_year != ctx.rules.one("last_year_word")
    if previous and (ranking or len(named) >= 2 or (not named and len(departments) >= 2) or among):
        # each report's 上年 is its own year before: never ranked or added as this year's figures
        return Answer("", "no_answer", ctx.rules.templates["previous_year_across"], intent="rank_reports")
    if len(named) >= 2 and not ranking and not ents.ambiguous_department and not group:
        return _between_departments(ctx, text, ents, subject, measure, named, candidates)
    everyone = (not named or group) and (len(departments) >= 2 or among)
    several = bool(re.search(ctx.rules.pattern("several_departments"), text))
    if everyone and (among or group or several) and not ranking and _asks_total(ctx, text, ents):
        # "2014年所有部门三公经费一共多少": every department the question leaves in, of one basis —
        # only when the departments are said (所有部门, 各街道): 一共 alone is emphasis, and a
        # department the question names but the catalog does not read (国有林场) is no "all"
        if len(departments) == 1:
            return _only_one_department(ctx, text, candidates, subject, measure, ents)
        if not _one_basis(candidates):
            return _ask_basis(ctx, text, candidates, ctx.rules.one("summed_word"))
        return _sum_of_departments(ctx, candidates, subject, measure)
    compare = (
        len(departments) == 1
        and len(candidates) >= 2
        and not among
        and (
            {"difference", "change"} & set(ents.operations)
            or re.search(ctx.rules.pattern("asks_comparison"), text)
        )
    )
    each = everyone and not ranking and not compare and several
    if not ranking and not compare and not each:
        return None
    return _ranked_compared_or_each(
        ctx, text, ents, candidates, subject, measure, bool(ranking), bool(compare), bool(each)
    )


def _ranked_compared_or_each(
    ctx: Context,
    text: str,
    ents: Entities,
    candidates: list[ReportInfo],
    subject: str,
    measure: str,
    ranking: bool,
    compare: bool,
    each: bool,
) -> Answer | None:
    """The departments ranked, each one's figure, or two reports of one department compared —
    within the scope the question leaves (one year and kind), from the index when it is large."""
    departments = {r.department for r in candidates}
    note = ""
    if ranking or each:
        scoped, note = _ranking_scope(ctx, text, ents, candidates)
        if len({r.department for r in scoped}) < 2 <= len(departments):
            # the scope leaves one department (2016: one final account beside three budgets):
            # which year or kind is asked, never a "ranking" of one
            return _ask_basis(
                ctx, text, candidates, ctx.rules.one("ranked_word" if ranking else "compared_word")
            )
        candidates = scoped
        if len({r.department for r in candidates}) == 1:
            return _only_one_department(ctx, text, candidates, subject, measure, ents)
    if ranking and len(candidates) >= INDEXED_FROM:
        indexed = _indexed_ranking(ctx, candidates, subject, measure, "rank_min" in ents.operations)
        if indexed is not None:
            top, count = indexed
            return _rank_answer(ctx, top, len(candidates), subject, note, ents, count)
    found = _across_figures(ctx, candidates, subject, measure, compare, bool(ranking or each))
    if len(found) < 2:
        return None
    if each:
        return _each_department(ctx, found, len(candidates), subject, note)
    if ranking:
        return _rank_answer(ctx, found, len(candidates), subject, note, ents)
    return _compare_reports_answer(ctx, found, subject)


def _measure_across(ctx: Context, text: str, ents: Entities) -> str | None:
    """The measure compared: 决算 or 预算 as asked; both said, the one not naming the reports'
    kind ("决算报告中…年初预算" asks the budget column of final accounts); else None (asked back)."""
    measures = list(dict.fromkeys(m for m in ents.measures if m in ("actual", "budget")))
    if len(measures) < 2:
        return measures[0] if measures else "actual"
    final = ctx.rules.one("final_accounts")
    kinds = [
        k
        for k in ctx.rules.word("report_kinds")
        if re.search(ctx.rules.one("kind_of_report").format(kind=k), text)
    ]
    if len(kinds) != 1:
        return None
    return "budget" if kinds[0] == final else "actual"


def _asks_total(ctx: Context, text: str, ents: Entities) -> bool:
    """A total over the departments asked ("一共", "合计", "总计" beside 所有部门/各单位)."""
    return "sum" in ents.operations or bool(re.search(ctx.rules.pattern("asks_total_of_departments"), text))


def _ask_basis(ctx: Context, text: str, candidates: list[ReportInfo], what: str) -> Answer:
    """Reports of several years or kinds fit a sum or ranking across departments: their figures are
    never put together, so the question is asked back with each year and kind the reports have."""
    periods = sorted({(r.year or 0, r.kind) for r in candidates}, key=lambda p: (-p[0], p[1]))
    years = {y for y, _ in periods}
    template = "clarify_kind_across" if len(years) == 1 else "clarify_basis_across"
    bare = re.sub(ctx.rules.pattern("year_mention"), "", text)
    bare = re.sub(ctx.rules.pattern("names_report_kind"), "", bare)
    suggestions = [
        ctx.rules.templates["suggest_basis"].format(year=y, kind=k, question=bare) for y, k in periods[:12]
    ]
    body = ctx.rules.templates[template].format(what=what)
    return Answer("", "clarify", body, intent="across_basis", suggestions=suggestions)


def _only_one_department(
    ctx: Context, text: str, candidates: list[ReportInfo], subject: str, measure: str, ents: Entities
) -> Answer:
    """Departments asked among, and the reports that fit are one department's: no ranking (of its
    rows or of anything else) — say so, and give that department's own figure, cited."""
    dept = candidates[0].department
    latest = [max(candidates, key=lambda r: (r.year or 0, r.kind == ctx.rules.one("final_accounts")))]
    chosen = _department_figures(ctx, [dept], latest, subject, measure)
    r = latest[0]
    years = ents.years or ([r.year] if ents.relative_year else [])  # 今年 said: the year it is
    scope = ctx.rules.templates["name_separator"].join(str(y) for y in sorted(set(years)))
    scope = scope + ctx.rules.one("year_suffix") if scope else ""
    kinds = [k for k in ctx.rules.word("report_kinds") if k in _kind_text(text)]
    scope += kinds[0] if len(kinds) == 1 else ""
    lead = ctx.rules.templates["only_one_department"].format(scope=scope, department=r.short)
    if not isinstance(chosen, list):
        body = lead + (chosen.text if chosen is not None else "")
        return Answer("", "no_answer", body, intent="only_one_department")
    _, f = chosen[0]
    body = lead + ctx.rules.templates["department_figure_of"].format(
        subject=subject,
        figure=ctx.rules.templates["department_figure"].format(
            r_short=r.short,
            r_year=r.year,
            r_kind=r.kind,
            fmt_f_value=_fmt(f.value),
            f_unit=f.unit,
            source_text_f_citation=_source_text(f.citation),
        ),
    )
    return Answer(
        "",
        "answered",
        body,
        intent="only_one_department",
        value=f.value,
        unit=f.unit,
        confidence=0.8,
        citations=[f.citation],
        report_id=r.id,
    )


def _sum_of_departments(
    ctx: Context, candidates: list[ReportInfo], subject: str, measure: str
) -> Answer | None:
    """The total of every department's figure, all of one year and kind: each report summed is
    listed and cited, and the reports that give no such figure are named (never counted as 0)."""
    chosen: list[tuple[ReportInfo, Figure]] = []
    lacking: list[ReportInfo] = []
    for dept in dict.fromkeys(r.department for r in candidates):
        got = _department_figures(ctx, [dept], candidates, subject, measure)
        if isinstance(got, list) and got:
            chosen.append(got[0])
        else:
            lacking.append(next(r for r in candidates if r.department == dept))
    if len(chosen) < 2:
        return None
    listing = "；".join(
        ctx.rules.templates["department_figure"].format(
            r_short=r.short,
            r_year=r.year,
            r_kind=r.kind,
            fmt_f_value=_fmt(f.value),
            f_unit=f.unit,
            source_text_f_citation=_source_text(f.citation),
        )
        for r, f in chosen
    )
    parts = [_wan(f, ctx.rules) for _, f in chosen]
    shown = sum(parts, Decimal(0)).quantize(TWO, ROUND_HALF_UP)
    r0 = chosen[0][0]
    body = ctx.rules.templates["departments_total"].format(
        n=len(chosen),
        year=r0.year,
        kind=r0.kind,
        subject=subject,
        listing=listing,
        fmt_shown=_fmt(shown),
        parts=" + ".join(_shown(p) for p in parts),
    )
    if lacking:
        body += ctx.rules.templates["departments_total_lacking"].format(
            n=len(lacking), names=ctx.rules.templates["name_separator"].join(r.short for r in lacking)
        )
    return Answer(
        "",
        "answered",
        body,
        intent="sum_departments",
        value=shown,
        unit=ctx.rules.one("wan_yuan"),
        confidence=0.75,
        citations=[f.citation for _, f in chosen],
    )


def _each_department(
    ctx: Context, found: list[tuple[ReportInfo, Figure]], asked: int, subject: str, note: str
) -> Answer:
    """Each department of one question ("各部门三公经费"): each department's figure of one year and kind, cited, in report order."""
    listing = "；".join(
        ctx.rules.templates["department_figure"].format(
            r_short=r.short,
            r_year=r.year,
            r_kind=r.kind,
            fmt_f_value=_fmt(f.value),
            f_unit=f.unit,
            source_text_f_citation=_source_text(f.citation),
        )
        for r, f in found
    )
    body = ctx.rules.templates["each_department_of"].format(
        n=len(found), note=note, subject=subject, listing=listing
    )
    if asked > len(found):
        body += ctx.rules.templates["ranking_missing"].format(missing=asked - len(found))
    return Answer(
        "",
        "answered",
        body,
        intent="compare_departments",
        confidence=0.75,
        citations=[f.citation for _, f in found],
    )


def _across_subject(ctx: Context, text: str, ents: Entities) -> str | None:
    """What is compared across reports: the subject named, or a total the question implies."""
    if ents.subjects:
        return ents.subjects[0].subject
    rest = {p for p in ents.rest.split() if len(p) >= 2}
    if rest - generic_words(ctx.rules) - set(ctx.rules.word("department_kind_words")):
        return None
    if re.search(ctx.rules.pattern("asks_spending"), text):
        return ctx.rules.word("expenditure_total_row")[0]
    if ctx.rules.one("income_word") in text:
        return ctx.rules.word("income_total_row")[0]
    return None


def _ranking_scope(
    ctx: Context, text: str, ents: Entities, candidates: list[ReportInfo]
) -> tuple[list[ReportInfo], str]:
    """Departments are ranked among final accounts, within one year, unless the question names
    the kind or the year: a kind named ("预算报告中…") still keeps to one year (the latest)."""
    note = ""
    kind_named = re.search(ctx.rules.pattern("names_report_kind"), _kind_text(text))
    if not kind_named:
        finals = [r for r in candidates if r.kind == ctx.rules.one("final_accounts")]
        if finals and len(finals) < len(candidates):
            candidates, note = finals, ctx.rules.one("finals_only_note")
    if not ents.years and len({r.year for r in candidates}) > 1:
        latest = max(r.year for r in candidates)
        candidates = [r for r in candidates if r.year == latest]
        kinds = {r.kind for r in candidates}
        note = ctx.rules.templates["ranked_within_year"].format(
            year=latest, kind=next(iter(kinds)) if (note or kind_named) and len(kinds) == 1 else ""
        )
    return candidates, note


def _across_figures(
    ctx: Context, candidates: list[ReportInfo], subject: str, measure: str, compare: bool, ranking: bool
) -> list[tuple[ReportInfo, Figure]]:
    """Each report's figure for the subject, kept only in the unit most of them share."""
    found: list[tuple[ReportInfo, Figure]] = []
    for r in candidates:
        final = compare and r.kind == ctx.rules.one("final_accounts")
        figs = figures.find_figures(ctx, r, subject, "actual" if final else measure, own_year=True)
        figs = figs or _declared_empty(ctx, r, subject)
        if figs and (figs[0].unit in ctx.rules.word("money_units") or ranking):
            found.append((r, figs[0]))
    units = [_unit_kind(f.unit, ctx.rules) for _, f in found]
    if found:
        common = max(set(units), key=units.count)
        found = [(r, f) for r, f in found if _unit_kind(f.unit, ctx.rules) == common]
    return found


def _declared_empty(ctx: Context, report: ReportInfo, subject: str) -> list[Figure]:
    """A report with no figure of the subject whose table of it is declared empty ("本表无数据"):
    zero, cited to that declaration — as the report's own answer gives it — not "not given"."""
    if figures._other_year(ctx, report):
        return []
    empty = empty_table_for(ctx.db, ctx, report, subject)
    if not empty or empty["unit"] not in ctx.rules.word("money_units"):
        return []
    why = empty["empty_reason"] or ctx.rules.one("empty_table_reason")
    c = Citation(report=report.title, table=empty["label"], quote=why, line=empty["line"], page=empty["page"])
    return [Figure(subject, Decimal("0.00"), empty["unit"], c, empty_cell=True)]


def _shown(part: Decimal) -> str:
    """A part of a sum as the arithmetic shows it: to the 分 at least (30 → 30.00), exactly."""
    return str(part.quantize(TWO) if part.as_tuple().exponent > -2 else part)


def _indexed_ranking(
    ctx: Context, candidates: list[ReportInfo], subject: str, measure: str, smallest: bool
) -> tuple[list[tuple[ReportInfo, Figure]], int] | None:
    """The first five of a ranking over many reports from the facts index, and how many reports
    have the figure; None when the index cannot say it the way the reports do.

    The column is the one a report's own figure is printed in (the first candidates are read as
    every question reads them); the index gives every candidate's figure of that subject and
    column (one indexed query per 500 reports); a candidate without one is read from its report
    as before. Each of the five shown is read again from its report: a figure that differs from
    the index's, or a ranking the index cannot give, falls back to reading every report.
    """
    from knowledge import facts

    probe = None
    for r in candidates[:5]:
        figs = figures.find_figures(ctx, r, subject, measure, own_year=True)
        if figs and figs[0].column:
            probe = figs[0]
            break
    if probe is None:
        return None
    base = facts.amount_of(probe.value, probe.unit)[1] or probe.unit
    ids = [r.id for r in candidates]
    basis = {(r.year, r.kind) for r in candidates}
    year, kind = next(iter(basis)) if len(basis) == 1 else (None, None)
    column, held = probe.column, {}
    for column in dict.fromkeys([probe.column, probe.column.partition("·")[0]]):
        held = facts.amounts(ctx.db, subject, column, ids, base, year=year, kind=kind)
        if held:
            break
    if any(amount is None for amount in held.values()):
        return None
    ranked = _with_unindexed(ctx, held, candidates, subject, measure, base)
    if ranked is None or len(ranked) < 2:
        return None
    # as reading every report orders them: largest first, ties in report order (reversed for 最少)
    ranked.sort(key=lambda x: (-x[0], x[1]))
    if smallest:
        ranked.reverse()
    shown = ranked[:5]
    printed = {f.report_id: f for f in facts.values(ctx.db, subject, column, [x[1] for x in shown])}
    by_id = {r.id: r for r in candidates}
    top: list[tuple[ReportInfo, Figure]] = []
    for _, rid, fig in shown:
        if fig is None:
            figs = figures.find_figures(ctx, by_id[rid], subject, measure, own_year=True)
            f = printed.get(rid)
            if not figs or f is None or (figs[0].value, figs[0].unit) != (f.value, f.unit):
                return None
            fig = figs[0]
        top.append((by_id[rid], fig))
    return top, len(ranked)


def _with_unindexed(
    ctx: Context, held: dict, candidates: list[ReportInfo], subject: str, measure: str, base: str
) -> list[tuple[int, int, Figure | None]] | None:
    """(amount, report id, figure read) of every candidate: the index's amounts, and a
    candidate the index has no figure for read from its report as it always was (None: a figure
    that cannot be ranked with the others)."""
    from knowledge import facts

    ranked: list[tuple[int, int, Figure | None]] = [(amount, rid, None) for rid, amount in held.items()]
    stated = _stated_from_index(ctx, [r for r in candidates if r.id not in held], subject, measure, base)
    for r in candidates:
        if r.id in stated:
            fig = stated[r.id]
            ranked.append((facts.amount_of(fig.value, fig.unit)[0], r.id, fig))
        elif r.id not in held:
            figs = figures.find_figures(ctx, r, subject, measure, own_year=True)
            if figs:
                amount, unit = facts.amount_of(figs[0].value, figs[0].unit)
                if amount is None or unit != base:
                    return None
                ranked.append((amount, r.id, figs[0]))
    return ranked


def _stated_figure(report: ReportInfo, f) -> Figure:
    """A figure of the facts index's ``source = 'text'`` rows, cited as a stated figure is."""
    where = {"section_path": f.section, "sentence": f.quote, "line": f.line, "page": f.page}
    return Figure(
        f.subject,
        f.value,
        f.unit,
        sentence_citation(report, where),
        column=f.measure,
        stated=f.measure,
        year=f.year,
    )


def _stated_from_index(
    ctx: Context, missing: list[ReportInfo], subject: str, measure: str, base: str
) -> dict[int, Figure]:
    """report id → the figure a narrative-only candidate's 说明 states, from the facts index
    (``source = 'text'``, one query per 500 reports) rather than from each report. One of the
    first five is read as every question reads it: only when that gives a stated figure (the
    question's words ask what the 说明 grammar states, on the side it states) and the index
    agrees with it; a report whose tables print the subject is read from its report as before."""
    from knowledge import facts

    if len(missing) < 2:
        return {}
    probe, probed = None, None
    for r in missing[:5]:
        first = figures.find_figures(ctx, r, subject, measure, own_year=True)
        if first and first[0].stated and not first[0].derived:
            probe, probed = first[0], r
            break
    if probe is None or probed is None or probe.year not in (None, probed.year):
        return {}  # the index holds each report's own year only
    rows = facts.stated_values(
        ctx.db, probe.subject, (probe.stated,), [r.id for r in missing], base, without_table=True
    )
    seen = rows.get(probed.id)
    if seen is None or (seen.value, seen.unit) != (probe.value, probe.unit):
        return {}
    by_id = {r.id: r for r in missing}
    return {rid: _stated_figure(by_id[rid], f) for rid, f in rows.items()}


def _stated_of_reports(
    ctx: Context, reports: list[ReportInfo], subject: str, measure: str
) -> dict[int, list[Figure]] | None:
    """report id → [the figure its 说明 states of the subject] from the facts index, for a
    question over several departments whose words a single report's reading does not take
    (the 和 between two names); a report stating none is absent (a subject the 说明 grammar
    knows is never answered by a loose match of words: 一般公共预算财政拨款收入 is not
    财政拨款收入). None when the grammar does not know the subject, the question names the
    other side's, or it leaves a word of two or more characters the subject does not explain
    (政府采购货物支出 is not the 政府采购 total)."""
    from knowledge import facts

    names = facts.stated_subjects(subject)
    if not names or figures._names_other_side(ctx, subject):
        return None
    ents = ctx.ents
    years = {r.year for r in reports}
    if ents and (any(y not in years for y in ents.years) or ents.relative_year):
        return None  # another year asked (上年, 2013年): the index holds each report's own year only
    q = read_question(ctx.question) if ctx.question else None
    if q is not None and (q.previous or any(n not in names for n in q.subjects)):
        return None  # the question names another subject than the one matched
    generic = generic_words(ctx.rules)
    left = [
        w
        for w in (ents.rest.split() if ents else [])
        if len(w) >= 2
        and w not in generic
        and not any(w in (r.department + (r.region or "")) for r in reports)
    ]
    if left:
        return None
    out: dict[int, list[Figure]] = {}
    by_kind: dict[str, list[ReportInfo]] = {}
    for r in reports:
        by_kind.setdefault(r.kind, []).append(r)
    budget = stated_vocabulary().budget_measures
    for kind, group in by_kind.items():
        measures = facts.stated_measures(kind, budget=measure == "budget")
        if q is not None and q.measure:  # the measure the question's own words ask (年初预算)
            measures = budget if budget and q.measure == budget[0] else (q.measure,)
        rows = facts.stated_values(ctx.db, subject, measures, [r.id for r in group], None)
        by_id = {r.id: r for r in group}
        for rid, f in rows.items():
            out[rid] = [_stated_figure(by_id[rid], f)]
    return out


def _rank_answer(
    ctx: Context,
    found: list[tuple[ReportInfo, Figure]],
    asked: int,
    subject: str,
    note: str,
    ents: Entities,
    count: int | None = None,
) -> Answer:
    """The ranking's answer; ``count`` when ``found`` is only its first five (from the index)."""
    if count is None:
        found.sort(key=lambda x: -_wan(x[1], ctx.rules))
        if "rank_min" in ents.operations:
            found.reverse()
    count = len(found) if count is None else count
    top_r, top_f = found[0]
    listing = "；".join(
        ctx.rules.templates["ranked_report"].format(
            r_short=r.short,
            r_year=r.year,
            r_kind=r.kind,
            fmt_f_value_f_unit=_fmt(f.value, f.unit),
            f_unit=f.unit,
        )
        for r, f in found[:5]
    )
    extreme = ctx.rules.one("least_word" if "rank_min" in ents.operations else "most_word")
    body = ctx.rules.templates["ranking"].format(
        len_found=count,
        note=note,
        subject=subject,
        extreme=extreme,
        top_r_short=top_r.short,
        top_r_year=top_r.year,
        top_r_kind=top_r.kind,
        fmt_top_f_value_top_f_unit=_fmt(top_f.value, top_f.unit),
        top_f_unit=top_f.unit,
        source_text_top_f_citation=_source_text(top_f.citation),
        listing=listing,
    )
    if asked > count:
        body += ctx.rules.templates["ranking_missing"].format(missing=asked - count)
    return Answer(
        "",
        "answered",
        body,
        intent="rank_reports",
        value=top_f.value,
        unit=top_f.unit,
        confidence=0.8,
        citations=[f.citation for _, f in found[:5]],
        report_id=top_r.id,
    )


def _compare_reports_answer(ctx: Context, found: list[tuple[ReportInfo, Figure]], subject: str) -> Answer:
    """Two reports of one department: the later against the earlier (a budget before the final accounts)."""
    found.sort(key=lambda x: (x[0].year, x[0].kind != ctx.rules.one("budget")))
    (ra, fa), (rb, fb) = found[-1], found[0]
    wan = lambda f: _wan(f, ctx.rules)  # noqa: E731
    diff = wan(fa) - wan(fb)
    word = ctx.rules.one("rise_word" if diff > 0 else ("fall_word" if diff < 0 else "unchanged_word"))

    def both(f: Figure) -> str:
        in_wan = f.unit == default_rules().one("yuan")
        return f"{_fmt(f.value)}{f.unit}" + (
            ctx.rules.templates["in_wan"].format(wan_f=wan(f)) if in_wan else ""
        )

    shown = abs(diff).quantize(TWO, ROUND_HALF_UP)
    exact = "" if shown == abs(diff) else ctx.rules.templates["exact_wan"].format(abs_diff=abs(diff))
    body = ctx.rules.templates["reports_compared"].format(
        ra_short=ra.short,
        rb_year=rb.year,
        rb_kind=rb.kind,
        subject=subject,
        both_fb=both(fb),
        source_text_fb_citation=_source_text(fb.citation),
        ra_year=ra.year,
        ra_kind=ra.kind,
        both_fa=both(fa),
        source_text_fa_citation=_source_text(fa.citation),
        word=word,
        fmt_shown=_fmt(shown),
        wan_fa=wan(fa),
        wan_fb=wan(fb),
        exact=exact,
    )
    return Answer(
        "",
        "answered",
        body,
        intent="compare_reports",
        value=shown,
        unit=ctx.rules.one("wan_yuan"),
        confidence=0.75,
        citations=[fb.citation, fa.citation],
        report_id=ra.id,
    )


def kb_label(ctx: Context) -> str:
    reports = ctx.catalog.reports
    if len(reports) == 1:
        return reports[0].label
    return ctx.rules.templates["kb_label"].format(len_reports=len(reports))


# Every fitting report is offered (grouped by department, newest year first); the bound only keeps a
# national knowledge base from listing thousands, and then the question names the slot to fill.
MAX_REPORT_CHOICES = 40


def across_or_ask(ctx: Context, plan) -> Answer:
    """Several reports fit and none is named: answer across them when the question asks exactly
    that (a ranking, two years of one department, a sum of one year and kind), else ask which."""
    found = across(ctx, plan.text, plan.entities, list(plan.candidates))
    if found is not None and found.status == "clarify" and plan.conversation is not None:
        plan.conversation.pending_question = plan.text  # "2016年预算" next answers it
    if found is not None:
        return found
    if plan.report is not None:  # one department's report, departments asked among: no ranking of its rows
        r = plan.report
        body = ctx.rules.templates["only_one_department"].format(scope="", department=r.short)
        body += ctx.rules.templates["only_one_department_declined"].format(department=r.short)
        return Answer("", "no_answer", body, intent="only_one_department")
    if plan.conversation is not None:
        plan.conversation.pending_question = plan.text  # a bare report name next answers it
    asked = _strip_report_words(plan.text)
    ordered = sorted(plan.candidates, key=lambda r: (r.department, -(r.year or 0), r.kind))
    suggestions = [
        ctx.rules.templates["suggest_report"].format(
            r_short=r.short, r_year=r.year, r_kind=r.kind, strip_report_words_text=asked
        )
        for r in ordered[:MAX_REPORT_CHOICES]
    ]
    template = _missing_slot(plan.candidates)
    return Answer("", "clarify", ctx.rules.templates[template], intent=plan.intent, suggestions=suggestions)


def _missing_slot(candidates) -> str:
    """The template that asks for what tells the candidates apart: the year, the department, or the report."""
    departments = {r.department for r in candidates}
    periods = {(r.year, r.kind) for r in candidates}
    if len(departments) == 1 and len(periods) > 1:
        return "clarify_year"
    if len(departments) > 1 and len(periods) == 1:
        return "clarify_department"
    return "clarify_report"
