"""Facts → questions: each composed from parts, each with the figures a correct answer may give.

A question names a fact's subject, measure and (in a knowledge base of several reports) its
department; the figures it may defensibly get are every figure of that subject and measure in
every report the mention fits (``acceptable``). When they are all one amount and one report,
the question is *determinate*: only that amount (in the unit asked) is right. Otherwise asking
back is the best answer and any of the acceptable figures is defensible — never counted as a
wrong figure, and never counted towards the answer rate either.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .facts import Fact, Index, Report, subject_key
from .parts import (
    FILLERS,
    FRAMES,
    INFIXES,
    MEASURE_WORDS,
    NOISE,
    PARTICLES,
    Part,
    department_forms,
    figure_kind,
    lexicon,
    subject_forms,
)

TEN_THOUSAND = Decimal(10000)


@dataclass(frozen=True)
class Question:
    """One generated question, the fact it asks for and the parts it was made of."""

    text: str
    fact: Fact
    parts: tuple[Part, ...]
    unit_asked: str  # 万元 / 元 / "" (any unit of the fact's kind)
    acceptable: frozenset[tuple[Decimal, str]]  # (amount, unit) in the unit asked, or as printed
    determinate: bool

    def part(self, slot: str) -> Part | None:
        return next((p for p in self.parts if p.slot == slot), None)


def convert(value: Decimal, unit: str, to: str) -> Decimal | None:
    """An amount in another money unit, exactly; None when the units are not both money."""
    if not to or unit == to:
        return value
    if unit == "万元" and to == "元":
        return value * TEN_THOUSAND
    if unit == "元" and to == "万元":
        return value / TEN_THOUSAND
    return None


def _candidates(index: Index, report: Report, dept: Part | None, year: Part | None) -> frozenset[int]:
    """The reports a department mention (and year) fits: all of the department's reports."""
    if dept is None and len(index.reports) == 1:
        return frozenset(index.reports)
    ids = {r.id for r in index.reports.values() if r.department == report.department}
    if year is not None and year.label != "-":
        ids = {i for i in ids if index.reports[i].year == report.year}
    return frozenset(ids)


def _meanings(fact: Fact, form: str) -> tuple[str, ...]:
    """Keys a subject wording may equally mean: itself as a subject name, and the subject the
    lexicon maps it (or the fact's own name) to — 采购金额 is also 政府采购支出总额, 因公出国费用
    also the 三公 table's 因公出国(境)费."""
    keys = [subject_key(form)]
    for canon, words in lexicon().items():
        if form in words or fact.key in words or fact.subject in words:
            keys.append(canon)
            if canon.endswith("总额"):
                keys.append(canon[: -len("总额")])  # the narrative's 政府采购支出总额为 → 政府采购支出
    return tuple(keys)


def _acceptable(index: Index, fact: Fact, reports: frozenset[int], unit_asked: str, form: str) -> frozenset:
    out = set()
    for f in [fact, *index.same_subject(fact, reports, fact.measure, _meanings(fact, form))]:
        v = convert(f.value, f.unit, unit_asked) if unit_asked else f.value
        if v is not None:
            out.add((v.normalize() if v else Decimal(0), unit_asked or f.unit))
    return frozenset(out)


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _typo(subject: str, rng: random.Random, avoid: set[str]) -> str | None:
    """One character of the subject replaced by a homophone (办公费 → 办工费), unless that
    spells another subject of the report."""
    from pypinyin import lazy_pinyin

    pool = _homophones()
    spots = [i for i, ch in enumerate(subject) if "\u4e00" <= ch <= "\u9fff"]
    rng.shuffle(spots)
    for i in spots:
        py = lazy_pinyin(subject[i])[0]
        options = [c for c in pool.get(py, ()) if c != subject[i]]
        if options:
            typo = subject[:i] + rng.choice(options) + subject[i + 1 :]
            if not any(typo in a for a in avoid):
                return typo
    return None


@lru_cache(maxsize=1)
def _homophones() -> dict[str, tuple[str, ...]]:
    from pypinyin import lazy_pinyin

    chars = "办公费用出差会议培训工资金福利支收入预算决经营事业运行其他保险医疗住房机关单位养老职年缴项目基本政府采购车辆维护接待因国境购置服务便民热线中心财拨款社会障就卫生健康教育文化旅游环境规划资源街道"
    chars += "半攻废拥初茶汇益陪训功资今付历只受如遇酸绝精营是夜云型期它保显意聊主访机观单为样老值念交相木础本征腐财采够车两为户接待音过镜够至浮务便名热现忠心才拨宽设汇帐就为生见康交遇闻化旅有环镜规化自原接到"
    out: dict[str, list[str]] = {}
    for ch in dict.fromkeys(chars):
        out.setdefault(lazy_pinyin(ch)[0], []).append(ch)
    return {k: tuple(v) for k, v in out.items()}


