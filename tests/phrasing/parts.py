"""The parts questions are made of: how people name a department, a subject, a measure, a unit,
and the fillers, frames and noise around them.

Every part is data (a label for the coverage table and the text it puts in the question), so a
miss in the coverage table points at the word or frame the bot lacks. Department and subject
forms are derived from the knowledge base and from ``rules/*.yaml`` (read as plain YAML: the
words the bot is meant to know) plus colloquial names written here, which the bot may not know —
that is what the generator is for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .facts import Fact, Report, subject_key

RULES = Path(__file__).resolve().parents[2] / "rules"


def _rules_file(name: str) -> dict:
    """A rules file as plain YAML, wherever the rules keep it (rules/zh/ or rules/); empty when
    the file is gone — the generator then simply has fewer forms."""
    for path in (RULES / "zh" / name, RULES / name):
        if path.is_file():
            return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {}


@dataclass(frozen=True)
class Part:
    """One part of a question: which slot, the label counted in the coverage table, its text."""

    slot: str
    label: str
    text: str


@lru_cache(maxsize=1)
def lexicon() -> dict[str, list[str]]:
    """rules/lexicon.yaml synonyms by the subject_key of their canonical subject."""
    data = _rules_file("lexicon.yaml")
    out: dict[str, list[str]] = {}
    for canon, words in (data.get("synonyms") or {}).items():
        out.setdefault(subject_key(canon), []).extend(str(w) for w in words or ())
    return out


@lru_cache(maxsize=1)
def stated_names() -> list[frozenset[str]]:
    """The 说明 grammar's printings of one subject (rules/stated.yaml ``phrases``: 一般公共预算拨款支出
    is 一般公共预算财政拨款支出), as subject_keys; the general ones (支出合计 …) left out, since
    they name a whole that a narrower question does not ask for."""
    data = _rules_file("stated.yaml")
    out = []
    for spec in (data.get("subjects") or {}).values():
        if isinstance(spec, dict) and not spec.get("general"):
            keys = frozenset(subject_key(str(w)) for w in spec.get("phrases") or ())
            if len(keys) > 1:
                out.append(keys)
    return out


@lru_cache(maxsize=1)
def stated_phrase_subjects() -> dict[str, str]:
    """Every phrase of rules/zh/stated.yaml (general totals included) → its subject, as
    subject_keys: a report that prints 部门决算总收入959.48万元 means 收入总计 by 总收入, though the
    lexicon's 总收入 is 本年收入合计 — a question saying it may defensibly get either."""
    data = _rules_file("stated.yaml")
    out: dict[str, str] = {}
    for name, spec in (data.get("subjects") or {}).items():
        if isinstance(spec, dict):
            for w in spec.get("phrases") or ():
                out[subject_key(str(w))] = subject_key(str(name))
    return out


@lru_cache(maxsize=1)
def aliases() -> dict[str, list[str]]:
    data = _rules_file("departments.yaml")
    return {str(k): [str(w) for w in v or ()] for k, v in (data.get("aliases") or {}).items()}


# How citizens name subjects, beside the report's 科目名称 — written here, not taken from the
# bot's lexicon. Keyed by subject_key; general budget vocabulary, not one report's.
COLLOQUIAL: dict[str, tuple[str, ...]] = {
    "本年支出": ("一年花的钱", "全年总支出", "总花费"),
    "本年收入": ("一年的收入", "全年总收入"),
    "办公费": ("办公开支",),
    "邮电费": ("邮电通讯费",),
    "公务接待费": ("招待费用", "接待开支"),
    "住房公积金": ("公积金缴费",),
    "三公经费": ("三公费", "三公花费"),
    "人员经费": ("人员开支", "人员费用"),
    "公用经费": ("公用开支",),
    "差旅费": ("出差的钱",),
    "培训费": ("培训开支",),
    "会议费": ("开会的钱",),
    "基本工资": ("工资",),
    "因公出国(境)费": ("出国花的钱",),
    "年末在编人数": ("在编人数", "编制内人数"),
    "政府采购支出": ("政府采购总额", "采购花了的钱"),
    "项目支出": ("项目花的钱",),
    "基本支出": ("基本经费支出",),
}

# Colloquial names that may as well mean another total: 总花费 is what the year cost (本年支出),
# but a report that calls its 支出总计 总支出 (白青乡: 部门决算总支出959.48万元) means that too.
COLLOQUIAL_ALSO: dict[str, tuple[str, ...]] = {
    "总花费": ("支出总计",),
    "全年总支出": ("支出总计",),
    "全年总收入": ("收入总计",),
}

