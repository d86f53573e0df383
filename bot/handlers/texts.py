"""Answers that are sentences of the report: definitions, reasons, duties, 绩效, matched wording.

Plain functions of the question's :class:`bot.query.Context` (knowledge base, rules, the question).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from decimal import Decimal

from knowledge.model import Citation

from ..answer import Answer
from ..catalog import ReportInfo
from ..entities import Entities, Match, generic_words
from ..intent import headcounts
from ..query import (
    Context,
    narrative_figure,
    narrative_figures,
    sentence_citation,
)
from ..tokens import tokens as tokenize
from ..wording import (
    NARRATIVE_MARGIN,
    NARRATIVE_MIN_COVER,
    SANGONG,
    _bigrams,
    _fmt,
    _pieces,
    _prefix,
    _source_text,
    examples_text,
    indicator_value,
)
from . import figures


def sentence_answer(ctx: Context, r: dict, report: ReportInfo, intent: str, template: str = "text") -> Answer:
    from ..query import sentence_citation

    c = sentence_citation(report, r)
    T = ctx.rules.templates
    body = T[template].format(text=r["text"], sentence=r["text"], source=_source_text(c))
    return Answer("", "answered", body, intent=intent, confidence=0.8, citations=[c])


def section_named(ctx: Context, text: str, report: ReportInfo) -> Answer | None:
    """A question that names a section of the 说明 by its heading ("国有资产占用情况", "预算绩效管理
    工作开展情况怎么样") and no figure: the section's own text, cited. The heading's numbering and
    its closing 情况/说明 are not needed; the longest heading core the question holds wins."""
    tails = sorted(ctx.rules.word("section_heading_tails"), key=len, reverse=True)
    numbering = ctx.rules.pattern("row_numbering")
    best, best_len = None, 0
    rows = ctx.run(
        ctx.db, "SELECT heading FROM sections WHERE report_id = ? AND length(text) > 0", [report.id]
    )
    for r in rows:
        core = numbering.sub("", r["heading"] or "").strip()
        for tail in tails:
            if core.endswith(tail) and len(core) > len(tail):
                core = core[: -len(tail)]
                break
        if len(core) >= 4 and core in text and len(core) > best_len:
            best, best_len = r["heading"], len(core)
    if best is None:
        return None
    return section_answer(ctx, [best], report, "section")


def section_answer(ctx: Context, headings: list[str], report: ReportInfo, intent: str) -> Answer:
    rows: list[dict] = []
    for heading in headings:
        rows = [
            r
            for r in ctx.run(
                ctx.db,
                "SELECT * FROM sections WHERE report_id = ? AND heading LIKE ?"
                " ORDER BY COALESCE(page, 0), line LIMIT 3",
                [report.id, f"%{heading}%"],
            )
            if r["text"] and ctx.rules.one("contents_heading") not in r["path"]
        ]
        if rows:
            break
    if not rows:
        return Answer(
            "",
            "no_answer",
            ctx.rules.templates["no_section"].format(headings_0=headings[0]),
            intent=intent,
        )
    r = rows[0]
    c = Citation(
        report=report.title, section=r["path"], quote=r["text"][:300], line=r["line"], page=r["page"]
    )
    body = ctx.rules.templates["section_text"].format(text=r["text"], source=_source_text(c))
    return Answer("", "answered", body, intent=intent, confidence=0.9, citations=[c])


def definition(ctx: Context, text, ents, report) -> Answer:
    T = ctx.rules.templates
    names = [m.subject for m in ents.subjects] + [m.surface for m in ents.subjects] + list(ents.ambiguous)
    rows = []
    for n in names:
        rows = ctx.run(
            ctx.db,
            "SELECT * FROM terms WHERE report_id = ? AND (term = ? OR term LIKE ?)",
            [report.id, n, f"%{n}%"],
        )
        if rows:
            break
    if not rows:
        if re.search(ctx.rules.pattern("performance_words"), text):
            return performance(ctx, text, ents, report)
        found = sentence_match(ctx, text, tokenize(ctx.catalog, text), ents, report)
        if found is not None:
            return found  # "公用经费主要包括什么" answered by the sentence that says so
        if names:
            return Answer(
                "",
                "no_answer",
                ctx.rules.templates["no_definition"].format(names_0=names[0]),
                intent="definition",
            )
        found = narrative_match(ctx, text, ents, report)  # "主管部门是哪个" and the like
        if found is not None:
            return found
        return Answer(
            "", "no_answer", T["no_subject"].format(examples=examples_text(ctx.rules)), intent="definition"
        )
    r = rows[0]
    c = Citation(
        report=report.title,
        section=ctx.rules.one("glossary_heading"),
        row=r["term"],
        quote=f"{r['term']}：{r['definition']}",
        line=r["line"],
        page=r["page"],
    )
    return Answer(
        "",
        "answered",
        T["definition"].format(term=r["term"], definition=r["definition"], source=_source_text(c)),
        intent="definition",
        confidence=0.95,
        citations=[c],
    )


def reason(ctx: Context, text, tokens, ents, report, conv) -> Answer:
    """The sentence in which the report explains what the question asks about.

    Candidates are sentences that give a reason (原因/由于/导致…) or say that something does not
    exist (无/没有…); they are ranked by naming the subject (in the sentence or its heading), by
    the direction the question asks about (增加/减少…), and by shared wording.
    """
    subjects = [m.subject for m in ents.subjects] or (conv.subjects if conv else [])
    forms: list[str] = []
    for subject in subjects[:2]:
        forms += [subject] + [f for f, t in ctx.rules.synonyms.items() if t == subject and len(f) >= 2]
        if subject == SANGONG:
            forms.append(ctx.rules.one("sangong_short"))
    rows = ctx.run(
        ctx.db,
        "SELECT s.*, c.path AS section_path FROM sentences s JOIN sections c ON c.id = s.section_id"
        " WHERE s.report_id = ? ORDER BY COALESCE(s.page, 0), s.line",
        [report.id],
    )
    asked = re.findall(ctx.rules.pattern("asks_reason_of"), text)
    want = _bigrams(ents.plain or text)
    best, best_score = None, 0.0
    for r in rows:
        sent = re.sub(r"[\"“”]", "", r["text"])
        heading = re.sub(r"[\"“”]", "", (r["section_path"] or "").split(" > ")[-1])
        gives_reason = re.search(ctx.rules.pattern("gives_reason"), sent)
        says_none = (
            forms and any(f in sent for f in forms) and re.search(ctx.rules.pattern("states_absence"), sent)
        )
        if not (gives_reason or says_none) or ctx.rules.one("contents_heading") in (r["section_path"] or ""):
            continue
        score = 1.0 if gives_reason else 0.5
        if forms and any(f in sent for f in forms):
            score += 2.0
        elif forms and any(f in heading for f in forms):
            score += 1.5
        score += 1.0 * sum(1 for w in set(asked) if w in sent)
        score += 0.3 * len(want & _bigrams(sent))
        if score > best_score:
            best, best_score = r, score
    if best is None or (forms and best_score < 2.0):
        return Answer("", "no_answer", ctx.rules.templates["no_reason"], intent="reason")
    return sentence_answer(ctx, best, report, "reason", template="reason")


def performance(ctx: Context, text, ents, report) -> Answer:
    """绩效: an indicator named, a project's funds, or what the narrative says of the self-evaluation."""
    found = _indicator(ctx, ents, report) or _project_funds(ctx, text, report)
    if found is not None:
        return found
    words = (
        list(ctx.rules.word("score_field"))
        if re.search(ctx.rules.pattern("asks_performance_score"), text)
        else (list(ctx.rules.word("execution_rate")) if ctx.rules.one("execution_rate") in text else [])
    )
    figs = narrative_figures(ctx.db, ctx, report, words) if words else []
    if not figs and not words and _asks_overview(ctx, text):
        found = _performance_summary(ctx, report) or _performance_table_summary(ctx, report)
        return found or Answer("", "no_answer", ctx.rules.templates["no_performance"], intent="performance")
    if not figs and not words:
        return _performance_elsewhere(ctx, text, report)
    if figs:
        f = narrative_figure(report, figs[0], words[0])
        T = ctx.rules.templates
        body = T["narrative"].format(
            report=report.label,
            context=figs[0]["context"],
            value=_fmt(f.value),
            unit=f.unit,
            source=_source_text(f.citation),
        )
        return Answer(
            "",
            "answered",
            body,
            intent="performance",
            value=f.value,
            unit=f.unit,
            confidence=0.8,
            citations=[f.citation],
        )
    return Answer("", "no_answer", ctx.rules.templates["no_performance"], intent="performance")


def _indicator(ctx: Context, ents, report) -> Answer | None:
    """A 绩效 indicator the question names: its target, actual value, weight and score."""
    subj = ents.subjects[0].subject if ents.subjects else None
    if subj and subj in ctx.catalog.indicators:
        rows = ctx.run(
            ctx.db,
            "SELECT i.*, p.project FROM performance_indicators i JOIN performance_projects p"
            " ON p.id = i.project_id WHERE i.report_id = ? AND i.name = ?",
            [report.id, subj],
        )
        if rows:
            r = rows[0]
            c = Citation(
                report=report.title,
                table=ctx.rules.one("performance_table"),
                row=r["name"],
                column=ctx.rules.one("indicator_actual_column"),
                quote=ctx.rules.templates["indicator_quote"].format(
                    r_name=r["name"], r_target=r["target"], r_actual=r["actual"]
                ),
                line=r["line"],
                page=r["page"],
            )
            body = ctx.rules.templates["indicator"].format(
                r_project=r["project"],
                r_name=r["name"],
                r_target=r["target"],
                r_actual=r["actual"],
                r_weight=r["weight"],
                r_score=r["score"],
                source_text_c=_source_text(c),
            )
            value, unit = indicator_value(r, ctx.question, ctx.rules)
            return Answer(
                "",
                "answered",
                body,
                intent="performance",
                confidence=0.9,
                citations=[c],
                value=value,
                unit=unit,
            )
    return None


def _project_funds(ctx: Context, text, report) -> Answer | None:
    """A 绩效 project's funds (年初预算数, 全年执行数, 执行率 …) from its self-evaluation table."""
    suffix = ctx.rules.one("fund_field_suffix")
    fund = next((k for k in ctx.rules.word("project_fund_fields") if k.rstrip(suffix) in text), None)
    if fund and re.search(ctx.rules.pattern("asks_project_funds"), text):
        rows = ctx.run(ctx.db, "SELECT * FROM performance_projects WHERE report_id = ?", [report.id])
        key = (
            ctx.rules.one("execution_amount_field")
            if fund == ctx.rules.one("execution_amount_short")
            else fund
        )
        for r in rows:
            funds = json.loads(r["funds"] or "{}")
            if funds.get(key) is not None:
                v = Decimal(funds[key])
                if key == ctx.rules.one("execution_rate"):
                    unit = "%"
                elif key in ctx.rules.word("score_fields"):
                    unit = ctx.rules.one("score_unit")
                else:
                    unit = r["unit"]
                c = Citation(
                    report=report.title,
                    table=ctx.rules.one("performance_table"),
                    row=ctx.rules.templates["project_funds_row"].format(r_project=r["project"]),
                    column=key,
                    quote=ctx.rules.templates["project_funds_quote"].format(key=key, funds_key=funds[key]),
                    line=r["line"],
                    page=r["page"],
                )
                body = ctx.rules.templates["project_funds"].format(
                    r_project=r["project"],
                    key=key,
                    fmt_v=_fmt(v),
                    unit=unit,
                    source_text_c=_source_text(c),
                )
                return Answer(
                    "",
                    "answered",
                    body,
                    intent="performance",
                    value=v,
                    unit=unit,
                    confidence=0.85,
                    citations=[c],
                )
    return None


def _performance_elsewhere(ctx: Context, text, report) -> Answer:
    """No 绩效 word names the figure: the project's department or conclusion, the narrative, a
    sentence, the indicators the words suggest, or a plain lookup."""
    if ctx.rules.one("supervising_department") in text:
        found = _project_field(
            ctx,
            report,
            "department",
            ctx.rules.one("supervising_department"),
            ctx.rules.one("project_department_sentence"),
        )
        if found is not None:
            return found
    if re.search(ctx.rules.pattern("asks_conclusion"), text):
        found = _project_field(
            ctx,
            report,
            "conclusion",
            ctx.rules.one("self_evaluation_conclusion"),
            ctx.rules.one("project_conclusion_sentence"),
        )
        if found is not None:
            return found
    # a fact the narrative states about the self-evaluation (自评覆盖率, 涉及资金, 几个项目)
    found = narrative_match(ctx, text, ctx.ents or Entities(), report)
    if found is not None:
        return found
    found = sentence_match(ctx, text, tokenize(ctx.catalog, text), ctx.ents or Entities(), report)
    if found is not None:
        return found
    hits = sorted(i for i in ctx.catalog.indicators if any(w in i for w in _pieces(text, ctx.rules)))
    if hits:
        return Answer(
            "",
            "clarify",
            ctx.rules.templates["clarify_indicator"],
            intent="performance",
            suggestions=[ctx.rules.templates["suggest_indicator"].format(h=h) for h in hits[:6]],
            confidence=0.3,
        )
    return figures.lookup(ctx, text, [], Entities(), report, None)


def _project_field(ctx: Context, report: ReportInfo, field: str, label: str, sentence: str) -> Answer | None:
    """A field of the 绩效自评表 (主管部门, 自评结论) as a cited sentence."""
    rows = ctx.run(ctx.db, "SELECT * FROM performance_projects WHERE report_id = ?", [report.id])
    rows = [r for r in rows if r[field]]
    if not rows:
        return None
    r = rows[0]
    c = Citation(
        report=report.title,
        table=ctx.rules.one("performance_table"),
        row=r["project"],
        column=label,
        quote=f"{label} {r[field]}",
        line=r["line"],
        page=r["page"],
    )
    body = sentence.format(project=r["project"], value=r[field]) + f"（{_source_text(c)}）。"
    return Answer("", "answered", body, intent="performance", confidence=0.8, citations=[c])


def sentence_match(
    ctx: Context, text: str, tokens: list[str], ents: Entities, report: ReportInfo
) -> Answer | None:
    """A sentence of the narrative that says what a text question asks ("有没有纳入财政重点项目
    绩效评价", "公用经费主要包括什么"), kept only when it covers most of the question's own words
    (the threshold is shown by --explain)."""
    plain = ents.plain or text
    want = _bigrams(re.sub(ctx.rules.pattern("sentence_match_stopwords"), " ", plain))
    if len(want) < 2:
        return None
    # one report's sentences (a few hundred) are scanned directly: full text over all reports
    # would cost more than it saves once the knowledge base holds thousands of reports
    rows = ctx.run(
        ctx.db,
        "SELECT s.*, c.path AS section_path FROM sentences s JOIN sections c ON c.id = s.section_id"
        " WHERE s.report_id = ?",
        [report.id],
    )
    best, best_cover = None, 0.0
    for r in rows:
        if ctx.rules.one("contents_heading") in (r["section_path"] or ""):
            continue
        cover = len(want & _bigrams(r["text"].replace(" ", ""))) / len(want)
        if cover > best_cover:
            best, best_cover = r, cover
    if ctx.trace is not None:
        ctx.trace.add(
            "sentence_match",
            {
                "want": sorted(want),
                "cover": round(best_cover, 2),
                "threshold": 0.75,
                "sentence": best["text"] if best else None,
            },
        )
    if best is None or best_cover < 0.75:
        return None
    return sentence_answer(ctx, best, report, "text")


def _unit_fits(ctx: Context, found: str, unit: str | None, money: bool, wants_rate: bool) -> bool:
    """A count or a rate is never answered with money, nor money with a count."""
    if unit is not None:
        return found == unit or found[:1] == unit[:1]
    if money:
        return found in ctx.rules.word("money_units")
    return (found == "%") == wants_rate


def _stated_total(
    ctx: Context, rows: list[dict], ents: Entities, report: ReportInfo, unit: str
) -> dict | None:
    """ "有几辆公车": the report's own total in that unit (共有车辆 …), if it states exactly one."""
    loose = (
        {p for p in ents.rest.split() if len(p) >= 2}
        - generic_words(ctx.rules)
        - set(ctx.rules.word("stated_total_ignored_words"))
    )
    if loose or unit not in ctx.rules.word("stated_total_units"):
        return None  # "火星上有多少人" is not a question about this unit's staff
    totals = [
        r
        for r in rows
        if r["unit"][:1] == unit[:1]
        and re.search(ctx.rules.pattern("states_a_total"), r["context"])
        and not re.search(r"20\d\d", r["context"].replace(str(report.year), ""))
    ]
    return totals[0] if len({(r["value"], r["unit"]) for r in totals}) == 1 else None


def narrative_match(
    ctx: Context,
    text: str,
    ents: Entities,
    report: ReportInfo,
    near: list[str] | None = None,
    unit: str | None = None,
    money: bool = False,
) -> Answer | None:
    """A figure stated in the narrative whose wording covers what the question asks.

    For facts no lexicon names (授予中小企业合同金额, 执法执勤用车): the question's unexplained
    words must be covered by the clause before one figure, clearly better than by any other.
    The threshold and margin are shown by ``--explain``.
    """
    want = _bigrams(ents.rest)
    if unit is not None:
        # asked for a count or a rate: the subject's own words count too ("公务接待…人次")
        want |= _bigrams(re.sub(ctx.rules.pattern("narrative_match_stopwords"), " ", ents.plain or text))
    if len(want) < 2:
        return None
    sql = "SELECT * FROM narrative_figures WHERE report_id = ? ORDER BY COALESCE(page, 0), line, id"
    rows = ctx.run(ctx.db, sql, [report.id])
    other_years = [y for y in ents.years if y != report.year]
    wants_rate = bool(re.search(ctx.rules.pattern("asks_rate_or_percent"), text))
    scored = []
    quotes = ctx.rules.pattern("quote_marks")
    for r in rows:
        # “两违”工作经费: the quotation marks are no part of the words
        clause = quotes.sub("", r["context"].replace(" ", "").replace(report.department, ""))
        pre = _prefix(r["sentence"], r["raw"]).replace(" ", "").replace(report.department, "")
        if other_years and not any(str(y) in pre for y in other_years):
            continue
        if not _unit_fits(ctx, r["unit"], unit, money, wants_rate):
            continue
        cover = max(len(want & _bigrams(clause)) / len(want), 0.85 * len(want & _bigrams(pre)) / len(want))
        if near and any(f in pre for f in near):
            cover += 0.2
        scored.append((cover, r))
    scored.sort(key=lambda x: -x[0])
    if ctx.trace is not None:
        best3 = [(round(c, 2), r["context"], r["value"], r["unit"]) for c, r in scored[:3]]
        limits = {"threshold": NARRATIVE_MIN_COVER, "margin": NARRATIVE_MARGIN}
        ctx.trace.add("narrative_match", {"want": sorted(want), "best": best3, **limits})
    if unit is not None and (not scored or scored[0][0] < NARRATIVE_MIN_COVER) and not other_years:
        total = _stated_total(ctx, rows, ents, report, unit)
        if total is not None:
            scored = [(NARRATIVE_MIN_COVER, total)]
    if not scored or scored[0][0] < NARRATIVE_MIN_COVER:
        return None
    best, r = scored[0]
    rivals = [c for c, x in scored[1:] if (x["value"], x["unit"]) != (r["value"], r["unit"])]
    if rivals and best - rivals[0] < NARRATIVE_MARGIN:
        return None
    return _narrative_answer(ctx, r, round(0.6 + 0.3 * best, 2), report)


def _narrative_answer(ctx: Context, r: dict, confidence: float, report: ReportInfo) -> Answer:
    """A narrative figure answered in its own clause's words (kept in ctx.notes for a share asked next)."""
    fig = narrative_figure(report, r, r["context"])
    ctx.notes["last_context"] = r["context"]
    body = ctx.rules.templates["narrative"].format(
        report=report.label,
        context=r["context"],
        value=_fmt(fig.value, fig.unit),
        unit=fig.unit,
        source=_source_text(fig.citation),
    )
    return Answer(
        "",
        "answered",
        body,
        intent="lookup",
        value=fig.value,
        unit=fig.unit,
        confidence=confidence,
        citations=[fig.citation],
    )


def _count_answer(ctx: Context, plan, count: str, conv) -> Answer:
    """The lookup's answer for one headcount (its figure and citation, or its not-found), asked
    by the count's own name so the words the question said it with match nothing else."""
    text = ctx.rules.templates["suggest_how_much"].format(s=count)
    ents = replace(
        plan.entities,
        subjects=(Match(count, count, 0, 0, 100.0, "exact"),),
        ambiguous=(),
        rest="",
        plain=text,
    )
    asked = replace(ctx, question=text, ents=ents, notes={})
    return figures.lookup(asked, text, [count], ents, plan.report, conv)


def staff_count(ctx: Context, plan) -> Answer:
    """How many people a department has, however asked: the count the question names when the
    report states it; else the one count the report states (saying it is that count); several
    stated and none named: asked back which — never one count given as another."""
    named = [name for name, words in headcounts(ctx.rules) if re.search(words, plan.text)]
    said = [m for m in plan.entities.subjects if m.method not in ("fuzzy", "pinyin")]  # 在职 guessed as 在编 is not said
    if said or named:  # a count named as the report prints it: its own answer first
        ans = figures.lookup(
            ctx, plan.text, list(plan.tokens), plan.entities, plan.report, plan.conversation, plan.follow_up
        )
        if ans.status == "answered" and (not named or named[0] in ans.text):
            return ans  # (an answer about another count than the one named says so below)
    stated = [
        name for name, _ in headcounts(ctx.rules) if _count_answer(ctx, plan, name, None).status == "answered"
    ]
    asked = named[0] if named else None
    if asked in stated or (asked is None and len(stated) == 1):
        return _count_answer(ctx, plan, asked or stated[0], plan.conversation)
    if not stated:
        return _count_answer(ctx, plan, asked or headcounts(ctx.rules)[0][0], plan.conversation)
    if asked is not None and len(stated) == 1:
        ans = _count_answer(ctx, plan, stated[0], plan.conversation)
        note = ctx.rules.templates["headcount_other_count"].format(asked=asked, stated=stated[0])
        return replace(ans, text=note + ans.text)
    return Answer(
        "",
        "clarify",
        ctx.rules.templates["clarify_headcount"],
        intent="staff_count",
        suggestions=[ctx.rules.templates["suggest_how_much"].format(s=s) for s in stated],
        confidence=0.3,
    )


def _asks_overview(ctx: Context, text: str) -> bool:
    """绩效 asked about as a whole ("绩效怎么样", "目标完成情况"): no amount, score, conclusion or
    主管部门 asked (those have their own answers)."""
    return (
        bool(ctx.rules.pattern("performance_overview").search(text))
        and not ctx.rules.pattern("performance_asks_one_thing").search(text)
        and not ctx.rules.pattern("asks_conclusion").search(text)
        and ctx.rules.one("supervising_department") not in text
    )


def _performance_summary(ctx: Context, report: ReportInfo) -> Answer | None:
    """The 绩效 section's sentence that says most of the self-evaluation's result (自评, 得分,
    评级 …), with the sentences it runs on into, quoted and cited — no figure of the bot's own."""
    sections = ctx.rules.word("performance_section_words")
    rows = [
        r
        for r in ctx.run(
            ctx.db,
            "SELECT s.*, c.path AS section_path FROM sentences s JOIN sections c ON c.id = s.section_id"
            " WHERE s.report_id = ? ORDER BY s.line, s.position",
            [report.id],
        )
        if any(w in (r["section_path"] or "") for w in sections)
    ]
    words = ctx.rules.word("performance_result_words")
    scores = [sum(w in (r["text"] or "") for w in words) for r in rows]
    if not rows or max(scores) == 0:
        return None
    at = scores.index(max(scores))
    chosen = [rows[at]]
    goes_on = tuple(ctx.rules.word("sentence_goes_on"))
    for r in rows[at + 1 : at + 6]:
        if r["section_id"] != rows[at]["section_id"] or not chosen[-1]["text"].rstrip().endswith(goes_on):
            break
        chosen.append(r)
    cites = [sentence_citation(report, {**r, "sentence": r["text"]}) for r in chosen]
    body = ctx.rules.templates["performance_summary"].format(
        report=report.label,
        sentences="".join(r["text"].strip() for r in chosen),
        source=_source_text(cites[0]),
    )
    return Answer("", "answered", body, intent="performance", confidence=0.75, citations=cites)


def _performance_table_summary(ctx: Context, report: ReportInfo) -> Answer | None:
    """No sentence says it: the 绩效自评表's own figures of its one project (budget, spent, rate,
    score) and its conclusion, as printed, cited to the table. Several projects: None (a list of
    every project's figures would be a table, not an answer)."""
    rows = ctx.run(ctx.db, "SELECT * FROM performance_projects WHERE report_id = ?", [report.id])
    if len(rows) != 1 or not rows[0]["conclusion"]:
        return None
    r, T = rows[0], ctx.rules.templates
    funds = json.loads(r["funds"] or "{}")
    shown = []
    for key in ctx.rules.word("project_fund_fields"):
        if funds.get(key) is None:
            continue
        unit = (
            "%"
            if key == ctx.rules.one("execution_rate")
            else ctx.rules.one("score_unit")
            if key in ctx.rules.word("score_fields")
            else r["unit"]
        )
        shown.append(T["performance_fund"].format(key=key, value=_fmt(Decimal(funds[key])), unit=unit))
    c = Citation(
        report=report.title,
        table=ctx.rules.one("performance_table"),
        row=r["project"],
        column=ctx.rules.one("self_evaluation_conclusion"),
        quote=ctx.rules.templates["project_funds_row"].format(r_project=r["project"]),
        line=r["line"],
        page=r["page"],
    )
    body = T["performance_table_summary"].format(
        report=report.label,
        project=r["project"],
        funds=T["list_separator"].join(shown),
        conclusion=r["conclusion"],
        source=_source_text(c),
    )
    return Answer("", "answered", body, intent="performance", confidence=0.7, citations=[c])
