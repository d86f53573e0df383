"""A long-lived Bot sees the knowledge base change under it: re-ingested and added reports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot import Bot
from knowledge.ingest import ingest_file
from knowledge.store import open_db
from tests.conftest import REFERENCE, SHARED

ECOLOGY = SHARED / "corpus" / "shanghai-putuo-ecology-environment-bureau-2025-final.pages.json"


def test_replaced_and_added_reports_are_answered_without_a_restart(kb, tmp_path):
    bot = Bot(kb)
    first = bot.ask("办公费花了多少")
    assert first.value == Decimal("9.37")
    # re-ingest the reference report with one more blank line at the top: it replaces the old
    # one, every row in new places, every line number one further down
    changed = tmp_path / REFERENCE.name
    title, rest = REFERENCE.read_text(encoding="utf-8").split("\n", 1)
    changed.write_text(title + "\n\n" + rest, encoding="utf-8")
    other = open_db(kb)
    outcome = ingest_file(other, str(changed))
    assert outcome.status == "replaced", outcome
    again = bot.ask("办公费花了多少")
    assert (again.value, again.report_id) == (Decimal("9.37"), outcome.report_id)
    assert again.citations[0].line == first.citations[0].line + 1
    if ECOLOGY.exists():
        added = ingest_file(other, str(ECOLOGY))
        assert added.status == "ingested", added
        a = bot.ask("生态环境局2025年三公经费")
        assert (a.status, a.value, a.report_id) == ("answered", Decimal("16.95"), added.report_id)
        assert len(bot.reports()) == 2
    other.conn.close()


def test_nothing_changed_keeps_the_catalog(bot):
    catalog = bot.catalog
    bot.ask("三公经费多少")
    assert bot.refresh() is False and bot.catalog is catalog


@pytest.mark.parametrize("question", ["办公费\ud800多少", "\udc00", "\ud83d\ude00三公经费多少"])
def test_lone_surrogates_are_cleaned_before_opencc(bot, question):
    a = bot.ask(question, explain=True)
    assert a.intent != "error", a.trace
    a.as_dict()
    assert "\ud800" not in a.question
