"""Read Excel reports: ``.xlsx`` (openpyxl, read-only, cached values) and old ``.xls`` (xlrd).

Departments often publish the nine 公开表 as one workbook: a sheet per table, or several tables
on one sheet, each under its title rows (收入支出决算总表 / 公开01表 / 单位：万元) and separated by
blank rows. A sheet is cut into *line* rows (titles, units, 部门 lines, notes: one filled cell, or
only such words) and *grid* rows (the table itself); a merged cell's text stands in its first
cell and the cells it spans are empty, which is how the grid readers expect a merged header.

Numbers are printed as the cell shows them, never as a float: the value is rounded to the
decimals of the cell's number format (115.4 under ``0.00`` is ``115.40``, ``#,##0.00`` gives the
thousands separators, ``0.00%`` the percentage), and a ``General`` number to the 15 significant
digits Excel displays, so 0.1+0.2 is ``0.3``, not ``0.30000000000000004``.

The blocks then go to the reader that fits how the workbook marks its structure, as for Word
(:func:`knowledge.docx_reader.parse_blocks`): bold title rows are marked headings (markdown
reader); otherwise each sheet is a page for the page reader. Citations: ``page`` is the sheet's
position in the workbook (1-based) and ``line`` the row number Excel shows.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .docx_reader import best_reading, corrupt, open_zip, shift_sources
from .limits import LIMITS, Limits, check_lines
from .model import ParsedReport, ReportError
from .pages import is_table_title

_META = re.compile(
    r"^(?:(?:部门|单位|编制部门|编制单位|预算主管部门|预算单位)\s*[:：].*|单位\s*[:：]\s*(?:万元|元)|"
    r"[(（]?\d{4}\s*年度?[)）]?|公开\s*\d{1,2}\s*表|注\s*\d*\s*[:：.．].*)$"
)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


@dataclass(frozen=True)
class SheetRow:
    cells: tuple[str, ...]
    bold: bool  # every filled cell bold: a marked title in a spreadsheet
    extent: int = 0  # cells the file holds in this row (a bordered empty cell counts: a column)


# -- numbers as shown -----------------------------------------------------------------------------


def number_text(value: float | int | Decimal, fmt: str | None) -> str:
    """A number as the cell displays it under its number format (the first section of it)."""
    if isinstance(value, float):
        d = Decimal(format(value, ".15g"))
    else:
        d = Decimal(value)
    sec = _QUOTED.sub("", (fmt or "General").split(";")[0])
    if sec.strip().lower() in ("general", "@", "") or not re.search(r"[0#?]", sec):
        s = format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")
        return s if "." not in s else s.rstrip("0").rstrip(".")
    percent = "%" in sec
    if percent:
        d *= 100
    scale = re.search(r"[0#?](,+)(?![0#?,])", sec)
    if scale:
        d /= Decimal(1000) ** len(scale.group(1))
    m = re.search(r"\.([0#?]+)", sec)
    places, least = (len(m.group(1)), m.group(1).count("0")) if m else (0, 0)
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    head = sec.split(".")[0] if not scale else (sec[: scale.start(1)] + sec[scale.end(1) :]).split(".")[0]
    grouped = "," in head
    s = format(q, ",f" if grouped else "f")
    if places > least and "." in s:
        keep = len(s) - (places - least)
        s = s[:keep] + s[keep:].rstrip("0")
        s = s.rstrip(".")
    return s + ("%" if percent else "")


# a shown amount may round its stored value to the format's decimals (1.234567 under 0.00 is 1.23),
# never by more than half a cent: a format that hides more (115.4 under 0 is 115, 4 733.14 under
# #,##0, is 5, a fraction format drops the fraction) shows a figure the cell does not hold
_SHOWN_TOLERANCE = Decimal("0.005")


def hidden_by_format(value, shown: str) -> bool:
    """Whether the cell's number format shows a number other than the one it holds (beyond the
    rounding to the cent every amount format does). Percentages are left as shown: a 完成率 of
    0.9876 printed as 99% is how reports state it."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)) or shown.endswith("%"):
        return False
    try:
        held = Decimal(format(value, ".15g")) if isinstance(value, float) else Decimal(value)
        return abs(Decimal(shown.replace(",", "")) - held) > _SHOWN_TOLERANCE
    except (InvalidOperation, ValueError):
        return False


