"""The last stage: a handler's answer made final for the caller.

It states the figure in the unit the question asked (exactly, or the report's own printing of it),
appends what the report itself gets wrong about a cited figure (its checks' findings), and records
the question, the report and the SQL run. Every sentence added comes from rules/zh/templates.yaml.
"""

from __future__ import annotations

from .answer import Answer
from .handlers import figures
from .normalise import MAX_QUESTION
from .query import Context, findings_for
from .stages import Plan


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
