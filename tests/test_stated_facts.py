"""Stated facts: the figures a 说明 states, read by the sentence's grammar (knowledge/stated.py).

Real text only: the reference report's 说明 (../shared/reports), a corpus report's (../shared/corpus),
and short sentences copied by hand from the 平潭 portal pages (../shared/pingtan, HTML stripped),
which phrase things the way other regions do (thousands separators, 收入预算为0万元, 其中，人员支出…).
The metamorphic test removes the reference report's tables and asks what the tables answered.
"""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from knowledge.stated import read_question, read_sentences

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "knowledge" / "data" / "guiyang-12345-hotline-2024-final.md"
SHARED = ROOT.parent / "shared"

D = Decimal


def facts_of(sentences: list[str], year: int, kind: str) -> set[tuple]:
    return {
        (f.subject, f.measure, f.year, f.value, f.unit, f.derived)
        for f in read_sentences([(s, i + 1, None) for i, s in enumerate(sentences)], year, kind)
    }


# -- the reference report's 说明 ------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference_facts(reference_report):
    from knowledge.stated import from_report

    return {(f.subject, f.measure, f.year, f.value, f.unit, f.derived) for f in from_report(reference_report)}


def test_reference_totals_and_parts(reference_facts):
    assert ("收入总计", "决算", 2024, D("672.13"), "万元", "") in reference_facts
    assert ("支出总计", "决算", 2024, D("672.13"), "万元", "") in reference_facts
    assert ("本年支出合计", "决算", 2024, D("672.13"), "万元", "") in reference_facts
    # "其中:基本支出119.54万元，…项目支出552.59万元": the parts inherit the parent's measure
    assert ("基本支出", "决算", 2024, D("119.54"), "万元", "") in reference_facts
    assert ("项目支出", "决算", 2024, D("552.59"), "万元", "") in reference_facts
    # "(一)人员经费:108.27万元": the name before the colon
    assert ("人员经费", "决算", 2024, D("108.27"), "万元", "") in reference_facts
    assert ("公用经费", "决算", 2024, D("11.27"), "万元", "") in reference_facts
    assert ("财政拨款收入", "决算", 2024, D("672.13"), "万元", "") in reference_facts
    assert ("政府采购支出总额", "决算", 2024, D("418.52"), "万元", "") in reference_facts
    assert ("车辆", "决算", 2024, D("0"), "辆", "") in reference_facts
    assert ("在编人数", "决算", 2023, D("4"), "人", "") in reference_facts
    assert ("在编人数", "决算", 2024, D("11"), "人", "") in reference_facts


def test_reference_budget_and_actual_kept_apart(reference_facts):
    # "“三公”经费财政拨款支出预算为1.93万元，“三公”经费财政拨款支出决算为0.00万元"
    assert ("三公经费", "预算", 2024, D("1.93"), "万元", "") in reference_facts
    assert ("三公经费", "决算", 2024, D("0.00"), "万元", "") in reference_facts
    # "公务用车购置及运行维护费预算1.93万元，支出决算 0.00万元": the second clause is the same subject
    assert ("公务用车购置及运行维护费", "预算", 2024, D("1.93"), "万元", "") in reference_facts
    assert ("公务用车购置及运行维护费", "决算", 2024, D("0.00"), "万元", "") in reference_facts
    # "一般公共预算财政拨款支出年初预算为576.61万元,支出决算为672.13万元": 预算 in the name is no budget
    gpb = {f for f in reference_facts if f[0] == "一般公共预算财政拨款支出" and f[2] == 2024}
    assert {(f[1], f[3]) for f in gpb} == {("年初预算", D("576.61")), ("决算", D("672.13"))}


