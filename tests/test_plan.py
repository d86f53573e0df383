"""The stages after parsing, each handed its input type directly: dialogue (``Resolved``), plan
(``Plan`` or a decline), a handler given a ``Plan``, and render (the final ``Answer``)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bot import Bot
from bot.answer import Answer
from bot.conversation import Conversation
from bot.dialogue import resolve
from bot.handlers import HANDLERS
from bot.parse import parse
from bot.plan import ACROSS, make_plan
from bot.query import Context, QueryLog
from bot.render import finish
from bot.stages import Plan, Resolved
from tests.conftest import REFERENCE, SHARED

PAGES = sorted((SHARED / "corpus").glob("*.pages.json"))


def context(bot: Bot, resolved: Resolved) -> Context:
    return Context(
        db=bot.db,
        catalog=bot.catalog,
        rules=bot.rules,
        question=resolved.text,
        ents=resolved.entities,
        conv=resolved.conversation,
        log=QueryLog(),
    )


def planned(bot: Bot, text: str, conv: Conversation | None = None) -> tuple[Context, Plan | Answer]:
    resolved = resolve(parse(text, bot.catalog, bot.rules), conv, bot.catalog, bot.rules)
    ctx = context(bot, resolved)
    return ctx, make_plan(ctx, resolved)


@pytest.fixture(scope="module")
def several(tmp_path_factory):
    """The reference report and the corpus's page-text reports (four departments, 2025)."""
    if not PAGES:
        pytest.skip("corpus not available")
    from knowledge.ingest import ingest
    from knowledge.store import open_db

    path = tmp_path_factory.mktemp("plan") / "kb.db"
    db = open_db(path)
    assert all(o.status == "ingested" for o in ingest(db, [REFERENCE, *PAGES]))
    db.close()
    return Bot(path, readonly=True)


def test_parse_reads_subject_unit_and_intent_without_a_conversation(bot):
    parsed = parse("办公费多少元", bot.catalog, bot.rules)
    assert parsed.intent == "lookup"
    assert [m.subject for m in parsed.entities.subjects] == ["办公费"]
    assert "办公费" in parsed.tokens


def test_one_report_plans_the_intents_handler_with_the_question_parts(bot):
    ctx, plan = planned(bot, "2024年办公费预算多少元")
    assert isinstance(plan, Plan)
    assert plan.handler == "lookup" and plan.report is not None and plan.report.year == 2024
    assert plan.subjects == ("办公费",) and plan.measure == "budget" and plan.unit == "元"


def test_an_intent_without_report_plans_no_report(bot):
    _, plan = planned(bot, "你好")
    assert isinstance(plan, Plan) and plan.handler == "greeting" and plan.report is None


def test_a_year_not_loaded_is_a_decline_naming_it(bot):
    _, plan = planned(bot, "2019年办公费多少")
    assert isinstance(plan, Answer) and plan.status == "no_answer" and "2019" in plan.text


def test_several_reports_and_none_named_plan_the_across_handler(several):
    ctx, plan = planned(several, "三公经费多少")
    assert isinstance(plan, Plan) and plan.handler == ACROSS and plan.report is None
    assert len(plan.candidates) == 5
    answer = HANDLERS[plan.handler](ctx, plan)
    assert answer.status == "clarify" and answer.suggestions  # which report: offered by name


def test_a_department_of_another_region_is_declined_not_matched(several):
    _, plan = planned(several, "黄浦区生态环境局三公经费")
    assert isinstance(plan, Answer) and plan.status == "no_answer" and plan.value is None


def test_dialogue_applies_the_pending_which_report_question(several):
    conv = Conversation(pending_question="三公经费多少")
    resolved = resolve(parse("生态环境局的", several.catalog, several.rules), conv, several.catalog, several.rules)
    assert resolved.pending and "三公经费" in resolved.text
    assert conv.pending_question == ""  # spent: the next question starts afresh
    ctx = context(several, resolved)
    plan = make_plan(ctx, resolved)
    assert isinstance(plan, Plan) and plan.report is not None and "生态环境局" in plan.report.department
    answer = HANDLERS[plan.handler](ctx, plan)
    assert answer.status == "answered" and answer.value == Decimal("16.95") and answer.citations


def test_a_handler_answers_a_plan_built_by_hand(bot):
    """The lookup handler needs only a Context and a Plan: no Bot.ask, no conversation."""
    parsed = parse("邮电费", bot.catalog, bot.rules)
    report = bot.catalog.reports[0]
    plan = Plan(
        handler="lookup",
        intent="lookup",
        text=parsed.text,
        tokens=parsed.tokens,
        entities=parsed.entities,
        report=report,
        conversation=None,
    )
    answer = HANDLERS["lookup"](context(bot, Resolved(parsed, None)), plan)
    assert answer.status == "answered" and answer.value == Decimal("0.84") and answer.unit == "万元"
    assert answer.citations and answer.citations[0].row and "邮电费" in answer.citations[0].row


def test_render_states_the_unit_asked_exactly(bot):
    ctx, plan = planned(bot, "邮电费多少元")
    answer = HANDLERS[plan.handler](ctx, plan)
    assert (answer.value, answer.unit) == (Decimal("0.84"), "万元")  # the table's unit
    final = finish(ctx, plan, answer, "邮电费多少元")
    assert final.unit == "元" and final.value == Decimal("8400") and final.report_id == plan.report.id


def test_render_adds_the_reports_own_disagreement(bot):
    ctx, plan = planned(bot, "一般公共服务支出多少")
    answer = HANDLERS[plan.handler](ctx, plan)
    assert not answer.notes
    final = finish(ctx, plan, answer, "一般公共服务支出多少")
    assert final.value == Decimal("637.38")
    assert len(final.notes) == 1 and "637.37" in final.notes[0] and final.notes[0] in final.text


def test_render_leaves_an_answer_without_report_as_it_is(bot):
    ctx, plan = planned(bot, "你好")
    answer = HANDLERS[plan.handler](ctx, plan)
    text = answer.text
    final = finish(ctx, replace(plan), answer, "你好")
    assert final.text == text and final.report_id is None and final.question == "你好"


def test_a_message_of_many_questions_answers_a_bounded_number_and_says_so(bot):
    from bot.core import MAX_PARTS

    one = "办公费花了多少，邮电费花了多少，"
    answer = bot.ask(one * 6)  # twelve questions
    assert answer.status == "answered" and answer.intent == "multi"
    assert answer.text.count("9.37") + answer.text.count("0.84") == MAX_PARTS
    assert str(12 - MAX_PARTS) in answer.text.splitlines()[-1]
