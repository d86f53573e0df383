"""Follow-ups: what a question leaves out, filled from the conversation (the caller's container).

The only stage that reads the conversation. Each function takes the question's text and entities
and the conversation and says what they resolve to; the figure handler applies them. The words
that mark a follow-up ("两个", "那…呢", "哪个多") live in rules/zh/patterns.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules import Rules

from .conversation import Conversation
from .entities import Entities, Match


@dataclass(frozen=True)
class Pair:
    """The subjects a question about "both" means, and whether it asks which is more."""

    subjects: tuple[Match, ...]
    asks_difference: bool = False


def pending_report(text: str, ents: Entities, conv: Conversation | None) -> str | None:
    """A bare report name ("生态环境局的") answering "which report?": the pending question about it."""
    if conv is None or not conv.pending_question:
        return None
    if (ents.reports or ents.years) and not ents.subjects and not ents.operations:
        return f"{text} {conv.pending_question}"
    return None


def pair_from_conversation(
    text: str, ents: Entities, conv: Conversation | None, subjects: list[Match], rules: Rules
) -> Pair | None:
    """ "两个加起来多少", "哪个多": the subjects of the last questions make up the pair asked about."""
    if not (
        conv
        and len(subjects) < 2
        and rules.pattern("pair_words").search(text)
        and len(conv.recent) >= 2
        and ({"sum", "difference", "share"} & set(ents.operations) or rules.one("asks_which") in text)
    ):
        return None
    named = [m.subject for m in subjects]
    extra = [x for x in conv.recent if x not in named][-(2 - len(subjects)) :]
    pair = tuple(subjects) + tuple(Match(x, x, 0, 0, 100.0, "conversation") for x in extra)
    return Pair(pair, rules.one("asks_which") in text and "difference" not in ents.operations)


def short_follow_up(text: str, ents: Entities, rules: Rules) -> bool:
    """ "预算呢", "占比呢": a short question with a measure, an operation or a follow-up word."""
    return len(text) <= 14 and (
        bool(ents.measures or ents.operations) or rules.pattern("follow_up_words").search(text) is not None
    )


def share_of_last_answer(ents: Entities, conv: Conversation | None) -> str | None:
    """ "占比呢" after an answer about several parts: after their sum, each part's share of that sum
    ("parts_of_sum"); after anything else the part and the whole are not said ("ask"). None when
    the follow-up is not a share over several earlier parts."""
    if conv is None or "share" not in ents.operations or ents.subjects or len(conv.subjects) < 2:
        return None
    return "parts_of_sum" if conv.operation == "sum" else "ask"
