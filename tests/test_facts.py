"""The cross-report index (knowledge/facts.py) and the persisted catalog (knowledge/catalog.py),
on the real page-text reports of the corpus."""

from __future__ import annotations

import shutil
import sqlite3
from decimal import Decimal

import pytest

from knowledge import catalog, facts
from knowledge.ingest import ingest, ingest_file
from knowledge.store import open_db
from tests.conftest import REFERENCE, SHARED

CORPUS = sorted((SHARED / "corpus").glob("*.pages.json"))


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    if not CORPUS:
        pytest.skip("corpus not available")
    path = tmp_path_factory.mktemp("facts") / "corpus.db"
    db = open_db(path)
    outcomes = ingest(db, [*CORPUS, REFERENCE])
    assert all(o.status == "ingested" for o in outcomes), outcomes
    db.close()
    return path


def test_ranking_across_reports_is_exact_and_cited(corpus_db):
    db = open_db(corpus_db, readonly=True)
    ranked = facts.rank(db, "三公经费", "决算数", year=2025, kind="决算")
    assert [(f.department, f.value, f.unit) for f in ranked] == [
        ("上海市普陀区人民政府石泉路街道办事处", Decimal("37.35"), "万元"),
        ("上海市普陀区人民政府宜川路街道办事处", Decimal("19.86"), "万元"),
        ("上海市普陀区生态环境局", Decimal("16.95"), "万元"),
        ("上海市普陀区文化和旅游局", Decimal("3.04"), "万元"),
    ]
    top = ranked[0]
    assert top.amount == 37_350_000 and top.base_unit == "元"  # 37.35 万元 in 分
    assert "三公" in top.table_label and top.column_name == "决算数·合计" and "37.35" in top.quote
    assert top.page is not None and top.line is not None
    smallest = facts.rank(db, "三公经费", "决算数", year=2025, smallest=True, limit=1)
    assert smallest[0].value == Decimal("3.04")
    # another year holds no such figure: nothing is mixed in
    assert facts.rank(db, "三公经费", "决算数", year=2023) == []


def test_one_figure_per_report_and_code_chooses_the_table(corpus_db):
    db = open_db(corpus_db, readonly=True)
    first = facts.rank(db, "公务接待费", "决算数", year=2025)
    assert len({f.report_id for f in first}) == len(first) == 4
    sangong = facts.rank(db, "公务接待费", "决算数", year=2025, code="")
    assert all("三公" in f.table_label for f in sangong)
    yichuan = [f for f in sangong if "宜川路" in f.department]
    assert yichuan[0].value == Decimal("0.30")


def test_values_and_total(corpus_db):
    db = open_db(corpus_db, readonly=True)
    ids = [r[0] for r in db.execute("SELECT id FROM reports WHERE year = 2025 ORDER BY id").fetchall()]
    vals = facts.values(db, "三公经费", "决算数", ids)
    assert [f.report_id for f in vals] == ids
    s, n = facts.total(db, "三公经费", "决算数", 2025, "决算")
    assert n == 4 and s == sum(f.value for f in vals) * 10000  # in 元, exact
    assert s == Decimal("772000")


def test_amounts_exact_or_absent():
    assert facts.amount_of(Decimal("672.13"), "万元") == (672_130_000, "元")  # 6 721 300 元 in 分
    assert facts.amount_of(Decimal("9.74"), "元") == (974, "元")
    assert facts.amount_of(Decimal("1.005"), "元") == (None, "元")  # never rounded
    assert facts.amount_of(Decimal("12"), "人") == (1200, "人")
    assert facts.cell_amount(Decimal("0.125")) is None and facts.cell_amount(Decimal("-3.5")) == -350


def test_cells_sort_numerically(corpus_db):
    db = open_db(corpus_db, readonly=True)
    rows = db.execute(
        "SELECT value, amount FROM cells WHERE amount IS NOT NULL ORDER BY amount DESC LIMIT 50"
    ).fetchall()
    assert [Decimal(v) for v, _ in rows] == sorted((Decimal(v) for v, _ in rows), reverse=True)
    assert all(Decimal(v) * 100 == a for v, a in rows)


