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
from decimal import Decimal
from pathlib import Path

from knowledge.model import Citation
from knowledge.paths import ensure_default_db
from knowledge.segment import add_words, cut
from knowledge.store import open_db
from rules import Rules, default_rules

from .answer import Answer, Trace
from .catalog import Catalog, build_catalog
from .compute import ComputeMixin
from .conversation import Conversation
from .entities import Entities, recognise
from .figures import FiguresMixin
from .normalise import MAX_QUESTION, encodable, normalise
from .query import (
    QueryLog,
    findings_for,
    search_sentences,
)
from .reports import ReportsMixin
from .texts import TextsMixin
from .wording import (
    GLOBAL_INTENTS,
    _kind_text,
    _strip_report_words,
)


class Bot(ReportsMixin, TextsMixin, FiguresMixin, ComputeMixin):
    """A long-lived answerer over one knowledge base (thread-safe for reads).

    The stages live in mixins by what they answer: :mod:`bot.reports`, :mod:`bot.figures`,
    :mod:`bot.compute`, :mod:`bot.texts`."""

    def __init__(self, db_path: str | Path | None = None, readonly: bool = False, rules: Rules | None = None):
        if db_path is None:
            db_path = ensure_default_db()  # the default one is built from the bundled report
        elif not Path(db_path).exists():
            raise FileNotFoundError(self.rules.templates["core_init"].format(db_path=db_path))
        self.db_path = Path(db_path)
        self.readonly = readonly
        self.db = open_db(self.db_path, readonly=readonly)
        self.rules = rules or default_rules()
        self._seen = self._version()
        self.catalog: Catalog = build_catalog(self.db, self.rules)
        self._lock = threading.Lock()
        self._words_loaded = False
        self._trace: Trace | None = None
        self._question = ""
        self._ents: Entities | None = None
        self._last_context = ""
        self._conv: Conversation | None = None

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
            self.db = open_db(self.db_path, readonly=self.readonly)
            seen = self._version()
        elif seen == self._seen:
            return False
        self._seen = seen
        self.catalog = build_catalog(self.db, self.rules)
        self._words_loaded = False  # the new report's names become tokenizer words too
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
        question = encodable(question if isinstance(question, str) else str(question or ""))
        try:
            with self._lock:
                self.refresh()
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
                    self.rules.templates["core_ask"].format(
                        r_short=r.short,
                        r_year=r.year,
                        r_kind=r.kind,
                        strip_report_words_text=_strip_report_words(text),
                    )
                    for r in candidates[:8]
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
                self.rules.templates["core_dispatch"].format(len_reports=len(reports))
                if len(reports) > 30
                else ""
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


_default_bot: Bot | None = None


def ask(question: str, db: str | Path | None = None, conversation: Conversation | None = None) -> Answer:
    """Answer one question (the simplest entry point). Keeps one Bot per knowledge base."""
    global _default_bot
    if _default_bot is None or (db is not None and Path(db) != _default_bot.db_path):
        _default_bot = Bot(db)
    return _default_bot.ask(question, conversation)
