"""Word and Excel reports, and reports published as several files (bundles).

Metamorphic round trips: the reference report and corpus reports are written out by the test
itself into .docx (python-docx) and .xlsx (openpyxl), the way a department publishes them
(headings, paragraphs, Word/Excel tables; the tables in a workbook and the 说明 in a Word file),
and must read to exactly the same facts (tables, rows, cells, sentences, figures) as the originals.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.enum.text import WD_BREAK
from openpyxl.styles import Border, Font, Side

from knowledge.docx_reader import docx_blocks, open_zip
from knowledge.ingest import _same_department, ingest, ingest_bundle, read_bundle, read_report
from knowledge.limits import Limits
from knowledge.markdown import table_cells
from knowledge.model import ReportError
from knowledge.narrative import PART
from knowledge.numbers import nfkc
from knowledge.pages import _NOTE as NOTE
from knowledge.pages import DEPT_LINE, UNIT, PageReader, _financial, is_table_title, parse_pages
from knowledge.pdf import extract_pages
from knowledge.readers import OLE, reader_for
from knowledge.store import open_db
from knowledge.xlsx_reader import number_text, xlsx_sheets
from tests.conftest import ROOT

SHARED = Path(__file__).resolve().parents[2] / "shared"
REFERENCE = SHARED / "reports" / "guiyang-12345-hotline-2024-final.md"
CORPUS = [
    SHARED / "corpus" / "shanghai-putuo-ecology-environment-bureau-2025-final.pages.json",
    SHARED / "corpus" / "shanghai-putuo-yichuanlu-street-2025-final.pages.json",
]
# every page-text report of the corpus (the benchmark writes the first two only)
ALL_CORPUS = sorted((SHARED / "corpus").glob("*.pages.json"))


# -- the facts a report states, without where they stand -------------------------------------------


def facts(r) -> dict:
    tables = [
        (
            t.code,
            t.title,
            t.unit,
            tuple(t.columns),
            t.empty,
            t.empty_reason,
            tuple(t.notes),
            tuple(
                (
                    row.name,
                    row.code,
                    row.group,
                    row.row_no,
                    row.is_total,
                    tuple((c.column, c.raw, c.value) for c in row.cells),
                )
                for row in t.rows
            ),
        )
        for t in r.tables
    ]
    sentences = [(tuple(s.path), tuple(x.text for x in s.sentences)) for s in r.sections if s.sentences]
    return {
        "meta": (r.meta.department, r.meta.year, r.meta.kind, r.meta.title, r.meta.region, r.meta.scope),
        "tables": tables,
        "sentences": sentences,
        "figures": [
            (f.context, f.value, f.unit, f.raw, f.sentence, tuple(f.section_path)) for f in r.figures
        ],
        "terms": [(t.term, t.definition) for t in r.terms],
        "performance": [
            (
                p.project,
                p.unit,
                sorted(p.funds.items()),
                [(i.name, i.target, i.actual, i.score) for i in p.indicators],
            )
            for p in r.performance
        ],
        "unplaced": sorted((u.text.strip(), u.reason) for u in r.unplaced),
    }


def assert_same_facts(got, want, skip: tuple[str, ...] = ()) -> None:
    a, b = facts(got), facts(want)
    for key in a:
        if key in skip:
            continue
        assert a[key] == b[key], key


def _sentences(r) -> list[str]:
    return [x.text for s in r.sections for x in s.sentences]


# -- writers: what a department's Word / Excel file of the same report holds -------------------------


def _docx_table(d, rows: list[list[str]], ragged: bool) -> None:
    width = max(len(r) for r in rows)
    t = d.add_table(rows=len(rows), cols=width)
    for tr, cells in zip(t.rows, rows, strict=True):
        tcs = tr.cells
        for tc, text in zip(tcs, cells, strict=False):
            if text:
                tc.text = text
        if ragged:  # a tab-separated line ends where it ends: so does the Word row
            for tc in tr._tr.tc_lst[len(cells) :]:
                tr._tr.remove(tc)


def markdown_to_docx(text: str, keep=lambda raw: True) -> bytes:
    """``#`` headings as Heading styles, paragraphs, tab-separated lines as Word tables."""
    d = docx.Document()
    rows: list[list[str]] = []
    for raw in text.splitlines() + [""]:
        cells = table_cells(raw)
        if cells is not None and keep(raw):
            if cells:
                rows.append(cells)
            continue
        if rows:
            _docx_table(d, rows, ragged=True)
            rows = []
        if not raw.strip() or not keep(raw):
            continue
        s = raw.strip()
        if s.startswith("#"):
            d.add_paragraph(s.lstrip("#").strip(), style=f"Heading {min(len(s) - len(s.lstrip('#')), 9)}")
        else:
            d.add_paragraph(raw)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def markdown_table_sections(text: str) -> tuple[list[list[str]], list[str]]:
    """The reference split as a department splits it: each table's part (its title heading up to
    the next heading) for the workbook, everything else (the 说明) for the Word file."""
    tables: list[list[str]] = []
    rest: list[str] = []
    current: list[str] | None = None
    for raw in text.splitlines():
        s = raw.strip()
        if s.startswith("#"):
            title = s.lstrip("#").strip().replace(" ", "")
            is_table = (
                title.endswith("表") and len(title) <= 40 and "目录" not in title and not PART.match(title)
            )
            current = [raw] if is_table else None
            if current is not None:
                tables.append(current)
                continue
        (current if current is not None else rest).append(raw)
    return tables, rest


