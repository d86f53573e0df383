"""What a careful reader recomputes: places where a report disagrees with itself.

``run_checks`` reads only the :class:`~knowledge.model.ParsedReport` contract and returns
:class:`~knowledge.model.Finding` objects, each citing both sides of the disagreement:

* ``total_vs_items`` — a 类/款 row or a 合计 row against the sum of the rows under it; where a
  table prints only 项 rows, the 类 totals come from the ledger tables (收入支出决算总表,
  财政拨款收入支出决算总表), matched to 类 codes by the standard 政府收支分类科目 names; in the
  基本支出 economic table, 类 rows against their 款 rows and 人员经费合计/公用经费合计 against their
  类 rows.
* ``cross_table`` — the same figure printed in two tables (totals, 基本支出, each 科目 code, 三公).
* ``narrative_vs_table`` — a figure in the 情况说明 against the table figure it names.
* ``direction_word`` — 增加/减少 words that contradict the numbers the report itself gives.
* ``percentage`` — every "占 X%", "完成…预算的 X%", 执行率 and stated 增减幅 recomputed.
* ``sangong_parts`` — "三公" total against its three parts.

Money is compared exactly with :class:`~decimal.Decimal`. A difference of one unit in the last
printed decimal (0.01 万元) is a ``warning`` (reports note 尾数误差); anything larger an ``error``.
Tables are found by title (then by the 公开NN表 code of the national 决算 template), so reports
that number their tables differently, or not at all, are read the same way. No check raises: a
table or figure that is missing or odd makes the check skip that comparison, never guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from rules import table_layout

from .model import Citation, Figure, Finding, ParsedReport, Row, Table
from .numbers import clean_label, nfkc

# 政府收支分类科目 (支出功能分类) 类 codes and their standard names.
CLASS_NAMES: dict[str, str] = {
    "201": "一般公共服务支出",
    "202": "外交支出",
    "203": "国防支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "209": "社会保险基金支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "215": "资源勘探工业信息等支出",
    "216": "商业服务业等支出",
    "217": "金融支出",
    "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出",
    "221": "住房保障支出",
    "222": "粮油物资储备支出",
    "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出",
    "227": "预备费",
    "229": "其他支出",
    "230": "转移性支出",
    "231": "债务还本支出",
    "232": "债务付息支出",
    "233": "债务发行费用支出",
    "234": "抗疫特别国债安排的支出",
}
_CLASS_BY_NAME = {name: code for code, name in CLASS_NAMES.items()}

# 经济分类 类 codes that make up 人员经费 in the 基本支出 table; the others are 公用经费.
PERSONNEL_CLASSES = ("301", "303")

# 公开NN表 of the national 决算 template, used only when a table's title says nothing.
_FINAL_CODES = table_layout().roles  # rules/zh/tables.yaml, shared with the query stage

# A subject table whose rows fail to add up under this many 类/款/合计 rows (beyond rounding) is
# taken as misread (values shifted against codes) rather than as that many errors in the report.
UNRELIABLE_AFTER = 3

ZERO = Decimal(0)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)

RISE_WORDS = ("增加", "增长", "上升", "提高", "增幅")
FALL_WORDS = ("减少", "下降", "降低", "降幅", "减幅", "缩减")
_CHANGE = re.compile(
    r"(增幅|降幅|减幅)(?:为|是|达到|达)?\s*(\d[\d,]*(?:\.\s?\d+)?)\s*(%|万元|元)"
    r"|(增加|增长|上升|提高|减少|下降|降低|缩减)了?\s*(\d[\d,]*(?:\.\s?\d+)?)\s*(%|万元|元)"
)
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")
_CHANGE_CONTEXT = (
    "上年",
    "上一年",
    "较",
    "增加",
    "减少",
    "增长",
    "下降",
    "降低",
    "持平",
    "增幅",
    "降幅",
    "相比",
    "同比",
)
_MONEY_UNITS = ("万元", "元")

# 三公 items: key → (words that name it in a sentence, words in a table column)
_SANGONG_ITEMS = {
    "出国": ("因公出国(境)费", "因公出国"),
    "公车": ("公务用车购置及运行维护费", "公务用车购置及运行维护"),
    "接待": ("公务接待费", "公务接待"),
}
_SANGONG_LABEL = {
    "合计": "“三公”经费合计",
    "出国": "因公出国(境)费",
    "公车": "公务用车购置及运行维护费",
    "接待": "公务接待费",
    "购车": "公务用车购置费",
    "运维": "公务用车运行维护费",
}


# --------------------------------------------------------------------------------------------
# small helpers


def _d(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        out = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return out if out.is_finite() else None


def _z(value) -> Decimal:
    v = _d(value)
    return ZERO if v is None else v


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = format(value, "f")
    return text


def _exp(value: Decimal | None) -> int:
    """Decimal places printed (2 for 672.13, 0 for 100)."""
    if value is None:
        return 0
    e = value.as_tuple().exponent
    return -e if isinstance(e, int) and e < 0 else 0


def _quantum(*values: Decimal | None) -> Decimal:
    places = max([_exp(v) for v in values if v is not None] + [0])
    places = min(places, 4)
    return Decimal(1).scaleb(-places)


def _severity(diff: Decimal, *values: Decimal | None) -> str:
    q = (
        max(_quantum(*values), CENT)
        if all(_exp(v) >= 2 for v in values if v is not None)
        else _quantum(*values)
    )
    return "warning" if abs(diff) <= q else "error"


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


_NORM_DROP = re.compile(r"[\s\"'“”‘’「」]")
_NORM_CN_NUMBER = re.compile(r"^[(（]?[一二三四五六七八九十百]+[)）、.．]")
_NORM_NUMBER = re.compile(r"^\d{1,2}[、.．](?!\d)")
_NORM_OF_WHICH = re.compile(r"^其中[:：]?")


def _norm(text: str | None) -> str:
    """A label for comparison: NFKC, no spaces, no quotes, no leading 一、/(一)/1. numbering.

    Memoised for short labels: the checks normalise the same few hundred labels ~3 000 times a report."""
    text = text or ""
    return _norm_cached(text) if len(text) <= 200 else _norm_text(text)


def _norm_text(text: str) -> str:
    t = clean_label(nfkc(text))
    t = _NORM_DROP.sub("", t)
    t = _NORM_CN_NUMBER.sub("", t)
    t = _NORM_NUMBER.sub("", t)
    t = _NORM_OF_WHICH.sub("", t)
    return t


_norm_cached = lru_cache(maxsize=1 << 16)(_norm_text)


def _class_code(name: str) -> str | None:
    n = _norm(name)
    if n in _CLASS_BY_NAME:
        return _CLASS_BY_NAME[n]
    if n + "支出" in _CLASS_BY_NAME:
        return _CLASS_BY_NAME[n + "支出"]
    return None


def _col_tail(column: str) -> str:
    return column.split("·")[-1]


def _cell(row: Row, column: str | None):
    """The cell of ``row`` for ``column`` (exact name, then the part after ``·``), or None."""
    if column is None:
        return row.cells[0] if row.cells else None
    for c in row.cells:
        if c.column == column:
            return c
    tail = _col_tail(column)
    for c in row.cells:
        if _col_tail(c.column) == tail:
            return c
    return None


def _val(row: Row, column: str | None) -> Decimal | None:
    c = _cell(row, column)
    return None if c is None else _d(c.value)


def _row_label(row: Row) -> str:
    return f"{row.code} {row.name}" if row.code else row.name


def _money_unit(unit: str | None) -> str:
    return unit if unit in _MONEY_UNITS or unit == "亿元" else "万元"


def _convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal | None:
    scale = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
    if from_unit not in scale or to_unit not in scale:
        return None
    if from_unit == to_unit:
        return value
    return value * scale[from_unit] / scale[to_unit]


@dataclass
class Ref:
    """One printed number and where it stands."""

    value: Decimal | None
    citation: Citation
    unit: str = "万元"
    name: str = ""


class _Ctx:
    def __init__(self, report: ParsedReport):
        self.report = report
        self.title = getattr(report.meta, "title", "") or ""
        self.year = getattr(report.meta, "year", None)
        self.kind = getattr(report.meta, "kind", "") or ""
        self.roles: dict[str, Table] = {}
        self.unreliable: dict[int, list[str]] = {}
        for t in report.tables or []:
            role = _role(t)
            if role and role not in self.roles:
                self.roles[role] = t
            if t.layout == "subject" and not t.empty:
                bad = _broken_parents(t)
                if len(bad) >= UNRELIABLE_AFTER:
                    self.unreliable[id(t)] = bad

    def table(self, role: str) -> Table | None:
        t = self.roles.get(role)
        if t is None or t.empty or not t.rows or id(t) in self.unreliable:
            return None
        return t

    # citations
    def cite_cell(self, table: Table, row: Row, column: str | None) -> Citation:
        c = _cell(row, column)
        col = c.column if c is not None else column
        if table.layout == "ledger" and row.group and col:
            col = f"{row.group}·{_col_tail(col)}"
        quote = row.raw or f"{_row_label(row)} {c.raw if c is not None else ''}".strip()
        return Citation(
            report=self.title,
            table=table.label,
            row=_row_label(row),
            column=col,
            quote=quote,
            line=row.source.line if row.source else None,
            page=row.source.page if row.source else None,
        )

    def cite_figure(self, f: Figure, clause: bool = False) -> Citation:
        """The sentence a figure stands in; ``clause`` quotes only the figure's own clause, for a
        second figure cited from the same sentence."""
        return Citation(
            report=self.title,
            section=" > ".join(f.section_path or []),
            quote=f"{f.context}{f.raw}" if clause else f.sentence,
            line=f.source.line if f.source else None,
            page=f.source.page if f.source else None,
        )

    def ref(self, table: Table, row: Row, column: str | None) -> Ref:
        return Ref(_val(row, column), self.cite_cell(table, row, column), _money_unit(table.unit), row.name)


def _role(t: Table) -> str | None:
    title = _norm(t.title or "")
    layout = t.layout or ""
    if "三公" in title:
        return "sangong"
    if layout == "ledger":
        if "非财政拨款" in title:
            return "nonfiscal"
        if "财政拨款" in title:
            return "fiscal"
        if title:
            return "overview"
    elif layout == "economic":
        if "基本支出" in title or "经济分类" in title or not title:
            return "economic"
    elif layout == "subject" and title:
        if "政府性基金" in title:
            return "govfund"
        if "国有资本" in title:
            return "soe"
        if "项目支出" in title or "基本支出" in title:
            return None
        if "一般公共预算" in title:
            return "gpb"
        if "收入" in title and "支出" not in title:
            return "income"
        if "支出" in title and "财政拨款" not in title:
            return "expenditure"
    code = (t.code or "").replace(" ", "")
    return _FINAL_CODES.get(code) if not title else None


def _total_col(table: Table) -> str | None:
    for c in table.columns:
        if any(w in _col_tail(c) for w in ("合计", "总计")):
            return c
    return table.columns[0] if table.columns else None


def _find_col(table: Table, *words: str) -> str | None:
    for c in table.columns:
        if all(w in _col_tail(c) for w in words):
            return c
    return None


def _total_row(table: Table) -> Row | None:
    for r in table.rows:
        if r.is_total and not r.code and ("合计" in r.name or "总计" in r.name) and not r.group:
            return r
    return None


def _ledger_row(table: Table, side: str, *names: str, exact: bool = True) -> Row | None:
    for r in table.rows:
        if r.group != side:
            continue
        n = _norm(r.name)
        for name in names:
            if (n == name) if exact else (name in n):
                return r
    return None


def _coded(table: Table) -> dict[str, Row]:
    out: dict[str, Row] = {}
    for r in table.rows:
        code = (r.code or "").strip()
        if code.isdigit() and len(code) in (3, 5, 7) and code not in out:
            out[code] = r
    return out


def _children(code: str, coded: dict[str, Row]) -> list[Row]:
    kids = [r for c, r in coded.items() if len(c) == len(code) + 2 and c.startswith(code)]
    if not kids and len(code) == 3:
        kids = [r for c, r in coded.items() if len(c) == 7 and c.startswith(code)]
    return kids


def _has_ancestor(code: str, coded: dict[str, Row]) -> bool:
    return any(code[:n] in coded for n in (3, 5) if n < len(code))


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((_z(v) for v in values), ZERO)


def _dedupe_citations(cites: list[Citation]) -> list[Citation]:
    seen = set()
    out = []
    for c in cites:
        key = (c.table, c.section, c.row, c.column, c.line, c.quote)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _finding(check, message, expected, found, unit, citations, subject, severity=None) -> Finding:
    diff = None if expected is None or found is None else found - expected
    if severity is None:
        severity = "error" if diff is None else _severity(diff, expected, found)
    return Finding(
        check=check,
        severity=severity,
        message=message,
        expected=expected,
        found=found,
        unit=unit,
        citations=list(citations),
        difference=diff,
        subject=subject,
    )


def _tail_note(diff: Decimal, sev: str) -> str:
    return "（尾数误差）" if sev == "warning" else ""


# --------------------------------------------------------------------------------------------
# total_vs_items


def check_total_vs_items(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    for t in ctx.report.tables or []:
        if t.empty or not t.rows:
            continue
        try:
            if id(t) in ctx.unreliable:
                out.append(_unreliable_finding(ctx, t))
            elif t.layout == "subject":
                out.extend(_subject_totals(ctx, t))
            elif t.layout == "economic":
                out.extend(_economic_totals(ctx, t))
        except Exception:  # a check must never stop the others
            continue
    try:
        out.extend(_class_totals_from_ledger(ctx))
    except Exception:
        pass
    return out


def _unreliable_finding(ctx: _Ctx, t: Table) -> Finding:
    bad = ctx.unreliable[id(t)]
    rows = [r for r in t.rows if _row_label(r) in bad][:2]
    msg = (
        f"{t.label}有{len(bad)}处上级科目与其下科目之和明显不符（{'、'.join(bad[:5])}），更像是表格数字与科目"
        f"错行（印刷或读取），未据此逐项判定；请对照原表核实。"
    )
    cites = [ctx.cite_cell(t, r, _total_col(t)) for r in rows]
    return _finding("total_vs_items", msg, None, None, _money_unit(t.unit), cites, t.label, "info")


def _sum_finding(ctx, t, parent, column, kids, subject, what) -> Finding | None:
    """A total that its listed items do not add up to; ``what`` names the items, ``{n}`` their count."""
    vals = [_val(k, column) for k in kids]
    if all(v is None for v in vals):
        return None
    printed = _val(parent, column)
    expected = _sum(vals)
    if printed is None:
        return None  # a blank total is a gap in the print (or the reading), not a sum to accuse
    found = printed
    if found == expected:
        return None
    unit = _money_unit(t.unit)
    diff = found - expected
    sev = _severity(diff, found, *vals)
    parts = " + ".join(_fmt(v) for v in vals if v is not None)
    # the count names the addends listed, not every child row (blank ones add nothing)
    what = what.format(n=sum(v is not None for v in vals))
    col = _col_tail(column) if column else ""
    msg = (
        f"{t.label}中“{subject}”{col}印为{_fmt(found)}{unit}，{what}之和为{_fmt(expected)}{unit}"
        f"（{parts}），相差{_fmt(diff)}{unit}{_tail_note(diff, sev)}。"
    )
    cites = [ctx.cite_cell(t, parent, column)] + [
        ctx.cite_cell(t, k, column) for k, v in zip(kids, vals, strict=True) if v is not None
    ]
    return _finding("total_vs_items", msg, expected, found, unit, cites, subject, sev)


def _subject_totals(ctx: _Ctx, t: Table) -> list[Finding]:
    out = []
    coded = _coded(t)
    for code, row in coded.items():
        if len(code) not in (3, 5):
            continue
        kids = _children(code, coded)
        if not kids:
            continue
        level = "款" if len(kids[0].code or "") == 5 else "项"
        for col in t.columns:
            f = _sum_finding(ctx, t, row, col, kids, f"{code} {row.name}", "其下{n}个" + level)
            if f:
                out.append(f)
    total = _total_row(t)
    top = [r for c, r in coded.items() if not _has_ancestor(c, coded)]
    if total is not None and top:
        for col in t.columns:
            f = _sum_finding(ctx, t, total, col, top, total.name, "{n}个科目行")
            if f:
                out.append(f)
    return out


def _broken_parents(t: Table) -> list[str]:
    """Parent rows (类/款 and 合计) of a subject table that differ from their items by more than
    rounding in any column."""
    coded = _coded(t)
    parents = [(r, _children(c, coded)) for c, r in coded.items() if len(c) in (3, 5)]
    total = _total_row(t)
    if total is not None:
        parents.append((total, [r for c, r in coded.items() if not _has_ancestor(c, coded)]))
    bad = []
    for row, kids in parents:
        if not kids:
            continue
        for col in t.columns:
            vals = [_val(k, col) for k in kids]
            printed = _val(row, col)
            if printed is None or all(v is None for v in vals):
                continue
            if abs(printed - _sum(vals)) > Decimal(len(kids)) * CENT:
                bad.append(_row_label(row))
                break
    return bad


def _economic_totals(ctx: _Ctx, t: Table) -> list[Finding]:
    out = []
    coded = {c: r for c, r in _coded(t).items() if len(c) in (3, 5)}
    column = t.columns[0] if t.columns else None
    for code, row in coded.items():
        if len(code) != 3:
            continue
        kids = [r for c, r in coded.items() if len(c) == 5 and c.startswith(code)]
        if kids:
            f = _sum_finding(ctx, t, row, column, kids, f"{code} {row.name}", "其下{n}个款")
            if f:
                out.append(f)
    classes = {c: r for c, r in coded.items() if len(c) == 3}
    for total in (r for r in t.rows if r.is_total and not r.code):
        name = _norm(total.name)
        if "人员经费" in name or total.group == "人员经费":
            members = _members(classes, "人员经费")
        elif "公用经费" in name or total.group == "公用经费":
            members = _members(classes, "公用经费")
        elif "合计" in name and not total.group:
            members = list(classes.values())
        else:
            continue
        if members:
            f = _sum_finding(ctx, t, total, column, members, total.name, "{n}个类")
            if f:
                out.append(f)
    return out


def _members(classes: dict[str, Row], group: str) -> list[Row]:
    grouped = [r for r in classes.values() if r.group]
    if grouped:
        return [r for r in classes.values() if r.group == group]
    personnel = group == "人员经费"
    return [r for c, r in classes.items() if (c in PERSONNEL_CLASSES) == personnel]


def _ledger_class_rows(table: Table) -> dict[str, Row]:
    out: dict[str, Row] = {}
    for r in table.rows:
        if r.group != "支出":
            continue
        code = _class_code(r.name)
        if code and code not in out:
            out[code] = r
    return out


def _ledger_pairs(ctx: _Ctx) -> list[tuple[Table, str | None, Table, str | None]]:
    """(ledger table, its 支出 column, subject table, its total column) that print one figure."""
    pairs = []
    ov, exp_t = ctx.table("overview"), ctx.table("expenditure")
    if ov is not None and exp_t is not None:
        pairs.append((ov, None, exp_t, _total_col(exp_t)))
    fis, gpb = ctx.table("fiscal"), ctx.table("gpb")
    if fis is not None and gpb is not None:
        col = _find_col(fis, "一般公共预算")
        if col:
            pairs.append((fis, col, gpb, _total_col(gpb)))
    return pairs


def _class_items(table: Table, code: str, coded: dict[str, Row]) -> list[Row]:
    kids5 = [r for c, r in coded.items() if len(c) == 5 and c.startswith(code)]
    if kids5:
        return kids5
    return [r for c, r in coded.items() if len(c) == 7 and c.startswith(code)]


def _class_totals_from_ledger(ctx: _Ctx) -> list[Finding]:
    merged: dict[tuple, Finding] = {}
    for ledger, lcol, sub, scol in _ledger_pairs(ctx):
        coded = _coded(sub)
        for code, lrow in _ledger_class_rows(ledger).items():
            if code in coded:
                continue  # the table prints its own 类 row: checked within the table
            items = _class_items(sub, code, coded)
            vals = [_val(r, scol) for r in items]
            if not items or all(v is None for v in vals):
                continue
            expected = _sum(vals)
            printed = _val(lrow, lcol)
            if printed is None or printed == expected:
                continue
            found = printed
            if found == expected:
                continue
            unit = _money_unit(sub.unit)
            if _money_unit(ledger.unit) != unit:
                continue
            name = CLASS_NAMES[code]
            key = (code, found, expected)
            cites = [ctx.cite_cell(ledger, lrow, lcol)] + [
                ctx.cite_cell(sub, r, scol) for r, v in zip(items, vals, strict=True) if v is not None
            ]
            if key in merged:
                merged[key].citations = _dedupe_citations(merged[key].citations + cites)
                continue
            diff = found - expected
            sev = _severity(diff, found, *vals)
            parts = " + ".join(
                f"{_fmt(v)}（{r.code} {r.name}）" for r, v in zip(items, vals, strict=True) if v is not None
            )
            msg = (
                f"{name}（{code}类）在{ledger.label}中为{_fmt(found)}{unit}，但{sub.label}中该类下各科目之和为"
                f"{_fmt(expected)}{unit}（{parts}），相差{_fmt(diff)}{unit}{_tail_note(diff, sev)}。"
            )
            merged[key] = _finding("total_vs_items", msg, expected, found, unit, cites, f"{code} {name}", sev)
    return list(merged.values())


# --------------------------------------------------------------------------------------------
# cross_table


def _compare(check, ctx, a: Ref | None, b: Ref | None, subject: str, what: str = "") -> Finding | None:
    """``a`` is the reference side (expected), ``b`` the other printing of the same figure (found)."""
    if a is None or b is None:
        return None
    if a.value is None or b.value is None:
        # a blank cell equals a printed 0; against a non-zero figure it is more likely a gap
        # in the reading than a second figure, so it is not compared
        if _z(a.value) == 0 and _z(b.value) == 0:
            return None
        return None
    if a.unit != b.unit:
        conv = _convert(_z(a.value), a.unit, b.unit)
        if conv is None:
            return None
        expected = _round(conv, _exp(b.value))
    else:
        expected = _z(a.value)
    found = _z(b.value)
    if found == expected:
        return None
    diff = found - expected
    sev = _severity(diff, expected, found)
    where_a = a.citation.table or a.citation.section or ""
    where_b = b.citation.table or b.citation.section or ""
    msg = (
        f"“{subject}”{what}在{where_a}中为{_fmt(expected)}{b.unit}，在{where_b}中为{_fmt(found)}{b.unit}，"
        f"相差{_fmt(diff)}{b.unit}{_tail_note(diff, sev)}。"
    )
    return _finding(check, msg, expected, found, b.unit, [a.citation, b.citation], subject, sev)


def _all_gpb(ctx: _Ctx) -> bool:
    """True when every yuan of expenditure is 一般公共预算财政拨款 (支出决算表 == 一般公共预算 table)."""
    exp_t, gpb = ctx.table("expenditure"), ctx.table("gpb")
    if exp_t is None or gpb is None:
        return False
    a, b = _total_row(exp_t), _total_row(gpb)
    if a is None or b is None:
        return False
    va, vb = _val(a, _total_col(exp_t)), _val(b, _total_col(gpb))
    return va is not None and va == vb


def _no_carryover(ctx: _Ctx) -> bool:
    ov = ctx.table("overview")
    if ov is None:
        return False
    words = ("结转和结余", "结余分配", "使用非财政拨款结余")
    seen = False
    for r in ov.rows:
        if any(w in r.name for w in words):
            seen = True
            if any(_z(c.value) != 0 for c in r.cells):
                return False
    return seen


def check_cross_table(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    for step in (_cross_totals, _cross_basic, _cross_codes, _cross_classes, _cross_sangong):
        try:
            out.extend(f for f in step(ctx) if f is not None)
        except Exception:
            continue
    return out


def _cross_totals(ctx: _Ctx) -> list[Finding | None]:
    out: list[Finding | None] = []
    ov, fis = ctx.table("overview"), ctx.table("fiscal")
    inc, exp_t, gpb = ctx.table("income"), ctx.table("expenditure"), ctx.table("gpb")

    def lref(t, side, names, col=None, exact=True):
        if t is None:
            return None
        r = _ledger_row(t, side, *names, exact=exact)
        return None if r is None else ctx.ref(t, r, col)

    def tref(t, col=None):
        if t is None:
            return None
        r = _total_row(t)
        return None if r is None else ctx.ref(t, r, col or _total_col(t))

    out.append(
        _compare(
            "cross_table", ctx, lref(ov, "收入", ("本年收入合计", "收入合计")), tref(inc), "本年收入合计"
        )
    )
    out.append(
        _compare(
            "cross_table", ctx, lref(ov, "支出", ("本年支出合计", "支出合计")), tref(exp_t), "本年支出合计"
        )
    )
    gcol = _find_col(fis, "一般公共预算") if fis is not None else None
    if gcol:
        out.append(
            _compare(
                "cross_table",
                ctx,
                lref(fis, "支出", ("本年支出合计", "支出合计"), gcol),
                tref(gpb),
                "一般公共预算财政拨款支出合计",
            )
        )
    for t in (ov, fis):
        if t is None:
            continue
        scol = _find_col(t, "支出", "合计") if t is fis else None
        out.append(
            _compare(
                "cross_table",
                ctx,
                lref(t, "收入", ("总计",)),
                lref(t, "支出", ("总计",), scol),
                "总计",
                "（收入方与支出方）",
            )
        )
    if ov is not None and fis is not None:
        a = lref(ov, "收入", ("一般公共预算财政拨款收入", "一般公共预算财政拨款"))
        b = lref(fis, "收入", ("一般公共预算财政拨款", "一般公共预算财政拨款收入"))
        out.append(_compare("cross_table", ctx, a, b, "一般公共预算财政拨款收入"))
    return out


def _econ_basic(ctx: _Ctx) -> tuple[Decimal, list[Citation]] | None:
    econ = ctx.table("economic")
    if econ is None:
        return None
    col = econ.columns[0] if econ.columns else None
    totals = [
        r for r in econ.rows if r.is_total and not r.code and ("人员经费" in r.name or "公用经费" in r.name)
    ]
    if len(totals) == 2:
        rows = totals
    else:
        rows = [r for c, r in _coded(econ).items() if len(c) == 3]
    vals = [_val(r, col) for r in rows]
    if not rows or all(v is None for v in vals):
        return None
    return _sum(vals), [ctx.cite_cell(econ, r, col) for r in rows]


def _cross_basic(ctx: _Ctx) -> list[Finding | None]:
    out: list[Finding | None] = []
    exp_t, gpb = ctx.table("expenditure"), ctx.table("gpb")
    gref = None
    if gpb is not None and _total_row(gpb) is not None and _find_col(gpb, "基本支出"):
        gref = ctx.ref(gpb, _total_row(gpb), _find_col(gpb, "基本支出"))
    if exp_t is not None and gref is not None and _all_gpb(ctx) and _find_col(exp_t, "基本支出"):
        for word in ("基本支出", "项目支出"):
            ca, cb = _find_col(exp_t, word), _find_col(gpb, word)
            if ca and cb and _total_row(exp_t) is not None:
                out.append(
                    _compare(
                        "cross_table",
                        ctx,
                        ctx.ref(exp_t, _total_row(exp_t), ca),
                        ctx.ref(gpb, _total_row(gpb), cb),
                        word,
                    )
                )
    econ = _econ_basic(ctx)
    if econ is not None and gref is not None and gref.value is not None:
        value, cites = econ
        expected = _z(gref.value)
        if value != expected:
            diff = value - expected
            sev = _severity(diff, value, expected)
            econ_t = ctx.table("economic")
            msg = (
                f"基本支出在{gpb.label}中为{_fmt(expected)}{gref.unit}，{econ_t.label}的人员经费与公用经费合计为"
                f"{_fmt(value)}{gref.unit}，相差{_fmt(diff)}{gref.unit}{_tail_note(diff, sev)}。"
            )
            out.append(
                _finding(
                    "cross_table", msg, expected, value, gref.unit, [gref.citation] + cites, "基本支出", sev
                )
            )
    return out


def _cross_codes(ctx: _Ctx) -> list[Finding | None]:
    out: list[Finding | None] = []
    inc, exp_t, gpb = ctx.table("income"), ctx.table("expenditure"), ctx.table("gpb")
    pairs = []
    if exp_t is not None and gpb is not None and _all_gpb(ctx):
        pairs.append(
            (
                exp_t,
                gpb,
                [(_total_col(exp_t), _total_col(gpb), "支出合计")]
                + [(_find_col(exp_t, w), _find_col(gpb, w), w) for w in ("基本支出", "项目支出")],
            )
        )
    if inc is not None and exp_t is not None and _no_carryover(ctx):
        pairs.append((inc, exp_t, [(_total_col(inc), _total_col(exp_t), "合计")]))
    for a_t, b_t, cols in pairs:
        a_rows, b_rows = _coded(a_t), _coded(b_t)
        for code, ar in a_rows.items():
            br = b_rows.get(code)
            if br is None:
                continue
            for ca, cb, what in cols:
                if not ca or not cb:
                    continue
                out.append(
                    _compare(
                        "cross_table",
                        ctx,
                        ctx.ref(a_t, ar, ca),
                        ctx.ref(b_t, br, cb),
                        f"{code} {ar.name}",
                        f"（{what}）",
                    )
                )
    return out


def _cross_classes(ctx: _Ctx) -> list[Finding | None]:
    """A 类 row printed in a subject table against the same 类 in the ledger table."""
    out: list[Finding | None] = []
    for ledger, lcol, sub, scol in _ledger_pairs(ctx):
        coded = _coded(sub)
        for code, lrow in _ledger_class_rows(ledger).items():
            srow = coded.get(code)
            if srow is None:
                continue
            out.append(
                _compare(
                    "cross_table",
                    ctx,
                    ctx.ref(ledger, lrow, lcol),
                    ctx.ref(sub, srow, scol),
                    f"{code} {CLASS_NAMES[code]}",
                )
            )
    return out


def _sangong_table(ctx: _Ctx) -> dict[tuple[str, str], Ref]:
    """(预算/决算, item) → Ref from the 三公 table, when it prints values."""
    t = ctx.table("sangong")
    if t is None:
        return {}
    row = _total_row(t)
    if row is None:
        row = next((r for r in t.rows if any(c.value is not None for c in r.cells)), None)
    if row is None or all(c.value is None for c in row.cells):
        return {}
    out: dict[tuple[str, str], Ref] = {}
    for c in row.cells:
        col = nfkc(c.column).replace(" ", "")
        kind = "预算" if "预算" in col else "决算" if "决算" in col else None
        if kind is None:
            continue
        tail = _col_tail(col)
        if "合计" in tail:
            item = "合计"
        elif "购置及运行" in tail or tail in ("小计",):
            item = "公车"
        elif "出国" in tail:
            item = "出国"
        elif "接待" in tail:
            item = "接待"
        elif "运行维护" in tail:
            item = "运维"
        elif "购置" in tail:
            item = "购车"
        else:
            continue
        if (kind, item) not in out:
            out[(kind, item)] = Ref(
                _d(c.value), ctx.cite_cell(t, row, c.column), _money_unit(t.unit), _SANGONG_LABEL[item]
            )
    return out


def _cross_sangong(ctx: _Ctx) -> list[Finding | None]:
    table = _sangong_table(ctx)
    if not table:
        return []
    narrative = _sangong_narrative(ctx)
    out: list[Finding | None] = []
    for key, nref in narrative.items():
        tref = table.get(key)
        if tref is None:
            continue
        out.append(_compare("cross_table", ctx, tref, nref, _SANGONG_LABEL[key[1]], f"{key[0]}数"))
    return out


# --------------------------------------------------------------------------------------------
# narrative helpers


@dataclass
class _Placed:
    fig: Figure
    start: int  # offset of the figure in its sentence
    end: int


def _sentence_groups(ctx: _Ctx) -> list[list[_Placed]]:
    """Figures grouped by the sentence they stand in, with their offsets in it."""
    groups: list[list[_Placed]] = []
    key = None
    pos = 0
    for f in ctx.report.figures or []:
        k = (f.sentence, tuple(f.section_path or []), f.source.line if f.source else None)
        if k != key:
            groups.append([])
            key = k
            pos = 0
        s = f.sentence or ""
        i = s.find(f.raw or "", pos)
        if i < 0:
            i = s.find(f.raw or "")
        if i < 0:
            i = pos
        groups[-1].append(_Placed(f, i, i + len(f.raw or "")))
        pos = i + len(f.raw or "")
    return groups


def _year_before(text: str) -> int | None:
    years = _YEAR.findall(text)
    return int(years[-1]) if years else None


def _ctx_text(f: Figure) -> str:
    return _norm(f.context)


def _section_text(f: Figure) -> str:
    return _norm("".join((f.section_path or [])[1:])) or _norm("".join(f.section_path or []))


def _is_other_year(ctx: _Ctx, p: _Placed) -> bool:
    y = _year_before((p.fig.sentence or "")[: p.start])
    return y is not None and ctx.year is not None and y != ctx.year


# --------------------------------------------------------------------------------------------
# narrative_vs_table


_ITEM = re.compile(r"([^,，;；。:：()]+?)\(类\)([^,，;；。:：()]+?)\(款\)([^,，;；。:：()]+?)\(项\)")


def _item_ref(ctx: _Ctx, c: str) -> Ref | None:
    """The 一般公共预算 table's 项 row a "X(类)Y(款)Z(项)" phrase names, if exactly one matches."""
    gpb = ctx.table("gpb")
    matches = list(_ITEM.finditer(c))
    m = matches[-1] if matches else None
    if gpb is None or m is None:
        return None
    klass = _class_code(re.sub(r"^\d+[.、]", "", m.group(1)))
    kuan, xiang = _norm(m.group(2)), _norm(m.group(3))
    coded = _coded(gpb)
    rows = [r for code, r in coded.items() if len(code) == 7 and _norm(r.name) == xiang]
    if klass:
        rows = [r for r in rows if r.code.startswith(klass)]
    if len(rows) > 1:
        rows = [r for r in rows if r.code[:5] in coded and _norm(coded[r.code[:5]].name) == kuan]
    if len(rows) != 1:
        return None
    return ctx.ref(gpb, rows[0], _total_col(gpb))


