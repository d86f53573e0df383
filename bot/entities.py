"""Stage 3: what the question names — subjects, measures, operations, year, department.

Exact matching first (a scan of every known surface form over the question's characters, longest
first, no overlaps); fuzzy matching (rapidfuzz) only for what is left, and only when the best
candidate clears both a threshold and a margin over the runner-up. Everything considered, with
its score, is kept for ``--explain``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import lru_cache

from rules import Rules, default_rules

from .catalog import Catalog, ReportInfo
from .departments import departments, region_parts

FUZZY_THRESHOLD = 74.0
FUZZY_MARGIN = 6.0
CONTAINED_MIN = 2
SOUND_SCORE = 96.0  # the score of a name read by its sound
SOUND_MIN = 2  # 三功 sounds like 三公: two characters said alike name a subject when nothing else does


@dataclass(frozen=True)
class Match:
    subject: str
    surface: str
    start: int
    end: int
    score: float
    method: str  # exact / code / fuzzy / contained


@dataclass(frozen=True)
class Entities:
    """What one question names, as the entities stage read it. Frozen, with tuples for its lists:
    a later stage (a follow-up, a handler) that reads it otherwise derives a new value with
    ``dataclasses.replace`` and never changes the one it was given. Lists given are kept as tuples."""

    subjects: tuple[Match, ...] = ()
    measures: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    relative_year: str | None = None  # 去年 / 明年 / 今年 …
    reports: tuple[ReportInfo, ...] = ()
    unknown_department: str | None = None
    elsewhere: tuple[ReportInfo, ...] = ()  # same-named departments of other regions
    ambiguous_department: bool = False  # one mention fits several departments: ask which
    department_type: str | None = None  # a kind of department asked about as a group (哪个街道)
    ambiguous: tuple[str, ...] = ()
    candidates: tuple[tuple[str, float], ...] = ()
    rest: str = ""  # what no subject, measure or operation explained
    plain: str = ""  # the question without department names and years (for matching wording)
    # the question with words said alike read as the names they sound like (总置出 → 总支出),
    # at the same positions: what the 说明's grammar reads
    understood: str = ""

    def __post_init__(self) -> None:
        for name in _SEQUENCES:
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))

    def explain(self) -> dict:
        return {
            "subjects": [
                {"subject": m.subject, "surface": m.surface, "score": round(m.score, 1), "method": m.method}
                for m in self.subjects
            ],
            "measures": list(self.measures),
            "operations": list(self.operations),
            "years": list(self.years),
            "relative_year": self.relative_year,
            "reports": [r.label for r in self.reports],
            "unknown_department": self.unknown_department,
            "department_type": self.department_type,
            "ambiguous": list(self.ambiguous),
            "fuzzy_candidates": [(s, round(v, 1)) for s, v in self.candidates[:5]],
            "unexplained": self.rest,
            "thresholds": {"fuzzy": FUZZY_THRESHOLD, "margin": FUZZY_MARGIN},
        }


_SEQUENCES = (
    "subjects",
    "measures",
    "operations",
    "years",
    "reports",
    "elsewhere",
    "ambiguous",
    "candidates",
)


@dataclass
class _Draft:
    """The entities while :func:`recognise` reads them, filled in by its steps in turn; it gives
    the frozen :class:`Entities` once, at the end, and is never seen outside this module."""

    subjects: list[Match] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    relative_year: str | None = None
    reports: list[ReportInfo] = field(default_factory=list)
    unknown_department: str | None = None
    elsewhere: list[ReportInfo] = field(default_factory=list)
    ambiguous_department: bool = False
    department_type: str | None = None
    ambiguous: list[str] = field(default_factory=list)
    candidates: list[tuple[str, float]] = field(default_factory=list)
    rest: str = ""
    plain: str = ""
    understood: str = ""

    def done(self) -> Entities:
        return Entities(**{f.name: getattr(self, f.name) for f in fields(self)})


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


def _region_forms(regions: set[str]) -> set[str]:
    """How a question names a region of the knowledge base: 上海市普陀区, 上海市, 普陀区, 上海, 普陀,
    上海普陀 — words that name where, never what (they are not left over as an unknown subject)."""
    forms: set[str] = set()
    for region in regions:
        parts = region_parts(region)  # the department stage's own reading of a region
        stems = [p[:-1] for p in parts if len(p) >= 3]
        forms |= {region, "".join(stems), *parts, *stems}
    return {f for f in forms if len(f) >= 2}


def _catalog_region_forms(catalog: Catalog) -> list[str]:
    """The region forms of the catalog's reports, longest first, worked out once per catalog."""
    forms = getattr(catalog, "_region_forms", None)
    if forms is None:
        forms = sorted(_region_forms(catalog.regions()), key=len, reverse=True)
        catalog._region_forms = forms  # type: ignore[attr-defined]
    return forms