def _put(ws, r: int, c: int, raw: str) -> None:
    """A cell as Excel holds it: amounts as numbers with the format that shows them as printed
    (4,733.14 under #,##0.00, 0.00 under 0.00, 100% under 0%), codes as integers, text as text."""
    s = raw.strip()
    m = re.fullmatch(r"-?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%?)", s)
    cell = ws.cell(row=r, column=c)
    if m and raw == s and not re.match(r"-?0\d", s) and len(m.group(1)) <= 12:
        decimals, percent, comma = m.group(2) or "", m.group(3), "," in s
        value = Decimal(s.rstrip("%").replace(",", ""))
        if decimals or percent or comma:
            cell.value = float(value / 100 if percent else value)
            cell.number_format = (
                ("#,##" if comma else "") + "0" + ("." + "0" * len(decimals) if decimals else "") + percent
            )
        else:
            cell.value = int(value)
    elif raw:
        cell.value = raw
        cell.data_type = "s"  # text, even when it starts with = (=100%), not a formula


def markdown_tables_to_xlsx(parts: list[list[str]]) -> bytes:
    """One sheet per table: its title bold (a marked heading), then its lines and grid rows."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for i, lines in enumerate(parts, 1):
        ws = wb.create_sheet(f"表{i}")
        r = 0
        for raw in lines:
            cells = table_cells(raw)
            if cells == [] or (cells is None and not raw.strip()):
                continue
            r += 1
            if cells is None:
                s = raw.strip()
                ws.cell(row=r, column=1, value=s.lstrip("#").strip())
                if s.startswith("#"):
                    ws.cell(row=r, column=1).font = Font(bold=True)
                continue
            for c, text in enumerate(cells, 1):
                _put(ws, r, c, text)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def page_layout(pages: list[str], tables: list[list[list[list[str]]]]):
    """Each page as ('line', text) and ('grid', rows) in order: a grid stands where the page
    text first prints one of its rows (the lines the page reader reads from that grid)."""
    out = []
    table_open = False  # a table on the page before may continue here, as the page reader reads it
    for text, grids in zip(pages, tables, strict=True):
        lines = text.splitlines()
        has_title = any(is_table_title(ln) for ln in lines)
        grids = [g for g in grids if PageReader._usable(g) and (has_title or table_open or _financial(g))]
        table_open = bool(grids)
        hay = [PageReader._haystack(g) for g in grids]
        items, placed = [], set()
        for ln in lines:
            toks = nfkc(ln).split()
            owner = next((gi for gi, h in enumerate(hay) if toks and all(t in h for t in toks)), None)
            if owner is not None and not is_table_title(ln) and not UNIT.search(nfkc(ln)):
                if owner not in placed:
                    placed.add(owner)
                    items.append(("grid", grids[owner]))
                continue
            items.append(("line", ln))
        items += [("grid", g) for gi, g in enumerate(grids) if gi not in placed]
        out.append(items)
    return out


def pages_to_docx(layout) -> bytes:
    d = docx.Document()
    for pno, items in enumerate(layout):
        if pno:
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for kind, item in items:
            if kind == "grid":
                _docx_table(d, item, ragged=False)
            else:
                d.add_paragraph(item)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _load(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["page_texts"], data["page_tables"]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


# -- round trips ---------------------------------------------------------------------------------------


def test_reference_as_docx_reads_to_the_same_facts(tmp_path: Path) -> None:
    original = read_report(REFERENCE)
    p = _write(tmp_path, "guiyang.docx", markdown_to_docx(REFERENCE.read_text(encoding="utf-8")))
    got = read_report(p)
    assert got.meta.source_format == "docx"
    assert_same_facts(got, original)
    sangong = got.table("公开10表")
    assert sangong is not None and len(got.tables) == len(original.tables) >= 10


@pytest.mark.parametrize("path", ALL_CORPUS, ids=lambda p: p.name.split("-")[2])
def test_corpus_report_as_docx_reads_to_the_same_facts(tmp_path: Path, path: Path) -> None:
    original = read_report(path)
    pages, tables = _load(path)
    p = _write(tmp_path, "report.docx", pages_to_docx(page_layout(pages, tables)))
    got = read_report(p)
    assert got.meta.source_format == "docx"
    assert len(got.tables) >= 8
    assert_same_facts(got, original)


def test_reference_as_xlsx_tables_and_docx_text_bundle_reads_to_the_same_facts(tmp_path: Path) -> None:
    original = read_report(REFERENCE)
    tables, rest = markdown_table_sections(REFERENCE.read_text(encoding="utf-8"))
    xlsx = _write(tmp_path, "公开表.xlsx", markdown_tables_to_xlsx(tables))
    text = _write(tmp_path, "说明.docx", markdown_to_docx("\n".join(rest)))
    got = read_bundle([xlsx, text])
    assert got.meta.source_format == "xlsx+docx"
    assert_same_facts(got, original, skip=("sentences",))
    # the same sentences; those of the 说明 under the same headings (the lines printed beside a
    # 自评表 stand in the workbook, under its headings: which part of the 说明 they were in is lost)
    assert sorted(_sentences(got)) == sorted(_sentences(original))
    in_text = [
        (tuple(s.path), tuple(x.text for x in s.sentences))
        for s in got.sections
        if s.source.file == str(text) and s.sentences
    ]
    assert set(in_text) <= set(facts(original)["sentences"]) and len(in_text) >= 20
    sangong = got.table("公开10表")
    assert sangong is not None and sangong.source.file == str(xlsx) and sangong.source.page == 10
    sentence = next(s for sec in got.sections for s in sec.sentences if "672.13" in s.text)
    assert sentence.source.file == str(text)


GRID = Border(*(Side(style="thin"),) * 4)


def _table_matter(line: str) -> bool:
    """A line printed with a table (its title, unit, 部门 line, note), not part of the 说明."""
    n = nfkc(line)
    return is_table_title(line) or bool(UNIT.search(n) or DEPT_LINE.match(n) or NOTE.match(n))


def pages_to_xlsx(layout) -> bytes:
    """Each page's tables, with their titles, units and notes, as one sheet (a blank row between)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for pno, items in enumerate(layout, 1):
        ws = wb.create_sheet(f"第{pno}页")
        r = 0
        for kind, item in items:
            if kind == "grid":
                for cells in item:
                    r += 1
                    for c, text in enumerate(cells, 1):
                        _put(ws, r, c, text)
                        ws.cell(row=r, column=c).border = GRID  # a table's cells are ruled
            elif item.strip() and _has_grid(items) and _table_matter(item):
                r += 1
                ws.cell(row=r, column=1, value=item.strip()).data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def narrative_only(layout):
    return [
        [(k, x) for k, x in items if k == "line" and not (_has_grid(items) and _table_matter(x))]
        for items in layout
    ]


