"""Figures a report's 说明 states in its sentences, as facts: subject, measure, year, unit, sentence.

Many departments publish the nine tables as separate attachments, so the report the bot reads
holds only its 说明. Its sentences state the same figures the tables would ("本年支出2194.05万元",
"“三公”经费财政拨款支出预算为1.93万元，…决算为0.00万元", "其中：基本支出119.54万元"), and a
reader answers from them. A loose match of words around a number (``narrative_figures``) is not
enough: a sentence about 财政拨款支出 must never answer 财政拨款收入, a budget never an actual, a
change never the previous year's figure. So each sentence is read by its grammar:

* the **subject** is the longest known name (``rules/zh/stated.yaml``) before the number in its
  clause; words that follow a name without changing it (``“三公”经费财政拨款支出``) are absorbed,
  and a generic name (``支出预算``) counts only when no other subject was named earlier in the
  sentence; a clause with a measure word but no name (``…预算1.93万元，支出决算0.00万元``) is the
  same subject's other measure;
* the **measure** is the measure word of the clause (决算 / 预算 / 年初预算 / 全年预算), else that
  of the figure a ``其中`` clause belongs to, else the report's own kind;
* the **year** is the last year the sentence names outside a comparison, else the report's;
* "比上年（较2015年决算数）增加/减少 X 万元，增长/下降 Y%" gives the previous year's figure only
  when unambiguous: a comparison is named, the directions agree, and Y matches X over the result;
  "与上年相比持平" gives the same figure.

One pass of one compiled pattern over each sentence: linear in its length, and every report's
facts are bounded (``MAX_FACTS``). The vocabulary lives in ``rules/zh/stated.yaml``; this module
holds no word of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from rules import RULES_DIR, RulesError
from rules import _load as _load_yaml  # the rules' own loader: a key given twice is refused

from .numbers import nfkc

MAX_FACTS = 5_000  # per report; a real 说明 states a few hundred figures at most
MAX_SENTENCE_CHARS = 20_000  # longer "sentences" are damaged text: read the first part only
_QUOTES = re.compile(r"[\"'“”‘’「」『』]")
_SPACE = re.compile(r"\s+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_BREAKS = ",;:。!?、"


@dataclass(frozen=True)
class SubjectSpec:
    name: str
    unit: str  # money / vehicles / staff
    side: str  # 收入 / 支出 / ''
    emits: tuple[str, ...]
    asked_as: tuple[str, ...]
    general: bool = False


@dataclass(frozen=True)
class Vocabulary:
    """``rules/zh/stated.yaml`` compiled: one token pattern and the tables it resolves through."""

    subjects: dict[str, SubjectSpec]
    phrase_subject: dict[str, str]  # phrase → subject
    weak: frozenset[str]  # phrases that name a subject only first in a sentence
    measure_of: dict[str, str]  # measure word → measure
    default_measure: dict[str, str]  # report kind → measure
    units: dict[str, str]  # unit → money / vehicles / staff / percent
    children: dict[tuple[str, str], str]
    direction: dict[str, int]  # word → +1 / −1 / 0 (unchanged)
    token: re.Pattern
    question_sides: dict[str, tuple[str, ...]]
    question_previous: tuple[str, ...]
    skip_sections: tuple[str, ...]
    continuation_chars: int
    budget_measures: tuple[str, ...]
    # scope word → {whole-department subject → that scope's own}: "公共预算财政拨款…本年收入" is
    # 一般公共预算财政拨款收入, not the department's 本年收入
    scoped: dict[str, dict[str, str]] = field(default_factory=dict)
    # names a heading run into its text ends with: ``heading_names`` and every subject's phrases
    heading_names: frozenset[str] = frozenset()


def _strings(data: dict, key: str, where: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{where}: {key}: 必须是字符串列表 (must be a list of strings)")
    return value


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _subjects(data: dict) -> tuple[dict[str, SubjectSpec], dict[str, str], set[str]]:
    subjects: dict[str, SubjectSpec] = {}
    phrase_subject: dict[str, str] = {}
    weak: set[str] = set()
    for name, spec in (data.get("subjects") or {}).items():
        where = f"stated.yaml: subjects.{name}"
        if not isinstance(spec, dict) or spec.get("unit") not in ("money", "vehicles", "staff"):
            raise RulesError(f"{where}: 需要 unit: money/vehicles/staff (needs a unit kind)")
        subjects[str(name)] = SubjectSpec(
            str(name),
            spec["unit"],
            str(spec.get("side") or ""),
            tuple(_strings(spec, "emits", where)),
            tuple(_strings(spec, "asked_as", where)),
            bool(spec.get("general")),
        )
        for key in ("phrases", "weak"):
            for phrase in _strings(spec, key, where):
                phrase = nfkc(phrase)
                if phrase_subject.get(phrase, name) != name:
                    raise RulesError(
                        f"{where}: “{phrase}” 也属于 {phrase_subject[phrase]} (one phrase, two subjects)"
                    )
                phrase_subject[phrase] = str(name)
                if key == "weak":
                    weak.add(phrase)
    return subjects, phrase_subject, weak


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Read and compile the vocabulary; a malformed file is refused naming the key."""
    data = _load_yaml(path or RULES_DIR / "stated.yaml")
    subjects, phrase_subject, weak = _subjects(data)
    measure_of = {
        nfkc(w): str(m)
        for m, words in (data.get("measures") or {}).items()
        for w in _strings({"w": words}, "w", f"stated.yaml: measures.{m}")
    }
    direction = {w: +1 for w in _strings(data, "increase", "stated.yaml")}
    direction.update({w: -1 for w in _strings(data, "decrease", "stated.yaml")})
    direction.update({w: 0 for w in _strings(data, "unchanged", "stated.yaml")})
    units = {str(k): str(v) for k, v in (data.get("units") or {}).items()}
    children = {
        (str(parent), str(child)): str(name)
        for parent, kids in (data.get("children") or {}).items()
        for child, name in (kids or {}).items()
    }
    years = _alternation(_strings(data, "year_suffix", "stated.yaml"))
    compare = _alternation(_strings(data, "compare_before", "stated.yaml"))
    previous = _alternation(_strings(data, "previous_year", "stated.yaml"))
    not_after = "".join(_strings(data, "not_after", "stated.yaml"))
    not_after = f"(?<![{re.escape(not_after)}])" if not_after else ""
    token = re.compile(
        rf"(?P<cmp>(?:{compare})(?:(?P<prev>{previous})|(?P<cyear>(?:19|20)\d\d)(?:{years})))"
        rf"|{not_after}(?P<subj>{_alternation(phrase_subject)})(?:{_alternation(_strings(data, 'qualifiers', 'stated.yaml'))})*"
        rf"|(?P<scope>{_alternation(_strings(data, 'scopes', 'stated.yaml'))})"
        rf"|(?P<year>(?:19|20)\d\d)(?:{years})"
        rf"|(?<![\d.])(?P<num>(?>\d+)(?:\.\d+)?)(?P<unit>{_alternation(units)})(?!次)"
        rf"|(?P<prevword>{previous})"
        rf"|(?P<neutral>{_alternation(_strings(data, 'neutral', 'stated.yaml'))})"
        rf"|(?P<meas>{_alternation(measure_of)})"
        rf"|(?P<dir>{_alternation(direction)})"
        rf"|(?P<within>{_alternation(_strings(data, 'within', 'stated.yaml'))})"
        rf"|(?P<brk>[{re.escape(_BREAKS)}])"
    )
    sides = {str(k): tuple(v) for k, v in (data.get("question_sides") or {}).items()}
    return Vocabulary(
        subjects,
        phrase_subject,
        frozenset(weak),
        measure_of,
        {str(k): str(v) for k, v in (data.get("default_measure") or {}).items()},
        units,
        children,
        direction,
        token,
        sides,
        tuple(_strings(data, "question_previous", "stated.yaml")),
        tuple(_strings(data, "skip_sections", "stated.yaml")),
        int(data.get("continuation_chars") or 0),
        tuple(_strings(data, "question_budget", "stated.yaml")),
        _scoped(data, subjects),
        frozenset(nfkc(w) for w in _strings(data, "heading_names", "stated.yaml"))
        | frozenset(p for p in phrase_subject if p not in weak),
    )


