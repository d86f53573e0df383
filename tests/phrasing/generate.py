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
    COLLOQUIAL_ALSO,
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
    stated_names,
    stated_phrase_subjects,
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
    # Narrative figures among them, with the step they are printed to (3121.42万元: 0.01万元 =
    # 100元): the table's exact 31214205.80元 behind a rounded narrative figure is right too.
    rounded: frozenset[tuple[Decimal, str, Decimal]] = frozenset()

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
        if form in words or fact.key in words or fact.subject in words or canon == fact.key:
            keys.append(canon)
            keys.extend(subject_key(w) for w in words)  # its other names as subjects of their own
            if canon.endswith("总额"):
                keys.append(canon[: -len("总额")])  # the narrative's 政府采购支出总额为 → 政府采购支出
    keys.extend(COLLOQUIAL_ALSO.get(form, ()))
    if subject_key(form) in stated_phrase_subjects():  # 总收入: also what the 说明 grammar reads
        keys.append(stated_phrase_subjects()[subject_key(form)])
    for names in stated_names():  # 一般公共预算拨款支出, the same subject printed shorter
        if subject_key(form) in names or fact.key in names:
            keys.extend(names)
    return tuple(keys)


def _acceptable(index: Index, fact: Fact, reports: frozenset[int], unit_asked: str, form: str):
    out = set()
    rounded = set()
    for f in [fact, *index.same_subject(fact, reports, fact.measure, _meanings(fact, form))]:
        v = convert(f.value, f.unit, unit_asked) if unit_asked else f.value
        if v is None:
            continue
        u = unit_asked or f.unit
        out.add((v.normalize() if v else Decimal(0), u))
        if f.source == "narrative" and f.unit in ("万元", "元") and f.value:
            step = convert(Decimal(1).scaleb(f.value.as_tuple().exponent), f.unit, u)
            rounded.add((v, u, step))
    return frozenset(out), frozenset(rounded)


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
    subject = rng.choice(subject_forms(fact))
    measure = rng.choice(_measure_parts(fact, report))
    frame_label, template = rng.choice(_frames(fact, measure))
    unit = rng.choice(_units(fact, frame_label))
    filler, infix, particle = rng.choice(FILLERS), rng.choice(INFIXES), rng.choice(PARTICLES)
    noise = Part("noise", rng.choice(NOISE), "")
    if noise.label == "typo":
        if subject.label == "code":
            noise = Part("noise", "-", "")
        else:
            others = {f.subject for f in index.facts if f.report_id == fact.report_id and f.key != fact.key}
            typo = _typo(subject.text, rng, others)
            if not typo:
                return None
            noise = Part("noise", "typo", typo)  # the misspelt subject
    if fact.measure == "prior" or frame_label == "多少X":
        year_label = "-" if fact.measure == "prior" else year_label  # 2024年上年… is not how anyone asks
    if frame_label == "多少X":
        infix = Part("infix", "-", "")
    year = Part("year", year_label, year_label.replace("Y", str(report.year)) if year_label != "-" else "")
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
        noise,
    )
    return build_question(index, fact, parts)


def render(fact: Fact, parts: tuple[Part, ...]) -> str | None:
    """The question text the parts spell (None when a noise has nothing to change)."""
    p = {x.slot: x for x in parts}
    subject_text = p["noise"].text if p["noise"].label == "typo" else p["subject"].text
    m = p["measure"].text if p["measure"].label != "-" else ""
    asked = f"{m}{subject_text}" if fact.measure == "prior" else f"{subject_text}{m}"
    body = p["frame"].text.format(s=asked, u=p["unit"].text)
    if p["infix"].text and p["frame"].label != "多少X":
        body = body.replace(asked, asked + p["infix"].text, 1)
    dept_text = p["dept"].text
    if dept_text[-1:].isdigit():
        dept_text += "的"  # 12345的2024年… — digits run into the year or a 科目编码 otherwise
    text = f"{p['filler'].text}{dept_text}{p['year'].text}{body}{p['particle'].text}"
    if p["noise"].label == "繁体":
        text = _s2t().convert(text)
    elif p["noise"].label == "全角":
        if not any(c.isascii() and c.isalnum() for c in text):
            return None
        text = _fullwidth(text)
    return unicodedata.normalize("NFC", text)


def build_question(index: Index, fact: Fact, parts: tuple[Part, ...]) -> Question | None:
    """A question from its parts, with the figures it may get and whether it pins one."""
    text = render(fact, parts)
    if text is None:
        return None
    p = {x.slot: x for x in parts}
    report = index.reports[fact.report_id]
    dept = p["dept"] if p["dept"].label != "none" else None
    reports = _candidates(index, report, dept, p["year"])
    unit = p["unit"].text
    acceptable, rounded = _acceptable(index, fact, reports, unit, p["subject"].text)
    determinate = len(reports) == 1 and len({a for a, _u in acceptable}) == 1
    return Question(text, fact, parts, unit, acceptable, determinate, rounded)


def plain(index: Index, question: Question, slot: str) -> Question | None:
    """The same question with one part put back to its plainest form (the 科目名称, no filler,
    no unit, 是多少 …) — when that one is answered right, the part is what the bot misses."""
    fact = question.fact
    neutral = {
        "dept": Part("dept", "full", index.reports[fact.report_id].department),
        "year": Part("year", "-", ""),
        "subject": Part("subject", "name", fact.subject),
        "unit": Part("unit", "-", ""),
        "frame": Part("frame", "X是多少", "{s}是多少{u}"),
        "filler": Part("filler", "-", ""),
        "infix": Part("infix", "-", ""),
        "particle": Part("particle", "-", ""),
        "noise": Part("noise", "-", ""),
    }
    if slot not in neutral:
        return None
    old = question.part(slot)
    new = neutral[slot]
    if old is None or (old.label, old.text) == (new.label, new.text):
        return None
    parts = tuple(new if x.slot == slot else x for x in question.parts)
    return build_question(index, fact, parts)


def generate(index: Index, per_fact: int, seed: int = 12, reports: frozenset[int] | None = None) -> list[Question]:
    """``per_fact`` questions for every fact (of the given ``reports`` only, when given), the
    same for the same seed and knowledge base."""
    multi = len(index.reports) > 1
    out: list[Question] = []
    seen: set[str] = set()
    chosen = [f for f in index.facts if reports is None or f.report_id in reports]
    facts = list({(f.report_id, f.key, f.code, f.measure, f.value, f.unit): f for f in reversed(chosen)}.values())
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