def _has_grid(items) -> bool:
    return any(k == "grid" for k, _ in items)


@pytest.mark.parametrize("path", ALL_CORPUS, ids=lambda p: p.name.split("-")[2])
def test_corpus_report_as_xlsx_tables_and_docx_text_bundle_reads_to_the_same_facts(
    tmp_path: Path, path: Path
) -> None:
    original = read_report(path)
    layout = page_layout(*_load(path))
    xlsx = _write(tmp_path, "tables.xlsx", pages_to_xlsx(layout))
    text = _write(tmp_path, "说明.docx", pages_to_docx(narrative_only(layout)))
    got = read_bundle([text, xlsx])
    assert got.meta.source_format == "docx+xlsx"
    assert_same_facts(got, original)


# -- old .xls (written with xlwt, read with xlrd) ------------------------------------------------------


def markdown_tables_to_xls(parts: list[list[str]]) -> bytes:
    """The workbook of :func:`markdown_tables_to_xlsx` in the Excel 97–2003 format."""
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook(encoding="utf-8")
    bold = xlwt.easyxf("font: bold on")
    styles: dict[str, object] = {}
    for i, lines in enumerate(parts, 1):
        ws = wb.add_sheet(f"表{i}")
        r = -1
        for raw in lines:
            cells = table_cells(raw)
            if cells == [] or (cells is None and not raw.strip()):
                continue
            r += 1
            if cells is None:
                s = raw.strip()
                ws.write(r, 0, s.lstrip("#").strip(), bold if s.startswith("#") else xlwt.Style.default_style)
                continue
            for c, text in enumerate(cells):
                s = text.strip()
                m = re.fullmatch(r"-?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?", s)
                if m and s == text and not re.match(r"-?0\d", s) and len(m.group(1)) <= 12:
                    fmt = (
                        ("#,##" if "," in s else "")
                        + "0"
                        + ("." + "0" * len(m.group(2)) if m.group(2) else "")
                    )
                    style = styles.setdefault(fmt, xlwt.easyxf(num_format_str=fmt))
                    ws.write(r, c, float(s.replace(",", "")), style)
                elif text:
                    ws.write(r, c, text)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_reference_tables_as_old_xls_bundle_read_to_the_same_tables(tmp_path: Path) -> None:
    original = read_report(REFERENCE)
    tables, rest = markdown_table_sections(REFERENCE.read_text(encoding="utf-8"))
    xls = _write(tmp_path, "公开表.xls", markdown_tables_to_xls(tables))
    assert xls.read_bytes().startswith(OLE)
    text = _write(tmp_path, "说明.docx", markdown_to_docx("\n".join(rest)))
    got = read_bundle([xls, text])
    assert got.meta.source_format == "xls+docx"
    assert_same_facts(got, original, skip=("sentences",))
    assert sorted(_sentences(got)) == sorted(_sentences(original))


