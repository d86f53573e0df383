"""Which departments a question names, and in which region.

A department is its own name (生态环境局) inside a region (上海市普陀区, kept apart in
``reports.region``). A question that names a region or a level (黄浦区生态环境局, 市财政局) is
about the department *there*: when the knowledge base holds a same-named department only
elsewhere, that is a decline naming what is loaded — answering with 普陀区's figure would be a wrong
figure. Abbreviations are derived from the name's structure (see ``department_types`` in
rules/zh/words.yaml) rather than listed by hand; the irregular ones stay in departments.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rules import Rules, default_rules

from .catalog import Catalog, ReportInfo, core_name


def _rules(catalog: Catalog) -> Rules:
    return catalog.rules or default_rules()


@dataclass(frozen=True)
class Shape:
    """A department name cut for abbreviating: the stem's words (with the part each belongs to)
    and the forms its type word may take (生态环境局: 生态/环境, {局})."""

    words: tuple[tuple[str, int], ...]
    types: tuple[str, ...]


def _types(rules: Rules) -> tuple[tuple[str, str], ...]:
    out = []
    for entry in rules.word("department_types"):
        full, _, short = entry.partition(">")
        out.append((full, short if ">" in entry else full))
    return tuple(out)


def _words(part: str, size: int) -> list[str]:
    """A stem part in words: a run of digits is one word, the rest ``size`` characters at a time."""
    out: list[str] = []
    for chunk in re.findall(r"\d+|\D+", part):
        if chunk.isdigit():
            out.append(chunk)
        else:
            out += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    return out


def shapes(core: str, rules: Rules) -> tuple[Shape, ...]:
    """Every way the name reads as <stem><type> (宜川路街道办事处: 宜川路+街道办事处, 宜川路街道+办事处 …)."""
    size = int(rules.one("department_word_size"))
    joiners = "|".join(re.escape(j) for j in rules.word("department_joiners"))
    found: dict[str, set[str]] = {}
    for full, short in _types(rules):
        if core.endswith(full) and len(core) > len(full):
            found.setdefault(core[: -len(full)], set()).update({full, short})
    out = []
    for stem, forms in found.items():
        parts = [p for p in re.split(joiners, stem) if p]
        words = tuple((w, n) for n, p in enumerate(parts) for w in _words(p, size))
        out.append(Shape(words, tuple(sorted(forms, key=len, reverse=True))))
    return tuple(out)


def _fits(name: str, words: tuple[tuple[str, int], ...]) -> bool:
    """Does ``name`` keep of each word all, its first character or nothing — at least one
    character of every part and of the first word?"""
    memo: dict[tuple[int, int, bool], bool] = {}

    def go(i: int, k: int, got: bool) -> bool:
        if k == len(words):
            return i == len(name) and got
        key = (i, k, got)
        if key in memo:
            return memo[key]
        word, part = words[k]
        new_part = k == 0 or words[k - 1][1] != part
        ok = False
        if not (new_part and k > 0 and not got):
            got_here = False if new_part else got
            ok = (
                (name.startswith(word, i) and go(i + len(word), k + 1, True))
                or (len(word) > 1 and name.startswith(word[0], i) and go(i + 1, k + 1, True))
                or (k > 0 and go(i, k + 1, got_here))
            )
        memo[key] = ok
        return ok

    return go(0, 0, False)


def abbreviates(name: str, shaped: tuple[Shape, ...]) -> bool:
    """Is ``name`` an abbreviation of the department cut into ``shaped`` (发改委 of 发展和改革委员会)?"""
    if len(name) < 3:
        return False
    for shape in shaped:
        for form in shape.types:
            if name.endswith(form) and len(name) > len(form):
                if _fits(name[: len(name) - len(form)], shape.words):
                    return True
    return False


@lru_cache(maxsize=4096)
def region_parts(region: str | None) -> tuple[str, ...]:
    """上海市普陀区 → (上海市, 普陀区); a region that does not read as parts stays whole."""
    if not region:
        return ()
    parts = tuple(default_rules().pattern("region_part").findall(region))
    return parts if "".join(parts) == region else (region,)


class DepartmentIndex:
    """Per-catalog lookups, so naming a department costs the same with 1 or 10 000 reports."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.rules = _rules(catalog)
        self.by_alias: dict[str, list[ReportInfo]] = {}
        self.db = catalog.db  # set: aliases are looked up in catalog_aliases, question by question
        if self.db is None:
            for r in catalog.reports:
                for a in r.aliases:
                    if len(a) >= 3:
                        self.by_alias.setdefault(a, []).append(r)
        self.rule_forms = {
            form: core
            for core, others in self.rules.department_aliases.items()
            for form in others
            if len(form) >= 3
        }
        self._rule_reports: dict[str, list[ReportInfo]] = {}
        self.regions = catalog.regions()
        known = set(self.rules.word("known_regions"))
        for region in self.regions:
            known |= set(region_parts(region))
        self.known_regions = sorted(known, key=len, reverse=True)
        self.known_set = frozenset(known)
        self.known_longest = max((len(k) for k in known), default=0)
        # reports grouped by department (read when an abbreviation is asked, not at start); a
        # department's own name and regions are worked out when a question needs them
        self._keys: dict[tuple[str, str | None], list[ReportInfo]] | None = None
        self._owns: dict[tuple[str, str | None], tuple[tuple[str, ...], str]] = {}
        self._by_char: dict[str, set[tuple[str, str | None]]] | None = None
        self.same_region: dict[str, set[str]] = {}
        for pair in self.rules.word("region_equivalents"):
            names = set(pair.split("="))
            for n in names:
                self.same_region.setdefault(n, set()).update(names)
        self._places: dict[str, bool] = {}
        self._shaped: dict[str, tuple[Shape, ...]] = {}

    @property
    def keys(self) -> dict[tuple[str, str | None], list[ReportInfo]]:
        """Every report grouped by (department, region): read on the first question that needs
        all departments (an abbreviation to resolve), never for one that names its department."""
        if self._keys is None:
            keys: dict[tuple[str, str | None], list[ReportInfo]] = {}
            for r in self.catalog.reports:
                keys.setdefault((r.department, r.region), []).append(r)
            self._keys = keys
        return self._keys

    def core(self, key: tuple[str, str | None]) -> str:
        """The department's own name (生态环境局 of 上海市普陀区生态环境局)."""
        return self._own_of(key)[1]

    def own(self, key: tuple[str, str | None]) -> tuple[str, ...]:
        """The regions the department is in, outermost first (上海市, 普陀区)."""
        return self._own_of(key)[0]

    def _own_of(self, key: tuple[str, str | None]) -> tuple[tuple[str, ...], str]:
        if key not in self._owns:
            self._owns[key] = self._own(*key)
        return self._owns[key]

    def by_char(self) -> dict[str, set[tuple[str, str | None]]]:
        """Departments by the characters of their names (built on the first abbreviation asked)."""
        if self._by_char is None:
            by_char: dict[str, set[tuple[str, str | None]]] = {}
            for key in self.keys:
                for ch in set(key[0]) | set(self.core(key)):
                    by_char.setdefault(ch, set()).add(key)
            self._by_char = by_char
        return self._by_char

    def _region_prefix(self, name: str) -> str | None:
        """The longest known region the name starts with (leaving at least two characters)."""
        for n in range(min(self.known_longest, len(name) - 2), 1, -1):
            if name[:n] in self.known_set:
                return name[:n]
        return None

    def _own(self, department: str, region: str | None) -> tuple[tuple[str, ...], str]:
        """A department's regions and its own name. The regions its name starts with are its own
        (上海市普陀区发展和改革委员会 stored as another region's report is still Putuo's); a name
        without them is in the report's region."""
        name = department
        for prefix in self.rules.word("party_prefixes"):
            name = name[len(prefix) :] if name.startswith(prefix) else name
        lead: list[str] = []
        while part := self._region_prefix(name):
            lead.append(part)
            name = name[len(part) :]
        core = core_name(department, region)
        if lead:
            core = self.rules.pattern("department_core_prefix").sub("", name) or core
            return tuple(lead), core
        return tuple(p for p in region_parts(region) if p not in core), core

    def _shapes(self, core: str) -> tuple[Shape, ...]:
        if core not in self._shaped:
            self._shaped[core] = shapes(core, self.rules)
        return self._shaped[core]

    def place_known(self, place: str) -> bool:
        if place not in self._places:
            self._places[place] = self.catalog.place_known(place)
        return self._places[place]

    def alias_reports(self, text: str) -> dict[str, list[ReportInfo]]:
        """Aliases (3+ characters) that may occur in the text → the reports they name, in report
        order: the in-memory dictionary, or one indexed query over the text's substrings
        (knowledge.catalog.departments_named) plus the rulebook's other names."""
        if self.db is None:
            return self.by_alias
        from knowledge.catalog import departments_named

        found: dict[str, set[int]] = {}
        for alias, _, rid in departments_named(self.db, text):
            found.setdefault(alias, set()).add(rid)
        # 县政协 / 平潭政协: a two-character name (the stored aliases hold 政协, too short to look up
        # alone) said with its region, the region's stem or its level, as the in-memory aliases
        # have it (catalog._dept_aliases: a short name is said with its level)
        for alias, _, rid in departments_named(self.db, text, min_len=2):
            if len(alias) != 2:
                continue
            region = next((r.region for r in self.catalog.reports_by_id({rid})), None) or ""
            leads = {region, region[-1:], region[:-1] if len(region) > 2 else ""} - {""}
            at = text.find(alias)
            while at >= 0:
                for lead in leads:
                    if text[:at].endswith(lead):
                        found.setdefault(lead + alias, set()).add(rid)
                if self.rules.pattern("department_lead").sub("", text[:at]) == "":
                    found.setdefault(alias, set()).add(rid)  # "政协2015年…": the question opens with it
                at = text.find(alias, at + 1)
        for form, core in self.rule_forms.items():
            if form in text:
                if form not in self._rule_reports:
                    self._rule_reports[form] = self.catalog.reports_naming(core)
                found.setdefault(form, set()).update(r.id for r in self._rule_reports[form])
        return {a: self.catalog.reports_by_id(ids) for a, ids in found.items()}

    def aliases_in(
        self, text: str, present: dict[str, list[ReportInfo]] | None = None
    ) -> list[tuple[str, int]]:
        """Known aliases in the text, longest first; a number (12345) only as a whole number."""
        present = self.alias_reports(text) if present is None else present
        maxlen = max((len(a) for a in present), default=0)
        found = []
        for i in range(len(text)):
            for j in range(min(len(text), i + maxlen), i + 1, -1):
                a = text[i:j]
                if len(a) == 2 and self.rules.pattern("department_lead").sub("", text[:i]):
                    continue  # a two-character name only where the question opens with it
                if a in present:
                    if a.isdigit() and (
                        (i > 0 and text[i - 1].isdigit()) or (j < len(text) and text[j].isdigit())
                    ):
                        continue
                    found.append((a, i))
                    break
        return sorted(found, key=lambda x: -len(x[0]))

    def named_by(self, name: str) -> list[ReportInfo]:
        """Reports whose department the name is part of or an abbreviation of."""
        keys: set | None = None
        by_char = self.by_char()
        for ch in set(name):
            keys = by_char.get(ch, set()) if keys is None else keys & by_char.get(ch, set())
            if not keys:
                return []
        out: list[ReportInfo] = []
        for key in keys or ():
            core, reports = self.core(key), self.keys[key]
            if name in key[0] or name in core or abbreviates(name, self._shapes(core)):
                out += reports
        return sorted(out, key=lambda r: r.id)

    def regions_before(self, text: str) -> tuple[list[str], str | None]:
        """The regions said right before a department (上海市普陀区 → [上海市, 普陀区]) and a
        level said alone (市财政局 → 市)."""
        rest = self.rules.pattern("department_region_glue").sub("", text)
        found: list[str] = []
        while rest:
            part = next((k for k in self.known_regions if rest.endswith(k)), None) or _generic_region(
                rest, self.rules
            )
            if not part:
                break
            found.insert(0, part)
            rest = rest[: -len(part)]
        if found:
            return found, None
        m = self.rules.pattern("department_level_before").search(rest)
        return [], (m.group(1) if m else None)

    def in_place(self, r: ReportInfo, said: list[str], level: str | None) -> bool:
        """Is the report's department in the regions (or at the level) the question says?

        Every region said must be the report's (or in its department's name), and the last one
        said must be the innermost of the report's: 上海市生态环境局 is not 普陀区's."""
        own = list(self.own((r.department, r.region)))
        if said:
            if not all(self._region_of(s, own) or s in r.department for s in said):
                return False
            if own:
                return self._region_of(said[-1], own[-1:])
            return said[-1] in r.department
        if level:
            innermost = own[-1] if own else ""
            return innermost.endswith(level) or (r.level or "").startswith(level)
        return True

    def _region_of(self, said: str, own: list[str]) -> bool:
        names = self.same_region.get(said, {said})
        return any(n in own for n in names)