def _mask(text: str, i: int, j: int) -> str:
    return text[:i] + " " * (j - i) + text[j:]


def recognise(text: str, catalog: Catalog, rules: Rules) -> Entities:
    """Years, departments (→ reports), subjects, measures and operations a question names."""
    e = _Draft()
    for m in re.finditer(r"(?<!\d)(20\d{2})(?!\d)", text):
        e.years.append(int(m.group(1)))
    e.relative_year = next((w for w in rules.word("relative_years") if w in text), None)
    masked = text
    kind = department_type_asked(text, rules)
    # the department's name says nothing about the subject ("…政务服务…" is not 服务, 司法局 is not 司法);
    # a kind of department asked among (哪个街道) names none
    named = departments(_mask(text, kind[1], kind[2]) if kind else text, catalog)
    e.reports, e.unknown_department, e.elsewhere = named.reports, named.unknown, named.elsewhere
    e.ambiguous_department = named.ambiguous
    for i, j in named.spans:
        masked = _mask(masked, i, j)
    if kind is not None:
        _of_type_asked(kind[0], catalog, rules, e)
    for form in _catalog_region_forms(catalog):
        masked = masked.replace(form, " " * len(form))
    masked, alike = _said_alike(masked, catalog, rules)
    e.understood = text
    for a, b in alike:
        e.understood = e.understood[:a] + masked[a:b] + e.understood[b:]
    # the words as understood: a name said alike (总置出) is read as the name it sounds like
    # (总支出) by the 说明's grammar too, so a typo gets the figure the plain word gets
    e.plain = rules.pattern("year_mention").sub(" ", masked)
    named = masked  # departments masked, subjects not yet: what a typo next to a subject is read in
    masked = _subjects(masked, catalog, rules, e)
    for k, m in enumerate(e.subjects):
        if m.method == "exact" and any(i < m.end and m.start < j for i, j in alike):
            e.subjects[k] = Match(m.subject, text[m.start : m.end], m.start, m.end, SOUND_SCORE, "pinyin")
    masked = _reread_typos(named, masked, catalog, rules, e)
    if not e.subjects and not e.ambiguous:
        masked = _said_as_spending(masked, catalog, rules, e)
    rest = _measures_and_operations(text, masked, rules, e)
    if e.department_type and len({r.department for r in e.reports}) == 1:
        # "2023年哪个街道…最多" with one 街道 loaded: its figure, not a ranking inside its report
        e.operations = [o for o in e.operations if o not in ("rank_max", "rank_min")]
    _emphasis_is_not_a_sum(masked, rules, e)
    _budget_named_wins(masked, rules, e)
    e.rest = _without_kind(residue(rest, rules), e.department_type, rules)
    if not e.subjects and not e.ambiguous:
        _fallback(rest, catalog, rules, e)
        return e.done()
    # a long name printed shortened ("其他政府办公厅(室)及相关机构事务" for "…事务支出")
    for piece in e.rest.split():
        if len(piece) >= 6:
            hits = sorted({x for x in catalog.subjects if piece in x})
            if len(hits) == 1 and hits[0] not in [m.subject for m in e.subjects]:
                i = max(text.find(piece), 0)
                e.subjects.append(Match(hits[0], piece, i, i + len(piece), 90.0, "contained"))
    e.subjects.sort(key=lambda m: m.start)
    return e.done()