_GENERIC_ACTUAL = ("支出决算为", "支出决算", "决算为", "支出决算数为", "决算数为")


def _lookup(ctx: _Ctx, c: str, section: str, prefix: str = "") -> Ref | None:
    """The table figure a narrative context names, or None when it names none we know.

    ``prefix`` is the sentence up to the figure, for contexts that only say "支出决算为".
    """
    ov, fis, nonfis = ctx.table("overview"), ctx.table("fiscal"), ctx.roles.get("nonfiscal")
    inc, exp_t, gpb, econ = (
        ctx.table("income"),
        ctx.table("expenditure"),
        ctx.table("gpb"),
        ctx.table("economic"),
    )
    is_gpb = "一般公共预算" in c or "一般公共预算" in section
    is_fiscal = ("财政拨款" in c or "财政拨款" in section) and "非财政" not in c and "非财政" not in section
    if "非财政" in c:
        is_fiscal = False

    def total(t, col=None):
        if t is None:
            return None
        r = _total_row(t)
        return None if r is None else ctx.ref(t, r, col or _total_col(t))

    def total_of(t, word):
        if t is None:
            return None
        col = _find_col(t, word)
        return None if col is None else total(t, col)

    def ledger(t, side, names, col=None):
        if t is None:
            return None
        r = _ledger_row(t, side, *names)
        return None if r is None else ctx.ref(t, r, col)

    if "机关运行" in c or "三公" in c:
        return None
    if "(项)" in c:
        return _item_ref(ctx, c) if is_gpb else None
    if "(款)" in c:
        return None
    if econ is not None and ("人员经费" in c or "公用经费" in c):
        word = "人员经费" if "人员经费" in c else "公用经费"
        for r in econ.rows:
            if r.is_total and word in r.name:
                return ctx.ref(econ, r, econ.columns[0] if econ.columns else None)
        return None
    for word in ("基本支出", "项目支出"):
        if word in c:
            if is_gpb:
                return total_of(gpb, word)
            if "财政拨款" in c or "财政拨款" in section:
                return None
            return total_of(exp_t, word)
    tail = re.sub(r"^(其中|包括)", "", c)
    for word in (
        "财政拨款收入",
        "上级补助收入",
        "事业收入",
        "经营收入",
        "附属单位上缴收入",
        "附属单位缴款收入",
        "其他收入",
    ):
        if tail == word and "非财政" not in section:
            return total_of(inc, "附属单位" if "附属单位" in word else word)
    for word in ("上缴上级支出", "经营支出", "对附属单位补助支出"):
        if tail == word:
            return total_of(exp_t, word)
    if "(类)" in c:
        m = re.search(r"([^,，;；。:：()]+?)\(类\)$", c)
        code = _class_code(m.group(1)) if m else None
        if code is None and m:
            code = next(
                (
                    k
                    for k, n in CLASS_NAMES.items()
                    if m.group(1).endswith(n[:-2] if n.endswith("支出") else n)
                ),
                None,
            )
        return _class_ref(ctx, code, is_gpb or is_fiscal) if code else None
    has_total = "合计" in c or "总计" in c
    if has_total and "收入" in c and not re.search(r"支(出)?(决算|预算)?(合计|总计)", c):
        t = nonfis if "非财政" in c or "非财政" in section else (fis if is_fiscal else ov)
        if t is None:
            return None
        names = ("总计",) if "总计" in c else ("本年收入合计", "收入合计")
        return ledger(t, "收入", names)
    if has_total and re.search(r"支(出)?[^,，]*?(合计|总计)", c):
        if "一般公共预算" in c:
            return total(gpb)
        if "非财政" in c or "非财政" in section:
            t, col = nonfis, None
        elif is_fiscal:
            t = fis
            col = _find_col(fis, "支出", "合计") if fis is not None else None
        else:
            t, col = ov, None
        if t is None:
            return None
        names = ("总计",) if "总计" in c else ("本年支出合计", "支出合计")
        return ledger(t, "支出", names, col)
    if is_gpb and c.endswith("一般公共预算财政拨款支出"):
        return total(gpb)
    if (
        is_gpb
        and c in _GENERIC_ACTUAL
        and "一般公共预算财政拨款支出" in prefix
        and not re.search(r"[(（](类|款|项)[)）]", prefix)
    ):
        return total(gpb)
    return None


