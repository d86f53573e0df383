"""What the knowledge base holds, indexed for recognising entities in questions.

Built once per :class:`~bot.core.Bot` from SQLite: the reports, every 科目名称 (with and without
its 一、/（类） decorations), 科目编码, 名词解释 terms, 绩效 indicator names, plus the rule synonyms.
Row data itself stays in SQLite and is fetched per question with parameterised queries.

On a knowledge base with the persisted catalog (``knowledge.catalog``) nothing at start grows with
the number of reports: the words come from ``catalog_words``, the regions from ``catalog_regions``,
and the reports are a :class:`ReportList` that reads a report's row when a question names it (by
id, from ``catalog_aliases``) and every row only when something walks all of them (a question that
names no department, a list of reports). A cold ``ask`` naming a department then costs the same at
1 and 100 000 reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:  # imported where a writer needs it: a bot reads through knowledge.sqlitedb
    import sqlite_utils

from rules import Rules, default_rules

_NUMBERING = re.compile(default_rules().pattern("row_numbering"))
_NOTES = re.compile(default_rules().pattern("row_name_notes"))


def bare(name: str) -> str:
    """A label as people say it: no ``一、`` numbering, no ``(类)`` notes."""
    return _NOTES.sub("", _NUMBERING.sub("", name or "")).strip()


@dataclass
class ReportInfo:
    id: int
    department: str
    year: int
    kind: str
    title: str
    region: str | None
    aliases: list[str] = field(default_factory=list)
    level: str | None = None  # 省/市/区/县/乡镇/街道, where the knowledge base records it

    @property
    def label(self) -> str:
        return (
            default_rules()
            .templates["report_label"]
            .format(self_department=self.department, self_year=self.year, self_kind=self.kind)
        )

    @property
    def short(self) -> str:
        """The department without its region, as people say it (生态环境局, 宜川路街道办事处)."""
        return core_name(self.department, self.region) or self.department


def core_name(department: str, region: str | None) -> str:
    """A department's own name: no 中共 prefix, region or 区委/人民政府 in front."""
    core = department
    for prefix in default_rules().word("party_prefixes"):
        if core.startswith(prefix):
            core = core[len(prefix) :]
    if region and core.startswith(region):
        core = core[len(region) :]
    return re.sub(default_rules().pattern("department_core_prefix"), "", core)