def _scoped(data: dict, subjects: dict[str, SubjectSpec]) -> dict[str, dict[str, str]]:
    """``scoped_subjects``: each family's scope words and what its general subjects become."""
    out: dict[str, dict[str, str]] = {}
    for i, family in enumerate(data.get("scoped_subjects") or []):
        where = f"stated.yaml: scoped_subjects[{i}]"
        mapping = {str(k): str(v) for k, v in ((family or {}).get("subjects") or {}).items()}
        unknown = [n for pair in mapping.items() for n in pair if n not in subjects]
        if unknown:
            raise ValueError(f"{where}: unknown subject {unknown[0]}")
        for word in _strings(family, "scopes", where):
            out[nfkc(word)] = mapping
    return out


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return load_vocabulary()


@dataclass(frozen=True)
class StatedFact:
    """One figure a sentence states. ``derived`` is '' when printed as such, ``change`` when it is
    the previous year's figure computed from a stated change, ``unchanged`` from 持平."""

    subject: str
    measure: str  # 决算 / 预算 / 年初预算 / 全年预算
    year: int
    value: Decimal
    unit: str
    raw: str  # the figure as read (spaces and thousands separators removed)
    sentence: str  # the sentence as printed: the citation's quote
    section_path: tuple[str, ...] = ()
    line: int | None = None
    page: int | None = None
    derived: str = ""