def _type_words(rules: Rules) -> list[str]:
    """The words a kind of department is said with (街道, 局, 委员会, 委, 镇 …), longest first."""
    words = set(rules.word("department_place_types"))
    for entry in rules.word("department_types"):
        full, _, short = entry.partition(">")
        words |= {w for w in (full, short) if w}
    return sorted(words, key=len, reverse=True)


def department_type_asked(text: str, rules: Rules) -> tuple[str, int, int] | None:
    """A kind of department the question asks among ("哪个街道", "哪些局", "街道里谁…"): the type
    word and where it stands. A type word that goes on as a longer word (哪个部门) is none, and
    "石泉路街道里" names one department, not a group."""
    types = _type_words(rules)
    goes_on = rules.pattern("department_type_goes_on")
    who = list(rules.word("department_type_who"))
    for which in sorted(rules.word("department_type_which"), key=len, reverse=True):
        at = text.find(which)
        while at >= 0:
            i = at + len(which)
            word = next((t for t in types if text.startswith(t, i)), None)
            if word and not goes_on.match(text[i + len(word) :]):
                return word, i, i + len(word)
            at = text.find(which, at + 1)
    start = rules.pattern("department_type_group_start")
    ranks = [w for op in ("rank_max", "rank_min") for w in rules.operations.get(op, [])]
    for among in rules.word("department_type_among"):
        for word in types:
            at = text.find(word + among)
            after = text[at + len(word) :]
            if at >= 0 and start.search(text[:at]) and any(w in after for w in ranks + who):
                return word, at, at + len(word)  # "街道里谁…", "局里…最多"; not "局里的三公经费"
    for word in types:  # "2025年街道三公经费谁最多": the group said first, who asked after it
        at = text.find(word)
        if at >= 0 and start.search(text[:at]) and not goes_on.match(text[at + len(word) :]):
            if any(w in text[at + len(word) :] for w in who):
                return word, at, at + len(word)
    return None


def of_type(name: str, kind: str, rules: Rules) -> bool:
    """Is a department's name one of that kind? Its last word is the type word, or a longer form
    of it (街道办事处 is a 街道), or a government's suffix stands after it (潭城镇人民政府 is a 镇)."""
    if name.endswith(kind):
        return True
    for entry in rules.word("department_types"):
        full, _, short = entry.partition(">")
        if name.endswith(full) and len(name) > len(full):
            if short == kind or (">" in entry and not short and of_type(name[: -len(full)], kind, rules)):
                return True
    return False


def _without_kind(rest: str, kind: str | None, rules: Rules) -> str:
    """What the question leaves unexplained, without the kind of department it asks among
    ("哪个局" explains itself: it says where to look, not what)."""
    if not kind:
        return rest
    forms = [w + kind for w in rules.word("department_type_which")]
    forms += [kind + w for w in rules.word("department_type_among")] + [kind]
    for form in sorted(forms, key=len, reverse=True):
        rest = rest.replace(form, " ")
    return " ".join(rest.split())


def _of_type_asked(kind: str, catalog: Catalog, rules: Rules, e: _Draft) -> None:
    """The reports of the kind asked among become the reports the question names (a department
    named as well keeps its own); none of that kind is a department the knowledge base lacks."""
    e.department_type = kind
    if e.reports or e.unknown_department:
        return
    e.reports = [r for r in catalog.reports if of_type(r.department, kind, rules)]
    if e.years:  # "2014年哪个街道": the kind in the year asked, or none of it that year
        e.reports = [r for r in e.reports if r.year in e.years]
    if not e.reports:
        years = rules.templates["name_separator"].join(str(y) for y in sorted(set(e.years)))
        e.unknown_department = (years + rules.one("year_suffix") if years else "") + kind


