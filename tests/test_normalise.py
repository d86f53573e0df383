"""The normalise stage on its own: any string in, one canonical question out, never an error."""

from __future__ import annotations

import time

import pytest

from bot.normalise import MAX_QUESTION, encodable, normalise


@pytest.mark.parametrize(
    "raw,text",
    [
        ("辦公費花了多少錢？", "办公费花了多少钱"),  # traditional → simplified, end punctuation
        ("二〇二四年的“三公”经费", "2024年的三公经费"),  # a year in numerals; 三公 stays a name
        ("一点九三万元是什么", "1.93万元是什么"),
        ("ＳＥＬＥＣＴ　１２３", "SELECT 123"),  # full-width → half-width
    ],
)
def test_canonical_form(raw, text):
    assert normalise(raw) == text


def test_lone_surrogates_are_cleaned_and_pairs_joined():
    assert encodable("办公费\ud800多少") == "办公费 多少"
    assert encodable("\ud83d\ude00") == "😀"
    assert normalise("办公费\udc00多少") == "办公费多少"


def test_length_is_capped_and_cost_linear():
    t = time.perf_counter()
    out = normalise("三" * 200_000)
    assert len(out) <= MAX_QUESTION and time.perf_counter() - t < 1.0
