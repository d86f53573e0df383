"""The last stage: a handler's answer made final for the caller.

It states the figure in the unit the question asked (exactly, or the report's own printing of it),
appends what the report itself gets wrong about a cited figure (its checks' findings), and records
the question, the report and the SQL run. Every sentence added comes from rules/zh/templates.yaml.

It also says a computed figure: :func:`computed` turns a :class:`bot.stages.Result` (a share, a
difference, a sum, 人均, a change, 决算 against 预算) into its answer, the sentence filled from the
templates only, so a handler computes and never words what it computed.
"""

from __future__ import annotations

from collections.abc import Callable

from rules import Rules

from .answer import Answer
from .handlers import figures
from .normalise import MAX_QUESTION
from .query import Context, findings_for
from .stages import Plan, Result
from .wording import _fmt, _source_text


def finish(ctx: Context, plan: Plan, answer: Answer, raw: str) -> Answer:
    """The answer as returned: in the unit asked, with the report's disagreements and its slot."""
    answer.question = raw[:MAX_QUESTION]
    report = plan.report
    if ctx.trace and (report is not None or ctx.queries):
        ctx.trace.add("sql", ctx.queries)
    if report is None:
        return answer
    answer = figures.in_requested_unit(ctx, answer, plan.text, plan.entities, report)
    answer.question = raw[:MAX_QUESTION]
    answer.report_id = report.id
    _add_findings(ctx, answer, report)
    if plan.conversation is not None and answer.status == "answered":
        plan.conversation.report_id = report.id
    return answer


def _add_findings(ctx: Context, answer: Answer, report) -> None:
    """What the report itself gets wrong about a cited figure, said after the answer."""
    if answer.status != "answered" or not answer.citations:
        return
    for n in findings_for(ctx.db, ctx, report, answer.citations)[:2]:
        answer.notes.append(n)
        answer.text += ctx.rules.templates["disagree_note"].format(message=n)


def computed(rules: Rules, result: Result) -> Answer:
    """The answer stating a computed figure: its sentence, its value and unit, and the citation
    of every part said to be cited (in the parts' order)."""
    return Answer(
        "",
        "answered",
        sentence(rules, result),
        intent=result.intent,
        value=result.value,
        unit=result.unit,
        confidence=result.confidence,
        citations=[p.figure.citation for p in result.parts if p.cited],
    )


def sentence(rules: Rules, result: Result) -> str:
    """A result's sentence: the template of its formula filled with its parts, value and sources."""
    return _SENTENCES[result.formula](rules.templates, rules, result)


def _sources(T, result: Result) -> str:
    """出处：a；b；c。 — the cited parts' sources in turn."""
    cited = [_source_text(p.figure.citation) for p in result.parts if p.cited]
    return T["sources_of_several"].format(sources=T["source_separator"].join(cited))


def _two_sources(T, result: Result, template: str = "sources_of_two") -> str:
    a, b = (p.figure.citation for p in result.parts[:2])
    return T[template].format(source_text_a_citation=_source_text(a), source_text_b_citation=_source_text(b))


def _more_or_less(rules: Rules, result: Result) -> str:
    return rules.one("more_word") if result.direction >= 0 else rules.one("less_word")


def _share(T, rules: Rules, r: Result) -> str:
    part, whole = r.parts[:2]
    a, b = part.figure, whole.figure
    return T["share"].format(
        report=r.report.label,
        part=part.name,
        measure="",
        part_value=_fmt(a.value),
        unit=a.unit,
        whole=whole.name,
        whole_value=_fmt(b.value),
        value=r.value,
    ) + _two_sources(T, r)


def _share_inside(T, rules: Rules, r: Result) -> str:
    part, whole = r.parts[:2]
    return T["share_inside_whole"].format(
        report_label=r.report.label,
        label=part.name,
        fmt_part_value=_fmt(part.figure.value),
        part_unit=part.figure.unit,
        names_0=whole.name,
        fmt_whole_0_value=_fmt(whole.figure.value),
        pct=r.value,
        source_text_part_citations_0=_source_text(part.figure.citation),
        source_text_whole_0_citation=_source_text(whole.figure.citation),
    )


def _shares_of_sum(T, rules: Rules, r: Result) -> str:
    parts = T["list_separator"].join(
        T["share_of_sum_part"].format(
            part=p.name, part_value=_fmt(p.figure.value), unit=p.figure.unit, value=p.share
        )
        for p in r.parts
    )
    unit = r.parts[0].figure.unit
    body = T["shares_of_sum"].format(report=r.report.label, parts=parts, total=_fmt(r.total), unit=unit)
    return body + _sources(T, r)


def _rate_of_budget(T, rules: Rules, r: Result) -> str:
    actual, budget = r.parts[:2]
    return T["rate_of_budget"].format(
        report=r.report.label,
        subject=actual.name,
        a_value=_fmt(actual.figure.value),
        b_value=_fmt(budget.figure.value),
        unit=actual.figure.unit,
        value=r.value,
    ) + _two_sources(T, r)


def _difference(T, rules: Rules, r: Result) -> str:
    first, second = r.parts[:2]
    a, b = first.figure, second.figure
    return T["difference"].format(
        report=r.report.label,
        a=first.name,
        b=second.name,
        measure="",
        a_value=_fmt(a.value),
        b_value=_fmt(b.value),
        unit=a.unit,
        direction=_more_or_less(rules, r),
        value=_fmt(r.value),
    ) + _two_sources(T, r, "sources_of_two_again")


