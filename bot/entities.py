"""Stage 3: what the question names — subjects, measures, operations, year, department.

Exact matching first (a scan of every known surface form over the question's characters, longest
first, no overlaps); fuzzy matching (rapidfuzz) only for what is left, and only when the best
candidate clears both a threshold and a margin over the runner-up. Everything considered, with
its score, is kept for ``--explain``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from rules import Rules, default_rules

from .catalog import Catalog, ReportInfo, core_name

FUZZY_THRESHOLD = 74.0
FUZZY_MARGIN = 6.0
CONTAINED_MIN = 2


@dataclass
class Match:
    subject: str
    surface: str
    start: int
    end: int
    score: float
    method: str  # exact / code / fuzzy / contained


@dataclass
class Entities:
    subjects: list[Match] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    relative_year: str | None = None  # 去年 / 明年 / 今年 …
    reports: list[ReportInfo] = field(default_factory=list)
    unknown_department: str | None = None
    ambiguous: list[str] = field(default_factory=list)
    candidates: list[tuple[str, float]] = field(default_factory=list)
    rest: str = ""  # what no subject, measure or operation explained
    plain: str = ""  # the question without department names and years (for matching wording)

    def explain(self) -> dict:
        return {
            "subjects": [
                {"subject": m.subject, "surface": m.surface, "score": round(m.score, 1), "method": m.method}
                for m in self.subjects
            ],
            "measures": self.measures,
            "operations": self.operations,
            "years": self.years,
            "relative_year": self.relative_year,
            "reports": [r.label for r in self.reports],
            "unknown_department": self.unknown_department,
            "ambiguous": self.ambiguous,
            "fuzzy_candidates": [(s, round(v, 1)) for s, v in self.candidates[:5]],
            "unexplained": self.rest,
            "thresholds": {"fuzzy": FUZZY_THRESHOLD, "margin": FUZZY_MARGIN},
        }


def _scan(text: str, forms: dict[str, object]) -> list[tuple[str, int, int]]:
    """Longest-first, non-overlapping occurrences of known forms."""
    taken = [False] * len(text)
    found = []
    for form in sorted(forms, key=len, reverse=True):
        start = 0
        while True:
            i = text.find(form, start)
            if i < 0:
                break
            if not any(taken[i : i + len(form)]):
                for k in range(i, i + len(form)):
                    taken[k] = True
                found.append((form, i, i + len(form)))
            start = i + 1
    return sorted(found, key=lambda f: f[1])


def _rules(catalog: Catalog) -> Rules:
    return catalog.rules or default_rules()


def generic_words(rules: Rules) -> frozenset[str]:
    """Words too general to name a subject by themselves (rules: generic_subject_words)."""
    return frozenset(rules.word("generic_subject_words"))


def _core(department: str, region: str | None) -> str:
    return core_name(department, region)


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _names_department(name: str, r: ReportInfo) -> bool:
    """Does a mention (生态局, 规资局, 宜川路街道, 热线中心) name this report's department?

    Abbreviations keep the characters of the full name in order and its last character
    (生态环境局 → 生态局, 规划和自然资源局 → 规资局, 社会工作部 → 社工部).
    """
    core = _core(r.department, r.region)
    if name in r.department or name in core:
        return True
    return len(name) >= 3 and name[-1] == core[-1] and _subsequence(name, core)


class DepartmentIndex:
    """Per-catalog lookups, so naming a department costs the same with 1 or 10 000 reports."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.by_alias: dict[str, list[ReportInfo]] = {}
        for r in catalog.reports:
            for a in r.aliases:
                if len(a) >= 3:
                    self.by_alias.setdefault(a, []).append(r)
        self.maxlen = max((len(a) for a in self.by_alias), default=0)
        self.cores: dict[tuple[str, str | None], tuple[str, list[ReportInfo]]] = {}
        for r in catalog.reports:
            key = (r.department, r.region)
            if key not in self.cores:
                self.cores[key] = (_core(r.department, r.region), [])
            self.cores[key][1].append(r)
        self.by_char: dict[str, set[tuple[str, str | None]]] = {}
        for key, (core, _) in self.cores.items():
            for ch in set(key[0]) | set(core):
                self.by_char.setdefault(ch, set()).add(key)
        self.regions = {r.region for r in catalog.reports if r.region}
        self.office = _rules(catalog).pattern("department_office_suffix")
        self._places: dict[str, bool] = {}

    def place_known(self, place: str) -> bool:
        if place not in self._places:
            self._places[place] = any(place in d or place in (reg or "") for d, reg in self.cores)
        return self._places[place]

    def aliases_in(self, text: str) -> list[tuple[str, int]]:
        """Known aliases in the text, longest first; a number (12345) only as a whole number."""
        found = []
        for i in range(len(text)):
            for j in range(min(len(text), i + self.maxlen), i + 2, -1):
                a = text[i:j]
                if a in self.by_alias:
                    if a.isdigit() and (
                        (i > 0 and text[i - 1].isdigit()) or (j < len(text) and text[j].isdigit())
                    ):
                        continue
                    found.append((a, i))
                    break
        return sorted(found, key=lambda x: -len(x[0]))

    def named_by(self, name: str) -> list[ReportInfo]:
        keys: set | None = None
        for ch in set(name):
            keys = self.by_char.get(ch, set()) if keys is None else keys & self.by_char.get(ch, set())
            if not keys:
                return []
        out: list[ReportInfo] = []
        for key in keys or ():
            core, reports = self.cores[key]
            shorter = self.office.sub("", core)  # 宜川路街道办事处 → 宜川路街道 (宜川街道)
            if (
                name in key[0]
                or name in core
                or any(
                    len(name) >= 3 and name[-1] == c[-1] and _subsequence(name, c) for c in {core, shorter}
                )
            ):
                out += reports
        return sorted(out, key=lambda r: r.id)


