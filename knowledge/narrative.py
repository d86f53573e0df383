"""The narrative of a report: headings, sections, sentences, 名词解释 and the figures in the text.

Works on plain text lines with their sources, so the markdown, page-text and PDF readers all share
it. Heading levels come from the numbering a report uses (第一部分 / 一、 / （一） / 1.), not from
markdown ``#`` marks, which PDF conversion assigns inconsistently.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from .model import Figure, Section, Sentence, Source, Term
from .numbers import clean_label, nfkc, parse_amount

CN_NUM = "一二三四五六七八九十百零〇"
PART = re.compile(rf"^第[{CN_NUM}]+部分")
LEVEL2 = re.compile(rf"^[{CN_NUM}]+[、.．]")
LEVEL3 = re.compile(rf"^[(（][{CN_NUM}]+[)）]")
LEVEL4 = re.compile(r"^\d{1,2}[、.．](?!\d)")
SENTENCE_END = "。；;！？!?"
_HEADING_START = frozenset("第(（" + CN_NUM)  # and a decimal digit: what a numbered heading opens with
_SENTENCE_PUNCT = re.compile(r"[:：].+")
_AMOUNT_IN = re.compile(r"\d+(\.\d+)?\s*(万元|元|%)")
_BULLET = re.compile(r"^[-*•]\s+")
_TAG = re.compile(r"<[^>]+>")
_LABEL_LINE = re.compile(r"^[\u4e00-\u9fff()（）]{2,10}[:：]")
_SENTENCE = re.compile(rf"[^{SENTENCE_END}\n]+[{SENTENCE_END}]?")
_YEAR_ONLY = re.compile(r"\d{4}")


def heading_level(text: str) -> int | None:
    """The level a numbered heading stands at, or None when the text is not numbered."""
    t = nfkc(text).strip()
    if PART.match(t):
        return 1
    if LEVEL2.match(t):
        return 2
    if LEVEL3.match(t):
        return 3
    if LEVEL4.match(t):
        return 4
    return None


def looks_like_heading(text: str) -> bool:
    """An unmarked line that is a heading: numbered, short, and not a sentence."""
    if len(text) > 200:  # a long line: not cleaned whole (beyond clean_label's memo) to be refused
        s = text.lstrip()
        first = nfkc(s[:1])[:1]  # no composition makes a numbering mark of what follows
        if not first or not (first in _HEADING_START or first.isdecimal()):
            return False
    t = clean_label(text)  # NFKC and stripped already: what heading_level would make of it
    if not t or not (t[0] in _HEADING_START or t[0].isdecimal()):
        return False  # most lines: no numbering at the start, no heading
    if heading_level(t) is None or len(t) > 40:
        return False
    if any(p in t for p in "。；;"):
        return False
    if _SENTENCE_PUNCT.search(t) and not PART.match(t):
        return False
    return not _AMOUNT_IN.search(t)


@dataclass
class TextLine:
    text: str
    source: Source


@dataclass
class SectionBuilder:
    path: list[str]
    level: int
    source: Source
    lines: list[TextLine] = field(default_factory=list)


def join_lines(lines: list[TextLine]) -> tuple[str, list[tuple[int, Source]]]:
    """Join wrapped lines into running text, remembering where each line starts.

    A line that does not end a sentence continues on the next one (PDF conversion breaks
    sentences, even numbers: ``占`` / ``17.79%``), so lines are joined without a separator unless
    the previous one ends with sentence punctuation.
    """
    text = ""
    starts: list[tuple[int, Source]] = []
    for tl in lines:
        t = clean_label(_BULLET.sub("", tl.text.strip()))
        if "<" in t:
            t = _TAG.sub("", t)
        if not t:
            continue
        if text and (text[-1] in SENTENCE_END + ":：" or _LABEL_LINE.match(t)):
            text += "\n"  # a sentence ended, or a "填报日期:" / "联系人:" label line starts
        elif text and text[-1].isdigit() and t[0].isdigit():
            text += " "  # two numbers never glue into one (福利费 184.90 / 30310 … is not 184.9030310)
        starts.append((len(text), tl.source))
        text += t
    return text, starts


def _source_at(starts: list[tuple[int, Source]], offset: int) -> Source:
    """The source of the line the offset falls in: the last start at or before it (the first
    line's when none is)."""
    if not starts:
        return Source(0)
    k = bisect_right(starts, offset, key=lambda x: x[0])
    return starts[k - 1][1] if k else starts[0][1]


def split_sentences(text: str, starts: list[tuple[int, Source]]) -> list[Sentence]:
    out = []
    for m in _SENTENCE.finditer(text):
        s = m.group(0).strip()
        if len(s) >= 2:
            out.append(Sentence(text=s, source=_source_at(starts, m.start())))
    return out


def build_section(b: SectionBuilder) -> Section:
    text, starts = join_lines(b.lines)
    return Section(
        path=b.path,
        level=b.level,
        text=text,
        sentences=split_sentences(text, starts),
        source=b.source,
    )


_UNITS = r"万元|亿元|元|%|人次|人|辆|台\(套\)|台|套|个|项|分|条/天|条|次|家"
# Linear time: a number starts only where no digit, comma or point stands before it, and its digit
# run is atomic, so a run of n digits is tried once, not n times (20 000 digits took 16 s before).
_NUMBER = r"(?>\d[\d,]*)(?:\.\s?\d+)?|\.\d+"
FIGURE = re.compile(rf"(?<![\d,.])({_NUMBER})\s*({_UNITS})")
_CLAUSE_BREAK = re.compile(r"[,，;；:：。、]")


def extract_figures(section: Section) -> list[Figure]:
    """Every number with a unit in the section's sentences, with the clause that names it."""
    figures: list[Figure] = []
    for sent in section.sentences:
        prev_end = 0
        prev_context = ""
        for m in FIGURE.finditer(sent.text):
            raw = m.group(1)
            unit = m.group(2)
            if unit == "%" and raw.startswith("."):
                raw = "0" + raw  # the report prints 占.000%
            value = parse_amount(raw)
            if value is None:
                continue
            before = sent.text[prev_end : m.start()]
            # the clause is what follows the last break before the number
            parts = [p.strip() for p in _CLAUSE_BREAK.split(before)]
            context = parts[-1] if parts else ""
            if not context and len(parts) > 1:
                context = parts[-2]  # "(一)人员经费:108.27万元": the name stands before the colon
            if len(context) <= 2 and prev_context:
                context = prev_context + context
            if _YEAR_ONLY.fullmatch(raw) and unit not in ("万元", "元"):
                continue
            figures.append(
                Figure(
                    context=context,
                    value=value,
                    unit=unit,
                    raw=m.group(0),
                    sentence=sent.text,
                    section_path=section.path,
                    source=sent.source,
                )
            )
            prev_end = m.end()
            prev_context = context if len(context) > 2 else prev_context
    return figures


TERM = re.compile(rf"^[{CN_NUM}]+[、.．]\s*(.+?)[:：]\s*(.+)$")


def extract_terms(section: Section) -> list[Term]:
    """名词解释 entries: ``十一、基本支出:指为保障……``; definitions may wrap over lines."""
    terms: list[Term] = []
    for line in section.text.split("\n"):
        m = TERM.match(line.strip())
        if not m:
            if terms and line.strip():
                terms[-1].definition += line.strip()
            continue
        term = re.sub(r"[\"“”]", "", clean_label(m.group(1)))
        src = section.source
        for s in section.sentences:
            if s.text.startswith(line.strip()[:10]):
                src = s.source
                break
        terms.append(Term(term=term, definition=m.group(2).strip(), source=src))
    return terms