def normalise(text: str) -> str:
    """The sentence as the grammar reads it: NFKC, no quotation marks, spaces or thousands separators."""
    s = _QUOTES.sub("", nfkc(text[:MAX_SENTENCE_CHARS]))
    return _THOUSANDS.sub("", _SPACE.sub("", s))


@dataclass
class _Clause:
    subject: str | None = None
    measure: str | None = None
    direction: int | None = None
    compared: bool = False
    previous: bool = False  # names 上年 outside a comparison: its figures' year is not known
    start: int = 0  # where the clause starts in the normalised sentence
    subject_end: int = -1  # where its subject's name ends: "人员经费:108.27万元" keeps it
    measure_chars: int = 0  # characters of its measure words and years


@dataclass
class _Sentence:
    """What one sentence has said so far, as its tokens are read left to right."""

    year: int
    clause: _Clause = field(default_factory=_Clause)
    named: bool = False  # a strong subject was named: generic names no longer count
    compare_year: int | None = None
    parent: StatedFact | None = None  # the figure a 其中 clause breaks down
    last: StatedFact | None = None  # the last figure stated in this sentence
    change: tuple[StatedFact, int, Decimal] | None = None  # target, direction, amount
    since_last: int = 0  # clause breaks, years and other numbers read since the last figure
    scoped: bool = False  # a funding scope was named: whole-department subjects are not read
    scope: str = ""  # the scope word, whose own subjects the general ones become (scoped_subjects)
    numbers: int = 0  # numbers read so far
    covered: int = 0  # characters of measure words, years and breaks read so far
    opens_with_compare: bool = False  # "与上一年相比持平。": it speaks of the section's last figure
    percent: tuple[int | None, Decimal, int] | None = None  # direction, value, decimals


