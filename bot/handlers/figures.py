"""One figure for one subject: the tables first, then the narrative, in the unit asked.

Plain functions of the question's :class:`bot.query.Context` (knowledge base, rules, the question).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from knowledge.facts import MONEY, amount_of
from knowledge.model import Citation
from knowledge.stated import read_question
from knowledge.stated import vocabulary as stated_vocabulary

from ..answer import Answer
from ..catalog import ReportInfo, bare
from ..conversation import Conversation
from ..dialogue import adds_to_last, follow_up
from ..entities import Entities, Match, generic_words
from ..query import (
    Context,
    Figure,
    columns_named,
    empty_table_for,
    narrative_figure,
    row_citation,
    row_column_figures,
    sangong_figures,
    search_sentences,
    stated_figures,
    table_figures,
)
from ..stages import FollowUp
from ..wording import (
    CONTAINERS,
    SANGONG,
    TOTALS,
    TWO,
    _bigrams,
    _clause,
    _fmt,
    _fmt_exact,
    _prefix,
    _residue_word,
    _sound_bigrams,
    _source_text,
    _year_of,
    convert_money,
    examples_text,
    requested_unit,
)
from . import compute, texts

# Character pairs the question adds to a subject's name beyond which a narrative figure that meets
# none of them is about something else.
UNEXPLAINED_MIN = 3


def _measure(ents: Entities, follow: FollowUp) -> str:
    """The measure named, else the last answer's when the question leans on it, else 决算."""
    for m in ents.measures:
        if m in ("actual", "budget"):
            return m
    return follow.measure or "actual"


def find_figures(
    ctx: Context,
    report: ReportInfo,
    subject: str,
    measure: str,
    code: str | None = None,
    question: str = "",
    own_year: bool = False,
    wording: bool = True,
) -> list[Figure]:
    """Figures for one subject and measure: the tables first, then the narrative.

    A question about another year than the report's (2023 in a 2024 report, 上年) is answered
    from the narrative only, unless ``own_year`` says the report was chosen for that year.
    """
    m = ctx.rules.measures[measure]
    columns = list(m.columns)
    if report.kind == ctx.rules.one("budget"):
        # a budget report's tables hold budgets under plain column names (合计, 预算数)
        measure = "budget"
        m = ctx.rules.measures["budget"]
        columns = m.columns + [c for c in ctx.rules.measures["actual"].columns if c not in m.columns]
    ents = ctx.ents
    if wording and _names_other_side(ctx, subject):
        return _from_text(ctx, report, subject, measure, wording)  # not the other side's row
    if (
        ents
        and not own_year
        and (
            [y for y in ents.years if y != report.year]
            or (ents.relative_year in ctx.rules.word("last_year_words") and "change" not in ents.operations)
        )
    ):
        return _from_text(ctx, report, subject, measure, wording)
    sangong_parts = {
        SANGONG,
        *ctx.rules.groups.get(SANGONG, []),
        *ctx.rules.groups.get(ctx.rules.one("official_vehicles"), []),
    }
    if subject in sangong_parts:
        return (
            sangong_figures(ctx.db, ctx, report, subject, m.label)
            or _from_text(ctx, report, subject, measure, wording)
            or table_figures(ctx.db, ctx, report, subject, columns, code)
        )
    figs = _on_the_side_asked(ctx, table_figures(ctx.db, ctx, report, subject, columns, code), subject)
    if figs:
        return figs
    for other in ctx.rules.fallbacks.get(subject, []):
        figs = table_figures(ctx.db, ctx, report, other, columns)
        if figs:
            return figs
    figs = _from_text(ctx, report, subject, measure, wording)
    if figs or report.kind != ctx.rules.one("budget"):
        return figs
    for other in ctx.rules.fallbacks.get(subject, []):
        # a budget's 说明 states only its 支出总计 ("北厝镇2016年花了多少"), as its tables would
        figs = _from_text(ctx, report, other, measure, wording)
        if figs:
            return figs
    return []


def said_after(ctx: Context, subject: str) -> list[str]:
    """What the question says right after each mention of the subject ("基本支出里…" → "里…"):
    the words that make the mention a whole, a side or a part."""
    text = ctx.question or ""
    out = []
    for m in ctx.ents.subjects if ctx.ents else []:
        at = text.find(m.surface) if m.subject == subject and m.surface else -1
        if at >= 0:
            out.append(text[at + len(m.surface) :])
    return out


def _on_the_side_asked(ctx: Context, figs: list[Figure], subject: str) -> list[Figure]:
    """The figures of rows on the side the question says right after the subject's name: in
    "一般公共预算财政拨款支出" the 收入 side's row 一、一般公共预算财政拨款 is not the spending, even
    where the two amounts happen to agree; its figures are dropped and the 说明 is read instead."""
    sides = (ctx.rules.one("income_word"), ctx.rules.one("expenditure_word"))
    asked = {side for after in said_after(ctx, subject) for side in sides if after.startswith(side)}
    if len(asked) != 1 or any(side in subject for side in sides):
        return figs
    other = next(side for side in sides if side not in asked)
    return [f for f in figs if not (f.citation.row or "").startswith(other + ctx.rules.one("group_separator"))]


def _from_text(
    ctx: Context, report: ReportInfo, subject: str, measure: str, wording: bool = True
) -> list[Figure]:
    """No table row: what the 说明 states of the subject, read by its grammar
    (knowledge/stated.py); the loose narrative match only for subjects that vocabulary does not
    know, so a sentence about 财政拨款支出 never answers 财政拨款收入."""
    stated = _stated(ctx, report, subject, measure, wording)
    if stated:
        return stated
    figs = narrative_only(ctx, report, subject, measure, wording)
    if stated is None:
        return figs
    # the grammar knows the subject but the 说明 states it nowhere as such: only a clause that is
    # the subject's own name (中楼乡's "公务招待费4万元" for 公务接待费) — never a looser mention
    names = [subject] + [f for f, s in ctx.rules.synonyms.items() if s == subject and len(f) >= 4]
    return [f for f in figs if _clause_name(ctx, f.column).endswith(tuple(names))]


def _clause_name(ctx: Context, clause: str) -> str:
    """A narrative clause as a name: without spaces and what closes it (为, ：)."""
    return ctx.rules.pattern("clause_name_close").sub("", clause.replace(" ", ""))