def test_reference_previous_year_only_when_unambiguous(reference_facts):
    # "支出决算较上年减少0.69万元，降幅为100.00%": 0.00 + 0.69, and 0.69 / 0.69 is 100 %
    assert ("三公经费", "决算", 2023, D("0.69"), "万元", "change") in reference_facts
    # "与上一年相比持平"
    assert ("公务接待费", "决算", 2023, D("0.00"), "万元", "unchanged") in reference_facts
    # "一般公共预算财政拨款支出降低2042.46万元，增长75.24%": the directions disagree, nothing derived
    assert not [f for f in reference_facts if f[0] == "一般公共预算财政拨款支出" and f[2] == 2023]
    # the narrative never states a 2023 基本支出: none is made up
    assert not [f for f in reference_facts if f[0] == "基本支出" and f[2] != 2024]


def test_income_sentence_is_never_expenditure(reference_facts):
    # 财政拨款收入 is stated; 财政拨款支出 (without 一般公共预算) is not: nothing of that subject
    assert not [f for f in reference_facts if f[0] == "财政拨款支出"]
    # the 财政拨款 totals are their own subjects, not the department's 收入总计 of 2024
    assert ("财政拨款收入总计", "决算", 2024, D("672.13"), "万元", "") in reference_facts


# -- a corpus report ------------------------------------------------------------------------------

CORPUS = SHARED / "corpus" / "shanghai-putuo-ecology-environment-bureau-2025-final.pages.json"


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not present")
def test_corpus_report_states_its_totals():
    from knowledge.ingest import read_report
    from knowledge.stated import from_report

    facts = {(f.subject, f.measure, f.year, f.value, f.derived) for f in from_report(read_report(CORPUS))}
    # "上海市普陀区生态环境局 2025 年度收入支出总计 4733.14万元。"
    assert ("收入总计", "决算", 2025, D("4733.14"), "") in facts
    assert ("支出总计", "决算", 2025, D("4733.14"), "") in facts
    # "与 2024 年度相比,收入支出总计增加 90.09 万元,增长1.94%。"
    assert ("支出总计", "决算", 2024, D("4643.05"), "change") in facts
    # "…财政拨款收入支出总计4733.14 万元" is the 财政拨款 part's, not the department's
    assert ("财政拨款收入总计", "决算", 2025, D("4733.14"), "") in facts
    assert ("基本支出", "决算", 2025, D("3365.38"), "") in facts
    assert ("项目支出", "决算", 2025, D("1367.76"), "") in facts
    assert ("人员经费", "决算", 2025, D("2949.02"), "") in facts
    # "“三公”经费财政拨款支出年初预算为 21.00 万元,支出决算为 16.95 万元"
    assert ("三公经费", "年初预算", 2025, D("21.00"), "") in facts
    assert ("三公经费", "决算", 2025, D("16.95"), "") in facts
    # "…决算数比 2024 年度增加5.07 万元,增长 42.68%": 16.95 − 5.07
    assert ("三公经费", "决算", 2024, D("11.88"), "change") in facts
    assert ("机关运行经费", "决算", 2025, D("185.41"), "") in facts
    assert ("机关运行经费", "决算", 2024, D("180.73"), "change") in facts
    assert ("政府采购支出总额", "决算", 2025, D("372.34"), "") in facts
    # "共有车辆 9 辆"; "所属各预算单位…公务用车保有量为 9 辆" is no budget (预算单位)
    assert ("车辆", "决算", 2025, D("9"), "") in facts
    assert not [f for f in facts if f[0] in ("车辆", "公务用车保有量") and f[1] != "决算"]
    # "公务接待费支出决算减少为 0.00万元,与 2024 年持平": 持平 is not 因公出国's of another sentence
    assert {f[2] for f in facts} <= {2024, 2025}


# -- other regions' phrasings (平潭, copied from ../shared/pingtan, HTML removed) -------------------