def _generic_region(text: str, rules: Rules) -> str | None:
    """A region's name at the end of the text by its form: two (or three) characters and X省/X市/X区…"""
    for suffix in rules.word("region_suffixes"):
        if not text.endswith(suffix):
            continue
        for n in (2, 3):
            head = text[-(n + len(suffix)) : -len(suffix)]
            if len(head) == n and re.fullmatch(r"[\u4e00-\u9fff]+", head):
                if any(head.endswith(w) for w in rules.word("filler") if len(w) >= 2):
                    continue  # "想问一下县政协": 一下 is the filler's, not a place called 一下县
                if not rules.pattern("department_function_words").match(head):
                    return text[-(n + len(suffix)) :]
    return None


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


@dataclass
class Named:
    """What the department stage found: the reports, an unknown department, the spans, and the
    same-named departments loaded elsewhere when the one asked about is not."""

    reports: list[ReportInfo] = field(default_factory=list)
    unknown: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    elsewhere: list[ReportInfo] = field(default_factory=list)
    ambiguous: bool = False  # one mention fits several departments (生态局: 生态环境局, 生态文明建设局)


def _placed(
    idx: DepartmentIndex, text: str, start: int, end: int, found: list[ReportInfo], named: Named
) -> list:
    """The reports of a mention (text[start:end]) that are in the region the question says. When
    none is, the mention names a department the knowledge base does not hold: remembered, with
    the same-named departments loaded elsewhere."""
    out, asked = [], ""
    for r in found:
        core = idx.core((r.department, r.region))
        lead = text[start:end]
        lead = lead[: lead.find(core)] if core in lead else ""
        said, level = idx.regions_before(text[:start] + lead)
        if idx.in_place(r, said, level):
            out.append(r)
        else:
            asked = asked or ("".join(said) or (level or "")) + text[start + len(lead) : end]
    if len({(r.department, r.region) for r in out}) > 1:
        named.ambiguous = True
    if found and not out:
        named.elsewhere += [r for r in found if r not in named.elsewhere]
        named.unknown = named.unknown or asked
    return out


