"""A stage never changes its input: the entities a question was parsed into are the same after
dialogue, plan, the handler and render have answered it (follow-ups, 加上, 去年 included).

The handler derives what a follow-up adds (the pair's operation, the last answer's subjects, a
去年 that is the report's own year) as new values; a shared Entities changed in place would leak
into render, into a Plan built from it, and into the next question that reuses it."""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal

import pytest

from bot.answer import Answer
from bot.conversation import Conversation
from bot.dialogue import resolve
from bot.entities import Entities
from bot.handlers import HANDLERS
from bot.parse import parse
from bot.plan import make_plan
from bot.query import Context, QueryLog
from bot.render import finish


def _answer_by_stages(bot, text: str, conv: Conversation) -> tuple[Answer, Entities, Entities]:
    """One question through the stages as Bot.ask runs them; the parsed entities as they were
    before any later stage ran, and the same object as it is afterwards."""
    parsed = parse(text, bot.catalog, bot.rules)
    before = copy.deepcopy(parsed.entities)
    resolved = resolve(parsed, conv, bot.catalog, bot.rules)
    ctx = Context(
        db=bot.db,
        catalog=bot.catalog,
        rules=bot.rules,
        question=resolved.text,
        ents=resolved.entities,
        conv=conv,
        log=QueryLog(),
    )
    plan = make_plan(ctx, resolved)
    assert not isinstance(plan, Answer), text
    answer = finish(ctx, plan, HANDLERS[plan.handler](ctx, plan), text)
    conv.history.append((text, answer.text))
    assert plan.entities is resolved.entities
    return answer, before, resolved.entities


@pytest.mark.parametrize(
    "questions",
    [
        ["基本支出多少", "项目支出多少", "两个加起来多少"],  # the pair's sum
        ["基本支出多少", "项目支出多少", "两个哪个多"],  # the pair's difference
        ["人员经费多少", "再加上公用经费"],  # the sum with the last answer's subjects
        ["三公经费多少", "预算呢"],  # a short follow-up about the last subject
        ["一般公共服务支出多少", "占比呢"],
    ],
)
def test_follow_ups_leave_the_parsed_entities_unchanged(bot, questions):
    conv = Conversation()
    for text in questions:
        answer, before, after = _answer_by_stages(bot, text, conv)
        assert answer.status == "answered", (text, answer.text)
        assert after == before, text


def test_a_year_that_is_the_reports_own_leaves_the_parsed_entities_unchanged(bot):
    """去年 said with the report's own year ("去年（2024年度）"): the handler reads it as this
    report's year, the parsed entities still say 去年."""
    year = bot.catalog.reports[0].year
    text = f"去年（{year}年度）办公费多少"
    answer, before, after = _answer_by_stages(bot, text, Conversation())
    assert before.relative_year is not None
    assert answer.status == "answered" and answer.value == Decimal("9.37")
    assert after == before


def test_entities_cannot_be_changed_in_place():
    ents = Entities(operations=["sum"], years=[2024])
    assert ents.operations == ("sum",) and ents.years == (2024,)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ents.relative_year = None  # type: ignore[misc]
    derived = dataclasses.replace(ents, operations=(*ents.operations, "difference"))
    assert ents.operations == ("sum",) and derived.operations == ("sum", "difference")