def test_thousands_separators_and_blank_figures():
    # pingtan-transport-construction-bureau-2014-final.html
    facts = facts_of(
        [
            "一、2014年年初结转结余6,814.81万元，本年收入77831.16万元，用事业基金弥补收支差额万元，"
            "本年支出58,451.40万元，结余分配万元，年末结转结余26,194.58万元。",
            "(一）公共预算财政拨款年初结转结余5,065.11万元，本年收入42,900.24万元，本年支出42,904.15万元。",
            "二、2014年基本支出314.73万元，项目支出58,136.66万元，上缴上级支出万元，经营支出万元。",
        ],
        2014,
        "决算",
    )
    assert ("本年支出合计", "决算", 2014, D("58451.40"), "万元", "") in facts
    assert ("本年收入合计", "决算", 2014, D("77831.16"), "万元", "") in facts
    assert ("年初结转和结余", "决算", 2014, D("6814.81"), "万元", "") in facts
    assert ("项目支出", "决算", 2014, D("58136.66"), "万元", "") in facts
    # the 公共预算财政拨款 sentence speaks of that part of the funds only (its own 收入/支出, never the
    # department's), and its 预算 is no budget; its 年初结转结余 has no scoped subject: not read
    scoped = {f for f in facts if f[3] in (D("42900.24"), D("42904.15"), D("5065.11"))}
    assert scoped == {
        ("一般公共预算财政拨款收入", "决算", 2014, D("42900.24"), "万元", ""),
        ("一般公共预算财政拨款支出", "决算", 2014, D("42904.15"), "万元", ""),
    }
    # a blank figure (项目支出万元) is not zero: nothing stated
    assert not [f for f in facts if f[0] == "上缴上级支出"]


def test_budget_report_zero_income_and_parts():
    # pingtan-investment-bureau-2016-budget.html
    facts = facts_of(
        [
            "2016年,部门收入预算为0万元，其中：一般公共预算拨款0万元，基金预算财政拨款0万元,单位其他收入0万元。",
            "相应安排支出预算134.21万元，其中：人员支出62.86万元，对个人和家庭补助支出0万元，公用支出11.45万元，项目支出60万元。",
            "2016年预算安排车辆经费7.6万元，其中公务用车购置费0万元 、车辆运行费7.6万元。",
        ],
        2016,
        "预算",
    )
    assert ("收入总计", "预算", 2016, D("0"), "万元", "") in facts
    assert ("支出总计", "预算", 2016, D("134.21"), "万元", "") in facts
    assert ("人员经费", "预算", 2016, D("62.86"), "万元", "") in facts
    assert ("公用经费", "预算", 2016, D("11.45"), "万元", "") in facts
    assert ("项目支出", "预算", 2016, D("60"), "万元", "") in facts
    assert ("公务用车运行维护费", "预算", 2016, D("7.6"), "万元", "") in facts
    # "基金预算财政拨款0万元" names something the vocabulary does not know: not 一般公共预算's
    assert [f for f in facts if f[0] == "一般公共预算财政拨款收入"] == [
        ("一般公共预算财政拨款收入", "预算", 2016, D("0"), "万元", "")
    ]


def test_change_checked_against_its_rate():
    # pingtan-cppcc-2015-final.html: 24.13 / 350.57 is 6.88 %; 37.58 / 343.78 is not 4.42 %
    facts = facts_of(
        [
            "1、 2015本年收入381.36 万元，比2014年决算数增加37.58万元，增长4.42%，具体情况如下：",
            "2、 2015本年支出374.70 万元，比2014年决算数增加24.13万元，增长6.88%，具体情况如下：",
            "（1）基本支出308.61 万元。",
            "其中，人员支出285.35 万元，公用支出23.26 万元。",
            "3、公务接待费4.09万元。",
            "与2014年相比，公务接待费减少2.48万元，下降153.79% ，主要是规范公务接待工作。",
        ],
        2015,
        "决算",
    )
    assert ("本年支出合计", "决算", 2014, D("350.57"), "万元", "change") in facts
    assert not [f for f in facts if f[0] == "本年收入合计" and f[2] == 2014]
    assert not [f for f in facts if f[0] == "公务接待费" and f[2] == 2014]
    assert ("人员经费", "决算", 2015, D("285.35"), "万元", "") in facts
    assert ("基本支出", "决算", 2015, D("308.61"), "万元", "") in facts


