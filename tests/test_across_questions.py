"""Questions across reports (issues #12/#13): rankings, totals and listings over departments, on
the real reports — the reference report alone, and the Shanghai corpus beside the 平潭 pages.

A wrong figure is the worst failure: a ranking of one report's rows for "哪个部门…最多", a part
(因公出国 1.11) for the 三公 total, figures of different years or kinds put together. Each test
below was a wrong or missing answer before."""

from decimal import Decimal

import pytest

from bot import Bot, Conversation
from rules import default_rules
from tests.conftest import SHARED

PINGTAN = SHARED / "pingtan"
CORPUS = SHARED / "corpus"
needs_shared = pytest.mark.skipif(
    not (PINGTAN.is_dir() and CORPUS.is_dir()), reason="../shared/pingtan or ../shared/corpus not available"
)


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """The Shanghai corpus and the 平潭 pages: 21 reports of 2014–2026, budgets and final accounts."""
    from knowledge.ingest import ingest
    from knowledge.store import open_db

    if not (PINGTAN.is_dir() and CORPUS.is_dir()):
        pytest.skip("../shared/pingtan or ../shared/corpus not available")
    path = tmp_path_factory.mktemp("across") / "kb.db"
    db = open_db(path)
    outcomes = ingest(db, [CORPUS, PINGTAN])
    db.close()
    assert sum(o.status == "ingested" for o in outcomes) == 21, [(o.path, o.status) for o in outcomes]
    return Bot(path)


def _report_of(bot: Bot, citation) -> tuple[int, str]:
    """(year, kind) of the report a citation names."""
    rows = list(bot.db.query("SELECT year, kind FROM reports WHERE title = ?", [citation.report]))
    assert len(rows) == 1, citation.report
    return rows[0]["year"], rows[0]["kind"]


# --- the reference report alone -------------------------------------------------------------


@pytest.mark.parametrize(
    "question,plain",
    [
        ("哪个部门三公经费最多", "三公经费多少"),
        ("哪个单位办公费最少", "办公费花了多少"),
        ("各部门三公经费排名", "三公经费多少"),
    ],
)
def test_one_report_loaded_ranks_no_rows(bot, question, plain):
    # it answered 其他政府办公厅(室)及相关机构事务支出 552.59 — a row of the 支出决算表, no department
    a = bot.ask(question)
    own = bot.ask(plain)
    assert a.status == "answered" and a.intent == "only_one_department", a.text
    assert (a.value, a.unit) == (own.value, own.unit), a.text
    assert len(a.citations) == 1 and a.citations[0].report == own.citations[0].report
    assert "552.59" not in a.text and "12345" in a.text


def test_one_report_count_is_cited_as_the_report_list(bot):
    a = bot.ask("一共有几份报告")
    assert (a.status, a.value, a.unit) == ("answered", Decimal(1), default_rules().templates["unit_reports"])
    source = default_rules().templates["kb_report_list"]
    assert a.citations and a.citations[0].report == source and source in a.text


# --- the corpus and the 平潭 pages ------------------------------------------------------------


@needs_shared
def test_count_of_reports_is_cited(many):
    a = many.ask("一共有几份报告")
    assert (a.value, a.unit) == (Decimal(21), default_rules().templates["unit_reports"])
    assert a.citations[0].report == default_rules().templates["kb_report_list"]


@needs_shared
def test_bureaus_ranked_within_one_year_and_kind(many):
    # it asked which report; 排名 ranks the 局 of the latest year's final accounts, never mixed
    a = many.ask("各局三公经费排名")
    assert a.status == "answered" and a.value == Decimal("16.95"), a.text
    assert len(a.citations) == 2
    assert {_report_of(many, c) for c in a.citations} == {(2025, "决算")}


@needs_shared
def test_region_named_ranks_that_regions_departments(many):
    # 普陀区 names where; it asked which of the 21 reports
    a = many.ask("普陀区各部门三公经费排名")
    assert a.status == "answered" and a.value == Decimal("37.35"), a.text
    assert len(a.citations) == 4 and all("普陀区" in c.report for c in a.citations)
    # 平潭 ranked the Shanghai reports (石泉路 37.35); now only 平潭's, whose years differ: asked back
    a = many.ask("平潭哪个部门三公经费最多")
    assert a.status == "clarify" and a.value is None, a.text
    a = many.ask(next(s for s in a.suggestions if s.startswith("2014年决算")))
    assert a.status == "answered" and a.value == Decimal("60.16"), a.text
    assert len(a.citations) == 5 and not any("上海" in c.report for c in a.citations)


