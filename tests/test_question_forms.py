"""Question forms people use every day (issue #12): a kind of department asked among (哪个街道),
a headcount however said, 绩效 asked about as a whole, and colloquial frames, 繁体, full-width
digits and years in Chinese numerals. Each asserts the report's own figure (value, unit,
citation) or a clarify / decline — never only that something was answered."""

from decimal import Decimal

import pytest

from bot import Bot
from tests.conftest import REFERENCE, SHARED

CORPUS = SHARED / "corpus"
PINGTAN = SHARED / "pingtan"
needs_shared = pytest.mark.skipif(
    not (CORPUS.is_dir() and PINGTAN.is_dir()), reason="../shared/corpus or ../shared/pingtan not available"
)


@pytest.fixture(scope="module")
def everything(tmp_path_factory):
    from knowledge.ingest import ingest
    from knowledge.store import open_db

    path = tmp_path_factory.mktemp("forms") / "kb.db"
    db = open_db(path)
    outcomes = ingest(db, [REFERENCE, CORPUS, PINGTAN])
    db.close()
    assert len([o for o in outcomes if o.status == "ingested"]) == 22
    return Bot(path)


def _ranked(a, names: list[str]) -> list[str]:
    """The departments a ranking lists, in its order (by the short names given)."""
    return sorted((n for n in names if n in a.text), key=a.text.index)


# ---- 1. a kind of department asked among ------------------------------------------------------


@needs_shared
@pytest.mark.parametrize(
    "q",
    [
        "2025年哪个街道三公经费最多",
        "街道里谁的三公经费最多",
        "哪些街道的三公经费最多",
        "哪个街道办事处三公经费最多",
        "2025年街道三公经费谁最多",
        "2025年哪個街道三公經費最多",
        "二〇二五年哪个街道三公经费最多",
        "所有街道里三公经费最多的",
    ],
)
def test_which_street_ranks_the_streets_only(everything, q):
    a = everything.ask(q)
    assert a.status == "answered" and a.intent == "rank_reports"
    assert (a.value, a.unit) == (Decimal("37.35"), "万元")
    assert "石泉路街道" in a.text and "宜川路街道" in a.text
    assert "生态环境局" not in a.text and "文化和旅游局" not in a.text  # not a 街道
    assert "个街道" not in a.text and "些街道" not in a.text  # the type word names no department
    assert a.citations[0].page == 24


@needs_shared
def test_which_bureau_ranks_the_bureaus_only(everything):
    a = everything.ask("哪个局三公经费最多")
    assert a.status == "answered" and (a.value, a.unit) == (Decimal("16.95"), "万元")
    assert _ranked(a, ["生态环境局", "文化和旅游局"]) == ["生态环境局", "文化和旅游局"]
    assert "街道" not in a.text


@needs_shared
@pytest.mark.parametrize(
    "q, value, top",
    [("哪个局支出最少", "4733.14", "生态环境局"), ("哪个局花钱最多", "26538.47", "文化和旅游局")],
)
def test_which_bureau_spends_least_and_most(everything, q, value, top):
    a = everything.ask(q)
    assert a.status == "answered" and (a.value, a.unit) == (Decimal(value), "万元")
    assert top in a.text.split("排序")[0] and "街道" not in a.text


@needs_shared
def test_which_street_smallest(everything):
    a = everything.ask("2025年哪个街道的公务接待费最少")
    assert a.status == "answered" and a.value == Decimal("0.00") and "石泉路街道" in a.text.split("排序")[0]


@needs_shared
def test_which_department_still_ranks_every_department(everything):
    a = everything.ask("2025年哪个部门三公经费最多")
    assert a.status == "answered" and a.value == Decimal("37.35") and "生态环境局" in a.text


@needs_shared
@pytest.mark.parametrize(
    "q, what", [("2014年哪个街道三公经费最多", "2014年街道"), ("2015年哪个局三公经费最多", "2015年局")]
)
def test_no_department_of_that_kind_that_year_is_declined(everything, q, what):
    a = everything.ask(q)
    assert a.status == "no_answer" and a.value is None and what in a.text


@needs_shared
def test_one_street_that_year_gives_its_own_figure_not_a_ranking_inside_it(everything):
    a = everything.ask("2023年哪个街道三公经费最多")
    assert a.status == "answered" and (a.value, a.unit) == (Decimal("22.91"), "万元")
    assert "万里街道" in a.text and a.citations[0].page == 28


@needs_shared
def test_streets_summed_within_one_year(everything):
    a = everything.ask("2025年各街道三公经费合计多少")
    assert a.status == "answered" and a.value == Decimal("57.21")  # 37.35 + 19.86


@needs_shared
def test_towns_of_different_kinds_are_not_ranked_together(everything):
    a = everything.ask("2016年哪个镇三公经费最多")  # 北厝镇 budget, 潭城镇 final accounts
    assert a.status == "clarify" and a.value is None


# ---- 2. the headcount --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "热线中心有多少人",
        "热线中心有几个人",
        "热线中心编制多少",
        "单位有多少员工",
        "有多少工作人员",
        "一共有多少人",
    ],
)
def test_headcount_however_said(bot, q):
    a = bot.ask(q)
    assert a.status == "answered" and (a.value, a.unit) == (Decimal("11"), "人")
    assert a.citations[0].line == 359 and "在编人数" in a.text