FILLERS = (Part("filler", "-", ""), Part("filler", "请问", "请问"), Part("filler", "我想知道", "我想知道"),
           Part("filler", "想问一下", "想问一下"))
INFIXES = (Part("infix", "-", ""), Part("infix", "一共", "一共"), Part("infix", "到底", "到底"),
           Part("infix", "总共", "总共"))
PARTICLES = (Part("particle", "-", ""), Part("particle", "呢", "呢"), Part("particle", "啊", "啊"),
             Part("particle", "？", "？"), Part("particle", "呀", "呀"))

# Measure words by the measure a fact carries; "-" = none (the report's own kind is meant).
MEASURE_WORDS: dict[str, tuple[str, ...]] = {
    "actual": ("-", "决算", "实际", "决算数", "实际数"),
    "budget": ("预算", "年初预算", "预算数"),
    "prior": ("上年", "上一年", "{prev}年"),
    "target": ("指标值", "目标值", "年度指标值"),
    "indicator_actual": ("-", "实际完成值", "完成值", "实际"),
    "count": ("-",),
}

# Frames: label, template ({s} = what is asked, {u} = unit asked), kinds of figure they fit.
FRAMES = (
    ("X是多少", "{s}是多少{u}", ("money", "count", "percent", "rate")),
    ("X多少", "{s}多少{u}", ("money", "count", "rate")),
    ("X花了多少", "{s}花了多少{u}", ("spend",)),
    ("多少X", "多少{s}", ("money",)),
    ("X有多少", "{s}有多少{u}", ("money", "count", "rate")),
    ("X多少钱", "{s}多少钱", ("money",)),
    ("X是几", "{s}是几{u}", ("count",)),
    ("X是百分之几", "{s}是百分之几", ("percent",)),
)
MONEY_UNITS = ("万元", "元")
COUNT_UNITS = ("人", "辆", "个", "台", "套", "家")
NOISE = ("-", "typo", "繁体", "全角")


_REGION_PARTS = re.compile(r"(.+?[省市])?(.+?[区县市])?")


def region_forms(region: str) -> list[str]:
    """上海市普陀区 → 上海市普陀区, 普陀区, 普陀; 贵阳市 → 贵阳市, 贵阳."""
    out = [region] if region else []
    m = re.fullmatch(r"(.+?市)(.+?区|.+?县)", region or "")
    tail = m.group(2) if m else region
    if tail and tail not in out:
        out.append(tail)
    if tail and len(tail) > 2 and tail[-1] in "市区县":
        out.append(tail[:-1])
    return out


def core_name(report: Report) -> str:
    """The department without its region, party or government prefix: 中共上海市普陀区委社会工作部 → 社会工作部."""
    name = report.department
    for r in region_forms(report.region):
        name = name.replace(r, "")
    name = re.sub(r"^(中共|人民政府)+", "", name)
    name = re.sub(r"^(委|人民政府)", "", name)
    return name or report.department


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def department_forms(report: Report, reports: dict[int, Report]) -> list[Part]:
    """Ways to name a department, each labelled by form; abbreviations only where they fit one
    department of the knowledge base (the characters in order, as people shorten names)."""
    if "/pingtan/" in report.source or report.department.startswith("平潭"):
        return pingtan_forms(report, reports)
    core = core_name(report)
    regions = region_forms(report.region)
    forms: list[Part] = [Part("dept", "full", report.department)]
    if core != report.department:
        forms.append(Part("dept", "short", core))
        for r in regions[1:]:
            forms.append(Part("dept", "region+short", r + core))
    abbrs: list[tuple[str, str]] = []
    m = re.fullmatch(r"(.+?)(街道办事处|局|部|中心|院|委员会|办公室)", core)
    if m:
        stem, suffix = m.groups()
        stem_nodigit = re.sub(r"\d+", "", stem)
        if suffix == "街道办事处":
            abbrs.append(("abbr", stem + "街道"))
            if stem.endswith("路"):
                abbrs.append(("abbr", stem[:-1] + "街道"))
        elif len(stem_nodigit) >= 4:
            # Guesses by the two ways names are shortened (生态环境局 → 生态局, 社会工作部 →
            # 社工部); some are not in use, which the coverage table shows apart.
            abbrs.append(("abbr-guess", stem_nodigit[:2] + suffix))
            halves = stem_nodigit.split("和")
            if len(halves) == 2:
                abbrs.append(("abbr-guess", halves[0][0] + halves[1][0] + suffix))
            elif len(stem_nodigit) == 4:
                abbrs.append(("abbr-guess", stem_nodigit[0] + stem_nodigit[2] + suffix))
    for key, words in aliases().items():
        if key == core or core.endswith(key):
            abbrs.extend(("alias", w) for w in words)
    others = [r.department for r in reports.values() if r.department != report.department]
    for label, text in abbrs:
        if text in (core, report.department) or any(_subsequence(text, o) for o in others):
            continue
        if label != "alias" and not _subsequence(re.sub(r"\d+", "", text), report.department):
            continue
        forms.append(Part("dept", label, text))
        if regions:
            forms.append(Part("dept", f"region+{label}", regions[-1] + text))
    digits = re.findall(r"\d{3,}", report.department)
    for d in digits:
        forms.append(Part("dept", "digits", d))
        for label, text in abbrs:
            if d not in text and label == "alias":
                forms.append(Part("dept", "digits+alias", d + text))
    seen: set[str] = set()
    return [f for f in forms if not (f.text in seen or seen.add(f.text))]