@needs_shared
def test_kinds_of_one_year_are_not_ranked_together(many):
    # 2016: one final account (潭城镇) beside three budgets — no "ranking" of one, nor mixed kinds
    a = many.ask("2016年哪个部门三公经费最多")
    assert a.status == "clarify" and a.value is None
    budgets = next(s for s in a.suggestions if "预算" in s)
    a = many.ask(budgets)
    assert a.status == "answered" and a.value == Decimal("30"), a.text
    assert {_report_of(many, c) for c in a.citations} == {(2016, "预算")}


@needs_shared
def test_one_department_of_the_year_asked(many):
    # 2015 holds one report (县政协): its figure, not a ranking of its rows ("没有可以比较的分项数字")
    a = many.ask("2015年哪个部门三公经费最多")
    assert a.status == "answered" and a.value == Decimal("21.08"), a.text
    assert a.intent == "only_one_department" and len(a.citations) == 1


@needs_shared
def test_ranking_after_a_department_talked_about(many):
    # it ranked the 生态环境局's own rows: 生态环境监测与信息 1493.39 as "the most 三公经费"
    conv = Conversation()
    assert many.ask("生态局三公经费", conv).value == Decimal("16.95")
    a = many.ask("哪个部门三公经费最多", conv)
    assert a.status == "answered" and a.value == Decimal("37.35"), a.text
    assert len(a.citations) == 4 and "1493.39" not in a.text


@needs_shared
def test_list_words_before_a_departments_figure(many):
    # it listed the budget reports; the question asks 北厝镇's 公务接待费 budget
    a = many.ask("有哪些预算报告北厝镇公务接待费预算")
    own = many.ask("北厝镇公务接待费预算")
    assert a.status == "answered" and a.intent != "list_reports", a.text
    assert (a.value, a.unit) == (own.value, own.unit) == (Decimal("5"), "万元")
    assert a.citations and a.citations[0].line == own.citations[0].line


TAKEN_2014 = ["行政服务中心", "白青乡", "防护林场", "检察院", "交通与建设局"]


@needs_shared
@pytest.mark.parametrize("question", ["2014年所有部门三公经费一共多少", "2014年各部门三公经费合计"])
def test_total_of_the_years_departments(many, question):
    # it failed (所有 left over), then summed 因公出国 1.11 for 行政服务中心's 三公 total
    each = [many.ask(f"{d}2014年三公经费") for d in TAKEN_2014]
    assert all(x.status == "answered" for x in each)
    a = many.ask(question)
    assert a.status == "answered" and a.intent == "sum_departments", a.text
    assert a.value == sum(x.value for x in each) == Decimal("100.95")
    assert len(a.citations) == 5 and {_report_of(many, c) for c in a.citations} == {(2014, "决算")}
    assert "1.11" not in a.text


@needs_shared
def test_total_over_kinds_asks_which(many):
    a = many.ask("2025年所有部门三公经费合计")  # four final accounts and a budget
    assert a.status == "clarify" and a.value is None
    assert len(a.suggestions) == 2 and any("2025年决算" in s for s in a.suggestions)
    a = many.ask(next(s for s in a.suggestions if "2025年决算" in s))
    assert a.value == Decimal("3.04") + Decimal("16.95") + Decimal("37.35") + Decimal("19.86"), a.text
    assert {_report_of(many, c) for c in a.citations} == {(2025, "决算")} and len(a.citations) == 4
    a = many.ask("所有部门三公经费合计")  # years and kinds: asked back, never added
    assert a.status == "clarify" and a.value is None and len(a.suggestions) >= 5


@needs_shared
def test_total_names_the_reports_left_out(many):
    # 2016 budgets: 北厝镇 30 and 招商局 7.60; 中楼乡 states none — named, never counted as 0
    a = many.ask("2016年预算所有部门三公经费一共多少")
    assert a.status == "answered" and a.value == Decimal("37.60"), a.text
    assert len(a.citations) == 2 and "中楼乡" in a.text


