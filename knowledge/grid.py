"""Turn a table printed as a grid of cell strings into a :class:`~knowledge.model.Table`.

Every source format ends up here: markdown tables are split on tabs, page-text JSON carries cells,
PDF tables come from pdfplumber. What differs between reports is not the format but the layout,
recognised from the header's meaning rather than from any one file's line numbers:

* ``ledger``   — item / 行次 / amount groups side by side (收入 beside 支出: 公开01、04、05表);
* ``economic`` — several 科目编码 / 科目名称 / 决算数 triples on one line (基本支出明细, 公开07表);
* ``subject``  — one 科目 per line with its amounts in named columns (公开02、03、06、08、09表);
* ``values``   — amounts only, no item column (the 三公 table, 公开10表).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Cell, Row, Source, Table, Unplaced
from .numbers import (
    clean_label,
    code_level,
    has_cjk,
    is_blank,
    join_code_parts,
    parent_code,
    parse_amount,
)


@dataclass
class GridLine:
    cells: list[str]
    source: Source
    raw: str = ""


# Unplaced reasons that mean the table's cells do not fit its columns' roles (行次, 项目, amounts):
# reading on would turn a 行次 into an amount or drop a side, so validation refuses the report.
COLUMNS_SLID = "列对不上：项目、行次、金额错位 (cells do not fit the columns: 行次/项目/金额 slid)"
COLUMNS_UNNAMED = (
    "表头里没有金额栏的名称（决算数/预算数/金额），读不出各数属于哪一栏 (no header names the amount column)"
)
ROW_NOT_IN_GRID = "页面文字里有一行表格数字，表格单元格里却没有它（表格缺了一行？） (a table row in the page text is missing from the grid)"
ROW_DOUBLED = "表格的一行与上一行一模一样：一行被重复了 (a table line is doubled)"
HEADER_MISSING = "表格一开始就是数字，没有表头：读不出各栏是什么 (a table starts without its header)"
GRID_TEXT_DIFFER = "页面文字与表格单元格印的数字不同：表格或文字被改动 (the page text and the table's cells print different digits)"
CODE_NOT_A_CODE = (
    "科目编码栏印的数字不是科目编码（3、5 或 7 位数字）：数字格式被改动或列错位 (a 科目编码 cell prints"
    " digits that are no code)"
)
FATAL_REASONS = (
    COLUMNS_SLID,
    COLUMNS_UNNAMED,
    ROW_NOT_IN_GRID,
    ROW_DOUBLED,
    HEADER_MISSING,
    GRID_TEXT_DIFFER,
    CODE_NOT_A_CODE,
)

# a code printed as an amount, a percentage or a date (30101.00, 50600.00%, 1901-02-02: a
# spreadsheet's number format over the code column): read on, the row lost its code (filed under
# its 款, or its 类's group)
_CODE_AS_NUMBER = re.compile(r"\d{2,}[.,%:/-][\d\s.,%:/-]*")
_NUMBER_CHARS = re.compile(r"[\d\s.,%:/-]+")

_DECIMAL = re.compile(r"-?[\d,]*\.\s?\d+")


def _slid(first: str) -> bool:
    """The 项目 cell of a ledger side holds an amount (not a label, not empty, not a percentage)."""
    t = first.strip()
    return bool(t) and not _label_ok(t) and not t.endswith("%") and parse_amount(t) is not None


# Economic classification: which 类 are 人员经费 in the 基本支出 tables (the national template).
PERSONNEL_CLASSES = ("301", "303")
GROUP_WORDS = ("预算数", "决算数", "本年支出", "收入", "支出", "人员经费", "公用经费")


def _norm(cell: str) -> str:
    return clean_label(cell).replace(" ", "")


def _is_column_numbers(cells: list[str]) -> bool:
    """The 栏次 line: column numbers 1, 2, 3 … (possibly beside the word 栏次)."""
    text = " ".join(cells)
    if "栏次" in text:
        return True
    nums = [c.strip() for c in cells if c.strip()]
    if len(nums) >= 3:
        # column numbers under an amount format (1.00 2.00 … 5.00): still the 栏次 line, never a row
        # of figures 1, 2, 3 … (a 三公 table's only line read as 预算数合计 = 1)
        nums = [re.sub(r"^(\d+)\.0+$", r"\1", n) for n in nums]
    if len(nums) < 2 or not all(n.isdigit() for n in nums):
        return False
    ints = [int(n) for n in nums]
    return ints == list(range(ints[0], ints[0] + len(ints))) and ints[0] <= 1


def _code_cell(cell: str) -> bool:
    """A 科目编码 cell: 3, 5 or 7 digits (类/款/项), alone or before its name."""
    return bool(re.fullmatch(r"(\d{3}|\d{5}|\d{7})([\s\u3400-\u9fff].*)?", cell.strip()))


def _label_ok(cell: str) -> bool:
    """A real label: some Chinese and more than one character of it (OCR dust like 尖/禾 is not)."""
    return len(re.findall(r"[\u3400-\u9fff]", cell)) >= 2


def _is_data_line(cells: list[str]) -> bool:
    if _is_column_numbers(cells):
        return False
    has_label = any(_label_ok(c) for c in cells) or any(_code_cell(c) for c in cells)
    has_amount = any(parse_amount(c) is not None for c in cells if c.strip())
    return has_label and has_amount


def detect_layout(header: list[list[str]], body: list[list[str]]) -> str:
    text = " ".join(_norm(c) for line in header for c in line)
    main = max(header, key=lambda line: sum(1 for c in line if c.strip()), default=[])
    main_norm = [_norm(c) for c in main]
    if sum("科目名称" in c for c in main_norm) >= 2 or sum("科目编码" in c for c in main_norm) >= 2:
        return "economic"
    if "行次" in text or (sum(c == "项目" for c in main_norm) >= 2 and "科目" not in text):
        return "ledger"
    if "科目" in text or any(_code_cell(c) for line in body for c in line):
        return "subject"
    if any(_label_ok(c) for line in body for c in line):
        return "ledger"
    return "values"


def _main_header(header: list[list[str]], anchor: str) -> int | None:
    best, best_n = None, -1
    for i, line in enumerate(header):
        if _is_column_numbers(line):
            continue
        norm = [_norm(c) for c in line]
        if any(anchor in c for c in norm):
            n = sum(1 for c in norm if c)
            if n > best_n:
                best, best_n = i, n
    return best


def _column_count(header: list[list[str]]) -> int:
    for line in header:
        if _is_column_numbers(line):
            nums = [c.strip() for c in line if c.strip().isdigit()]
            if len(nums) >= 2:
                return len(nums)
    return 0


def _group_labels(header: list[list[str]], main_idx: int | None) -> list[str]:
    labels: list[str] = []
    for i, line in enumerate(header):
        if i == main_idx or _is_column_numbers(line):
            continue
        for c in line:
            n = _norm(c)
            if n in ("预算数", "决算数"):
                labels.append(n)
    return labels


def _subgroup_label(header: list[list[str]], main_idx: int | None) -> str | None:
    found = []
    for i, line in enumerate(header):
        if i == main_idx or _is_column_numbers(line):
            continue
        for c in line:
            n = _norm(c)
            if has_cjk(n) and len(n) >= 6 and n not in GROUP_WORDS and "及" in n:
                found.append(n)
    return found[0] if len(set(found)) == 1 else None


def subject_columns(header: list[list[str]]) -> list[str]:
    """One name per amount column, from the header line that names the 科目 column."""
    idx = _main_header(header, "科目名称")
    if idx is None:
        idx = _main_header(header, "项目")
    names: list[str] = []
    if idx is not None:
        line = [_norm(c) for c in header[idx]]
        start = max(i for i, c in enumerate(line) if "科目名称" in c or c == "项目" or "科目编码" in c)
        names = [c for c in line[start + 1 :] if c]
    count = _column_count(header)
    while len(names) < count:
        names.append(f"第{len(names) + 1}栏")
    return names


def values_columns(header: list[list[str]]) -> list[str]:
    """Columns of an amounts-only table (the 三公 table), with 预算数/决算数 groups as prefixes."""
    idx = None
    best = 0
    for i, line in enumerate(header):
        if _is_column_numbers(line):
            continue
        n = sum(1 for c in line if _norm(c))
        if n > best:
            idx, best = i, n
    if idx is None:
        return []
    names = [_norm(c) for c in header[idx] if _norm(c)]
    sub = _subgroup_label(header, idx)
    if sub:
        names = [sub if n == "小计" else n for n in names]
    groups = _group_labels(header, idx)
    if groups and len(names) % len(groups) == 0:
        size = len(names) // len(groups)
        names = [f"{groups[i // size]}·{n}" for i, n in enumerate(names)]
    return names


def _fit(values: list[str], k: int) -> list[str] | None:
    """Fit the cells after a row's label to k columns.

    Merged label cells leave an empty cell before the amounts, and trailing empty cells vary; both
    are dropped only while there are more cells than columns. More non-empty cells than columns
    means we cannot tell which is which: None, and the row is reported as unplaced.
    """
    vals = list(values)
    while len(vals) > k and vals and is_blank(vals[0]):
        vals.pop(0)
    while len(vals) > k and vals and is_blank(vals[-1]):
        vals.pop()
    if len(vals) > k:
        return None
    return vals + [""] * (k - len(vals))


def _cells(columns: list[str], raws: list[str]) -> list[Cell]:
    out = []
    for col, raw in zip(columns, raws, strict=False):
        value = parse_amount(raw)
        out.append(Cell(column=col, value=value, raw=raw.strip()))
    return out


def _label_parts(cells: list[str]) -> tuple[str | None, str]:
    """科目编码 and 科目名称 from the label cells of a row."""
    tokens: list[str] = []
    names: list[str] = []
    for cell in cells:
        for tok in clean_label(cell).split(" "):
            m = re.match(r"^(\d+)(.*)$", tok)
            if m and m.group(1):
                tokens.append(m.group(1))
                rest = m.group(2)
                if _label_ok(rest):
                    names.append(rest)
            elif _label_ok(tok):
                names.append(tok)
        if _label_ok(cell):
            whole = re.sub(r"^[\d\s]+", "", clean_label(cell))
            if _label_ok(whole):
                names.append(clean_label(whole).replace(" ", ""))
    code = join_code_parts(tokens)
    names = [clean_label(n).replace(" ", "") for n in names]
    name = max(names, key=len) if names else ""
    if not code and any("合计" in n for n in names):
        name = "合计"
    return code, name


def _amounts_under_labels(header: list[list[str]], body: list[GridLine]) -> list[Unplaced]:
    """Amounts standing under the header cell that names the 科目名称 / 项目 column.

    Why: a header whose cells were swapped (合计 | 科目名称) still names its amount columns, but
    one place off; read on, every amount would take its neighbour's column name.
    """
    idx = _main_header(header, "科目名称")
    if idx is None:
        idx = _main_header(header, "项目")
    if idx is None:
        return []
    names = [_norm(c) for c in header[idx]]
    at = [j for j, c in enumerate(names) if "科目名称" in c or c == "项目"]
    for gl in body:
        for j in at:
            c = gl.cells[j] if j < len(gl.cells) else ""
            before = gl.cells[:j]
            coded = any(_code_cell(x) for x in before) and any(
                _label_ok(x) and not _code_cell(x) for x in before
            )
            # only a formatted amount (84.78, 2,620,000) after a row's own code and name cells:
            # OCR'd totals rows, split codes (20103 | 50) and a code joined to its name stand off
            # their header cells in real reports
            if coded and re.search(r"\d[.,]\s?\d", c) and parse_amount(c) is not None:
                return [Unplaced(gl.raw, COLUMNS_SLID, gl.source)]
    return []


def _parse_subject(lines: list[GridLine], columns: list[str], unplaced: list[Unplaced]) -> list[Row]:
    rows = []
    k = len(columns)
    for gl in lines:
        cells = gl.cells
        label_end = -1
        for i, c in enumerate(cells):
            if _label_ok(c) or _code_cell(c):
                if parse_amount(c) is None:
                    label_end = i
        if label_end < 0:
            if any(not is_blank(c) for c in cells):
                unplaced.append(Unplaced(gl.raw, "no 科目 on this line", gl.source))
            continue
        if any(_CODE_AS_NUMBER.fullmatch(c.strip()) for c in cells[: label_end + 1]):
            unplaced.append(Unplaced(gl.raw, CODE_NOT_A_CODE, gl.source))
            continue
        code, name = _label_parts(cells[: label_end + 1])
        fitted = _fit(cells[label_end + 1 :], k)
        if fitted is None:
            unplaced.append(Unplaced(gl.raw, "more amounts than columns", gl.source))
            continue
        row_cells = _cells(columns, fitted)
        is_total = "合计" in name and not code
        if not code and not is_total and all(c.value is None for c in row_cells):
            unplaced.append(Unplaced(gl.raw, "no 科目 and no amount", gl.source))
            continue
        if not name and not code:
            unplaced.append(Unplaced(gl.raw, "no 科目 on this line", gl.source))
            continue
        rows.append(
            Row(
                name=name or (code or ""),
                cells=row_cells,
                source=gl.source,
                code=code,
                level=code_level(code),
                parent_code=parent_code(code),
                raw=gl.raw,
                is_total=is_total,
            )
        )
    return rows


def _side_starts(main: list[str], anchor: str) -> list[int]:
    return [
        i for i, c in enumerate(main) if _norm(c) == anchor or (anchor in _norm(c) and len(_norm(c)) <= 6)
    ]


def _ledger_header_fits(main: list[str], starts: list[int]) -> bool:
    """Each side of a ledger header reads 项目 [行次] amounts…, the first side in the first column.

    Why: a header split or shuffled by damage (项 / 目 行次 金额 …, 行次 项目 金额) still names a
    项目 somewhere, and read on, a side's rows would lose their amounts or take the 行次 as one.
    """
    if "行次" not in main:
        return True  # no 行次: a form of 项目 details (项目名称 / 计划开始日期 …), not a numbered ledger
    if any(main[: starts[0]]):
        return False  # cells before the first 项目: the first side's 项目 is lost
    # a side may print no 行次 (项目 | | 金额); where one is printed, it follows its side's 项目
    nxt = [main[s + 1] if s + 1 < len(main) else "" for s in starts]
    return main.count("行次") == nxt.count("行次")


def _parse_ledger(
    header: list[list[str]],
    lines: list[GridLine],
    unplaced: list[Unplaced],
    header_lines: list[GridLine] | None = None,
) -> tuple[list[Row], list[str]]:
    idx = _main_header(header, "项目")
    main = header[idx] if idx is not None else []
    starts = _side_starts(main, "项目") or [0]
    if idx is not None and not _ledger_header_fits([_norm(c) for c in main], starts):
        # a split or shuffled 项目 / 行次 / 金额 header: its sides cannot be told, nor which cell is
        # the 行次 and which the amount
        src = header_lines[idx] if header_lines and idx < len(header_lines) else None
        unplaced.append(
            Unplaced(src.raw if src else " ".join(main), COLUMNS_SLID, src.source if src else Source(0))
        )
    n_sides = len(starts)
    bounds = [(s, starts[i + 1] if i + 1 < n_sides else None) for i, s in enumerate(starts)]
    side_cols: list[list[str]] = []
    side_rowno: list[bool] = []
    for s, e in bounds:
        names = [_norm(c) for c in main[s + 1 : e]]
        side_rowno.append(bool(names) and (names[0] in ("行次", "")))
        cols = [n for n in names[1:] if n] if side_rowno[-1] else [n for n in names if n]
        side_cols.append(cols or ["金额"])
    groups = _ledger_groups(header, idx, n_sides)
    rows: list[Row] = []
    for gl in lines:
        placed = False
        for side, (s, e) in enumerate(bounds):
            part = gl.cells[s:e] if e is not None else gl.cells[s:]
            if part and (side_rowno[side] or _DECIMAL.fullmatch(part[0].strip())) and _slid(part[0]):
                # an amount where the 项目 column stands: the line's cells have slid
                unplaced.append(Unplaced(gl.raw, COLUMNS_SLID, gl.source))
                continue
            if not part or not _label_ok(part[0]):
                continue
            name = clean_label(part[0]).replace(" ", "")
            rest = part[1:]
            row_no = None
            if side_rowno[side] and rest and rest[0].strip().isdigit():
                row_no = int(rest[0].strip())
                rest = rest[1:]
            elif side_rowno[side] and rest and not rest[0].strip():
                if len(rest) > 1 and rest[1].strip().isdigit():
                    # item, empty 行次, then a bare integer: the 行次 slid into the amount column
                    unplaced.append(Unplaced(gl.raw, COLUMNS_SLID, gl.source))
                    continue
                rest = rest[1:]
            cols = side_cols[side]
            fitted = _fit(rest, len(cols))
            if fitted is None:
                unplaced.append(Unplaced(gl.raw, "more amounts than columns", gl.source))
                continue
            rows.append(
                Row(
                    name=name,
                    cells=_cells(cols, fitted),
                    source=gl.source,
                    group=groups[side],
                    row_no=row_no,
                    raw=gl.raw,
                    is_total=("合计" in name or name == "总计"),
                )
            )
            placed = True
        if not placed and any(parse_amount(c) is not None for c in gl.cells if c.strip()):
            if not all(c.strip().isdigit() for c in gl.cells if c.strip()):
                unplaced.append(Unplaced(gl.raw, "amounts with no item", gl.source))
    if idx is None and rows:
        # no header line names the 项目 and its amounts (the header row lost): 金额 would be invented
        unplaced.append(Unplaced(lines[0].raw, COLUMNS_UNNAMED, lines[0].source))
    columns: list[str] = []
    for g, cols in zip(groups, side_cols, strict=False):
        columns += [f"{g}·{c}" for c in cols]
    return rows, columns


def _ledger_groups(header: list[list[str]], main_idx: int | None, n: int) -> list[str]:
    found: list[str] = []
    for i, line in enumerate(header):
        if i == main_idx or _is_column_numbers(line):
            continue
        labels = [_norm(c) for c in line if _norm(c) in ("收入", "支出")]
        if len(labels) == n:
            return labels
        found += labels
    default = ["收入", "支出", "第3组", "第4组"]
    return default[:n]


def _parse_economic(
    header: list[list[str]], lines: list[GridLine], unplaced: list[Unplaced]
) -> tuple[list[Row], list[str]]:
    idx = _main_header(header, "科目名称")
    main = [_norm(c) for c in header[idx]] if idx is not None else []
    starts = [i for i, c in enumerate(main) if "科目编" in c or c == "科目编码"] or [0]
    col = next((c for c in main if "决算" in c or "预算" in c or "金额" in c), None)
    if col is None:
        # no header cell names the amounts: reading on would file them under an invented column
        if lines:
            unplaced.append(Unplaced(lines[0].raw, COLUMNS_UNNAMED, lines[0].source))
        col = "决算数"
    for s in starts:
        role = main[s + 1 : s + 3]
        if main and (len(role) < 2 or "名称" not in role[0] or not re.search(r"决算|预算|金额", role[1])):
            # each group is 科目编码 | 科目名称 | amount; any other order files amounts under names
            unplaced.append(Unplaced(" ".join(main), COLUMNS_SLID, lines[0].source if lines else Source(0)))
            break
    rows: list[Row] = []
    for gl in lines:
        cells = gl.cells
        if any("合计" in c for c in cells):
            rows += _scan_totals(gl, col)
            continue
        placed = False
        for n, s in enumerate(starts):
            e = starts[n + 1] if n + 1 < len(starts) else None
            part = cells[s:e] if e is not None else cells[s:]
            if not part:
                continue
            code_txt = part[0].strip()
            code = join_code_parts(code_txt.split()) if code_txt else None
            if not code and _NUMBER_CHARS.fullmatch(code_txt) and re.search(r"\d", code_txt):
                # the 科目编码 cell prints digits that are no code (30101.00, 50600.00%, a date
                # 1984-06-17): read on, the row would lose its code and be filed under another group
                unplaced.append(Unplaced(gl.raw, CODE_NOT_A_CODE, gl.source))
                continue
            name = clean_label(part[1]).replace(" ", "") if len(part) > 1 else ""
            if not code and not _label_ok(name):
                continue
            raws = [c for c in part[2:]]
            if main and len(part) > 2 and is_blank(part[2]) and any(not is_blank(c) for c in raws):
                # the amount stands off its header's 决算数 column (a tab added to the header or the
                # line): read on, the next group's 科目编码 would be taken for this row's amount
                unplaced.append(Unplaced(gl.raw, COLUMNS_SLID, gl.source))
                continue
            fitted = _fit(raws, 1)
            if fitted is None:
                unplaced.append(Unplaced(gl.raw, "more amounts than columns", gl.source))
                continue
            group = "人员经费" if code and code[:3] in PERSONNEL_CLASSES else "公用经费"
            rows.append(
                Row(
                    name=name or (code or ""),
                    cells=_cells([col], fitted),
                    source=gl.source,
                    code=code,
                    level=code_level(code),
                    parent_code=parent_code(code),
                    group=group,
                    raw=gl.raw,
                )
            )
            placed = True
        if not placed and any(not is_blank(c) for c in cells):
            unplaced.append(Unplaced(gl.raw, "no 科目 on this line", gl.source))
    return rows, [col]


def _scan_totals(gl: GridLine, col: str) -> list[Row]:
    """``人员经费合计 108.27 … 公用经费 合计 11.27``: labels joined up to the amount that follows."""
    rows = []
    label = ""
    for c in gl.cells:
        if _label_ok(c) or c.strip() == "合计":
            label += clean_label(c).replace(" ", "")
        elif parse_amount(c) is not None and label:
            group = "人员经费" if "人员" in label else ("公用经费" if "公用" in label else None)
            rows.append(
                Row(
                    name=label,
                    cells=_cells([col], [c]),
                    source=gl.source,
                    group=group,
                    raw=gl.raw,
                    is_total=True,
                )
            )
            label = ""
    return rows


def _parse_values(
    header: list[list[str]], lines: list[GridLine], title: str, unplaced: list[Unplaced]
) -> tuple[list[Row], list[str]]:
    columns = values_columns(header)
    rows = []
    for gl in lines:
        fitted = _fit(gl.cells, len(columns))
        if fitted is None or not columns:
            unplaced.append(Unplaced(gl.raw, "amounts do not line up with the columns", gl.source))
            continue
        rows.append(
            Row(name="合计", cells=_cells(columns, fitted), source=gl.source, raw=gl.raw, is_total=True)
        )
    return rows, columns


def interpret(
    title: str,
    code: str | None,
    unit: str,
    grid: list[GridLine],
    source: Source,
    notes: list[str] | None = None,
    heading_path: list[str] | None = None,
) -> tuple[Table, list[Unplaced]]:
    """Read a table's grid: header lines first, then one row per item."""
    unplaced: list[Unplaced] = []
    for a, b in zip(grid, grid[1:], strict=False):
        if a.cells == b.cells and any(not is_blank(c) for c in a.cells):
            unplaced.append(Unplaced(b.raw, ROW_DOUBLED, b.source))
    first_data = next((i for i, gl in enumerate(grid) if _is_data_line(gl.cells)), None)
    header_lines = grid if first_data is None else grid[:first_data]
    body = [] if first_data is None else grid[first_data:]
    header = [gl.cells for gl in header_lines]
    layout = detect_layout(header, [gl.cells for gl in body])
    if layout == "values":
        # amounts-only tables: every line after the column names with an amount is data. A number
        # line above the first line naming columns is OCR junk over the header (1 221 7478), and a
        # table with no column names at all has no figure anyone can name: neither is a row.
        named = next((i for i, gl in enumerate(grid) if any(has_cjk(c) for c in gl.cells)), len(grid))
        body = [
            gl
            for gl in grid[named + 1 :]
            if not _is_column_numbers(gl.cells) and any(parse_amount(c) is not None for c in gl.cells)
        ]
        header = [gl.cells for gl in grid if gl not in body]
    for gl in header_lines:
        if layout == "values" and gl in body:
            continue  # an amounts-only table's data line, not header garbage
        if not any(has_cjk(c) for c in gl.cells) and any(parse_amount(c) is not None for c in gl.cells):
            if not _is_column_numbers(gl.cells):
                unplaced.append(Unplaced(gl.raw, "garbage line in table header", gl.source))
    if layout == "subject":
        columns = subject_columns(header)
        unplaced += _amounts_under_labels(header, body)
        rows = _parse_subject(body, columns, unplaced)
    elif layout == "ledger":
        rows, columns = _parse_ledger(header, body, unplaced, header_lines)
    elif layout == "economic":
        rows, columns = _parse_economic(header, body, unplaced)
    else:
        rows, columns = _parse_values(header, body, title, unplaced)
    has_values = any(c.value is not None for r in rows for c in r.cells)
    table = Table(
        code=code,
        title=title,
        unit=unit,
        columns=columns,
        rows=rows,
        source=source,
        notes=list(notes or []),
        empty=not has_values,
        layout=layout,
        heading_path=list(heading_path or []),
    )
    return table, unplaced
