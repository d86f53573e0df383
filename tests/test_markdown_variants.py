"""The reader works by structure and meaning, not by this one file: a variant of the reference
report with another department and year, no 公开NN表 numbers and pipe tables reads the same."""

import re
from decimal import Decimal

import pytest

from knowledge.markdown import parse_markdown
from tests.conftest import REFERENCE


def _variant() -> str:
    text = REFERENCE.read_text(encoding="utf-8")
    text = re.sub(r"^公开\d+表\s*$", "", text, flags=re.M)
    text = text.replace("贵阳市12345政务服务便民热线事务中心", "遵义市数据服务中心").replace("2024", "2023")
    out = []
    for line in text.splitlines():
        if "\t" in line:
            cells = line.split("\t")
            out.append("| " + " | ".join(cells) + " |")
            if len(out) == 1 or not out[-2].startswith("|"):
                out.append("|" + "---|" * len(cells))
        else:
            out.append(line)
    return "\n".join(out)


@pytest.fixture(scope="module")
def variant_db(tmp_path_factory):
    from knowledge.ingest import ingest_file
    from knowledge.store import open_db

    path = tmp_path_factory.mktemp("variant") / "variant.md"
    path.write_text(_variant(), encoding="utf-8")
    db_path = path.with_suffix(".db")
    db = open_db(db_path)
    assert ingest_file(db, str(path)).status == "ingested"
    db.close()
    return db_path


def test_variant_parses_like_the_original(reference_report):
    v = parse_markdown(_variant(), "variant.md")
    assert (v.meta.department, v.meta.year) == ("遵义市数据服务中心", 2023)
    assert [t.title for t in v.tables] == [t.title for t in reference_report.tables]
    assert [t.layout for t in v.tables] == [t.layout for t in reference_report.tables]
    assert all(t.code is None for t in v.tables)
    for a, b in zip(v.tables, reference_report.tables, strict=True):
        assert [(r.code, r.name, [c.value for c in r.cells]) for r in a.rows] == [
            (r.code, r.name, [c.value for c in r.cells]) for r in b.rows
        ]


@pytest.mark.parametrize(
    "question,value",
    [
        ("办公费花了多少", "9.37"),
        ("住房公积金", "9.69"),
        ("基本支出", "119.54"),
        ("哪个科目花钱最多", "552.59"),
    ],
)
def test_variant_answers_like_the_original(variant_db, bot, question, value):
    from bot import Bot

    a = Bot(variant_db).ask(question)
    b = bot.ask(question)
    assert a.value == b.value == Decimal(value)
    assert a.citations[0].table.split(" ")[-1] == b.citations[0].table.split(" ")[-1]


def test_unmarked_table_titles_open_tables():
    """Titles printed as plain lines ("2. 2025年部门收入预算总表") still head their tables."""
    text = "\n".join(
        [
            "# 上海市普陀区示例局2025年部门预算",
            "## 第二部分 2025年部门预算表",
            "1. 2025年部门收入预算总表",
            "编制部门：上海市普陀区示例局\t单位：元",
            "项目\t\t\t合计\t财政拨款收入",
            "科目编码\t\t\t科目名称\t1\t2",
            "201\t一般公共服务支出\t\t1,000.00\t1,000.00",
            "20106\t财政事务\t\t1,000.00\t1,000.00",
        ]
    )
    r = parse_markdown(text, "budget.md")
    assert (r.meta.kind, r.meta.year) == ("预算", 2025)
    (t,) = r.tables
    assert t.title == "2025年部门收入预算总表" and t.unit == "元"
    row = next(x for x in t.rows if x.code == "20106")
    assert row.cell("合计").value == Decimal("1000.00")