@dataclass
class _Reader:
    vocab: Vocabulary
    year: int
    kind: str
    facts: list[StatedFact] = field(default_factory=list)
    by_subject: dict[str, StatedFact] = field(default_factory=dict)  # last figure of each, this section
    last: StatedFact | None = None  # last figure of the section
    together: dict[StatedFact, tuple[StatedFact, ...]] = field(default_factory=dict)  # emitted at once
    heading_subject: str | None = None  # the one subject the section's heading names

    def sentence(self, text: str, path: tuple[str, ...], line: int | None, page: int | None) -> None:
        st = _Sentence(self.year)
        s = normalise(text)
        for m in self.vocab.token.finditer(s):
            if len(self.facts) >= MAX_FACTS:
                return
            self._token(m, st, (text, path, line, page))
        self._settle_change(st, text, path, line, page)

    def _token(self, m: re.Match, st: _Sentence, where: tuple) -> None:
        text, path, line, page = where
        g = m.lastgroup
        if g in ("meas", "year", "brk", "neutral", "within"):
            st.covered += len(m.group(0))
        if m.group("cmp"):
            st.compare_year = int(m.group("cyear")) if m.group("cyear") else None
            st.clause.compared = True
            # nothing but measure words before it ("支出决算较上年减少0.69万元"): the figure before
            opening = not st.numbers and m.start() - st.covered <= self.vocab.continuation_chars
            st.opens_with_compare = st.opens_with_compare or opening
        elif m.group("subj"):
            phrase = m.group("subj")
            if phrase in self.vocab.weak and st.named:
                return
            st.clause.subject = self.vocab.phrase_subject[phrase]
            st.clause.subject_end = m.end()
            st.named = st.named or phrase not in self.vocab.weak
        elif g == "scope":
            st.scoped = st.scoped or (st.last is None and not st.named)  # it opens the sentence
            st.scope = m.group("scope") if st.scoped else st.scope
        elif m.group("year"):
            st.year = int(m.group("year"))
            st.since_last += 2
            st.clause.measure_chars += len(m.group(0))
        elif m.group("num"):
            st.since_last += 2
            st.numbers += 1
            gap = m.start() - st.clause.start - st.clause.measure_chars
            self._number(m.group("num"), m.group("unit"), st, gap, where)
        elif g == "meas":
            st.clause.measure = self.vocab.measure_of[m.group("meas")]
            st.clause.measure_chars += len(m.group(0))
        elif g == "dir":
            st.clause.direction = self.vocab.direction[m.group("dir")]
            if st.clause.direction == 0 and st.clause.compared:
                self._unchanged(st, text, path, line, page)
        elif g == "prevword":
            st.clause.previous = True
        elif g == "within":
            st.parent = st.last or self.last
        elif g == "brk":
            if m.group(0) == ":" and m.start() == st.clause.subject_end:
                st.clause.start = m.end()  # "(一)人员经费:108.27万元": the name stands before the colon
                st.clause.subject_end = m.end()
                return
            st.clause = _Clause(start=m.end())
            st.since_last += 1

    def _number(self, raw: str, unit: str, st: _Sentence, gap: int, where: tuple) -> None:
        text, path, line, page = where
        try:
            value = Decimal(raw)
        except InvalidOperation:
            return
        kind = self.vocab.units.get(unit)
        c = st.clause
        if kind == "percent":
            if c.direction or st.change:
                st.percent = (c.direction, value, len(raw.partition(".")[2]))
            return
        if c.direction and (c.compared or st.compare_year is not None or st.change is not None):
            self._change(value, unit, st, (text, path, line, page))
            return
        if c.compared or c.direction or c.previous:
            return  # a number in a comparison without its direction is not a figure of the year
        subject = c.subject
        if subject is None:
            subject = self._unnamed(st, gap)
            if subject is None:
                return
        parent = st.parent
        measure = c.measure or (parent.measure if parent else self.vocab.default_measure.get(self.kind, ""))
        year = parent.year if parent and st.year == self.year else st.year
        if parent:
            subject = self.vocab.children.get((parent.subject, subject), subject)
        spec = self.vocab.subjects.get(subject)
        if spec is not None and spec.general and st.scoped:
            subject = self.vocab.scoped.get(st.scope, {}).get(subject, subject)
            spec = self.vocab.subjects.get(subject)
        if spec is None or spec.unit != kind or not measure or (spec.general and st.scoped):
            return
        self._settle_change(st, text, path, line, page)
        made = tuple(
            StatedFact(name, measure, year, value, unit, raw + unit, text, path, line, page)
            for name in spec.emits or (subject,)
        )
        for fact in made:
            self._add(fact, st)
        if len(made) > 1:
            self.by_subject[subject] = made[-1]  # a change of 收支总计 speaks of both
            self.together[made[-1]] = made
        c.subject = None  # the next figure of the clause needs its own name or measure word
        c.measure = None

    def _unnamed(self, st: _Sentence, gap: int) -> str | None:
        """Whose figure a clause without a name states: the figure's right before it when the clause
        holds only a measure word ("…预算1.93万元，支出决算0.00万元"), or, for the section's first
        figure in a sentence naming nothing, the heading's ("（二）公务接待费" / "2016年预算安排5万元")."""
        if gap > self.vocab.continuation_chars:
            return None  # "基金预算财政拨款0万元" names something, just nothing known
        if st.last is not None:
            if st.clause.measure is None or st.since_last > 3:
                return None  # only the clause right after a figure continues its subject
            return st.last.subject
        if self.last is None and not st.named and self.heading_subject and st.clause.measure:
            return self.heading_subject
        return None

    def _add(self, fact: StatedFact, st: _Sentence) -> None:
        self.facts.append(fact)
        if not fact.derived:
            st.since_last = 0
            st.last = fact
            self.last = fact
            self.by_subject[fact.subject] = fact

    def _target(self, st: _Sentence) -> StatedFact | None:
        """The figure a change speaks of: the clause's subject's last figure, else the sentence's,
        else (a sentence naming nothing: "与上一年相比持平。") the section's last."""
        c = st.clause
        if c.subject is not None:
            target = self.by_subject.get(c.subject)
        else:
            target = st.last or (self.last if st.opens_with_compare and not st.named else None)
        if target is None or (c.measure and c.measure != target.measure):
            return None
        return target

    def _change(self, value: Decimal, unit: str, st: _Sentence, where: tuple) -> None:
        self._settle_change(st, *where)  # an earlier change of the sentence is complete
        target = self._target(st)
        if target is None or unit != target.unit:
            return
        st.change = (target, st.clause.direction or 0, value)

    def _unchanged(self, st: _Sentence, text, path, line, page) -> None:
        target = self._target(st)
        if target is None:
            return
        year = st.compare_year or target.year - 1
        if year == target.year:
            return  # "2026年…与2026年预算持平": a misprinted year says nothing of another
        for t in self.together.get(target, (target,)):
            self._add(
                StatedFact(
                    t.subject, t.measure, year, t.value, t.unit, t.raw, text, path, line, page, "unchanged"
                ),
                st,
            )

    def _settle_change(self, st: _Sentence, text, path, line, page) -> None:
        """The previous year's figure from a stated change, when nothing in the sentence contradicts it."""
        if st.change is None:
            return
        target, sign, amount = st.change
        st.change = None
        percent, st.percent = st.percent, None
        if sign == 0:
            return
        previous = target.value - sign * amount
        if previous < 0:
            return
        if percent is not None:
            p_sign, pct, decimals = percent
            if p_sign is not None and p_sign != sign:
                return  # "增加2042.46万元，下降75.24%": which one is wrong cannot be told
            if previous == 0:
                if pct != 100:
                    return
            elif abs(amount / previous * 100 - pct) > Decimal("0.5") * Decimal(10) ** -decimals + Decimal(
                "0.01"
            ):
                return  # the stated rate does not fit the stated change
        year = st.compare_year or target.year - 1
        if year == target.year:
            return
        for t in self.together.get(target, (target,)):
            self._add(
                StatedFact(
                    t.subject,
                    t.measure,
                    year,
                    previous,
                    t.unit,
                    str(previous) + t.unit,
                    text,
                    path,
                    line,
                    page,
                    "change",
                ),
                st,
            )