def _check_shown(value, shown: str, fmt: str | None, path: str, sheet: str, row: int, col: int) -> None:
    if hidden_by_format(value, shown):
        raise ReportError(
            f"工作表“{sheet}”第{row}行第{col}列显示为 '{shown}'，单元格里的数却是 {value}：数字格式"
            f"（{fmt}）藏起了数位，读不出报告印的是哪个数 (the number format shows another number than"
            " the cell holds)",
            path,
            row,
        )


def _text(value, fmt: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        try:
            return number_text(value, fmt)
        except (InvalidOperation, ValueError, OverflowError):
            return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# -- workbooks into sheets of rows -----------------------------------------------------------------


def _check_cells(path: str, sheet: str, rows: int, cols: int, total: int, limits: Limits) -> None:
    if rows > limits.max_sheet_rows or cols > limits.max_sheet_cols or total > limits.max_sheet_cells:
        raise ReportError(
            f"工作表“{sheet}”过大：{rows} 行 × {cols} 列，上限 {limits.max_sheet_rows} 行、"
            f"{limits.max_sheet_cols} 列、共 {limits.max_sheet_cells} 格 (sheet too large)",
            path,
        )


_FORMULA_WITHOUT_VALUE = re.compile(rb"(?:</f>|<f\b[^>]*/>)\s*(?:<v>\s*</v>|<v/>)?\s*</c>")


def _check_cached_values(z, path: str) -> None:
    """Refuse formulas whose result was never saved (a workbook written by a program, not by
    Excel/WPS): read as values they would be empty cells, and a 合计 read as empty is a wrong
    answer waiting to happen."""
    for name in z.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            if _FORMULA_WITHOUT_VALUE.search(z.read(name)):
                raise ReportError(
                    f"工作表 {name.rsplit('/', 1)[-1]} 有公式没有保存计算结果：请在 Excel/WPS 中打开并保存一次后再导入"
                    " (formulas without saved values: open and save the file in Excel/WPS)",
                    path,
                )


def xlsx_sheets(data: bytes, path: str, limits: Limits = LIMITS) -> Iterator[tuple[str, list[SheetRow]]]:
    """Each worksheet's name and rows, bounded by its declared dimension before any row is read."""
    import openpyxl
    from openpyxl.cell.read_only import EMPTY_CELL, EmptyCell

    z = open_zip(data, path, "Excel")
    if "xl/workbook.xml" not in z.namelist():
        raise ReportError("Excel 文件中没有 xl/workbook.xml，不是有效的 .xlsx (not a valid .xlsx)", path)
    _check_cached_values(z, path)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises whatever its XML or zip layer raised
        raise corrupt("Excel", path, e) from None
    if len(wb.worksheets) > limits.max_sheets:
        raise ReportError(
            f"工作表过多：{len(wb.worksheets)}，上限 {limits.max_sheets} (too many sheets)", path
        )
    total = 0
    try:
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            rows_n, cols_n = ws.max_row or 0, ws.max_column or 0
            total += rows_n * cols_n
            _check_cells(path, ws.title, rows_n, cols_n, total, limits)
            covered = _xlsx_covered(z, getattr(ws, "_worksheet_path", ""), rows_n, path, ws.title, limits)
            out: list[SheetRow] = []
            for n, row in enumerate(ws.iter_rows(), 1):
                _check_cells(path, ws.title, n, len(row), total, limits)
                extent = next(
                    (i + 1 for i in range(len(row) - 1, -1, -1) if not isinstance(row[i], EmptyCell)), 0
                )
                if n in covered:  # a value under a merged cell: Excel shows the merge's first cell only
                    row = _uncovered(row, covered[n], EMPTY_CELL)
                cells = tuple(_text(c.value, getattr(c, "number_format", None)) for c in row)
                for col, (c, shown) in enumerate(zip(row, cells, strict=True), 1):
                    _check_shown(c.value, shown, getattr(c, "number_format", None), path, ws.title, n, col)
                out.append(SheetRow(cells, _bold(row, cells), extent))
            yield ws.title, out
    except ReportError:
        raise
    except Exception as e:
        raise corrupt("Excel", path, e) from None
    finally:
        wb.close()


_MERGE_REF = re.compile(
    rb'<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref="\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?"'
)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _xlsx_covered(z, member: str, rows_n: int, path: str, sheet: str, limits: Limits) -> dict[int, list]:
    """The cells a merged range covers (all but its first), as ``{row: [(first_col, last_col)]}``.

    Why: Excel shows a merged range's first cell across the range and hides the values of the
    others, but a file keeps whatever they held (a generator that merges after writing, as
    Apache POI's ``addMergedRegion`` does, leaves them there), and the read-only reader does not
    know the merges: such a hidden figure would be read as printed in the table. The ranges are
    read from the sheet's ``<mergeCells>`` (after its rows), bounded by the sheet's dimension and
    in total by the cell limit, so a hostile list of ranges costs no more than the sheet."""
    try:
        data = z.read(member.lstrip("/")) if member else b""
    except KeyError:
        return {}
    start = data.rfind(b"sheetData")
    if start < 0 or b"mergeCell" not in data[start:]:
        return {}
    covered: dict[int, list] = {}
    work = 0
    for m in _MERGE_REF.finditer(data, start):
        c1, r1 = _column_number(m.group(1)), int(m.group(2))
        c2, r2 = (_column_number(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
        (r1, r2), (c1, c2) = sorted((r1, r2)), sorted((c1, c2))
        r2, c2 = min(r2, max(rows_n, r1)), min(c2, limits.max_sheet_cols)
        work += (r2 - r1 + 1) * (c2 - c1 + 1)
        if work > limits.max_sheet_cells:
            raise ReportError(f"工作表“{sheet}”合并单元格过多 (too many merged cells)", path)
        if c2 > c1:
            covered.setdefault(r1, []).append((c1 + 1, c2))
        for r in range(r1 + 1, r2 + 1):
            covered.setdefault(r, []).append((c1, c2))
    return covered


def _covered_mask(n: int, spans: list, first: int) -> bytearray:
    """Which of a row's ``n`` cells its merged ranges cover (columns counted from ``first``); each
    span costs its width, so a row costs no more than its cells and spans."""
    mask = bytearray(n)
    for a, b in spans:
        a, b = a - first, min(b - first, n - 1)
        if 0 <= a <= b:
            mask[a : b + 1] = b"\x01" * (b - a + 1)
    return mask


def _uncovered(row: tuple, spans: list, empty) -> tuple:
    """The row with the cells its merged ranges cover emptied."""
    mask = _covered_mask(len(row), spans, 1)
    return tuple(empty if m else c for m, c in zip(mask, row, strict=True))


def _bold(row, cells: tuple[str, ...]) -> bool:
    filled = [c for c, t in zip(row, cells, strict=False) if t.strip()]
    if not filled or len(filled) > 2:
        return False  # only a title row's look matters; a header row's bold says nothing
    return all(getattr(getattr(c, "font", None), "b", False) for c in filled)


def xls_sheets(data: bytes, path: str, limits: Limits = LIMITS) -> Iterator[tuple[str, list[SheetRow]]]:
    """The same from an old binary workbook (BIFF, Excel 97–2003), read by xlrd."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except xlrd.XLRDError as e:
        if "workbook" in str(e).lower():
            raise ReportError(
                "这是 OLE 复合文档，但其中没有 Excel 工作簿（可能是旧版 Word .doc）；请另存为 .docx/.xlsx 或 PDF 后再导入"
                " (an OLE file without a workbook: save it as .docx/.xlsx or PDF)",
                path,
            ) from None
        raise corrupt("Excel", path, e) from None
    except Exception as e:
        raise corrupt("Excel", path, e) from None
    if book.nsheets > limits.max_sheets:
        raise ReportError(f"工作表过多：{book.nsheets}，上限 {limits.max_sheets} (too many sheets)", path)
    total = 0
    for i in range(book.nsheets):
        try:
            sh = book.sheet_by_index(i)
        except Exception as e:
            raise corrupt("Excel", path, e) from None
        total += sh.nrows * sh.ncols
        _check_cells(path, sh.name, sh.nrows, sh.ncols, total, limits)
        covered = _xls_covered(sh, limits, path)
        out = []
        for r in range(sh.nrows):
            types, values = sh.row_types(r), sh.row_values(r)
            if r in covered:  # hidden under a merged cell, as in .xlsx; still a cell of the row
                mask = _covered_mask(len(types), covered[r], 0)
                types = [
                    xlrd.XL_CELL_BLANK if m and t != xlrd.XL_CELL_EMPTY else t
                    for m, t in zip(mask, types, strict=True)
                ]
            cells = [
                _xls_text(book, sh, r, c, t, v, path)
                for c, (t, v) in enumerate(zip(types, values, strict=True))
            ]
            filled = [c for c, t in enumerate(cells) if t.strip()]
            held = [c for c, t in enumerate(types) if t != xlrd.XL_CELL_EMPTY]
            bold = 0 < len(filled) <= 2 and all(_xls_bold(book, sh.cell_xf_index(r, c)) for c in filled)
            out.append(SheetRow(tuple(cells), bold, held[-1] + 1 if held else 0))
        book.unload_sheet(i)
        yield sh.name, out


def _xls_covered(sh, limits: Limits, path: str) -> dict[int, list]:
    """The cells xlrd's merged ranges cover (all but the first), ``{row: [(first, last)]}``, 0-based
    (see :func:`_xlsx_covered`)."""
    covered: dict[int, list] = {}
    work = 0
    for rlo, rhi, clo, chi in getattr(sh, "merged_cells", None) or ():
        rhi, chi = min(rhi, sh.nrows), min(chi, limits.max_sheet_cols)
        work += max(0, rhi - rlo) * max(0, chi - clo)
        if work > limits.max_sheet_cells:
            raise ReportError(f"工作表“{sh.name}”合并单元格过多 (too many merged cells)", path)
        if chi - clo > 1:
            covered.setdefault(rlo, []).append((clo + 1, chi - 1))
        for r in range(rlo + 1, rhi):
            covered.setdefault(r, []).append((clo, chi - 1))
    return covered


def _xls_bold(book, xf_index: int) -> bool:
    xf = book.xf_list[xf_index]
    return bool(book.font_list[xf.font_index].bold)


def _xls_text(book, sh, r: int, c: int, ctype: int, value, path: str = "") -> str:
    import xlrd

    if ctype == xlrd.XL_CELL_TEXT:
        return value
    if ctype == xlrd.XL_CELL_NUMBER:
        fmt = book.format_map.get(book.xf_list[sh.cell_xf_index(r, c)].format_key)
        shown = _text(value, fmt.format_str if fmt else None)
        _check_shown(value, shown, fmt.format_str if fmt else None, path, sh.name, r + 1, c + 1)
        return shown
    if ctype == xlrd.XL_CELL_DATE:
        try:
            return _text(xlrd.xldate.xldate_as_datetime(value, book.datemode), None)
        except Exception:
            return _text(value, None)
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return _text(bool(value), None)
    return ""  # empty, blank (formatted, no value), error


# -- sheets into lines and grids ----------------------------------------------------------------------


def _is_line(row: SheetRow, in_grid: bool, alone: bool) -> bool:
    """A title, unit, 部门 or note row rather than a row of the table. A single short label
    (项目, 合计, a header cell over merged columns) stays in the table unless a blank row
    follows it (``alone``) or it is styled as a title."""
    filled = [c.strip() for c in row.cells if c.strip()]
    if all(_META.match(c.replace(" ", "")) for c in filled):
        return True
    if len(filled) != 1:
        return False
    text = filled[0]
    if is_table_title(text) or re.search(r"[。；;]|[:：]\s*\S", text) or len(text) > 40:
        return True  # a sentence, a title, or a 填报日期: / 联系人: line
    return not in_grid and (row.bold or alone)


def sheet_blocks(rows: list[SheetRow]) -> list[tuple[str, int, object]]:
    """A sheet as ('line', row_no, SheetRow) and ('grid', first_row_no, [rows]) in order; a blank
    row or a title row ends a grid, so one sheet may hold several tables."""
    out: list[tuple[str, int, object]] = []
    grid: list[tuple[int, SheetRow]] | None = None
    for n, row in enumerate(rows, 1):
        if not any(c.strip() for c in row.cells):
            grid = None
            continue
        alone = n == len(rows) or not any(c.strip() for c in rows[n].cells)
        if _is_line(row, grid is not None, alone):
            grid = None
            out.append(("line", n, row))
            continue
        if grid is None:
            grid = []
            out.append(("grid", n, grid))
        grid.append((n, row))
    return out


def _grid(rows: list[tuple[int, SheetRow]]) -> list[list[str]]:
    width = max(max((i + 1 for i, c in enumerate(r.cells) if c.strip()), default=r.extent) for _, r in rows)
    width = max(width, max(r.extent for _, r in rows))
    return [
        [c.replace("\r\n", "\n") for c in r.cells[:width]] + [""] * (width - len(r.cells[:width]))
        for _, r in rows
    ]


def parse_sheets(
    sheets: Iterator[tuple[str, list[SheetRow]]], path: str, fmt: str, title_hint: str | None = None
) -> ParsedReport:
    """A workbook's sheets as one report; ``title_hint`` stands in for a title no sheet prints."""
    from .docx_reader import NO_TITLE, part_hint

    sheets_blocks = [sheet_blocks(rows) for _, rows in sheets]
    marked = any(kind == "line" and row.bold for bl in sheets_blocks for kind, _, row in bl)
    try:
        return best_reading(lambda m: _parse_sheet_blocks(sheets_blocks, path, fmt, None, m), marked)
    except ReportError as e:
        if not e.message.startswith(NO_TITLE):
            raise
        if not title_hint:
            raise part_hint(e) from None
    return best_reading(lambda m: _parse_sheet_blocks(sheets_blocks, path, fmt, title_hint, m), marked)


def _parse_sheet_blocks(
    sheets_blocks, path: str, fmt: str, title_hint: str | None, marked: bool
) -> ParsedReport:
    from .markdown import parse_markdown
    from .pages import parse_pages

    if marked:
        lines: list[str] = ["# " + title_hint] if title_hint else []
        where: list[tuple[int | None, int]] = [(None, 0)] if title_hint else []
        for sno, bl in enumerate(sheets_blocks, 1):
            for kind, n, item in bl:
                if kind == "line":
                    text = " ".join(c.strip() for c in item.cells if c.strip())
                    lines.append(("## " if item.bold else "") + text)
                    where.append((sno, n))
                    continue
                for rn, row in zip(range(n, n + len(item)), _grid(item), strict=True):
                    cells = [" ".join(c.replace("\t", " ").split("\n")) for c in row]
                    lines.append("\t".join(cells) + ("\t" if len(cells) == 1 else ""))
                    where.append((sno, item[rn - n][0]))
        text = "\n".join(lines)
        check_lines(text, path)
        report = parse_markdown(text, path)
        shift_sources(report, lambda s: where[s.line - 1] if 0 < s.line <= len(where) else (s.page, s.line))
    else:
        pages, grids = _sheet_pages(sheets_blocks, title_hint)
        for pno, t in enumerate(pages, 1):
            check_lines(t, path, page=pno)
        report = parse_pages(pages, grids, path, fmt)
        if title_hint:
            from .docx_reader import drop_page

            drop_page(report, 1)
            shift_sources(report, lambda s: ((s.page or 1) - 1, s.line))
    report.meta.source_format = fmt
    return report


def _sheet_pages(sheets_blocks, title_hint: str | None):
    """Each sheet as one page whose line N is row N (blank rows kept), plus its grids."""
    pages: list[str] = [title_hint] if title_hint else []
    grids: list[list[list[list[str]]]] = [[]] if title_hint else []
    for bl in sheets_blocks:
        lines: dict[int, str] = {}
        page_grids = []
        for kind, n, item in bl:
            if kind == "line":
                lines[n] = " ".join(c.strip() for c in item.cells if c.strip())
                continue
            g = _grid(item)
            page_grids.append(g)
            for (rn, _), cells in zip(item, g, strict=True):
                lines[rn] = " ".join(c.replace("\n", " ") for c in cells if c.strip())
        last = max(lines, default=0)
        pages.append("\n".join(lines.get(i, "") for i in range(1, last + 1)))
        grids.append(page_grids)
    return pages, grids


def parse_xlsx(data: bytes, path: str, on_page: Callable | None = None, title_hint: str | None = None):
    return parse_sheets(xlsx_sheets(data, path), path, "xlsx", title_hint)


def parse_xls(data: bytes, path: str, on_page: Callable | None = None, title_hint: str | None = None):
    return parse_sheets(xls_sheets(data, path), path, "xls", title_hint)


def _register() -> None:
    from .readers import OLE, Reader, register

    # before the .doc refusal: the OLE container is shared; the suffix, or a Workbook stream named
    # in the head, says it is a workbook (a .doc misnamed .xls is told so by xlrd's answer)
    workbook = "Workbook".encode("utf-16-le")
    register(
        Reader(
            "xls",
            lambda h, s: h.startswith(OLE) and (s in (".xls", ".et") or workbook in h),
            parse_xls,
            (".xls", ".et"),
            priority=19,
        )
    )


_register()
