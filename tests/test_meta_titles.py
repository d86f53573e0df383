"""Report metadata from titles in any order and form, region and level apart from the department's
own name, and operator overrides applied before any check (knowledge/meta.py, knowledge/ingest.py).

The titles are the forms real portals print (most from ../shared/pingtan, the others from the
Shanghai corpus and the Guiyang reference report), plus variants of the same forms."""

from __future__ import annotations

import pytest

from knowledge.meta import Overrides, level_of, overrides, own_name, parse_title, region_of, require_meta
from knowledge.model import ReportError

TITLES = [
    # (title as printed, department, year, kind, scope)
    (
        "2016年度平潭综合实验区潭城镇人民政府部门决算说明",
        "平潭综合实验区潭城镇人民政府",
        2016,
        "决算",
        "部门",
    ),
    (
        "平潭综合实验区交通与建设局关于 2014年度部门决算的说明",
        "平潭综合实验区交通与建设局",
        2014,
        "决算",
        "部门",
    ),
    ("上海市普陀区社会福利院2024年单位预算", "上海市普陀区社会福利院", 2024, "预算", "单位"),
    ("上海市普陀区财政局 2024 年度部门决算公开", "上海市普陀区财政局", 2024, "决算", "部门"),
    (
        "平潭综合实验区财政金融局 关于批复 平潭国有防护林场2014年度部门决算的通知",
        "平潭国有防护林场",
        2014,
        "决算",
        "部门",
    ),
    ("县政协2015年财政决算", "县政协", 2015, "决算", None),
    ("2016年北厝镇预算说明", "北厝镇", 2016, "预算", None),
    ("平潭县人民检察院2014年“三公”经费公共财政拨款支出决算批复", "平潭县人民检察院", 2014, "决算", None),
    ("平潭综合实验区行政服务中心2014年度决算公开", "平潭综合实验区行政服务中心", 2014, "决算", None),
    ("2016年度平潭综合实验区招商局部门预算公开说明", "平潭综合实验区招商局", 2016, "预算", "部门"),
    ("2016年中楼乡公共财政预算支出计划", "中楼乡", 2016, "预算", None),
    (
        "贵阳市12345政务服务便民热线事务中心 2024年度部门决算公开报告",
        "贵阳市12345政务服务便民热线事务中心",
        2024,
        "决算",
        "部门",
    ),
    ("## 上海市普陀区生态环境局2025年度部门决算", "上海市普陀区生态环境局", 2025, "决算", "部门"),
    ("“上海市普陀区司法局”2026年度部门预算", "上海市普陀区司法局", 2026, "预算", "部门"),
    ("上海市普陀区文化和旅游局2025年区级部门决算", "上海市普陀区文化和旅游局", 2025, "决算", "部门"),
    (
        "关于上海市普陀区规划和自然资源局2024年度部门决算的说明",
        "上海市普陀区规划和自然资源局",
        2024,
        "决算",
        "部门",
    ),
    ("财政局关于批准区卫生健康委2023年度部门决算的批复", "区卫生健康委", 2023, "决算", "部门"),
    ("某某区统计局关于公开2023年度部门决算的说明", "某某区统计局", 2023, "决算", "部门"),
    ("某某县人民政府办公室2022年度部门决算信息公开", "某某县人民政府办公室", 2022, "决算", "部门"),
    ("某某市教育局2025年部门预算（草案）", "某某市教育局", 2025, "预算", "部门"),
    ("某某区民政局2023年度部门决算及“三公”经费决算公开", "某某区民政局", 2023, "决算", "部门"),
    ("某某区审计局部门2023年度决算", "某某区审计局", 2023, "决算", None),
]


@pytest.mark.parametrize("title,department,year,kind,scope", TITLES)
def test_title_forms(title, department, year, kind, scope):
    t = parse_title(title)
    assert t is not None, title
    assert (t.department, t.year, t.kind, t.scope) == (department, year, kind, scope)


@pytest.mark.parametrize(
    "line",
    [
        "2024年度收入支出决算总表",  # a table's title
        "上海市普陀区生态环境局 2025 年度部门决算表",  # a table's title naming the department
        "纳入上海市普陀区生态环境局 2025 年度部门决算编制范围的单",  # a wrapped sentence
        "现将我单位2016年度部门决算说明如下：",  # a sentence
        "2016年，潭城镇人民政府主要任务是",  # no 决算/预算
        "一般公共预算财政拨款支出决算表",  # no year
        "2025 年度“三公”经费财政拨款支出决算数比 2024 年度增加",  # a sentence about the figures
    ],
)
def test_lines_that_are_no_report_title(line):
    assert parse_title(line) is None


def test_a_table_title_is_the_last_resort():
    t = parse_title("上海市普陀区生态环境局 2025 年度部门决算表", table=True)
    assert t is not None and (t.department, t.year) == ("上海市普陀区生态环境局", 2025)