def _by_alias(idx: DepartmentIndex, text: str, named: Named) -> list[ReportInfo]:
    """The reports of the known names in the text, longest first, each character read once; their
    spans go to ``named.spans`` (a later mention inside one is not another department)."""
    hits: list[ReportInfo] = []
    taken = [False] * len(text)
    present = idx.alias_reports(text)
    for a, i in idx.aliases_in(text, present):
        if any(taken[i : i + len(a)]):
            continue
        for k in range(i, i + len(a)):
            taken[k] = True
        hits += [r for r in _placed(idx, text, i, i + len(a), present[a], named) if r not in hits]
        end = _with_government(idx, text, a, i + len(a))
        for k in range(i, end):
            taken[k] = True
        named.spans.append((i, end))
    return hits


def _runs_on_from_township(text: str, start: int, spans: list[tuple[int, int]], rules: Rules) -> bool:
    """Does a mention at ``start`` touch a township's mention (潭城镇, 潭城镇政府) with no joiner
    (和, 与, 、) between?"""
    if text[start : start + 1] in rules.word("department_joiners"):
        return False
    ends = (*rules.word("department_place_types"), *rules.word("township_government_words"))
    return any(j == start and text[i:j].endswith(ends) for i, j in spans)


def _with_government(idx: DepartmentIndex, text: str, name: str, end: int) -> int:
    """Where a township's mention ends: 潭城镇政府 / 北厝镇人民政府 — the township's government is
    part of the mention, never a word of the subject (政府 is also in 政府采购…, 政府性基金…)."""
    if not name.endswith(tuple(idx.rules.word("department_place_types"))):
        return end
    words = sorted(idx.rules.word("township_government_words"), key=len, reverse=True)
    return end + len(next((w for w in words if text.startswith(w, end)), ""))