def read_sentences(
    sentences: Sequence[tuple[str, int | None, int | None]],
    year: int,
    kind: str,
    path: Sequence[str] = (),
    vocab: Vocabulary | None = None,
) -> list[StatedFact]:
    """The stated facts of one section's sentences ((text, line, page) in order)."""
    reader = _Reader(vocab or vocabulary(), year, kind)
    if path:
        named = read_question(path[-1], reader.vocab).subjects
        reader.heading_subject = named[0] if len(named) == 1 else None
    for text, line, page in sentences:
        reader.sentence(text, tuple(path), line, page)
    return reader.facts


def skipped_section(path: Sequence[str], vocab: Vocabulary | None = None) -> bool:
    """Sections that state no figure of the report (目录, 名词解释: ``skip_sections``)."""
    words = (vocab or vocabulary()).skip_sections
    return any(w in p for p in path for w in words)


def from_report(report) -> list[StatedFact]:
    """Every stated fact of a parsed report, section by section (the 目录 and 名词解释 skipped)."""
    out: list[StatedFact] = []
    for s in report.sections:
        if skipped_section(s.path):
            continue
        sentences = [(x.text, x.source.line, x.source.page) for x in s.sentences]
        out += read_sentences(sentences, report.meta.year, report.meta.kind, s.path)
        if len(out) >= MAX_FACTS:
            return out[:MAX_FACTS]
    return out


# -- the knowledge base ---------------------------------------------------------------------------

SCHEMA = """
CREATE TABLE IF NOT EXISTS stated_facts (
    id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id),
    sentence_id INTEGER REFERENCES sentences(id), subject TEXT NOT NULL, measure TEXT NOT NULL,
    year INTEGER NOT NULL, value TEXT NOT NULL, unit TEXT NOT NULL, amount INTEGER, base_unit TEXT,
    derived TEXT NOT NULL DEFAULT '', raw TEXT, section_path TEXT, quote TEXT, line INTEGER, page INTEGER
);
CREATE INDEX IF NOT EXISTS idx_stated_report ON stated_facts(report_id, subject, measure, year);
"""

