"""The types that flow one way between the stages of answering a question.

``Question`` → (normalise, tokens, entities, intent) → ``Parsed`` → (dialogue) → ``Resolved`` →
(plan) → ``Plan`` → handler → :class:`bot.answer.Answer`. Each is frozen: a stage never changes
what an earlier stage produced, it makes the next value. Stages are plain functions in their own
modules (:mod:`bot.parse`, :mod:`bot.dialogue`, :mod:`bot.plan`, :mod:`bot.handlers`,
:mod:`bot.render`), so each can be handed its input type directly and tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import ReportInfo
from .conversation import Conversation
from .entities import Entities


@dataclass(frozen=True)
class Question:
    """What the caller asked: the raw text, their conversation, and a report they chose, if any."""

    raw: str
    conversation: Conversation | None = None
    report_id: int | None = None


@dataclass(frozen=True)
class Parsed:
    """One question read: its canonical text, tokens, what it names, and the intent routed to."""

    text: str
    tokens: tuple[str, ...]
    entities: Entities
    intent: str


@dataclass(frozen=True)
class Resolved:
    """A parsed question with the conversation applied — the only stage that reads it.

    ``pending`` is True when the question was a bare report name answering the bot's "which
    report?": ``parsed`` is then the question asked before, about that report.
    """

    parsed: Parsed
    conversation: Conversation | None
    pending: bool = False

    @property
    def text(self) -> str:
        return self.parsed.text

    @property
    def entities(self) -> Entities:
        return self.parsed.entities

    @property
    def intent(self) -> str:
        return self.parsed.intent


@dataclass(frozen=True)
class Plan:
    """What will answer: the handler (named from rules/intents.yaml), the report slot, and the
    question's parts a handler reads — subjects, measure, unit asked and operations.

    ``report`` is None for handlers that need no report (greeting, help, the list of reports) and
    for ``across_reports``, where ``candidates`` are the reports that fit.
    """

    handler: str
    intent: str
    text: str
    tokens: tuple[str, ...]
    entities: Entities
    report: ReportInfo | None
    conversation: Conversation | None
    candidates: tuple[ReportInfo, ...] = ()
    subjects: tuple[str, ...] = ()
    measure: str | None = None
    unit: str | None = None
    operations: tuple[str, ...] = ()