def test_sangong_parts_and_vehicles():
    # pingtan-tancheng-town-2016-final.html
    facts = facts_of(
        [
            "2016年“三公”经费公共财政拨款支出3.58万元。",
            "（一） 因公出国（境）费0万元。",
            "（二）公务用车购置及运行费3.58万元。",
            "其中：公务用车购置费0万元，2016年公务用车购置0辆。",
            "公务用车运行费3.58万元，主要用于公务用车燃油、维修、保险等方面支出，年末公务用车保有量1辆。",
            "2016年末，本部门部门共有车辆1辆，其中：一般公务用车1辆、一般执法执勤用车0辆。",
            "2016年机关运行经费支出309.51万元，比2015年增长35.77万元，增长11.55%。",
            "2016年机关运行经费支出的主要内容是：维修费114.58万元，邮电费18.69万元。",
        ],
        2016,
        "决算",
    )
    assert ("三公经费", "决算", 2016, D("3.58"), "万元", "") in facts
    assert ("因公出国(境)费", "决算", 2016, D("0"), "万元", "") in facts
    assert ("公务用车购置及运行维护费", "决算", 2016, D("3.58"), "万元", "") in facts
    assert ("公务用车运行维护费", "决算", 2016, D("3.58"), "万元", "") in facts
    assert ("车辆", "决算", 2016, D("1"), "辆", "") in facts
    assert ("公务用车保有量", "决算", 2016, D("1"), "辆", "") in facts
    # 机关运行经费 is 309.51 only: its parts after "主要内容是：" are not it, and 35.77 / 273.74 ≠ 11.55 %
    assert [f for f in facts if f[0] == "机关运行经费"] == [
        ("机关运行经费", "决算", 2016, D("309.51"), "万元", "")
    ]


def test_budget_report_sentences_of_the_corpus():
    # shanghai-putuo-finance-bureau-2025-budget.pdf p.7 and p.22, as its text layer reads
    facts = facts_of(
        [
            "支出预算3,121.42万元,其中:财政拨款支出预算3,121.42万元,比2024年预算增加107.62万元。",
            "政府性基金拨款支出预算0万元,与2024年预算持平;",
            "2025年部门预算安排购置车辆0辆,其中:部级领导干部用车0辆、主要领导干部用车0辆。",
        ],
        2025,
        "预算",
    )
    assert ("支出总计", "预算", 2025, D("3121.42"), "万元", "") in facts
    assert ("财政拨款支出", "预算", 2024, D("3013.80"), "万元", "change") in facts
    # the 政府性基金 part's zero is not the department's 支出总计
    assert ("政府性基金预算财政拨款支出", "预算", 2025, D("0"), "万元", "") in facts
    assert not [f for f in facts if f[0] == "支出总计" and f[3] == 0]
    # vehicles to be bought are not the vehicles held
    assert not [f for f in facts if f[0] == "车辆"]
    assert ("购置车辆", "预算", 2025, D("0"), "辆", "") in facts


def test_unchanged_only_of_the_figure_it_follows():
    # shanghai-putuo-wanli-street-2023-budget.pdf p.29: a misprinted name (公务车用车运行费) is
    # nobody's: its 持平 is not the previous sentence's 公务用车购置费
    facts = facts_of(
        [
            "(二)、公务车购置及运行费21.56万元,其中:公务用车购置费0万元,比2022年预算持平。",
            "公务车用车运行费21.56万元,比2022年预算持平,主要原因是车辆数不变。",
            "(三)、公务接待费1.35万元。",
            "比2022年预算持平,主要原因是公务接待费保持不变。",
        ],
        2023,
        "预算",
    )
    assert {f for f in facts if f[5] == "unchanged"} == {
        ("公务用车购置费", "预算", 2022, D("0"), "万元", "unchanged"),
        ("公务接待费", "预算", 2022, D("1.35"), "万元", "unchanged"),
    }
    # shanghai-putuo-justice-bureau-2026-budget.pdf p.8: "与2026年预算持平" in a 2026 budget
    assert not [f for f in facts_of(["政府性基金拨款支出预算0万元,与2026年预算持平;"], 2026, "预算") if f[5]]