def department_index(catalog: Catalog) -> DepartmentIndex:
    idx = getattr(catalog, "_department_index", None)
    if idx is None:
        idx = DepartmentIndex(catalog)
        catalog._department_index = idx  # type: ignore[attr-defined]
    return idx


def _department_name(mention: str, rules: Rules) -> str | None:
    """The department a mention names, if it names one at all ("普陀区教育局", not "合同金额占政府")."""
    name = rules.pattern("department_year_prefix").sub(
        "", rules.pattern("department_function_words").sub("", mention)
    )
    if len(name) < 3:
        return None
    if rules.pattern("government_word").search(name) and not rules.pattern("government_name").search(name):
        return None
    return name


def _other_region(lead: str, found: list[ReportInfo], rules: Rules) -> bool:
    """A place named right before the department (黄浦区 of 黄浦区生态环境局) that is none of the
    matched reports' region or name: another region's department, which no report here answers."""
    lead = rules.pattern("department_year_prefix").sub("", lead)
    if len(lead) < 2 or lead[-1] not in rules.word("region_suffixes"):
        return False
    return not any(lead in r.department or lead in (r.region or "") for r in found)


def _departments(text: str, catalog: Catalog) -> tuple[list[ReportInfo], str | None, list[tuple[int, int]]]:
    """Reports whose department the question names, an unknown department it names, and the spans.

    A mention that is (part of) a subject name (公立医院 is a 科目) is not a department.
    """
    idx = department_index(catalog)
    rules = _rules(catalog)
    not_a_name = set(rules.word("department_not_a_name"))
    for m in rules.pattern("place").finditer(text):
        place = m.group(1)
        if not idx.place_known(place):
            return [], place, []
    hits: list[ReportInfo] = []
    spans: list[tuple[int, int]] = []
    taken = [False] * len(text)
    for a, i in idx.aliases_in(text):
        if any(taken[i : i + len(a)]):
            continue
        for k in range(i, i + len(a)):
            taken[k] = True
        if _other_region(text[max(0, i - 2) : i], idx.by_alias[a], rules):
            return [], _department_name(text[max(0, i - 4) : i + len(a)], rules), []
        hits += [r for r in idx.by_alias[a] if r not in hits]
        spans.append((i, i + len(a)))
    unknown = None
    for m in rules.pattern("department_mention").finditer(text):
        mention = rules.pattern("department_lead").sub("", m.group(1))
        start = m.end() - len(mention)
        if any(i <= start < j for i, j in spans):
            continue
        if mention in not_a_name or len(mention) < 3 or rules.pattern("self_reference").match(mention):
            continue
        if mention in catalog.aliases or any(mention in a for a in catalog.aliases if len(a) > len(mention)):
            continue
        found: list[ReportInfo] = []
        for i in range(0, len(mention) - 2):
            tail = mention[i:]
            found = idx.named_by(tail)
            if found:
                spans.append((m.end() - len(tail), m.end()))
                break
        if found and _other_region(mention[: len(mention) - len(tail)], found, rules):
            found, hits = [], [r for r in hits if r not in found]
            unknown = _department_name(mention, rules) or unknown
            continue
        if found:
            hits += [r for r in found if r not in hits]
        elif not hits:
            name = _department_name(mention, rules)
            if name:
                unknown = name
    if not hits and not unknown:
        # a region alone ("贵阳市…收入总额") asks about the whole government, not a department here
        for region in idx.regions:
            if region in text:
                unknown = rules.templates["region_as_a_whole"].format(region=region)
                break
    return hits, (None if hits else unknown), spans