def test_replacing_and_migrating_keep_index_and_catalog_consistent(corpus_db, tmp_path):
    path = tmp_path / "kb.db"
    shutil.copy(corpus_db, path)
    db = open_db(path)
    before = set(db.execute("SELECT report_id, subject, code, measure, value, first FROM facts").fetchall())
    words = set(db.execute("SELECT kind, word, code, reports FROM catalog_words").fetchall())
    aliases = set(db.execute("SELECT alias, report_id FROM catalog_aliases").fetchall())
    # a new version of the reference report replaces the old one: its facts and aliases go with it
    changed = tmp_path / "ref.md"
    changed.write_text(REFERENCE.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (old_id,) = db.execute("SELECT id FROM reports WHERE department LIKE '贵阳市%'").fetchone()
    assert ingest_file(db, str(changed)).status == "replaced"
    (new_id,) = db.execute("SELECT id FROM reports WHERE department LIKE '贵阳市%'").fetchone()
    renumber = {old_id: new_id}
    replaced = db.execute("SELECT report_id, subject, code, measure, value, first FROM facts").fetchall()
    assert len(replaced) == len(before)  # the old version's rows are gone, not doubled
    assert set(replaced) == {(renumber.get(r[0], r[0]), *r[1:]) for r in before}
    assert set(db.execute("SELECT alias, report_id FROM catalog_aliases").fetchall()) == {
        (a, renumber.get(r, r)) for a, r in aliases
    }
    assert set(db.execute("SELECT kind, word, code, reports FROM catalog_words").fetchall()) == words
    db.close()

    # an old knowledge base (no index, no catalog, FTS declared in single quotes) is migrated on open
    con = sqlite3.connect(path)
    con.executescript(
        """
        DROP TABLE facts; DROP TABLE catalog_words; DROP TABLE catalog_aliases; DROP TABLE sentences_search;
        DROP TABLE sentences_fts; ALTER TABLE cells DROP COLUMN amount; ALTER TABLE sentences DROP COLUMN search_text;
        CREATE VIRTUAL TABLE sentences_fts USING fts5(tokens, content='sentences', content_rowid='id');
        INSERT INTO sentences_fts (sentences_fts) VALUES ('rebuild');
        PRAGMA user_version = 1;
        """
    )
    con.close()
    db = open_db(path)
    after = set(db.execute("SELECT report_id, subject, code, measure, value, first FROM facts").fetchall())
    assert after == {(renumber.get(r[0], r[0]), *r[1:]) for r in before}
    assert set(db.execute("SELECT kind, word, code, reports FROM catalog_words").fetchall()) == words
    assert set(db.execute("SELECT alias, report_id FROM catalog_aliases").fetchall()) == {
        (a, renumber.get(r, r)) for a, r in aliases
    }
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'sentences_fts'").fetchone()
    assert 'content="sentences"' in sql
    n = db.execute("SELECT COUNT(*) FROM sentences_fts WHERE sentences_fts MATCH ?", ['"采购"']).fetchone()[0]
    assert n >= 1
    assert db.execute("SELECT COUNT(*) FROM cells WHERE amount IS NOT NULL").fetchone()[0] > 1000
    assert db.execute("PRAGMA user_version").fetchone()[0] >= 2


def test_catalog_loads_without_the_data_tables(corpus_db):
    db = open_db(corpus_db, readonly=True)
    c = catalog.load(db)
    assert len(c.reports) == 5
    distinct = set(
        db.execute("SELECT DISTINCT name, COALESCE(code, '') FROM table_rows WHERE name != ''").fetchall()
    )
    assert set(c.names) == distinct
    assert c.terms == {r[0] for r in db.execute("SELECT DISTINCT term FROM terms").fetchall()}
    shiquan = next(r.id for r in c.reports if "石泉路" in r.department)
    assert shiquan in c.department_aliases["石泉路街道"]
    assert c.department_aliases["12345"] == tuple(r.id for r in c.reports if "12345" in r.department)
    named = catalog.departments_named(db, "石泉路街道2025年三公经费多少")
    assert named[0] == ("石泉路街道", 0, shiquan)
    assert catalog.departments_named(db, "x" * 100_000) == []  # bounded


RANKINGS = [
    "2025年哪个部门三公经费最多",
    "2025年哪个部门一般公共服务支出最多",
    "2025年哪个部门本年支出合计最多",
    "2025年哪个部门办公费最少",
    "2025年哪个部门基本支出最多",
]


def test_ranking_from_the_index_answers_as_reading_every_report(corpus_db, monkeypatch):
    """With the index used from 2 candidates on (it is used from INDEXED_FROM = 200 in the bot),
    every ranking reads exactly as reading each report: text, figure and citations; and at least
    one of them really came from the index."""
    import bot.handlers.across as reports
    from bot import Bot

    def answers(threshold: int) -> list[tuple]:
        monkeypatch.setattr(reports, "INDEXED_FROM", threshold)
        bot = Bot(corpus_db, readonly=True)
        out = []
        for q in RANKINGS:
            a = bot.ask(q)
            out.append((a.status, a.value, a.unit, a.text, [c.as_dict() for c in a.citations]))
        return out

    used = []
    real = reports._indexed_ranking

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        used.append(result is not None)
        return result

    monkeypatch.setattr(reports, "_indexed_ranking", spy)
    indexed = answers(2)
    assert any(used), "no ranking was read from the index"
    assert indexed == answers(10**9)
    assert any(status == "answered" for status, *_ in indexed)
