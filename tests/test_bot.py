"""The answering pipeline on the reference report: figures with citations, follow-ups, declines."""

from decimal import Decimal

import pytest

from bot import Conversation
from bot.normalise import normalise


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("三公經費多少？", "三公经费多少"),
        ("“三公”经费？？", "三公经费"),
        ("２０２４年辦公費", "2024年办公费"),
        ("二〇二四年的三公", "2024年的三公"),
        ("一点九三万元", "1.93万元"),
        ("十一人", "11人"),
        ("一般公共服务支出  多少", "一般公共服务支出多少"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_figure_with_citation(bot):
    a = bot.ask("办公费花了多少")
    assert a.status == "answered" and a.value == Decimal("9.37") and a.unit == "万元"
    c = a.citations[0]
    assert c.table.startswith("公开07表") and "30201" in c.row and c.line == 279
    assert "9.37" in a.text and "公开07表" in a.text


def test_code_and_traditional(bot):
    assert bot.ask("2101102花了多少").value == Decimal("5.39")
    assert bot.ask("辦公費花了多少錢").value == Decimal("9.37")


def test_sangong_zero_is_an_answer(bot):
    a = bot.ask("三公经费多少")
    assert a.status == "answered" and a.value == Decimal("0.00")
    assert "三公" in a.citations[0].quote and a.citations[0].line == 414


def test_follow_up_budget(bot):
    conv = Conversation()
    assert bot.ask("三公经费多少", conv).value == Decimal("0.00")
    a = bot.ask("预算呢", conv)
    assert a.status == "answered" and a.value == Decimal("1.93")


def test_follow_up_share(bot):
    conv = Conversation()
    assert bot.ask("一般公共服务支出多少", conv).value == Decimal("637.38")
    a = bot.ask("占比呢", conv)
    assert a.value == Decimal("94.83") and a.unit == "%"


def test_empty_table_answers_zero_with_sentence(bot):
    a = bot.ask("政府性基金预算财政拨款支出多少")
    assert a.status == "answered" and a.value == Decimal("0.00")
    # the zero is explained: a sentence saying there is none, or the cited cell printed empty
    c = a.citations[0]
    assert c.line and ("无政府性基金" in (c.quote or "") or (c.table and "该栏为空" in a.text)), a.text


def test_ambiguous_asks_back(bot):
    a = bot.ask("医疗")
    assert a.status == "clarify" and len(a.suggestions) >= 2
    assert any("事业单位医疗" in s for s in a.suggestions)


@pytest.mark.parametrize(
    "q",
    [
        "2025年三公经费多少",
        "贵州省公安厅的三公经费",
        "今天天气怎么样",
        "明年的预算是多少",
        "联系人郑承竹的工资多少",
    ],
)
def test_declines_without_a_figure(bot, q):
    a = bot.ask(q)
    assert a.status == "no_answer" and a.value is None


def test_consistency_note_on_cited_figure(bot):
    """The report's own 201类 total (637.38) disagrees with its items (637.37): the answer says so."""
    a = bot.ask("一般公共服务支出多少")
    assert a.value == Decimal("637.38")
    assert len(a.notes) == 1 and "637.37" in a.notes[0] and "637.38" in a.notes[0]
    assert a.notes[0] in a.text


def test_explain_shows_every_stage(bot):
    a = bot.ask("三公经废多少", explain=True)
    stages = [s for s, _ in a.trace.stages]
    assert stages[:4] == ["normalise", "tokens", "entities", "intent"] and "sql" in stages
    ents = a.trace.as_dict()["entities"]
    assert ents["thresholds"]["fuzzy"] > 0


def test_budget_against_actual_is_computed_and_the_report_contradiction_noted(bot):
    a = bot.ask("完成年初预算的百分之多少")
    # 672.13 ÷ 576.61; the report prints "完成年初预算的100%", which `check` flags
    assert a.value == Decimal("116.57") and a.unit == "%"
    assert any("116.57" in n and "100%" in n for n in a.notes)
    assert bot.ask("实际支出比年初预算多了多少").value == Decimal("95.52")


def test_average_and_ranking_within_a_class(bot):
    a = bot.ask("平均每个在编人员的人员经费是多少")  # 108.27 ÷ 11
    assert a.value == Decimal("9.84") and len(a.citations) == 2
    a = bot.ask("工资福利支出里哪一项最多")  # 301 类: 奖金 25.42
    assert a.value == Decimal("25.42") and "奖金" in a.text


def test_text_questions_answered_by_the_sentence_that_says_so(bot):
    a = bot.ask("有没有纳入财政重点项目绩效评价")
    assert a.status == "answered" and a.value is None and "未纳入财政重点项目绩效评价" in a.text
    assert a.citations[0].line == 459
    a = bot.ask("公用经费主要包括什么")
    assert "商品和服务支出" in a.text
    assert bot.ask("火星上有多少人").status == "no_answer"


@pytest.mark.parametrize("q", ["how much was spent on official receptions", "What is the budget?"])
def test_a_question_without_chinese_is_told_so_in_both_languages(bot, q):
    a = bot.ask(q)
    assert a.status == "no_answer" and a.value is None
    assert "中文" in a.text and "Chinese" in a.text and "三公经费多少" in a.text


def test_a_chinese_question_with_latin_letters_is_still_read(bot):
    a = bot.ask("PDF里办公费多少")
    assert "Chinese" not in a.text