def departments(text: str, catalog: Catalog) -> Named:
    """Reports whose department the question names, an unknown department it names, and the spans.

    A mention that is (part of) a subject name (公立医院 is a 科目) is not a department.
    """
    idx = department_index(catalog)
    rules = _rules(catalog)
    named = Named()
    not_a_name = set(rules.word("department_not_a_name"))
    for m in rules.pattern("place").finditer(text):
        place = m.group(1)
        if not idx.place_known(place):
            named.unknown = place
            return named
    hits = _by_alias(idx, text, named)
    spans = named.spans
    unknown = None
    unresolved: list[tuple[str, int]] = []
    for m in rules.pattern("department_mention").finditer(text):
        mention = rules.pattern("department_lead").sub("", m.group(1))
        start = m.end() - len(mention)
        if any(i <= start < j or i < m.end() <= j for i, j in spans):
            continue
        if mention in not_a_name or len(mention) < 3 or rules.pattern("self_reference").match(mention):
            continue
        if mention in catalog.aliases or any(mention in a for a in catalog.aliases if len(a) > len(mention)):
            continue
        if hits and _runs_on_from_township(text, start, spans, rules):
            # "潭城镇政府农业服务中心": a name run on from a township named just before is one of
            # its units (its 单位基本情况 row), not a second department by a looser reading
            continue
        found: list[ReportInfo] = []
        for i in range(0, len(mention) - 2):
            tail = mention[i:]
            found = idx.named_by(tail)
            if found:
                spans.append((m.end() - len(tail), _with_government(idx, text, tail, m.end())))
                found = _placed(idx, text, m.end() - len(tail), m.end(), found, named)
                break
        if found:
            hits += [r for r in found if r not in hits]
            continue
        unresolved.append((mention, m.end()))
        if not hits and not named.elsewhere:
            name = _department_name(mention, rules)
            if name:
                unknown = name
    for mention, end in unresolved:
        joined = _joined_unknown(text, mention, end, spans, rules)
        if joined and hits:
            return Named([], joined, spans)  # "生态局和教育局…差多少": 教育局 is not understood, said
    if not hits and not unknown and not named.elsewhere:
        # a region alone ("贵阳市…收入总额") asks about the whole government, not a department here
        for region in idx.regions:
            if region in text:
                unknown = rules.templates["region_as_a_whole"].format(region=region)
                break
    if named.elsewhere:  # one department asked about is not loaded: no answer from the others
        return Named([], named.unknown, spans, named.elsewhere, named.ambiguous)
    named.reports, named.unknown = hits, (None if hits else unknown)
    return named


def _joined_unknown(
    text: str, mention: str, end: int, spans: list[tuple[int, int]], rules: Rules
) -> str | None:
    """A department mention joined to a known one ("生态局和教育局", "教育局比生态局") that names
    no report: its name, so the question is answered for neither rather than for one alone."""
    name = _department_name(mention, rules)
    if not name:
        return None
    start = end - len(name)
    for i, j in spans:
        between = text[j:start] if j <= start else text[end:i] if end <= i else None
        if between is not None and rules.pattern("joins_departments").fullmatch(between):
            return name
    return None
