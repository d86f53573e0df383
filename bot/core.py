"""The pipeline: normalise → tokens → entities → intent and slots → query → compute → answer.

Each stage is a plain function (see :mod:`bot.normalise`, :mod:`bot.entities`, :mod:`bot.query`);
this module wires them together — intent, report slot, dispatch — and enforces the one rule that
matters most: a figure is printed only with its citation, and when the bot is not sure it asks back
or says it does not know. What each intent does lives beside it: :mod:`bot.figures` (one figure),
:mod:`bot.compute` (figures from figures), :mod:`bot.texts` (sentences), :mod:`bot.reports`
(which report, and several reports), :mod:`bot.wording` (shared formatting and wording helpers).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from knowledge.model import Citation
from knowledge.paths import ensure_default_db
from knowledge.store import open_db
from rules import Rules, RulesError, default_rules

from . import figures, reports, texts
from .answer import Answer, Trace, cite_sources
from .catalog import Catalog, build_catalog
from .conversation import Conversation
from .dialogue import carry_subject, combine_parts, pending_report, question_parts
from .entities import Entities, recognise, sound_index
from .intent import check_routing, choose_intent
from .normalise import MAX_QUESTION, encodable, normalise
from .query import (
    Context,
    QueryCache,
    QueryLog,
    findings_for,
    search_sentences,
)
from .tokens import tokens as tokenize
from .wording import _kind_text, _strip_report_words, examples_text


class Bot:
    """A long-lived answerer over one knowledge base (thread-safe for reads).

    It holds only the knowledge base (connection, catalog, row cache) and the rules; each question
    gets its own :class:`Context`, and the stages are plain functions of it."""

    def __init__(self, db_path: str | Path | None = None, readonly: bool = False, rules: Rules | None = None):
        self.rules = rules or default_rules()
        check_handlers(self.rules)
        if db_path is None:
            db_path = ensure_default_db()  # the default one is built from the bundled report
        elif not Path(db_path).exists():
            raise FileNotFoundError(self.rules.templates["no_knowledge_base"].format(db_path=db_path))
        self.db_path = Path(db_path)
        self.readonly = readonly
        self.db = open_db(self.db_path, readonly=readonly, light=True)
        self._seen = self._version()
        self.catalog: Catalog = build_catalog(self.db, self.rules)
        sound_index(self.catalog)  # built now, not on the first question (reading by sound needs it)
        self._lock = threading.Lock()
        self._rows = QueryCache()  # rows of recent queries, for this version of the knowledge base

    def _version(self) -> tuple:
        """What identifies the knowledge base's current content: the file and SQLite's data_version.

        ``data_version`` changes when another connection commits; a file replaced on disk (a new
        inode) needs a new connection first.
        """
        try:
            st = self.db_path.stat()
            ident = (st.st_dev, st.st_ino)
        except OSError:
            ident = None
        return ident, self.db.execute("PRAGMA data_version").fetchone()[0]

    def refresh(self) -> bool:
        """Reload the catalog when the knowledge base changed since the last question.

        A long-lived front end (TUI, kiosk, serve) then answers about a re-ingested or newly added
        report without a restart. Returns whether anything was reloaded.
        """
        seen = self._version()
        if seen[0] != self._seen[0] and seen[0] is not None:
            self.db.conn.close()
            self.db = open_db(self.db_path, readonly=self.readonly, light=True)
            seen = self._version()
        elif seen == self._seen:
            return False
        self._seen = seen
        self.catalog = build_catalog(self.db, self.rules)
        sound_index(self.catalog)
        self._rows.clear()
        return True

    def reports(self) -> list[dict]:
        with self._lock:
            self.refresh()
        return [
            dict(id=r.id, department=r.department, year=r.year, kind=r.kind, title=r.title)
            for r in self.catalog.reports
        ]

    def examples(self) -> list[str]:
        return list(self.rules.examples)

    def source(self, citation: Citation):
        """The cited table or section (under the lock: a reload may replace the connection)."""
        from .source import source_for

        with self._lock:
            return source_for(self, citation)

    def ask(
        self,
        question: str,
        conversation: Conversation | None = None,
        explain: bool = False,
        report_id: int | None = None,
    ) -> Answer:
        trace = Trace() if explain else None
        question = encodable(question if isinstance(question, str) else str(question or ""))
        try:
            with self._lock:
                self.refresh()
                answer = self._ask(question, conversation, trace, report_id)
                cite_sources(self.db, answer)
        except Exception as e:  # never a traceback for a question
            answer = Answer(
                question=str(question)[:MAX_QUESTION],
                status="no_answer",
                intent="error",
                text=self.rules.templates["error"],
            )
            if trace:
                trace.add("error", f"{type(e).__name__}: {e}")
        answer.trace = trace
        if conversation is not None:
            conversation.history.append((str(question)[:MAX_QUESTION], answer.text))
        return answer

    def _ask(self, question, conv: Conversation | None, trace: Trace | None, report_id: int | None) -> Answer:
        """The pipeline for one question: parse, intent, report slot, handler, findings."""
        raw = question if isinstance(question, str) else str(question or "")
        text = normalise(raw)
        if trace:
            trace.add("normalise", text)
        if not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", text):
            body = self.rules.templates["empty_question"].format(examples=examples_text(self.rules))
            return Answer(raw[:MAX_QUESTION], "no_answer", body, intent="empty")
        if self.rules.pattern("latin_only_question").search(text):
            body = self.rules.templates["not_chinese"].format(examples=examples_text(self.rules))
            return Answer(raw[:MAX_QUESTION], "no_answer", body, intent="not_chinese")
        parts = question_parts(text, self.catalog, self.rules)
        if len(parts) > 1:  # several questions in one message: each in turn, follow-ups resolved
            local = conv if conv is not None else Conversation()
            answers = []
            for k, part in enumerate(parts):
                asked = carry_subject(parts[k - 1], part, self.catalog, self.rules) if k else part
                answers.append(self._ask(asked, local, trace, report_id))
            answer = combine_parts(parts, answers, self.rules)
            answer.question = raw[:MAX_QUESTION]
            return answer
        text, tokens, ents = self._parse(text, conv, trace)
        intent = choose_intent(text, ents, self.catalog, self.rules)
        ctx = Context(
            db=self.db,
            catalog=self.catalog,
            rules=self.rules,
            question=text,
            ents=ents,
            conv=conv,
            trace=trace,
            log=QueryLog(cache=self._rows),
        )
        if intent == "list_reports" and ents.unknown_department:
            intent = "lookup"  # the report choice below declines it, naming what is available
        if intent in self.rules.without_report:
            answer = HANDLERS[intent](ctx, text, tokens, ents, None, conv)
            answer.question = raw[:MAX_QUESTION]
            return answer
        report, decline, candidates = reports.choose_report(ctx, text, ents, conv, report_id)
        if trace:
            slot = {"intent": intent, "report": report.label if report else None}
            trace.add("intent", {**slot, "candidates": [r.label for r in candidates[:20]]})
        if decline:
            decline.question = raw[:MAX_QUESTION]
            return decline
        if report is None:
            answer = _no_report_named(ctx, text, ents, candidates, intent)
            answer.question = raw[:MAX_QUESTION]
            return answer
        answer = HANDLERS[intent](ctx, text, tokens, ents, report, conv)
        answer = figures.in_requested_unit(ctx, answer, text, ents, report)
        answer.question = raw[:MAX_QUESTION]
        answer.report_id = report.id
        if trace:
            trace.add("sql", ctx.queries)
        _add_findings(ctx, answer, report)
        if conv is not None and answer.status == "answered":
            conv.report_id = report.id
        return answer

    def _parse(
        self, text: str, conv: Conversation | None, trace: Trace | None
    ) -> tuple[str, list[str], Entities]:
        """Tokens and entities; a bare report name answers a pending "which report?" (the conversation)."""
        tokens = tokenize(self.catalog, text)
        if trace:
            trace.add("tokens", tokens)
        ents = recognise(text, self.catalog, self.rules)
        pending = pending_report(text, ents, conv)
        if pending is not None:  # the answer to "which report?": ask the pending question about it
            text = pending
            ents = recognise(text, self.catalog, self.rules)
        if conv is not None:
            conv.pending_question = ""
        if trace:
            trace.add("entities", ents.explain())
        return text, tokens, ents


def _no_report_named(ctx: Context, text: str, ents: Entities, candidates, intent: str) -> Answer:
    """Several reports fit: answer across them when the question asks exactly that, else ask which."""
    across = reports.across(ctx, text, ents, candidates)
    if across is not None:
        if ctx.trace:
            ctx.trace.add("sql", ctx.queries)
        return across
    if ctx.conv is not None:
        ctx.conv.pending_question = text
    asked = _strip_report_words(text)
    ordered = sorted(candidates, key=lambda r: (r.department, -(r.year or 0), r.kind))
    suggestions = [
        ctx.rules.templates["suggest_report"].format(
            r_short=r.short, r_year=r.year, r_kind=r.kind, strip_report_words_text=asked
        )
        for r in ordered[:MAX_REPORT_CHOICES]
    ]
    return Answer(
        "", "clarify", ctx.rules.templates[_missing_slot(candidates)], intent=intent, suggestions=suggestions
    )


def _add_findings(ctx: Context, answer: Answer, report) -> None:
    """What the report itself gets wrong about a cited figure, said after the answer."""
    if answer.status != "answered" or not answer.citations:
        return
    for n in findings_for(ctx.db, ctx, report, answer.citations)[:2]:
        answer.notes.append(n)
        answer.text += ctx.rules.templates["disagree_note"].format(message=n)


# Handlers: one per intent, one signature, looked up in HANDLERS by the intent's name.


def _private(ctx: Context, text, tokens, ents, report, conv) -> Answer:
    return Answer("", "no_answer", ctx.rules.templates["private"], intent="private")


def _greeting(ctx: Context, text, tokens, ents, report, conv) -> Answer:
    body = ctx.rules.templates["greeting"].format(
        report=reports.kb_label(ctx), examples=examples_text(ctx.rules)
    )
    return Answer("", "answered", body, intent="greeting", confidence=1.0)


def _help(ctx: Context, text, tokens, ents, report, conv) -> Answer:
    body = ctx.rules.templates["help"].format(examples=examples_text(ctx.rules))
    return Answer("", "answered", body, intent="help", confidence=1.0)


def _out_of_scope(ctx: Context, text, tokens, ents, report, conv) -> Answer:
    body = ctx.rules.templates["out_of_scope"].format(examples=examples_text(ctx.rules))
    return Answer("", "no_answer", body, intent="out_of_scope")


def _list_reports(ctx: Context, text, tokens, ents, report, conv) -> Answer:
    T = ctx.rules.templates
    listed = list(ents.reports or ctx.catalog.reports)
    if ents.years:
        listed = [r for r in listed if r.year in ents.years]
    kinds = [k for k in ctx.rules.word("report_kinds") if k in _kind_text(text)]
    if len(kinds) == 1:
        listed = [r for r in listed if r.kind == kinds[0]]
    labels = T["list_reports_separator"].join(r.label for r in listed[:30]) + (
        T["core_dispatch"].format(len_reports=len(listed)) if len(listed) > 30 else ""
    )
    return Answer(
        "",
        "answered",
        T["list_reports"].format(n=len(listed), reports=labels or T["list_reports_none"]),
        intent="list_reports",
        confidence=1.0,
        value=Decimal(len(listed)),
        unit=T["unit_reports"],
    )


def _report_info(ctx: Context, text, tokens, ents, report, conv) -> Answer:
    T = ctx.rules.templates
    body = T["report_info"].format(
        report=report.title or report.label,
        department=report.department,
        year=report.year,
        kind=report.kind,
    )
    cite = Citation(report=report.title or report.label, section=T["title_section"], quote=report.title)
    return Answer("", "answered", body, intent="report_info", confidence=1.0, citations=[cite])


def _definition(ctx: Context, text, tokens, ents, report, conv) -> Answer:
    return texts.definition(ctx, text, ents, report)


def _reason(ctx: Context, text, tokens, ents, report, conv) -> Answer:
    return texts.reason(ctx, text, tokens, ents, report, conv)


def _duties(ctx: Context, text, tokens, ents, report, conv) -> Answer:
    return texts.section_answer(ctx, list(ctx.rules.word("duties_headings")), report, "duties")


def _organisation(ctx: Context, text, tokens, ents, report, conv) -> Answer:
    return texts.section_answer(ctx, list(ctx.rules.word("organisation_headings")), report, "organisation")


def _contact(ctx: Context, text, tokens, ents, report, conv) -> Answer:
    rows = search_sentences(ctx.db, ctx, report, list(ctx.rules.word("contact_words")))
    if rows:
        return texts.sentence_answer(ctx, rows[0], report, "contact")
    return Answer("", "no_answer", ctx.rules.templates["no_contact"], intent="contact")


def _performance(ctx: Context, text, tokens, ents, report, conv) -> Answer:
    return texts.performance(ctx, text, ents, report)


def _lookup(ctx: Context, text, tokens, ents, report, conv) -> Answer:
    return figures.lookup(ctx, text, tokens, ents, report, conv)


Handler = Callable[..., Answer]

# intent (rules/zh/intents.yaml) → handler. Adding an intent: a YAML entry, a handler, a row here.
HANDLERS: dict[str, Handler] = {
    "private": _private,
    "greeting": _greeting,
    "help": _help,
    "out_of_scope": _out_of_scope,
    "list_reports": _list_reports,
    "report_info": _report_info,
    "definition": _definition,
    "reason": _reason,
    "duties": _duties,
    "organisation": _organisation,
    "contact": _contact,
    "performance": _performance,
    "lookup": _lookup,
}


def check_handlers(rules: Rules) -> None:
    """Every intent of intents.yaml has a handler row (said at start-up, naming the entry)."""
    check_routing(rules)
    for name in rules.intents:
        if name not in HANDLERS:
            raise RulesError(rules.templates["error_no_handler"].format(name=name))


_default_bot: Bot | None = None


def ask(question: str, db: str | Path | None = None, conversation: Conversation | None = None) -> Answer:
    """Answer one question (the simplest entry point). Keeps one Bot per knowledge base."""
    global _default_bot
    if _default_bot is None or (db is not None and Path(db) != _default_bot.db_path):
        _default_bot = Bot(db)
    return _default_bot.ask(question, conversation)


# Every fitting report is offered (grouped by department, newest year first); the bound only keeps a
# national knowledge base from listing thousands, and then the question names the slot to fill.
MAX_REPORT_CHOICES = 40


def _missing_slot(candidates) -> str:
    """The template that asks for what tells the candidates apart: the year, the department, or the report."""
    departments = {r.department for r in candidates}
    periods = {(r.year, r.kind) for r in candidates}
    if len(departments) == 1 and len(periods) > 1:
        return "clarify_year"
    if len(departments) > 1 and len(periods) == 1:
        return "clarify_department"
    return "clarify_report"
