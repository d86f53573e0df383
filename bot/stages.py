"""The types that flow one way between the stages of answering a question.

``Question`` → (normalise, tokens, entities, intent) → ``Parsed`` → (dialogue) → ``Resolved`` →
(plan) → ``Plan`` → handler → :class:`bot.answer.Answer`; a figure computed from figures is a
``Result`` first, which :func:`bot.render.computed` says. Each is frozen: a stage never changes
what an earlier stage produced, it makes the next value. Stages are plain functions in their own
modules (:mod:`bot.parse`, :mod:`bot.dialogue`, :mod:`bot.plan`, :mod:`bot.handlers`,
:mod:`bot.render`), so each can be handed its input type directly and tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from .catalog import ReportInfo
from .conversation import Conversation
from .entities import Entities, Match
from .query import Figure


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
class FollowUp:
    """What a question about subjects takes from the conversation, read by the dialogue stage
    (:func:`bot.dialogue.follow_up`) and applied by the lookup handler.

    ``subjects`` are the subjects once the conversation is read: the question's own, a pair
    asked before (两个加起来), the last answer's before 再加上, or the last answer's for a short
    follow-up (预算呢, 占比呢: ``last_subjects``). ``added`` are the operations that makes the
    question ask (哪个多 of a pair: difference; 再加上: sum). ``leans_on_last``: the question leans
    on the last answer, whose ``measure`` and ``operation`` (占比呢) carry over. After an
    answer about several parts, ``share_of_last`` says how 占比呢 reads ("parts_of_sum", or "ask"
    when part and whole are not said). ``near``: no subject but words left over, so a narrative
    fact near the last subjects may be meant."""

    subjects: tuple[Match, ...] = ()
    added: tuple[str, ...] = ()
    last_subjects: bool = False
    leans_on_last: bool = False
    measure: str | None = None
    operation: str | None = None
    share_of_last: str | None = None
    near: tuple[str, ...] = ()

    def applied_to(self, ents: Entities) -> Entities:
        """The question's entities as the follow-up reads them (a new value; ``ents`` unchanged):
        the operations added, and no words matching several subjects when the last answer's
        subjects are meant."""
        if not self.added and not (self.last_subjects and ents.ambiguous):
            return ents
        ambiguous = () if self.last_subjects else ents.ambiguous
        return replace(ents, operations=(*ents.operations, *self.added), ambiguous=ambiguous)


@dataclass(frozen=True)
class Resolved:
    """A parsed question with the conversation applied — the only stage that reads it.

    ``pending`` is True when the question was a bare report name answering the bot's "which
    report?": ``parsed`` is then the question asked before, about that report. ``follow_up`` is
    what a question about subjects takes from the conversation (None when not read).
    """

    parsed: Parsed
    conversation: Conversation | None
    pending: bool = False
    follow_up: FollowUp | None = None

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
    follow_up: FollowUp | None = None  # the dialogue stage's reading of the conversation, for lookup


@dataclass(frozen=True)
class Part:
    """One figure a result is computed from, as the sentence names it (the subject, or the
    narrative clause that states it). ``cited`` is False for a figure stated in the same sentence
    as another part whose citation covers both (the 预算 beside the 决算 of one sentence)."""

    name: str
    figure: Figure
    cited: bool = True
    share: Decimal | None = None  # this part's share of the parts' sum (占比呢 after a sum)


@dataclass(frozen=True)
class Result:
    """A figure computed from figures (a share, a difference, a sum, 人均, a change, 决算 against
    预算), before any sentence: the arithmetic named by ``formula``, the figures it is made of in
    the order the sentence names them, and what the answer states. Kept apart from the wording so
    the arithmetic is tested on its own and :func:`bot.render.computed` says every result from the
    templates of rules/zh/templates.yaml alone.

    ``value`` is as the answer states it: a share rounded to 0.01, a difference or change without
    its sign (that is ``direction``: +1 more, -1 less, 0 the same); after a sum's parts, ``value``
    is the first part's share and ``total`` the sum. A ranking (the largest or smallest of
    ``among`` figures: ``direction`` +1 or -1) and a change the report states (``said``: its own
    word; with ``change_corrected``, ``direction`` is the one its figures show) are Results too:
    what the answer states is chosen from figures, and said the same way."""

    formula: str  # a key of bot.render's sentences: share, rate_of_budget, difference, sum …
    value: Decimal
    unit: str
    parts: tuple[Part, ...]
    report: ReportInfo
    intent: str
    confidence: float
    direction: int = 0
    total: Decimal | None = None
    among: int = 0  # a ranking: how many figures were compared
    said: str = ""  # a change the report states: the direction word it states it with, as printed
