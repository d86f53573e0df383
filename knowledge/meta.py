"""Report metadata (department, region, level, year, kind, title) read from the report's own words.

Why a title parser rather than one pattern: governments title the same report in every order —
"2016年度X部门决算说明", "X关于2014年度部门决算的说明", "X2025年单位预算", "X 2024 年度部门决算公开",
"财政局关于批复X2014年度部门决算的通知" (the department is what is approved, not who approves),
"县政协2015年财政决算", "2016年北厝镇预算说明". :func:`parse_title` finds the year and the
决算/预算 word (one left-to-right scan each, so linear in the line) and takes the department from
what stands before the year or, when nothing does, between the year and the kind.

Region and level are kept apart from the department's own name: "上海市普陀区生态环境局" is
生态环境局 of the region 上海市普陀区 at the level 区, so a question naming 黄浦区 can be told
apart from it. Operator overrides (``--department/--region/--year/--kind``) are set with
:func:`overrides` before a file is read and fill in what the report does not say, before any check.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from .model import ReportError, ReportMeta
from .numbers import clean_label, nfkc

_DEPT_LINE = re.compile(r"^(?:部门|单位|编制部门|编制单位|预算主管部门|预算单位|部门\(单位\))\s*[:：]\s*")
_UNIT_LABEL = re.compile(r"单位\s*[:：]")


def dept_line(line: str) -> str | None:
    """The name on a "部门：X  单位：万元" line (without the unit label), or None. Linear: the old
    single pattern's lazy name before an optional tail backtracked over the whole line."""
    m = _DEPT_LINE.match(line)
    if m is None:
        return None
    rest = line[m.end() :]
    unit = _UNIT_LABEL.search(rest)
    name = (rest[: unit.start()] if unit else rest).strip()
    return name or None


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年(?:度)?")
_KIND = re.compile(r"决算|预算")
# what stands between a department's name and the kind word without being part of the name
_SCOPE_TAIL = re.compile(r"(?:区级|市级|县级|省级|本级|公共财政|一般公共预算|财政|部门|单位|收支|\(单位\))+$")
_NOT_A_NAME = re.compile(r"收入|支出|拨款|经费|收支|项目|政府性基金|三公|表|情况|关于|说明|附件|目录|^的")
_ISSUER = re.compile(r"^.*?(?:关于)?(?:批复|批准|下达)")  # "财政金融局关于批复X…": X is the department
# what may follow 决算/预算 in a report's title: 说明, 公开, 报告, 批复, 的通知, 支出计划 …
_TAIL = re.compile(
    r"^(?:的|及三公经费(?:决算|预算)?|和三公经费(?:决算|预算)?|情况|公开|说明|报告|批复|通知|草案|信息|编制|"
    r"支出计划|收支计划|执行情况|批复表|公开表|\(草案\))*$"
)
MAX_TITLE = 80

_CJK = r"[\u4e00-\u9fff]"
_REGION = re.compile(
    rf"^(?:{_CJK}{{2,7}}?(?:省|自治区))?(?:{_CJK}{{2,6}}?(?:市|自治州|州|盟|地区))?"
    rf"(?:{_CJK}{{1,8}}?(?:综合实验区|新区|开发区|自治县|(?<![社园校景小])区|县|旗))?"
)
_TOWN = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:镇|乡)(?:人民政府|政府)?$|(?:镇|乡)(?:人民政府|政府)")


@dataclass(frozen=True)
class Title:
    """What a title says: the department as printed there, the year (0: the title names none),
    决算/预算 and 部门/单位."""

    department: str
    year: int
    kind: str
    scope: str | None


def parse_title(line: str, table: bool = False) -> Title | None:
    """The report title's parts, or None when the line is no report title (too long, a sentence,
    a table title, no year or no 决算/预算 after it). Linear in the line's length.

    ``table=True`` accepts a table's title too ("X2025年度部门决算表"): the last resort of a report
    whose cover cannot be read."""
    t = clean_label(nfkc(line).lstrip("#").strip()).replace(" ", "")
    t = re.sub(r"[“”\"‘’'《》「」]", "", t)
    if not t or len(t) > MAX_TITLE or re.search(r"[。；;，,]", t):
        return None
    y = _YEAR.search(t)
    if y is None:
        return _undated(t)
    k = _KIND.search(t, y.end())
    if k is None or k.start() - y.end() > 40:
        return None
    tail = t[k.end() :]
    if not (_TAIL.match(tail) or (table and re.fullmatch(r"[\u4e00-\u9fff]{0,8}表", tail))):
        return None  # a table's title (…决算总表) or a sentence (…决算编制范围的单位), not the report's
    lead = t[: y.start()]
    mid = t[y.end() : k.start()]
    scope = "单位" if mid.endswith("单位") else "部门" if mid.endswith("部门") else None
    return Title(_department_from(lead, mid), int(y.group(1)), k.group(0), scope)


