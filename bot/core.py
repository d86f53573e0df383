"""The pipeline: normalise → tokens → entities → intent and slots → query → compute → answer.

Each stage is a plain function (see :mod:`bot.normalise`, :mod:`bot.entities`, :mod:`bot.query`);
this module wires them together, keeps the conversation, and enforces the one rule that matters
most: a figure is printed only with its citation, and when the bot is not sure it asks back or
says it does not know.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from knowledge.model import Citation
from knowledge.paths import ensure_default_db
from knowledge.segment import add_words, cut
from knowledge.store import open_db
from rules import Rules, default_rules

from .answer import Answer, Trace
from .catalog import Catalog, ReportInfo, build_catalog
from .entities import GENERIC, Entities, Match, recognise
from .normalise import MAX_QUESTION, normalise
from .query import (
    Figure,
    QueryLog,
    empty_table_for,
    findings_for,
    narrative_figure,
    narrative_figures,
    rank_classes,
    rank_rows,
    sangong_figures,
    search_sentences,
    table_figures,
)

SANGONG = "三公经费"
# Intents answered without choosing a report.
GLOBAL_INTENTS = {"private", "greeting", "help", "out_of_scope", "list_reports"}
# Subjects that contain others: when a question names one of these and something inside it
# ("基本支出里的电费"), the question is about the inner one.
TOTALS = {
    "本年支出合计",
    "本年收入合计",
    "一般公共预算财政拨款",
    "财政拨款收入",
    "收支总计",
    "政府采购支出总额",
}
CONTAINERS = {
    "基本支出",
    "项目支出",
    "本年支出合计",
    "本年收入合计",
    "人员经费合计",
    "公用经费合计",
    "一般公共预算财政拨款",
    "财政拨款收入",
    "政府采购支出总额",
}
TWO = Decimal("0.01")


@dataclass
class Conversation:
    """What a follow-up question may leave out: the last subjects, measure, operation and report."""

    subjects: list[str] = field(default_factory=list)
    measure: str | None = None
    operation: str | None = None
    report_id: int | None = None
    history: list[tuple[str, str]] = field(default_factory=list)
    recent: list[str] = field(default_factory=list)  # subjects of the last turns, newest last
    pending: bool = False  # the last turn asked back for a subject
    pending_question: str = ""  # the last turn asked which report this question is about

    def reset(self) -> None:
        self.subjects, self.measure, self.operation, self.report_id = [], None, None, None
        self.history.clear()
        self.recent.clear()
        self.pending = False
        self.pending_question = ""


def _fmt(v: Decimal, unit: str = "") -> str:
    if unit in ("人", "辆", "个", "台", "项") and v == v.to_integral_value():
        return str(int(v))
    return (
        f"{v:,.2f}"
        if abs(v) >= 10000
        else (f"{v:.2f}" if v == v.quantize(TWO) or v.as_tuple().exponent >= -2 else str(v))
    )


def _source_text(c: Citation) -> str:
    if c.table:
        parts = [c.table]
        if c.row:
            parts.append(c.row)
        if c.column:
            parts.append(c.column)
    else:
        # the nearest heading is enough in a sentence; the full path stays in the citation
        parts = [(c.section or "说明").split(" > ")[-1]]
    where = f"第{c.line}行" if c.line else ""
    if c.page:
        where = f"第{c.page}页" + (f"第{c.line}行" if c.line else "")
    return "，".join(p for p in parts if p) + ("，" + where if where else "")


class Bot:
    """A long-lived answerer over one knowledge base (thread-safe for reads)."""

    def __init__(self, db_path: str | Path | None = None, readonly: bool = False, rules: Rules | None = None):
        if db_path is None:
            db_path = ensure_default_db()  # the default one is built from the bundled report
        elif not Path(db_path).exists():
            raise FileNotFoundError(
                f"知识库不存在，请先用 disclosure-bot --db {db_path} ingest … 导入报告 (knowledge base not found)"
            )
        self.db_path = Path(db_path)
        self.db = open_db(self.db_path, readonly=readonly)
        self.rules = rules or default_rules()
        self.catalog: Catalog = build_catalog(self.db, self.rules)
        self._lock = threading.Lock()
        self._words_loaded = False
        self._trace: Trace | None = None
        self._question = ""
        self._ents: Entities | None = None
        self._last_context = ""
        self._conv: Conversation | None = None

    # -- public API ------------------------------------------------------------
    def reports(self) -> list[dict]:
        return [
            dict(id=r.id, department=r.department, year=r.year, kind=r.kind, title=r.title)
            for r in self.catalog.reports
        ]

    def examples(self) -> list[str]:
        return list(self.rules.examples)

    def source(self, citation: Citation):
        from .source import source_for

        return source_for(self, citation)

    def ask(
        self,
        question: str,
        conversation: Conversation | None = None,
        explain: bool = False,
        report_id: int | None = None,
    ) -> Answer:
        trace = Trace() if explain else None
        try:
            with self._lock:
                answer = self._ask(question, conversation, trace, report_id)
        except Exception as e:  # never a traceback for a question
            answer = Answer(
                question=str(question)[:MAX_QUESTION],
                status="no_answer",
                intent="error",
                text="抱歉，处理这个问题时出错了，请换个说法再试。",
            )
            if trace:
                trace.add("error", f"{type(e).__name__}: {e}")
        answer.trace = trace
        if conversation is not None:
            conversation.history.append((str(question)[:MAX_QUESTION], answer.text))
        return answer

    # -- pipeline ----------------------------------------------------------------
    def _tokens(self, text: str) -> list[str]:
        if not self._words_loaded:
            add_words(list(self.catalog.aliases))
            self._words_loaded = True
        return cut(text)

    def _examples(self) -> str:
        return "、".join(f"“{e}”" for e in self.rules.examples[:3])

    def _ask(self, question, conv: Conversation | None, trace: Trace | None, report_id: int | None) -> Answer:
        T = self.rules.templates
        raw = question if isinstance(question, str) else str(question or "")
        text = normalise(raw)
        if trace:
            trace.add("normalise", text)
        if not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", text):
            return Answer(
                raw[:MAX_QUESTION],
                "no_answer",
                T["empty_question"].format(examples=self._examples()),
                intent="empty",
            )
        tokens = self._tokens(text)
        if trace:
            trace.add("tokens", tokens)
        ents = recognise(text, self.catalog, self.rules)
        if conv is not None and conv.pending_question:
            if (ents.reports or ents.years) and not ents.subjects and not ents.operations:
                # the answer to "which report?": ask the pending question about it
                text = f"{text} {conv.pending_question}"
                ents = recognise(text, self.catalog, self.rules)
            conv.pending_question = ""
        if trace:
            trace.add("entities", ents.explain())
        intent = self._intent(text, ents)
        log = QueryLog()
        self._question = text
        self._ents = ents
        self._trace = trace
        self._conv = conv
        if intent == "list_reports" and ents.unknown_department:
            intent = "lookup"  # the report choice below declines it, naming what is available
        if intent in GLOBAL_INTENTS:
            answer = self._dispatch(intent, text, tokens, ents, None, conv, log)
            answer.question = raw[:MAX_QUESTION]
            return answer
        # report slot
        report, decline, candidates = self._choose_report(text, ents, conv, report_id)
        if trace:
            trace.add(
                "intent",
                {
                    "intent": intent,
                    "report": report.label if report else None,
                    "candidates": [r.label for r in candidates[:20]],
                },
            )
        if decline:
            decline.question = raw[:MAX_QUESTION]
            return decline
        if report is None:
            across = self._across(text, ents, candidates, log)
            if across is not None:
                across.question = raw[:MAX_QUESTION]
                if trace:
                    trace.add("sql", log.queries)
                return across
            if conv is not None:
                conv.pending_question = text
            return Answer(
                raw[:MAX_QUESTION],
                "clarify",
                T["clarify_report"],
                intent=intent,
                suggestions=[
                    f"{r.short}{r.year}年{r.kind}{_strip_report_words(text)}" for r in candidates[:8]
                ],
            )
        answer = self._dispatch(intent, text, tokens, ents, report, conv, log)
        answer = self._in_requested_unit(answer, text, ents, report, log)
        answer.question = raw[:MAX_QUESTION]
        answer.report_id = report.id
        if trace:
            trace.add("sql", log.queries)
        if answer.status == "answered" and answer.citations:
            notes = findings_for(self.db, log, report, answer.citations)
            for n in notes[:2]:
                answer.notes.append(n)
                answer.text += T["disagree_note"].format(message=n)
        if conv is not None and answer.status == "answered":
            conv.report_id = report.id
        return answer

    def _choose_report(
        self, text: str, ents: Entities, conv, report_id
    ) -> tuple[ReportInfo | None, Answer | None, list[ReportInfo]]:
        """The one report a question is about, a decline, or the candidates to ask about."""
        T = self.rules.templates
        reports = self.catalog.reports

        def decline(what: str) -> tuple[None, Answer, list]:
            available = "、".join(r.label for r in reports[:20]) + (
                f" 等 {len(reports)} 份" if len(reports) > 20 else ""
            )
            return (
                None,
                Answer(
                    "", "no_answer", T["not_in_kb"].format(what=what, available=available), intent="not_in_kb"
                ),
                [],
            )

        if not reports:
            return (
                None,
                Answer(
                    "", "no_answer", "知识库是空的，请先导入报告 (disclosure-bot ingest)。", intent="empty_kb"
                ),
                [],
            )
        if ents.unknown_department:
            return decline(ents.unknown_department)
        if ents.relative_year in ("明年", "后年", "下一年"):
            return decline(ents.relative_year)
        candidates = list(ents.reports or reports)
        if report_id is not None and not ents.reports:
            candidates = [r for r in candidates if r.id == report_id] or candidates
        elif conv is not None and conv.report_id and not ents.reports and not ents.years:
            candidates = [r for r in candidates if r.id == conv.report_id] or candidates
        years = set(ents.years)
        this_year = date.today().year
        relative = {"今年": this_year, "去年": this_year - 1, "前年": this_year - 2}
        if not years and ents.relative_year in relative and len(candidates) > 1:
            years = {relative[ents.relative_year]}
        if years:
            in_kb = [r for r in candidates if r.year in years]
            if not in_kb:
                # a year the one report narrates as its previous year (2023 in a 2024 report)
                if len(candidates) == 1 and all(y == candidates[0].year - 1 for y in years):
                    return candidates[0], None, candidates
                what = "、".join(str(y) for y in sorted(years)) + "年"
                if ents.reports:
                    what = f"{ents.reports[0].short}{what}"
                return decline(what)
            if len(in_kb) < len(candidates) or len(years) == 1:
                candidates = in_kb
        if len(candidates) > 1:
            kinds = [k for k in ("决算", "预算") if k in _kind_text(text)]
            if len(kinds) == 1:
                by_kind = [r for r in candidates if r.kind == kinds[0]]
                if by_kind:
                    candidates = by_kind
                elif re.search(rf"{kinds[0]}(报告|公开)", text):
                    return decline(kinds[0] + "报告")
        if len(candidates) == 1:
            return candidates[0], None, candidates
        return None, None, candidates

    def _between_departments(
        self,
        text: str,
        ents: Entities,
        subject: str,
        measure: str,
        named: list[str],
        candidates: list[ReportInfo],
        log: QueryLog,
    ) -> Answer | None:
        """Two or more departments named in one question: their difference, their sum, or each."""

        def position(dept: str) -> int:
            spots = [text.find(a) for r in candidates if r.department == dept for a in r.aliases if a in text]
            return min(spots) if spots else len(text)

        named = sorted(named, key=position)
        chosen: list[tuple[ReportInfo, Figure]] = []
        for dept in named[:6]:
            reports = [r for r in candidates if r.department == dept]
            finals = [r for r in reports if r.kind == "决算"] or reports
            if not finals:
                return None
            r = max(finals, key=lambda x: x.year)  # the latest, unless a year narrowed them
            figs = self._figures(r, subject, measure, log, own_year=True)
            if not figs or figs[0].unit not in ("万元", "元"):
                return Answer(
                    "",
                    "no_answer",
                    f"{r.short}{r.year}年{r.kind}中没有找到“{subject}”。",
                    intent="compare_departments",
                )
            chosen.append((r, figs[0]))

        def wan(f: Figure) -> Decimal:
            return f.value / 10000 if f.unit == "元" else f.value

        listing = "；".join(
            f"{r.short}{r.year}年{r.kind} {_fmt(f.value)}{f.unit}（{_source_text(f.citation)}）"
            for r, f in chosen
        )
        cites = [f.citation for _, f in chosen]
        ops = set(ents.operations)
        if (
            "difference" in ops
            or re.search(
                r"相差|差多少|差额|多多少|少多少|比.{1,12}多|比.{1,12}少|更多|更少|哪个多|哪个少", text
            )
        ) and len(chosen) == 2:
            (ra, fa), (rb, fb) = chosen
            diff = wan(fa) - wan(fb)
            shown = abs(diff).quantize(TWO, ROUND_HALF_UP)
            word = "多" if diff > 0 else ("少" if diff < 0 else "一样多")
            body = (
                f"{subject}：{listing}。{ra.short}比{rb.short}{word} {_fmt(shown)}万元"
                f"（{wan(fa)} − {wan(fb)}）。"
            )
            return Answer(
                "",
                "answered",
                body,
                intent="compare_departments",
                value=shown,
                unit="万元",
                confidence=0.75,
                citations=cites,
            )
        if "sum" in ops:
            total = sum((wan(f) for _, f in chosen), Decimal(0))
            shown = total.quantize(TWO, ROUND_HALF_UP)
            body = (
                f"{subject}：{listing}。合计 {_fmt(shown)}万元"
                f"（{' + '.join(str(wan(f)) for _, f in chosen)}）。"
            )
            return Answer(
                "",
                "answered",
                body,
                intent="sum_departments",
                value=shown,
                unit="万元",
                confidence=0.75,
                citations=cites,
            )
        return Answer(
            "",
            "answered",
            f"{subject}：{listing}。",
            intent="compare_departments",
            confidence=0.75,
            citations=cites,
        )

    def _across(
        self, text: str, ents: Entities, candidates: list[ReportInfo], log: QueryLog
    ) -> Answer | None:
        """Questions over several reports: rank departments, or compare two reports of one department."""
        subjects = [m.subject for m in ents.subjects]
        if not subjects:
            if {p for p in ents.rest.split() if len(p) >= 2} - GENERIC - {"街道", "部门", "单位", "哪个街道"}:
                return None
            if re.search(r"支出|花钱|花了|开支|花得", text):
                subjects = ["本年支出合计"]
            elif "收入" in text:
                subjects = ["本年收入合计"]
            else:
                return None
        subject = subjects[0]
        measure = next((m for m in ents.measures if m in ("actual", "budget")), "actual")
        departments = {r.department for r in candidates}
        named = list(dict.fromkeys(r.department for r in ents.reports))
        ranking = bool({"rank_max", "rank_min"} & set(ents.operations)) and (
            len(departments) >= 2
            or re.search(r"哪个部门|哪个单位|哪家|哪些部门|各部门|各单位|排名|排序", text)
        )
        if len(named) >= 2 and not ranking:
            return self._between_departments(text, ents, subject, measure, named, candidates, log)
        if not named and len(departments) >= 2 and "sum" in ents.operations and not ranking:
            # "2025年四个决算部门机关运行经费合计多少": every department the question leaves in
            everyone = list(dict.fromkeys(r.department for r in candidates))
            return self._between_departments(text, ents, subject, measure, everyone, candidates, log)
        compare = (
            len(departments) == 1
            and len(candidates) >= 2
            and ({"difference", "change"} & set(ents.operations) or re.search(r"相比|对比|比较|变化", text))
        )
        if not ranking and not compare:
            return None
        note = ""
        if ranking and not re.search(r"预算|决算", _kind_text(text)):
            finals = [r for r in candidates if r.kind == "决算"]
            if finals and len(finals) < len(candidates):
                candidates, note = finals, "（只比较决算报告）"
        found: list[tuple[ReportInfo, Figure]] = []
        for r in candidates:
            figs = self._figures(
                r, subject, "actual" if compare and r.kind == "决算" else measure, log, own_year=True
            )
            if figs and (figs[0].unit in ("万元", "元") or ranking):
                found.append((r, figs[0]))

        def kind_of(unit: str) -> str:
            return "money" if unit in ("万元", "元") else unit  # 元 and 万元 compare, 辆 and 万元 do not

        units = [kind_of(f.unit) for _, f in found]
        if found:
            common = max(set(units), key=units.count)
            found = [(r, f) for r, f in found if kind_of(f.unit) == common]
        if len(found) < 2:
            return None

        def wan(f: Figure) -> Decimal:
            return f.value / 10000 if f.unit == "元" else f.value

        if ranking:
            found.sort(key=lambda x: -wan(x[1]))
            if "rank_min" in ents.operations:
                found.reverse()
            top_r, top_f = found[0]
            listing = "；".join(
                f"{r.short}{r.year}年{r.kind} {_fmt(f.value, f.unit)}{f.unit}" for r, f in found[:5]
            )
            extreme = "最少" if "rank_min" in ents.operations else "最多"
            missing = len(candidates) - len(found)
            body = (
                f"在 {len(found)} 份报告中{note}，{subject}{extreme}的是{top_r.short}（{top_r.year}年{top_r.kind}），"
                f"{_fmt(top_f.value, top_f.unit)}{top_f.unit}（{_source_text(top_f.citation)}）。排序：{listing}。"
            )
            if missing:
                body += f"另有 {missing} 份报告没有给出该项。"
            return Answer(
                "",
                "answered",
                body,
                intent="rank_reports",
                value=top_f.value,
                unit=top_f.unit,
                confidence=0.8,
                citations=[f.citation for _, f in found[:5]],
                report_id=top_r.id,
            )
        found.sort(key=lambda x: (x[0].year, x[0].kind != "预算"))
        (ra, fa), (rb, fb) = found[-1], found[0]
        diff = wan(fa) - wan(fb)
        word = "增加" if diff > 0 else ("减少" if diff < 0 else "持平")

        def both(f: Figure) -> str:
            return f"{_fmt(f.value)}{f.unit}" + (f"（即 {wan(f)}万元）" if f.unit == "元" else "")

        shown = abs(diff).quantize(TWO, ROUND_HALF_UP)
        exact = "" if shown == abs(diff) else f"，精确为 {abs(diff)}万元"
        body = (
            f"{ra.short}：{rb.year}年{rb.kind} {subject} {both(fb)}（{_source_text(fb.citation)}），"
            f"{ra.year}年{ra.kind} {both(fa)}（{_source_text(fa.citation)}），{word} "
            f"{_fmt(shown)}万元（{wan(fa)} − {wan(fb)}{exact}）。"
        )
        return Answer(
            "",
            "answered",
            body,
            intent="compare_reports",
            value=shown,
            unit="万元",
            confidence=0.75,
            citations=[fb.citation, fa.citation],
            report_id=ra.id,
        )

    def _intent(self, text: str, ents: Entities) -> str:
        found = [
            name
            for name, words in self.rules.intents.items()
            if any(w.lower() in text.lower() for w in words)
        ]
        if any(w in text for w in self.rules.private_words) or (
            any(m in text for m in self.rules.person_markers)
            and re.search(r"工资|收入|薪|住址|年龄|家", text)
        ):
            return "private"
        if (
            ({"duties", "organisation"} & set(found))
            and ents.subjects
            and ents.subjects[0].subject in self.catalog.terms
        ):
            return "definition"  # "项目支出是干什么的" asks what the term means, not the department's duties
        for name in (
            "list_reports",
            "report_info",
            "reason",
            "duties",
            "organisation",
            "definition",
            "contact",
        ):
            if name in found:
                if name == "definition" and ents.subjects and re.search(r"多少|几", text):
                    continue
                return name
        if (
            ents.subjects
            and ents.subjects[0].subject in self.catalog.indicators
            and "definition" not in found
        ):
            return "performance"
        fund_words = r"年初预算数|全年预算数|全年执行数|执行数|执行率|得分|分值"
        if (
            ents.subjects
            and ents.subjects[0].subject in self.catalog.projects
            and re.search(fund_words, text)
        ):
            return "performance"
        if "performance" in found and (
            not ents.subjects
            or ents.subjects[0].subject in self.catalog.indicators
            or ents.subjects[0].subject in self.catalog.projects
        ):
            return "performance"
        if ents.subjects or ents.ambiguous:
            return "lookup"
        for name in ("greeting", "help", "performance", "out_of_scope"):
            if name in found:
                return name
        return "lookup"

    # -- intents -------------------------------------------------------------------
    def _in_requested_unit(
        self, answer: Answer, text: str, ents: Entities, report: ReportInfo, log
    ) -> Answer:
        """The answer in the unit the question asks for, or an honest "not given".

        Money converts exactly between 元 and 万元 (rounded to 分 for display, the exact value kept
        in the sentence). A question about a count (几辆, 多少人次) or a rate (百分之几) is never
        answered with an amount of money: the narrative is searched for a figure in that unit.
        """
        wanted = requested_unit(text)
        if answer.status != "answered" or answer.value is None or not wanted or answer.unit == wanted:
            return answer
        if wanted == "个" and answer.unit in ("人", "家", "项", "辆"):
            return answer  # 几个 counts people and things alike
        money = ("元", "万元")
        if wanted == "元" and answer.unit == "万元":
            answer.text += "（报告此处只给出以万元为单位的数字。）"
            return answer
        if wanted in money and answer.unit in money:
            exact = answer.value * 10000 if wanted == "元" else answer.value / 10000
            shown = exact.quantize(TWO, ROUND_HALF_UP)
            answer.text += (
                f"即 {_fmt(shown)}{wanted}" + ("" if shown == exact else f"（精确为 {exact}{wanted}）") + "。"
            )
            answer.value, answer.unit = shown, wanted
            return answer
        if wanted == "%" and answer.unit != "%" or wanted not in money and wanted != "%":
            found = self._narrative_match(text, ents, report, log, unit=wanted)
            if found is not None:
                return found
            return Answer(
                "",
                "no_answer",
                f"报告中没有找到以“{wanted}”为单位的相关数字。",
                intent=answer.intent,
                suggestions=self.rules.examples[:3],
            )
        return answer

    def _kb_label(self) -> str:
        reports = self.catalog.reports
        if len(reports) == 1:
            return reports[0].label
        return f"已收录的 {len(reports)} 份预算/决算报告"

    def _dispatch(self, intent, text, tokens, ents, report, conv, log) -> Answer:
        T = self.rules.templates
        ex = self._examples()
        if intent == "private":
            return Answer("", "no_answer", T["private"], intent=intent)
        if intent == "greeting":
            return Answer(
                "",
                "answered",
                T["greeting"].format(report=self._kb_label(), examples=ex),
                intent=intent,
                confidence=1.0,
            )
        if intent == "help":
            return Answer("", "answered", T["help"].format(examples=ex), intent=intent, confidence=1.0)
        if intent == "out_of_scope":
            return Answer("", "no_answer", T["out_of_scope"].format(examples=ex), intent=intent)
        if intent == "list_reports":
            reports = list(ents.reports or self.catalog.reports)
            if ents.years:
                reports = [r for r in reports if r.year in ents.years]
            kinds = [k for k in ("决算", "预算") if k in _kind_text(text)]
            if len(kinds) == 1:
                reports = [r for r in reports if r.kind == kinds[0]]
            labels = "；".join(r.label for r in reports[:30]) + (
                f" 等 {len(reports)} 份" if len(reports) > 30 else ""
            )
            return Answer(
                "",
                "answered",
                T["list_reports"].format(n=len(reports), reports=labels or "（没有符合条件的报告）"),
                intent=intent,
                confidence=1.0,
                value=Decimal(len(reports)),
                unit="份",
            )
        if intent == "report_info":
            return Answer(
                "",
                "answered",
                T["report_info"].format(
                    report=report.title or report.label,
                    department=report.department,
                    year=report.year,
                    kind=report.kind,
                ),
                intent=intent,
                confidence=1.0,
                citations=[Citation(report=report.title or report.label, section="标题", quote=report.title)],
            )
        if intent == "definition":
            return self._definition(text, ents, report, log)
        if intent == "reason":
            return self._reason(text, tokens, ents, report, conv, log)
        if intent in ("duties", "organisation"):
            headings = (
                ["职责", "职能"] if intent == "duties" else ["机构设置", "单位构成", "内设机构", "组织机构"]
            )
            return self._section_answer(headings, report, log, intent)
        if intent == "contact":
            rows = search_sentences(self.db, log, report, ["联系"])
            if rows:
                return self._sentence_answer(rows[0], report, intent)
            return Answer("", "no_answer", "报告中没有公开联系方式。", intent=intent)
        if intent == "performance":
            return self._performance(text, ents, report, log)
        return self._lookup(text, tokens, ents, report, conv, log)

    def _sentence_answer(self, r: dict, report: ReportInfo, intent: str, template: str = "text") -> Answer:
        from .query import sentence_citation

        c = sentence_citation(report, r)
        T = self.rules.templates
        body = T[template].format(text=r["text"], sentence=r["text"], source=_source_text(c))
        return Answer("", "answered", body, intent=intent, confidence=0.8, citations=[c])

    def _section_answer(self, headings: list[str], report: ReportInfo, log: QueryLog, intent: str) -> Answer:
        rows: list[dict] = []
        for heading in headings:
            rows = [
                r
                for r in log.run(
                    self.db,
                    "SELECT * FROM sections WHERE report_id = ? AND heading LIKE ?"
                    " ORDER BY COALESCE(page, 0), line LIMIT 3",
                    [report.id, f"%{heading}%"],
                )
                if r["text"] and "目录" not in r["path"]
            ]
            if rows:
                break
        if not rows:
            return Answer("", "no_answer", f"报告中没有“{headings[0]}”的说明。", intent=intent)
        r = rows[0]
        c = Citation(
            report=report.title, section=r["path"], quote=r["text"][:300], line=r["line"], page=r["page"]
        )
        return Answer(
            "", "answered", f"{r['text']}（{_source_text(c)}）", intent=intent, confidence=0.9, citations=[c]
        )

    def _definition(self, text, ents, report, log) -> Answer:
        T = self.rules.templates
        names = [m.subject for m in ents.subjects] + [m.surface for m in ents.subjects] + ents.ambiguous
        rows = []
        for n in names:
            rows = log.run(
                self.db,
                "SELECT * FROM terms WHERE report_id = ? AND (term = ? OR term LIKE ?)",
                [report.id, n, f"%{n}%"],
            )
            if rows:
                break
        if not rows:
            if re.search(r"自评|绩效|结论", text):
                return self._performance(text, ents, report, log)
            found = self._sentence_match(text, self._tokens(text), ents, report, log)
            if found is not None:
                return found  # "公用经费主要包括什么" answered by the sentence that says so
            if names:
                return Answer("", "no_answer", f"报告的名词解释里没有“{names[0]}”。", intent="definition")
            found = self._narrative_match(text, ents, report, log)  # "主管部门是哪个" and the like
            if found is not None:
                return found
            return Answer(
                "", "no_answer", T["no_subject"].format(examples=self._examples()), intent="definition"
            )
        r = rows[0]
        c = Citation(
            report=report.title,
            section="名词解释",
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

    def _reason(self, text, tokens, ents, report, conv, log) -> Answer:
        """The sentence in which the report explains what the question asks about.

        Candidates are sentences that give a reason (原因/由于/导致…) or say that something does not
        exist (无/没有…); they are ranked by naming the subject (in the sentence or its heading), by
        the direction the question asks about (增加/减少…), and by shared wording.
        """
        subjects = [m.subject for m in ents.subjects] or (conv.subjects if conv else [])
        forms: list[str] = []
        for subject in subjects[:2]:
            forms += [subject] + [f for f, t in self.rules.synonyms.items() if t == subject and len(f) >= 2]
            if subject == SANGONG:
                forms.append("三公")
        rows = log.run(
            self.db,
            "SELECT s.*, c.path AS section_path FROM sentences s JOIN sections c ON c.id = s.section_id"
            " WHERE s.report_id = ? ORDER BY COALESCE(s.page, 0), s.line",
            [report.id],
        )
        asked = re.findall(r"增加|减少|下降|降低|增长|上升|追加|调整|差异|没有|无", text)
        want = _bigrams(ents.plain or text)
        best, best_score = None, 0.0
        for r in rows:
            sent = re.sub(r"[\"“”]", "", r["text"])
            heading = re.sub(r"[\"“”]", "", (r["section_path"] or "").split(" > ")[-1])
            gives_reason = re.search(r"原因|由于|因为|导致|主要是|系", sent)
            says_none = forms and any(f in sent for f in forms) and re.search(r"无|没有|未发生|不是", sent)
            if not (gives_reason or says_none) or "目录" in (r["section_path"] or ""):
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
            return Answer("", "no_answer", "报告中没有找到相关原因的说明。", intent="reason")
        return self._sentence_answer(best, report, "reason", template="reason")

    def _performance(self, text, ents, report, log) -> Answer:
        subj = ents.subjects[0].subject if ents.subjects else None
        if subj and subj in self.catalog.indicators:
            rows = log.run(
                self.db,
                "SELECT i.*, p.project FROM performance_indicators i JOIN performance_projects p"
                " ON p.id = i.project_id WHERE i.report_id = ? AND i.name = ?",
                [report.id, subj],
            )
            if rows:
                r = rows[0]
                c = Citation(
                    report=report.title,
                    table="项目支出绩效自评表",
                    row=r["name"],
                    column="实际完成值",
                    quote=f"{r['name']} 年度指标值 {r['target']} 实际完成值 {r['actual']}",
                    line=r["line"],
                    page=r["page"],
                )
                body = (
                    f"“{r['project']}”项目的绩效指标“{r['name']}”：年度指标值 {r['target']}，实际完成值 "
                    f"{r['actual']}，分值 {r['weight']}，得分 {r['score']}（{_source_text(c)}）。"
                )
                return Answer("", "answered", body, intent="performance", confidence=0.9, citations=[c])
        fund = next(
            (
                k
                for k in ("年初预算数", "全年预算数", "全年执行数", "执行数", "执行率", "分值", "得分")
                if k.rstrip("数") in text
            ),
            None,
        )
        if fund and re.search(r"自评表|绩效表|(元)|多少元", text):
            rows = log.run(self.db, "SELECT * FROM performance_projects WHERE report_id = ?", [report.id])
            import json as _json

            for r in rows:
                funds = _json.loads(r["funds"] or "{}")
                key = "全年执行数" if fund == "执行数" else fund
                if funds.get(key) is not None:
                    v = Decimal(funds[key])
                    unit = "%" if key == "执行率" else ("分" if key in ("分值", "得分") else r["unit"])
                    c = Citation(
                        report=report.title,
                        table="项目支出绩效自评表",
                        row=f"{r['project']} 年度资金总额",
                        column=key,
                        quote=f"年度资金总额 {key} {funds[key]}",
                        line=r["line"],
                        page=r["page"],
                    )
                    body = f"“{r['project']}”项目绩效自评表中，{key}为 {_fmt(v)}{unit}（{_source_text(c)}）。"
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
        words = (
            ["得分"]
            if re.search(r"得分|多少分|评分|打了", text)
            else (["执行率"] if "执行率" in text else [])
        )
        figs = narrative_figures(self.db, log, report, words) if words else []
        if not figs and not words:
            if "主管部门" in text:
                found = self._project_field(
                    report, log, "department", "主管部门", "“{project}”项目的主管部门是{value}"
                )
                if found is not None:
                    return found
            if re.search(r"结论|评价等级|评级", text):
                found = self._project_field(
                    report, log, "conclusion", "自评结论", "“{project}”项目绩效自评结论为“{value}”"
                )
                if found is not None:
                    return found
            # a fact the narrative states about the self-evaluation (自评覆盖率, 涉及资金, 几个项目)
            found = self._narrative_match(text, self._ents or Entities(), report, log)
            if found is not None:
                return found
            found = self._sentence_match(text, self._tokens(text), self._ents or Entities(), report, log)
            if found is not None:
                return found
            hits = sorted(i for i in self.catalog.indicators if any(w in i for w in _pieces(text)))
            if hits:
                return Answer(
                    "",
                    "clarify",
                    "您问的可能是以下绩效指标，请选一个：",
                    intent="performance",
                    suggestions=[f"{h}的实际完成值" for h in hits[:6]],
                    confidence=0.3,
                )
            return self._lookup(text, [], Entities(), report, None, log)
        if figs:
            f = narrative_figure(report, figs[0], words[0])
            T = self.rules.templates
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
        return Answer("", "no_answer", "报告中没有找到绩效自评的相关内容。", intent="performance")

    # -- figures ---------------------------------------------------------------------
    def _narrative_match(
        self,
        text: str,
        ents: Entities,
        report: ReportInfo,
        log: QueryLog,
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
            want |= _bigrams(re.sub(r"多少|几|百分之|是|的", " ", ents.plain or text))
        if len(want) < 2:
            return None
        rows = log.run(
            self.db,
            "SELECT * FROM narrative_figures WHERE report_id = ? ORDER BY COALESCE(page, 0), line, id",
            [report.id],
        )
        other_years = [y for y in ents.years if y != report.year]
        scored = []
        for r in rows:
            ctx = r["context"].replace(" ", "").replace(report.department, "")
            pre = _prefix(r["sentence"], r["raw"]).replace(" ", "").replace(report.department, "")
            if other_years and not any(str(y) in pre for y in other_years):
                continue
            if unit is not None:
                if r["unit"] != unit and r["unit"][:1] != unit[:1]:
                    continue
            elif money:
                if r["unit"] not in ("万元", "元"):
                    continue
            elif (r["unit"] == "%") != bool(re.search(r"率|占|比例|百分|%", text)):
                continue
            cover = max(len(want & _bigrams(ctx)) / len(want), 0.85 * len(want & _bigrams(pre)) / len(want))
            if near and any(f in pre for f in near):
                cover += 0.2
            scored.append((cover, r))
        scored.sort(key=lambda x: -x[0])
        if self._trace is not None:
            self._trace.add(
                "narrative_match",
                {
                    "want": sorted(want),
                    "best": [(round(c, 2), r["context"], r["value"], r["unit"]) for c, r in scored[:3]],
                    "threshold": NARRATIVE_MIN_COVER,
                    "margin": NARRATIVE_MARGIN,
                },
            )
        if unit is not None and (not scored or scored[0][0] < NARRATIVE_MIN_COVER):
            # "有几辆公车": the report's own total in that unit (共有车辆 …), if it states one
            loose = (
                {p for p in ents.rest.split() if len(p) >= 2}
                - GENERIC
                - {"单位", "部门", "中心", "公车", "车辆", "一共"}
            )
            totals = [
                r
                for r in rows
                if unit in ("辆", "人", "台(套)")
                and not loose  # "火星上有多少人" is not a question about this unit's staff
                and r["unit"][:1] == unit[:1]
                and re.search(r"共有|合计|总数|共计|年末在编|实有人数", r["context"])
                and not re.search(r"20\d\d", r["context"].replace(str(report.year), ""))
                and not other_years
            ]
            if len({(r["value"], r["unit"]) for r in totals}) == 1:
                scored = [(NARRATIVE_MIN_COVER, totals[0])]
        if not scored or scored[0][0] < NARRATIVE_MIN_COVER:
            return None
        best, r = scored[0]
        rivals = [c for c, x in scored[1:] if (x["value"], x["unit"]) != (r["value"], r["unit"])]
        if rivals and best - rivals[0] < NARRATIVE_MARGIN:
            return None
        fig = narrative_figure(report, r, r["context"])
        self._last_context = r["context"]
        body = self.rules.templates["narrative"].format(
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
            confidence=round(0.6 + 0.3 * best, 2),
            citations=[fig.citation],
        )

    def _measure(self, ents: Entities, conv: Conversation | None, follow_up: bool) -> str:
        for m in ents.measures:
            if m in ("actual", "budget"):
                return m
        if follow_up and conv and conv.measure:
            return conv.measure
        return "actual"

    def _figures(
        self,
        report: ReportInfo,
        subject: str,
        measure: str,
        log: QueryLog,
        code: str | None = None,
        question: str = "",
        own_year: bool = False,
        wording: bool = True,
    ) -> list[Figure]:
        """Figures for one subject and measure: the tables first, then the narrative.

        A question about another year than the report's (2023 in a 2024 report, 上年) is answered
        from the narrative only, unless ``own_year`` says the report was chosen for that year.
        """
        m = self.rules.measures[measure]
        columns = list(m.columns)
        if report.kind == "预算":
            # a budget report's tables hold budgets under plain column names (合计, 预算数)
            measure = "budget"
            m = self.rules.measures["budget"]
            columns = m.columns + [c for c in self.rules.measures["actual"].columns if c not in m.columns]
        ents = self._ents
        if (
            ents
            and not own_year
            and (
                [y for y in ents.years if y != report.year]
                or (ents.relative_year in ("上年", "上一年") and "change" not in ents.operations)
            )
        ):
            return self._narrative_only(report, subject, measure, log, wording)
        sangong_parts = {
            SANGONG,
            *self.rules.groups.get(SANGONG, []),
            *self.rules.groups.get("公务用车购置及运行维护费", []),
        }
        if subject in sangong_parts:
            return (
                sangong_figures(self.db, log, report, subject, m.label)
                or self._narrative_only(report, subject, measure, log, wording)
                or table_figures(self.db, log, report, subject, columns, code)
            )
        figs = table_figures(self.db, log, report, subject, columns, code)
        if figs:
            return figs
        for other in self.rules.fallbacks.get(subject, []):
            figs = table_figures(self.db, log, report, other, columns)
            if figs:
                return figs
        return self._narrative_only(report, subject, measure, log, wording)

    def _narrative_only(
        self, report: ReportInfo, subject: str, measure: str, log: QueryLog, wording: bool = True
    ) -> list[Figure]:
        # the narrative: figures whose clause (or, weaker, whose sentence before them) names the subject
        forms = [subject] + [f for f, s in self.rules.synonyms.items() if s == subject and len(f) >= 2]
        if subject == SANGONG:
            forms = ["三公"]
        rows = log.run(
            self.db,
            "SELECT * FROM narrative_figures WHERE report_id = ? ORDER BY COALESCE(page, 0), line, id",
            [report.id],
        )
        ents = self._ents
        other_years = [y for y in (ents.years if ents else []) if y != report.year]
        previous = bool(ents and ents.relative_year in ("上年", "上一年") and "change" not in ents.operations)
        question = (ents.plain if ents and ents.plain else self._question) if wording else subject
        # the measure's own words are weighed by the measure term below, not again as wording
        measure_words = [w for m in self.rules.measures.values() for w in m.words]
        for f in sorted(forms, key=len, reverse=True):
            question = question.replace(f, " ")
        worded = _bigrams(question)  # all wording, measure words included (年初预算 vs 全年预算)
        for f in sorted(measure_words, key=len, reverse=True):
            question = question.replace(f, " ")
        rest = _bigrams(question)
        wants_rate = wording and bool(re.search(r"率|占|比例|百分", self._question))
        unexplained = (
            _bigrams(" ".join(p for p in ents.rest.split() if p not in GENERIC))
            if ents and wording
            else set()
        )
        scored = []
        for r in rows:
            ctx = r["context"].replace(" ", "").replace(report.department, "")
            pre = _prefix(r["sentence"], r["raw"]).replace(" ", "").replace(report.department, "")
            in_ctx = any(f in ctx for f in forms)
            in_pre = any(f in pre for f in forms)
            # the sentence before may name it: then the section heading does ("十、…“三公”经费…")
            in_section = any(f in (r["section_path"] or "").split(" > ")[-1] for f in forms)
            if not (in_ctx or in_pre or in_section):
                continue
            if r["unit"] == "%" and not wants_rate:
                continue
            year = _year_of(ctx, pre, report.year)
            if other_years or previous:
                wanted = set(other_years) | ({report.year - 1} if previous else set())
                if year not in wanted and not (previous and re.search(r"上年|上一年", ctx)):
                    continue
            elif year != report.year or re.search(r"上年|上一年", ctx):
                continue
            if re.search(r"较上年|比上年|减少|增加|下降|降低|增长|降幅|增幅", ctx) and not previous:
                continue
            plain = ctx.replace("一般公共预算", "")
            budget = "预算" in plain and "决算" not in plain
            score = (2.0 if in_ctx else 1.0 if in_pre else 0.5) + 1.5 * len(rest & _bigrams(ctx))
            score += 0.5 * len((worded - rest) & _bigrams(ctx))
            if subject in ctx:
                score += (
                    0.5  # the subject's own name beats a looser synonym ("政府采购支出总额" vs "采购金额")
                )
            covered = bool(unexplained) and unexplained <= _bigrams(ctx)
            if (measure == "budget") != budget and not covered:
                continue  # a budget is not an answer about spending, nor the other way round
            score += 0.5 if (measure == "budget") == budget else -2.0
            score += (2.0 if r["unit"] == "%" else -2.0) if wants_rate else 0.0
            if unexplained:
                score += 4.0 * len(unexplained & _bigrams(ctx)) / len(unexplained)
            scored.append((score, r))
        scored.sort(key=lambda x: -x[0])
        return [narrative_figure(report, r, subject) for sc, r in scored[:3] if sc > 0]

    def _lookup(
        self, text, tokens, ents: Entities, report: ReportInfo, conv: Conversation | None, log
    ) -> Answer:
        T = self.rules.templates
        subjects = [m for m in ents.subjects]
        follow_up = False
        short_follow_up = len(text) <= 14 and (
            bool(ents.measures or ents.operations) or re.search(r"呢|那|还有|的话", text) is not None
        )
        pair_words = re.search(r"两个|两者|两项|二者|它们|这两|哪个多|哪个少|分别", text)
        if (
            conv
            and len(subjects) < 2
            and pair_words
            and len(conv.recent) >= 2
            and ({"sum", "difference", "share"} & set(ents.operations) or "哪个" in text)
        ):
            names2 = [m.subject for m in subjects]
            extra = [x for x in conv.recent if x not in names2][-(2 - len(subjects)) :]
            subjects = subjects + [Match(x, x, 0, 0, 100.0, "conversation") for x in extra]
            if "哪个" in text and "difference" not in ents.operations:
                ents.operations.append("difference")
        if not subjects and conv and conv.subjects and len(_bigrams(ents.rest)) >= 2:
            near = [
                x for n in conv.subjects for x in [n] + [f for f, t in self.rules.synonyms.items() if t == n]
            ]
            found = self._narrative_match(text, ents, report, log, near=near)
            if found is not None:
                return found
        if not subjects and conv and conv.subjects and short_follow_up and len(_bigrams(ents.rest)) < 2:
            ents.ambiguous = []
            subjects = [Match(s, s, 0, 0, 100.0, "conversation") for s in conv.subjects]
            follow_up = True
        elif subjects and conv and conv.subjects and re.search(r"呢|那", text) and not ents.measures:
            follow_up = True
        if ents.ambiguous and not subjects and requested_unit(text) in ("辆", "人", "人次", "台(套)", "个"):
            found = self._narrative_match(text, ents, report, log, unit=requested_unit(text))
            if found is not None:
                return found
        if ents.ambiguous and not subjects:
            return Answer(
                "",
                "clarify",
                T["clarify"].format(subject=_residue_word(text)),
                intent="lookup",
                suggestions=[f"{s}多少" for s in ents.ambiguous[:6]],
                confidence=0.3,
            )
        if not subjects:
            if {"rank_max", "rank_min"} & set(ents.operations):
                return self._rank(text, ents.operations, report, log)
            if "change" in ents.operations:
                if re.search(r"总|全部|整体|收支|支出|收入", text):
                    return self._change(["本年支出合计"], report, log, text)
                return Answer(
                    "",
                    "clarify",
                    "请问您想了解哪一项与上年相比的变化？",
                    intent="change",
                    suggestions=["总支出比上年下降了多少", "三公经费比上年减少了多少"],
                    confidence=0.3,
                )
            total_words = r"花|支出|用了|开支|收入|总计|合计|决算|总额" + (
                r"|预算" if report.kind == "预算" else ""
            )
            if not (set(ents.rest.split()) - {"收入", "支出", "收支", "总", "全部"}) and re.search(
                total_words, text
            ):
                total = "本年收入合计" if "收入" in text and "支出" not in text else "本年支出合计"
                subjects = [Match(total, total, 0, 0, 90.0, "total")]
            else:
                if {"actual", "budget"} <= set(ents.measures) or (
                    "rate" in ents.operations and "budget" in ents.measures
                ):
                    found = self._budget_vs_actual(text, ents, report, log)
                    if found is not None:
                        return found
                wanted = requested_unit(text)
                if wanted in ("辆", "人", "人次", "台(套)", "个"):
                    found = self._narrative_match(text, ents, report, log, unit=wanted)
                    if found is not None:
                        return found
                found = self._narrative_match(text, ents, report, log)
                if found is not None:
                    return found
                if ents.measures or ents.operations:
                    if conv is not None:
                        conv.measure = next(
                            (m for m in ents.measures if m in ("actual", "budget")), conv.measure
                        )
                        conv.pending = True
                    return Answer(
                        "",
                        "clarify",
                        "请问您想了解哪一项的数字？例如：",
                        intent="lookup",
                        suggestions=self.rules.examples[:4],
                        confidence=0.2,
                    )
                found = self._sentence_match(text, tokens, ents, report, log)
                if found is not None:
                    return found
                return Answer(
                    "", "no_answer", T["no_subject"].format(examples=self._examples()), intent="lookup"
                )
        if conv is not None and conv.pending and not ents.measures:
            follow_up = True
        measure = self._measure(ents, conv, follow_up)
        ops = list(ents.operations)
        if follow_up and not ops and conv and conv.operation and not ents.measures:
            ops = [conv.operation] if conv.operation in ("share",) and not ents.subjects else []
        if conv is not None:
            conv.pending = False
            for m in subjects:
                if m.subject in conv.recent:
                    conv.recent.remove(m.subject)
                conv.recent.append(m.subject)
            conv.recent[:] = conv.recent[-4:]
            conv.subjects = [m.subject for m in subjects]
            conv.measure = measure
            conv.operation = ops[0] if ops else None
        names = [m.subject for m in subjects]
        specific = [n for n in names if n not in CONTAINERS]
        combine = bool({"share", "difference", "sum", "average"} & set(ops)) or re.search(
            r"和|与|及|跟|、", text
        )
        if len(names) > 1 and not combine:
            keep = specific or names[-1:]  # "一般公共预算财政拨款基本支出": the narrower, named last
            names = keep
            subjects = [m for m in subjects if m.subject in keep]
        if "average" in ops:
            return self._average(names, measure, report, log)
        if set(names) <= TOTALS | {"一般公共预算财政拨款支出"} and (
            "rate" in ops or ({"actual", "budget"} <= set(ents.measures) and "difference" in ops)
        ):
            found = self._budget_vs_actual(text, ents, report, log)
            if found is not None:
                return found
        if "rank_max" in ops or "rank_min" in ops:
            return self._rank(text, ops, report, log)
        if "share" in ops:
            return self._share(names, measure, report, log)
        if "change" in ops:
            return self._change(names, report, log, text)
        if "difference" in ops and (len(names) >= 2 or len(set(ents.measures) & {"actual", "budget"}) == 2):
            return self._difference(names, ents, report, log)
        if "sum" in ops and len(names) >= 2:
            return self._sum(names, measure, report, log)
        if len(names) >= 2 and re.search(r"和|与|及|跟|、", text) and "sum" not in ops:
            # two subjects asked together: answer both, each cited
            return self._several(names, measure, report, log)
        code = subjects[0].surface if subjects[0].method == "code" else None
        return self._single(names[0], measure, report, log, code, subjects[0])

    def _single(self, subject, measure, report, log, code=None, match: Match | None = None) -> Answer:
        T = self.rules.templates
        figs = self._figures(report, subject, measure, log, code, question=self._question)
        mlabel = self.rules.measures[measure].label
        ents = self._ents
        other_year = bool(
            ents and ([y for y in ents.years if y != report.year] or ents.relative_year in ("上年", "上一年"))
        )
        empty = None if figs or other_year else empty_table_for(self.db, log, report, subject)
        if not figs:
            if empty:
                why = empty["empty_reason"] or "该表无数据"
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
                none = self._says_none(report, subject, log)
                if none is not None:
                    return none
            if measure == "budget" and not other_year and self._figures(report, subject, "actual", log, code):
                return Answer("", "no_answer", f"报告没有给出{subject}的预算数。", intent="lookup")
            when = ""
            if other_year and ents:
                years = [y for y in ents.years if y != report.year]
                when = f"{years[0]}年" if years else "上年"
            return Answer(
                "",
                "no_answer",
                f"报告中没有找到{when}“{subject}”的{mlabel}。",
                intent="lookup",
                suggestions=self.rules.examples[:3],
            )
        best = figs[0]
        conf = (
            0.95
            if not match or match.method in ("exact", "code", "conversation")
            else min(0.9, match.score / 100)
        )
        body = T["lookup"].format(
            report=report.label,
            subject=subject,
            measure=("" if best.citation.table is None else self._measure_word(best, mlabel, report)),
            value=_fmt(best.value, best.unit),
            unit=best.unit,
            source=_source_text(best.citation),
        )
        if best.citation.table is None:
            body = T["narrative"].format(
                report=report.label,
                context=_clause(best),
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
            confidence=conf,
            citations=[best.citation],
        )
        if best.empty_cell:
            ans.text = body.rstrip("。") + "，表中该栏为空，即为 0。"
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
            note = f"报告前后不一致：{o.citation.table}中为 {_fmt(o.value)}{o.unit}，本回答以{best.citation.table}为准。"
            ans.notes.append(note)
            ans.text += note
            ans.citations.append(o.citation)
        return ans

    def _sentence_match(
        self, text: str, tokens: list[str], ents: Entities, report: ReportInfo, log: QueryLog
    ) -> Answer | None:
        """A sentence of the narrative that says what a text question asks ("有没有纳入财政重点项目
        绩效评价", "公用经费主要包括什么"), kept only when it covers most of the question's own words
        (the threshold is shown by --explain)."""
        plain = ents.plain or text
        want = _bigrams(re.sub(r"多少|什么|哪个|哪些|是否|有没有|吗|呢|的|了|是|谁|现在|主要", " ", plain))
        if len(want) < 2:
            return None
        # one report's sentences (a few hundred) are scanned directly: full text over all reports
        # would cost more than it saves once the knowledge base holds thousands of reports
        rows = log.run(
            self.db,
            "SELECT s.*, c.path AS section_path FROM sentences s JOIN sections c ON c.id = s.section_id"
            " WHERE s.report_id = ?",
            [report.id],
        )
        best, best_cover = None, 0.0
        for r in rows:
            if "目录" in (r["section_path"] or ""):
                continue
            cover = len(want & _bigrams(r["text"].replace(" ", ""))) / len(want)
            if cover > best_cover:
                best, best_cover = r, cover
        if self._trace is not None:
            self._trace.add(
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
        return self._sentence_answer(best, report, "text")

    def _budget_vs_actual(
        self, text: str, ents: Entities, report: ReportInfo, log: QueryLog
    ) -> Answer | None:
        """决算 against 年初预算 for the whole department, from the sentence that states both
        ("年初预算为576.61万元，支出决算为672.13万元"): the difference, or the completion rate."""
        rows = log.run(
            self.db,
            "SELECT * FROM narrative_figures WHERE report_id = ? AND unit IN ('万元', '元')"
            " ORDER BY COALESCE(page, 0), line, id",
            [report.id],
        )
        by_sentence: dict[tuple, list[dict]] = {}
        for r in rows:
            by_sentence.setdefault((r["page"], r["line"], r["sentence"]), []).append(r)
        for group in by_sentence.values():
            budget = [
                r
                for r in group
                if "预算" in r["context"].replace("一般公共预算", "") and "决算" not in r["context"]
            ]
            actual = [r for r in group if "决算" in r["context"]]
            if not budget or not actual or "三公" in group[0]["sentence"]:
                continue
            b, a = narrative_figure(report, budget[0], "预算"), narrative_figure(report, actual[0], "决算")
            if b.unit != a.unit or not b.value:
                continue
            if "rate" in ents.operations or re.search(r"百分|完成", text):
                rate = (a.value / b.value * 100).quantize(TWO, ROUND_HALF_UP)
                body = (
                    f"{report.label}说明中，{budget[0]['context']} {_fmt(b.value)}{b.unit}，"
                    f"{actual[0]['context']} {_fmt(a.value)}{a.unit}，决算为预算的 {rate}%"
                    f"（{_fmt(a.value)} ÷ {_fmt(b.value)}；{_source_text(a.citation)}）。"
                )
                return Answer(
                    "",
                    "answered",
                    body,
                    intent="rate",
                    value=rate,
                    unit="%",
                    confidence=0.7,
                    citations=[a.citation],
                )
            diff = a.value - b.value
            word = "多" if diff >= 0 else "少"
            body = (
                f"{report.label}说明中，{budget[0]['context']} {_fmt(b.value)}{b.unit}，"
                f"{actual[0]['context']} {_fmt(a.value)}{a.unit}，决算比预算{word} {_fmt(abs(diff))}{a.unit}"
                f"（{_fmt(a.value)} − {_fmt(b.value)}；{_source_text(a.citation)}）。"
            )
            return Answer(
                "",
                "answered",
                body,
                intent="difference",
                value=abs(diff),
                unit=a.unit,
                confidence=0.7,
                citations=[a.citation],
            )
        return None

    def _project_field(
        self, report: ReportInfo, log: QueryLog, field: str, label: str, sentence: str
    ) -> Answer | None:
        """A field of the 绩效自评表 (主管部门, 自评结论) as a cited sentence."""
        rows = log.run(self.db, "SELECT * FROM performance_projects WHERE report_id = ?", [report.id])
        rows = [r for r in rows if r[field]]
        if not rows:
            return None
        r = rows[0]
        c = Citation(
            report=report.title,
            table="项目支出绩效自评表",
            row=r["project"],
            column=label,
            quote=f"{label} {r[field]}",
            line=r["line"],
            page=r["page"],
        )
        body = sentence.format(project=r["project"], value=r[field]) + f"（{_source_text(c)}）。"
        return Answer("", "answered", body, intent="performance", confidence=0.8, citations=[c])

    def _says_none(self, report: ReportInfo, subject: str, log: QueryLog) -> Answer | None:
        """A sentence saying the unit has none of it ("…无机关运行经费。"): zero, with that sentence."""
        forms = [subject] + [f for f, t in self.rules.synonyms.items() if t == subject and len(f) >= 3]
        for form in forms:
            for r in search_sentences(self.db, log, report, [form], limit=20):
                sent = re.sub(r"[\"“”]", "", r["text"])
                if re.search(rf"(?:无|没有|未发生|不存在)[^，,。；]{{0,6}}{re.escape(form)}", sent):
                    from .query import sentence_citation

                    c = sentence_citation(report, r)
                    unit = "万元"  # zero is zero in any unit; 万元 is how narratives state amounts
                    body = f"{report.label}中没有{subject}，即为 0：“{r['text']}”（{_source_text(c)}）"
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

    def _measure_word(self, f: Figure, mlabel: str, report: ReportInfo | None = None) -> str:
        col = f.column or ""
        if col and col == f.subject:
            return "决算数" if report is None or report.kind == "决算" else "预算数"
        if report is not None and report.kind == "预算":
            return "预算数"
        if "预算" in col:
            return "预算数"
        if "决算" in col or col in ("本年支出合计", "本年收入合计", "金额", "合计"):
            return "决算数"
        return col

    def _average(self, names, measure, report, log) -> Answer:
        """人均: an amount divided by the staff count the report states (在编人数)."""
        money = next((n for n in names if n != "在编人数"), None)
        if money is None:
            return Answer("", "no_answer", "请说明要按人平均的是哪一项金额。", intent="average")
        amount = self._figures(report, money, measure, log)
        people = [f for f in self._narrative_only(report, "在编人数", "actual", log) if f.unit == "人"]
        if not amount or amount[0].unit not in ("万元", "元") or not people or not people[0].value:
            return Answer(
                "", "no_answer", f"报告没有同时给出{money}和在编人数，无法计算人均。", intent="average"
            )
        a, p = amount[0], people[0]
        exact = a.value / p.value
        shown = exact.quantize(TWO, ROUND_HALF_UP)
        body = (
            f"{report.label}中，{money} {_fmt(a.value)}{a.unit}，在编人数 {_fmt(p.value, '人')}人，人均约 "
            f"{_fmt(shown)}{a.unit}（{_fmt(a.value)} ÷ {_fmt(p.value, '人')}；出处：{_source_text(a.citation)}；"
            f"{_source_text(p.citation)}）。"
        )
        return Answer(
            "",
            "answered",
            body,
            intent="average",
            value=shown,
            unit=a.unit,
            confidence=0.7,
            citations=[a.citation, p.citation],
        )

    def _several(self, names, measure, report, log) -> Answer:
        parts, cites = [], []
        for n in names[:4]:
            figs = self._figures(report, n, measure, log)
            if not figs:
                return self._single(n, measure, report, log)
            parts.append(f"{n} {_fmt(figs[0].value)}{figs[0].unit}（{_source_text(figs[0].citation)}）")
            cites.append(figs[0].citation)
        return Answer(
            "",
            "answered",
            f"{report.label}中，" + "；".join(parts) + "。",
            intent="lookup",
            confidence=0.85,
            citations=cites,
        )

    def _pair(self, names, measure, report, log) -> tuple[Figure, Figure] | Answer:
        got = []
        for n in names[:2]:
            figs = [f for f in self._figures(report, n, measure, log, wording=False) if f.unit != "%"]
            if not figs:
                return Answer("", "no_answer", f"报告中没有找到“{n}”的数字，无法计算。", intent="compute")
            got.append(figs[0])
        if got[0].unit != got[1].unit:
            return Answer("", "no_answer", "两个数字单位不同，无法直接计算。", intent="compute")
        return got[0], got[1]

    def _share(self, names, measure, report, log) -> Answer:
        T = self.rules.templates
        ents = self._ents
        unexplained = [p for p in (ents.rest.split() if ents else []) if len(p) >= 2 and p not in GENERIC]
        if len(names) == 1 and names[0] in CONTAINERS and unexplained:
            # "政府采购里服务类占比": the part is a narrative figure inside the named whole
            near = [names[0]] + [f for f, t in self.rules.synonyms.items() if t == names[0]]
            part = self._narrative_match(self._question, ents, report, log, near=near, money=True)
            whole = self._figures(report, names[0], measure, log, wording=False)
            if (
                part is not None
                and part.unit != "%"
                and whole
                and whole[0].unit == part.unit
                and whole[0].value
            ):
                pct = (part.value / whole[0].value * 100).quantize(TWO, ROUND_HALF_UP)
                label = part.citations[0].quote and self._last_context or "该项"
                body = (
                    f"{report.label}中，{label} {_fmt(part.value)}{part.unit}，占{names[0]} "
                    f"{_fmt(whole[0].value)}{part.unit}的 {pct}%（{_fmt(part.value)} ÷ {_fmt(whole[0].value)}）。"
                    f"出处：{_source_text(part.citations[0])}；{_source_text(whole[0].citation)}。"
                )
                return Answer(
                    "",
                    "answered",
                    body,
                    intent="share",
                    value=pct,
                    unit="%",
                    confidence=0.75,
                    citations=[part.citations[0], whole[0].citation],
                )
        if unexplained and len(names) == 1:
            # words the subject does not explain ("服务类"): computing the subject's own share would
            # answer another question
            return Answer(
                "",
                "no_answer",
                f"报告中没有找到“{'、'.join(unexplained)}”的数字，无法计算占比。",
                intent="share",
                suggestions=[f"{names[0]}占总支出的比例"],
            )
        part_name = names[0]
        if len(names) >= 2:
            whole_name = names[1]
        elif (
            part_name in TOTALS
            and self._conv is not None
            and [x for x in self._conv.recent if x != part_name]
        ):
            # "占总支出的比例呢" after a question about 基本支出: the part is the earlier subject
            whole_name = part_name
            part_name = [x for x in self._conv.recent if x != whole_name][-1]
        else:
            whole_name = "本年收入合计" if "收入" in part_name else "本年支出合计"
        if part_name == whole_name:
            return Answer(
                "",
                "clarify",
                f"请问您想知道哪一项占{whole_name}的比例？",
                intent="share",
                suggestions=[f"基本支出占{whole_name}的比例", f"项目支出占{whole_name}的比例"],
                confidence=0.3,
            )
        pair = self._pair([part_name, whole_name], measure, report, log)
        if isinstance(pair, Answer):
            return pair
        a, b = pair
        if b.value == 0:
            return Answer("", "no_answer", f"{whole_name}为 0，无法计算占比。", intent="share")
        pct = (a.value / b.value * 100).quantize(TWO, ROUND_HALF_UP)
        body = T["share"].format(
            report=report.label,
            part=part_name,
            measure="",
            part_value=_fmt(a.value),
            unit=a.unit,
            whole=whole_name,
            whole_value=_fmt(b.value),
            value=pct,
        )
        body += f"出处：{_source_text(a.citation)}；{_source_text(b.citation)}。"
        return Answer(
            "",
            "answered",
            body,
            intent="share",
            value=pct,
            unit="%",
            confidence=0.85,
            citations=[a.citation, b.citation],
        )

    def _difference(self, names, ents, report, log) -> Answer:
        T = self.rules.templates
        if len(names) >= 2:
            pair = self._pair(names, "actual", report, log)
            labels = names[:2]
        else:
            fa = self._figures(report, names[0], "actual", log)
            fb = self._figures(report, names[0], "budget", log)
            if not fa or not fb:
                return Answer(
                    "", "no_answer", f"报告没有同时给出{names[0]}的预算数和决算数。", intent="compute"
                )
            pair = (fa[0], fb[0])
            labels = [f"{names[0]}决算数", f"{names[0]}预算数"]
        if isinstance(pair, Answer):
            return pair
        a, b = pair
        diff = a.value - b.value
        direction = "多" if diff >= 0 else "少"
        body = T["difference"].format(
            report=report.label,
            a=labels[0],
            b=labels[1],
            measure="",
            a_value=_fmt(a.value),
            b_value=_fmt(b.value),
            unit=a.unit,
            direction=direction,
            value=_fmt(abs(diff)),
        )
        body += f"出处：{_source_text(a.citation)}；{_source_text(b.citation)}。"
        return Answer(
            "",
            "answered",
            body,
            intent="difference",
            value=abs(diff),
            unit=a.unit,
            confidence=0.85,
            citations=[a.citation, b.citation],
        )

    def _sum(self, names, measure, report, log) -> Answer:
        T = self.rules.templates
        figs = []
        for n in names[:6]:
            f = self._figures(report, n, measure, log)
            if not f:
                return Answer("", "no_answer", f"报告中没有找到“{n}”的数字，无法计算。", intent="sum")
            figs.append(f[0])
        if len({f.unit for f in figs}) != 1:
            return Answer("", "no_answer", "这些数字单位不同，无法相加。", intent="sum")
        total = sum((f.value for f in figs), Decimal(0))
        parts = "，".join(f"{n} {_fmt(f.value)}{f.unit}" for n, f in zip(names, figs, strict=False))
        formula = " + ".join(_fmt(f.value) for f in figs)
        body = T["sum"].format(
            report=report.label, parts=parts, value=_fmt(total), unit=figs[0].unit, formula=formula
        )
        body += "出处：" + "；".join(_source_text(f.citation) for f in figs) + "。"
        return Answer(
            "",
            "answered",
            body,
            intent="sum",
            value=total,
            unit=figs[0].unit,
            confidence=0.85,
            citations=[f.citation for f in figs],
        )

    def _rank(self, text, ops, report, log, within: str | None = None) -> Answer:
        """Largest or smallest item: 项 of the expenditure table, 款 of the 基本支出 detail (optionally
        within 人员经费/公用经费), or 类 of the summary table."""
        T = self.rules.templates
        if within is None:
            within = "公用经费" if "公用经费" in text else ("人员经费" if "人员经费" in text else None)
        # "工资福利支出里哪一项最多": the items under a named 类
        codes = {v: k for k, v in self.catalog.codes.items()}
        parent = next(
            (
                codes[m.subject]
                for m in (self._ents.subjects if self._ents else [])
                if len(codes.get(m.subject, "")) in (3, 5)
            ),
            None,
        )
        if re.search(r"哪一?类|类级|大类", text):
            figs = rank_classes(self.db, log, report)
        else:
            economic = bool(within) or bool(re.search(r"经济分类|费用|基本支出|哪项费|明细|花在", text))
            economic = economic or bool(parent and parent.startswith("3"))
            figs = rank_rows(self.db, log, report, economic, within)
            if parent:
                figs = [
                    f for f in figs if f.citation.row and re.search(rf"(?:^|：){parent}\d", f.citation.row)
                ]
        if not figs:
            return Answer("", "no_answer", "报告中没有可以比较的分项数字。", intent="rank")
        f = figs[0] if "rank_min" not in ops else figs[-1]
        extreme = "最少" if "rank_min" in ops else "最多"
        body = T["rank"].format(
            report=report.label,
            table=f.citation.table,
            extreme=extreme,
            subject=f.subject,
            value=_fmt(f.value),
            unit=f.unit,
            n=len(figs),
        )
        body += f"出处：{_source_text(f.citation)}。"
        return Answer(
            "",
            "answered",
            body,
            intent="rank",
            value=f.value,
            unit=f.unit,
            confidence=0.85,
            citations=[f.citation],
        )

    def _change(self, names, report, log, text: str = "") -> Answer:
        """Year-on-year change: computed when the report states both years' figures, otherwise as the
        report states it (the previous year is not in this year's tables)."""
        subject = names[0] if names else ""
        rows = log.run(
            self.db,
            "SELECT * FROM narrative_figures WHERE report_id = ? ORDER BY COALESCE(page, 0), line, id",
            [report.id],
        )
        want_pct = bool(re.search(r"百分|%|幅|比例|比率", text))
        forms = [subject] + [f for f, t in self.rules.synonyms.items() if t == subject and len(f) >= 2]
        if subject == SANGONG:
            forms = ["三公"]
        # both years stated: compute (在编人数 4 → 11)
        if subject and not want_pct:
            plain = [
                r
                for r in rows
                if any(f in r["context"] for f in forms)
                and not re.search(r"增加|减少|下降|降低|增长|上升|比|较", r["context"])
            ]

            def year(r: dict) -> int:
                return _year_of(
                    r["context"].replace(" ", ""), _prefix(r["sentence"], r["raw"]).replace(" ", ""), 0
                )

            this = [r for r in plain if year(r) == report.year]
            last = [r for r in plain if year(r) == report.year - 1]
            if this and last and this[0]["unit"] == last[0]["unit"]:
                a, b = narrative_figure(report, this[0], subject), narrative_figure(report, last[0], subject)
                diff = a.value - b.value
                word = "增加" if diff > 0 else ("减少" if diff < 0 else "持平")
                body = (
                    f"{report.label}说明中，{subject}{report.year - 1}年为 {_fmt(b.value, b.unit)}{b.unit}，"
                    f"{report.year}年为 {_fmt(a.value, a.unit)}{a.unit}，{word} {_fmt(abs(diff), a.unit)}{a.unit}"
                    f"（{_fmt(a.value, a.unit)} − {_fmt(b.value, b.unit)}；出处：{_source_text(b.citation)}；"
                    f"{_source_text(a.citation)}）。"
                )
                return Answer(
                    "",
                    "answered",
                    body,
                    intent="change",
                    value=abs(diff),
                    unit=a.unit,
                    confidence=0.8,
                    citations=[b.citation, a.citation],
                )
        stated = [
            r
            for r in rows
            if re.search(
                rf"较上年|比上年|上年|与.{{0,10}}相比|[比较]\s*{report.year - 1}",
                _prefix(r["sentence"], r["raw"]),
            )
            and re.search(r"增加|减少|下降|降低|增长|上升|降幅|增幅", r["context"])
        ]
        if subject and subject not in TOTALS:
            # named in the sentence before the figure, or (a sentence earlier) in its section heading
            stated = [
                r
                for r in stated
                if any(f in _prefix(r["sentence"], r["raw"]) for f in forms)
                or any(f in re.sub(r"[\"“”]", "", (r["section_path"] or "").split(" > ")[-1]) for f in forms)
            ]
        units = ("%",) if want_pct else ("万元", "元", "人", "辆")
        chosen = [r for r in stated if r["unit"] in units]
        if not chosen:
            return Answer(
                "", "no_answer", f"报告没有给出{subject or '该项'}与上年相比的变化。", intent="change"
            )
        r = chosen[0]
        fig = narrative_figure(report, r, subject)
        body = (
            f"{report.label}说明中：“{r['sentence']}”即与上年相比{_direction(r['context'])} "
            f"{_fmt(fig.value, fig.unit)}{fig.unit}（{_source_text(fig.citation)}）。"
        )
        return Answer(
            "",
            "answered",
            body,
            intent="change",
            value=fig.value,
            unit=fig.unit,
            confidence=0.75,
            citations=[fig.citation],
        )


NARRATIVE_MIN_COVER = 0.6
NARRATIVE_MARGIN = 0.15


def _bigrams(text: str) -> set[str]:
    parts = re.findall(r"[\u4e00-\u9fff]{2,}", text)
    return {p[i : i + 2] for p in parts for i in range(len(p) - 1)}


def _prefix(sentence: str, raw: str) -> str:
    i = sentence.find(raw)
    return sentence[:i] if i >= 0 else sentence


def _pieces(text: str) -> list[str]:
    from .entities import _residue

    return [p[i : i + 2] for p in _residue(text).split() for i in range(max(1, len(p) - 1)) if len(p) >= 2]


def _overlap(question: str, context: str) -> float:
    """How much of the question's wording a narrative clause shares (character bigrams)."""
    q = {question[i : i + 2] for i in range(len(question) - 1)}
    c = {context[i : i + 2] for i in range(len(context) - 1)}
    return len(q & c) / (len(q) or 1)


def _clause(f: Figure) -> str:
    """What a narrative figure is, as the report words it: its clause, or more of the sentence when
    the clause is too short to stand alone ("支决算总计" → "2023 年度收、支决算总计")."""
    ctx = f.column or ""
    if len(ctx.replace(" ", "")) >= 6:
        return ctx
    pre = _prefix(f.citation.quote or "", ctx)
    pre = re.split(r"[。;；]", _prefix(f.citation.quote or "", ctx) + ctx)[-1] if pre else ctx
    return pre.strip() or ctx


def _year_of(context: str, prefix: str, default: int) -> int:
    """The year a narrative figure is about: named in its clause, else the last year named before it
    in its sentence ("2023 年度收、支决算总计 2714.59"), else the report's year."""
    years = re.findall(r"(20\d\d)\s*年", context)
    if years:
        return int(years[-1])
    years = set(re.findall(r"(20\d\d)\s*年", prefix))
    if len(years) == 1:  # one year named before it; two means a comparison ("比2024年增加…")
        return int(years.pop())
    return default


def _direction(context: str) -> str:
    """The direction word the report itself uses for a change (增加/减少 …), as printed."""
    m = re.findall(r"增加|减少|下降|降低|增长|上升|降幅|增幅", context)
    return m[-1] if m else "变化"


def _kind_text(text: str) -> str:
    """The question without names that contain 预算 (一般公共预算…), to read 预算/决算 as a report kind."""
    return re.sub(r"一般公共预算|政府性基金预算|国有资本经营预算|年初预算|预算数|全年预算", "", text)


def _strip_report_words(text: str) -> str:
    return "的" + text if not text.startswith("的") else text


def _residue_word(text: str) -> str:
    from .entities import _residue

    return _residue(text) or text


_default_bot: Bot | None = None


def ask(question: str, db: str | Path | None = None, conversation: Conversation | None = None) -> Answer:
    """Answer one question (the simplest entry point). Keeps one Bot per knowledge base."""
    global _default_bot
    if _default_bot is None or (db is not None and Path(db) != _default_bot.db_path):
        _default_bot = Bot(db)
    return _default_bot.ask(question, conversation)


_UNIT_ASKED = [
    ("人次", r"人次"),
    ("台(套)", r"几台|多少台|几套|多少套"),
    ("辆", r"几辆|多少辆|保有量|车辆数|(?:公车|车辆|车子|用车)(?:有|共)?(?:几|多少)"),
    ("人", r"几个人|多少人(?![员民])|几人|人数"),
    ("个", r"几个项目|多少个项目|几个(?!人)"),
    ("%", r"百分之|百分比|%|比例|占比|比率|比重"),
    ("万元", r"多少万元|几万元|多少万(?!人)|万元"),
    ("元", r"多少元|几元|多少钱元|(?<![万亿])元(?!\))"),
]


def requested_unit(text: str) -> str | None:
    """The unit a question asks its answer in (几辆 → 辆, 百分之几 → %, 多少万元 → 万元), if any."""
    for unit, pattern in _UNIT_ASKED:
        if re.search(pattern, text):
            return unit
    return None
