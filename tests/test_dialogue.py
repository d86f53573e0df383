"""The follow-up stage on its own: entities and a conversation in, what they resolve to out."""

from __future__ import annotations

from bot.conversation import Conversation
from bot.dialogue import pair_from_conversation, pending_report, short_follow_up
from bot.entities import Entities, Match
from rules import default_rules


def subject(name: str) -> Match:
    return Match(name, name, 0, len(name), 100.0, "exact")


def test_a_pair_comes_from_the_last_two_subjects():
    conv = Conversation(recent=["基本支出", "项目支出", "办公费"])
    pair = pair_from_conversation("两个加起来多少", Entities(operations=["sum"]), conv, [], default_rules())
    assert pair is not None and [m.subject for m in pair.subjects] == ["项目支出", "办公费"]
    assert not pair.asks_difference


def test_which_is_more_asks_a_difference_and_completes_a_named_subject():
    conv = Conversation(recent=["基本支出", "项目支出"])
    pair = pair_from_conversation(
        "它和项目支出哪个多", Entities(), conv, [subject("基本支出")], default_rules()
    )
    assert pair is not None and [m.subject for m in pair.subjects] == ["基本支出", "项目支出"]
    assert pair.asks_difference


def test_no_pair_without_a_conversation_or_pair_words():
    ents = Entities(operations=["sum"])
    assert pair_from_conversation("两个加起来多少", ents, None, [], default_rules()) is None
    conv = Conversation(recent=["基本支出", "项目支出"])
    assert pair_from_conversation("基本支出多少", ents, conv, [], default_rules()) is None


def test_a_bare_report_name_answers_the_pending_question():
    conv = Conversation(pending_question="三公经费多少")
    assert pending_report("2025年", Entities(years=[2025]), conv) == "2025年 三公经费多少"
    assert pending_report("办公费", Entities(years=[2025], subjects=[subject("办公费")]), conv) is None
    assert pending_report("2025年", Entities(years=[2025]), Conversation()) is None


def test_short_follow_ups():
    rules = default_rules()
    assert short_follow_up("预算呢", Entities(measures=["budget"]), rules)
    assert short_follow_up("那邮电费", Entities(), rules)
    assert not short_follow_up("一般公共预算财政拨款基本支出决算明细表里的办公费", Entities(), rules)


def test_resolve_puts_the_pairs_difference_into_resolved(bot):
    """ "两个哪个多" after two subjects: the dialogue stage reads the pair and the difference it
    asks; the parsed entities stay as parsed (the operation is the follow-up's, added later)."""
    from bot.dialogue import resolve
    from bot.parse import parse

    conv = Conversation()
    bot.ask("基本支出多少", conv)
    bot.ask("项目支出多少", conv)
    parsed = parse("两个哪个多", bot.catalog, bot.rules)
    resolved = resolve(parsed, conv, bot.catalog, bot.rules)
    follow = resolved.follow_up
    assert [m.subject for m in follow.subjects] == ["基本支出", "项目支出"]
    assert follow.added == ("difference",) and "difference" not in resolved.entities.operations
    assert "difference" in follow.applied_to(resolved.entities).operations


def test_resolve_reads_a_short_follow_up_about_the_last_subject(bot):
    from bot.dialogue import resolve
    from bot.parse import parse

    conv = Conversation()
    bot.ask("三公经费多少", conv)
    resolved = resolve(parse("预算呢", bot.catalog, bot.rules), conv, bot.catalog, bot.rules)
    follow = resolved.follow_up
    assert [m.subject for m in follow.subjects] == conv.subjects and follow.subjects
    assert follow.last_subjects and follow.leans_on_last and follow.share_of_last is None
    assert follow.measure == conv.measure == "actual"
    alone = resolve(parse("预算呢", bot.catalog, bot.rules), Conversation(), bot.catalog, bot.rules)
    assert not alone.follow_up.subjects and not alone.follow_up.leans_on_last


def test_the_lookup_takes_its_subjects_from_the_plans_follow_up(bot):
    """The lookup handler reads the follow-up from its plan: with no conversation at all, a plan
    whose follow-up names 办公费 and 邮电费 answers their sum; the same plan without it cannot."""
    from dataclasses import replace

    from bot.handlers import HANDLERS
    from bot.parse import parse
    from bot.query import Context, QueryLog
    from bot.stages import FollowUp, Plan

    parsed = parse("两个加起来多少", bot.catalog, bot.rules)
    plan = Plan(
        handler="lookup",
        intent="lookup",
        text=parsed.text,
        tokens=parsed.tokens,
        entities=parsed.entities,
        report=bot.catalog.reports[0],
        conversation=None,
        follow_up=FollowUp(subjects=(subject("办公费"), subject("邮电费"))),
    )

    def answer(p: Plan):
        ctx = Context(
            db=bot.db, catalog=bot.catalog, rules=bot.rules, question=p.text, ents=p.entities, log=QueryLog()
        )
        return HANDLERS["lookup"](ctx, p)

    both = answer(plan)
    assert both.status == "answered" and both.intent == "sum" and str(both.value) == "10.21"
    assert len(both.citations) == 2
    assert answer(replace(plan, follow_up=None)).value is None


def test_the_measure_carried_over_comes_from_the_plans_follow_up(bot):
    """A question leaning on the last answer takes its measure from the follow-up in the plan
    (the 预算 of 三公经费 rather than its 决算), with no conversation read by the handler."""
    from dataclasses import replace

    from bot.handlers import HANDLERS
    from bot.parse import parse
    from bot.query import Context, QueryLog
    from bot.stages import FollowUp, Plan

    parsed = parse("那呢", bot.catalog, bot.rules)
    follow = FollowUp(
        subjects=(subject("三公经费"),), last_subjects=True, leans_on_last=True, measure="budget"
    )
    plan = Plan(
        handler="lookup",
        intent="lookup",
        text=parsed.text,
        tokens=parsed.tokens,
        entities=parsed.entities,
        report=bot.catalog.reports[0],
        conversation=None,
        follow_up=follow,
    )

    def answer(p: Plan):
        ctx = Context(
            db=bot.db, catalog=bot.catalog, rules=bot.rules, question=p.text, ents=p.entities, log=QueryLog()
        )
        return HANDLERS["lookup"](ctx, p)

    actual = answer(replace(plan, follow_up=replace(follow, measure=None)))
    assert actual.status == "answered" and str(actual.value) == "0.00"
    budget = answer(plan)
    assert budget.status == "answered" and str(budget.value) == "1.93" and budget.citations
