"""Readers for the real-report corpus (../shared/corpus): page-text JSON and PDF.

Every expected figure below was read by hand from the corpus files (page texts / PDF pages).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from knowledge.model import ParsedReport, Table
from knowledge.pages import parse_pages_json

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

if not CORPUS.is_dir():  # pragma: no cover - the CI checkout has shared/ beside the repo
    pytest.skip(f"corpus folder missing: {CORPUS}", allow_module_level=True)

JSON_FILES = {
    "yichuan": "shanghai-putuo-yichuanlu-street-2025-final.pages.json",
    "ecology": "shanghai-putuo-ecology-environment-bureau-2025-final.pages.json",
    "shiquan": "shanghai-putuo-shiquanlu-street-2025-final.pages.json",
    "wenlv": "shanghai-putuo-culture-tourism-bureau-2025-final.pages.json",
}
PDF_FILES = {
    "finance2024": "shanghai-putuo-finance-bureau-2024-final.pdf",
    "planning2024": "shanghai-putuo-planning-natural-resources-bureau-2024-final.pdf",
    "social2024": "shanghai-putuo-cpc-social-work-dept-2024-final.pdf",
    "wanli2023": "shanghai-putuo-wanli-street-2023-budget.pdf",
    "welfare2024": "shanghai-putuo-social-welfare-home-2024-unit-budget.pdf",
    "finance2025": "shanghai-putuo-finance-bureau-2025-budget.pdf",
    "justice2026": "shanghai-putuo-justice-bureau-2026-budget.pdf",
}

META = {
    "yichuan": ("上海市普陀区人民政府宜川路街道办事处", 2025, "决算"),
    "ecology": ("上海市普陀区生态环境局", 2025, "决算"),
    "shiquan": ("上海市普陀区人民政府石泉路街道办事处", 2025, "决算"),
    "wenlv": ("上海市普陀区文化和旅游局", 2025, "决算"),
    "finance2024": ("上海市普陀区财政局", 2024, "决算"),
    "planning2024": ("上海市普陀区规划和自然资源局", 2024, "决算"),
    "social2024": ("中共上海市普陀区委社会工作部", 2024, "决算"),
    "wanli2023": ("上海市普陀区人民政府万里街道办事处", 2023, "预算"),
    "welfare2024": ("上海市普陀区社会福利院", 2024, "预算"),
    "finance2025": ("上海市普陀区财政局", 2025, "预算"),
    "justice2026": ("上海市普陀区司法局", 2026, "预算"),
}


@pytest.fixture(scope="module")
def reports() -> dict[str, ParsedReport]:
    """Every corpus report parsed once for the module (PDFs take about a second each)."""
    from knowledge.pdf import parse_pdf

    out: dict[str, ParsedReport] = {}
    for key, name in JSON_FILES.items():
        path = CORPUS / name
        out[key] = parse_pages_json(path.read_text(encoding="utf-8"), str(path))
    for key, name in PDF_FILES.items():
        out[key] = parse_pdf(str(CORPUS / name))
    return out


def table(r: ParsedReport, title_part: str) -> Table:
    found = [t for t in r.tables if title_part in t.title]
    assert found, f"no table with {title_part!r}: {[t.title for t in r.tables]}"
    return found[0]


def value(t: Table, name: str, column: str, *, code: str | None = None, group: str | None = None):
    for row in t.rows:
        if (code is None or row.code == code) and (group is None or row.group == group):
            if code is not None or row.name == name:
                cell = row.cell(column)
                assert cell is not None, f"{name}: no column {column!r} in {t.columns}"
                return cell.value
    raise AssertionError(f"no row {name!r} / {code!r} in {t.title}")


@pytest.mark.parametrize("key", sorted(META))
def test_metadata_of_every_corpus_file(reports, key):
    dept, year, kind = META[key]
    m = reports[key].meta
    assert (m.department, m.year, m.kind, m.region) == (dept, year, kind, "上海市普陀区")
    assert m.source_format == ("pdf" if key in PDF_FILES else "pages-json")


def test_unit_budget_scope(reports):
    assert reports["welfare2024"].meta.scope == "单位"
    assert reports["justice2026"].meta.scope == "部门"


# -- page-text JSON -------------------------------------------------------------------------------------
def test_yichuan_income_ledger(reports):
    t = table(reports["yichuan"], "收入支出决算总表")
    assert t.unit == "万元" and t.layout == "ledger" and t.code is None
    assert value(t, "一、一般公共预算财政拨款收入", "决算数", group="收入") == Decimal("20218.21")
    assert value(t, "二、政府性基金预算财政拨款收入", "决算数", group="收入") == Decimal("105.00")
    assert value(t, "本年收入合计", "决算数", group="收入") == Decimal("20323.21")
    assert value(t, "十一、城乡社区支出", "决算数", group="支出") == Decimal("15411.43")
    row = next(r for r in t.rows if r.name == "一、一般公共预算财政拨款收入")
    assert row.source.page == 6 and row.source.line == 6  # page 6, line 6 of its page text


def test_yichuan_sangong_row_is_aligned_by_cells(reports):
    # page text: "31.47 19.86 30.67 19.56 30.67 19.56 0.80 0.30" — 8 values for 12 columns
    t = table(reports["yichuan"], "三公")
    assert t.layout == "values" and len(t.rows) == 1
    row = t.rows[0]
    got = {c.column: c.value for c in row.cells}
    assert got["预算数·合计"] == Decimal("31.47")
    assert got["决算数·合计"] == Decimal("19.86")
    assert got["预算数·因公出国(境)费"] is None
    assert got["预算数·公务用车购置及运行维护费"] == Decimal("30.67")
    assert got["预算数·公务用车购置费"] is None
    assert got["决算数·公务用车运行维护费"] == Decimal("19.56")
    assert got["预算数·公务接待费"] == Decimal("0.80")
    assert got["决算数·公务接待费"] == Decimal("0.30")
    assert row.source.page == 24
    assert not [u for u in reports["yichuan"].unplaced if u.source.page == 24]


def test_yichuan_subject_table_spans_pages_and_wrapped_names(reports):
    t = table(reports["yichuan"], "收入决算表")
    assert t.columns[0] == "本年收入合计"
    assert value(t, "合计", "本年收入合计") == Decimal("20323.21")
    # 2080505 is on page 9, the table starts on page 7; its name wraps over two lines
    row = next(r for r in t.rows if r.code == "2080505")
    assert row.name == "机关事业单位基本养老保险缴费支出"
    assert row.cell("财政拨款收入").value == Decimal("518.69")
    assert row.level == "项" and row.parent_code == "20805"
    assert row.source.page == 9
    assert value(t, "", "本年收入合计", code="2219899") == Decimal("105.00")


def test_yichuan_government_fund_header_in_first_row(reports):
    t = table(reports["yichuan"], "政府性基金")
    assert "本年支出合计" in t.columns and "项目支出" in t.columns
    assert value(t, "", "本年收入", code="2219899") == Decimal("105.00")
    assert value(t, "", "项目支出", code="2219899") == Decimal("105.00")
    assert value(t, "", "基本支出", code="2219899") is None


def test_yichuan_economic_table_and_totals(reports):
    t = table(reports["yichuan"], "基本支出决算表")
    assert t.layout == "economic"
    assert value(t, "", "决算数", code="30108") == Decimal("518.69")
    assert value(t, "", "决算数", code="30231") == Decimal("81.11")
    # 其他交通工具购 / 置 wraps across pages 22-23
    assert next(r for r in t.rows if r.code == "31019").name == "其他交通工具购置"
    totals = {r.name: r.cells[0].value for r in t.rows if r.is_total}
    assert totals["人员经费合计"] == Decimal("12192.15")
    assert totals["公用经费合计"] == Decimal("1915.30")


def test_yichuan_empty_table_declared(reports):
    t = table(reports["yichuan"], "国有资本经营")
    assert t.empty and "本表无数据" in (t.empty_reason or "")


def test_yichuan_narrative_figures(reports):
    r = reports["yichuan"]
    fig = next(f for f in r.figures if "收入支出总计" in f.context and f.unit == "万元")
    assert fig.value == Decimal("20323.21")
    assert (fig.source.page, fig.source.line) == (27, 4)
    assert any(s.heading == "九、国有资本经营预算财政拨款收入支出决算情况说明" for s in r.sections)
    # an item paragraph that starts with 10、 is not taken for a heading
    assert not any(s.heading.startswith("10、") for s in r.sections)
    assert len(r.terms) == 11


def test_ecology_split_economic_codes_and_continued_table(reports):
    r = reports["ecology"]
    t = table(r, "基本支出决算表")
    # printed as "301 01 基本工资 405.36" / "302 31 公务用车运行维护费 16.95"
    assert value(t, "", "决算数", code="30101") == Decimal("405.36")
    assert value(t, "", "决算数", code="30231") == Decimal("16.95")
    inc = table(r, "收入决算表")
    # page 9 continues page 8 with the 类/款/项 columns already joined
    assert value(inc, "", "本年收入合计", code="2110105") == Decimal("7.50")
    assert value(inc, "合计", "本年收入合计") == Decimal("4733.14")
    assert not r.unplaced


# -- PDFs ---------------------------------------------------------------------------------------------------
def test_finance2024_detached_numbers_restored(reports):
    r = reports["finance2024"]
    fig = next(f for f in r.figures if "收入支出总计" in f.context and f.unit == "万元")
    assert fig.value == Decimal("2995.39")
    assert fig.source.page == 21
    assert "2995.39万元" in fig.sentence.replace(" ", "")


def test_finance2024_split_function_codes(reports):
    t = table(reports["finance2024"], "收入决算表")
    # "208 05 05 … 160.75" in 类/款/项 columns
    row = next(r for r in t.rows if r.code == "2080505")
    assert row.cell("本年收入合计").value == Decimal("160.75")
    assert row.name == "机关事业单位基本养老保险缴费支出"
    assert row.source.page == 8
    assert value(t, "合计", "其他收入") == Decimal("6.20")
    eco = table(reports["finance2024"], "基本支出决算表")
    assert value(eco, "", "决算数", code="30101") == Decimal("262.33")
    assert value(eco, "", "决算数", code="30201") == Decimal("21.21")


def test_finance2024_sangong_two_values(reports):
    # page text: just "0.95 0.95"; the cells put them under 合计 and 公务接待费 (预算数)
    t = table(reports["finance2024"], "三公")
    got = {c.column: c.value for c in t.rows[0].cells}
    assert got["预算数·合计"] == Decimal("0.95")
    assert got["预算数·公务接待费"] == Decimal("0.95")
    assert got["决算数·合计"] is None
    assert t.rows[0].source.page == 18


def test_finance2024_ledger_continues_over_page(reports):
    t = table(reports["finance2024"], "收入支出决算总表")
    assert value(t, "总计", "决算数", group="收入") == Decimal("2995.39")
    assert next(r for r in t.rows if r.name == "总计").source.page == 7


def test_justice2026_budget_tables_in_yuan(reports):
    r = reports["justice2026"]
    t = table(r, "部门财务收支预算总表")
    assert t.unit == "元" and t.code is None
    assert value(t, "一、财政拨款收入", "预算数", group="收入") == Decimal("96282213.44")
    assert value(t, "收入总计", "预算数", group="收入") == Decimal("96282213.44")
    sub = table(r, "部门支出预算总表")
    assert value(sub, "", "合计", code="2040601") == Decimal("16726725.44")
    assert value(sub, "", "项目支出", code="2040699") == Decimal("38454900.00")
    assert value(sub, "合计", "基本支出") == Decimal("25741666.44")


def test_justice2026_sangong_budget(reports):
    t = table(reports["justice2026"], "三公")
    assert t.unit == "万元"  # this budget table says 单位:万元
    got = {c.column: c.value for c in t.rows[0].cells}
    assert got["公务接待费"] == Decimal("0.83")
    assert got["公务用车购置及运行费"] == Decimal("9.98")
    assert got["机关运行经费预算数"] == Decimal("217.83")
    assert t.rows[0].source.page == 21


def test_finance2025_budget_first_table_title_and_amount(reports):
    t = reports["finance2025"].tables[0]
    assert t.title == "2025年部门财务收支预算总表"
    assert value(t, "一、财政拨款收入", "预算数", group="收入") == Decimal("31214205.80")
    assert t.source.page == 9


def test_budget_narrative_figures_are_read(reports):
    r = reports["justice2026"]
    fig = next(f for f in r.figures if "“三公”经费预算数" in f.context)
    assert fig.value == Decimal("10.81") and fig.unit == "万元" and fig.source.page == 22


def test_every_citation_has_a_page(reports):
    for key, r in reports.items():
        for t in r.tables:
            assert t.source.page and all(row.source.page for row in t.rows), (key, t.title)
        assert all(f.source.page for f in r.figures), key


def test_repeated_header_on_a_continuation_page_leaves_the_last_row_alone(reports):
    """A 功能分类/经济分类 table that continues on the next page repeats its column header there
    (项目 … / 类 款 项). Read as a wrapped name, that header was glued onto the page's last row and
    changed its figures (其他行政事业单位养老支出 基本支出 6440.00 read as 0.00)."""
    justice = table(reports["justice2026"], "一般公共预算支出功能分类")
    assert value(justice, "其他行政事业单位养老支出", "基本支出", code="2080599") == Decimal("6440.00")
    assert value(justice, "其他行政事业单位养老支出", "项目支出", code="2080599") == Decimal("0.00")
    wanli = table(reports["wanli2023"], "一般公共预算支出功能分类")
    assert value(wanli, "公共安全支出", "项目支出", code="204") == Decimal("1252300")
    assert value(wanli, "其他行政事业单位养老支出", "基本支出", code="2080599") == Decimal("3120")
    finance = table(reports["finance2025"], "一般公共预算基本支出")
    assert value(finance, "邮电费", "公用经费", code="30207") == Decimal("50000.00")