@pytest.mark.parametrize(
    "department,region,level,own",
    [
        ("上海市普陀区生态环境局", "上海市普陀区", "区", "生态环境局"),
        ("上海市普陀区人民政府宜川路街道办事处", "上海市普陀区", "街道", "宜川路街道办事处"),
        ("中共上海市普陀区委社会工作部", "上海市普陀区", "区", "区委社会工作部"),
        ("贵阳市12345政务服务便民热线事务中心", "贵阳市", "市", "12345政务服务便民热线事务中心"),
        ("平潭综合实验区潭城镇人民政府", "平潭综合实验区", "乡镇", "潭城镇人民政府"),
        ("平潭综合实验区财政金融局", "平潭综合实验区", "区", "财政金融局"),
        ("平潭县人民检察院", "平潭县", "县", "人民检察院"),
        ("北厝镇", None, "乡镇", "北厝镇"),
        ("县政协", None, "县", "县政协"),
        ("市财政局", None, "市", "市财政局"),
        ("上海市市场监督管理局", "上海市", "市", "市场监督管理局"),
        ("长风社区卫生服务中心", None, None, "长风社区卫生服务中心"),
    ],
)
def test_region_level_and_own_name(department, region, level, own):
    assert region_of(department) == region
    assert level_of(department) == level
    assert own_name(department) == own


def test_a_short_name_gets_its_region_from_the_body():
    m = require_meta(["县政协2015年财政决算", "2015年，平潭县政协主要任务是：每季度召开一次常委会。"])
    assert (m.department, m.region, m.level) == ("平潭县政协", "平潭县", "县")
    m = require_meta(["县政协2015年财政决算", "本县政协主要任务是：每季度召开一次常委会。"])
    assert (m.department, m.region, m.level) == ("县政协", None, "县")


def test_meta_from_the_body_when_the_title_has_no_year():
    m = require_meta(
        [
            "平潭综合实验区招商局部门预算公开说明",
            "部门：平潭综合实验区招商局",
            "本部门2016年度部门预算说明如下",
        ]
    )
    assert (m.department, m.year, m.kind, m.region, m.level) == (
        "平潭综合实验区招商局",
        2016,
        "预算",
        "平潭综合实验区",
        "区",
    )


def test_unknown_parts_are_named_with_their_flag():
    with pytest.raises(ReportError) as e:
        require_meta(["2016年度部门决算说明", "一、部门主要职责"])
    assert "无法确定部门，请用 --department 指定" in e.value.message
    assert "年度" not in e.value.message.split("无法确定部门")[0]  # the year was read
    with pytest.raises(ReportError) as e:
        require_meta(["平潭综合实验区招商局部门预算说明"])
    assert "无法确定年度，请用 --year 指定" in e.value.message


def test_overrides_fill_in_before_any_check():
    lines = ["部门预算说明", "一、部门主要职责"]
    with pytest.raises(ReportError):
        require_meta(lines)
    with overrides(Overrides(department="黄浦区生态环境局", region="上海市黄浦区", year=2024, kind="预算")):
        m = require_meta(lines)
    assert (m.department, m.region, m.year, m.kind, m.level) == (
        "黄浦区生态环境局",
        "上海市黄浦区",
        2024,
        "预算",
        "区",
    )
    with overrides(Overrides(year=2015)):  # an override wins over what the title says
        assert require_meta(["县政协2016年财政决算"]).year == 2015


def test_ingest_applies_overrides_before_the_title_check(tmp_path):
    """A report whose title names no year is ingested once --year names it; the error said so."""
    from knowledge.ingest import ingest_file
    from knowledge.store import open_db

    page = tmp_path / "r.txt"
    page.write_text(
        "平潭综合实验区招商局部门预算公开说明\n一、部门主要职责\n负责统筹全区招商工作。\n"
        "二、收入预算\n收入预算134.21万元，其中财政拨款收入134.21万元。\n",
        encoding="utf-8",
    )
    db = open_db(tmp_path / "kb.db")
    o = ingest_file(db, str(page))
    assert o.status == "failed" and "--year" in o.message
    o = ingest_file(db, str(page), year=2016, region="平潭综合实验区")
    assert o.status == "ingested", o
    row = db.execute("SELECT department, region, level, year, kind FROM reports").fetchone()
    assert tuple(row) == ("平潭综合实验区招商局", "平潭综合实验区", "区", 2016, "预算")
    db.close()


@pytest.mark.parametrize(
    "line,name",
    [
        ("部门(单位):平潭县人民检察院 单位:万元", "平潭县人民检察院"),
        ("部门: 贵阳市12345政务服务便民热线事务中心", "贵阳市12345政务服务便民热线事务中心"),
        ("编制单位：上海市普陀区财政局", "上海市普陀区财政局"),
        ("部门：单位：万元", None),
        ("本部门2016年度部门决算", None),
    ],
)
def test_department_lines(line, name):
    from knowledge.meta import dept_line

    assert dept_line(line) == name


def test_cli_overrides_and_the_line_per_file(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    page = tmp_path / "r.txt"
    page.write_text("招商局部门预算公开说明\n一、收入预算\n收入预算134.21万元。\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR", "COLUMNS")}

    def run(*args):
        argv = [sys.executable, "-m", "cli", "--db", str(tmp_path / "kb.db"), "ingest", str(page), *args]
        return subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)

    r = run()
    assert r.returncode == 1 and "无法确定年度，请用 --year 指定" in r.stderr
    r = run("--year", "2016", "--region", "平潭综合实验区", "--department", "平潭综合实验区招商局")
    assert r.returncode == 0, r.stderr
    assert f"{page} → [text] 平潭综合实验区招商局 · 平潭综合实验区 · 2016 · 预算" in r.stderr
