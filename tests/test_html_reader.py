"""Web pages as governments publish them (knowledge/html_reader.py) and plain text with a body on
one line (knowledge/text_reader.py).

Every expected value below was read by hand from the pages in ../shared/pingtan (their article
body, their <meta> tags). The round trips write the reference report and corpus reports out as
HTML here, in the test, and require the same facts as the originals."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from knowledge.html_reader import parse_html, read_article
from knowledge.ingest import read_report
from knowledge.model import ParsedReport, ReportError
from knowledge.text_reader import parse_text
from tests.conftest import REFERENCE, ROOT, SHARED

PINGTAN = SHARED / "pingtan"
needs_pingtan = pytest.mark.skipif(not PINGTAN.is_dir(), reason="../shared/pingtan missing")
PAGES = sorted(PINGTAN.glob("*.html")) if PINGTAN.is_dir() else []
URL = "https://www.pingtan.gov.cn/zwgk/zdlyxxgk/czzj/bmyjsgk/"

# file stem → department, region, level, year, kind, published, url tail
META = {
    "forest-farm-2014-final-approval": (
        "平潭国有防护林场", None, None, 2014, "决算", "2015-11-09 09:51", "bmjsgk/201606/t20160608_4510.htm"
    ),
    "transport-construction-bureau-2014-final": (
        "平潭综合实验区交通与建设局", "平潭综合实验区", "区", 2014, "决算", "2015-02-10 09:37",
        "bmjsgk/201606/t20160608_4490.htm",
    ),
    "admin-service-center-2014-final-approval": (
        "平潭综合实验区行政服务中心", "平潭综合实验区", "区", 2014, "决算", "2015-11-11 15:27",
        "bmjsgk/201606/t20160608_4494.htm",
    ),
    "procuratorate-2014-sangong-approval-table": (
        "平潭县人民检察院", "平潭县", "县", 2014, "决算", "2015-11-11 09:33", "bmjsgk/201606/t20160608_4496.htm"
    ),
    "baiqing-township-2014-final": (
        "平潭综合实验区白青乡人民政府", "平潭综合实验区", "乡镇", 2014, "决算", "2015-11-10 15:36",
        "bmjsgk/201606/t20160608_4503.htm",
    ),
    # titled "县政协2015年财政决算"; the body names it with its region, 平潭县政协
    "cppcc-2015-final": ("平潭县政协", "平潭县", "县", 2015, "决算", "2016-08-15 16:12", "bmjsgk/201612/t20161209_6119.htm"),
    "zhonglou-township-2016-budget": (
        "中楼乡", None, "乡镇", 2016, "预算", "2016-12-08 21:15", "bmysgk/201612/t20161209_6114.htm"
    ),
    "beicuo-town-2016-budget": ("北厝镇", None, "乡镇", 2016, "预算", "2016-12-08 16:47", "bmysgk/201612/t20161208_6139.htm"),
    "investment-bureau-2016-budget": (
        "平潭综合实验区招商局", "平潭综合实验区", "区", 2016, "预算", "2016-02-28 14:44",
        "bmysgk/201612/t20161216_6230.htm",
    ),
    "tancheng-town-2016-final": (
        "平潭综合实验区潭城镇人民政府", "平潭综合实验区", "乡镇", 2016, "决算", "2017-08-08 08:05",
        "bmjsgk/201708/t20170808_7559.htm",
    ),
}  # fmt: skip

# file stem → (what the sentence's figure is, value in 万元) as the page states it
FIGURES = {
    "forest-farm-2014-final-approval": ("本年收入", "364.94"),
    "transport-construction-bureau-2014-final": ("本年支出", "58451.40"),  # printed 58,451.40万元
    "admin-service-center-2014-final-approval": ("本年收入", "169.92"),
    "baiqing-township-2014-final": ("其中本年收入", "945.18"),
    "cppcc-2015-final": ("本年收入", "381.36"),
    "zhonglou-township-2016-budget": ("2016年全乡财政总收入安排", "1505"),
    "beicuo-town-2016-budget": ("2016年北厝镇政府收入预算为", "1682"),
    "tancheng-town-2016-final": ("本年收入", "2158.28"),
}


def _stem(path: Path) -> str:
    return path.stem.removeprefix("pingtan-")


@pytest.fixture(scope="module")
def pages() -> dict[str, ParsedReport]:
    return {_stem(p): read_report(p) for p in PAGES}


@needs_pingtan
def test_every_page_is_known():
    assert sorted(_stem(p) for p in PAGES) == sorted(META)


@needs_pingtan
@pytest.mark.parametrize("stem", sorted(META))
def test_page_metadata(pages, stem):
    department, region, level, year, kind, published, url = META[stem]
    m = pages[stem].meta
    assert (m.department, m.region, m.level, m.year, m.kind) == (department, region, level, year, kind)
    assert (m.published, m.url, m.source_format) == (published, URL + url, "html")


@needs_pingtan
@pytest.mark.parametrize("stem", sorted(FIGURES))
def test_a_figure_the_page_states(pages, stem):
    context, value = FIGURES[stem]
    found = [f for f in pages[stem].figures if f.context.endswith(context) and f.unit == "万元"]
    assert found, [f.context for f in pages[stem].figures][:20]
    assert found[0].value == Decimal(value)
    assert value.split(".")[0][-3:] in found[0].sentence.replace(",", "")


@needs_pingtan
def test_procuratorate_sangong_approval_table(pages):
    r = pages["procuratorate-2014-sangong-approval-table"]
    assert len(r.tables) == 1
    t = r.tables[0]
    assert t.title == "2014年“三公”经费公共财政拨款支出决算批复表" and t.unit == "万元"
    assert t.columns == [
        "“三公”经费公共财政拨款支出合计",
        "因公出国(境)费",
        "公务用车购置及运行维护费小计",
        "公务用车购置费",
        "公务用车运行维护费",
        "公务接待费",
    ]
    rows = {r.code or r.name: r for r in t.rows}
    assert [c.value for c in rows["2040401"].cells] == [
        Decimal(x) if x else None for x in ("43.07", "3.38", "37.62", "", "37.62", "2.08")
    ]
    assert rows["2040402"].name == "一般行政管理事务"
    assert rows["2040402"].cell("因公出国(境)费").value is None  # printed empty (&nbsp;)
    assert rows["2040402"].cell("公务接待费").value == Decimal("6.02")
    assert rows["合计"].cell("“三公”经费公共财政拨款支出合计").value == Decimal("60.16")
    assert rows["204"].name == "公共安全支出" and rows["20404"].name == "检察"
    # cited by the physical line of the page's source (the body is on one line); a web page has no pages
    assert rows["2040401"].source.page is None and rows["2040401"].source.line == t.source.line > 100


@needs_pingtan
@pytest.mark.parametrize(
    "stem,row,staff,employed",
    [
        ("tancheng-town-2016-final", "政府行政机关（行政）", "32", "36"),
        ("baiqing-township-2014-final", "政府机关（财政拨款）", "22", "21"),
        ("cppcc-2015-final", "平潭县政协（行政）", "13", "18"),
        ("investment-bureau-2016-budget", "平潭综合实验区招商局（财政核拨）", "11", "5"),  # printed "11人"
        ("beicuo-town-2016-budget", "政府行政机关（财政核拨）", "39", "39"),
    ],
)
def test_unit_tables_are_counts_of_people_not_money(pages, stem, row, staff, employed):
    (t,) = pages[stem].tables
    assert t.unit == "人" and t.layout == "counts"
    r = next(x for x in t.rows if x.name == row)
    assert [c.value for c in r.cells] == [Decimal(staff), Decimal(employed)]


@needs_pingtan
def test_site_chrome_attachments_and_word_markup_are_dropped(pages):
    for stem, r in pages.items():
        text = "".join(s.text for s in r.sections)
        for word in (
            "首页",
            "浏览量",
            "微信",
            "微博",
            "来源：",
            "<!--",
            "[if",
            "supportLists",
            "\xa0",
            ".xls",
        ):
            assert word not in text, (stem, word)
    tancheng = [s.heading for s in pages["tancheng-town-2016-final"].sections]
    assert "一、部门主要职责" in tancheng and "十一、名词解释" in tancheng
    assert "(一)政府采购支出情况" in tancheng


@needs_pingtan
def test_page_inconsistencies_are_kept_as_printed(pages):
    """中楼乡 prints two totals (2393.3 and 2396.3万元); both stay the page's own figures."""
    text = "".join(s.text for s in pages["zhonglou-township-2016-budget"].sections)
    assert "2393.3万元" in text and "2396.3万元" in text