def test_xls_is_read_and_doc_still_refused_though_both_are_ole_files() -> None:
    assert reader_for(OLE + b"\x00" * 600, "公开表.xls").name == "xls"
    assert reader_for(OLE + b"\x00" * 100 + "Workbook".encode("utf-16-le"), "附件").name == "xls"
    with pytest.raises(ReportError, match=r"\.docx"):
        reader_for(OLE + b"\x00" * 600, "说明.doc")


# -- the pieces: merged cells, numbers as shown ---------------------------------------------------------


def test_docx_merged_cells_keep_their_text_once_and_their_columns() -> None:
    d = docx.Document()
    d.add_paragraph("一、收入支出决算总体情况说明", style="Heading 2")
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "项目"  # merged down
    t.cell(0, 1).merge(t.cell(0, 3)).text = "本年支出"  # merged across
    for c, text in zip(t.rows[1].cells[1:], ["合计", "基本支出", "项目支出"], strict=True):
        c.text = text
    for c, text in zip(t.rows[2].cells, ["合计", "1,234.50", "1,000.00", "234.50"], strict=True):
        c.text = text
    out = io.BytesIO()
    d.save(out)
    blocks = docx_blocks(out.getvalue(), "x.docx")
    assert blocks[0].kind == "heading" and blocks[0].level == 2
    assert [list(r) for r in blocks[1].rows] == [
        ["项目", "本年支出", "", ""],
        ["", "合计", "基本支出", "项目支出"],
        ["合计", "1,234.50", "1,000.00", "234.50"],
    ]


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (115.4, "0.00", "115.40"),
        (115.4, "General", "115.4"),
        (0.1 + 0.2, "General", "0.3"),
        (4733.14, "#,##0.00", "4,733.14"),
        (2.675, "0.00", "2.68"),  # the decimal 2.675 Excel shows, not the float 2.67499…
        (0.0024, "0.00%", "0.24%"),
        (1234567.0, "#,##0,", "1,235"),  # thousands, scaled
        (2080505, "General", "2080505"),
        (-16.95, "#,##0.00;[Red]-#,##0.00", "-16.95"),
        (3.0, "0.0#", "3.0"),
    ],
)
def test_numbers_are_the_text_the_cell_shows(value, fmt, shown) -> None:
    assert number_text(value, fmt) == shown