def test_heading_names_the_subject_of_its_first_figure():
    # pingtan-beicuo-town-2016-budget.html: the part's name is the heading, its figure the sentence
    facts = read_sentences(
        [("2016年预算安排5万元。", 1, None), ("主要用于重大项目及招商引资等方面的接待活动。", 2, None)],
        2016,
        "预算",
        ["七、一般公共预算“三公”经费支出情况", "（二）公务接待费"],
    )
    assert [(f.subject, f.measure, f.value) for f in facts] == [("公务接待费", "预算", D("5"))]
    facts = read_sentences(
        [
            (
                "在我区单位公务用车制度改革实施方案未出台前，2016年公务用车购置及运行费暂按年初预算数执行。",
                1,
                None,
            ),
            ("2016年预算安排车辆经费15万元，主要用于车辆运行及维修支出。", 2, None),
        ],
        2016,
        "预算",
        ["（三）公务用车购置及运行费"],
    )
    assert [(f.subject, f.value) for f in facts] == [("公务用车购置及运行维护费", D("15"))]
    # a heading naming no one subject lends none
    assert not read_sentences(
        [("本年度授予中小企业合同金额22.02万元。", 1, None)], 2016, "决算", ["（二）政府采购支出情况"]
    )


def test_question_reading_keeps_subject_words_out_of_the_measure():
    q = read_question("一般公共预算财政拨款支出是多少")
    assert q.subjects == ("一般公共预算财政拨款支出",) and q.measure is None
    q = read_question("三公经费预算是多少")
    assert q.subjects == ("三公经费",) and q.measure == "预算"
    assert read_question("财政拨款花了多少").sides == frozenset({"支出"})


def test_sentence_parse_is_linear():
    """A pathological sentence (a long run of digits and names) is read in one pass."""
    import time

    text = "基本支出" + "1" * 50_000 + "万元，" + "项目支出、" * 5_000
    start = time.process_time()
    read_sentences([(text, 1, None)], 2024, "决算")
    assert time.process_time() - start < 5


# -- the bot: a report without its tables ----------------------------------------------------------


def _without_tables(src: str) -> str:
    """The reference report as a department publishing its tables as attachments would: the
    第二部分 (tables) and the 附件 gone, and every tab-separated line with them."""
    out, skip = [], False
    for line in src.split("\n"):
        if re.match(r"^#+\s*第二部分", line) or re.match(r"^#+\s*第五部分", line):
            skip = True
        elif re.match(r"^#+\s*第三部分", line):
            skip = False
        if not skip and "\t" not in line:
            out.append(line)
    return "\n".join(out)


@pytest.fixture(scope="module")
def narrative_bot(tmp_path_factory):
    from bot import Bot
    from knowledge.ingest import ingest_file
    from knowledge.store import open_db

    d = tmp_path_factory.mktemp("narrative")
    md = d / REFERENCE.name
    md.write_text(_without_tables(REFERENCE.read_text(encoding="utf-8")), encoding="utf-8")
    db = open_db(d / "kb.db")
    assert ingest_file(db, str(md)).status == "ingested"
    assert db.execute("SELECT COUNT(*) FROM report_tables").fetchone()[0] == 0
    db.close()
    return Bot(d / "kb.db")