def _subjects(masked: str, catalog: Catalog, rules: Rules, e: _Draft) -> str:
    """Subjects by 科目编码, then exact forms longest first; returns the text with them masked."""
    for m in re.finditer(r"(?<!\d)(\d{3}|\d{5}|\d{7})(?!\d)", masked):
        code = m.group(1)
        if code in catalog.codes:
            e.subjects.append(Match(catalog.codes[code], code, m.start(), m.end(), 100.0, "code"))
            masked = _mask(masked, m.start(), m.end())
    # "2014年度支出总计": the 年度 is the year's, so 年度支出 (a name of 本年支出合计) never
    # starts inside it and takes the 支出 of the 支出总计 asked
    scanned = masked
    for y in rules.pattern("year_with_du").finditer(masked):
        scanned = _mask(scanned, y.start(), y.end())
    for form, i, j in _scan(scanned, catalog.aliases):
        subjects = catalog.aliases[form]
        if (
            len(form) <= YEAR_SHARED_MAX
            and form[0] == rules.one("year_suffix")
            and masked[max(0, i - 4) : i].isdigit()
        ):
            continue  # "2024年金贴": the 年 is the year's, not 年金's
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


def _measures_and_operations(text: str, masked: str, rules: Rules, e: _Draft) -> str:
    """Measures and operations in what the subjects leave (一般公共预算… is a name, not 预算);
    returns what none of them explains."""
    measure_words = {w: name for name, m in rules.measures.items() for w in m.words}
    masked, kept = _hold_false_friends(masked, rules)
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
    for word in kept:
        rest = rest.replace(HELD * len(word), word, 1)
    return rest


HELD = "\x00"  # stands for a held word's characters while measures and operations are read


def _hold_false_friends(masked: str, rules: Rules) -> tuple[str, list[str]]:
    """Words that hold an operation's or measure's word without meaning it (占用 holds 占, as in
    国有资产占用情况) are held out of the scan, so 占用 asks no share; they stay in the rest."""
    kept = []
    for word in sorted(rules.word("operation_false_friends"), key=len, reverse=True):
        while word in masked:
            masked = masked.replace(word, HELD * len(word), 1)
            kept.append(word)
    return masked, kept


def _said_alike(text: str, catalog: Catalog, rules: Rules) -> tuple[str, list[tuple[int, int]]]:
    """Words said like a known name but written otherwise become that name (公务拥车 → 公务用车,
    体预 → 体育, 购职 → 购置), so the whole name around them is read exactly ("文化体预与传媒支出"
    is 文化体育与传媒支出, not 体育). The longest sound-alike window wins; positions do not move
    (one syllable per character). Characters of a known name change only when the new reading
    leaves fewer characters unexplained (公基金预算 → 公积金 + 预算, while 公积金预算 stays)."""
    index = sound_index(catalog)
    kept = [False] * len(text)
    for _form, i, j in _scan(text, catalog.aliases):
        for k in range(i, j):
            kept[k] = True
    chars = list(text)
    changed: list[tuple[int, int]] = []
    for run in re.finditer(r"[\u4e00-\u9fff]{%d,}" % SOUND_MIN, text):  # noqa: UP031
        start, piece = run.start(), run.group(0)
        sounds = syllables(piece)
        for n in range(min(len(piece), index.longest), SOUND_MIN - 1, -1):
            for i in range(len(piece) - n + 1):
                a, b = start + i, start + i + n
                if all(kept[a:b]):
                    continue
                forms = index.forms_by_sound.get(tuple(sounds[i : i + n]), ())
                if len(forms) != 1:
                    continue
                form = next(iter(forms))
                if form == "".join(chars[a:b]) or not _better_reading(
                    chars, a, b, form, kept, catalog, rules
                ):
                    continue
                chars[a:b] = list(form)
                changed.append((a, b))
                for k in range(a, b):
                    kept[k] = True
    return "".join(chars), changed


def _better_reading(
    chars: list[str], a: int, b: int, form: str, kept: list[bool], catalog: Catalog, rules: Rules
) -> bool:
    """May the window [a, b) become ``form``? Yes when it changes no character of a known name;
    else only when the run around it has fewer characters no word explains afterwards."""
    if all(form[k - a] == chars[k] for k in range(a, b) if kept[k]):
        return True
    lo, hi = a, b
    while lo > 0 and kept[lo - 1]:
        lo -= 1
    while hi < len(chars) and kept[hi]:
        hi += 1
    before = "".join(chars[lo:hi])
    after = before[: a - lo] + form + before[b - lo :]
    return _unexplained_count(after, catalog, rules) < _unexplained_count(before, catalog, rules)