def _sum(T, rules: Rules, r: Result) -> str:
    parts = T["sum_part_separator"].join(
        T["sum_part"].format(part=p.name, part_value=_fmt(p.figure.value), unit=p.figure.unit)
        for p in r.parts
    )
    formula = T["sum_formula_separator"].join(_fmt(p.figure.value) for p in r.parts)
    body = T["sum"].format(
        report=r.report.label, parts=parts, value=_fmt(r.value), unit=r.unit, formula=formula
    )
    return body + _sources(T, r)


def _average(T, rules: Rules, r: Result) -> str:
    money, people = r.parts[:2]
    a, p = money.figure, people.figure
    return T["compute_average_per_person"].format(
        report=r.report.label,
        money=money.name,
        amount=_fmt(a.value),
        unit=a.unit,
        people=_fmt(p.value, p.unit),
        people_unit=p.unit,
        value=_fmt(r.value),
        source_amount=_source_text(a.citation),
        source_people=_source_text(p.citation),
    )


def _change_unchanged(T, rules: Rules, r: Result) -> str:
    """The 说明 says the subject is unchanged from the year before: its figure, a change of zero."""
    part = r.parts[0]
    f = part.figure
    return T["change_unchanged"].format(
        report_label=r.report.label,
        subject=part.name,
        value=_fmt(f.value, f.unit),
        unit=f.unit,
        source=_source_text(f.citation),
    )


def _change(T, rules: Rules, r: Result) -> str:
    """Both years' figures: the earlier part first (the year before the report's), then its own."""
    before, now = r.parts[:2]
    b, a = before.figure, now.figure
    word = {1: "rise_word", -1: "fall_word", 0: "unchanged_word"}[r.direction]
    return T["change_computed"].format(
        report_label=r.report.label,
        subject=now.name,
        report_year_1=r.report.year - 1,
        fmt_b_value_b_unit=_fmt(b.value, b.unit),
        b_unit=b.unit,
        report_year=r.report.year,
        fmt_a_value_a_unit=_fmt(a.value, a.unit),
        a_unit=a.unit,
        word=rules.one(word),
        fmt_abs_diff_a_unit=_fmt(r.value, a.unit),
        source_text_b_citation=_source_text(b.citation),
        source_text_a_citation=_source_text(a.citation),
    )


def _budget_fill(r: Result) -> dict:
    """The department's 预算 and 决算 as the one sentence stating both words them."""
    budget, actual = r.parts[:2]
    b, a = budget.figure, actual.figure
    return dict(
        report_label=r.report.label,
        budget_0_context=budget.name,
        fmt_b_value=_fmt(b.value),
        b_unit=b.unit,
        actual_0_context=actual.name,
        fmt_a_value=_fmt(a.value),
        a_unit=a.unit,
        source_text_a_citation=_source_text(a.citation),
    )


def _budget_rate(T, rules: Rules, r: Result) -> str:
    return T["actual_rate_of_budget"].format(rate=r.value, **_budget_fill(r))


def _budget_difference(T, rules: Rules, r: Result) -> str:
    return T["actual_against_budget"].format(
        word=_more_or_less(rules, r), fmt_abs_diff=_fmt(r.value), **_budget_fill(r)
    )


def _rank(T, rules: Rules, r: Result) -> str:
    (part,) = r.parts[:1]
    f = part.figure
    extreme = rules.one("least_word") if r.direction < 0 else rules.one("most_word")
    body = T["rank"].format(
        report=r.report.label,
        table=f.citation.table,
        extreme=extreme,
        subject=part.name,
        value=_fmt(f.value),
        unit=f.unit,
        n=r.among,
    )
    return body + T["source_of_one"].format(source_text_f_citation=_source_text(f.citation))


def _change_stated(T, rules: Rules, r: Result) -> str:
    (part,) = r.parts[:1]
    f = part.figure
    return T["change_stated"].format(
        report_label=r.report.label,
        r_sentence=part.name,
        direction_r_context=r.said,
        fmt_fig_value_fig_unit=_fmt(f.value, f.unit),
        fig_unit=f.unit,
        source_text_fig_citation=_source_text(f.citation),
    )


def _change_corrected(T, rules: Rules, r: Result) -> str:
    """The direction the figures show, the report's own word quoted beside it."""
    (part,) = r.parts[:1]
    f = part.figure
    rise, fall = rules.word("direction_words_percent" if f.unit == "%" else "direction_words")
    return T["change_stated_corrected"].format(
        report_label=r.report.label,
        r_sentence=part.name,
        true_word=rise if r.direction > 0 else fall,
        value=_fmt(f.value, f.unit),
        unit=f.unit,
        report_word=r.said,
        source=_source_text(f.citation),
    )


# The sentence of each formula a Result can name.
_SENTENCES: dict[str, Callable[[dict, Rules, Result], str]] = {
    "share": _share,
    "share_inside": _share_inside,
    "shares_of_sum": _shares_of_sum,
    "rate_of_budget": _rate_of_budget,
    "difference": _difference,
    "sum": _sum,
    "average": _average,
    "change": _change,
    "change_unchanged": _change_unchanged,
    "change_stated": _change_stated,
    "change_corrected": _change_corrected,
    "rank": _rank,
    "budget_rate": _budget_rate,
    "budget_difference": _budget_difference,
}