def _undated(t: str) -> Title | None:
    """A title without a year ("X部门预算公开说明"): department and kind, year 0 (unknown)."""
    k = _KIND.search(t)
    if k is None or not _TAIL.match(t[k.end() :]) or len(t) > 50:
        return None
    lead = t[: k.start()]
    scope = "单位" if lead.endswith("单位") else "部门" if lead.endswith("部门") else None
    name = _department_from("", lead)
    return Title(name, 0, k.group(0), scope) if name else None


def _department_from(lead: str, mid: str) -> str:
    """The department: the object of a 批复 (what is approved), else what stands before the year,
    else what stands between the year and the kind word (2016年北厝镇预算)."""
    lead = _ISSUER.sub("", lead) if _ISSUER.search(lead) else lead
    lead = re.sub(r"^关于", "", re.sub(r"(?:的|:|：)+$", "", lead))
    lead = re.sub(r"(?<=..)关于.*$", "", lead)  # "X关于公开" → X
    lead = re.sub(r"(?<=...)(?:部门|单位)$", "", lead)  # "X局部门2023年度决算" → X局
    if len(lead) >= 2 and not _NOT_A_NAME.search(lead):
        return lead
    name = _SCOPE_TAIL.sub("", _ISSUER.sub("", mid) if _ISSUER.search(mid) else mid)
    if len(name) >= 2 and not _NOT_A_NAME.search(name):
        return name
    return ""


def region_of(department: str) -> str | None:
    """The administrative region a department's name starts with (上海市普陀区, 贵阳市,
    平潭综合实验区), or None; 中共上海市普陀区委… is in 上海市普陀区."""
    name = re.sub(r"^(中共|中国共产党)", "", department)
    m = _REGION.match(name)
    region = m.group(0) if m else ""
    return region or None


def own_name(department: str, region: str | None = None) -> str:
    """The department's own name without its region (生态环境局 of 上海市普陀区生态环境局;
    宜川路街道办事处 of 上海市普陀区人民政府宜川路街道办事处)."""
    region = region if region is not None else region_of(department)
    name = re.sub(r"^(中共|中国共产党)", "", department)
    if region and name.startswith(region):
        name = name[len(region) :]
    rest = re.sub(r"^人民政府(?=.)", "", name)
    if region and rest.startswith("委") and len(rest) > 1:
        rest = region[-1] + rest  # 中共上海市普陀区委社会工作部 → 区委社会工作部
    return rest or department


def level_of(department: str, region: str | None = None) -> str | None:
    """The level of government a department belongs to: 省 / 市 / 区 / 县 / 乡镇 / 街道."""
    region = region if region is not None else region_of(department)
    own = own_name(department, region)
    if "街道" in own:
        return "街道"
    if _TOWN.search(own):
        return "乡镇"
    for lead, level in (("省", "省"), ("市", "市"), ("区", "区"), ("县", "县")):
        if own.startswith(lead) and not own.startswith("市场"):
            return level  # 县政协, 区财政局, 市财政局
    if region:
        last = region[-1]
        return {"省": "省", "市": "市", "州": "市", "盟": "市", "区": "区", "县": "县", "旗": "县"}.get(last)
    return None


# -- operator overrides ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Overrides:
    department: str | None = None
    region: str | None = None
    year: int | None = None
    kind: str | None = None

    def any(self) -> bool:
        return any((self.department, self.region, self.year, self.kind))


_OVERRIDES: ContextVar[Overrides | None] = ContextVar("meta_overrides", default=None)


@contextmanager
def overrides(o: Overrides) -> Iterator[None]:
    """Within the block, every reader's metadata is completed (and overridden) by ``o``."""
    token = _OVERRIDES.set(o)
    try:
        yield
    finally:
        _OVERRIDES.reset(token)


def current_overrides() -> Overrides:
    return _OVERRIDES.get() or Overrides()


# -- detection -----------------------------------------------------------------------------------------
_BODY_YEAR = re.compile(r"本(?:部门|单位|机关)?\s*((?:19|20)\d\d)\s*年度?\s*(?:部门|单位)?\s*(决算|预算)")


@dataclass
class _Found:
    title: str = ""
    year: int | None = None
    kind: str | None = None
    scope: str | None = None
    depts: Counter | None = None
    titled: list[str] = field(default_factory=list)  # departments named by title lines, in order