_INSERT = (
    "INSERT INTO stated_facts (report_id, sentence_id, subject, measure, year, value, unit, amount, base_unit,"
    " derived, raw, section_path, quote, line, page) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def _rows(rid: int, facts: Iterable[StatedFact], sentence_ids: dict[tuple, int]) -> list[tuple]:
    from .facts import amount_of

    out = []
    for f in facts:
        amount, base = amount_of(f.value, f.unit)
        out.append(
            (
                rid,
                sentence_ids.get((f.line, f.sentence)),
                f.subject,
                f.measure,
                f.year,
                str(f.value),
                f.unit,
                amount,
                base,
                f.derived,
                f.raw,
                " > ".join(f.section_path),
                f.sentence,
                f.line,
                f.page,
            )
        )
    return out


def write(db, rid: int, report, sentence_ids: dict[tuple, int]) -> None:
    """Store a parsed report's stated facts (in the report's transaction); ``sentence_ids`` maps
    (line, sentence text) to the stored sentence each cites."""
    db.conn.executemany(_INSERT, _rows(rid, from_report(report), sentence_ids))


def rebuild(db, report_ids: Iterable[int] | None = None) -> int:
    """Read the stated facts of stored reports again from their stored sentences (migration, or
    after the vocabulary changed), and their rows of the cross-report index; returns the rows written."""
    from . import facts as index

    if report_ids is None:
        report_ids = [r[0] for r in db.execute("SELECT id FROM reports ORDER BY id").fetchall()]
    n = 0
    for rid in report_ids:
        rep = db.execute("SELECT year, kind FROM reports WHERE id = ?", [rid]).fetchone()
        if rep is None:
            continue
        db.execute("DELETE FROM stated_facts WHERE report_id = ?", [rid])
        sections: dict[int, tuple[str, list]] = {}
        ids: dict[tuple, int] = {}
        for sec_id, path, sid, text, line, page in db.execute(
            "SELECT c.id, c.path, s.id, s.text, s.line, s.page FROM sentences s JOIN sections c ON c.id = s.section_id"
            " WHERE s.report_id = ? ORDER BY c.id, s.position",
            [rid],
        ):
            sections.setdefault(sec_id, (path or "", []))[1].append((text, line, page))
            ids.setdefault((line, text), sid)
        facts: list[StatedFact] = []
        for path, sentences in sections.values():
            parts = path.split(" > ") if path else []
            if not skipped_section(parts):
                facts += read_sentences(sentences, rep[0], rep[1], parts)
        rows = _rows(rid, facts[:MAX_FACTS], ids)
        db.conn.executemany(_INSERT, rows)
        n += len(rows)
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'facts'").fetchone():
            index.write_stated(db, rid)  # the cross-report index reads them too
    return n


# -- reading a question with the same grammar -----------------------------------------------------


@dataclass(frozen=True)
class QuestionReading:
    """What a question names in the stated vocabulary: the subjects its phrases name, the measure
    its own words ask for (outside subject names: 一般公共预算财政拨款支出 asks no budget), and
    the side words (收入/支出) it uses outside them."""

    subjects: tuple[str, ...]
    measure: str | None
    sides: frozenset[str]
    previous: bool
    phrases: tuple[str, ...] = ()  # the names as the question wrote them


def read_question(text: str, vocab: Vocabulary | None = None) -> QuestionReading:
    v = vocab or vocabulary()
    s = normalise(text)
    subjects: list[str] = []
    phrases: list[str] = []
    measure: str | None = None
    rest = []
    pos = 0
    scope = None
    for m in v.token.finditer(s):
        rest.append(s[pos : m.start()])
        pos = m.end()
        if m.lastgroup == "scope":
            scope = m
            continue
        if m.group("subj"):
            name = v.phrase_subject[m.group("subj")]
            own = v.scoped.get(scope.group(0), {}).get(name) if scope is not None else None
            name = own or name  # 公共预算财政拨款本年收入: the scope's 收入, not the department's
            phrases.append(s[scope.start() : m.end()] if own else m.group(0))
            scope = None
            if name not in subjects:
                subjects.append(name)
        elif m.lastgroup == "meas" and measure is None:
            measure = v.measure_of[m.group("meas")]
        else:
            rest.append(m.group(0))
    rest.append(s[pos:])
    remainder = "".join(rest)
    sides = frozenset(side for side, words in v.question_sides.items() if any(w in remainder for w in words))
    return QuestionReading(
        tuple(subjects), measure, sides, any(w in remainder for w in v.question_previous), tuple(phrases)
    )