# merged cells in a header and a body (the national 支出决算表's shape), and the grid each format must
# give of them, cell by cell: a merged cell's text in its first slot, the slots it covers empty
_SPANNED = [
    # (row, col, rows, cols, text), 0-based
    (0, 0, 2, 1, "科目编码"), (0, 1, 2, 1, "科目名称"), (0, 2, 1, 3, "本年支出"),
    (1, 2, 1, 1, "合计"), (1, 3, 1, 1, "基本支出"), (1, 4, 1, 1, "项目支出"),
    (2, 0, 1, 2, "合计"), (2, 2, 1, 1, "672.13"), (2, 3, 1, 1, "119.54"), (2, 4, 1, 1, "552.59"),
    (3, 0, 3, 1, "201"), (3, 1, 1, 1, "一般公共服务支出"), (3, 2, 1, 1, "637.37"), (3, 3, 1, 1, "84.78"),
    (3, 4, 1, 1, "552.59"),
    (4, 1, 1, 1, "事业运行"), (4, 2, 1, 1, "84.78"), (4, 3, 2, 1, "84.78"), (4, 4, 1, 1, "0.00"),
    (5, 1, 1, 1, "一般行政管理事务"), (5, 2, 1, 1, "0.00"), (5, 4, 1, 1, "0.00"),
]  # fmt: skip
_SPANNED_GRID = [
    ["科目编码", "科目名称", "本年支出", "", ""],
    ["", "", "合计", "基本支出", "项目支出"],
    ["合计", "", "672.13", "119.54", "552.59"],
    ["201", "一般公共服务支出", "637.37", "84.78", "552.59"],
    ["", "事业运行", "84.78", "84.78", "0.00"],
    ["", "一般行政管理事务", "0.00", "", "0.00"],
]
# a value left in a slot a merge covers (a generator that merges after writing: Apache POI's
# addMergedRegion, xlwt's merged_ranges): hidden by Excel/Word, so never read as printed there
_HIDDEN = {(0, 3): "119.54", (2, 1): "552.59", (5, 0): "207", (5, 3): "552.59"}


def _write_cells(put) -> None:
    for r, c, _, _, text in _SPANNED:
        put(r, c, text)
    for (r, c), text in _HIDDEN.items():
        put(r, c, text)


def test_xlsx_merged_cells_in_header_and_body_grid_cell_by_cell_hidden_values_left_out() -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange

    wb = openpyxl.Workbook()
    ws = wb.active
    _write_cells(lambda r, c, text: ws.cell(row=r + 1, column=c + 1, value=text))
    for r, c, nr, nc, _ in _SPANNED:
        if nr > 1 or nc > 1:  # added as a range only: openpyxl's merge_cells() would clear the slots
            ref = f"{get_column_letter(c + 1)}{r + 1}:{get_column_letter(c + nc)}{r + nr}"
            ws.merged_cells.add(CellRange(ref))
    out = io.BytesIO()
    wb.save(out)
    ((_, rows),) = list(xlsx_sheets(out.getvalue(), "spanned.xlsx"))
    assert [list(r.cells) for r in rows] == _SPANNED_GRID


def test_xls_merged_cells_in_header_and_body_grid_cell_by_cell_hidden_values_left_out() -> None:
    xlwt = pytest.importorskip("xlwt")
    from knowledge.xlsx_reader import xls_sheets

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("表1")
    _write_cells(ws.write)
    for r, c, nr, nc, _ in _SPANNED:
        if nr > 1 or nc > 1:
            ws.merged_ranges.append((r, r + nr - 1, c, c + nc - 1))
    out = io.BytesIO()
    wb.save(out)
    ((_, rows),) = list(xls_sheets(out.getvalue(), "spanned.xls"))
    assert [list(r.cells) for r in rows] == _SPANNED_GRID


