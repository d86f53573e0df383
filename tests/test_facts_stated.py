"""Stated facts in the cross-report index (knowledge/facts.py, ``source = 'text'``): a ranking or
a sum over many reports counts the narrative-only 平潭 reports (../shared/pingtan: 说明 pages whose
tables are separate attachments) beside the corpus's table reports, never mixing years, kinds,
收入 and 支出, or a figure a report states two ways."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from knowledge import facts
from knowledge.stated import vocabulary
from tests.conftest import REFERENCE, SHARED

PINGTAN = SHARED / "pingtan"
CORPUS = SHARED / "corpus"
pytestmark = pytest.mark.skipif(
    not (PINGTAN.is_dir() and CORPUS.is_dir()), reason="../shared/pingtan or ../shared/corpus not available"
)
D = Decimal
FINAL = facts.stated_measures("决算")
BUDGET = facts.stated_measures("预算")


@pytest.fixture(scope="module")
def kb_path(tmp_path_factory):
    from knowledge.ingest import ingest
    from knowledge.store import open_db

    path = tmp_path_factory.mktemp("stated-index") / "kb.db"
    db = open_db(path)
    outcomes = ingest(db, [REFERENCE, CORPUS, PINGTAN])
    db.close()
    assert sum(o.status == "ingested" for o in outcomes) == 22, outcomes
    return path


@pytest.fixture(scope="module")
def db(kb_path):
    from knowledge.store import open_db

    return open_db(kb_path, readonly=True)


def report_id(db, department_part: str) -> int:
    (rid,) = db.execute("SELECT id FROM reports WHERE department LIKE ?", [f"%{department_part}%"]).fetchone()
    return rid


def text_rows(db, rid: int) -> dict[tuple[str, str], tuple]:
    rows = db.execute(
        "SELECT subject, measure, year, value, unit, side, quote, table_label, sentence_id FROM facts"
        " WHERE report_id = ? AND source = 'text'",
        [rid],
    ).fetchall()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def test_measures_a_question_accepts():
    assert FINAL == ("决算",)
    assert BUDGET[0] == "预算" and "年初预算" in BUDGET
    assert facts.stated_measures("决算", budget=True) == BUDGET


def test_narrative_only_report_enters_the_index_with_its_sentence(db):
    # 行政服务中心 2014: a 批复 notice, no table at all
    rid = report_id(db, "行政服务中心")
    assert db.execute("SELECT tables_count FROM reports WHERE id = ?", [rid]).fetchone()[0] == 0
    rows = text_rows(db, rid)
    year, value, unit, side, quote, _section, sid = rows[("三公经费", "决算")]
    assert (year, value, unit, side) == (2014, "7.03", "万元", "支出")
    assert "7.03万元" in quote
    (printed,) = db.execute("SELECT text FROM sentences WHERE id = ?", [sid]).fetchone()
    assert printed == quote  # the citation is the stored sentence
    # 其中:因公出国(境)费1.11万元 — a part, under its own subject, never the total's
    assert rows[("因公出国(境)费", "决算")][1] == "1.11"
    assert rows[("基本支出", "决算")][1] == "120.46"


def test_citation_names_the_section(db):
    rid = report_id(db, "潭城镇")
    year, value, _unit, _side, quote, section, _sid = text_rows(db, rid)[("三公经费", "决算")]
    assert (year, value) == (2016, "3.58")
    assert section == "七、“三公”经费公共财政拨款支出决算情况" and "3.58万元" in quote
    (f,) = [f for f in facts.stated_values(db, "三公经费", FINAL, [rid]).values()]
    assert f.section == section and f.source == "text" and f.quote == quote


def test_only_printed_figures_of_the_reports_own_year(db):
    # 潭城镇 2016 states "比上年增加…" — stated_facts derives 2015 figures; the index holds none
    rid = report_id(db, "潭城镇")
    derived = db.execute(
        "SELECT COUNT(*) FROM stated_facts WHERE report_id = ? AND (derived != '' OR year != 2016)", [rid]
    ).fetchone()[0]
    assert derived >= 3
    years = {
        r[0] for r in db.execute("SELECT year FROM facts WHERE report_id = ? AND source = 'text'", [rid])
    }
    assert years == {2016}
    # every text row is about its report's year and kind
    assert not db.execute(
        "SELECT COUNT(*) FROM facts f JOIN reports r ON r.id = f.report_id"
        " WHERE f.source = 'text' AND (f.year != r.year OR f.kind != r.kind)"
    ).fetchone()[0]


def test_a_figure_stated_two_ways_is_not_indexed(db):
    # 中楼乡: 支出预算 2393.3万元 in one place and 2396.3万元 in another; 收入 1505 both times
    rid = report_id(db, "中楼乡")
    stated = {
        r[0]
        for r in db.execute(
            "SELECT value FROM stated_facts WHERE report_id = ? AND subject = '支出总计'", [rid]
        )
    }
    assert stated == {"2393.3", "2396.3"}
    rows = text_rows(db, rid)
    assert ("支出总计", "预算") not in rows
    assert rows[("收入总计", "预算")][1] == "1505"


def test_income_and_spending_never_feed_each_other(db):
    # 交通与建设局 states 一般公共预算财政拨款收入 42,900.24 and …支出 42,904.15, no 财政拨款收入
    rid = report_id(db, "交通与建设局")
    assert facts.stated_values(db, "财政拨款收入", FINAL, [rid]) == {}
    assert facts.stated_values(db, "财政拨款支出", FINAL, [rid]) == {}
    income = facts.stated_values(db, "一般公共预算财政拨款收入", FINAL, [rid])[rid]
    spending = facts.stated_values(db, "一般公共预算财政拨款支出", FINAL, [rid])[rid]
    assert (income.value, income.subject) == (D("42900.24"), "一般公共预算财政拨款收入")
    assert (spending.value, spending.subject) == (D("42904.15"), "一般公共预算财政拨款支出")
    # every text row carries its subject's side, as the vocabulary says
    sides = {n: s.side for n, s in vocabulary().subjects.items()}
    for subject, side in db.execute("SELECT subject, side FROM facts WHERE source = 'text'"):
        assert side == sides[subject], subject


def test_budget_and_actual_kept_apart(db):
    # the reference report: “三公”经费财政拨款支出预算为1.93万元 … 决算为0.00万元
    rid = report_id(db, "12345")
    assert facts.stated_values(db, "三公经费", FINAL, [rid])[rid].value == D("0.00")
    assert facts.stated_values(db, "三公经费", BUDGET, [rid])[rid].value == D("1.93")


def test_ranking_counts_narrative_only_reports(db):
    ranked = facts.rank_reports(db, "三公经费", "决算数", FINAL, 2014, "决算")
    assert [(f.department, f.value, f.source) for f in ranked] == [
        ("平潭综合实验区交通与建设局", D("22.98"), "text"),
        ("平潭综合实验区行政服务中心", D("7.03"), "text"),
        ("平潭国有防护林场", D("6.60"), "text"),
        ("平潭综合实验区白青乡人民政府", D("4.18"), "text"),
    ]
    smallest = facts.rank_reports(db, "三公经费", "决算数", FINAL, 2014, "决算", smallest=True, limit=1)
    assert [f.value for f in smallest] == [D("4.18")]
    assert facts.total_reports(db, "三公经费", "决算数", FINAL, 2014, "决算") == (D("407900"), 4, 4)


def test_ranking_never_mixes_years_or_kinds(db):
    budgets = facts.rank_reports(db, "三公经费", "预算数", BUDGET, 2016, "预算")
    assert [(f.department, f.value) for f in budgets] == [
        ("北厝镇", D("30")),
        ("平潭综合实验区招商局", D("7.6")),
    ]
    finals = facts.rank_reports(db, "三公经费", "决算数", FINAL, 2016, "决算")
    assert [(f.department, f.value) for f in finals] == [("平潭综合实验区潭城镇人民政府", D("3.58"))]
    assert facts.rank_reports(db, "三公经费", "决算数", FINAL, 2015, "预算") == []


def test_a_reports_table_wins_over_its_text(db):
    # the 2025 corpus reports print 三公 tables and state the same figures: each counted once, from the table
    table = facts.rank(db, "三公经费", "决算数", year=2025, kind="决算")
    both = facts.rank_reports(db, "三公经费", "决算数", FINAL, 2025, "决算")
    assert [(f.report_id, f.value, f.source) for f in both] == [
        (f.report_id, f.value, "table") for f in table
    ]
    assert len(both) == 4
    s, n, from_text = facts.total_reports(db, "三公经费", "决算数", FINAL, 2025, "决算")
    assert (n, from_text) == (4, 0) and s == sum((f.value for f in table), D(0)) * 10_000


def test_rebuild_and_migration_give_the_same_rows(kb_path, tmp_path):
    import shutil

    from knowledge import stated
    from knowledge.store import open_db

    path = tmp_path / "kb.db"
    shutil.copy(kb_path, path)
    query = "SELECT report_id, subject, measure, side, year, value, sentence_id, table_label FROM facts WHERE source = 'text'"
    db = open_db(path)
    before = sorted(db.execute(query).fetchall())
    assert len(before) > 300
    facts.rebuild(db)
    assert sorted(db.execute(query).fetchall()) == before
    stated.rebuild(db)
    after = sorted(db.execute(query).fetchall(), key=lambda r: r[:6])
    assert [r[:6] for r in after] == sorted(r[:6] for r in before)  # sentence ids stay those of the sentences
    db.close()
    # a version-3 knowledge base (stated facts, none of them in the index) gains them once, on open
    con = sqlite3.connect(path)
    con.execute("DELETE FROM facts WHERE source = 'text'")
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()
    db = open_db(path)
    assert sorted(r[:6] for r in db.execute(query).fetchall()) == sorted(r[:6] for r in before)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 4
    # a report removed takes its text rows with it
    from knowledge.store import delete_report

    rid = report_id(db, "中楼乡")
    with db.atomic():
        delete_report(db, rid)
    assert not db.execute("SELECT COUNT(*) FROM facts WHERE report_id = ?", [rid]).fetchone()[0]
    db.close()


# -- the bot's ranking over the index -------------------------------------------------------------


@pytest.mark.parametrize("indexed_from", [2, 200])
def test_bot_ranking_includes_narrative_only_reports(kb_path, monkeypatch, indexed_from):
    """From the index (INDEXED_FROM lowered: the path of a large knowledge base) and reading each
    report: the same five, the four narrative-only ones with their stated figure, not a part's."""
    import bot.handlers.across as across
    from bot import Bot

    monkeypatch.setattr(across, "INDEXED_FROM", indexed_from)
    b = Bot(kb_path)
    a = b.ask("2014年哪个部门三公经费最多")
    assert a.status == "answered" and a.value == D("60.16"), a.text
    for shown in (
        "交通与建设局2014年决算 22.98万元",
        "行政服务中心2014年决算 7.03万元",
        "平潭国有防护林场2014年决算 6.60万元",
        "白青乡人民政府2014年决算 4.18万元",
    ):
        assert shown in a.text, a.text
    assert "1.11" not in a.text  # 其中:因公出国(境)费1.11万元 is a part, not the 三公 total
    assert any("7.03万元" in (c.quote or "") for c in a.citations)
    a = b.ask("2014年哪个部门三公经费最少")
    assert a.value == D("4.18") and "七、“三公”经费公共财政拨款支出决算情况" in a.text, a.text
    a = b.ask("2016年哪个部门三公经费预算最多")
    assert a.value == D("30") and "招商局2016年预算 7.60万元" in a.text, a.text