def _mask(text: str, i: int, j: int) -> str:
    return text[:i] + " " * (j - i) + text[j:]


def recognise(text: str, catalog: Catalog, rules: Rules) -> Entities:
    """Years, departments (→ reports), subjects, measures and operations a question names."""
    e = Entities()
    for m in re.finditer(r"(?<!\d)(20\d{2})(?!\d)", text):
        e.years.append(int(m.group(1)))
    e.relative_year = next((w for w in rules.word("relative_years") if w in text), None)
    masked = text
    # the department's name says nothing about the subject ("…政务服务…" is not 服务, 司法局 is not 司法)
    e.reports, e.unknown_department, spans = _departments(text, catalog)
    for i, j in spans:
        masked = _mask(masked, i, j)
    e.plain = rules.pattern("year_mention").sub(" ", masked)
    masked = _subjects(masked, catalog, rules, e)
    rest = _measures_and_operations(text, masked, rules, e)
    e.rest = residue(rest, rules)
    if not e.subjects and not e.ambiguous:
        _fallback(rest, catalog, rules, e)
        return e
    # a long name printed shortened ("其他政府办公厅(室)及相关机构事务" for "…事务支出")
    for piece in e.rest.split():
        if len(piece) >= 6:
            hits = sorted({x for x in catalog.subjects if piece in x})
            if len(hits) == 1 and hits[0] not in [m.subject for m in e.subjects]:
                i = max(text.find(piece), 0)
                e.subjects.append(Match(hits[0], piece, i, i + len(piece), 90.0, "contained"))
    e.subjects.sort(key=lambda m: m.start)
    return e


def _subjects(masked: str, catalog: Catalog, rules: Rules, e: Entities) -> str:
    """Subjects by 科目编码, then exact forms longest first; returns the text with them masked."""
    for m in re.finditer(r"(?<!\d)(\d{3}|\d{5}|\d{7})(?!\d)", masked):
        code = m.group(1)
        if code in catalog.codes:
            e.subjects.append(Match(catalog.codes[code], code, m.start(), m.end(), 100.0, "code"))
            masked = _mask(masked, m.start(), m.end())
    for form, i, j in _scan(masked, catalog.aliases):
        subjects = catalog.aliases[form]
        if len(subjects) == 1:
            e.subjects.append(Match(next(iter(subjects)), form, i, j, 100.0, "exact"))
        else:
            e.ambiguous = sorted(subjects)
        masked = _mask(masked, i, j)
    e.subjects.sort(key=lambda m: m.start)
    # a subject said with its measure ("支出预算", "收入预算总额") asks for that measure
    for m in e.subjects:
        if rules.pattern("budget_word").search(rules.pattern("budget_in_names").sub("", m.surface)):
            if "budget" not in e.measures:
                e.measures.append("budget")
    return masked


def _measures_and_operations(text: str, masked: str, rules: Rules, e: Entities) -> str:
    """Measures and operations in what the subjects leave (一般公共预算… is a name, not 预算);
    returns what none of them explains."""
    measure_words = {w: name for name, m in rules.measures.items() for w in m.words}
    for w, _, _ in _scan(masked, measure_words):
        if measure_words[w] not in e.measures:
            e.measures.append(measure_words[w])
    op_words = {w: name for name, ws in rules.operations.items() for w in ws}
    for w, _, _ in _scan(masked, op_words):
        if op_words[w] not in e.operations:
            e.operations.append(op_words[w])
    # "跟2023年比", "比2024年度增加": a comparison with another year is a change
    if rules.pattern("compare_with_year").search(text) and "change" not in e.operations:
        e.operations.append("change")
    rest = masked
    for w in sorted(list(measure_words) + list(op_words), key=len, reverse=True):
        rest = rest.replace(w, " ")
    return rest


