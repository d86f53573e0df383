"""The pipeline, wired: question → normalise → parse (tokens, entities, intent) → dialogue
(follow-ups) → plan (report slot, handler) → handler → render → answer.

Each stage is a plain function in its own module (:mod:`bot.normalise`, :mod:`bot.parse`,
:mod:`bot.dialogue`, :mod:`bot.plan`, :mod:`bot.handlers`, :mod:`bot.render`) over the frozen
types of :mod:`bot.stages`; this module holds the knowledge base between questions and enforces
the one rule that matters most: a figure is printed only with its citation, and when the bot is
not sure it asks back or says it does not know. See docs/architecture.md.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from knowledge.model import Citation
from knowledge.paths import ensure_default_db
from knowledge.store import open_db
from rules import Rules, default_rules

from .answer import Answer, Trace, cite_sources
from .catalog import Catalog, build_catalog
from .conversation import Conversation
from .dialogue import carry_subject, combine_parts, question_parts, resolve
from .entities import sound_index
from .handlers import HANDLERS, check_handlers
from .normalise import MAX_QUESTION, encodable, normalise
from .parse import parse
from .plan import make_plan
from .query import Context, QueryCache, QueryLog
from .render import finish
from .wording import examples_text

# At most this many questions of one message are answered (the rest are named as not answered):
# a 500-character message can hold 25 questions, and each is a full pass of the pipeline.
MAX_PARTS = 8


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
            asked_parts = parts[:MAX_PARTS]  # a bound on the work one message can ask for
            for k, part in enumerate(asked_parts):
                asked = carry_subject(parts[k - 1], part, self.catalog, self.rules) if k else part
                answers.append(self._ask(asked, local, trace, report_id))
            answer = combine_parts(asked_parts, answers, self.rules)
            if len(parts) > MAX_PARTS:
                answer.text += self.rules.templates["parts_beyond_limit"].format(
                    n=MAX_PARTS, rest=len(parts) - MAX_PARTS
                )
            answer.question = raw[:MAX_QUESTION]
            return answer
        parsed = parse(text, self.catalog, self.rules, trace)
        resolved = resolve(parsed, conv, self.catalog, self.rules, trace)
        ctx = Context(
            db=self.db,
            catalog=self.catalog,
            rules=self.rules,
            question=resolved.text,
            ents=resolved.entities,
            conv=conv,
            trace=trace,
            log=QueryLog(cache=self._rows),
        )
        plan = make_plan(ctx, resolved, report_id)
        if isinstance(plan, Answer):  # no loaded report fits: the decline names what is there
            plan.question = raw[:MAX_QUESTION]
            return plan
        answer = HANDLERS[plan.handler](ctx, plan)
        return finish(ctx, plan, answer, raw)


_default_bot: Bot | None = None


def ask(question: str, db: str | Path | None = None, conversation: Conversation | None = None) -> Answer:
    """Answer one question (the simplest entry point). Keeps one Bot per knowledge base."""
    global _default_bot
    if _default_bot is None or (db is not None and Path(db) != _default_bot.db_path):
        _default_bot = Bot(db)
    return _default_bot.ask(question, conversation)
