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
