"""Questions over the real 平潭 portal pages, loaded beside the reference report and the Shanghai
corpus: narrative-only 说明, 财政金融局 批复 notices, a 三公 批复表 by 科目 and 单位基本情况 tables."""

from decimal import Decimal
from pathlib import Path

import pytest

from bot import Bot
from tests.conftest import REFERENCE, SHARED

PINGTAN = SHARED / "pingtan"
CORPUS = SHARED / "corpus"
QUESTIONS = Path(__file__).parent / "questions" / "pingtan.jsonl"
pytestmark = pytest.mark.skipif(
    not (PINGTAN.is_dir() and CORPUS.is_dir()), reason="../shared/pingtan or ../shared/corpus not available"
)


@pytest.fixture(scope="module")
def pingtan(tmp_path_factory):
    from knowledge.ingest import ingest
    from knowledge.store import open_db

    path = tmp_path_factory.mktemp("pingtan") / "kb.db"
    db = open_db(path)
    outcomes = ingest(db, [REFERENCE, CORPUS, PINGTAN])
    db.close()
    reports = [o for o in outcomes if o.status == "ingested"]
    assert len(reports) == 22, [(o.path, o.status, o.message) for o in outcomes]
    return Bot(path)


def test_pingtan_question_set_gives_no_wrong_figure(pingtan):
    from bot.evaluate import evaluate

    results = evaluate(pingtan, str(QUESTIONS))
    assert len(results) >= 100
    wrong = sorted(r.id for r in results if r.outcome == "wrong")
    assert not wrong, f"wrong figures: {wrong}"
    assert sum(r.outcome == "correct" for r in results) >= 100


def test_column_named_in_question_selects_the_cell(pingtan):
    # the 三公 批复表 by 科目: 行政运行 row, 公务接待费 column — not the row's 三公 total 43.07
    a = pingtan.ask("检察院行政运行公务接待费")
    assert a.status == "answered" and a.value == Decimal("2.08"), a.text
    assert a.citations[0].column == "公务接待费" and "行政运行" in a.citations[0].row


def test_row_without_such_column_asks_back(pingtan):
    # 行政运行 is a row of the 三公 table, which has no 基本支出 column: no other column's figure
    a = pingtan.ask("检察院行政运行基本支出")
    assert a.value is None and a.status in ("clarify", "no_answer"), a.text


def test_figure_left_blank_is_not_invented(pingtan):
    a = pingtan.ask("行政服务中心2014年结余分配")  # printed "结余分配万元"
    assert a.status == "no_answer" and a.value is None, a.text
    a = pingtan.ask("防护林场2014年结余分配")  # printed "结余分配24.34万元"
    assert a.value == Decimal("24.34")


def test_another_regions_department_is_declined(pingtan):
    a = pingtan.ask("黄浦区生态环境局三公经费")
    assert a.status == "no_answer" and "黄浦区" in a.text
    a = pingtan.ask("普陀区生态环境局三公经费")
    assert a.value == Decimal("16.95")


def test_staff_of_a_unit_table(pingtan):
    a = pingtan.ask("潭城镇农业服务中心在职人数")
    assert (a.value, a.unit) == (Decimal("10"), "人")
    a = pingtan.ask("白青乡在职人数")  # eight units, no total row: which one?
    assert a.status == "clarify" and a.value is None
    assert any("政府机关" in s for s in a.suggestions)


def test_region_word_does_not_turn_a_stated_figure_away(pingtan):
    # "平潭" names the report, not a part of 三公: the total, not the first part's 1.11
    a = pingtan.ask("平潭行政服务中心2014年三公经费是多少")
    assert a.value == Decimal("7.03"), a.text


def test_web_page_citation_names_the_page(pingtan):
    a = pingtan.ask("县政协2015年三公经费")
    assert a.value == Decimal("21.08")
    assert a.citations[0].url == (
        "https://www.pingtan.gov.cn/zwgk/zdlyxxgk/czzj/bmyjsgk/bmjsgk/201612/t20161209_6119.htm"
    )
    assert a.as_dict()["citations"][0]["url"] == a.citations[0].url


def test_bundle_part_citation_names_its_file(tmp_path):
    from knowledge.ingest import ingest_bundle
    from knowledge.store import open_db
    from tests.test_office_readers import markdown_table_sections, markdown_tables_to_xlsx, markdown_to_docx

    tables, rest = markdown_table_sections(REFERENCE.read_text(encoding="utf-8"))
    xlsx = tmp_path / "公开表.xlsx"
    xlsx.write_bytes(markdown_tables_to_xlsx(tables))
    text = tmp_path / "说明.docx"
    text.write_bytes(markdown_to_docx("\n".join(rest)))
    db = open_db(tmp_path / "kb.db")
    assert ingest_bundle(db, [xlsx, text]).status == "ingested"
    db.close()
    bot = Bot(tmp_path / "kb.db")
    a = bot.ask("办公费花了多少")  # a table row: the workbook
    assert a.value == Decimal("9.37") and a.citations[0].table and a.citations[0].file == str(xlsx)
    a = bot.ask("三公经费多少")  # a sentence of the 说明: the Word file
    assert a.citations[0].table is None and a.citations[0].file == str(text)


@pytest.mark.parametrize(
    "sentence,kind,facts",
    [
        # phrasings of other regions' 说明 (a budget's 收入预算为… / 相应安排支出预算…, 总预算, 上年结转)
        ("2017年部门收支总预算为3000万元。", "预算", {("收入总计", "3000"), ("支出总计", "3000")}),
        ("上年结转结余100万元。", "预算", {("年初结转和结余", "100")}),
        ("2016年公共财政支出500万元", "预算", {("一般公共预算财政拨款支出", "500")}),
        ("财政支出的安排2393.3万元，按财政功能科目列支是：", "预算", {("支出总计", "2393.3")}),
        ("部门发展性项目支出：10万元。", "预算", set()),  # a kind of 项目支出, not all of it
        ("用事业基金弥补收支差额万元，结余分配万元。", "决算", set()),  # printed blank: no figure
        (
            "2016年年初结转结余46.74万元，结余分配2.00万元。",
            "决算",
            {("年初结转和结余", "46.74"), ("结余分配", "2.00")},
        ),
    ],
)
def test_stated_phrasings_of_other_regions(sentence, kind, facts):
    from knowledge.stated import read_sentences

    got = read_sentences(
        [(sentence, 1, None)], 2016 if "2017" not in sentence else 2017, kind, ("四、预算收支总体情况",)
    )
    assert {(f.subject, str(f.value)) for f in got} == facts


def test_a_scope_opening_the_sentence_owns_its_income_and_spending():
    from knowledge.stated import read_question, read_sentences

    s = "(一）公共预算财政拨款年初结转结余415.03万元，本年收入295.69万元，本年支出320.04万元。"
    got = {(f.subject, str(f.value)) for f in read_sentences([(s, 1, None)], 2014, "决算")}
    assert got == {("一般公共预算财政拨款收入", "295.69"), ("一般公共预算财政拨款支出", "320.04")}
    assert read_question("政府性基金本年收入").subjects == ("政府性基金预算财政拨款收入",)
    assert read_question("本年收入").subjects == ("本年收入合计",)