class ReportList(Sequence[ReportInfo]):
    """The knowledge base's reports in id order, read from SQLite only as far as they are used.

    ``len``, the first few (``reports[:20]``, ``reports[0]``) and a report by id are one indexed
    query each; iterating reads every row once and keeps them. A report is one object whatever
    the way it was reached (an alias worked out on it is not worked out again).
    """

    def __init__(self, db, level: str):
        self._db = db
        self._columns = f"id, department, year, kind, title, region, {level}"
        self._by_id: dict[int, ReportInfo] = {}
        self._missing: set[int] = set()
        self._all: list[ReportInfo] | None = None
        self._len: int | None = None

    def _info(self, row: tuple) -> ReportInfo:
        known = self._by_id.get(row[0])
        if known is None:
            i, d, y, k, t, reg, lv = row
            known = self._by_id[i] = ReportInfo(i, d, y, k, t or "", reg, level=lv)
        return known

    def _select(self, where: str = "", params: Iterable = ()) -> list[ReportInfo]:
        sql = f"SELECT {self._columns} FROM reports {where}"
        return [self._info(row) for row in self._db.execute(sql, list(params)).fetchall()]

    def _everything(self) -> list[ReportInfo]:
        if self._all is None:
            self._all = self._select("ORDER BY id")
            self._len = len(self._all)
        return self._all

    def __len__(self) -> int:
        if self._len is None:
            self._len = self._db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        return self._len

    def __bool__(self) -> bool:  # "is the knowledge base empty?" without counting every report
        if self._len is not None:
            return self._len > 0
        return self._db.execute("SELECT 1 FROM reports LIMIT 1").fetchone() is not None

    def __iter__(self) -> Iterator[ReportInfo]:
        return iter(self._everything())

    @overload
    def __getitem__(self, i: int) -> ReportInfo: ...
    @overload
    def __getitem__(self, i: slice) -> list[ReportInfo]: ...
    def __getitem__(self, i):
        if self._all is not None:
            return self._all[i]
        if isinstance(i, slice):
            start, stop, step = i.start or 0, i.stop, i.step
            if step not in (None, 1) or start < 0 or (stop is not None and stop < 0):
                return self._everything()[i]
            if stop is not None and stop <= start:
                return []
            limit = -1 if stop is None else stop - start
            return self._select("ORDER BY id LIMIT ? OFFSET ?", [limit, start])
        if i < 0:
            return self._everything()[i]
        got = self._select("ORDER BY id LIMIT 1 OFFSET ?", [i])
        if not got:
            raise IndexError(i)
        return got[0]

    def get(self, report_id: int) -> ReportInfo | None:
        """The report with this id (one indexed query the first time), or None."""
        return next(iter(self.many([report_id])), None)

    def many(self, ids: Iterable[int]) -> list[ReportInfo]:
        """The reports with these ids, in id order (ids the knowledge base does not hold are left out)."""
        wanted = sorted(set(ids))
        todo = [i for i in wanted if i not in self._by_id and i not in self._missing]
        if todo and self._all is None:
            for k in range(0, len(todo), 900):  # SQLite's parameter limit
                chunk = todo[k : k + 900]
                self._select(f"WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        self._missing.update(i for i in todo if i not in self._by_id)
        return [self._by_id[i] for i in wanted if i in self._by_id]

    def naming(self, core: str) -> list[ReportInfo]:
        """Reports whose department's name contains ``core``, in id order (one query over the
        reports' rows, asked only when a question says a rulebook name of that department)."""
        if self._all is not None:
            return [r for r in self._all if core in r.department]
        return self._select("WHERE instr(department, ?) > 0 ORDER BY id", [core])

    def any_place(self, place: str) -> bool:
        """Does some report's department or region contain ``place``?"""
        if self._all is not None:
            return any(place in r.department or place in (r.region or "") for r in self._all)
        sql = "SELECT 1 FROM reports WHERE instr(department, ?) > 0 OR instr(COALESCE(region, ''), ?) > 0 LIMIT 1"
        return self._db.execute(sql, [place, place]).fetchone() is not None


@dataclass
class Catalog:
    reports: Sequence[ReportInfo]  # a list, or a ReportList read as needed
    aliases: dict[str, set[str]]  # surface form → subjects
    codes: dict[str, str]  # 科目编码 → subject
    terms: set[str]
    indicators: set[str]
    projects: set[str]
    subjects: set[str]
    rules: Rules | None = None  # the rules the catalog was indexed with (its language's words)
    # the knowledge base, when department aliases are looked up there (catalog_aliases) rather
    # than read for every report at start
    db: object | None = None

    # the knowledge base's regions, when read from catalog_regions rather than from the reports
    known_regions: list[str] | None = None

    def report(self, report_id: int) -> ReportInfo | None:
        if isinstance(self.reports, ReportList):
            return self.reports.get(report_id)
        return next((r for r in self.reports if r.id == report_id), None)

    def reports_by_id(self, ids: Iterable[int]) -> list[ReportInfo]:
        """The reports with these ids, in id order (one query for those not read yet)."""
        if isinstance(self.reports, ReportList):
            return self.reports.many(ids)
        wanted = set(ids)
        return sorted((r for r in self.reports if r.id in wanted), key=lambda r: r.id)

    def reports_naming(self, core: str) -> list[ReportInfo]:
        """Reports whose department's name contains ``core`` (a rulebook alias's department)."""
        if isinstance(self.reports, ReportList):
            return self.reports.naming(core)
        return [r for r in self.reports if r.department.endswith(core) or core in r.department]

    def place_known(self, place: str) -> bool:
        """Does a report's department or region name this place?"""
        if isinstance(self.reports, ReportList):
            return self.reports.any_place(place)
        return any(place in r.department or place in (r.region or "") for r in self.reports)

    def regions(self) -> set[str]:
        """The regions of the knowledge base's reports (catalog_regions, or every report's row)."""
        if self.known_regions is not None:
            return set(self.known_regions)
        return {r.region for r in self.reports if r.region}


def _dept_aliases(dept: str, region: str | None) -> list[str]:
    out = {dept}
    if region and dept.startswith(region) and len(dept) > len(region) + 1:
        out.add(dept[len(region) :])
    for m in re.finditer(r"\d{3,}", dept):
        out.add(m.group(0))
    core = dept[len(region) :] if region and dept.startswith(region) else dept
    core = re.sub(default_rules().pattern("government_prefix"), "", core)
    out.add(core)
    if region and len(core) < 3 and region[-1] in default_rules().word("region_suffixes"):
        out.add(region[-1] + core)  # 县政协: a short name is said with its level
    for suffix in default_rules().word("department_endings_dropped"):
        if core.endswith(suffix) and len(core) > len(suffix) + 1:
            out.add(core[: -len(suffix)])
    return sorted(out, key=len, reverse=True)


def _words(db) -> tuple[list[tuple[str, str]], set[str], set[str], set[str]]:
    """(科目名称, 科目编码) pairs, 名词解释 terms, 绩效 indicators and projects of the knowledge base.

    From the catalog ingest keeps (knowledge.catalog: a few thousand rows whatever the size), a
    name printed by more reports first, so a 科目编码 printed under two names means the common one;
    a knowledge base without that catalog (read-only, built before it) is scanned as it always was.
    """
    from knowledge import catalog as persisted

    if persisted.available(db):
        rows = db.execute(
            "SELECT kind, word, code FROM catalog_words ORDER BY reports DESC, kind, word, code"
        )
        by_kind: dict[str, list[tuple[str, str]]] = {k: [] for k in persisted.KINDS}
        for kind, word, code in rows.fetchall():
            by_kind.setdefault(kind, []).append((word, code))
        return (
            by_kind["row"],
            {w for w, _ in by_kind["term"]},
            {w for w, _ in by_kind["indicator"]},
            {w for w, _ in by_kind["project"]},
        )
    names = [
        (r["name"], r["code"] or "")
        for r in db.query("SELECT DISTINCT name, code FROM table_rows WHERE name IS NOT NULL AND name != ''")
    ]
    terms = {r["term"] for r in db.query("SELECT DISTINCT term FROM terms")}
    indicators = {r["name"] for r in db.query("SELECT DISTINCT name FROM performance_indicators")}
    projects = {r["project"] for r in db.query("SELECT DISTINCT project FROM performance_projects")}
    return names, terms, indicators, projects


def aliases_of(r: ReportInfo, rules: Rules) -> list[str]:
    """The names a report's department goes by, longest first, worked out once when first needed:
    its own forms (the ones ingest stores in catalog_aliases) and the rulebook's other names."""
    if not r.aliases:
        aliases = set(_dept_aliases(r.department, r.region))
        for core, others in rules.department_aliases.items():
            if r.department.endswith(core) or core in r.department:
                aliases |= set(others)
        r.aliases = sorted(aliases, key=len, reverse=True)
    return r.aliases


def build_catalog(db: sqlite_utils.Database, rules: Rules) -> Catalog:
    columns = {row[1] for row in db.execute("PRAGMA table_info(reports)").fetchall()}
    level = "level" if "level" in columns else "NULL"  # a knowledge base from before the column has none
    from knowledge import catalog as persisted

    indexed = persisted.available(db)
    reports: Sequence[ReportInfo]
    known_regions = None
    if indexed:  # reports read as questions name them; regions from catalog_regions when it exists
        reports = ReportList(db, level)
        known_regions = persisted.regions(db)
    else:  # a knowledge base without catalog_aliases: every report and its aliases in memory
        reports = list(ReportList(db, level))
        for r in reports:
            aliases_of(r, rules)
    aliases: dict[str, set[str]] = {}
    codes: dict[str, str] = {}
    subjects: set[str] = set()

    def add(alias: str, subject: str) -> None:
        alias = alias.strip()
        if len(alias) >= 2:
            aliases.setdefault(alias, set()).add(subject)

    names, terms, indicators, projects = _words(db)
    for name, code in names:
        subject = bare(name)
        if not subject or subject in default_rules().word("total_row_names") or len(subject) < 2:
            continue
        subjects.add(subject)
        add(subject, subject)
        if code:
            codes.setdefault(code, subject)
    for subject in rules.synonyms.values():
        add(subject, subject)
        subjects.add(subject)
    for form, subject in rules.synonyms.items():
        aliases[form] = {subject}  # the rulebook decides what a phrase means, even a row's own name
    for whole, parts in rules.groups.items():
        add(whole, whole)
        subjects.add(whole)
        for p in parts:
            add(p, p)
            subjects.add(p)
    for t in terms:
        add(bare(t), bare(t))
        subjects.add(bare(t))
    for i in indicators:
        add(i, i)
        subjects.add(i)
    for p in projects:
        add(p, p)
        subjects.add(p)
    return Catalog(
        reports,
        aliases,
        codes,
        {bare(t) for t in terms},
        indicators,
        projects,
        subjects,
        rules,
        db if indexed else None,
        known_regions,
    )