@needs_pingtan
def test_every_page_ingests_and_is_listed(tmp_path):
    db = tmp_path / "kb.db"
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR", "COLUMNS")}
    r = subprocess.run(
        [sys.executable, "-m", "cli", "--db", str(db), "ingest", str(PINGTAN)],
        capture_output=True, text=True, cwd=ROOT, timeout=300, env=env,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "导入 ingested 10" in r.stderr and "失败 failed 0" in r.stderr
    line = next(ln for ln in r.stderr.splitlines() if "tancheng" in ln)
    assert "[html] 平潭综合实验区潭城镇人民政府 · 平潭综合实验区 · 2016 · 决算" in line
    listed = subprocess.run(
        [sys.executable, "-m", "cli", "--db", str(db), "reports", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120, env=env,
    )  # fmt: skip
    rows = {x["department"]: x for x in json.loads(listed.stdout)}
    assert len(rows) == 10
    farm = rows["平潭国有防护林场"]
    assert (farm["year"], farm["kind"], farm["published"]) == (2014, "决算", "2015-11-09 09:51")
    assert rows["北厝镇"]["level"] == "乡镇" and rows["平潭县人民检察院"]["region"] == "平潭县"
    plain = subprocess.run(
        [sys.executable, "-m", "cli", "--db", str(db), "reports"],
        capture_output=True, text=True, cwd=ROOT, timeout=120, env=env,
    )  # fmt: skip
    tancheng = next(ln for ln in plain.stdout.splitlines() if "潭城镇" in ln).split("\t")
    assert tancheng[1:5] == ["平潭综合实验区潭城镇人民政府", "平潭综合实验区", "2016", "决算"]


# -- generic portal pages ---------------------------------------------------------------------------
GENERIC = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>某某区人民政府门户网站</title>
<meta property="og:title" content="某某区文化和旅游局2024年度部门决算">
<meta name="PubDate" content="2025-09-01">
<script>var x = "2024年度部门决算";</script><style>p {color: red}</style></head>
<body><div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zw">政务公开</a></li></ul></div>
<div class="left"><a href="/a">通知公告</a> <a href="/b">政策解读</a> <a href="/c">办事服务</a></div>
<div class="wrap"><div class="con">
<p>某某区文化和旅游局2024年度部门决算</p>
<p>一、部门主要职责</p>
<p>负责全区文化和旅游工作。</p>
<p>二、收入支出决算总体情况</p>
<p>2024年度收入总计<span>1,</span>
<span>234.56</span>万元，支出总计1,234.56万元。&lt;!--[if !supportLists]--&gt;1．&lt;!--[endif]--&gt;基本支出&nbsp;&nbsp;800.00万元。</p>
<p><a href="/files/a.xls">附件1：2024年部门决算公开表.xls</a></p>
<table border="1"><caption>一般公共预算财政拨款支出决算表</caption><tr><td rowspan="2">科目编码</td><td rowspan="2">科目名称</td><td colspan="2">本年支出</td></tr>
<tr><td class="head">基本支出</td><td class="head">项目支出</td></tr>
<tr><td>207</td><td>文化旅游体育与传媒支出</td><td x:num="800">800.00</td><td x:num="434.56">434.56</td></tr>
<tr><td>20701</td><td>文化和旅游</td><td>800.00</td><td>434.56</td></tr></table>
<p>来源：某某区文化和旅游局</p><p>【打印】【关闭】</p>
</div></div><div class="footer"><p>版权所有：某某区人民政府 2024年度</p></div></body></html>"""


def test_generic_portal_page_without_the_content_class():
    r = parse_html(GENERIC, "generic.html")
    m = r.meta
    assert (m.department, m.year, m.kind, m.region, m.published) == (
        "某某区文化和旅游局", 2024, "决算", "某某区", "2025-09-01"
    )  # fmt: skip
    text = "".join(s.text for s in r.sections)
    assert "首页" not in text and "通知公告" not in text and "版权所有" not in text and "打印" not in text
    assert ".xls" not in text and "supportLists" not in text
    income = next(f for f in r.figures if f.context.endswith("收入总计"))
    assert income.value == Decimal("1234.56")  # "1," and "234.56" in two spans
    assert any(f.value == Decimal("800.00") and "基本支出" in f.context for f in r.figures)
    (t,) = r.tables
    assert t.title == "一般公共预算财政拨款支出决算表"  # its <caption>
    row = next(x for x in t.rows if x.code == "207")
    assert row.name == "文化旅游体育与传媒支出"
    assert [(c.column, c.value) for c in row.cells] == [
        ("基本支出", Decimal("800.00")),
        ("项目支出", Decimal("434.56")),
    ]


def test_article_element_is_preferred_and_gb18030_is_read(tmp_path):
    page = GENERIC.replace('<div class="con">', "<article>").replace(
        "</div></div><div class", "</article></div><div class"
    )
    path = tmp_path / "page.htm"
    path.write_bytes(page.replace('charset="utf-8"', 'charset="gb2312"').encode("gb18030"))
    r = read_report(path)
    assert r.meta.department == "某某区文化和旅游局" and r.meta.source_format == "html"


def test_page_without_article_text_is_refused(tmp_path):
    from knowledge.ingest import ingest_file
    from knowledge.store import open_db

    path = tmp_path / "empty.html"
    path.write_text(
        "<!DOCTYPE html><html><head><title>x</title><script>1</script></head><body></body></html>"
    )
    db_path = tmp_path / "kb.db"
    db = open_db(db_path)
    db.close()
    before = db_path.read_bytes()
    db = open_db(db_path)
    o = ingest_file(db, str(path))
    db.close()
    assert o.status == "failed" and "没有正文" in o.message
    assert db_path.read_bytes() == before


# -- metamorphic round trips ------------------------------------------------------------------------
def _html_page(body: list[str]) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>' + "\n".join(body) + "</body></html>"
    )


def _table(grid: list[list[str]]) -> str:
    cell = lambda c: html.escape(c or "").replace("\n", "<br>")  # noqa: E731
    return (
        "<table>"
        + "".join("<tr>" + "".join(f"<td>{cell(c)}</td>" for c in r) + "</tr>" for r in grid)
        + "</table>"
    )


def markdown_as_html(text: str) -> str:
    """The markdown report as a web page: # lines as <h2>, tab-separated runs as <table>, the
    other lines as <p>."""
    body: list[str] = []
    rows: list[list[str]] = []
    for line in text.splitlines() + [""]:
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            body.append(_table(rows))
            rows = []
        s = line.strip()
        if s.startswith("#"):
            body.append(f"<h2>{html.escape(s.lstrip('#').strip())}</h2>")
        elif s:
            body.append(f"<p>{html.escape(s)}</p>")
    return _html_page(body)


def pages_as_html(data: dict) -> str:
    """A page-text JSON report as a paged web page (as PDF-to-HTML converters write them): one
    page-break block per page, its text lines as <p>, each table as <table> where its lines stood."""
    from knowledge.numbers import nfkc

    body: list[str] = []
    for text, grids in zip(data["page_texts"], data["page_tables"], strict=True):
        hay = ["\x00".join(nfkc(c or "") for r in g for c in r) + "\x00" + "".join(
            nfkc(c or "").replace("\n", "").replace(" ", "") + "\x00" for r in g for c in r) for g in grids]  # fmt: skip
        placed: set[int] = set()
        body.append('<div style="page-break-after: always">')
        for line in (text or "").splitlines():
            toks = nfkc(line).split()
            owner = next((i for i, h in enumerate(hay) if toks and all(t in h for t in toks)), None)
            if owner is None:
                body.append(f"<p>{html.escape(line)}</p>")
            elif owner not in placed:
                placed.add(owner)
                body.append(_table(grids[owner]))
        body += [_table(g) for i, g in enumerate(grids) if i not in placed]
        body.append("</div>")
    return _html_page(body)


def facts(r: ParsedReport) -> tuple:
    """What a report states: its tables' cells and its sections' sentences (whitespace runs as one
    space: HTML shows them so), its narrative figures and its metadata."""

    def ws(t):
        return re.sub(r"\s+", " ", t).strip()

    tables = [
        (t.code, t.title, t.unit, t.layout, t.columns, t.empty,
         [(x.code, x.name, x.group, x.row_no, x.is_total, [(c.column, c.value) for c in x.cells]) for x in t.rows])
        for t in r.tables
    ]  # fmt: skip
    sections = [(s.path, [ws(x.text) for x in s.sentences]) for s in r.sections]
    figures = [(f.context, f.value, f.unit) for f in r.figures]
    return (
        tables,
        sections,
        figures,
        (r.meta.department, r.meta.year, r.meta.kind, r.meta.region, r.meta.scope),
    )


def test_reference_report_as_html_reads_the_same(reference_report):
    page = parse_html(markdown_as_html(REFERENCE.read_text(encoding="utf-8")), "reference.html")
    assert facts(page) == facts(reference_report)
    assert len(page.tables) == 10 and sum(len(t.rows) for t in page.tables) > 100
    assert [u.reason for u in page.unplaced] == [u.reason for u in reference_report.unplaced]


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared/corpus missing")
@pytest.mark.parametrize(
    "name",
    [
        "shanghai-putuo-ecology-environment-bureau-2025-final.pages.json",
        "shanghai-putuo-yichuanlu-street-2025-final.pages.json",
    ],
)
def test_corpus_report_as_paged_html_reads_the_same(name):
    from knowledge.pages import parse_pages_json

    path = SHARED / "corpus" / name
    text = path.read_text(encoding="utf-8")
    original = parse_pages_json(text, str(path))
    page = parse_html(pages_as_html(json.loads(text)), "corpus.html")
    assert facts(page) == facts(original)
    assert len(page.tables) == 9 and page.meta.source_format == "html"


# -- plain text with the body on one line -----------------------------------------------------------
def _body_lines(stem: str) -> list[str]:
    art = read_article((PINGTAN / f"pingtan-{stem}.html").read_text(encoding="utf-8"))
    lines = [b.text for b in art.blocks if b.kind in ("text", "heading")]
    return lines if art.meta.title in lines[:3] else [art.meta.title] + lines


def _sections(r: ParsedReport) -> list[tuple]:
    return [(s.path, re.sub(r"\s+", "", s.text)) for s in r.sections]


@needs_pingtan
@pytest.mark.parametrize(
    "stem,joiner", [("baiqing-township-2014-final", ""), ("beicuo-town-2016-budget", " ")]
)
def test_one_line_body_splits_into_the_same_sections(stem, joiner):
    lines = _body_lines(stem)
    by_line = parse_text("\n".join(lines), "lines.txt")
    one_line = parse_text(lines[0] + "\n" + joiner.join(lines[1:]), "one.txt")
    assert len(by_line.sections) >= 8
    assert _sections(one_line) == _sections(by_line)
    assert {(f.context, f.value) for f in one_line.figures} >= {
        ("其中本年收入", Decimal("945.18"))
    } or stem != ("baiqing-township-2014-final")


@needs_pingtan
def test_one_line_template_report_keeps_every_numbered_heading():
    lines = _body_lines("tancheng-town-2016-final")
    by_line = parse_text("\n".join(lines), "lines.txt")
    one_line = parse_text(lines[0] + "\n" + "".join(lines[1:]), "one.txt")
    numbered = [s.heading for s in by_line.sections if re.match(r"^[一二三四五六七八九十]+、|^\(", s.heading)]
    assert len(numbered) == 13
    assert [s.heading for s in one_line.sections if s.heading in numbered] == numbered
    assert [s.text for s in one_line.sections if s.heading == "八、机关运行经费支出情况"] == [
        s.text for s in by_line.sections if s.heading == "八、机关运行经费支出情况"
    ]


def test_text_line_that_cannot_be_cut_is_refused_with_its_line(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("上海市普陀区财政局2024年度部门决算\n" + "很" * 20000 + "\n", encoding="utf-8")
    with pytest.raises(ReportError) as e:
        read_report(path)
    assert e.value.line == 2 and "过长" in e.value.message


def test_text_file_is_read_by_the_text_reader(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(
        "上海市普陀区财政局2024年度部门决算\n"
        + "一、部门主要职责负责全区财政工作。" * 6
        + "二、收入支出决算总体情况2024年度收入总计1,234.56万元，支出总计1,200.00万元。" * 3
        + "\n",
        encoding="utf-8",
    )
    r = read_report(path)
    assert r.meta.source_format == "text" and r.meta.department == "上海市普陀区财政局"
    assert "二、收入支出决算总体情况" in [s.heading for s in r.sections]
    cut = [s for sec in r.sections if sec.heading for s in sec.sentences]
    assert cut and all(s.source.line == 2 for s in cut)  # each piece cites the physical line it stood on


@needs_pingtan
def test_page_body_run_together_into_one_paragraph():
    """A portal body pasted as one <p> (no <br> between sections) reads the same sections."""
    lines = _body_lines("baiqing-township-2014-final")
    by_line = parse_text("\n".join(lines), "lines.txt")
    page = _html_page([f"<p>{html.escape(lines[0])}</p>", "<p>" + html.escape("".join(lines[1:])) + "</p>"])
    r = parse_html(page, "one.html")
    assert _sections(r) == _sections(by_line)
    assert r.meta.department == "平潭综合实验区白青乡人民政府"


def test_word_saved_html_markup():
    """Word's "save as HTML": upper-case tags, <o:p> inside paragraphs, numbers split over spans."""
    page = (
        "<html><body><div class=WordSection1><P class=MsoNormal><SPAN>上海市某区财政局2024年度部门决算</SPAN>"
        "<o:p></o:p></P>\n<P>一、部门主要职责<o:p></o:p></P><P><SPAN lang=EN-US>负责全区财政工作，本年支出</SPAN>"
        "<SPAN>1,</SPAN>\n<SPAN>234.50</SPAN>万元。<o:p></o:p></P></div></body></html>"
    )
    r = parse_html(page, "word.html")
    assert r.meta.department == "上海市某区财政局" and r.meta.level == "区"
    assert [(s.heading, [x.text for x in s.sentences]) for s in r.sections] == [
        ("一、部门主要职责", ["负责全区财政工作,本年支出1,234.50万元。"])
    ]
    assert [(f.context, f.value) for f in r.figures] == [("本年支出", Decimal("1234.50"))]


# -- table grids: rowspan/colspan as a browser places them -------------------------------------------
def _grids(table_html: str, path: str = "t.html") -> list[list[list[str]]]:
    """The grids the reader makes of a page holding these tables (the reader's whole path: parse,
    body, walker)."""
    page = _html_page(["<p>某某局2024年度部门决算</p>", table_html])
    return [b.grid for b in read_article(page, path).blocks if b.kind == "table"]


@needs_pingtan
def test_real_page_with_rowspan_and_colspan_grid_cell_by_cell():
    # the only page of the ten with spans: a two-row header (项 目 colspan=2 over 编码/名称; 合计, 因公出国
    # (境)费, 小计 and 公务接待费 rowspan=2; an empty cell colspan=2 over 购置费/运行维护费), read by hand
    # from the page source (lines 350-404)
    (grid,) = [
        b.grid
        for b in read_article(
            (PINGTAN / "pingtan-procuratorate-2014-sangong-approval-table.html").read_text("utf-8")
        ).blocks
        if b.kind == "table"
    ]
    assert grid[2:] == [
        ["项 目", "", "“三公”经费公共财政拨款支出合计", "因公出国（境）费", "公务用车购置及运行维护费小计", "", "", "公务接待费"],
        ["支出功能分类科目编码", "科目名称", "", "", "", "公务用车购置费", "公务用车运行维护费", ""],
        ["类款项", "合计", "60.16", "3.38", "48.69", "", "48.69", "8.10"],
        ["204", "公共安全支出", "60.16", "3.38", "48.69", "", "48.69", "8.10"],
        ["20404", "检察", "60.16", "3.38", "48.69", "", "48.69", "8.10"],
        ["2040401", "行政运行", "43.07", "3.38", "37.62", "", "37.62", "2.08"],
        ["2040402", "一般行政管理事务", "17.09", "", "11.07", "", "11.07", "6.02"],
    ]  # fmt: skip
    assert (
        grid[1][0] == "部门（单位）：平潭县人民检察院" and grid[1][-1] == "单位：万元"
    )  # colspan=3 then 5 cells


def test_spanned_header_and_body_cells_take_the_slots_a_browser_gives_them():
    (grid,) = _grids(
        "<table>"
        '<tr><th rowspan="2">科目编码</th><th rowspan="2">科目名称</th><th colspan="3">本年支出</th></tr>'
        "<tr><th>合计</th><th>基本支出</th><th>项目支出</th></tr>"
        '<tr><td colspan="2">合计</td><td>672.13</td><td>119.54</td><td>552.59</td></tr>'
        '<tr><td rowspan="2">201</td><td>一般公共服务支出</td><td>637.37</td><td>84.78</td><td>552.59</td></tr>'
        '<tr><td>事业运行</td><td>84.78</td><td>84.78</td><td rowspan="3">0.00</td></tr>'  # past the end
        "</table>"
    )
    assert grid == [
        ["科目编码", "科目名称", "本年支出", "", ""],
        ["", "", "合计", "基本支出", "项目支出"],
        ["合计", "", "672.13", "119.54", "552.59"],
        ["201", "一般公共服务支出", "637.37", "84.78", "552.59"],
        ["", "事业运行", "84.78", "84.78", "0.00"],
    ]


def test_a_header_rowspan_ends_with_its_row_group():
    # 项目 says rowspan=3 in a two-row <thead>: a browser ends it with the head, so the body's first
    # cell is in the first column. Carried on into the body it pushed 合计's row one column right:
    # 119.54 under 项目支出, 合计 · 基本支出 read as the 项目支出 figure.
    (grid,) = _grids(
        '<table><thead><tr><th rowspan="3">项目</th><th colspan="2">本年支出</th></tr>'
        "<tr><th>基本支出</th><th>项目支出</th></tr></thead>"
        "<tbody><tr><td>合计</td><td>119.54</td><td>552.59</td></tr>"
        "<tr><td>一般公共服务支出</td><td>84.78</td><td>552.59</td></tr></tbody></table>"
    )
    assert grid == [
        ["项目", "本年支出", ""],
        ["", "基本支出", "项目支出"],
        ["合计", "119.54", "552.59"],
        ["一般公共服务支出", "84.78", "552.59"],
    ]
    # the same in a report: the 合计 row's figures under their own columns (carried on, the row
    # was pushed into the header and lost)
    page = _html_page(
        [
            "<p>某某局2024年度部门决算</p><p>一、支出决算情况</p>",
            "<table><caption>一般公共预算财政拨款支出决算表</caption>"
            '<thead><tr><th rowspan="3">科目名称</th><th colspan="3">本年支出</th></tr>'
            "<tr><th>合计</th><th>基本支出</th><th>项目支出</th></tr></thead>"
            "<tbody><tr><td>合计</td><td>672.13</td><td>119.54</td><td>552.59</td></tr>"
            "<tr><td>一般公共服务支出</td><td>637.37</td><td>84.78</td><td>552.59</td></tr></tbody></table>",
        ]
    )
    r = parse_html(page, "t.html")
    (t,) = r.tables
    assert t.columns == ["合计", "基本支出", "项目支出"] and not r.unplaced
    assert [(x.name, x.is_total, [c.raw for c in x.cells]) for x in t.rows] == [
        ("合计", True, ["672.13", "119.54", "552.59"]),
        ("一般公共服务支出", False, ["637.37", "84.78", "552.59"]),
    ]


def test_rowspan_zero_footer_first_and_spans_as_html_reads_them():
    # rowspan="0": the rest of the group; a <tfoot> written before the body is drawn under it;
    # "2.0" and "2px" are 2 (HTML reads the leading digits), "x" and "0" in colspan are 1
    grids = _grids(
        '<table><tr><td>项目</td><td>金额</td><td rowspan="0">备注</td></tr>'
        '<tr><td rowspan="2">甲</td><td>1.00</td></tr><tr><td>2.00</td></tr></table>'
        "<table><thead><tr><th>项目</th><th>金额</th></tr></thead>"
        "<tfoot><tr><td>合计</td><td>3.00</td></tr></tfoot>"
        "<tbody><tr><td>甲</td><td>1.00</td></tr><tr><td>乙</td><td>2.00</td></tr></tbody></table>"
        '<table><tr><td colspan="2.0">合计</td><td>3.00</td></tr>'
        '<tr><td rowspan="2px">甲</td><td colspan="x">乙</td><td colspan="0">1.00</td></tr>'
        "<tr><td>丙</td><td>2.00</td></tr></table>"
    )
    assert grids == [
        [["项目", "金额", "备注"], ["甲", "1.00", ""], ["", "2.00", ""]],
        [["项目", "金额"], ["甲", "1.00"], ["乙", "2.00"], ["合计", "3.00"]],
        [["合计", "", "3.00"], ["甲", "乙", "1.00"], ["", "丙", "2.00"]],
    ]


def test_a_rowspan_past_the_table_is_bounded_by_it():
    from knowledge.html_reader import _parse_tree, table_grid

    t = _parse_tree(
        '<table><tr><td rowspan="65534" colspan="3">项目</td><td>金额</td></tr><tr><td>1.00</td></tr></table>',
        "",
    ).find(".//table")
    assert table_grid(t) == [["项目", "", "", "金额"], ["", "", "", "1.00"]]


@pytest.mark.parametrize(
    "table,what",
    [
        ('<tr><td rowspan="100000">项目</td><td>金额</td></tr><tr><td>1.00</td></tr>', "rowspan=100000"),
        ('<tr><td>项目</td><td colspan="5000">金额</td></tr><tr><td>1.00</td></tr>', "colspan=5000"),
        # no span too large, but a staircase of rowspans: each row's cell one column further right
        ("".join(f'<tr><td rowspan="1000">{i}.00</td></tr>' for i in range(1000)), "201 栏"),
    ],
    ids=["rowspan", "colspan", "staircase"],
)
def test_hostile_spans_are_refused_with_file_and_line(tmp_path, table, what):
    import time

    page = _html_page(
        ["<p>某某局2024年度部门决算</p>", "<p>一、收入支出决算总体情况说明</p>", f"<table>\n{table}</table>"]
    )
    started = time.perf_counter()
    with pytest.raises(ReportError) as e:
        parse_html(page, "hostile.html")
    assert time.perf_counter() - started < 1
    assert what in e.value.message and "上限" in e.value.message
    assert e.value.path == "hostile.html" and e.value.line == 4  # the line of the cell
    path = tmp_path / "hostile.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(ReportError, match=what):
        read_report(path)


# -- damage that would move a figure: refused with the file and line -------------------------------
def _page_without(stem: str, holds: str, *, double: bool = False) -> tuple[str, int]:
    """A real page with the first source line holding ``holds`` dropped (or doubled), and that
    line's number: the damage a broken download or a careless edit does to a page."""
    lines = (PINGTAN / f"pingtan-{stem}.html").read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(lines) if holds in line)
    lines[i : i + 1] = [lines[i]] * 2 if double else []
    return "\n".join(lines) + "\n", i + 1


@needs_pingtan
@pytest.mark.parametrize(
    "holds,double,row,fills",
    [
        (
            "“三公”经费公共财政拨款支出合计",
            False,
            3,
            7,
        ),  # a header cell's line dropped: 合计 · 小计 read 3.38
        ('x:num="43.07"', True, 8, 9),  # a body cell's line doubled: 行政运行's figures one column right
    ],
)
def test_a_table_row_that_lost_or_gained_a_cell_is_refused(holds, double, row, fills):
    text, n = _page_without("procuratorate-2014-sangong-approval-table", holds, double=double)
    with pytest.raises(ReportError) as e:
        parse_html(text, "p.html")
    assert f"表格第 {row} 行占 {fills} 栏，其他行占 8 栏" in e.value.message
    assert e.value.path == "p.html" and n - 3 <= e.value.line <= n  # the <tr> over that cell


def test_a_column_numbers_line_that_lost_its_first_cell_is_refused():
    # read on, 栏次 2 3 4 … became the 合计 row's figures (预算数·合计 = 2)
    head = "<tr><td>合计</td><td>因公出国（境）费</td><td>公务接待费</td></tr>"
    page = _html_page(
        [
            "<p>某某局2024年度部门决算</p><p>三、财政拨款“三公”经费支出决算表</p>",
            f"<table>{head}<tr><td>2</td><td>3</td></tr><tr><td>1.93</td><td>0.00</td><td>1.93</td></tr></table>",
        ]
    )
    with pytest.raises(ReportError, match="表格第 2 行占 2 栏，其他行占 3 栏"):
        parse_html(page, "t.html")


@needs_pingtan
def test_a_style_never_closed_is_refused_not_read_as_another_report():
    # the rest of the page read as CSS: what was left named 平潭县政协 as 县政协, a report of no figures
    text, n = _page_without("cppcc-2015-final", "</style>")
    with pytest.raises(ReportError, match="<style> 没有结束标签") as e:
        parse_html(text, "c.html")
    assert e.value.line < n


@needs_pingtan
def test_an_attribute_quote_left_open_is_refused():
    # the line closing a <p style="… was lost: the style ran on over the unit table's <table> tag, and
    # its cells were read as sentences ("…在职人数平潭综合实验区招商局财政核拨11人")
    text, n = _page_without("investment-bureau-2016-budget", "招商局部门包括")
    with pytest.raises(ReportError, match="标签属性里有别的标签") as e:
        parse_html(text, "i.html")
    assert n <= e.value.line <= n + 10  # the line where the swallowed markup ends


def test_table_cells_outside_any_table_are_refused():
    for body in ("<tr><td>合计</td><td>119.54</td></tr>", "<div><td>合计</td><td>119.54</td></div>"):
        with pytest.raises(ReportError, match="不在任何 <table> 里"):
            parse_html(_html_page(["<p>某某局2024年度部门决算</p>", body]), "t.html")


def test_old_table_layout_portal_title_from_its_title_cell_or_title_tag():
    side = "<table>" + "".join(
        f"<tr><td><a href=/n{i}>某某区新闻标题第{i}条很长很长的标题</a></td></tr>" for i in range(30)
    )
    page = (
        "<html><head><title>某某县门户</title></head><body><table width=980><tr><td width=200>"
        + side
        + "</table></td><td><table><tr><td class=bt>某某县农业农村局2023年度部门决算公开</td></tr>"
        "<tr><td class=nr>一、部门主要职责<br>负责全县农业农村工作。<br>二、收入支出决算总体情况<br>"
        "2023年度收入总计1,500.00万元，支出总计1,480.00万元。<br></td></tr></table></td></tr></table>"
        "<div class=foot>版权所有 某某县人民政府 2023年度</div></body></html>"
    )
    r = parse_html(page, "old.html")
    assert (r.meta.department, r.meta.year, r.meta.kind, r.meta.level) == (
        "某某县农业农村局",
        2023,
        "决算",
        "县",
    )
    assert [s.heading for s in r.sections] == ["一、部门主要职责", "二、收入支出决算总体情况"]
    assert "新闻标题" not in "".join(s.text for s in r.sections)
    in_title_tag = page.replace(
        "<title>某某县门户", "<title>某某县农业农村局2023年度部门决算公开_某某县人民政府"
    )
    r = parse_html(in_title_tag.replace("class=bt", "class=x"), "old.html")
    assert r.meta.department == "某某县农业农村局" and r.meta.title == "某某县农业农村局2023年度部门决算公开"


def test_text_reader_reads_the_reference_as_the_markdown_reader(reference_report):
    """The same line rules: the reference saved as .txt gives the same rows (as printed, same
    lines), sentences and figures as the markdown reader."""
    r = parse_text(REFERENCE.read_text(encoding="utf-8"), "reference.txt")
    assert facts(r) == facts(reference_report)

    def rows(x):
        return [(t.label, [(w.name, w.raw, w.source.line) for w in t.rows]) for t in x.tables]

    assert rows(r) == rows(reference_report)
    assert [(s.text, s.source.line) for sec in r.sections for s in sec.sentences] == [
        (s.text, s.source.line) for sec in reference_report.sections for s in sec.sentences
    ]
