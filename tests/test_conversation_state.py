"""A conversation survives a trip through JSON, so a stateless front end can carry it between requests."""

from __future__ import annotations

import json

import pytest

from bot import Conversation


def test_follow_up_answers_the_same_after_a_json_round_trip(bot):
    direct = Conversation()
    bot.ask("三公经费多少", direct)
    carried = Conversation.from_dict(json.loads(json.dumps(Conversation().to_dict())))
    bot.ask("三公经费多少", carried)
    carried = Conversation.from_dict(json.loads(json.dumps(carried.to_dict())))
    a, b = bot.ask("预算呢", direct), bot.ask("预算呢", carried)
    assert a.status == "answered" and a.value is not None
    assert (b.status, b.value, b.unit) == (a.status, a.value, a.unit)


@pytest.mark.parametrize(
    "bad",
    [[], {"subjects": "办公费"}, {"report_id": "3"}, {"pending": 1}, {"history": [["only one"]]}, {"measure": 5}],
)
def test_malformed_state_is_refused(bad):
    with pytest.raises(ValueError):
        Conversation.from_dict(bad)
