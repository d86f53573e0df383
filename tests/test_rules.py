"""The rule files of one language folder load, and a broken one is refused naming file and key."""

from __future__ import annotations

import shutil

import pytest

from rules import RULES_DIR, RulesError, load_rules, table_layout


@pytest.fixture
def rules_copy(tmp_path):
    d = tmp_path / "zh"
    shutil.copytree(RULES_DIR, d)
    return d


def test_the_bundled_rules_load():
    r = load_rules()
    assert r.tables.answer_order[0] in r.tables.roles
    assert table_layout().roles == r.tables.roles


def test_a_bad_pattern_names_file_and_key(rules_copy):
    (rules_copy / "patterns.yaml").write_text("broken:\n  - '(unclosed'\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"patterns\.yaml: broken: .*bad regex"):
        load_rules(rules_copy)


def test_an_unknown_table_in_the_answer_order_is_named(rules_copy):
    p = rules_copy / "tables.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("[公开03表,", "[公开99表,"), encoding="utf-8")
    with pytest.raises(RulesError, match=r"tables\.yaml: answer_order: .*公开99表"):
        load_rules(rules_copy)


def test_a_word_list_of_numbers_and_mappings_is_refused(rules_copy):
    (rules_copy / "words.yaml").write_text("filler: {a: b}\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"words\.yaml: filler"):
        load_rules(rules_copy)


def test_a_missing_word_list_is_named():
    with pytest.raises(RulesError, match=r"words\.yaml: .*no_such_list"):
        load_rules().word("no_such_list")