def _class_ref(ctx: _Ctx, code: str, fiscal: bool) -> Ref | None:
    if fiscal:
        fis, gpb = ctx.table("fiscal"), ctx.table("gpb")
        if fis is not None:
            r = _ledger_class_rows(fis).get(code)
            col = _find_col(fis, "一般公共预算")
            if r is not None and col:
                return ctx.ref(fis, r, col)
        if gpb is not None and code in _coded(gpb):
            return ctx.ref(gpb, _coded(gpb)[code], _total_col(gpb))
        return None
    ov, exp_t = ctx.table("overview"), ctx.table("expenditure")
    if ov is not None:
        r = _ledger_class_rows(ov).get(code)
        if r is not None:
            return ctx.ref(ov, r, None)
    if exp_t is not None and code in _coded(exp_t):
        return ctx.ref(exp_t, _coded(exp_t)[code], _total_col(exp_t))
    return None


def check_narrative_vs_table(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    for group in _sentence_groups(ctx):
        for p in group:
            try:
                f = _narrative_one(ctx, p)
            except Exception:
                f = None
            if f is not None:
                out.append(f)
    return out


def _narrative_one(ctx: _Ctx, p: _Placed) -> Finding | None:
    f = p.fig
    if f.unit not in _MONEY_UNITS or _d(f.value) is None:
        return None
    c = _ctx_text(f)
    if not c or any(w in c for w in _CHANGE_CONTEXT) or "占" in c or "年初" in c:
        return None
    if ctx.kind == "决算" and "预算" in c.replace("一般公共预算", ""):
        return None
    if _is_other_year(ctx, p):
        return None
    prefix = _norm(clean_label((f.sentence or "")[: p.start]))
    ref = _lookup(ctx, c, _section_text(f), prefix)
    if ref is None:
        return None
    if ref.value is None and f.value != 0:
        return None  # a blank cell against a printed amount: more likely a gap in the reading
    table_value = _z(ref.value)
    conv = _convert(table_value, ref.unit, f.unit)
    if conv is None:
        return None
    expected = _round(conv, _exp(f.value)) if ref.unit != f.unit else conv
    found = _d(f.value)
    if expected == found:
        return None
    diff = found - expected
    sev = _severity(diff, expected, found)
    heading = (f.section_path or [""])[-1]
    subject = re.sub(r"^(其中|包括)", "", _norm(f.context)) or ref.name
    msg = (
        f"情况说明“{heading}”称{subject}{_fmt(found)}{f.unit}，而{ref.citation.table}中{ref.name}为"
        f"{_fmt(expected)}{f.unit}，相差{_fmt(diff)}{f.unit}{_tail_note(diff, sev)}。"
    )
    return _finding(
        "narrative_vs_table", msg, expected, found, f.unit, [ref.citation, ctx.cite_figure(f)], subject, sev
    )


# --------------------------------------------------------------------------------------------
# direction_word


@dataclass
class _Known:
    """A change the report states both ends of: the current and the prior year's figure."""

    current: Figure
    prior: Figure
    subject: str

    @property
    def diff(self) -> Decimal:
        return self.current.value - self.prior.value

    @property
    def pct(self) -> Decimal | None:
        if self.prior.value == 0:
            return None
        return self.diff / self.prior.value * HUNDRED


@dataclass
class _Mention:
    word: str
    sign: int
    value: Decimal
    unit: str
    start: int
    end: int
    sentence: str
    section_path: list[str]
    line: int | None
    page: int | None


def _key(context: str) -> str:
    t = _norm(context)
    t = re.sub(r"\d{4}\s*年度?", "", t)
    t = re.sub(r"[\d\s,，、。:：;；]", "", t)
    return t


def _known_changes(ctx: _Ctx) -> list[_Known]:
    if ctx.year is None:
        return []
    by_section: dict[tuple, list[tuple[_Placed, int]]] = {}
    for group in _sentence_groups(ctx):
        for p in group:
            f = p.fig
            if f.unit not in _MONEY_UNITS or _d(f.value) is None:
                continue
            context = _norm(f.context)
            if any(w in context for w in _CHANGE_CONTEXT):
                continue
            y = _year_before((f.sentence or "")[: p.start])
            if y in (ctx.year, ctx.year - 1):
                by_section.setdefault(tuple(f.section_path or []), []).append((p, y))
    out = []
    for items in by_section.values():
        keys: dict[str, dict[int, list[_Placed]]] = {}
        for p, y in items:
            keys.setdefault(_key(p.fig.context), {}).setdefault(y, []).append(p)
        for k, years in keys.items():
            cur, pri = years.get(ctx.year, []), years.get(ctx.year - 1, [])
            if len(cur) == 1 and len(pri) == 1 and k and cur[0].fig.unit == pri[0].fig.unit:
                s = cur[0].fig.sentence[: cur[0].start]
                m = list(_YEAR.finditer(s))
                subject = s[m[-1].end() :] if m else k
                subject = re.sub(r"^度", "", _norm(subject)) or k
                out.append(_Known(cur[0].fig, pri[0].fig, subject))
    return out


def _mentions(ctx: _Ctx) -> list[list[_Mention]]:
    out = []
    for sec in ctx.report.sections or []:
        for s in sec.sentences or []:
            text = s.text or ""
            ms = []
            for m in _CHANGE.finditer(text):
                word = m.group(1) or m.group(4)
                raw = m.group(2) or m.group(5)
                unit = m.group(3) or m.group(6)
                value = _d((raw or "").replace(",", "").replace(" ", ""))
                if value is None:
                    continue
                sign = 1 if word in RISE_WORDS else -1
                ms.append(
                    _Mention(
                        word,
                        sign,
                        value,
                        unit,
                        m.start(),
                        m.end(),
                        text,
                        list(sec.path or []),
                        s.source.line if s.source else None,
                        s.source.page if s.source else None,
                    )
                )
            if ms:
                out.append(ms)
    return out


def _matches(k: _Known, m: _Mention) -> Decimal | None:
    """The signed value the known change has in the mention's unit, if the mention is about it."""
    if m.value == 0:
        return None
    if m.unit == "%":
        pct = k.pct
        if pct is None:
            return None
        rounded = _round(pct, _exp(m.value))
        return rounded if abs(rounded) == m.value else None
    if m.unit == k.current.unit and abs(k.diff) == m.value:
        return k.diff
    return None


def _cite_mention(ctx: _Ctx, m: _Mention) -> Citation:
    return Citation(
        report=ctx.title, section=" > ".join(m.section_path), quote=m.sentence, line=m.line, page=m.page
    )


def check_direction_word(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    known = _known_changes(ctx)
    for ms in _mentions(ctx):
        resolved: set[int] = set()
        for i, m in enumerate(ms):
            for k in known:
                signed = _matches(k, m)
                if signed is None:
                    continue
                resolved.add(i)
                if (signed > 0) == (m.sign > 0) or signed == 0:
                    break
                found = m.value * m.sign
                true_word = "增加" if signed > 0 else "减少"
                if m.unit == "%":
                    true_word = "增长" if signed > 0 else "下降"
                heading = m.section_path[-1] if m.section_path else ""
                msg = (
                    f"情况说明“{heading}”称{k.subject}“{m.word}{_fmt(m.value)}{m.unit}”，但报告所列"
                    f"{ctx.year - 1}年{_fmt(k.prior.value)}{k.prior.unit}、{ctx.year}年{_fmt(k.current.value)}"
                    f"{k.current.unit}，实为{true_word}{_fmt(abs(signed))}{m.unit}，方向用词与数字矛盾。"
                )
                cites = [_cite_mention(ctx, m), ctx.cite_figure(k.current), ctx.cite_figure(k.prior)]
                out.append(_finding("direction_word", msg, signed, found, m.unit, cites, k.subject, "error"))
                break
        # a rise and a fall word for one change (an amount and its rate side by side), unresolved
        for i in range(len(ms) - 1):
            a, b = ms[i], ms[i + 1]
            if i in resolved or i + 1 in resolved or a.sign == b.sign or (a.unit == "%") == (b.unit == "%"):
                continue
            between = a.sentence[a.end : b.start]
            if len(between) > 3 or re.search(r"[\u4e00-\u9fff\d]", between):
                continue
            heading = a.section_path[-1] if a.section_path else ""
            msg = (
                f"情况说明“{heading}”对同一变动既称“{a.word}{_fmt(a.value)}{a.unit}”又称"
                f"“{b.word}{_fmt(b.value)}{b.unit}”，方向用词自相矛盾。"
            )
            cites = [_cite_mention(ctx, a), _cite_mention(ctx, b)]
            out.append(_finding("direction_word", msg, None, None, a.unit, cites, heading, "error"))
    return out


# --------------------------------------------------------------------------------------------
# percentage


def _pct_ok(printed: Decimal, recomputed: Decimal) -> bool:
    places = _exp(printed)
    if _round(recomputed, places) == printed:
        return True
    return abs(recomputed - printed) <= CENT


def _base_name(c: str) -> str:
    m = re.search(r"占(.*?)的?$", c)
    return (m.group(1) if m else "").strip()


def check_percentage(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    groups = _sentence_groups(ctx)
    section_figs: dict[tuple, list[_Placed]] = {}
    for g in groups:
        for p in g:
            section_figs.setdefault(tuple(p.fig.section_path or []), []).append(p)
    for g in groups:
        for idx, p in enumerate(g):
            if p.fig.unit != "%":
                continue
            try:
                f = _percentage_one(ctx, g, idx, section_figs.get(tuple(p.fig.section_path or []), []))
            except Exception:
                f = None
            if f is not None:
                out.append(f)
    try:
        out.extend(_malformed_percentages(ctx))
    except Exception:
        pass
    try:
        out.extend(_change_rates(ctx))
    except Exception:
        pass
    return out


def _money_before(group: list[_Placed], idx: int) -> list[_Placed]:
    """Money figures between the previous percentage in the sentence and this one."""
    start = 0
    for j in range(idx):
        if group[j].fig.unit == "%":
            start = j + 1
    return [q for q in group[start:idx] if q.fig.unit in _MONEY_UNITS]


def _percentage_one(ctx: _Ctx, group: list[_Placed], idx: int, section: list[_Placed]) -> Finding | None:
    p = group[idx]
    c = _ctx_text(p.fig)
    printed = _d(p.fig.value)
    if printed is None:
        return None
    before = _money_before(group, idx)
    if "占" in c:
        if not before:
            return None
        part = before[-1]
        base = _share_base(ctx, c, part, section)
        if base is None:
            return None
        base_value, base_cite, base_label = base
        if base_value == 0 or _z(part.fig.value) > base_value:
            return None
        recomputed = _z(part.fig.value) / base_value * HUNDRED
        what = f"{_norm(part.fig.context) or '该项'}{_fmt(part.fig.value)}{part.fig.unit}占{base_label}{_fmt(base_value)}{part.fig.unit}"
        if base_cite.quote == p.fig.sentence and base_cite.line == (
            p.fig.source.line if p.fig.source else None
        ):
            base_cite.quote = base_label
        cites = [ctx.cite_figure(p.fig), base_cite]
    elif ("完成" in c and "预算" in c) or "执行率" in c:
        actual = next(
            (q for q in reversed(before) if any(w in _ctx_text(q.fig) for w in ("决算", "执行数", "实际"))),
            None,
        )
        budgets = [
            q
            for q in before
            if q is not actual
            and "预算" in _ctx_text(q.fig).replace("一般公共预算", "")
            and "决算" not in _ctx_text(q.fig)
        ]
        for word in ("年初", "全年", "调整"):
            if word in c:
                budgets = [q for q in budgets if word in _ctx_text(q.fig)] or budgets
        if actual is None or not budgets:
            return None
        budget = budgets[-1]
        if _z(budget.fig.value) == 0:
            return None  # 0/0: reports print 100% or 0%; nothing to recompute
        recomputed = _z(actual.fig.value) / _z(budget.fig.value) * HUNDRED
        what = f"决算{_fmt(actual.fig.value)}{actual.fig.unit}÷预算{_fmt(budget.fig.value)}{budget.fig.unit}"
        same = budget.fig.sentence == p.fig.sentence and budget.fig.source == p.fig.source
        cites = [
            ctx.cite_figure(p.fig),
            ctx.cite_figure(budget.fig, clause=same),
            ctx.cite_figure(actual.fig, clause=True),
        ]
    else:
        return None
    if _pct_ok(printed, recomputed):
        return None
    expected = _round(recomputed, max(2, _exp(printed)))
    diff = printed - expected
    heading = (p.fig.section_path or [""])[-1]
    msg = (
        f"情况说明“{heading}”印为“{_norm(p.fig.context)}{_fmt(printed)}%”，按{what}重算应为"
        f"{_fmt(expected)}%，相差{_fmt(diff)}个百分点。"
    )
    subject = _norm(p.fig.context)
    return _finding("percentage", msg, expected, printed, "%", cites, subject, "error")


def _share_base(ctx: _Ctx, c: str, part: _Placed, section: list[_Placed]):
    name = _base_name(c)
    if name:
        for q in section:
            if q.fig.unit in _MONEY_UNITS and name in _norm(q.fig.context) and q is not part:
                return _z(q.fig.value), ctx.cite_figure(q.fig), name
        ref = _lookup(ctx, name, _section_text(part.fig))
        if ref is not None and ref.value is not None and ref.unit == part.fig.unit:
            return ref.value, ref.citation, name
        return None
    # no base named: the section's first money figure that is not itself a share
    shares = set()
    for i, q in enumerate(section):
        if q.fig.unit == "%" and "占" in _ctx_text(q.fig):
            j = i - 1
            while j >= 0 and section[j].fig.unit not in _MONEY_UNITS:
                j -= 1
            if j >= 0:
                shares.add(id(section[j]))
    for q in section:
        if q is part:
            return None
        if q.fig.unit in _MONEY_UNITS and id(q) not in shares and not _is_other_year(ctx, q):
            qc = _ctx_text(q.fig)
            if any(w in qc for w in _CHANGE_CONTEXT) or "预算" in qc.replace("一般公共预算", ""):
                continue
            return _z(q.fig.value), ctx.cite_figure(q.fig), _norm(q.fig.context) or "合计"
    return None


_MALFORMED = re.compile(r"(?<![\d.])(\.\d+)\s*%|占\s*%|占\s*(\d+\.)\s*%")


def _malformed_percentages(ctx: _Ctx) -> list[Finding]:
    out = []
    for sec in ctx.report.sections or []:
        for s in sec.sentences or []:
            for m in _MALFORMED.finditer(s.text or ""):
                cite = Citation(
                    report=ctx.title,
                    section=" > ".join(sec.path or []),
                    quote=s.text,
                    line=s.source.line if s.source else None,
                    page=s.source.page if s.source else None,
                )
                # the figure the percentage belongs to: the money amount just before it
                amount = None
                for fm in re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*(万元|元)", s.text[: m.start()]):
                    amount = fm
                cites = [cite]
                found = _d("0" + m.group(1)) if m.group(1) else None
                clause = re.split(r"[;；。]", s.text[: m.start()])[-1]
                subject = re.sub(r"\d[\d,.]*\s*(万元|元).*$", "", clause).strip(" ,，:：") or sec.heading
                if amount is not None:
                    cites.append(
                        Citation(
                            report=ctx.title,
                            section=" > ".join(sec.path or []),
                            quote=amount.group(0),
                            line=cite.line,
                            page=cite.page,
                        )
                    )
                msg = f"情况说明“{sec.heading}”中的百分比“{m.group(0).strip()}”格式有误（缺少整数位或数字）。"
                out.append(_finding("percentage", msg, None, found, "%", cites, subject, "info"))
    return out


def _change_rates(ctx: _Ctx) -> list[Finding]:
    """A stated 增减幅 against the two years' figures stated in the same section."""
    out = []
    known = _known_changes(ctx)
    by_section: dict[tuple, list[_Known]] = {}
    for k in known:
        by_section.setdefault(tuple(k.current.section_path or []), []).append(k)
    for ms in _mentions(ctx):
        for m in ms:
            ks = by_section.get(tuple(m.section_path), [])
            if m.unit != "%" or len(ks) != 1:
                continue
            k = ks[0]
            pct = k.pct
            if pct is None or _pct_ok(m.value, abs(pct)):
                continue
            expected = _round(abs(pct), max(2, _exp(m.value)))
            heading = m.section_path[-1] if m.section_path else ""
            msg = (
                f"情况说明“{heading}”称变动{_fmt(m.value)}%，按{ctx.year - 1}年{_fmt(k.prior.value)}{k.prior.unit}、"
                f"{ctx.year}年{_fmt(k.current.value)}{k.current.unit}重算应为{_fmt(expected)}%。"
            )
            cites = [_cite_mention(ctx, m), ctx.cite_figure(k.current), ctx.cite_figure(k.prior)]
            out.append(_finding("percentage", msg, expected, m.value, "%", cites, k.subject, "error"))
    return out


# --------------------------------------------------------------------------------------------
# sangong_parts


def _sangong_narrative(ctx: _Ctx) -> dict[tuple[str, str], Ref]:
    """(预算/决算, item) → Ref for the 三公 figures the narrative states."""
    out: dict[tuple[str, str], Ref] = {}
    for group in _sentence_groups(ctx):
        for p in group:
            f = p.fig
            if f.unit not in _MONEY_UNITS or _d(f.value) is None:
                continue
            text = nfkc(f.sentence or "").replace(" ", "")
            head = nfkc((f.sentence or "")[: p.start]).replace(" ", "")
            if not any(w in text for w in ("三公", "出国", "公务用车", "公务接待")):
                continue
            c = _ctx_text(f)
            if any(w in c for w in _CHANGE_CONTEXT) or any(
                w in c for w in ("国内", "境)外", "境外", "批次", "人次", "其中")
            ):
                continue
            if _is_other_year(ctx, p):
                continue
            kind = "预算" if "预算" in c else "决算" if ("决算" in c or "支出" in c) else None
            if kind is None:
                continue
            item = None
            best = -1
            for key, (word, _col) in _SANGONG_ITEMS.items():
                i = head.rfind(word.replace(" ", ""))
                if i > best:
                    best, item = i, key
            i = head.rfind("三公")
            if i > best:
                item = "合计"
            if item is None:
                continue
            if (kind, item) not in out:
                out[(kind, item)] = Ref(_d(f.value), ctx.cite_figure(f), f.unit, _SANGONG_LABEL[item])
    return out


def check_sangong_parts(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    table = _sangong_table(ctx)
    sources = [table] if table else []
    sources.append(_sangong_narrative(ctx))
    for refs in sources[:1] if table else sources:
        for kind in ("预算", "决算"):
            total = refs.get((kind, "合计"))
            parts = [refs.get((kind, k)) for k in ("出国", "公车", "接待")]
            if total is not None and all(x is not None for x in parts):
                f = _parts_finding(ctx, kind, total, parts, "“三公”经费")
                if f:
                    out.append(f)
            car = refs.get((kind, "公车"))
            sub = [refs.get((kind, k)) for k in ("购车", "运维")]
            if car is not None and all(x is not None for x in sub):
                f = _parts_finding(ctx, kind, car, sub, "公务用车购置及运行维护费")
                if f:
                    out.append(f)
    return out


def _parts_finding(ctx: _Ctx, kind: str, total: Ref, parts: list[Ref], subject: str) -> Finding | None:
    if len({r.unit for r in [total, *parts]}) != 1:
        return None
    if total.value is None and all(r.value is None for r in parts):
        return None
    expected = _sum(r.value for r in parts)
    found = _z(total.value)
    if found == expected:
        return None
    diff = found - expected
    sev = _severity(diff, found, *(r.value for r in parts))
    detail = " + ".join(f"{r.name}{_fmt(_z(r.value))}" for r in parts)
    msg = (
        f"{subject}{kind}数印为{_fmt(found)}{total.unit}，各分项之和为{_fmt(expected)}{total.unit}（{detail}），"
        f"相差{_fmt(diff)}{total.unit}{_tail_note(diff, sev)}。"
    )
    return _finding(
        "sangong_parts",
        msg,
        expected,
        found,
        total.unit,
        [total.citation] + [r.citation for r in parts],
        f"{subject}{kind}数",
        sev,
    )


# --------------------------------------------------------------------------------------------

CHECKS: tuple[Callable[[_Ctx], list[Finding]], ...] = (
    check_total_vs_items,
    check_cross_table,
    check_narrative_vs_table,
    check_direction_word,
    check_percentage,
    check_sangong_parts,
)


def run_checks(report: ParsedReport) -> list[Finding]:
    """Every place where the report disagrees with itself. Never raises."""
    try:
        ctx = _Ctx(report)
    except Exception:
        return []
    out: list[Finding] = []
    for check in CHECKS:
        try:
            out.extend(check(ctx))
        except Exception:  # a broken check must not hide the others
            continue
    return out
