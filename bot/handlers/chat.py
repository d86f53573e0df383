"""Handlers that answer about the bot and the knowledge base, and the report's fixed sections:
greeting, help, out of scope, private questions, the list of reports, a report's title, duties,
organisation and contact. Each is a plain function of (context, plan), looked up by intent name.
"""

from __future__ import annotations

from decimal import Decimal

from knowledge.model import Citation

from ..answer import Answer
from ..query import Context, search_sentences
from ..stages import Plan
from ..wording import _kind_text, examples_text
from . import across, figures, texts


def private(ctx: Context, plan: Plan) -> Answer:
    return Answer("", "no_answer", ctx.rules.templates["private"], intent="private")


def greeting(ctx: Context, plan: Plan) -> Answer:
    body = ctx.rules.templates["greeting"].format(
        report=across.kb_label(ctx), examples=examples_text(ctx.rules)
    )
    return Answer("", "answered", body, intent="greeting", confidence=1.0)


def help_(ctx: Context, plan: Plan) -> Answer:
    body = ctx.rules.templates["help"].format(examples=examples_text(ctx.rules))
    return Answer("", "answered", body, intent="help", confidence=1.0)


def out_of_scope(ctx: Context, plan: Plan) -> Answer:
    body = ctx.rules.templates["out_of_scope"].format(examples=examples_text(ctx.rules))
    return Answer("", "no_answer", body, intent="out_of_scope")


def list_reports(ctx: Context, plan: Plan) -> Answer:
    """The reports loaded (of the year and kind asked), at most 30 by name."""
    T = ctx.rules.templates
    ents = plan.entities
    listed = list(ents.reports or ctx.catalog.reports)
    if ents.years:
        listed = [r for r in listed if r.year in ents.years]
    kinds = [k for k in ctx.rules.word("report_kinds") if k in _kind_text(plan.text)]
    if len(kinds) == 1:
        listed = [r for r in listed if r.kind == kinds[0]]
    labels = T["list_reports_separator"].join(r.label for r in listed[:30]) + (
        T["core_dispatch"].format(len_reports=len(listed)) if len(listed) > 30 else ""
    )
    # the count is the knowledge base's own list of reports: said, and cited as that list
    source = T["kb_report_list"]
    body = T["list_reports"].format(n=len(listed), reports=labels or T["list_reports_none"])
    body += T["list_reports_cited"].format(source=source, n=len(listed))
    cite = Citation(report=source, quote=labels)
    return Answer(
        "",
        "answered",
        body,
        intent="list_reports",
        confidence=1.0,
        value=Decimal(len(listed)),
        unit=T["unit_reports"],
        citations=[cite],
    )


def report_info(ctx: Context, plan: Plan) -> Answer:
    T = ctx.rules.templates
    report = plan.report
    body = T["report_info"].format(
        report=report.title or report.label,
        department=report.department,
        year=report.year,
        kind=report.kind,
    )
    cite = Citation(report=report.title or report.label, section=T["title_section"], quote=report.title)
    return Answer("", "answered", body, intent="report_info", confidence=1.0, citations=[cite])


def definition(ctx: Context, plan: Plan) -> Answer:
    return texts.definition(ctx, plan.text, plan.entities, plan.report)


def reason(ctx: Context, plan: Plan) -> Answer:
    return texts.reason(ctx, plan.text, list(plan.tokens), plan.entities, plan.report, plan.conversation)


def duties(ctx: Context, plan: Plan) -> Answer:
    return texts.section_answer(ctx, list(ctx.rules.word("duties_headings")), plan.report, "duties")


def organisation(ctx: Context, plan: Plan) -> Answer:
    return texts.section_answer(
        ctx, list(ctx.rules.word("organisation_headings")), plan.report, "organisation"
    )


def contact(ctx: Context, plan: Plan) -> Answer:
    rows = search_sentences(ctx.db, ctx, plan.report, list(ctx.rules.word("contact_words")))
    if rows:
        return texts.sentence_answer(ctx, rows[0], plan.report, "contact")
    return Answer("", "no_answer", ctx.rules.templates["no_contact"], intent="contact")


def performance(ctx: Context, plan: Plan) -> Answer:
    return texts.performance(ctx, plan.text, plan.entities, plan.report)


def lookup(ctx: Context, plan: Plan) -> Answer:
    """One figure, or one computed from figures, with the follow-up the dialogue stage read."""
    return figures.lookup(
        ctx, plan.text, list(plan.tokens), plan.entities, plan.report, plan.conversation, plan.follow_up
    )
