"""Questions across several real reports: the reference report plus the Shanghai corpus."""

from decimal import Decimal

import pytest

from bot import Bot, Conversation
from tests.conftest import REFERENCE, SHARED

CORPUS = SHARED / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not available")


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    from knowledge.ingest import ingest
    from knowledge.store import open_db

    path = tmp_path_factory.mktemp("many") / "kb.db"
    db = open_db(path)
    outcomes = ingest(db, [REFERENCE, CORPUS])
    db.close()
    reports = [o for o in outcomes if o.status == "ingested"]
    assert len(reports) == 12, [(o.path, o.status, o.message) for o in outcomes]
    return Bot(path)


def test_unspecified_report_asks_which(many):
    a = many.ask("三公经费多少")
    assert a.status == "clarify" and a.value is None
    assert any("生态环境局" in s for s in a.suggestions)


@pytest.mark.parametrize(
    "question,value,unit",
    [
        ("生态环境局2025年三公经费", "16.95", "万元"),
        ("生态局三公经费多少", "16.95", "万元"),  # abbreviation
        ("生态局三公经费预算", "21.00", "万元"),
        ("宜川路街道一般公共预算财政拨款收入", "20218.21", "万元"),
        ("司法局2026年三公经费预算多少", "10.81", "万元"),  # a budget report's 三公 table
        ("司法局公务接待费预算", "0.83", "万元"),
        ("财政局2025年的预算", "31214205.80", "元"),  # budget total, in 元 as printed
    ],
)
def test_named_report(many, question, value, unit):
    a = many.ask(question)
    assert a.status == "answered", a.text
    assert (a.value, a.unit) == (Decimal(value), unit), a.text
    assert a.citations and a.citations[0].page


def test_declared_empty_table_is_zero(many):
    a = many.ask("社工部三公经费")
    assert a.status == "answered" and a.value == Decimal("0.00")
    assert "本表无数据" in a.citations[0].quote


def test_unknown_department_is_declined(many):
    a = many.ask("普陀区教育局三公经费多少")
    assert a.status == "no_answer" and "普陀区教育局" in a.text


def test_list_reports(many):
    a = many.ask("有哪些部门的报告")
    assert a.status == "answered" and a.value == 12 and "规划和自然资源局" in a.text


def test_rank_departments_among_final_accounts(many):
    a = many.ask("2025年哪个部门三公经费最多")
    assert a.status == "answered" and a.value == Decimal("37.35") and "石泉路" in a.text
    assert len(a.citations) >= 3


def test_compare_budget_with_final_accounts(many):
    a = many.ask("财政局2025年预算和2024年决算相比总支出变化")
    assert a.status == "answered"
    exact = Decimal("31214205.80") / 10000 - Decimal("2940.05")
    assert a.value == Decimal("181.37") and str(exact) in a.text  # shown to the 分, exact in the text
    assert len(a.citations) == 2


def test_which_report_follow_up(many):
    conv = Conversation()
    assert many.ask("三公经费多少", conv).status == "clarify"
    a = many.ask("生态环境局的", conv)
    assert a.value == Decimal("16.95")
    assert many.ask("那预算呢", conv).value == Decimal("21.00")


def test_corpus_question_set_gives_no_wrong_figure(many):
    from pathlib import Path

    from bot.evaluate import evaluate

    results = evaluate(many, str(Path(__file__).parent / "questions" / "corpus.jsonl"))
    wrong = sorted(r.id for r in results if r.outcome == "wrong")
    assert not wrong, f"wrong figures: {wrong}"
    assert sum(r.outcome == "correct" for r in results) >= 103


@pytest.mark.parametrize(
    "question,value",
    [
        ("生态环境局和文旅局2025年三公经费差多少", "13.91"),  # 16.95 − 3.04
        ("石泉路街道三公经费比宜川路多多少", "17.49"),  # 37.35 − 19.86
        ("2025年生态局、宜川路、石泉路、文旅局四家三公经费加起来多少", "77.20"),
        ("宜川路和石泉路街道2025年支出相差多少", "1278.94"),  # 20323.21 − 19044.27
    ],
)
def test_between_departments(many, question, value):
    a = many.ask(question)
    assert a.status == "answered" and a.value == Decimal(value) and a.unit == "万元", a.text
    assert len(a.citations) >= 2


def test_department_aliases_from_rules(many):
    a = many.ask("环保局2025年三公经费")  # rules/departments.yaml: 生态环境局 ← 环保局
    assert a.value == Decimal("16.95")
    a = many.ask("宜川街道的政府性基金收入")  # 宜川路街道 said short
    assert a.value == Decimal("105.00")


def test_sum_and_rank_over_every_department(many):
    a = many.ask("2025年四个决算部门机关运行经费合计多少")  # 166.45 + 185.41 + 627.04 + 816.16
    assert a.value == Decimal("1795.06") and len(a.citations) == 4
    a = many.ask("2025年哪个部门共有车辆最多")
    assert (a.value, a.unit) == (Decimal("10"), "辆") and "石泉路" in a.text


@pytest.mark.parametrize(
    "question", ["基本支出和项目支出一共多少", "基本支出一共多少", "生态局和规资局三公经费差多少"]
)
def test_figures_of_different_years_or_kinds_are_never_added(many, question):
    """Six reports of mixed years and kinds: a sum or a difference over them means nothing; ask which."""
    a = many.ask(question)
    assert a.status == "clarify" and a.value is None, a.text


def test_ranking_without_a_year_stays_within_one_year(many):
    a = many.ask("哪个部门三公经费最多")
    assert a.status == "answered" and "2025年" in a.text and "2024年决算" not in a.text, a.text


def test_which_report_offers_every_report_grouped(many):
    """三公经费多少 over the corpus: every report is offered (none cut off), grouped by department."""
    a = many.ask("三公经费多少", Conversation())
    assert a.status == "clarify"
    assert len(a.suggestions) == 12
    assert any("宜川路街道" in s for s in a.suggestions) and any("万里街道" in s for s in a.suggestions)
    firsts = [s[:4] for s in a.suggestions]
    assert all(firsts.index(x) == i or firsts[i - 1] == x for i, x in enumerate(firsts)), firsts


def test_which_year_when_only_the_year_is_missing(many):
    """One department with reports of several years: the bot asks for the year, and a year answers it."""
    conv = Conversation()
    a = many.ask("财政局三公经费多少", conv)
    assert a.status == "clarify" and "哪一年" in a.text
    assert all("财政局" in s for s in a.suggestions) and len(a.suggestions) == 2
    b = many.ask("2024年的", conv)
    assert b.status == "answered" and b.value is not None


def test_text_rounding_the_tables_yuan_is_no_disagreement(many):
    # the budget's table prints 164,978,640.00元, its 说明 16,497.86万元: the same amount rounded
    a = many.ask("万里街道2023年收入预算")
    assert (a.value, a.unit) == (Decimal("164978640.00"), "元"), a.text
    assert "不一致" not in a.text, a.text
    a = many.ask("万里街道2023年收入预算多少亿元")
    assert (a.value, a.unit) == (Decimal("1.6497864"), "亿元"), a.text


def test_change_stated_as_unchanged_is_zero(many):
    # "2026年“三公”经费预算数为10.81万元,比2025年预算持平。"
    a = many.ask("司法局2026年三公经费预算比上年增加了多少")
    assert (a.status, a.value, a.unit) == ("answered", Decimal("0"), "万元"), a.text
    assert "持平" in a.text and "10.81" in a.text, a.text
