"""The entities stage on its own: a catalog from the reference knowledge base, a question's text in."""

from __future__ import annotations

import time

import pytest

from bot.entities import recognise, syllables
from rules import default_rules as load


@pytest.fixture(scope="module")
def catalog(bot):
    return bot.catalog


def test_homophone_names_the_subject(catalog):
    e = recognise("办工费花了多少", catalog, load())
    assert [m.subject for m in e.subjects] == ["办公费"] and e.subjects[0].method == "pinyin"


def test_one_syllable_per_character():
    assert syllables("办工费") == ["ban", "gong", "fei"]
    assert len(syllables("三a公1")) == 4


def test_sound_matching_is_linear_in_the_question(catalog):
    rules = load()
    recognise("三三三", catalog, rules)  # build the per-catalog indexes once
    t = time.perf_counter()
    recognise("三" * 500, catalog, rules)
    recognise("天地玄黄宇宙洪荒日月盈昃" * 40, catalog, rules)
    assert time.perf_counter() - t < 1.0  # converting every window took minutes
