"""Concrete facts of the reference report, read by the markdown reader."""

from decimal import Decimal

D = Decimal


def cell(report, code, name, column, group=None):
    t = report.table(code)
    for row in t.rows:
        if (row.name == name or row.code == name) and (group is None or row.group == group):
            c = row.cell(column)
            if c is not None:
                return c.value
    raise AssertionError(f"{code} {name} {column} not found")


def test_metadata(reference_report):
    m = reference_report.meta
    assert m.department == "贵阳市12345政务服务便民热线事务中心"
    assert (m.year, m.kind, m.region) == (2024, "决算", "贵阳市")


def test_all_ten_tables_with_units(reference_report):
    codes = [t.code for t in reference_report.tables]
    assert codes == [f"公开{i:02d}表" for i in range(1, 11)]
    assert all(t.unit == "万元" for t in reference_report.tables)


def test_ledger_01_totals_and_sides(reference_report):
    assert cell(reference_report, "公开01表", "一、一般公共预算财政拨款收入", "金额", "收入") == D("672.13")
    assert cell(reference_report, "公开01表", "一、一般公共服务支出", "金额", "支出") == D("637.38")
    assert cell(reference_report, "公开01表", "总计", "金额", "支出") == D("672.13")
    row = next(r for r in reference_report.table("公开01表").rows if r.name == "十九、住房保障支出")
    assert row.row_no == 50 and row.source.line == 85


def test_subject_tables_codes_and_columns(reference_report):
    # 02: code split over cells (20103 + 50); OCR spaces inside numbers
    assert cell(reference_report, "公开02表", "2010350", "本年收入合计") == D("84.78")
    # 03: 项 row and 合计 row with 基本支出 / 项目支出
    assert cell(reference_report, "公开03表", "2010399", "项目支出") == D("552.59")
    assert cell(reference_report, "公开03表", "合计", "基本支出") == D("119.54")
    # 06: OCR repeated the last digit of the first part (20103 + 399 = 2010399)
    codes = [r.code for r in reference_report.table("公开06表").rows if r.code]
    assert codes == ["2010350", "2010399", "2080505", "2080506", "2089999", "2101102", "2101103", "2210201"]
    # truncated names are completed from the other tables
    names = {r.code: r.name for r in reference_report.table("公开02表").rows if r.code}
    assert names["2010399"] == "其他政府办公厅(室)及相关机构事务支出"


def test_table_07_three_column_groups(reference_report):
    t = reference_report.table("公开07表")
    assert t.layout == "economic"
    assert cell(reference_report, "公开07表", "30101", "决算数") == D("23.87")  # first group
    assert cell(reference_report, "公开07表", "30201", "决算数") == D("9.37")  # second group
    assert cell(reference_report, "公开07表", "30228", "决算数") == D("1.06")  # second group, lower
    third = next(r for r in t.rows if r.code == "31002")
    assert third.group == "公用经费" and third.cell("决算数").value is None
    assert cell(reference_report, "公开07表", "人员经费合计", "决算数") == D("108.27")
    assert cell(reference_report, "公开07表", "公用经费合计", "决算数") == D("11.27")


def test_empty_tables_declared(reference_report):
    t8, t9 = reference_report.table("公开08表"), reference_report.table("公开09表")
    assert t8.empty and "无政府性基金" in t8.empty_reason
    assert t9.empty and "国有资本经营" in t9.empty_reason


def test_table_10_sangong_columns_and_narrative(reference_report):
    t = reference_report.table("公开10表")
    assert t.empty and "预算数·公务接待费" in t.columns and "决算数·合计" in t.columns
    figs = [(f.context, f.value) for f in reference_report.figures if "三公" in f.context]
    assert any("预算" in c and v == D("1.93") for c, v in figs)
    assert any("决算" in c and v == D("0.00") for c, v in figs)


def test_sections_terms_performance_staff(reference_report):
    paths = [" > ".join(s.path) for s in reference_report.sections]
    assert any(p.endswith("(二)政府采购支出情况") for p in paths)
    terms = {t.term: t.definition for t in reference_report.terms}
    assert terms["基本支出"].startswith("指为保障机构正常运转")
    assert "三公经费" in terms and "机关运行经费" in terms
    (project,) = reference_report.performance
    assert project.project == "综合业务保障经费"
    assert project.funds["全年预算数"] == D("5525938.78") and project.funds["年初预算数"] == D("5000000.00")
    ind = {i.name: i for i in project.indicators}
    assert ind["接通率"].actual == "≥95.15%" and ind["接通率"].score == D("5")
    assert ind["群众服务满意度"].level1 == "满意度指标"
    staff = [f for f in reference_report.figures if "在编人数" in f.context and f.unit == "人"]
    assert {f.value for f in staff} == {D("4"), D("11")}


def test_unplaced_lines_are_kept(reference_report):
    lines = {u.source.line for u in reference_report.unplaced}
    assert 63 in lines  # "HPT 1. SCHOOL TO SAN MAN …" garbage above 公开01表
    assert all(u.reason for u in reference_report.unplaced)
