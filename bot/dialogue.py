"""Follow-ups: what a question leaves out, filled from the conversation (the caller's container).

The only stage that reads the conversation. Each function takes the question's text and entities
and the conversation and says what they resolve to; :func:`resolve` puts the follow-up about
subjects (:func:`follow_up`) into ``Resolved``, and the figure handler applies it from its plan.
The words that mark a follow-up ("两个", "那…呢", "哪个多") live in rules/zh/patterns.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules import Rules

from .answer import Answer
from .catalog import Catalog
from .conversation import Conversation
from .entities import Entities, Match, recognise
from .parse import parse
from .stages import FollowUp, Parsed, Resolved
from .wording import _bigrams


@dataclass(frozen=True)
class Pair:
    """The subjects a question about "both" means, and whether it asks which is more."""

    subjects: tuple[Match, ...]
    asks_difference: bool = False


def resolve(
    parsed: Parsed, conv: Conversation | None, catalog: Catalog, rules: Rules, trace=None
) -> Resolved:
    """The conversation applied to a parsed question: a bare report name answering the bot's
    "which report?" asks the pending question about that report. The pending question is then
    spent, answered or not (the next question starts afresh). What the question takes from the
    conversation about subjects (预算呢, 两个加起来, 占比呢) is read here too, for the lookup."""
    pending = pending_report(parsed.text, parsed.entities, conv)
    if conv is not None:
        conv.pending_question = ""
    if pending is not None:
        parsed = parse(pending, catalog, rules, trace)
    return Resolved(
        parsed,
        conv,
        pending=pending is not None,
        follow_up=follow_up(parsed.text, parsed.entities, conv, rules),
    )


def follow_up(text: str, ents: Entities, conv: Conversation | None, rules: Rules) -> FollowUp:
    """What a question about subjects takes from the conversation (see :class:`FollowUp`): a pair
    asked before, the last answer's subjects added to (再加上), or a short follow-up about them;
    and whether the last answer's measure and operation carry over. Decided in one place, before
    the question is read alone."""
    subjects = list(ents.subjects)
    added: list[str] = []
    pair = pair_from_conversation(text, ents, conv, subjects, rules)
    if pair is not None:
        subjects = list(pair.subjects)
        if pair.asks_difference:
            added.append("difference")
    if subjects and adds_to_last(text, subjects, rules):
        # "再加上公用经费" after 人员经费: the sum with the last answer's subjects, never 公用经费 alone
        named = {m.subject for m in subjects}
        last = [
            Match(s, s, 0, 0, 100.0, "conversation")
            for s in (conv.subjects if conv else [])
            if s not in named
        ]
        subjects = last + subjects
        added.append("sum")
    near: tuple[str, ...] = ()
    last_subjects = leans = False
    share = None
    rest_pairs = len(_bigrams(ents.rest))
    if not subjects and conv and conv.subjects and rest_pairs >= 2:
        near = tuple(conv.subjects)  # words the last subjects do not explain: a fact near them, maybe
    if not subjects and conv and conv.subjects and short_follow_up(text, ents, rules) and rest_pairs < 2:
        subjects = [Match(s, s, 0, 0, 100.0, "conversation") for s in conv.subjects]
        last_subjects = leans = True
        share = share_of_last_answer(ents, conv)
    elif (
        subjects
        and conv
        and conv.subjects
        and rules.pattern("follow_up_particles").search(text)
        and not ents.measures
    ):
        leans = True
    if conv is not None and conv.pending and not ents.measures:
        leans = True  # the figure asked for after "which figure?"
    measure = conv.measure if leans and conv and conv.measure else None
    operation = None
    if leans and not (ents.operations or added or ents.measures or ents.subjects) and conv:
        # 占比呢 after a share asks a share again; no other operation carries over
        operation = conv.operation if conv.operation == "share" else None
    return FollowUp(tuple(subjects), tuple(added), last_subjects, leans, measure, operation, share, near)


def adds_to_last(text: str, subjects: list[Match], rules: Rules) -> bool:
    """Does the question open with 加/加上 before its first subject ("再加上公用经费", "那加上邮电费
    呢")? It adds to what was asked before: with no conversation the one part it names is still
    not the answer (the sum asks for a part not given)."""
    first = min((text.find(m.surface) for m in subjects if m.surface and m.surface in text), default=-1)
    return first > 0 and bool(rules.pattern("added_to_last").fullmatch(text[:first].strip()))


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


def question_parts(text: str, catalog: Catalog, rules: Rules) -> list[str]:
    """The questions one message asks, in order ("2024年收入多少，比2023年多还是少";
    "30113是什么，花了多少"): clauses that ask something about a figure or a subject. A clause that
    asks nothing ("你好", "我想查一下", "好给他解释") stays with the question after it (or before
    it, at the end), so one question with commas stays one question."""
    clauses = [c.strip() for c in rules.pattern("clause_separator").split(text) if c.strip()]
    if len(clauses) < 2:
        return [text]
    parts: list[str] = []
    lead = ""
    for clause in clauses:
        if _asks_a_part(clause, catalog, rules):
            parts.append(lead + clause)
            lead = ""
        elif _names_where_or_when(clause, catalog, rules):  # "热线中心，2024年收入多少"
            lead += clause + rules.one("clause_joiner")
        # else: a clause of context ("我是做自媒体的", "好给他解释") asks nothing and names nothing
    if lead and parts:
        parts[-1] += rules.one("clause_joiner") + lead.rstrip(rules.one("clause_joiner"))
    return parts if len(parts) > 1 else [text]


def _names_where_or_when(clause: str, catalog: Catalog, rules: Rules) -> bool:
    ents = recognise(clause, catalog, rules)
    return bool(ents.reports or ents.years or ents.unknown_department or ents.subjects)


def _asks_a_part(clause: str, catalog: Catalog, rules: Rules) -> bool:
    """Does a clause ask a question of its own: a question word, and a subject, an operation, a
    measure or an amount asked ("多少钱" after "30113是什么" asks about the same subject)?"""
    if not rules.pattern("asks_something").search(clause):
        return False
    ents = recognise(clause, catalog, rules)
    return bool(
        ents.subjects
        or ents.ambiguous
        or ents.operations
        or ents.measures
        or rules.pattern("asks_amount").search(clause)
    )


def combine_parts(questions: list[str], answers: list[Answer], rules: Rules) -> Answer:
    """One answer to a message of several questions: each part's answer in turn, every citation
    kept. ``value`` is set only when exactly one part gives a figure (the contract: one figure);
    a part not understood is said as such in its turn, never dropped."""
    T = rules.templates
    seen: set[str] = set()
    texts = []
    for n, (q, a) in enumerate(zip(questions, answers, strict=False), 1):
        body = a.text
        for note in a.notes:
            if note in seen:  # the same finding said once
                body = body.replace(T["disagree_note"].format(message=note), "")
            seen.add(note)
        texts.append(T["part_answer"].format(n=n, question=q, text=body))
    answered = [a for a in answers if a.status == "answered"]
    valued = [a for a in answered if a.value is not None]
    one = valued[0] if len(valued) == 1 else None
    return Answer(
        "",
        "answered" if answered else answers[0].status,
        T["parts_separator"].join(texts),
        intent="multi",
        value=one.value if one else None,
        unit=one.unit if one else None,
        confidence=min(a.confidence for a in answers),
        citations=[c for a in answers for c in a.citations],
        suggestions=[s for a in answers if a.status != "answered" for s in a.suggestions][:6],
        notes=list(dict.fromkeys(n for a in answers for n in a.notes)),
        report_id=next((a.report_id for a in reversed(answers) if a.report_id is not None), None),
    )


def carry_subject(previous: str, part: str, catalog: Catalog, rules: Rules) -> str:
    """A later part that names no subject ("30113是什么，花了多少") is about the earlier part's:
    the part as asked of it (its surface put before the part: "30113花了多少")."""
    ents = recognise(part, catalog, rules)
    if ents.subjects or ents.ambiguous:
        return part
    named = recognise(previous, catalog, rules).subjects
    return "".join(m.surface for m in named[:1]) + part if named else part