def test_docx_merged_cells_in_header_and_body_grid_cell_by_cell_hidden_text_left_out() -> None:
    d = docx.Document()
    t = d.add_table(rows=6, cols=5)
    for r, c, nr, nc, text in _SPANNED:
        cell = t.cell(r, c)
        if nr > 1 or nc > 1:
            cell = cell.merge(t.cell(r + nr - 1, c + nc - 1))
        cell.text = text
    for (r, c), text in _HIDDEN.items():  # python-docx's cell() gives the merge's first cell: the XML
        col = 0
        for tc in t.rows[r]._tr.tc_lst:  # the <w:tc> standing at grid column c, a continuation cell
            if col == c and tc.tcPr is not None and tc.tcPr.vMerge is not None:
                tc.p_lst[0].add_r().text = text
            col += tc.grid_span
    out = io.BytesIO()
    d.save(out)
    (table,) = [b for b in docx_blocks(out.getvalue(), "spanned.docx") if b.kind == "table"]
    assert [list(r) for r in table.rows] == _SPANNED_GRID


# -- bad files: named, with the reason; the knowledge base untouched -----------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def test_bad_office_files_fail_with_file_and_reason_and_the_kb_stays_byte_identical(
    kb: Path, tmp_path: Path
) -> None:
    good = markdown_to_docx(REFERENCE.read_text(encoding="utf-8"))
    bad = tmp_path / "bad"
    bad.mkdir()
    files = {
        "截断.docx": good[: len(good) // 2],  # cut off in the middle: no central directory
        "坏表.xlsx": _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook><sheets"}),
        "附件.zip": _zip({"说明.pdf": b"%PDF-1.7"}),
        "说明.odt": _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
        "说明.doc": OLE + b"\x00" * 600,
    }
    for name, data in files.items():
        (bad / name).write_bytes(data)
    before = kb.read_bytes()
    db = open_db(kb)
    outcomes = {Path(o.path).name: o for o in ingest(db, [bad / n for n in files])}
    db.close()
    assert kb.read_bytes() == before
    assert all(o.status == "failed" for o in outcomes.values())
    assert "Word" in outcomes["截断.docx"].message and "损坏" in outcomes["截断.docx"].message
    assert "Excel" in outcomes["坏表.xlsx"].message and "损坏" in outcomes["坏表.xlsx"].message
    assert "解压" in outcomes["附件.zip"].message
    assert ".docx" in outcomes["说明.odt"].message and ".docx" in outcomes["说明.doc"].message


def test_formulas_without_saved_results_are_refused_not_read_as_empty(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(_workbook_of_one_table()))
    wb.active["C6"] = "=SUM(C7:C7)"  # openpyxl saves the formula, never its result
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ReportError, match="公式没有保存计算结果"):
        list(xlsx_sheets(out.getvalue(), "公式.xlsx"))
    list(xlsx_sheets(_workbook_of_one_table(), "值.xlsx"))  # values only: read


def test_a_zip_bomb_and_a_huge_sheet_are_refused_before_they_are_inflated() -> None:
    bomb = _zip({"word/document.xml": b"<w:document/>", "word/media/x.bin": b"\x00" * 2_000_000})
    with pytest.raises(ReportError, match="解压后过大"):
        open_zip(bomb, "bomb.docx", "Word", Limits(max_unzipped_bytes=1_000_000))
    open_zip(bomb, "bomb.docx", "Word")  # under the real limit it opens
    with pytest.raises(ReportError, match="XML"):
        open_zip(bomb, "bomb.docx", "Word", Limits(max_file_bytes=10))  # word/document.xml itself
    wb = openpyxl.Workbook()
    wb.active.cell(row=5000, column=300, value=1)
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ReportError, match="过大"):
        list(xlsx_sheets(out.getvalue(), "huge.xlsx"))


# -- the command line ---------------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def test_cli_folder_of_mixed_formats_prints_one_line_per_file_with_its_format(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "guiyang.md").write_bytes(REFERENCE.read_bytes())
    layout = page_layout(*_load(CORPUS[0]))
    (folder / "生态环境局.docx").write_bytes(pages_to_docx(layout))
    (folder / "宜川路.pages.json").write_bytes(CORPUS[1].read_bytes())
    (folder / "附件.zip").write_bytes(_zip({"a.pdf": b"%PDF-1.7"}))
    (folder / "说明.doc").write_bytes(OLE + b"\x00" * 600)
    r = _cli("--db", str(tmp_path / "kb.db"), "ingest", str(folder))
    lines = [ln for ln in r.stderr.splitlines() if str(folder) in ln]
    assert len(lines) == 5, r.stderr
    by = {Path(ln.split(str(folder) + "/")[1].split()[0].rstrip(":")).name: ln for ln in lines}
    assert "[markdown] 贵阳市12345政务服务便民热线事务中心 · 贵阳市 · 2024 · 决算" in by["guiyang.md"]
    assert "[docx] 上海市普陀区生态环境局 · 上海市普陀区 · 2025 · 决算" in by["生态环境局.docx"]
    assert "[pages-json]" in by["宜川路.pages.json"]
    assert "解压" in by["附件.zip"] and ".docx" in by["说明.doc"]


