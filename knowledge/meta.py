"""Report metadata (department, region, year, kind, title) read from the report's own words."""

from __future__ import annotations

import re
from collections import Counter

from .model import ReportMeta
from .numbers import clean_label, nfkc

_DEPT_LINE = re.compile(
    r"^(?:部门|单位|编制部门|编制单位|预算主管部门|预算单位)\s*[:：]\s*(.+?)\s*(?:单位\s*[:：].*)?$"
)
_TITLE = re.compile(r"(.+?)\s*(\d{4})\s*年(?:度)?\s*(?:区级|市级)?(部门|单位)?\s*(决算|预算)")
_REGION = re.compile(
    r"^((?:[\u4e00-\u9fff]{2,4}?省)?(?:[\u4e00-\u9fff]{2,4}?市)?(?:[\u4e00-\u9fff]{1,4}?[区县])?)"
)


def region_of(department: str) -> str | None:
    department = re.sub(r"^(中共|中国共产党)", "", department)  # 中共上海市普陀区委… is in 上海市普陀区
    m = _REGION.match(department)
    region = m.group(1) if m else ""
    return region or None


def detect_meta(lines: list[str], path: str = "") -> ReportMeta | None:
    """Department, year and kind from the title and the ``部门:`` lines; None if not a report."""
    depts: Counter[str] = Counter()
    title = ""
    year = None
    kind = None
    scope = None
    for raw in lines[:4000]:
        line = clean_label(nfkc(raw).lstrip("#").strip())
        m = _DEPT_LINE.match(line)
        if m:
            name = clean_label(m.group(1)).replace(" ", "")
            if len(name) >= 3:
                depts[name] += 1
            continue
        if not title:
            t = _TITLE.search(line)
            if t and len(line) <= 60:
                title = line
                year = int(t.group(2))
                scope = t.group(3)
                kind = t.group(4)
                lead = clean_label(t.group(1)).replace(" ", "")
                if len(lead) >= 3:
                    depts[lead] += 2
    if not year or not kind:
        return None
    department = depts.most_common(1)[0][0] if depts else ""
    if not department:
        return None
    return ReportMeta(
        department=department,
        year=year,
        kind=kind,
        title=title.replace(" ", ""),
        region=region_of(department),
        source_path=path,
        scope=scope,
    )