def test_headcount_of_the_year_before(bot):
    a = bot.ask("2023年有几个人")
    assert (a.value, a.unit) == (Decimal("4"), "人") and a.citations[0].line == 359


def test_headcount_named_otherwise_says_which_count_it_gives(bot):
    a = bot.ask("在职人员多少")  # the report states 在编人数 only
    assert (a.value, a.unit) == (Decimal("11"), "人")
    assert a.text.index("在职人数") < a.text.index("在编人数")  # says it is not the count named


def test_people_of_something_else_are_not_the_staff(bot):
    a = bot.ask("火星上有多少人")
    assert a.status == "no_answer" and a.value is None


@needs_shared
def test_headcount_of_a_report_stating_staff_in_post(everything):
    a = everything.ask("交通与建设局有多少人")
    assert (a.value, a.unit) == (Decimal("81"), "人") and "在职" in a.text


@needs_shared
def test_headcount_a_report_does_not_state_is_not_made_up(everything):
    a = everything.ask("生态环境局有多少人")
    assert a.status in ("no_answer", "clarify") and a.value is None


# ---- 3. 绩效 as a whole ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "热线中心绩效目标完成情况",
        "绩效自评结果怎么样",
        "项目绩效怎么样",
        "绩效怎么样",
        "12345热线的绩效",
        "热线中心绩效如何",
    ],
)
def test_performance_as_a_whole_quotes_the_self_evaluation(bot, q):
    a = bot.ask(q)
    assert a.status == "answered" and a.intent == "performance" and a.value is None
    assert "执行率为100%" in a.text and "得分为100分" in a.text
    assert a.citations[0].line == 453
    assert "绩效工资" not in a.text


def test_a_yes_no_question_about_performance_keeps_its_sentence(bot):
    a = bot.ask("有没有纳入财政重点项目绩效评价")
    assert a.status == "answered" and "未纳入财政重点项目绩效评价" in a.text and a.citations[0].line == 459


def test_one_thing_of_performance_keeps_its_own_answer(bot):
    a = bot.ask("绩效自评得分多少")
    assert (a.value, a.unit) == (Decimal("100.00"), "分")
    a = bot.ask("绩效工资多少")
    assert (a.value, a.unit) == (Decimal("15.10"), "万元")


@needs_shared
def test_performance_of_the_corpus_reports(everything):
    a = everything.ask("生态环境局绩效怎么样")
    assert a.status == "answered" and "平均得分99.86分" in a.text and a.citations[0].page == 28
    a = everything.ask("潭城镇绩效情况")
    assert a.status == "answered" and "没有安排绩效评价的项目" in a.text
    a = everything.ask("北厝镇绩效怎么样")  # no 绩效 section: said so, no other figure instead
    assert a.status == "no_answer" and a.value is None


# ---- 4. everyday frames, scripts and numerals ---------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "办公费花了多少钱",
        "办公费用了多少",
        "办公费是多少来着",
        "给我查一下办公费",
        "办公费的钱",
        "办公费几万块",
        "辦公費多少",
        "２０２４年办公费是多少",
        "二〇二四年办公费是多少",
        "办公费2024年花了多少万",
    ],
)
def test_everyday_forms_of_one_figure(bot, q):
    a = bot.ask(q)
    assert a.status == "answered" and (a.value, a.unit) == (Decimal("9.37"), "万元")
    assert a.citations[0].line is not None and "办公费" in (a.citations[0].row or "")


# ---- the entities stage alone ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "q, kind",
    [
        ("2025年哪个街道三公经费最多", "街道"),
        ("哪些局支出最少", "局"),
        ("街道里谁的三公经费最多", "街道"),
        ("哪个委员会花钱最多", "委员会"),
        ("哪个镇三公经费最多", "镇"),
        ("哪个部门三公经费最多", None),  # 部门 is any department, not a 部
        ("石泉路街道里三公经费多少", None),  # one 街道 named
        ("局里的三公经费", None),  # no group asked among
        ("局长是谁", None),
        ("各社区的支出", None),
    ],
)
def test_the_kind_of_department_asked_among(q, kind):
    from bot.entities import department_type_asked
    from rules import default_rules

    found = department_type_asked(q, default_rules())
    assert (found[0] if found else None) == kind


@pytest.mark.parametrize(
    "name, kind, fits",
    [
        ("上海市普陀区人民政府石泉路街道办事处", "街道", True),
        ("平潭综合实验区潭城镇人民政府", "镇", True),
        ("中楼乡", "乡", True),
        ("上海市普陀区生态环境局", "局", True),
        ("上海市普陀区生态环境局", "街道", False),
        ("平潭综合实验区潭城镇人民政府", "局", False),
        ("上海市普陀区发展和改革委员会", "委", True),
    ],
)
def test_a_department_of_a_kind(name, kind, fits):
    from bot.entities import of_type
    from rules import default_rules

    assert of_type(name, kind, default_rules()) is fits