def test_cli_bundle_ingests_the_parts_as_one_report(tmp_path: Path) -> None:
    tables, rest = markdown_table_sections(REFERENCE.read_text(encoding="utf-8"))
    parts = tmp_path / "贵阳12345"
    parts.mkdir()
    xlsx = _write(parts, "公开表.xlsx", markdown_tables_to_xlsx(tables))
    text = _write(parts, "说明.docx", markdown_to_docx("\n".join(rest)))
    kb = tmp_path / "kb.db"
    r = _cli("--db", str(kb), "ingest", "--bundle", str(xlsx), str(text))
    assert r.returncode == 0, r.stderr
    assert "[xlsx+docx]" in r.stderr and "导入 ingested 1" in r.stderr
    db = open_db(kb)
    (report,) = list(db["reports"].rows)
    table_files = {r[0] for r in db.execute("SELECT DISTINCT file FROM report_tables")}
    text_files = {r[0] for r in db.execute("SELECT DISTINCT file FROM sections")}
    db.close()
    assert table_files == {str(xlsx)} and str(text) in text_files  # each citation can name its file
    assert report["source_path"] == f"{xlsx} + {text}" and report["tables_count"] == 10
    # a folder given with --bundle is one report's parts (its files in name order): same report
    again = _cli("--db", str(kb), "ingest", "--bundle", str(parts))
    assert "已存在 skipped" in again.stderr or "skipped 1" in again.stderr, again.stderr


# -- files as departments make them: styled headings, merged two-row headers, a workbook of tables -------


def _styled_docx_with_merged_header() -> bytes:
    d = docx.Document()
    d.add_heading("上海市普陀区生态环境局2025年度部门决算说明", 0)
    d.add_heading("一、收入支出决算总体情况说明", 1)
    d.add_paragraph("2025年度收入、支出决算总计1,234.50万元。与上年相比，增加100.00万元。")
    d.add_paragraph("支出决算表")
    d.add_paragraph("单位：万元")
    t = d.add_table(rows=5, cols=5)
    t.cell(0, 0).merge(t.cell(1, 1)).text = "项目"  # two rows × two columns
    t.cell(0, 2).merge(t.cell(0, 4)).text = "本年支出"
    rows = [
        ["", "", "合计", "基本支出", "项目支出"],
        ["科目编码", "科目名称", "", "", ""],
        ["", "合计", "1,234.50", "1,000.00", "234.50"],
        ["2110101", "行政运行", "1,000.00", "1,000.00", "0.00"],
    ]
    for tr, cells in zip(t.rows[1:], rows, strict=True):
        for tc, text in zip(tr.cells, cells, strict=True):
            if text and not tc.text:
                tc.text = text
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _workbook_of_one_table() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "支出决算表"
    ws["A1"].font = Font(bold=True, size=16)
    ws.merge_cells("A1:E1")
    ws["A2"], ws["E2"] = "编制单位：上海市普陀区生态环境局", "单位：万元"
    ws["A3"], ws["C3"] = "项目", "本年支出"
    ws.merge_cells("A3:B4")
    ws.merge_cells("C3:E3")
    ws["C4"], ws["D4"], ws["E4"] = "合计", "基本支出", "项目支出"
    ws["A5"], ws["B5"] = "科目编码", "科目名称"
    for r, row in enumerate([[None, "合计", 1234.5, 1000, 234.5], [2110101, "行政运行", 1000, 1000, 0]], 6):
        for c, v in enumerate(row, 1):
            ws.cell(row=r, column=c, value=v).number_format = "#,##0.00" if c > 2 else "General"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _expense_table_is_read(t) -> None:
    assert t is not None and t.unit == "万元" and t.columns == ["合计", "基本支出", "项目支出"]
    run = next(r for r in t.rows if r.code == "2110101")
    assert run.name == "行政运行" and [c.raw for c in run.cells] == ["1,000.00", "1,000.00", "0.00"]
    total = next(r for r in t.rows if r.is_total)
    assert total.cell("合计").value == Decimal("1234.50") and total.cell("合计").raw == "1,234.50"