def _scan(lines: list[str]) -> _Found:
    f = _Found(depts=Counter())
    body_year: tuple[int, str] | None = None
    fallback: tuple[str, Title] | None = None
    undated: tuple[str, Title] | None = None
    for raw in lines[:4000]:
        line = clean_label(nfkc(raw).lstrip("#").strip())
        printed = dept_line(line)
        if printed is not None:
            name = clean_label(printed).replace(" ", "")
            if len(name) >= 3:
                f.depts[name] += 1
            continue
        if f.title and len(f.titled) < 5 and len(line) <= MAX_TITLE and (t := parse_title(line)) and t.year:
            f.titled.append(t.department)  # the body's own title may name the department more fully
        if not f.title:
            t = parse_title(line)
            if t and not t.year:
                if undated is None:
                    undated = (line, t)
                continue
            if t:
                f.title, f.year, f.kind, f.scope = line.replace(" ", ""), t.year, t.kind, t.scope
                f.titled.append(t.department)
                if len(t.department) >= 2:
                    f.depts[t.department] += 2
                continue
            if fallback is None and (t := parse_title(line, table=True)):
                fallback = (line, t)
        if body_year is None and len(line) <= 4000:
            b = _BODY_YEAR.search(line)
            if b:
                body_year = (int(b.group(1)), b.group(2))
    if not f.title and fallback:  # no cover title: a table's title names department and year
        line, t = fallback
        f.title, f.year, f.kind, f.scope = line.replace(" ", ""), t.year, t.kind, t.scope
        if len(t.department) >= 2:
            f.depts[t.department] += 2
    if not f.title and undated:  # a title that names no year: its department and kind
        line, t = undated
        f.title, f.kind, f.scope = line.replace(" ", ""), t.kind, t.scope
        f.depts[t.department] += 2
    if f.year is None and body_year:
        f.year = body_year[0]  # "本部门2016年度部门决算…": the body says what the title does not
        f.kind = f.kind or body_year[1]
    return f


def _with_region(name: str, lines: list[str]) -> str:
    """A short name without its region (县政协, 区财政局) completed from the body when the body
    names it with one ("平潭县政协"): the region is what tells it from another region's namesake."""
    if region_of(name) is not None or not re.match(r"^[县区市旗]", name):
        return name
    for line in lines[:4000]:
        at = line.find(name)
        while at > 0:
            for start in range(max(0, at - 8), at):
                candidate = line[start:at] + name
                region = region_of(candidate)
                prefix = line[start:at]
                if (
                    region
                    and len(region) == len(prefix) + 1
                    and re.fullmatch(r"(?![本我该全各此其])" + _CJK + "+", prefix)
                    and not re.search(
                        r"[年度月日的和与及在为是对由从]", prefix
                    )  # a sentence's words, not a place
                ):
                    return candidate  # "平潭县" + "政协": the region ends where the short name's level is
            at = line.find(name, at + 1)
    return name


def detect_meta(lines: list[str], path: str = "") -> ReportMeta | None:
    """Department, region, level, year and kind from the title, ``部门:`` lines and the body,
    completed by the operator's overrides; None when something is still unknown."""
    try:
        return require_meta(lines, path)
    except ReportError:
        return None


def require_meta(lines: list[str], path: str = "") -> ReportMeta:
    """As :func:`detect_meta`, but a report whose year, kind or department is still unknown is
    refused naming what is missing and the flag that supplies it."""
    f = _scan(lines)
    o = current_overrides()
    year = o.year or f.year
    kind = o.kind or f.kind
    department = o.department or (f.depts.most_common(1)[0][0] if f.depts else "")
    if department and not o.department:
        fuller = [
            d
            for d in f.titled
            if region_of(department) is None
            and d.endswith(department)
            and (r := region_of(d))
            # the name with its region in front: 平潭县政协 for 县政协 (r = 平潭县), never a heading
            and len(r) == len(d) - len(department) + 1
            and not re.match(r"^第[一二三四五六七八九十]+部分", d)
        ]
        department = fuller[0] if fuller else _with_region(department, lines)
    missing = []
    if not year:
        missing.append("年度，请用 --year 指定 (year: give --year)")
    if not kind:
        missing.append("报告类型（决算/预算），请用 --kind 指定 (kind: give --kind)")
    if not department:
        missing.append("部门，请用 --department 指定 (department: give --department)")
    if missing:
        lead = "不是部门预算/决算公开报告：" if not (f.year or f.kind or o.any()) else ""
        raise ReportError(f"{lead}无法确定" + "；无法确定".join(missing), path, 1)
    region = o.region or region_of(department)
    title = f.title or f"{department}{year}年度{kind}"
    return ReportMeta(
        department=department,
        year=int(year),
        kind=kind,
        title=title,
        region=region,
        source_path=path,
        scope=f.scope,
        level=level_of(department, region),
    )
