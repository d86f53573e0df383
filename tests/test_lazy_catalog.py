"""The bot's catalog read lazily (bot/catalog.py ReportList, knowledge/catalog.py catalog_regions).

A bot on a knowledge base with the persisted catalog reads a report's row only when a question
names it; these tests check that it does not read every row for such a question, and that its
answers are the ones of a bot holding every report in memory (the catalog as it was built before).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import sys

import pytest

from bot import Bot
from bot.catalog import ReportList
from knowledge.ingest import ingest
from knowledge.store import delete_report, open_db
from tests.conftest import REFERENCE, ROOT, SHARED

CORPUS = sorted((SHARED / "corpus").glob("*.pages.json"))

QUESTIONS = [
    "三公经费多少",
    "生态环境局2025年三公经费",
    "生态局三公经费多少",
    "上海市普陀区生态环境局三公经费",
    "黄浦区生态环境局三公经费",
    "石泉路街道2025年一般公共预算财政拨款收入",
    "宜川路街道办事处办公费多少",
    "贵阳市12345政务服务便民热线事务中心2024年三公经费多少",
    "12345热线2024年办公费",
    "普陀区教育局三公经费多少",
    "上海市三公经费多少",
    "有哪些报告",
    "2025年哪个部门三公经费最多",
    "北京市财政局三公经费",
    "文旅局去年的三公经费",
]


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    if not CORPUS:
        pytest.skip("corpus not available")
    path = tmp_path_factory.mktemp("lazy") / "corpus.db"
    db = open_db(path)
    outcomes = ingest(db, [*CORPUS, REFERENCE])
    assert all(o.status == "ingested" for o in outcomes), outcomes
    db.close()
    return path


def eager(path) -> Bot:
    """A bot whose catalog holds every report in memory, as build_catalog did before ReportList."""
    bot = Bot(path, readonly=True)
    bot.catalog.reports = list(bot.catalog.reports)
    bot.catalog.known_regions = None
    return bot


def _said(bot: Bot, question: str) -> dict:
    d = bot.ask(question).as_dict()
    d.pop("trace", None)
    return d


def test_lazy_catalog_answers_as_the_catalog_in_memory(corpus_db):
    lazy, full = Bot(corpus_db, readonly=True), eager(corpus_db)
    assert isinstance(lazy.catalog.reports, ReportList)
    assert lazy.catalog.regions() == {r.region for r in full.catalog.reports if r.region}
    for q in QUESTIONS:
        assert _said(lazy, q) == _said(full, q), q


def test_report_list_reads_as_a_list(corpus_db):
    db = open_db(corpus_db, readonly=True)
    from bot.catalog import build_catalog
    from rules import default_rules

    lazy = build_catalog(db, default_rules()).reports
    assert isinstance(lazy, ReportList)
    rows = list(build_catalog(db, default_rules()).reports)
    fresh = build_catalog(db, default_rules()).reports
    assert len(fresh) == len(rows) == 5 and bool(fresh)
    for cut in (slice(None, 2), slice(1, 3), slice(3, None), slice(2, 2), slice(4, 99), slice(0, 20)):
        assert [r.id for r in fresh[cut]] == [r.id for r in rows[cut]], cut
    assert fresh[0].id == rows[0].id and fresh[-1].id == rows[-1].id
    assert fresh.get(rows[2].id) is fresh.get(rows[2].id)  # one object per report
    assert fresh.get(10_000) is None and fresh.many([rows[1].id, 10_000, rows[0].id]) == rows[:2]
    with pytest.raises(IndexError):
        build_catalog(db, default_rules()).reports[5]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, built_db):
    """200 synthetic reports (benchmarks/synth.py: the reference report copied in SQL)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    path = tmp_path_factory.mktemp("synth") / "kb-200.db"
    synth.build(path, 200, built_db)
    return path