def test_a_styled_word_report_with_a_merged_two_row_header_reads_its_table_and_text(tmp_path: Path) -> None:
    r = read_report(_write(tmp_path, "说明.docx", _styled_docx_with_merged_header()))
    assert (r.meta.department, r.meta.year, r.meta.kind) == ("上海市普陀区生态环境局", 2025, "决算")
    _expense_table_is_read(r.table("支出决算表"))
    assert "2025年度收入、支出决算总计1,234.50万元。" in _sentences(r)
    assert not r.unplaced


def test_a_workbook_of_tables_bundled_with_its_word_text(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("上海市普陀区生态环境局2025年度部门决算说明")
    d.add_paragraph("一、收入支出决算总体情况说明")
    d.add_paragraph(
        "2025年度收入、支出决算总计1,234.50万元。与上年相比，收入、支出决算总计各增加100.00万元，"
        "增长8.8%，主要原因是本年度大气污染防治和环境监测项目经费增加。"
    )
    out = io.BytesIO()
    d.save(out)
    text = _write(tmp_path, "说明.docx", out.getvalue())
    tables = _write(tmp_path, "附件.xlsx", _workbook_of_one_table())
    with pytest.raises(ReportError, match="不是部门预算/决算公开报告.*--bundle"):
        read_report(tables)  # alone it names no report: nothing is guessed, the way out is named
    r = read_bundle([tables, text])
    assert r.meta.department == "上海市普陀区生态环境局" and r.meta.year == 2025
    t = r.table("支出决算表")
    _expense_table_is_read(t)
    assert t.source.file == str(tables) and t.source.page == 1 and t.source.line == 1
    assert next(row for row in t.rows if row.code == "2110101").source.line == 7  # the Excel row
    assert "2025年度收入、支出决算总计1,234.50万元。" in _sentences(r)


def test_parts_of_different_reports_are_refused_and_nothing_is_written(kb: Path, tmp_path: Path) -> None:
    layout = page_layout(*_load(CORPUS[0]))  # 上海市普陀区生态环境局 2025
    tables = _write(tmp_path, "tables.xlsx", pages_to_xlsx(layout))
    text = _write(tmp_path, "说明.docx", markdown_to_docx(REFERENCE.read_text(encoding="utf-8")))  # 贵阳 2024
    before = kb.read_bytes()
    db = open_db(kb)
    outcome = ingest_bundle(db, [text, tables])
    db.close()
    assert outcome.status == "failed" and "不同报告" in outcome.message
    assert kb.read_bytes() == before


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("上海市普陀区规划和自然资源局", "上海市规划和自然资源局", True),  # the region printed in full or not
        ("上海市普陀区", "上海市普陀区财政局", True),  # a 说明 whose title names only the region
        ("上海市普陀区财政局", "上海市普陀区司法局", False),
        ("上海市普陀区生态环境局", "上海市黄浦区生态环境局", False),
    ],
)
def test_department_names_of_a_bundles_parts(a: str, b: str, same: bool) -> None:
    assert _same_department(a, b) is same


PDFS = sorted((SHARED / "corpus").glob("*.pdf"))
QUICK_PDFS = ("social-welfare-home", "wanli-street")  # the rest: -m slow (pdfplumber takes a while)


@pytest.mark.parametrize(
    "path",
    [p if any(q in p.name for q in QUICK_PDFS) else pytest.param(p, marks=pytest.mark.slow) for p in PDFS],
    ids=lambda p: p.name.split("-", 2)[2].rsplit(".", 1)[0],
)
def test_corpus_pdf_saved_as_word_reads_to_the_same_facts(tmp_path: Path, path: Path) -> None:
    """A PDF saved as Word (one paragraph per printed line, the tables as Word tables, a page
    break per page): the same facts as the PDF itself."""
    texts, tables = extract_pages(str(path))
    original = parse_pages(texts, tables, str(path), "pdf")
    got = read_report(_write(tmp_path, "report.docx", pages_to_docx(page_layout(texts, tables))))
    assert len(got.tables) >= 8
    assert got.meta.source_format == "docx"
    assert_same_facts(got, original)