def _unexplained_count(text: str, catalog: Catalog, rules: Rules) -> int:
    """Characters of a text that no known name, measure or operation word covers."""
    words = dict.fromkeys(catalog.aliases, 0)
    for ms in rules.measures.values():
        words.update(dict.fromkeys(ms.words, 0))
    for ws in rules.operations.values():
        words.update(dict.fromkeys(ws, 0))
    covered = sum(j - i for _w, i, j in _scan(text, words))
    return len(text) - covered


def _said_as_spending(masked: str, catalog: Catalog, rules: Rules, e: _Draft) -> str:
    """A subject said by what is spent on it ("办公开支", "人员开支", "培训费用", "开会的钱"): the
    stem with each ending a report gives such names (费, 经费, 支出 …), when exactly one is known."""
    for m in rules.pattern("said_as_spending").finditer(masked):
        stem = m.group(1)
        for cut in range(len(stem) - 1):
            part = stem[cut:]
            found = {s for end in rules.word("subject_endings") for s in catalog.aliases.get(part + end, ())}
            if len(found) == 1:
                e.subjects.append(Match(found.pop(), m.group(0), m.start(), m.end(), 90.0, "contained"))
                return _mask(masked, m.start(), m.end())
            if len(found) > 1:
                e.ambiguous = sorted(found)
                return masked
    return masked


def _budget_named_wins(masked: str, rules: Rules, e: _Draft) -> None:
    """预算 named beside a word of spending ("三公花费预算", "开支预算数") asks for the budget: the
    spending word says what the subject is, not which column. 决算/实际 named with 预算 stays both
    (a comparison of the two)."""
    if not {"actual", "budget"} <= set(e.measures):
        return
    actual_words = [w for w in rules.measures["actual"].words if w in masked]
    spending = set(rules.word("spending_words"))
    if actual_words and all(w in spending or any(w in s for s in spending) for w in actual_words):
        e.measures.remove("actual")


def _emphasis_is_not_a_sum(masked: str, rules: Rules, e: _Draft) -> None:
    """一共/总共/合计 with one thing asked is emphasis ("群众体育总共多少"), not a sum.

    A sum needs parts joined in the question (和/与/、/加, with the subjects and department names
    masked, so "社会保障和就业支出" joins nothing) or both of the last answer's parts ("两个一共");
    two names side by side with nothing between them are one compound name
    ("一般公共预算财政拨款基本支出一共多少" is 基本支出, not 672.13 + 119.54).
    """
    if "sum" not in e.operations:
        return
    sum_words = [w for w in rules.operations.get("sum", []) if w in masked]
    if not sum_words or any(w not in rules.word("sum_emphasis_words") for w in sum_words):
        return
    if rules.pattern("joins_parts").search(masked) or rules.pattern("pair_words").search(masked):
        return
    if rules.pattern("several_departments").search(masked):
        return  # "四个决算部门…合计": the parts are departments
    e.operations.remove("sum")


TYPO_CONTEXT = 20  # characters either side of an exact name that the rest of a longer name may lie in
_BESIDE_LEFT = re.compile(r"[\u4e00-\u9fff]{1,%d}$" % TYPO_CONTEXT)  # noqa: UP031
_BESIDE_RIGHT = re.compile(r"[\u4e00-\u9fff]{1,%d}" % TYPO_CONTEXT)  # noqa: UP031
YEAR_SHARED_MAX = 2  # a name this short starting with 年 never shares the 年 of a year before it