def test_a_named_department_reads_only_its_reports(synthetic):
    bot = Bot(synthetic, readonly=True)
    reports = bot.catalog.reports
    assert isinstance(reports, ReportList)
    a = bot.ask("贵阳市12345政务服务便民热线事务中心2024年三公经费多少")
    assert a.status == "answered" and a.report_id == 1, a.text
    b = bot.ask("贵阳市第一二三政务服务中心2018年办公费多少")
    assert b.status == "answered" and b.report_id == 124, b.text
    assert reports._all is None and len(reports._by_id) <= 3  # never every row
    # a question that names no department still sees every report, and answers as before
    full = eager(synthetic)
    for q in ("三公经费多少", "2020年哪个部门办公费最多", "第一二三中心办公费"):
        assert _said(bot, q) == _said(full, q), q


def test_regions_are_counted_at_ingest_and_migrated(corpus_db, tmp_path):
    path = tmp_path / "kb.db"
    shutil.copy(corpus_db, path)
    db = open_db(path)
    counted = dict(db.execute("SELECT region, reports FROM catalog_regions").fetchall())
    assert counted == dict(
        db.execute("SELECT region, COUNT(*) FROM reports WHERE region != '' GROUP BY region").fetchall()
    )
    assert counted["上海市普陀区"] == 4
    (rid,) = db.execute("SELECT id FROM reports WHERE region = '贵阳市'").fetchone()
    with db.atomic():
        delete_report(db, rid)
    assert dict(db.execute("SELECT region, reports FROM catalog_regions").fetchall()) == {"上海市普陀区": 4}
    db.close()
    con = sqlite3.connect(path)
    con.execute("DROP TABLE catalog_regions")  # a knowledge base from before the table
    con.commit()
    con.close()
    assert Bot(path, readonly=True).catalog.regions() == {"上海市普陀区"}  # read from the reports
    db = open_db(path)  # opened writable once: the table is added and filled
    assert db.execute("SELECT region, reports FROM catalog_regions").fetchall() == [("上海市普陀区", 4)]


def test_a_named_department_scans_no_table_of_every_report(synthetic):
    """Every statement a named-department question runs is an indexed lookup: none walks the
    reports or the aliases (EXPLAIN QUERY PLAN of what SQLite was actually given)."""
    bot = Bot(synthetic, readonly=True)
    bot.ask("贵阳市12345政务服务便民热线事务中心2024年办公费多少")  # words loaded, caches warm
    ran: list[str] = []
    bot.db.conn.set_trace_callback(ran.append)
    for q in ("贵阳市12345政务服务便民热线事务中心2024年三公经费多少", "贵阳市第一二三政务服务中心2018年办公费多少"):
        assert bot.ask(q).status == "answered", q
    bot.db.conn.set_trace_callback(None)
    selects = [s for s in ran if s.lstrip().upper().startswith("SELECT")]
    assert any("catalog_aliases" in s for s in selects) and any("FROM reports" in s for s in selects)
    walks = [
        (s, detail)
        for s in selects
        for *_, detail in bot.db.conn.execute("EXPLAIN QUERY PLAN " + s).fetchall()
        if re.match(r"SCAN (reports|catalog_aliases|catalog_regions)\b", detail)
        and not re.fullmatch(r"SELECT 1 FROM reports LIMIT 1", s.strip())  # "is it empty?": one row
    ]
    assert walks == [], walks


def test_merged_knowledge_base_counts_its_regions(corpus_db, built_db, tmp_path):
    from knowledge.merge import merge

    shanghai = tmp_path / "shanghai.db"
    shutil.copy(corpus_db, shanghai)
    db = open_db(shanghai)
    (rid,) = db.execute("SELECT id FROM reports WHERE region = '贵阳市'").fetchone()
    with db.atomic():
        delete_report(db, rid)
    db.close()
    merge([shanghai, built_db], tmp_path / "all.db")
    db = open_db(tmp_path / "all.db", readonly=True)
    assert dict(db.execute("SELECT region, reports FROM catalog_regions").fetchall()) == {
        "上海市普陀区": 4,
        "贵阳市": 1,
    }
