"""What the knowledge base holds, indexed for recognising entities in questions.

Built once per :class:`~bot.core.Bot` from SQLite: the reports, every 科目名称 (with and without
its 一、/（类） decorations), 科目编码, 名词解释 terms, 绩效 indicator names, plus the rule synonyms.
Row data itself stays in SQLite and is fetched per question with parameterised queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a writer needs it: a bot reads through knowledge.sqlitedb
    import sqlite_utils

from rules import Rules, default_rules

_NUMBERING = re.compile(default_rules().pattern("catalog_catalog_1"))
_NOTES = re.compile(default_rules().pattern("catalog_catalog_2"))


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
    for prefix in default_rules().word("catalog_core_name_1"):
        if core.startswith(prefix):
            core = core[len(prefix) :]
    if region and core.startswith(region):
        core = core[len(region) :]
    return re.sub(default_rules().pattern("catalog_core_name_2"), "", core)


@dataclass
class Catalog:
    reports: list[ReportInfo]
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

    def report(self, report_id: int) -> ReportInfo | None:
        return next((r for r in self.reports if r.id == report_id), None)


def _dept_aliases(dept: str, region: str | None) -> list[str]:
    out = {dept}
    if region and dept.startswith(region) and len(dept) > len(region) + 1:
        out.add(dept[len(region) :])
    for m in re.finditer(r"\d{3,}", dept):
        out.add(m.group(0))
    core = dept[len(region) :] if region and dept.startswith(region) else dept
    core = re.sub(default_rules().pattern("catalog_dept_aliases_1"), "", core)
    out.add(core)
    if region and len(core) < 3 and region[-1] in default_rules().word("region_suffixes"):
        out.add(region[-1] + core)  # 县政协: a short name is said with its level
    for suffix in default_rules().word("catalog_dept_aliases_2"):
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


def _subject_names(db: sqlite_utils.Database, rules: Rules):
    """Every form a subject is asked by → its subjects: the reports' row names (and their codes),
    the rulebook's synonyms and groups, 名词解释 terms, 绩效 indicators and projects."""
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
        if not subject or subject in default_rules().word("catalog_build_catalog_1") or len(subject) < 2:
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
    return aliases, codes, subjects, (terms, indicators, projects)


def build_catalog(db: sqlite_utils.Database, rules: Rules) -> Catalog:
    columns = {row[1] for row in db.execute("PRAGMA table_info(reports)").fetchall()}
    level = "level" if "level" in columns else "NULL"  # a knowledge base from before the column has none
    reports = [
        ReportInfo(i, d, y, k, t or "", reg, level=lv)
        for i, d, y, k, t, reg, lv in db.execute(
            f"SELECT id, department, year, kind, title, region, {level} FROM reports ORDER BY id"
        ).fetchall()
    ]
    from knowledge import catalog as persisted

    indexed = persisted.available(db)
    if not indexed:  # a knowledge base without catalog_aliases: every report's aliases in memory
        for r in reports:
            aliases_of(r, rules)
    aliases, codes, subjects, (terms, indicators, projects) = _subject_names(db, rules)
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
    )