def _beside(named: str, m: Match, others: list[Match]) -> tuple[str, str]:
    """The Chinese characters touching an exact name on its left and on its right, never reaching
    into another subject's name (一般公共预算财政拨款|基本支出 are two names, not a typo)."""
    text = list(named)
    for o in others:
        for k in range(o.start, min(o.end, len(text))):
            text[k] = " "
    flat = "".join(text)
    left = _BESIDE_LEFT.search(flat[: m.start])
    right = _BESIDE_RIGHT.match(flat[m.end :])
    return (left.group(0) if left else ""), (right.group(0) if right else "")


def _spelled_like(added: str, part: str) -> bool:
    """Do the characters beside an exact name spell what a longer name has there, with one typo?
    Nothing for nothing; said alike (奖励今 → 奖励金); for 3+ characters, one character off
    (一般公攻预算 → 一般公共预算)."""
    if not part:
        return not added
    if not added:
        return False
    if syllables(added) == syllables(part):
        return True
    from rapidfuzz.distance import Levenshtein  # imported where used: most questions never get here

    return len(part) >= 3 and Levenshtein.distance(added, part) <= 1


def _longer_names(m: Match, catalog: Catalog) -> list[tuple[str, int]]:
    """Names of other subjects that contain an exact name, with where they contain it."""
    out = []
    for form, subjects in catalog.aliases.items():
        if m.subject in subjects or len(form) <= len(m.surface):
            continue
        at = form.find(m.surface)
        while at >= 0:
            out.append((form, at))
            at = form.find(m.surface, at + 1)
    return out


def _typo_reading(
    named: str, m: Match, others: list[Match], catalog: Catalog
) -> tuple[list[str], str, int, int]:
    """The subjects an exact name plus a typo beside it may be ("一般公攻预算财政拨款收入" is
    一般公共预算财政拨款收入, not 财政拨款收入): a longer name holding the exact one whose rest the
    characters beside it spell with one typo on each side. Several such names: all are returned
    (the question is asked back); a name that goes on another way ("年对个人…" is not 其他对个人…)
    is none."""
    left, right = _beside(named, m, others)
    if not (left or right):
        return [], "", 0, 0
    found: dict[str, tuple[int, str, int, int]] = {}
    for form, at in _longer_names(m, catalog):
        before, after = form[:at], form[at + len(m.surface) :]
        for kl in {k for k in (len(before) - 1, len(before), len(before) + 1) if 0 <= k <= len(left)}:
            added_l = left[len(left) - kl :] if kl else ""
            if not _spelled_like(added_l, before):
                continue
            for kr in {k for k in (len(after) - 1, len(after), len(after) + 1) if 0 <= k <= len(right)}:
                if _spelled_like(right[:kr], after):
                    ext = added_l + m.surface + right[:kr]
                    for subject in catalog.aliases[form]:
                        found[subject] = max(
                            found.get(subject, (0, "", 0, 0)), (len(ext), ext, m.start - kl, m.end + kr)
                        )
    if not found:
        return [], "", 0, 0
    best = max(found.values())
    return sorted(found), best[1], best[2], best[3]


def _part_of_unknown_name(
    named: str, m: Match, others: list[Match], catalog: Catalog, rules: Rules
) -> list[str]:
    """An exact name inside words the question does not explain ("对民间非营历组织…补贴",
    "文化体育与传媒支出" around 补贴, 体育) is part of a longer name not understood: the subjects
    whose names hold it, to ask back with. Words beside it that carry no subject (filler,
    measures, operations, numbers) explain themselves."""
    left, right = _beside(named, m, others)
    explained = (
        list(rules.word("filler"))
        + [w for ms in rules.measures.values() for w in ms.words]
        + [w for ws in rules.operations.values() for w in ws]
        + list(rules.word("generic_subject_words"))
    )
    for w in sorted(explained, key=len, reverse=True):
        left, right = left.replace(w, " "), right.replace(w, " ")
    left = rules.pattern("year_or_number").sub(" ", left)
    touching = left.split(" ")[-1] if not left.endswith(" ") else ""
    touching_r = right.split(" ")[0] if not right.startswith(" ") else ""
    if len(touching) < 2 and len(touching_r) < 2:
        return []
    own = [f for f, subjects in catalog.aliases.items() if m.subject in subjects]
    goes_on = [w for w in (touching[-2:] + m.surface if len(touching) >= 2 else "",
                           m.surface + touching_r[:2] if len(touching_r) >= 2 else "") if w]
    if any(w in f for w in goes_on for f in own):
        return []  # "养老保险缴费": the words beside it go on with this subject's own name
    out = set()
    longer = [(form, at, catalog.aliases[form]) for form, at in _longer_names(m, catalog)]
    longer += _longer_stated_names(m)
    for form, at, subjects in longer:
        before, after = form[:at], form[at + len(m.surface) :]
        # the words beside it must look like the rest of that name ("给人发" is not 其他…)
        if (len(touching) >= 2 and set(before) & set(touching)) or (
            len(touching_r) >= 2 and set(after) & set(touching_r)
        ):
            out.update(subjects)
    return sorted(out)


