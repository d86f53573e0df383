"""The intent stage on its own: entities in, the first routing row of intents.yaml that applies out."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from bot.catalog import Catalog
from bot.entities import Entities, Match
from bot.handlers import check_handlers
from bot.intent import choose_intent
from rules import RULES_DIR, Route, RulesError, default_rules, load_rules

CATALOG = Catalog(
    reports=[],
    aliases={},
    codes={},
    terms={"项目支出"},
    indicators={"接通率"},
    projects={"热线运营"},
    subjects=set(),
)


def subject(name: str) -> Entities:
    return Entities(subjects=[Match(name, name, 0, len(name), 100.0, "exact")])


@pytest.mark.parametrize(
    "text,ents,intent",
    [
        ("你好", Entities(), "greeting"),
        ("项目支出是干什么的", subject("项目支出"), "definition"),  # a term, not the duties
        ("你们中心是干什么的", Entities(), "duties"),
        ("什么是基本支出", Entities(), "definition"),
        ("基本支出是什么，多少", subject("基本支出"), "lookup"),  # an amount is asked
        ("接通率", subject("接通率"), "performance"),
        ("热线运营执行率", subject("热线运营"), "performance"),
        ("办公费", subject("办公费"), "lookup"),
        ("今天天气", Entities(), "out_of_scope"),
        ("随便问问", Entities(), "lookup"),
    ],
)
def test_routing_in_the_yaml_order(text, ents, intent):
    assert choose_intent(text, ents, CATALOG, default_rules()) == intent


def test_the_yaml_order_decides():
    """Swapping two rows of the routing changes the answer: the order lives in data."""
    rules = default_rules()
    text = "为什么是干什么的"  # reason words and duties words
    assert choose_intent(text, Entities(), CATALOG, rules) == "reason"
    swapped = replace(rules, routing=(Route("duties", words=True), *rules.routing))
    assert choose_intent(text, Entities(), CATALOG, swapped) == "duties"


def test_an_unknown_condition_or_intent_is_named(tmp_path):
    d = tmp_path / "zh"
    shutil.copytree(RULES_DIR, d)
    p = d / "intents.yaml"
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("when: names_subject", "when: no_such_condition"), encoding="utf-8")
    with pytest.raises(RulesError, match=r"intents\.yaml: routing\[\d+\]: .*no_such_condition"):
        check_handlers(load_rules(d))
    p.write_text(
        text.replace("  contact:\n", "  weather:\n    words: [天气预报]\n  contact:\n"), encoding="utf-8"
    )
    with pytest.raises(RulesError, match=r"intents\.yaml: intents\.weather: .*no handler"):
        check_handlers(load_rules(d))