class SoundIndex:
    """Known forms (3+ Chinese characters) by their pinyin syllables, built once per catalog.

    Matching converts the question to pinyin once (one syllable per character) and looks up
    windows of those syllables, never converting a window again: linear in the question's
    length times the longest form, where converting every window was cubic.
    """

    def __init__(self, catalog: Catalog):
        self.by_sound: dict[tuple[str, ...], set[str]] = {}
        for form, subjects in catalog.aliases.items():
            if len(form) >= 3 and re.fullmatch(r"[\u4e00-\u9fff]+", form):
                self.by_sound.setdefault(tuple(syllables(form)), set()).update(subjects)
        self.longest = max((len(k) for k in self.by_sound), default=0)


def syllables(text: str) -> list[str]:
    """One pinyin syllable per character (a character pypinyin cannot read stands for itself)."""
    from pypinyin import lazy_pinyin

    out = lazy_pinyin(text)
    if len(out) == len(text):
        return out
    return [s for ch in text for s in (lazy_pinyin(ch) or [ch])[:1]]


def sound_index(catalog: Catalog) -> SoundIndex:
    idx = getattr(catalog, "_sound_index", None)
    if idx is None:
        idx = SoundIndex(catalog)
        catalog._sound_index = idx  # type: ignore[attr-defined]
    return idx


def _by_sound(pieces: list[str], catalog: Catalog) -> list[tuple[str, str]]:
    """Subjects whose pinyin appears in a piece of the question (forms of 3+ characters).

    The longest window that sounds like a known form wins; the first piece with a match decides.
    """
    index = sound_index(catalog)
    found: dict[str, str] = {}
    for piece in pieces:
        sounds = syllables(piece)
        for n in range(min(len(piece), index.longest), 2, -1):
            for i in range(len(piece) - n + 1):
                for subject in index.by_sound.get(tuple(sounds[i : i + n]), ()):
                    found.setdefault(subject, piece[i : i + n])
            if found:
                return sorted(found.items())
    return sorted(found.items())


def residue(text: str, rules: Rules) -> str:
    """What is left of a text once years, numbers and filler words are gone (longest filler first)."""
    t = rules.pattern("year_or_number").sub(" ", text)
    for w in sorted(rules.word("filler"), key=len, reverse=True):
        t = t.replace(w, " ")
    return re.sub(r"[\s\W_]+", " ", t).strip()


def _fallback(masked: str, catalog: Catalog, rules: Rules, e: Entities) -> None:
    """Partial names (医疗 → several subjects) and typos (三公经废 → 三公经费)."""
    generic = generic_words(rules)
    pieces = [p for p in residue(masked, rules).split() if len(p) >= CONTAINED_MIN and p not in generic]
    if not pieces:
        return
    # contained: the question's word is part of subject names
    for piece in pieces:
        hits = sorted({s for s in catalog.subjects if piece in s})
        if len(hits) == 1:
            e.subjects.append(Match(hits[0], piece, 0, 0, 90.0, "contained"))
            return
        if len(hits) > 1:
            exact = [h for h in hits if h == piece]
            if exact:
                e.subjects.append(Match(exact[0], piece, 0, 0, 95.0, "contained"))
                return
            e.ambiguous = hits[:8]
            return
    # homophones: the same pinyin as a known form (办工费 → 办公费, 政腐采购 → 政府采购)
    sound = _by_sound(pieces, catalog)
    if len(sound) == 1:
        e.subjects.append(Match(sound[0][0], sound[0][1], 0, 0, 96.0, "pinyin"))
        return
    if len(sound) > 1:
        e.ambiguous = sorted({s for s, _ in sound})
        return
    # fuzzy: typos, scored on each residue piece
    scores: dict[str, float] = {}
    for piece in pieces:
        for form, subjects in catalog.aliases.items():
            if abs(len(form) - len(piece)) > 2 or len(form) < 3:
                continue
            s = 0.5 * fuzz.ratio(piece, form) + 0.5 * fuzz.partial_ratio(form, piece)
            for subject in subjects:
                if s > scores.get(subject, 0):
                    scores[subject] = s
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    e.candidates = ranked[:5]
    if not ranked:
        return
    best, score = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    if score >= FUZZY_THRESHOLD and score - runner >= FUZZY_MARGIN:
        e.subjects.append(Match(best, pieces[0], 0, 0, score, "fuzzy"))
    elif score >= FUZZY_THRESHOLD - 10:
        e.ambiguous = [s for s, v in ranked[:4] if v >= score - FUZZY_MARGIN]