@lru_cache(maxsize=1)
def _stated_phrases() -> dict[str, str]:
    """The 说明 grammar's phrases and the subject each names (rules/zh/stated.yaml): names a
    narrative-only report states figures under, though no table of it prints them."""
    from knowledge.stated import load_vocabulary

    return dict(load_vocabulary().phrase_subject)


def _longer_stated_names(m: Match) -> list[tuple[str, int, set[str]]]:
    """Stated phrases of other subjects that hold an exact name ("政府性基金至出": 政府性基金支出
    holds 政府性基金), with where they hold it."""
    out = []
    for phrase, subject in _stated_phrases().items():
        if subject == m.subject or len(phrase) <= len(m.surface):
            continue
        at = phrase.find(m.surface)
        if at >= 0:
            out.append((phrase, at, {subject}))
    return out


def _reread_typos(named: str, masked: str, catalog: Catalog, rules: Rules, e: _Draft) -> str:
    """An exact name with a typo beside it names the longer subject the typo spells, or asks back
    when several are as close or when it sits inside a longer name not understood; a shorter
    subject's figure is never the answer to a longer name."""
    for m in list(e.subjects):
        if m.method != "exact":
            continue
        others = [o for o in e.subjects if o is not m]
        close, ext, i, j = _typo_reading(named, m, others, catalog)
        if not close:
            longer = _part_of_unknown_name(named, m, others, catalog, rules)
            if longer:
                e.subjects.remove(m)
                e.ambiguous = [m.subject, *longer][:8]
            continue
        e.subjects.remove(m)
        if len(close) == 1:
            e.subjects.append(Match(close[0], ext, i, j, 90.0, "typo"))
        else:
            e.ambiguous = close[:8]
        masked = _mask(masked, i, j)
    e.subjects.sort(key=lambda x: x.start)
    return masked


class SoundIndex:
    """Known forms (3+ Chinese characters) by their pinyin syllables, built once per catalog.

    Matching converts the question to pinyin once (one syllable per character) and looks up
    windows of those syllables, never converting a window again: linear in the question's
    length times the longest form, where converting every window was cubic.
    """

    def __init__(self, catalog: Catalog):
        from knowledge.pinyin import kept_readings

        self.by_sound: dict[tuple[str, ...], set[str]] = {}
        self.forms_by_sound: dict[tuple[str, ...], set[str]] = {}
        forms = [f for f in catalog.aliases if len(f) >= SOUND_MIN and re.fullmatch(r"[\u4e00-\u9fff]+", f)]
        # the same forms start after start: their readings are kept between processes
        sounds = kept_readings(forms, _syllables, "bot.entities._syllables v1")
        for form, subjects in catalog.aliases.items():
            if form in sounds:
                sound = sounds[form]
                self.by_sound.setdefault(sound, set()).update(subjects)
                self.forms_by_sound.setdefault(sound, set()).add(form)
        self.longest = max((len(k) for k in self.by_sound), default=0)


def syllables(text: str) -> list[str]:
    """One pinyin syllable per character (a character pypinyin cannot read stands for itself)."""
    return list(_syllables(text))