@needs_shared
def test_each_department_listed_of_one_basis(many):
    # it asked which report
    a = many.ask("2014年各部门三公经费")
    assert a.status == "answered" and a.value is None and len(a.citations) == 5, a.text
    assert "7.03" in a.text and "60.16" in a.text and "1.11" not in a.text


@needs_shared
@pytest.mark.parametrize(
    "question,value",
    [
        ("行政服务中心全部三公经费", "7.03"),  # 全部 left over: the 因公出国 part 1.11
        ("行政服务中心三公经费总体", "7.03"),  # 公共预算财政拨款支出 read as a budget: 1.11
        ("防护林场三公经费总体", "6.60"),  # no answer
        ("交通与建设局三公经费总体", "22.98"),  # no answer
    ],
)
def test_three_public_total_not_its_part(many, question, value):
    a = many.ask(question)
    assert a.status == "answered" and a.value == Decimal(value), a.text


@needs_shared
def test_ranking_with_all_said_ranks_the_totals(many):
    # 所有 left over: 行政服务中心 ranked by 1.11, two reports "without the figure"
    a = many.ask("2014年所有部门三公经费最多")
    assert a.status == "answered" and a.value == Decimal("60.16"), a.text
    assert len(a.citations) == 5 and "1.11" not in a.text


@needs_shared
@pytest.mark.parametrize("question", ["哪个部门三公经费预算最多", "预算报告中哪个部门三公经费最多"])
def test_budgets_of_several_years_are_not_ranked_together(many, question):
    # it ranked 北厝镇 2016 30.00 above 万里街道 2023 and 司法局 2026: four years in one ranking
    a = many.ask(question)
    assert a.status == "clarify" and a.value is None, a.text
    a = many.ask(next(s for s in a.suggestions if s.startswith("2016年预算")))
    assert a.value == Decimal("30") and {_report_of(many, c) for c in a.citations} == {(2016, "预算")}


@needs_shared
def test_table_declared_empty_is_zero_beside_another_department(many):
    # "社工部三公经费" is 0 (本表无数据); beside 规资局 it was "没有找到", and left out of the ranking
    a = many.ask("规资局和社工部三公经费哪个多")
    assert a.status == "answered" and a.value == Decimal("0.39") and len(a.citations) == 2, a.text
    a = many.ask("2024年哪个部门三公经费最多")
    assert a.value == Decimal("0.39") and len(a.citations) == 3, a.text  # 规资局, 财政局, 社工部 (决算)


@needs_shared
@pytest.mark.parametrize(
    "question", ["林场和行政服务中心三公经费哪个多", "行政服务中心和林场三公经费一共多少"]
)
def test_second_department_not_read_is_said(many, question):
    # 林场 names no loaded department: it answered 行政服务中心's 7.03 alone as "which is more"
    a = many.ask(question)
    assert a.status == "no_answer" and a.value is None and "林场" in a.text, a.text


@needs_shared
def test_which_departments_most_is_a_ranking_not_the_list(many):
    # "哪些部门" is a word of the report list: it answered "知识库里有 21 份报告"
    a = many.ask("哪些部门三公经费最多")
    assert a.status == "answered" and a.intent == "rank_reports" and a.value == Decimal("37.35"), a.text
    assert many.ask("哪些部门有三公经费").intent == "list_reports"  # no ranking asked: the list


@needs_shared
def test_region_not_loaded_is_declined(many):
    # it ranked 普陀区's departments for 黄浦区
    a = many.ask("黄浦区哪个部门三公经费最多")
    assert a.status == "no_answer" and a.value is None and "黄浦区" in a.text, a.text


@needs_shared
def test_each_department_of_a_kind_and_year_with_one_report(many):
    # 2025's one budget (财政局): it answered 0.95 as if for "各部门"; now it says it is the only one
    a = many.ask("2025年各部门三公经费预算")
    assert a.intent == "only_one_department" and a.value == Decimal("0.95"), a.text
    assert {_report_of(many, c) for c in a.citations} == {(2025, "预算")}