@pytest.mark.parametrize("indexed_from", [2, 200])
def test_bot_ranking_never_answers_the_other_side(kb_path, monkeypatch, indexed_from):
    import bot.handlers.across as across
    from bot import Bot

    monkeypatch.setattr(across, "INDEXED_FROM", indexed_from)
    b = Bot(kb_path)
    for q in ("2014年哪个部门财政拨款收入最多", "2014年哪个部门财政拨款支出最多"):
        a = b.ask(q)
        # 42,900.24 is 交通与建设局's 一般公共预算财政拨款收入, 42,904.15 its 一般公共预算…支出
        assert a.value not in (D("42900.24"), D("42904.15"), D("641.78")), (q, a.text)


def test_bot_departments_compared_or_added_read_what_their_narrative_states(kb_path):
    """Two named narrative-only departments: each one's stated figure from the index, never a
    loose match of the sentence's words (其中:因公出国(境)费1.11万元 is not the 三公 total; the
    一般公共预算 part is not 财政拨款收入)."""
    from bot import Bot

    b = Bot(kb_path)
    a = b.ask("行政服务中心和交通与建设局2014年三公经费合计")
    assert a.status == "answered", a.text
    assert "行政服务中心2014年决算 7.03万元" in a.text and "交通与建设局2014年决算 22.98万元" in a.text, (
        a.text
    )
    a = b.ask("行政服务中心和白青乡2014年三公经费分别是多少")
    assert "行政服务中心2014年决算 7.03万元" in a.text and "1.11" not in a.text, a.text
    a = b.ask("行政服务中心和交通与建设局2014年财政拨款收入合计")
    assert a.status != "answered" and "42,900.24" not in a.text and "119.92" not in a.text, a.text
    a = b.ask("行政服务中心和防护林场2014年政府采购货物支出合计")
    assert a.status != "answered" and a.value is None, a.text
    # another year asked: the index holds each report's own year only, so it answers nothing of it
    a = b.ask("行政服务中心和防护林场上年三公经费")
    assert "7.03" not in a.text and "6.60" not in a.text, a.text