# 平潭 is printed 平潭综合实验区, 平潭县 or not at all; people say any of them, or 平潭.
PINGTAN_REGIONS = ("平潭综合实验区", "平潭县", "平潭")
# A township's government, as people name it: 潭城镇 / 潭城镇政府 / 潭城镇人民政府.
_TOWNSHIP = re.compile(r"(.{1,4}?[乡镇])(人民政府|政府)?")
# Short names people use for the county's own bodies (the name without 人民 or 国有).
_BODY_SHORT = {"人民检察院": ("检察院", "县检察院"), "政协": ("县政协", "政协"),
               "国有防护林场": ("防护林场", "国有林场")}


def pingtan_forms(report: Report, reports: dict[int, Report]) -> list[Part]:
    """Ways to name a 平潭 department: as printed, without its region (白青乡人民政府), the
    township alone or with 政府 / 人民政府, the county body's short name (县政协, 检察院), each
    with or without 平潭 / 平潭综合实验区 before it — only forms that fit no other department of
    the knowledge base."""
    core = report.department
    printed_region = next((r for r in PINGTAN_REGIONS if core.startswith(r)), "")
    core = core[len(printed_region):] or core
    shorts: list[tuple[str, str]] = []
    m = _TOWNSHIP.fullmatch(core)
    if m:
        town = m.group(1)
        shorts += [("short", town), ("short+政府", town + "政府"), ("short+人民政府", town + "人民政府")]
    else:
        if core != report.department:
            shorts.append(("short", core))
        for long, words in _BODY_SHORT.items():
            if core == long:
                shorts += [("abbr", w) for w in words]
    forms = [Part("dept", "full", report.department)]
    for label, text in shorts:
        forms.append(Part("dept", label, text))
        for region in ("平潭", "平潭综合实验区"):
            forms.append(Part("dept", f"{'平潭' if region == '平潭' else '实验区'}+{label}", region + text.removeprefix("县")))
    others = [r.department for r in reports.values() if r.department != report.department]
    seen: set[str] = set()
    out = []
    for f in forms:
        if f.text in seen or (f.label != "full" and any(f.text in o for o in others)):
            continue
        seen.add(f.text)
        out.append(f)
    return out


def subject_forms(fact: Fact) -> list[Part]:
    """Ways to name what is asked: the 科目名称, its short form, the 科目编码, the lexicon's
    synonyms and colloquial names."""
    forms = [Part("subject", "name", fact.subject)]
    if fact.key != fact.subject:
        forms.append(Part("subject", "name-short", fact.key))
    bare = re.sub(r"\(.*?\)", "", fact.key)
    if bare != fact.key and len(bare) >= 2:
        forms.append(Part("subject", "no-brackets", bare))
    if fact.code:
        forms.append(Part("subject", "code", fact.code))
    forms.extend(Part("subject", "synonym", w) for w in lexicon().get(fact.key, ()))
    forms.extend(Part("subject", "colloquial", w) for w in COLLOQUIAL.get(fact.key, ()))
    seen: set[str] = set()
    return [f for f in forms if not (f.text in seen or seen.add(f.text))]


def figure_kind(unit: str) -> str:
    if unit in MONEY_UNITS:
        return "money"
    if unit == "%":
        return "percent"
    if unit in COUNT_UNITS:
        return "count"
    return "rate"