def _stated(
    ctx: Context, report: ReportInfo, subject: str, measure: str, wording: bool = True
) -> list[Figure] | None:
    """Stated facts of the subject, measure and year asked; None when the subject is not one
    the 说明 grammar knows (or the knowledge base predates stated facts). The question's own
    words decide where they name one subject (一般公共预算财政拨款支出 is not 财政拨款收入, and
    its 预算 asks no budget); a question using the other side's words (收入 vs 支出) gets none."""
    vocab = stated_vocabulary()
    names = [n for n, spec in vocab.subjects.items() if subject in spec.asked_as]
    own = list(names)
    ents = ctx.ents
    # the question as understood: a name said alike (总置出) is read as the name it sounds like
    understood = ents.understood if ents and ents.understood else ctx.question
    q = read_question(understood, vocab) if wording and ctx.question else None
    surfaces = [understood[m.start : m.end] if m.method == "pinyin" else m.surface for m in ents.subjects] if ents else []
    phrase = q.phrases[0] if q is not None and len(q.subjects) == 1 else ""
    if phrase and (all(x in phrase for x in surfaces) or subject in vocab.subjects[q.subjects[0]].asked_as):
        # the question's own, longer name; only when it explains the subject's surface too (a
        # typo'd 一般公共预算才政拨款 beside 支出预算 is not the 支出总计 the grammar reads there)
        names = list(q.subjects)
    else:
        phrase = ""
    rest = _leftover(ctx, report) if wording else []
    if ents and len(ents.subjects) > 1:
        # "人员经费和公用经费各多少": the words that join the parts and ask for each explain themselves
        joins = set(ctx.rules.word("department_joiners"))
        rest = [w for w in rest if w not in joins and not ctx.rules.pattern("asks_each").fullmatch(w)]
    if not names or any(w not in phrase for w in rest):
        return None  # words the subject does not explain (政府采购货物支出): not the total's figure
    if q is not None and any(
        vocab.subjects[n].side and q.sides and vocab.subjects[n].side not in q.sides for n in names
    ):
        return []
    default = vocab.default_measure.get(report.kind, "")
    budget = vocab.budget_measures
    asked = q.measure if q is not None else None
    if asked is None and measure == "budget" and budget:
        # a budget asked before (预算呢 → 三公经费的) or beside a name the grammar did not take
        # (三公 before 支出预算), not the 预算 inside a name (一般公共预算…)
        names_read = [phrase, *surfaces]
        worded = q is not None and any(
            w in x for x in names_read for w, m in vocab.measure_of.items() if m in budget
        )
        asked = default if worded else budget[0]
    asked = asked or default
    measures = list(budget) if budget and asked == budget[0] else [asked]
    if budget and asked in budget[1:]:
        measures.append(budget[0])  # 年初预算 asked, the 说明 states its plain 预算: the report's own budget
    year = _stated_year(ctx, report, q)
    try:
        figs = stated_figures(ctx.db, ctx, report, names, measures, year)
        sides = {vocab.subjects[n].side for n in names + own if vocab.subjects[n].side}
        if not figs and own and names != own and len(sides) <= 1:
            # 总收入: the grammar's 收入总计, which this 说明 does not state; the lexicon's
            # subject (本年收入合计) is what the question's word names too
            figs = stated_figures(ctx.db, ctx, report, own, measures, year)
        if not figs and year == report.year and report.kind == ctx.rules.one("budget"):
            before = stated_figures(ctx.db, ctx, report, names, measures, year - 1)
            figs = [f for f in before if _stock_as_of_year_before(ctx, f, report)]
        return figs
    except sqlite3.OperationalError:
        return None  # a knowledge base written before stated facts, opened read-only


def _stock_as_of_year_before(ctx: Context, f: Figure, report: ReportInfo) -> bool:
    """A budget's "截至2025年8月31日，…共有车辆3辆" is the stock the 2026 budget starts from: the
    grammar dates it 2025, but it is the budget's own figure (not 上年's), as `_year_fits` reads
    it in the narrative. Only when the as-of date of the year before comes before the subject."""
    pre = f.citation.quote.split(f.subject, 1)[0]
    return bool(re.search(ctx.rules.pattern("as_of_date"), pre)) and str(report.year - 1) in pre


def _names_other_side(ctx: Context, subject: str) -> str | None:
    """The subject the question names when it is of the other side than the one matched
    ("财政拨款支出" matched as 财政拨款收入 by its first four characters): then no row of the
    matched subject answers, and a "not found" names what was asked."""
    vocab = stated_vocabulary()
    sides = {vocab.subjects[n].side for n, spec in vocab.subjects.items() if subject in spec.asked_as}
    q = read_question(ctx.question, vocab) if ctx.question and sides else None
    if q is None or len(q.subjects) != 1 or not vocab.subjects[q.subjects[0]].side:
        return None
    named = q.subjects[0]
    return named if vocab.subjects[named].side not in sides and "" not in sides else None


def _other_side_not_found(ctx: Context, subject: str, mlabel: str) -> Answer | None:
    """Not found, naming what was asked, when the question named the other side's subject: no
    zero from an empty table or a "无…" sentence of the matched subject either."""
    asked = _names_other_side(ctx, subject)
    if asked is None:
        return None
    body = ctx.rules.templates["not_found"].format(when="", subject=asked, mlabel=mlabel)
    return Answer("", "no_answer", body, intent="lookup", suggestions=ctx.rules.examples[:3])


def _stated_year(ctx: Context, report: ReportInfo, q) -> int:
    """The year a stated figure must be about: the one the question names, 上年, or the report's."""
    ents = ctx.ents
    other = [y for y in (ents.years if ents else []) if y != report.year]
    if other:
        return other[0]
    if (q is not None and q.previous) or (ents and ents.relative_year in ctx.rules.word("last_year_words")):
        return report.year - 1
    return report.year


def _note_stated(
    ctx: Context, ans: Answer, best: Figure, figs: list[Figure], report: ReportInfo, measure: str
) -> None:
    """A table answer whose 说明 states another figure: the table wins, and the answer says so.
    A stated answer whose 说明 states another figure elsewhere: said too, with both sentences."""
    if best.stated:
        other = next(
            (f for f in figs[1:] if f.stated == best.stated and not f.derived and not best.derived), None
        )
        if other is not None:
            note = ctx.rules.templates["stated_elsewhere"].format(
                value=_fmt(other.value, other.unit), unit=other.unit, source=_source_text(other.citation)
            )
            ans.notes.append(note)
            ans.text += note
            ans.citations.append(other.citation)
        return
    if best.citation.table is None or _other_year(ctx, report):
        return
    stated = [f for f in _stated(ctx, report, best.subject, measure, wording=False) or [] if not f.derived]
    shown = amount_of(best.value, best.unit)
    other = next((f for f in stated if amount_of(f.value, f.unit)[1] == shown[1]), None)
    if other is None or amount_of(other.value, other.unit) == shown or _rounds_to(ctx, best, other):
        return
    note = ctx.rules.templates["stated_disagrees"].format(
        value=_fmt(other.value, other.unit), unit=other.unit, source=_source_text(other.citation)
    )
    ans.notes.append(note)
    ans.text += note
    ans.citations.append(other.citation)


def _rounds_to(ctx: Context, table: Figure, stated: Figure) -> bool:
    """Does the 说明's figure print the table's amount rounded to its own unit and decimals
    (164,978,640.00元 in the table, 16,497.86万元 in the text)? Then the two agree."""
    money = ctx.rules.word("money_units")
    if table.unit not in money or stated.unit not in money:
        return False
    exact = convert_money(table.value, table.unit, stated.unit)
    places = Decimal(1).scaleb(min(stated.value.as_tuple().exponent, 0))
    return exact.quantize(places, ROUND_HALF_UP) == stated.value


