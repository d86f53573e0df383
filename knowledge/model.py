"""The parsed form of one disclosure report, independent of its source format.

Every parser (markdown, page-text JSON, PDF) produces a :class:`ParsedReport`; the store writes it
to SQLite and the checks read it. Keeping this in plain dataclasses means a parser can be tested
without a database, and the store never needs to know which format a report came from.

Money is always :class:`decimal.Decimal` in the unit of its table (``Table.unit``); the raw text of
every cell is kept beside it so a citation can quote exactly what the report printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Source:
    """Where something was printed: the line in the source text and, for PDFs, the page; in a
    report read from several files (a bundle: tables in .xlsx, 说明 in .docx), the file."""

    line: int
    page: int | None = None
    file: str | None = None


@dataclass
class Cell:
    column: str
    value: Decimal | None
    raw: str


@dataclass
class Row:
    """One logical row of a table.

    ``group`` separates side-by-side column groups printed on one physical line
    (收入 / 支出 in 公开01表, 人员经费 / 公用经费 in 公开07表).
    """

    name: str
    cells: list[Cell]
    source: Source
    code: str | None = None
    level: str | None = None  # 类 / 款 / 项 for 科目编码, derived from the code's length
    parent_code: str | None = None
    group: str | None = None
    row_no: int | None = None  # 行次 where the table prints one
    raw: str = ""
    is_total: bool = False

    def cell(self, column: str) -> Cell | None:
        for c in self.cells:
            if c.column == column:
                return c
        return None


@dataclass
class Table:
    code: str | None  # e.g. 公开01表; None when the report does not number its tables
    title: str
    unit: str  # 万元 / 元
    columns: list[str]
    rows: list[Row]
    source: Source
    notes: list[str] = field(default_factory=list)
    empty: bool = False
    empty_reason: str | None = None
    layout: str = ""  # ledger / subject / economic / values
    heading_path: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The table as a reader would cite it: code and title as printed."""
        return f"{self.code} {self.title}" if self.code else self.title


@dataclass
class Sentence:
    text: str
    source: Source


@dataclass
class Section:
    path: list[str]  # heading path from the top, e.g. ["第三部分 …", "十、…", "(一)…"]
    level: int
    text: str
    sentences: list[Sentence]
    source: Source

    @property
    def heading(self) -> str:
        return self.path[-1] if self.path else ""


@dataclass
class Term:
    """A 名词解释 entry."""

    term: str
    definition: str
    source: Source


@dataclass
class Indicator:
    level1: str | None
    level2: str | None
    name: str
    target: str | None  # 年度指标值 as printed (≥5000条/天)
    actual: str | None  # 实际完成值 as printed
    weight: Decimal | None  # 分值
    score: Decimal | None  # 得分
    deviation: str | None  # 偏差原因
    source: Source


@dataclass
class PerformanceProject:
    """One 项目支出绩效自评表: the project's funds (in ``unit``) and its indicators."""

    project: str
    unit: str
    funds: dict[str, Decimal | None]  # 年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分
    indicators: list[Indicator]
    source: Source
    department: str | None = None
    conclusion: str | None = None
    total_score: Decimal | None = None


@dataclass
class Figure:
    """A number printed in the narrative, with the words before it that say what it is.

    ``context`` is the clause up to the number ("2024年年末在编人数为"), which is what a
    question is matched against; ``sentence`` is quoted in citations.
    """

    context: str
    value: Decimal
    unit: str  # 万元 / 元 / % / 人 / 辆 / 个 …
    raw: str
    sentence: str
    section_path: list[str]
    source: Source
    kind: str = ""  # staff / sangong / procurement / assets / … (set by rules in the store)


@dataclass
class Unplaced:
    """A line the parser could not place. Kept and counted so `check` can list it."""

    text: str
    reason: str
    source: Source


@dataclass
class ReportMeta:
    department: str
    year: int
    kind: str  # 决算 / 预算
    title: str
    region: str | None = None
    source_path: str = ""
    source_format: str = ""  # markdown / pages-json / pdf / html / text
    sha256: str = ""
    scope: str | None = None  # 部门 / 单位
    level: str | None = None  # 省 / 市 / 区 / 县 / 乡镇 / 街道 (knowledge.meta.level_of)
    published: str | None = None  # a web page's publication date as it prints it (2017-08-08 08:05)
    url: str | None = None  # a web page's own address (its meta Url)


@dataclass
class ParsedReport:
    meta: ReportMeta
    tables: list[Table] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    performance: list[PerformanceProject] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)

    def table(self, code_or_title: str) -> Table | None:
        for t in self.tables:
            if t.code == code_or_title or t.title == code_or_title:
                return t
        return None


class ReportError(ValueError):
    """A report that cannot be ingested. Carries the file and line so the user can find it."""

    def __init__(self, message: str, path: str = "", line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        where = path + (f":{line}" if line else "")
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
class Citation:
    """Where a figure or sentence stands in a report, as an answer or a finding cites it."""

    report: str  # the report's title
    table: str | None = None  # code and title as printed: "公开10表 财政拨款“三公”经费支出决算表"
    section: str | None = None  # heading path, " > "-joined
    row: str | None = None  # 科目编码 and 科目名称
    column: str | None = None
    quote: str = ""  # the cited line or sentence
    line: int | None = None
    page: int | None = None
    url: str | None = None  # the web page the report was read from (reports.url)
    file: str | None = None  # a bundle's part holding the table or section (report_tables.file)

    def as_dict(self) -> dict:
        return {
            "report": self.report,
            "url": self.url,
            "file": self.file,
            "table": self.table,
            "section": self.section,
            "row": self.row,
            "column": self.column,
            "quote": self.quote,
            "line": self.line,
            "page": self.page,
        }


@dataclass
class Finding:
    """A place where the report disagrees with itself, with both sides cited.

    ``expected`` is what a careful reader recomputes (e.g. the sum of the items), ``found`` what
    the report printed; ``difference`` is found − expected.
    """

    check: (
        str  # total_vs_items / cross_table / narrative_vs_table / direction_word / percentage / sangong_parts
    )
    severity: str  # error / warning / info
    message: str  # one Chinese sentence a reader understands
    expected: Decimal | None
    found: Decimal | None
    unit: str
    citations: list[Citation]
    difference: Decimal | None = None
    subject: str | None = None  # the 科目/item the finding is about, so answers can mention it