@lru_cache(maxsize=1 << 14)
def _syllables(text: str) -> tuple[str, ...]:
    """Cached by text: a question's pieces are read by sound several times over."""
    from knowledge.pinyin import lazy_pinyin  # pypinyin's readings, its dictionaries read as needed

    out = lazy_pinyin(text)
    if len(out) == len(text):
        return tuple(out)
    return tuple(s for ch in text for s in (lazy_pinyin(ch) or [ch])[:1])


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
        for n in range(min(len(piece), index.longest), SOUND_MIN - 1, -1):
            for i in range(len(piece) - n + 1):
                for subject in index.by_sound.get(tuple(sounds[i : i + n]), ()):
                    found.setdefault(subject, piece[i : i + n])
            if found:
                return sorted(found.items())
    return sorted(found.items())


def residue(text: str, rules: Rules) -> str:
    """What is left of a text once years, numbers and filler words are gone (longest filler first)."""
    t = rules.pattern("year_or_number").sub(" ", text)
    for w in rules.word("residue_keep"):  # said alike (功有 for 共有) is the same word
        t = _replace_said_alike(t, w)
    kept = [w for w in rules.word("residue_keep") if w in t]  # 共有 is a word, not 共 + 有
    for k, w in enumerate(kept):
        t = t.replace(w, f"\x00{k}\x00")
    for w in sorted(rules.word("filler"), key=len, reverse=True):
        t = t.replace(w, " ")
    for k, w in enumerate(kept):
        t = t.replace(f"\x00{k}\x00", w)
    return re.sub(r"[\s\W_]+", " ", t).strip()


def _one_typo_off(pieces: list[str], subject: str, catalog: Catalog) -> bool:
    """Is some piece of the question one of the subject's names with at most one character in
    four changed? A fuzzy score alone lets 缴款收入 read as 财政拨款收入 (another subject's figure)."""
    from rapidfuzz.distance import Levenshtein

    forms = [f for f, subjects in catalog.aliases.items() if subject in subjects and len(f) >= 3]
    for piece in pieces:
        for form in forms:
            allowed = max(1, len(form) // 4)
            for n in range(max(1, len(form) - 1), len(form) + 2):
                for i in range(0, max(1, len(piece) - n + 1)):
                    if Levenshtein.distance(piece[i : i + n], form) <= allowed:
                        return True
    return False


def _replace_said_alike(text: str, word: str) -> str:
    """Every run of characters said like ``word`` becomes ``word``."""
    if word in text or len(text) < len(word):
        return text
    target, n = syllables(word), len(word)
    chars = list(text)
    sounds = syllables(text)
    if len(sounds) != len(text):
        return text
    for i in range(len(text) - n + 1):
        if sounds[i : i + n] == target:
            chars[i : i + n] = list(word)
    return "".join(chars)


def _fallback(masked: str, catalog: Catalog, rules: Rules, e: _Draft) -> None:
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
    # fuzzy: typos, scored on each residue piece (rapidfuzz imported here: most questions never get here)
    from rapidfuzz import fuzz

    scores: dict[str, float] = {}
    where: dict[str, str] = {}  # the piece each subject scored best on
    for piece in pieces:
        for form, subjects in catalog.aliases.items():
            if abs(len(form) - len(piece)) > 2 or len(form) < 3:
                continue
            s = 0.5 * fuzz.ratio(piece, form) + 0.5 * fuzz.partial_ratio(form, piece)
            for subject in subjects:
                if s > scores.get(subject, 0):
                    scores[subject] = s
                    where[subject] = piece
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    e.candidates = ranked[:5]
    if not ranked:
        return
    best, score = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    # every other piece of the question explained: "浮属 缴款收入" is not 拨款收入 with 浮属 left over
    alone = all(p == where[best] for p in pieces)
    if (
        score >= FUZZY_THRESHOLD
        and score - runner >= FUZZY_MARGIN
        and alone
        and _one_typo_off([where[best]], best, catalog)
    ):
        e.subjects.append(Match(best, where[best], 0, 0, score, "fuzzy"))
    elif score >= FUZZY_THRESHOLD - 10:
        e.ambiguous = [s for s, v in ranked[:4] if v >= score - FUZZY_MARGIN]