def _wording(ctx: Context, question: str, forms: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The question's character pairs without the subject's names: all of them (measure words
    included: 年初预算 vs 全年预算), and without the measure's words (weighed by the measure term)."""
    for f in sorted(forms, key=len, reverse=True):
        question = question.replace(f, " ")
    worded = _bigrams(question)
    measure_words = [w for m in ctx.rules.measures.values() for w in m.words]
    for f in sorted(measure_words, key=len, reverse=True):
        question = question.replace(f, " ")
    return worded, _bigrams(question)


def _year_fits(
    ctx: Context, clause: str, pre: str, report: ReportInfo, other_years: list[int], previous: bool
) -> bool:
    """Is a narrative figure about the year asked (the report's own unless another or 上年 is asked)?"""
    year = _year_of(clause, pre, report.year)
    if (
        year == report.year - 1
        and report.kind == ctx.rules.one("budget")
        and re.search(ctx.rules.pattern("as_of_date"), pre)
    ):
        year = report.year  # a budget's "截至2025年8月31日，共有车辆3辆" is its own year's stock
    if other_years or previous:
        wanted = set(other_years) | ({report.year - 1} if previous else set())
        return year in wanted or bool(
            previous and re.search(ctx.rules.pattern("mentions_last_year"), clause)
        )
    return year == report.year and not re.search(ctx.rules.pattern("mentions_last_year"), clause)


def narrative_only(
    ctx: Context, report: ReportInfo, subject: str, measure: str, wording: bool = True
) -> list[Figure]:
    # the narrative: figures whose clause (or, weaker, whose sentence before them) names the subject
    forms = [subject] + [f for f, s in ctx.rules.synonyms.items() if s == subject and len(f) >= 2]
    if subject == SANGONG:
        forms = list(ctx.rules.word("sangong_short"))
    parts = _part_names(ctx, subject)
    sql = "SELECT * FROM narrative_figures WHERE report_id = ? ORDER BY COALESCE(page, 0), line, id"
    rows = ctx.run(ctx.db, sql, [report.id])
    ents = ctx.ents
    other_years = [y for y in (ents.years if ents else []) if y != report.year]
    previous = bool(
        ents
        and ents.relative_year in ctx.rules.word("last_year_words")
        and "change" not in ents.operations
    )
    question = (ents.plain if ents and ents.plain else ctx.question) if wording else subject
    worded, rest = _wording(ctx, question, forms)
    wants_rate = wording and bool(re.search(ctx.rules.pattern("asks_rate"), ctx.question))
    unexplained = _unexplained_sounds(ctx, report) if ents and wording else set()
    scored = []
    for r in rows:
        clause = r["context"].replace(" ", "").replace(report.department, "")
        pre = _prefix(r["sentence"], r["raw"]).replace(" ", "").replace(report.department, "")
        in_ctx = any(f in clause for f in forms)
        in_pre = any(f in pre for f in forms)
        # the sentence before may name it: then the section heading does ("十、…“三公”经费…")
        in_section = any(f in (r["section_path"] or "").split(" > ")[-1] for f in forms)
        if not (in_ctx or in_pre or in_section):
            continue
        if not in_ctx and any(p in clause for p in parts):
            continue  # "其中：因公出国(境)费1.11万元" under a 三公 sentence is a part, not the whole
        if (r["unit"] == "%" and not wants_rate) or not _year_fits(
            ctx, clause, pre, report, other_years, previous
        ):
            continue
        if re.search(ctx.rules.pattern("states_a_change"), clause):  # a change, not a year's figure
            continue
        # a fund's name holds 预算 (一般公共预算…, 2014's 公共预算财政拨款): it says no measure
        plain = ctx.rules.pattern("budget_in_names").sub("", clause)
        for fund in ctx.rules.word("budget_fund_names"):  # 公共预算财政拨款 is a fund, not a budget
            plain = plain.replace(fund, "")
        budget = (
            ctx.rules.one("budget") in plain
            or report.kind == ctx.rules.one("budget")  # a budget's 说明 speaks of budgets
        ) and ctx.rules.one("final_accounts") not in plain
        score = (2.0 if in_ctx else 1.0 if in_pre else 0.5) + 1.5 * len(rest & _bigrams(clause))
        score += 0.5 * len((worded - rest) & _bigrams(clause))
        # the subject's own name beats a looser synonym ("政府采购支出总额" vs "采购金额")
        score += 0.5 if subject in clause else 0.0
        covered = bool(unexplained) and unexplained <= _sound_bigrams(clause)
        if (measure == "budget") != budget and not covered:
            continue  # a budget is not an answer about spending, nor the other way round
        score += 0.5 if (measure == "budget") == budget else -2.0
        score += (2.0 if r["unit"] == "%" else -2.0) if wants_rate else 0.0
        if unexplained:
            met = len(unexplained & _sound_bigrams(clause))
            if not met and len(unexplained) >= UNEXPLAINED_MIN:
                continue  # the words the question adds ("面向小微企业预留…") are not this figure's
            score += 4.0 * met / len(unexplained)
        scored.append((score, r))
    scored.sort(key=lambda x: -x[0])
    figs = [narrative_figure(report, r, subject) for sc, r in scored[:3] if sc > 0]
    # two clauses that name the subject as well as each other with different figures (中楼乡's
    # 差旅费 20万元 under 政府办公厅 and 差旅费 30万元 under 其他行政专项): the question cannot
    # tell which; remembered so that the answer asks back (``_tied``)
    ends = tuple(forms)
    tied = [
        f
        for (sc, _r), f in zip(scored, figs, strict=False)
        if sc > 0 and sc == scored[0][0] and _clause_name(ctx, f.column).endswith(ends)
    ]
    if len({(f.value, f.unit) for f in tied}) > 1:
        ctx.notes["narrative_tie"] = tied
    return figs


def _part_names(ctx: Context, subject: str) -> list[str]:
    """The names of a subject's parts (rules/zh/lexicon.yaml groups, with their synonyms, at
    any depth): a clause that names one of them states that part's figure."""
    names, todo = [], list(ctx.rules.groups.get(subject, []))
    while todo:
        part = todo.pop()
        if part in names:
            continue
        names.append(part)
        names += [f for f, s in ctx.rules.synonyms.items() if s == part and len(f) >= 2]
        todo += ctx.rules.groups.get(part, [])
    return names


def _unexplained_sounds(ctx: Context, report: ReportInfo) -> frozenset[tuple[str, str]]:
    """The sound pairs of the question's leftover words that a narrative figure's clause must
    meet, less those of the measure words: a misspelt measure (预酸 for 预算) left over says
    which measure, not which figure, so it never lets "面向小微企业预留…预酸金额" meet the
    sentence of the 政府采购预算 by its 预算 alone."""
    measure_sounds = _sound_bigrams(" ".join(w for m in ctx.rules.measures.values() for w in m.words))
    return _sound_bigrams(" ".join(_leftover(ctx, report))) - measure_sounds


def lookup(
    ctx: Context,
    text,
    tokens,
    ents: Entities,
    report: ReportInfo,
    conv: Conversation | None,
    follow: FollowUp | None = None,
) -> Answer:
    """A figure question: the follow-up applied (as the dialogue stage read the conversation, or
    read here for a question the handler asks itself), then the operation or the figure."""
    if (ents.relative_year == ctx.rules.one("last_year_word") and report.year == date.today().year - 1) or (
        ents.relative_year and report.year in ents.years
    ):
        # 去年 by the calendar, or "去年（2024年度）": this report's own year
        ents = replace(ents, relative_year=None)
    follow = follow if follow is not None else follow_up(text, ents, conv, ctx.rules)
    ents = follow.applied_to(ents)
    ctx = replace(ctx, ents=ents)
    found = _with_conversation(ctx, text, ents, report, follow)
    if isinstance(found, Answer):
        return found
    subjects = found
    if ents.ambiguous and not subjects:
        found = _ambiguous_subject(ctx, text, ents, report)
        if isinstance(found, Answer):
            return found
        subjects = found
    if not subjects and _staff_named(ctx):
        subjects = [Match(_staff_named(ctx), "", 0, 0, 100.0, "exact")]
    if not subjects:
        found = _no_subject(ctx, text, tokens, ents, report, conv)
        if isinstance(found, Answer):
            return found
        subjects = found
    measure = _measure(ents, follow)
    ops = list(ents.operations) or ([follow.operation] if follow.operation else [])
    if conv is not None:
        _remember(ctx, conv, subjects, measure, ops)
    if _actual_of_a_budget(ctx, text, ents, ops, report, follow.leans_on_last):
        return Answer(
            "",
            "no_answer",
            ctx.rules.templates["budget_report_no_actual"].format(report_label=report.label),
            intent="lookup",
        )
    return _operate(ctx, text, ents, subjects, measure, ops, report)


def _actual_of_a_budget(
    ctx: Context, text: str, ents: Entities, ops: list[str], report: ReportInfo, follow_up: bool
) -> bool:
    """"招商局三公经费实际花了多少" when only its 预算 is loaded: the question says 实际 / 决算 in
    so many words, and a budget is not what was spent — never its figure as the answer."""
    if report.kind != ctx.rules.one("budget") or follow_up or ops or tuple(ents.measures) != ("actual",):
        return False
    return any(w in text for w in ctx.rules.word("explicit_actual_words"))


def _with_conversation(
    ctx: Context, text, ents: Entities, report: ReportInfo, follow: FollowUp
) -> Answer | list[Match]:
    """The subjects once the conversation is read (:func:`bot.dialogue.follow_up`), or the answer
    the follow-up gives itself: a narrative fact near the last subjects, or asking back which part
    of which whole 占比呢 means after several parts."""
    if follow.near:
        near = [x for n in follow.near for x in [n] + [f for f, t in ctx.rules.synonyms.items() if t == n]]
        found = texts.narrative_match(ctx, text, ents, report, near=near)
        if found is not None:
            return found
    if follow.share_of_last == "ask":
        return Answer(
            "",
            "clarify",
            ctx.rules.templates["ask_share_of_which"],
            intent="share",
            suggestions=[
                ctx.rules.templates["suggest_share_of_total"].format(names_0=m.subject)
                for m in follow.subjects[:4]
            ],
            confidence=0.3,
        )
    if follow.share_of_last == "parts_of_sum":
        ctx.notes["shares_of_sum"] = True
    return list(follow.subjects)


def _ambiguous_subject(ctx: Context, text, ents: Entities, report: ReportInfo) -> Answer | list[Match]:
    """No subject, several names fit the words: a narrative fact in the unit asked (几人), the one
    subject the 说明 grammar reads where its phrase explains every leftover word, or ask back with
    the names — never a total the leftover words do not explain (基本经费支出 is not 本年支出合计)."""
    if requested_unit(text) in ctx.rules.word("count_units"):
        found = texts.narrative_match(ctx, text, ents, report, unit=requested_unit(text))
        if found is not None:
            return found
    named = _grammar_subject(ctx, ents.ambiguous, report)
    if named is not None:
        return [Match(named, named, 0, 0, 100.0, "exact")]
    guessed = bool(ents.candidates) and set(ents.ambiguous) <= {s for s, _ in ents.candidates}
    if _kind_fits(ctx, ents, report) and (guessed or not _prints_any(ctx, report, ents.ambiguous)):
        # the names that fit are other reports' (计划生育事务 for "人口与计划生育支出") or a fuzzy
        # guess (公务用车运行维护费 for 维修费): the 说明's own clause that covers the words,
        # clearly better than any other
        found = texts.narrative_match(ctx, text, ents, report)
        if found is not None:
            return found
    return Answer(
        "",
        "clarify",
        ctx.rules.templates["clarify"].format(subject=_residue_word(text, ctx.rules)),
        intent="lookup",
        suggestions=[ctx.rules.templates["suggest_how_much"].format(s=s) for s in ents.ambiguous[:6]],
        confidence=0.3,
    )


def _kind_fits(ctx: Context, ents: Entities, report: ReportInfo) -> bool:
    """Does the measure asked fit the report's kind (a budget asked of a 预算, actual spending
    of a 决算, or none asked)? A narrative figure carries the report's own kind."""
    budget = report.kind == ctx.rules.one("budget")
    return not (("budget" in ents.measures and not budget) or ("actual" in ents.measures and budget))


def _prints_any(ctx: Context, report: ReportInfo, subjects: list[str]) -> bool:
    """Does the report print (in a table, or as a stated fact) any of these subjects?"""
    if not subjects:
        return False
    marks = ",".join("?" * len(subjects))
    sql = f"SELECT 1 FROM facts WHERE report_id = ? AND subject IN ({marks}) LIMIT 1"
    try:
        return bool(ctx.run(ctx.db, sql, [report.id, *subjects]))
    except sqlite3.OperationalError:
        return True  # a knowledge base without the facts index: ask back as before


def _grammar_subject(ctx: Context, ambiguous: list[str], report: ReportInfo) -> str | None:
    """The one subject the 说明 grammar reads in the question where the words matched several
    ("本年支出" split into 本年 + 支出; "支出预算" against unit-table rows): its bot name, the
    one among the candidates if any is. Only when the grammar's phrase explains every word the
    question leaves over: "基本经费支出" leaves 基本, which 支出 (本年支出合计) does not explain,
    so the question asks back among the 基本… names rather than answering the total."""
    vocab = stated_vocabulary()
    q = read_question(ctx.question, vocab) if ctx.question else None
    if q is None or len(q.subjects) != 1:
        return None
    # a unit's own name among the candidates (政府行政机关 of 政府行政机关（财政核拨）) says which row
    # of the 单位基本情况 table, not which subject: the grammar's subject (人员编制数) is its column
    units = [bare_unit(a) for a in ambiguous if bare_unit(a) != a]
    leftover = [_without(w, units) for w in _leftover(ctx, report) if not any(w in u for u in units)]
    if any(w and w not in q.phrases[0] for w in leftover):
        return None
    asked = vocab.subjects[q.subjects[0]].asked_as
    inside = [a for a in asked if a in ambiguous]
    if len(inside) == 1:
        return inside[0]
    return asked[-1] if asked and not inside else None


def _no_subject(ctx: Context, text, tokens, ents: Entities, report: ReportInfo, conv) -> Answer | list[Match]:
    """No subject named: a ranking, a change, a total, a budget against actual, a narrative fact or
    sentence, or ask back. A total is returned as the subject to look up."""
    if {"rank_max", "rank_min"} & set(ents.operations):
        return compute.rank(ctx, text, ents.operations, report)
    if "change" in ents.operations:
        if re.search(ctx.rules.pattern("asks_overall"), text):
            return compute.change(ctx, list(ctx.rules.word("expenditure_total_row")), report, text)
        return Answer(
            "",
            "clarify",
            ctx.rules.templates["ask_change_of_what"],
            intent="change",
            suggestions=list(ctx.rules.word("change_suggestions")),
            confidence=0.3,
        )
    total_words = ctx.rules.one("asks_total_words") + (
        ctx.rules.one("asks_total_words_budget") if report.kind == ctx.rules.one("budget") else ""
    )
    if not (set(ents.rest.split()) - set(ctx.rules.word("total_question_words"))) and re.search(
        total_words, text
    ):
        total = (
            ctx.rules.one("income_total_row")
            if ctx.rules.one("income_word") in text and ctx.rules.one("expenditure_word") not in text
            else ctx.rules.one("expenditure_total_row")
        )
        return [Match(total, total, 0, 0, 90.0, "total")]
    return _no_subject_fact(ctx, text, tokens, ents, report, conv)


def _no_subject_fact(ctx: Context, text, tokens, ents: Entities, report: ReportInfo, conv) -> Answer:
    """No subject and no total: budget against actual, a narrative fact, ask back, or a sentence."""
    if {"actual", "budget"} <= set(ents.measures) or (
        "rate" in ents.operations and "budget" in ents.measures
    ):
        found = compute.budget_vs_actual(ctx, text, ents, report)
        if found is not None:
            return found
    wanted = requested_unit(text)
    if wanted in ctx.rules.word("count_units"):
        found = texts.narrative_match(ctx, text, ents, report, unit=wanted)
        if found is not None:
            return found
    found = texts.narrative_match(ctx, text, ents, report)
    if found is not None:
        return found
    if ents.measures or ents.operations:
        if conv is not None:
            conv.measure = next((m for m in ents.measures if m in ("actual", "budget")), conv.measure)
            conv.pending = True
        return Answer(
            "",
            "clarify",
            ctx.rules.templates["ask_which_figure"],
            intent="lookup",
            suggestions=ctx.rules.examples[:4],
            confidence=0.2,
        )
    found = texts.section_named(ctx, text, report) or texts.sentence_match(ctx, text, tokens, ents, report)
    if found is not None:
        return found
    return Answer(
        "",
        "no_answer",
        ctx.rules.templates["no_subject"].format(examples=examples_text(ctx.rules)),
        intent="lookup",
    )


def _remember(ctx: Context, conv, subjects: list[Match], measure: str, ops: list[str]) -> None:
    """What a follow-up needs next time: the subjects (the last four), measure and operation."""
    conv.pending = False
    for m in subjects:
        if m.subject in conv.recent:
            conv.recent.remove(m.subject)
        conv.recent.append(m.subject)
    conv.recent[:] = conv.recent[-4:]
    conv.subjects = [m.subject for m in subjects]
    conv.measure = measure
    conv.operation = ops[0] if ops else None


def _operate(
    ctx: Context, text, ents: Entities, subjects: list[Match], measure: str, ops: list[str], report
) -> Answer:
    """The operation asked over the subjects (share, change, difference, sum …), or one figure."""
    found = _parts_asked(ctx, text, ents, subjects, measure, ops, report)
    if isinstance(found, Answer):
        return found
    subjects, ops = found
    names = [m.subject for m in subjects]
    computed = _computed(ctx, text, ents, names, measure, ops, report)
    if computed is not None:
        return computed
    joined = text
    for m in subjects:  # the 及 inside 公务用车购置及运行维护费 joins no two subjects
        joined = joined.replace(m.surface, " ") if m.surface else joined
    if len(names) >= 2 and re.search(ctx.rules.pattern("and_words"), joined) and "sum" not in ops:
        # two subjects asked together: answer both, each cited
        return _several(ctx, names, measure, report)
    if len(names) == 2 and not ops:
        found = _row_and_column(ctx, names, measure, report)
        if found is not None:
            return found
    code = subjects[0].surface if subjects[0].method == "code" else None
    name = _name_of_code(ctx, report, code) if code else names[0]
    return _single(ctx, name, measure, report, code, subjects[0])


def _parts_asked(
    ctx: Context, text, ents: Entities, subjects: list[Match], measure: str, ops: list[str], report
) -> Answer | tuple[list[Match], list[str]]:
    """The subjects the operation is over, and the operations, before any figure is read: a sum
    joined by 加; a row named inside its table (行政运行 × 基本支出: the cell or ask back); the
    narrower of two names that are one compound name; and a part not understood named, so that
    no operation silently answers one part's figure."""
    names = [m.subject for m in subjects]
    added = "sum" not in ops and _adds_parts(ctx, text, subjects)
    if added:
        ops = [*ops, "sum"]  # "办公费加邮电费": the sum, even with no 多少, never one part alone
    specific = [n for n in names if n not in CONTAINERS and not _holds_another(ctx, n, names)]
    combine = bool({"share", "difference", "sum", "average"} & set(ops)) or re.search(
        ctx.rules.pattern("and_words"), text
    )
    if len(names) == 2 and not ops and set(names) & CONTAINERS and set(names) - CONTAINERS:
        found = _row_and_column(ctx, names, measure, report, container=True)
        if found is not None:
            return found  # 行政运行 × 基本支出: the cell, or ask back; never the row's total
    if len(names) > 1 and not combine:
        keep = specific or names[-1:]  # "一般公共预算财政拨款基本支出": the narrower, named last
        names = keep
        subjects = [m for m in subjects if m.subject in keep]
    missing = _other_part_not_understood(ctx, names, ops, ents)
    if not missing and len(names) == 1 and (added or adds_to_last(text, subjects, ctx.rules)):
        # 加 and no other part read ("办公费加上", "加上邮电费" with nothing asked before)
        return Answer(
            "",
            "clarify",
            ctx.rules.templates["sum_needs_another_part"].format(known=names[0]),
            intent="compute",
            suggestions=[ctx.rules.templates["suggest_how_much"].format(s=names[0])],
            confidence=0.3,
        )
    if missing:  # "办公费和飞机费差多少": never 办公费's figure alone
        return Answer(
            "",
            "no_answer",
            ctx.rules.templates["part_not_understood"].format(parts="、".join(missing), known=names[0]),
            intent="compute",
            suggestions=[ctx.rules.templates["suggest_how_much"].format(s=names[0])],
        )
    return subjects, ops


def _computed(
    ctx: Context, text, ents: Entities, names: list[str], measure: str, ops: list[str], report
) -> Answer | None:
    """The computation the operations ask for, in the order that decides between them (an
    average or budget-vs-actual before a share, a share of the last sum before a plain share);
    None when no operation applies and the subjects are looked up as figures."""
    if "average" in ops:
        return compute.average(ctx, names, measure, report)
    if set(names) <= TOTALS | set(ctx.rules.word("general_budget_grant_expenditure")) and (
        "rate" in ops or ({"actual", "budget"} <= set(ents.measures) and "difference" in ops)
    ):
        found = compute.budget_vs_actual(ctx, text, ents, report)
        if found is not None:
            return found
    if "rank_max" in ops or "rank_min" in ops:
        return compute.rank(ctx, text, ops, report)
    if "rate" in ops and len(names) == 1:
        return compute.rate_of_budget(ctx, names[0], report)  # 完成预算的百分之几: 决算 ÷ 预算
    if "share" in ops and ctx.notes.get("shares_of_sum"):
        return compute.shares_of_sum(ctx, names, measure, report)
    if "share" in ops:
        return compute.share(ctx, names, measure, report)
    if "change" in ops:
        return compute.change(ctx, names, report, text)
    if "difference" in ops and (len(names) >= 2 or len(set(ents.measures) & {"actual", "budget"}) == 2):
        return compute.difference(ctx, names, ents, report)
    if "sum" in ops and len(names) >= 2:
        return compute.sum_of(ctx, names, measure, report)
    return None


def _adds_parts(ctx: Context, text: str, subjects: list[Match]) -> bool:
    """Is a subject followed by 加/加上 (the rules' ``added_after_subject``)? "办公费加邮电费" asks
    for the sum by its join word alone, with no 多少 or 一共; read by where the word stands (right
    after a subject's own words), so 增加 or 追加 elsewhere in a question adds nothing."""
    pattern = ctx.rules.pattern("added_after_subject")
    for m in subjects:
        at = text.find(m.surface) if m.surface else -1
        if at >= 0 and pattern.match(text, at + len(m.surface)):
            return True
    return False


def _name_of_code(ctx: Context, report: ReportInfo, code: str) -> str:
    """What this report calls a 科目编码: reports of different years print one code under
    different names (30203 is 咨询费 in one classification, 水费 in another), so the catalog's
    name for it is only the fallback."""
    rows = ctx.run(
        ctx.db,
        "SELECT name FROM table_rows WHERE report_id = ? AND code = ? AND name IS NOT NULL ORDER BY id LIMIT 1",
        [report.id, code],
    )
    return bare(rows[0]["name"]) if rows and bare(rows[0]["name"]) else ctx.catalog.codes.get(code, code)


def _printed_in_unit(ctx: Context, report: ReportInfo, exact: Decimal, unit: str) -> Figure | None:
    """The report's own printing of an amount in the unit asked: a table's 31,214,205.80元 is
    stated as 3121.42万元 in its text (rounded to 0.01万元). Only a non-zero amount the
    conversion does not already give exactly."""
    if not exact or exact == exact.quantize(TWO):
        return None
    near = {exact.quantize(TWO, ROUND_HALF_UP)}  # a figure cut rather than rounded is the report's slip
    rows = ctx.run(
        ctx.db,
        "SELECT * FROM narrative_figures WHERE report_id = ? AND unit = ? ORDER BY COALESCE(page, 0), line, id",
        [report.id, unit],
    )
    for r in rows:
        try:
            if Decimal(r["value"]) in near:
                return narrative_figure(report, r, r["context"] or "")
        except ArithmeticError:
            continue
    return None


def _other_part_not_understood(ctx: Context, names: list[str], ops: list[str], ents: Entities) -> list[str]:
    """The words of a second part the question joins to the one subject understood ("和飞机费",
    "比飞机费", "和电脑费各"), when it asks about both (a difference, a sum, each of them)."""
    if len(names) != 1 or not ents.rest:
        return []
    joined = ctx.rules.pattern("other_part").findall(ents.rest)
    asks_both = bool({"difference", "sum", "share"} & set(ops)) or bool(
        ctx.rules.pattern("asks_each").search(ents.rest)
    )
    generic = generic_words(ctx.rules)
    named = [names[0], *(m.surface for m in ents.subjects)]
    return (
        [p for p in joined if len(p) >= 2 and p not in generic and not any(p in n for n in named)]
        if asks_both
        else []
    )


def _table_in_unit(ctx: Context, report: ReportInfo, value: Decimal, unit: str, wanted: str) -> Figure | None:
    """The subject asked printed in a table in the unit asked: 9.98万元 of a 三公 table asked in 元
    is the 99,750.00元 of the 基本支出 table, not 99,800 (the 万元 figure is rounded to 100元)."""
    asked = ctx.notes.get("asked")
    if not asked or not value:
        return None
    subject, measure, code = asked
    columns = list(ctx.rules.measures[measure].columns)
    if report.kind == ctx.rules.one("budget"):  # a budget's tables: 合计 is its budget
        columns += [c for c in ctx.rules.measures["actual"].columns if c not in columns]
    step = convert_money(TWO, unit, wanted) if unit != wanted else None
    for f in table_figures(ctx.db, ctx, report, subject, columns, code):
        if f.unit == wanted and step is not None and abs(convert_money(value, unit, wanted) - f.value) < step:
            return f
    return None


def _previous_report(ctx: Context, report: ReportInfo) -> ReportInfo | None:
    """The same department's report of the same kind for the year before, when the question
    asks for the year before (上年, 上一年, 去年) and this report does not state it."""
    ents = ctx.ents
    if not ents or ents.relative_year not in ctx.rules.word("last_year_words") or ents.years:
        return None
    return next(
        (
            r
            for r in ctx.catalog.reports
            if r.department == report.department and r.kind == report.kind and r.year == report.year - 1
        ),
        None,
    )


def _holds_another(ctx: Context, name: str, names: list[str]) -> bool:
    """Is this subject a whole that holds another one named ("三公经费里公务接待费")? Then the
    question is about the part."""
    seen, todo = set(), list(ctx.rules.groups.get(name, []))
    while todo:
        part = todo.pop()
        if part in names:
            return True
        if part not in seen:
            seen.add(part)
            todo += ctx.rules.groups.get(part, [])
    return False


def _single(ctx: Context, subject, measure, report, code=None, match: Match | None = None) -> Answer:
    """One figure of one report, cited; a note when another table prints a different value."""
    figs = find_figures(ctx, report, subject, measure, code, question=ctx.question)
    ctx.notes["asked"] = (subject, measure, code)  # for the unit asked: the same subject printed in it
    mlabel = ctx.rules.measures[measure].label
    if not figs:
        staff = _staff_column(ctx, subject, report)
        if staff is not None:
            return staff
        parts = ctx.rules.groups.get(subject, [])
        if parts and subject != SANGONG and all(find_figures(ctx, report, p, measure) for p in parts):
            # a whole the report prints only as its parts (水电费 = 水费 + 电费): their sum, each cited
            return compute.sum_of(ctx, list(parts), measure, report)
        if subject in ctx.rules.word("vehicle_count_subjects") and ctx.ents is not None:
            held = _vehicles_held(ctx, ctx.ents, report)  # 车辆 not stated: the 公务用车保有量
            if held is not None:
                return held
        if report.kind == ctx.rules.one("budget"):
            mlabel = ctx.rules.measures["budget"].label  # a budget report holds no 决算数
        return _other_side_not_found(ctx, subject, mlabel) or _not_found(
            ctx, subject, measure, mlabel, report, code
        )
    best = figs[0]
    tied = _tied(ctx, best)
    if tied:
        items = "；".join(f"{_fmt(f.value)}{f.unit}（{_source_text(f.citation)}）" for f in tied)
        return Answer(
            "",
            "clarify",
            ctx.rules.templates["narrative_tie"].format(report_label=report.label, subject=subject, items=items),
            intent="lookup",
            citations=[f.citation for f in tied],
            confidence=0.3,
        )
    conf = (
        0.95
        if not match or match.method in ("exact", "code", "conversation")
        else min(0.9, match.score / 100)
    )
    ans = Answer(
        "",
        "answered",
        _figure_sentence(ctx, report, subject, best, mlabel),
        intent="lookup",
        value=best.value,
        unit=best.unit,
        confidence=conf,
        citations=[best.citation],
    )
    if best.empty_cell:
        ans.text = ans.text.rstrip("。") + ctx.rules.templates["empty_cell_is_zero"]
    _note_other_tables(ctx, ans, best, figs)
    _note_stated(ctx, ans, best, figs, report, measure)
    return ans


def _vehicles_held(ctx: Context, ents: Entities, report: ReportInfo) -> Answer | None:
    """"公务用车有几辆", "有几辆车": the vehicles the 说明 states the department holds — its
    公务用车保有量 first when the question names the official cars (the 公务用车 subjects), else
    its 车辆 (every vehicle), the other when that one is not stated."""
    order = list(ctx.rules.word("vehicle_count_subjects"))
    cars = {ctx.rules.one("official_vehicles"), *ctx.rules.groups.get(ctx.rules.one("official_vehicles"), [])}
    if any(m.subject in cars for m in ents.subjects):
        order.reverse()
    measure = "budget" if report.kind == ctx.rules.one("budget") else "actual"
    mlabel = ctx.rules.measures[measure].label
    for name in order:
        figs = _from_text(ctx, report, name, measure, wording=False)
        if figs:
            best = figs[0]
            return Answer(
                "",
                "answered",
                _figure_sentence(ctx, report, name, best, mlabel),
                intent="lookup",
                value=best.value,
                unit=best.unit,
                confidence=0.8,
                citations=[best.citation],
            )
    return None


def _tied(ctx: Context, best: Figure) -> list[Figure]:
    """The narrative figures tied with the best one for the subject (narrative_only), when it is
    one of them: the question cannot tell them apart."""
    tied = ctx.notes.pop("narrative_tie", None) or []
    return tied if any(f is best for f in tied) else []


def _figure_sentence(ctx: Context, report: ReportInfo, subject: str, best: Figure, mlabel: str) -> str:
    """The answer's sentence for one figure, by where the figure stands: a table cell (with the
    column's measure word), a stated fact of the 说明 (quoting its sentence), or a narrative
    clause; each its own template, so a reader sees which kind of source answered."""
    T = ctx.rules.templates
    body = T["lookup"].format(
        report=report.label,
        subject=subject,
        measure=("" if best.citation.table is None else _measure_word(ctx, best, mlabel, report)),
        value=_fmt(best.value, best.unit),
        unit=best.unit,
        source=_source_text(best.citation),
    )
    if best.stated:
        body = T["stated_figure_derived" if best.derived else "stated_figure"].format(
            report=report.label,
            year=best.year,
            subject=best.subject,
            measure=best.stated if best.unit in MONEY else "",  # 车辆 9辆, not 车辆决算 9辆
            value=_fmt(best.value, best.unit),
            unit=best.unit,
            source=_source_text(best.citation),
            sentence=best.citation.quote,
        )
    elif best.citation.table is None:
        body = T["narrative"].format(
            report=report.label,
            context=_clause(best),
            value=_fmt(best.value, best.unit),
            unit=best.unit,
            source=_source_text(best.citation),
        )
    return body


def _container_holds(ctx: Context, names: list[str], measure: str, report: ReportInfo) -> bool:
    """Is the specific subject a row of a table the container names (办公费 in the 基本支出
    表), or has it no row at all? Then the container only narrows where to look."""
    inner = [n for n in names if n not in CONTAINERS][0]
    outer = [n for n in names if n in CONTAINERS][0]
    figs = table_figures(ctx.db, ctx, report, inner, list(ctx.rules.measures[measure].columns))
    return not figs or any(outer in (f.table_title or "") for f in figs)


def _staff_named(ctx: Context) -> str:
    """The staff count the 说明 grammar reads in a question no subject matched (在职人数)."""
    vocab = stated_vocabulary()
    q = read_question(ctx.question, vocab) if ctx.question else None
    if q is None or len(q.subjects) != 1 or vocab.subjects[q.subjects[0]].unit != "staff":
        return ""
    return next(iter(vocab.subjects[q.subjects[0]].asked_as), "")


def _staff_column(ctx: Context, subject: str, report: ReportInfo) -> Answer | None:
    """Staff counts printed as columns of a 单位基本情况 table (人员编制数 / 在职人数 by unit, no
    total row): the one row's cell, or the row the question names; several rows and none named
    ask back which unit — never one unit's count as the department's, nor a sum the page omits."""
    vocab = stated_vocabulary()
    names = {n for n, spec in vocab.subjects.items() if subject in spec.asked_as and spec.unit == "staff"}
    q = read_question(ctx.question, vocab) if ctx.question else None
    if q is not None and len(q.subjects) == 1 and vocab.subjects[q.subjects[0]].unit == "staff":
        names, subject = {q.subjects[0]}, q.subjects[0]  # 在职人员 asked, not 在编 matched loosely
    columns = [p for p, n in vocab.phrase_subject.items() if n in names]
    cells = [c for c in columns_named(ctx.db, ctx, report, columns) if c["value"] is not None]
    if not cells:
        return None
    named = [c for c in cells if len(bare_unit(c["name"])) >= 2 and bare_unit(c["name"]) in ctx.question]
    cells = named or cells
    if len(cells) > 1:
        return Answer(
            "",
            "clarify",
            ctx.rules.templates["clarify"].format(subject=subject),
            intent="lookup",
            suggestions=[
                ctx.rules.templates["suggest_how_much"].format(s=bare_unit(c["name"]) + subject)
                for c in cells[:6]
            ],
            confidence=0.3,
        )
    c = cells[0]
    value, cite = Decimal(c["value"]), row_citation(report, c, c["column_name"])
    body = ctx.rules.templates["lookup"].format(
        report=report.label,
        subject=subject,
        measure="",
        value=_fmt(value, c["unit"]),
        unit=c["unit"],
        source=_source_text(cite),
    )
    return Answer(
        "", "answered", body, intent="lookup", value=value, unit=c["unit"], confidence=0.9, citations=[cite]
    )


def _row_and_column(
    ctx: Context, names: list[str], measure: str, report: ReportInfo, container: bool = False
) -> Answer | None:
    """Two subjects, one a table row and the other a column of that row's table (行政运行 ×
    公务接待费): the cell where they meet. A row whose table has no such column, while the other
    name is no row either, cannot be resolved: ask back, never another column's figure."""
    mlabel = ctx.rules.measures[measure].label
    tried = [
        (a, b, row_column_figures(ctx.db, ctx, report, a, b, mlabel))
        for a, b in ((names[0], names[1]), (names[1], names[0]))
    ]
    hit = next(((a, b, f) for a, b, f in tried if f), None)
    if hit is not None:
        a, b, figs = hit
        best = figs[0]
        body = ctx.rules.templates["lookup"].format(
            report=report.label,
            subject=a + b,
            measure=_measure_word(ctx, best, mlabel, report),
            value=_fmt(best.value, best.unit),
            unit=best.unit,
            source=_source_text(best.citation),
        )
        ans = Answer(
            "",
            "answered",
            body,
            intent="lookup",
            value=best.value,
            unit=best.unit,
            confidence=0.9,
            citations=[best.citation],
        )
        if best.empty_cell:
            ans.text = body.rstrip("。") + ctx.rules.templates["empty_cell_is_zero"]
        return ans
    if all(f is None for _, _, f in tried):
        return None  # neither is a row: the narrative or a column total answers as before
    if container and _container_holds(ctx, names, measure, report):
        return None  # 基本支出中的办公费: the row of the 基本支出 table answers
    return Answer(
        "",
        "clarify",
        ctx.rules.templates["clarify"].format(subject=names[0] + names[1]),
        intent="lookup",
        suggestions=[ctx.rules.templates["suggest_how_much"].format(s=n) for n in names],
        confidence=0.3,
    )


def _other_year(ctx: Context, report: ReportInfo) -> bool:
    """Does the question ask about another year than the report's own (2023, 上年)?"""
    ents = ctx.ents
    return bool(
        ents
        and (
            [y for y in ents.years if y != report.year]
            or ents.relative_year in ctx.rules.word("last_year_words")
        )
    )


def _not_found(ctx: Context, subject, measure, mlabel, report, code) -> Answer:
    """No figure: a table the report declares empty (zero), a sentence saying there is none
    (zero), a budget the report does not give, or no answer."""
    T = ctx.rules.templates
    ents = ctx.ents
    other_year = _other_year(ctx, report)
    earlier = _previous_report(ctx, report) if other_year else None
    if earlier is not None:  # 上年 not stated in this report: the year before's own report
        plain = replace(ents, relative_year=None, years=[earlier.year])
        return _single(replace(ctx, ents=plain), subject, measure, earlier, code)
    empty = None if other_year else empty_table_for(ctx.db, ctx, report, subject)
    if empty:
        why = empty["empty_reason"] or ctx.rules.one("empty_table_reason")
        c = Citation(
            report=report.title,
            table=empty["label"],
            quote=why,
            line=empty["line"],
            page=empty["page"],
        )
        body = T["lookup_zero"].format(
            report=report.label, subject=subject, measure=mlabel, source=_source_text(c), why=why
        )
        return Answer(
            "",
            "answered",
            body,
            intent="lookup",
            value=Decimal("0.00"),
            unit=empty["unit"],
            confidence=0.9,
            citations=[c],
        )
    if not other_year:
        none = _says_none(ctx, report, subject)
        if none is not None:
            return none
    if measure == "budget" and not other_year and find_figures(ctx, report, subject, "actual", code):
        return Answer(
            "",
            "no_answer",
            ctx.rules.templates["no_budget_given"].format(subject=subject),
            intent="lookup",
        )
    when = ""
    if other_year and ents:
        years = [y for y in ents.years if y != report.year]
        when = (
            ctx.rules.templates["in_year"].format(years_0=years[0])
            if years
            else ctx.rules.one("last_year_label")
        )
    return Answer(
        "",
        "no_answer",
        ctx.rules.templates["not_found"].format(when=when, subject=subject, mlabel=mlabel),
        intent="lookup",
        suggestions=ctx.rules.examples[:3],
    )


def _note_other_tables(ctx: Context, ans: Answer, best: Figure, figs: list[Figure]) -> None:
    """Another table printing the same 科目 (by its code) with another value: said, and cited."""
    others = [
        f
        for f in figs[1:]
        if f.value != best.value
        and f.unit == best.unit
        and f.citation.table
        and not f.empty_cell
        and not best.empty_cell
        # only a 科目 (by its code) must agree across tables; totals of different tables
        # (财务收支总表 vs 财政拨款收支总表) legitimately differ
        and re.match(r"^(?:\S+：)?\d{3,7} ", best.citation.row or "")
        and re.match(r"^(?:\S+：)?\d{3,7} ", f.citation.row or "")
    ]
    if others:
        o = others[0]
        note = ctx.rules.templates["tables_disagree"].format(
            o_citation_table=o.citation.table,
            fmt_o_value=_fmt(o.value),
            o_unit=o.unit,
            best_citation_table=best.citation.table,
        )
        ans.notes.append(note)
        ans.text += note
        ans.citations.append(o.citation)


def _says_none(ctx: Context, report: ReportInfo, subject: str) -> Answer | None:
    """A sentence saying the unit has none of it ("…无机关运行经费。"): zero, with that sentence."""
    forms = [subject] + [f for f, t in ctx.rules.synonyms.items() if t == subject and len(f) >= 3]
    for form in forms:
        for r in search_sentences(ctx.db, ctx, report, [form], limit=20):
            sent = re.sub(r"[\"“”]", "", r["text"])
            if re.search(ctx.rules.one("says_there_is_none").format(form=re.escape(form)), sent):
                from ..query import sentence_citation

                c = sentence_citation(report, r)
                unit = ctx.rules.one(
                    "wan_yuan"
                )  # zero is zero in any unit; 万元 is how narratives state amounts
                body = ctx.rules.templates["says_none_so_zero"].format(
                    report_label=report.label,
                    subject=subject,
                    r_text=r["text"],
                    source_text_c=_source_text(c),
                )
                return Answer(
                    "",
                    "answered",
                    body,
                    intent="lookup",
                    value=Decimal("0.00"),
                    unit=unit,
                    confidence=0.8,
                    citations=[c],
                )
    return None


def _measure_word(ctx: Context, f: Figure, mlabel: str, report: ReportInfo | None = None) -> str:
    col = f.column or ""
    if col and col == f.subject:
        return (
            ctx.rules.one("actual_column")
            if report is None or report.kind == ctx.rules.one("final_accounts")
            else ctx.rules.one("budget_column")
        )
    if report is not None and report.kind == ctx.rules.one("budget"):
        return ctx.rules.one("budget_column")
    if ctx.rules.one("budget") in col:
        return ctx.rules.one("budget_column")
    if ctx.rules.one("final_accounts") in col or col in ctx.rules.word("actual_amount_columns"):
        return ctx.rules.one("actual_column")
    return col


def _several(ctx: Context, names, measure, report) -> Answer:
    parts, cites = [], []
    for n in names[:4]:
        figs = find_figures(ctx, report, n, measure)
        if not figs:
            return _single(ctx, n, measure, report)
        parts.append(f"{n} {_fmt(figs[0].value)}{figs[0].unit}（{_source_text(figs[0].citation)}）")
        cites.append(figs[0].citation)
    return Answer(
        "",
        "answered",
        ctx.rules.templates["several_in_report"].format(report_label=report.label) + "；".join(parts) + "。",
        intent="lookup",
        confidence=0.85,
        citations=cites,
    )


def in_requested_unit(ctx: Context, answer: Answer, text: str, ents: Entities, report: ReportInfo) -> Answer:
    """The answer in the unit the question asks for, or an honest "not given".

    Money converts exactly between 元 and 万元 (rounded to 分 for display, the exact value kept
    in the sentence). A question about a count (几辆, 多少人次) or a rate (百分之几) is never
    answered with an amount of money: the narrative is searched for a figure in that unit.
    """
    wanted = requested_unit(text)
    if answer.status != "answered" or answer.value is None or not wanted or answer.unit == wanted:
        return answer
    if wanted == ctx.rules.one("generic_counter") and answer.unit in ctx.rules.word(
        "countable_units"
    ):
        return answer  # 几个 counts people and things alike
    money = (*ctx.rules.word("money_units"), ctx.rules.one("yi_yuan"))
    if wanted in money and answer.unit in money:
        exact = convert_money(answer.value, answer.unit, wanted)
        printed = _printed_in_unit(ctx, report, exact, wanted)
        template = "printed_in_unit_asked"
        if printed is None:
            printed, template = (
                _table_in_unit(ctx, report, answer.value, answer.unit, wanted),
                "table_in_unit_asked",
            )
        if printed is not None:  # the report itself prints this amount in the unit asked
            answer.text = (
                answer.text.rstrip("。")
                + "。"
                + ctx.rules.templates[template].format(
                    value=_fmt(printed.value),
                    unit=wanted,
                    source=_source_text(printed.citation),
                    exact=_fmt_exact(exact),
                )
            )
            answer.value, answer.unit = printed.value, wanted
            answer.citations.append(printed.citation)
            return answer
        answer.text = (
            answer.text.rstrip("。")
            + "。"
            + ctx.rules.templates["in_unit_asked"].format(
                fmt_shown=_fmt_exact(exact), wanted=wanted, value=_fmt(answer.value), unit=answer.unit
            )
        )
        answer.value, answer.unit = exact, wanted
        return answer
    if wanted == "%" and answer.unit != "%" or wanted not in money and wanted != "%":
        found = texts.narrative_match(ctx, text, ents, report, unit=wanted)
        if found is not None:
            return found
        found = _vehicles_held(ctx, ents, report) if wanted in ctx.rules.word("vehicle_units") else None
        if found is not None:
            return found
        return Answer(
            "",
            "no_answer",
            ctx.rules.templates["no_figure_in_unit"].format(wanted=wanted),
            intent=answer.intent,
            suggestions=ctx.rules.examples[:3],
        )
    return answer


def _without(word: str, names: list[str]) -> str:
    """The word with the longest of the names it holds taken out (政府行政机关人员编制 → 人员编制)."""
    for name in sorted(names, key=len, reverse=True):
        if name and name in word:
            return word.replace(name, "", 1)
    return word


def _leftover(ctx: Context, report: ReportInfo) -> list[str]:
    """The question's words no subject, measure or operation explained, less the generic words and
    those naming the report: what a stated subject's own name must explain before its figure is
    the answer (政府采购货物支出 leaves 货物, which 政府采购支出 does not)."""
    ents = ctx.ents
    generic = generic_words(ctx.rules)
    return [
        w for w in (ents.rest.split() if ents else []) if w not in generic and not _names_report(w, report, ctx)
    ]


def _names_report(word: str, report: ReportInfo, ctx: Context | None = None) -> bool:
    """A leftover word that is part of the report's own name or region (平潭 of 平潭综合实验区…):
    it says which report, not which figure, so it never turns a subject's figure away."""
    if len(word) >= 2 and word in (report.region or ""):
        return True
    if (
        ctx is not None
        and word in ctx.rules.word("township_government_words")
        and (report.department or "").endswith(tuple(ctx.rules.word("department_place_types")))
    ):
        return True  # 北厝镇人民政府 for the report printed 北厝镇: the township's government
    # a two-character word is as likely a subject's (服务 of 政府采购服务支出 and of 政务服务…中心),
    # except the kind of body the department's name ends with (政府 of 白青乡政府 for 白青乡人民政府)
    if len(word) == 2 and re.sub(r"[(\uff08].*", "", report.department or "").endswith(word):
        return True
    return len(word) >= 3 and any(word in s for s in (report.department, report.title or ""))


def bare_unit(name: str) -> str:
    """A 单位基本情况 row's unit name without the 经费性质 the table printed beside it
    (政府机关（财政拨款） → 政府机关)."""
    return re.split(r"[(\uff08]", name or "", maxsplit=1)[0].strip()