def _measure_parts(fact: Fact, report: Report) -> list[Part]:
    if fact.source == "indicator":
        words = MEASURE_WORDS["target" if fact.measure == "target" else "indicator_actual"]
    else:
        words = MEASURE_WORDS[fact.measure]
        if fact.measure == "budget" and report.kind == "预算":
            words = ("-", *words)
    return [Part("measure", w.replace("{prev}", "Y-1"), w.replace("{prev}", str(report.year - 1))) for w in words]


def _frames(fact: Fact, measure: Part) -> list[tuple[str, str]]:
    kind = figure_kind(fact.unit)
    kinds = {kind}
    spending = "收入" not in fact.key and measure.label in ("-", "实际", "上年", "上一年", "Y-1年")
    if kind == "money" and fact.measure in ("actual", "prior") and fact.source != "indicator" and spending:
        kinds.add("spend")
    return [(label, tpl) for label, tpl, fits in FRAMES if kinds & set(fits)]


def _units(fact: Fact, frame_label: str) -> list[str]:
    kind = figure_kind(fact.unit)
    if frame_label in ("多少X", "X多少钱", "X是百分之几"):
        return [""]
    if kind == "money":
        return ["", "万元", "元"]
    if kind == "count":
        return ["", fact.unit]
    return [""]


def compose(index: Index, fact: Fact, rng: random.Random, multi: bool) -> Question | None:
    """One random question for a fact (deterministic for a seeded ``rng``)."""
    report = index.reports[fact.report_id]
    depts = department_forms(report, index.reports)
    dept = rng.choice(depts) if multi else rng.choice([None, None, *depts])
    year_label = rng.choice(["-", "Y年", "Y年度"])
    year = Part("year", year_label, year_label.replace("Y", str(report.year)) if year_label != "-" else "")
    subject = rng.choice(subject_forms(fact))
    measure = rng.choice(_measure_parts(fact, report))
    frame_label, template = rng.choice(_frames(fact, measure))
    unit = rng.choice(_units(fact, frame_label))
    filler, infix, particle = rng.choice(FILLERS), rng.choice(INFIXES), rng.choice(PARTICLES)
    noise = rng.choice(NOISE)
    subject_text = subject.text
    if noise == "typo" and subject.label != "code":
        others = {f.subject for f in index.facts if f.report_id == fact.report_id and f.key != fact.key}
        subject_text = _typo(subject.text, rng, others) or ""
        if not subject_text:
            return None
    elif noise == "typo":
        noise = "-"
    m = measure.text if measure.label != "-" else ""
    if fact.measure == "prior":
        asked = f"{m}{subject_text}"
        if year.label != "-":
            year = Part("year", "-", "")  # 2024年上年… is not how anyone asks
    else:
        asked = f"{subject_text}{m}"
    if frame_label == "多少X":
        infix = Part("infix", "-", "")
    body = template.format(s=asked, u=unit)
    if infix.text and frame_label != "多少X":
        body = body.replace(asked, asked + infix.text, 1)
    dept_text = dept.text if dept else ""
    if dept_text[-1:].isdigit():
        dept_text += "的"  # 12345的2024年… — digits run into the year or a 科目编码 otherwise
    text = f"{filler.text}{dept_text}{year.text}{body}{particle.text}"
    if noise == "繁体":
        text = _s2t().convert(text)
    elif noise == "全角":
        if not any(c.isascii() and c.isalnum() for c in text):
            return None
        text = _fullwidth(text)
    reports = _candidates(index, report, dept, year)
    acceptable = _acceptable(index, fact, reports, unit, subject.text)
    amounts = {a for a, _u in acceptable}
    determinate = len(reports) == 1 and len(amounts) == 1
    parts = (
        dept or Part("dept", "none", ""),
        year,
        subject,
        measure,
        Part("unit", unit or "-", unit),
        Part("frame", frame_label, template),
        filler,
        infix,
        particle,
        Part("noise", noise, ""),
    )
    return Question(unicodedata.normalize("NFC", text), fact, parts, unit, acceptable, determinate)


def generate(index: Index, per_fact: int, seed: int = 12) -> list[Question]:
    """``per_fact`` questions for every fact, the same for the same seed and knowledge base."""
    multi = len(index.reports) > 1
    out: list[Question] = []
    seen: set[str] = set()
    facts = list({(f.report_id, f.key, f.code, f.measure, f.value, f.unit): f for f in reversed(index.facts)}.values())
    facts.reverse()  # one fact per figure: a subject printed in three tables is asked once
    for i, fact in enumerate(facts):
        rng = random.Random(f"{seed}:{i}:{fact.report_id}:{fact.key}:{fact.measure}")
        tries = 0
        made = 0
        # Zeros (the rows a report prints empty) are many and alike: fewer questions each.
        quota = per_fact if fact.value else max(1, per_fact // 4)
        while made < quota and tries < quota * 4:
            tries += 1
            q = compose(index, fact, rng, multi)
            if q is None or q.text in seen:
                continue
            seen.add(q.text)
            out.append(q)
            made += 1
    return out