QUESTIONS = [
    "基本支出是多少",
    "项目支出是多少",
    "三公经费是多少",
    "公务接待费是多少",
    "因公出国费是多少",
    "公务用车购置及运行维护费是多少",
    "财政拨款收入是多少",
    "机关运行经费是多少",
    "政府采购金额是多少",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_without_tables_same_figure_or_decline(bot, narrative_bot, question):
    full = bot.ask(question)
    text_only = narrative_bot.ask(question)
    assert full.status == "answered" and full.value is not None
    if text_only.status == "answered":
        assert (text_only.value, text_only.unit) == (full.value, full.unit), text_only.text
        assert text_only.citations and text_only.citations[0].quote


@pytest.mark.parametrize(
    "question,value",
    [("基本支出是多少", "119.54"), ("三公经费是多少", "0.00"), ("三公经费预算是多少", "1.93")],
)
def test_without_tables_answers_from_the_sentence(narrative_bot, question, value):
    a = narrative_bot.ask(question)
    assert a.status == "answered" and a.value == D(value), a.text
    assert a.citations[0].table is None and value in a.citations[0].quote.replace(" ", "")


def test_without_tables_budget_word_inside_a_name_is_no_budget(narrative_bot):
    a = narrative_bot.ask("一般公共预算财政拨款支出是多少")
    assert a.status == "answered" and a.value == D("672.13"), a.text


def test_without_tables_expenditure_never_answers_income(narrative_bot):
    # the text states 一般公共预算财政拨款支出 but never a 财政拨款支出 of that name: decline
    a = narrative_bot.ask("财政拨款支出是多少")
    assert a.status != "answered" or a.value == D("672.13")
    a = narrative_bot.ask("财政拨款花了多少")
    assert a.status != "answered" or a.value == D("672.13")


def test_expenditure_question_never_answered_with_an_income_row(bot):
    """With the tables, "财政拨款支出" (matched as 财政拨款收入 by its first four characters) is not
    answered from the 财政拨款收入 column of the 收入决算表."""
    a = bot.ask("财政拨款支出是多少")
    assert a.status != "answered" or not any("收入" in (c.column or "") for c in a.citations), a.text
    assert "财政拨款收入" not in a.text  # a decline names what was asked


CORPUS_QUESTIONS = [
    "基本支出是多少",
    "项目支出是多少",
    "三公经费是多少",
    "三公经费预算是多少",
    "因公出国费是多少",
    "公务用车购置及运行维护费是多少",
    "公务接待费是多少",
    "财政拨款收入是多少",
    "财政拨款支出是多少",
    "机关运行经费是多少",
    "人员经费是多少",
    "本年支出合计是多少",
    "收入总计是多少",
    "一般公共预算财政拨款支出是多少",
    "有几辆车",
    "上年三公经费是多少",
]


def _same_figure(table: tuple, text: tuple) -> bool:
    """The same amount, or the table's 元 figure as the 说明 rounds it to 万元 (31214205.80元 / 3121.42万元)."""
    (tv, tu), (xv, xu) = table, text
    if tu == xu:
        return tv == xv
    if (tu, xu) == ("元", "万元"):
        return abs(tv / 10000 - xv) <= D("0.005")
    return False


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not present")
@pytest.mark.parametrize(
    "name",
    [
        "ecology-environment-bureau-2025-final.pages.json",
        "shiquanlu-street-2025-final.pages.json",
        "finance-bureau-2024-final.pdf",
        "finance-bureau-2025-budget.pdf",
    ],
)
def test_corpus_report_without_tables_answers_as_its_tables(tmp_path, name):
    """A corpus report stored without its tables (as if they were attachments) answers what the
    tables answer, or declines; never another figure."""
    from bot import Bot
    from knowledge.ingest import ingest_file, read_report
    from knowledge.store import open_db, store_report

    src = str(SHARED / "corpus" / f"shanghai-putuo-{name}")
    full = open_db(tmp_path / "full.db")
    ingest_file(full, src)
    full.close()
    report = read_report(src)
    report.tables, report.performance = [], []
    text = open_db(tmp_path / "text.db")
    store_report(text, report)
    text.close()
    with_tables, without = Bot(tmp_path / "full.db"), Bot(tmp_path / "text.db")
    answered = 0
    for q in CORPUS_QUESTIONS:
        a, b = with_tables.ask(q), without.ask(q)
        if b.status == "answered":
            answered += 1
            assert a.status == "answered" and _same_figure((a.value, a.unit), (b.value, b.unit)), (
                q,
                a.text,
                b.text,
            )
    assert answered >= len(CORPUS_QUESTIONS) // 2


def test_income_asked_of_a_text_stating_only_expenditure(tmp_path):
    """A 说明 that states only 财政拨款支出: 财政拨款收入 is declined, never answered with it."""
    from bot import Bot
    from knowledge.ingest import ingest_file
    from knowledge.store import open_db

    src = _without_tables(REFERENCE.read_text(encoding="utf-8"))
    # keep the report's heading and one 说明 sentence of its own about expenditure
    head = src.split("## 第三部分")[0]
    body = "## 第三部分 2024年度部门决算情况说明\n\n#### 一、财政拨款支出情况\n\n2024年度财政拨款支出672.13万元。\n"
    md = tmp_path / REFERENCE.name
    md.write_text(head + body, encoding="utf-8")
    db = open_db(tmp_path / "kb.db")
    assert ingest_file(db, str(md)).status == "ingested"
    db.close()
    b = Bot(tmp_path / "kb.db")
    a = b.ask("财政拨款收入是多少")
    assert a.status != "answered" or a.value != D("672.13"), a.text
    a = b.ask("财政拨款支出是多少")
    assert a.status == "answered" and a.value == D("672.13"), a.text


def test_table_wins_and_answer_says_the_text_differs(kb):
    """Where the 说明 states another figure than the table, the table answers and the answer says so."""
    from bot import Bot

    con = sqlite3.connect(kb)
    n = con.execute(
        "UPDATE stated_facts SET value = '100.00' WHERE subject = '基本支出' AND measure = '决算' AND year = 2024"
    ).rowcount
    con.commit()
    con.close()
    assert n >= 1
    a = Bot(kb).ask("基本支出是多少")
    assert a.status == "answered" and a.value == D("119.54")
    assert a.citations[0].table is not None
    assert any("100.00" in note for note in a.notes) and any(c.table is None for c in a.citations[1:])


def test_stored_with_the_sentence_they_cite(built_db):
    con = sqlite3.connect(built_db)
    rows = con.execute(
        "SELECT f.value, s.text FROM stated_facts f JOIN sentences s ON s.id = f.sentence_id"
        " WHERE f.subject = '三公经费' AND f.measure = '预算'"
    ).fetchall()
    con.close()
    assert rows and rows[0][0] == "1.93" and "1.93" in rows[0][1]


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not present")
def test_merge_keeps_each_stated_fact_with_its_sentence(built_db, tmp_path):
    from knowledge.ingest import ingest_file
    from knowledge.merge import merge
    from knowledge.store import open_db

    other = open_db(tmp_path / "other.db")
    ingest_file(other, str(CORPUS))
    other.close()
    merge([str(tmp_path / "other.db"), str(built_db)], str(tmp_path / "all.db"))
    con = sqlite3.connect(tmp_path / "all.db")
    n, cited = con.execute(
        "SELECT COUNT(*), SUM(s.text = f.quote AND s.report_id = f.report_id) FROM stated_facts f"
        " LEFT JOIN sentences s ON s.id = f.sentence_id"
    ).fetchone()
    reports = con.execute("SELECT COUNT(DISTINCT report_id) FROM stated_facts").fetchone()[0]
    con.close()
    assert n > 50 and cited == n and reports == 2


def test_migration_reads_stated_facts_of_an_older_knowledge_base(kb):
    """A version-2 knowledge base (no stated_facts) gains them, read from its stored sentences."""
    from knowledge.store import open_db

    con = sqlite3.connect(kb)
    before = con.execute(
        "SELECT subject, measure, year, value, derived FROM stated_facts ORDER BY id"
    ).fetchall()
    con.execute("DROP TABLE stated_facts")
    con.execute("PRAGMA user_version = 2")
    con.commit()
    con.close()
    db = open_db(kb)
    after = db.execute(
        "SELECT subject, measure, year, value, derived FROM stated_facts ORDER BY id"
    ).fetchall()
    db.close()
    assert before and [tuple(r) for r in after] == [tuple(r) for r in before]