@needs_shared
def test_a_kind_of_department_summed_or_listed_within_one_basis(many):
    # 街道: 石泉路 and 宜川路 2025 决算, 万里 2023 预算 — listed side by side, summed not at all
    a = many.ask("所有街道三公经费合计")
    assert a.status == "clarify" and a.value is None, a.text
    a = many.ask("2025年所有街道三公经费合计")
    assert a.value == Decimal("37.35") + Decimal("19.86") and len(a.citations) == 2, a.text
    a = many.ask("各街道三公经费")
    assert a.status == "answered" and len(a.citations) == 2, a.text
    assert {_report_of(many, c) for c in a.citations} == {(2025, "决算")}
    # 乡镇 of 2014 and 2016, budgets and final accounts: asked back ("中楼乡…没有找到" before)
    a = many.ask("平潭所有乡镇三公经费合计")
    assert a.status == "clarify" and a.value is None, a.text


@needs_shared
def test_year_and_kind_answered_after_being_asked(many):
    # the year and kind asked back stay pending (as "which report?" did): "2016年预算" answers it
    conv = Conversation()
    assert many.ask("2016年哪个部门三公经费最多", conv).status == "clarify"
    a = many.ask("2016年预算", conv)
    assert a.status == "answered" and a.value == Decimal("30"), a.text
    assert {_report_of(many, c) for c in a.citations} == {(2016, "预算")}


@needs_shared
@pytest.mark.parametrize("question", ["哪个部门三公经费增长最多", "哪个部门三公经费下降得最多"])
def test_a_change_is_not_ranked_as_the_figure(many, question):
    # it answered the largest 三公经费 (石泉路 37.35) for the largest growth
    a = many.ask(question)
    assert a.status != "answered" and a.value is None, a.text


@needs_shared
@pytest.mark.parametrize(
    "question,value", [("2015年各部门三公经费合计", "21.08"), ("2026年所有部门三公经费一共多少", "10.81")]
)
def test_total_over_one_departments_report(many, question, value):
    # one report of the year: "请直接问…" with no figure; now that department's figure, said alone
    a = many.ask(question)
    assert a.intent == "only_one_department" and a.value == Decimal(value) and len(a.citations) == 1, a.text


@needs_shared
@pytest.mark.parametrize("question", ["一共有几份报告有三公经费", "哪些报告有三公经费"])
def test_reports_of_a_subject_are_not_counted_as_every_report(many, question):
    # it answered "知识库里有 21 份报告" — the count of every report, as the count of those with 三公经费
    a = many.ask(question)
    assert a.status == "clarify" and a.value is None, a.text
    a = many.ask(a.suggestions[0])
    assert a.status == "answered" and len(a.citations) >= 2, a.text
    assert many.ask("有哪些2024年的决算报告").value == 3  # the list itself still counts (no 12345 here)


@needs_shared
@pytest.mark.parametrize(
    "question",
    ["哪个部门上年三公经费最多", "2025年决算所有部门上年三公经费合计", "生态局和文旅局上年三公经费一共多少"],
)
def test_previous_year_is_not_this_years_figures(many, question):
    # it ranked and added each report's own-year figures (石泉路 37.35, 77.20, 19.99) for 上年
    a = many.ask(question)
    assert a.status != "answered" and a.value is None, a.text


@needs_shared
def test_budget_column_of_final_accounts_ranked_when_asked(many):
    # 决算报告 names the reports, 年初预算 the column: it ranked the 决算数 (石泉路 37.35)
    a = many.ask("2025年决算报告中哪个部门三公经费年初预算最多")
    b = many.ask("2025年哪个部门三公经费预算数最多")
    assert a.status == "answered" and a.value == b.value == Decimal("53.93"), a.text
    assert all(c.column.startswith("预算数") for c in a.citations)


@needs_shared
@pytest.mark.parametrize(
    "question",
    [
        "2025年决算哪个部门三公经费执行率最高",
        "哪个部门公务接待费占三公经费比例最高",
        "哪个部门人均三公经费最多",
    ],
)
def test_a_rate_share_or_average_is_not_ranked_as_the_figure(many, question):
    # each ranked the plain figures (37.35, 0.40) as the answer to a rate, a share, 人均
    a = many.ask(question)
    assert a.status != "answered" and a.value is None, a.text
