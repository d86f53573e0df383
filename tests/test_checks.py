"""Consistency checks (knowledge.checks) on the reference report, on hand-built reports, and on odd input."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest

from knowledge.checks import CLASS_NAMES, run_checks
from knowledge.model import (
    Cell,
    Figure,
    Finding,
    ParsedReport,
    ReportMeta,
    Row,
    Section,
    Sentence,
    Source,
    Table,
)

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "knowledge" / "data" / "guiyang-12345-hotline-2024-final.md"
CORPUS = ROOT.parent / "shared" / "corpus"

D = Decimal


@pytest.fixture(scope="module")
def report() -> ParsedReport:
    from knowledge.markdown import parse_markdown

    return parse_markdown(REFERENCE.read_text(encoding="utf-8"), str(REFERENCE))


@pytest.fixture(scope="module")
def findings(report) -> list[Finding]:
    return run_checks(report)


def _one(findings: list[Finding], check: str, pred) -> Finding:
    hits = [f for f in findings if f.check == check and pred(f)]
    assert len(hits) == 1, [(f.check, f.subject, f.message) for f in findings]
    return hits[0]


def _lines(f: Finding) -> set[int]:
    return {c.line for c in f.citations if c.line is not None}


def _assert_cited(f: Finding) -> None:
    assert len(f.citations) >= 2
    assert all(c.line for c in f.citations), f.citations
    assert all(c.report for c in f.citations)
    assert all(c.table or c.section for c in f.citations)


# -- required findings on the reference report ------------------------------------------------


def test_general_public_services_class_is_001_more_than_its_items(findings):
    f = _one(findings, "total_vs_items", lambda f: (f.subject or "").startswith("201"))
    assert (f.expected, f.found, f.difference) == (D("637.37"), D("637.38"), D("0.01"))
    assert f.unit == "万元" and f.severity == "warning"
    assert "一般公共服务支出" in f.message and "尾数" in f.message
    _assert_cited(f)
    assert {67, 138, 139} <= _lines(f)  # 公开01表 类 row and the two 公开03表 项 rows
    ledger = [c for c in f.citations if c.line == 67][0]
    assert ledger.table.startswith("公开01表") and ledger.row == "一、一般公共服务支出"
    assert any(c.row == "2010350 事业运行" and c.column == "本年支出合计" for c in f.citations)


def test_health_class_is_001_less_than_its_items(findings):
    f = _one(findings, "total_vs_items", lambda f: (f.subject or "").startswith("210"))
    assert (f.expected, f.found, f.difference) == (D("9.42"), D("9.41"), D("-0.01"))
    assert f.severity == "warning"
    _assert_cited(f)
    assert {75, 143, 144} <= _lines(f)


def test_fall_of_2042_46_called_an_increase(findings):
    f = _one(findings, "direction_word", lambda f: f.unit == "万元")
    assert (f.expected, f.found, f.difference) == (D("-2042.46"), D("2042.46"), D("4084.92"))
    assert f.severity == "error"
    assert "增加" in f.message and "减少" in f.message
    _assert_cited(f)
    assert _lines(f) == {373}
    quotes = " ".join(c.quote for c in f.citations)
    assert "2714.59" in quotes and "672.13" in quotes and "增加 2042.46" in quotes
    assert any("四、" in (c.section or "") for c in f.citations)


def test_fall_of_75_24_percent_called_a_rise(findings):
    f = _one(findings, "direction_word", lambda f: f.unit == "%")
    assert (f.expected, f.found, f.difference) == (D("-75.24"), D("75.24"), D("150.48"))
    assert "增长" in f.message
    _assert_cited(f)
    assert {383, 373} <= _lines(f)
    assert any("(一)" in (c.section or "") and c.line == 383 for c in f.citations)


def test_completion_of_initial_budget_is_not_100_percent(findings):
    f = _one(findings, "percentage", lambda f: f.severity == "error")
    assert (f.expected, f.found, f.difference) == (D("116.57"), D("100"), D("-16.57"))
    assert f.unit == "%"
    assert "576.61" in f.message and "672.13" in f.message
    _assert_cited(f)
    assert _lines(f) == {393}


def test_malformed_percentage_is_info(findings):
    f = _one(findings, "percentage", lambda f: f.severity == "info")
    assert ".000%" in f.message
    assert f.subject == "科学技术(类)"
    _assert_cited(f)
    assert _lines(f) == {387}


# -- no accusations where the report is consistent --------------------------------------------


def test_reference_findings_are_exactly_the_real_ones(findings):
    got = sorted((f.check, f.severity, f.unit) for f in findings)
    assert got == sorted(
        [
            ("total_vs_items", "warning", "万元"),
            ("total_vs_items", "warning", "万元"),
            ("direction_word", "error", "万元"),
            ("direction_word", "error", "%"),
            ("percentage", "error", "%"),
            ("percentage", "info", "%"),
        ]
    )


def test_no_cross_table_narrative_or_sangong_findings(findings):
    # 基本支出 119.54 in 03/06/07, 本年支出合计 672.13 in 01/03/04, every 项 code in 02/03/06,
    # 三公 1.93 = 0.00 + 1.93 + 0.00: all consistent
    assert [f for f in findings if f.check in ("cross_table", "narrative_vs_table", "sangong_parts")] == []


@pytest.mark.parametrize("printed", ["17.79", "82.21", "94.83", "2.33", "1.40", "1.44", "5.26"])
def test_correct_shares_are_not_flagged(findings, printed):
    assert not [f for f in findings if f.check == "percentage" and f.found == D(printed)]


def test_no_finding_mentions_consistent_figures(findings):
    for f in findings:
        assert "119.54" not in f.message  # 基本支出
        assert "108.27" not in f.message and "11.27" not in f.message  # 人员/公用经费
        assert f.subject is None or "社会保障" not in f.subject and "住房保障" not in f.subject


def test_differences_are_found_minus_expected(findings):
    for f in findings:
        if f.expected is not None and f.found is not None:
            assert f.difference == f.found - f.expected
            assert isinstance(f.expected, Decimal) and isinstance(f.found, Decimal)


# -- hand-built reports ------------------------------------------------------------------------


def _meta() -> ReportMeta:
    return ReportMeta(department="测试单位", year=2024, kind="决算", title="测试单位2024年度部门决算")


def _row(name, values, line, code=None, is_total=False, columns=("合计", "基本支出", "项目支出")):
    cells = [
        Cell(column=c, value=None if v is None else D(v), raw=v or "")
        for c, v in zip(columns, values, strict=True)
    ]
    level = {3: "类", 5: "款", 7: "项"}.get(len(code)) if code else None
    parent = code[:-2] if code and len(code) > 3 else None
    return Row(
        name=name,
        cells=cells,
        source=Source(line),
        code=code,
        level=level,
        parent_code=parent,
        raw=f"{code or ''} {name} " + " ".join(v or "" for v in values),
        is_total=is_total,
    )


def _subject_table(total_values) -> Table:
    rows = [
        _row("合计", total_values, 10, is_total=True),
        _row("一般公共服务支出", ["9.00", "3.00", "6.00"], 11, code="201"),
        _row("政府办公厅(室)及相关机构事务", ["9.00", "3.00", "6.00"], 12, code="20103"),
        _row("行政运行", ["3.00", "3.00", None], 13, code="2010301"),
        _row("一般行政管理事务", ["6.00", None, "6.00"], 14, code="2010302"),
    ]
    return Table(
        code="公开06表",
        title="一般公共预算财政拨款支出决算表",
        unit="万元",
        columns=["合计", "基本支出", "项目支出"],
        rows=rows,
        source=Source(8),
        layout="subject",
    )


def test_synthetic_total_that_is_not_the_sum_is_found():
    report = ParsedReport(meta=_meta(), tables=[_subject_table(["10.00", "3.00", "6.00"])])
    out = run_checks(report)
    f = _one(out, "total_vs_items", lambda f: f.subject == "合计")
    assert (f.expected, f.found, f.difference) == (D("9.00"), D("10.00"), D("1.00"))
    assert f.severity == "error"
    assert "合计" in f.message and "一般公共预算财政拨款支出决算表" in f.message
    assert _lines(f) == {10, 11}
    assert all(c.table == "公开06表 一般公共预算财政拨款支出决算表" for c in f.citations)
    assert len(out) == 1


def test_synthetic_total_that_is_the_sum_passes():
    report = ParsedReport(meta=_meta(), tables=[_subject_table(["9.00", "3.00", "6.00"])])
    assert run_checks(report) == []


def test_synthetic_class_row_against_its_items_with_rounding():
    t = _subject_table(["9.00", "3.00", "6.00"])
    t.rows[1] = _row("一般公共服务支出", ["9.01", "3.00", "6.01"], 11, code="201")
    t.rows[0] = _row("合计", ["9.01", "3.00", "6.01"], 10, is_total=True)
    out = run_checks(ParsedReport(meta=_meta(), tables=[t]))
    assert {(f.subject, f.severity, f.difference) for f in out} == {
        ("201 一般公共服务支出", "warning", D("0.01")),
    }
    assert len(out) == 2  # 合计 and 项目支出 columns of the 类 row
    assert all(_lines(f) == {11, 12} for f in out)


def test_synthetic_ledger_class_total_against_items():
    ledger = Table(
        code="公开01表",
        title="收入支出决算总表",
        unit="万元",
        columns=["收入·金额", "支出·金额"],
        rows=[
            Row(
                name="一、一般公共服务支出",
                cells=[Cell("金额", D("9.50"), "9.50")],
                source=Source(5),
                group="支出",
            ),
            Row(
                name="本年支出合计",
                cells=[Cell("金额", D("9.00"), "9.00")],
                source=Source(6),
                group="支出",
                is_total=True,
            ),
        ],
        source=Source(3),
        layout="ledger",
    )
    cols = ("本年支出合计", "基本支出", "项目支出")
    exp = Table(
        code="公开03表",
        title="支出决算表",
        unit="万元",
        columns=list(cols),
        rows=[
            _row("合计", ["9.00", "3.00", "6.00"], 20, is_total=True, columns=cols),
            _row("行政运行", ["3.00", "3.00", None], 21, code="2010301", columns=cols),
            _row("一般行政管理事务", ["6.00", None, "6.00"], 22, code="2010302", columns=cols),
        ],
        source=Source(18),
        layout="subject",
    )
    out = run_checks(ParsedReport(meta=_meta(), tables=[ledger, exp]))
    f = _one(out, "total_vs_items", lambda f: f.subject == "201 一般公共服务支出")
    assert (f.expected, f.found, f.difference, f.severity) == (D("9.00"), D("9.50"), D("0.50"), "error")
    assert _lines(f) == {5, 21, 22}
    assert len(out) == 1  # 本年支出合计 9.00 agrees across the two tables


def _figures(sentence: str, section: list[str], line: int, items) -> list[Figure]:
    return [
        Figure(
            context=c,
            value=D(v),
            unit=u,
            raw=raw,
            sentence=sentence,
            section_path=section,
            source=Source(line),
        )
        for c, v, u, raw in items
    ]


def test_synthetic_narrative_share_and_sangong():
    sec = ["第三部分", "三、支出决算情况说明"]
    s1 = "2024年度支出决算合计100.00万元。"
    s2 = "其中:基本支出40.00万元,占40.00%;项目支出60.00万元,占50.00%。"
    sg = ["第三部分", "十、三公经费"]
    s3 = '"三公"经费财政拨款支出决算为5.00万元,因公出国(境)费支出决算1.00万元,公务用车购置及运行维护费支出决算2.00万元,公务接待费支出决算1.00万元。'
    figs = (
        _figures(s1, sec, 40, [("2024年度支出决算合计", "100.00", "万元", "100.00万元")])
        + _figures(
            s2,
            sec,
            41,
            [
                ("基本支出", "40.00", "万元", "40.00万元"),
                ("基本支出占", "40.00", "%", "40.00%"),
                ("项目支出", "60.00", "万元", "60.00万元"),
                ("项目支出占", "50.00", "%", "50.00%"),
            ],
        )
        + _figures(
            s3,
            sg,
            50,
            [
                ('"三公"经费财政拨款支出决算为', "5.00", "万元", "5.00万元"),
                ("因公出国(境)费支出决算", "1.00", "万元", "1.00万元"),
                ("公务用车购置及运行维护费支出决算", "2.00", "万元", "2.00万元"),
                ("公务接待费支出决算", "1.00", "万元", "1.00万元"),
            ],
        )
    )
    sections = [
        Section(
            path=sec,
            level=2,
            text=s1 + s2,
            sentences=[Sentence(s1, Source(40)), Sentence(s2, Source(41))],
            source=Source(39),
        ),
        Section(path=sg, level=2, text=s3, sentences=[Sentence(s3, Source(50))], source=Source(49)),
    ]
    out = run_checks(ParsedReport(meta=_meta(), sections=sections, figures=figs))
    share = _one(out, "percentage", lambda f: True)
    assert (share.expected, share.found, share.difference) == (D("60.00"), D("50.00"), D("-10.00"))
    assert _lines(share) == {41, 40}
    sangong = _one(out, "sangong_parts", lambda f: True)
    assert (sangong.expected, sangong.found, sangong.difference) == (D("4.00"), D("5.00"), D("1.00"))
    assert len(sangong.citations) == 4 and _lines(sangong) == {50}
    assert len(out) == 2


def test_synthetic_self_contradiction_without_both_years():
    sec = ["第三部分", "四、财政拨款收入支出决算总体情况说明"]
    s = "与上年相比,增加 10.00 万元,下降 5.00%。"
    report = ParsedReport(
        meta=_meta(),
        sections=[Section(path=sec, level=2, text=s, sentences=[Sentence(s, Source(7))], source=Source(6))],
    )
    f = _one(run_checks(report), "direction_word", lambda f: True)
    assert "增加" in f.message and "下降" in f.message and f.severity == "error"
    assert len(f.citations) == 2 and _lines(f) == {7}


# -- robustness --------------------------------------------------------------------------------


def test_empty_report():
    assert run_checks(ParsedReport(meta=_meta())) == []


def test_odd_input_never_raises(report):
    odd = copy.deepcopy(report)
    for t in odd.tables:
        t.code = None
        for r in t.rows:
            r.code = None if r.code and r.code.endswith("1") else r.code
            for c in r.cells:
                c.value = None if c.raw.startswith("5") else c.value
                c.column = c.column + "?" if c.column.startswith("基") else c.column
    odd.tables.append(Table(code=None, title="", unit="元", columns=[], rows=[], source=Source(1)))
    odd.tables.append(
        Table(
            code="公开99表",
            title="奇怪的表",
            unit="",
            columns=["x"],
            source=Source(2),
            layout="economic",
            rows=[Row(name="", cells=[], source=Source(3), code="3", is_total=True)],
        )
    )
    for f in odd.figures[::3]:
        f.sentence = ""
        f.section_path = []
    odd.sections.append(
        Section(path=[], level=0, text="", sentences=[Sentence("", Source(0))], source=Source(0))
    )
    out = run_checks(odd)
    assert isinstance(out, list)
    for f in out:
        assert f.check in {
            "total_vs_items",
            "cross_table",
            "narrative_vs_table",
            "direction_word",
            "percentage",
            "sangong_parts",
        }
        assert f.severity in {"error", "warning", "info"}


def test_tables_only_and_figures_only(report):
    assert isinstance(run_checks(ParsedReport(meta=report.meta, tables=report.tables)), list)
    out = run_checks(ParsedReport(meta=report.meta, sections=report.sections, figures=report.figures))
    assert {f.check for f in out} <= {"direction_word", "percentage", "sangong_parts"}


def test_class_names_are_the_standard_ones():
    assert CLASS_NAMES["201"] == "一般公共服务支出"
    assert CLASS_NAMES["208"] == "社会保障和就业支出"
    assert CLASS_NAMES["210"] == "卫生健康支出"
    assert CLASS_NAMES["221"] == "住房保障支出"


def test_shanghai_golden_rounding_hints():
    """The annotated 生态环境局 report: the 0.01 differences its golden file lists are found."""
    pages = pytest.importorskip("knowledge.pages")
    path = CORPUS / "shanghai-putuo-ecology-environment-bureau-2025-final.pages.json"
    if not path.exists():
        pytest.skip("corpus not present")
    out = run_checks(pages.parse_pages_json(path.read_text(encoding="utf-8"), str(path)))
    got = {(f.check, f.subject, f.found, f.expected) for f in out}
    assert ("total_vs_items", "合计", D("1367.76"), D("1367.75")) in got  # T4a
    assert ("cross_table", "项目支出", D("1367.75"), D("1367.76")) in got  # T4b
    assert ("total_vs_items", "310 资本性支出", D("14.44"), D("14.43")) in got  # T5a
    assert ("total_vs_items", "公用经费合计", D("416.36"), D("416.37")) in got  # T5b
    assert all(f.severity == "warning" for f in out if f.check in ("total_vs_items", "cross_table"))


def test_item_counts_name_the_addends_listed():
    """'其下N个项之和' counts the items it lists (blank child rows add nothing and are not listed)."""
    import re

    from knowledge.ingest import read_report

    files = [REFERENCE, *sorted(CORPUS.glob("*.pages.json"))]
    sums = [
        f
        for path in files
        if path.exists()
        for f in run_checks(read_report(str(path)))
        if f.check == "total_vs_items"
    ]
    counted = [f for f in sums if re.search(r"\d+个(?:项|款|类|科目行)之和", f.message)]
    assert counted, "the real reports have sums that break"
    for f in counted:
        count = re.search(r"(\d+)个(?:项|款|类|科目行)之和", f.message)
        listed = re.search(r"之和为[^（]*（([^）]*)）", f.message)
        assert count and listed, f.message
        assert int(count.group(1)) == len(listed.group(1).split(" + ")), f.message
