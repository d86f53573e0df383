"""Stage 4: what a question asks (its intent), by the routing table of rules/zh/intents.yaml.

The routing rows are tried in the YAML's order; a row applies when its intent's words appear in
the question (if it asks for words) and its condition holds. Conditions are the named predicates
below — plain functions of the question's text, its entities and the catalog — so that the order
and the combination live in data and a new intent is one YAML entry, not another ``elif``.
"""

from __future__ import annotations

from collections.abc import Callable

from rules import Route, Rules, RulesError

from .catalog import Catalog
from .entities import Entities, generic_words

Condition = Callable[[str, Entities, Catalog, Rules, set[str]], bool]


def _first_subject(ents: Entities) -> str | None:
    return ents.subjects[0].subject if ents.subjects else None


def private(text: str, ents: Entities, catalog: Catalog, rules: Rules, found: set[str]) -> bool:
    """A private matter of a named person (their pay, address, age), never answered."""
    return any(w in text for w in rules.private_words) or (
        any(m in text for m in rules.person_markers) and bool(rules.pattern("private_matter").search(text))
    )


def term_asked_as_duties(text: str, ents: Entities, catalog: Catalog, rules: Rules, found: set[str]) -> bool:
    """ "项目支出是干什么的" asks what the term means, not the department's duties."""
    return bool({"duties", "organisation"} & found) and _first_subject(ents) in catalog.terms


def asks_amount(text: str, ents: Entities, catalog: Catalog, rules: Rules, found: set[str]) -> bool:
    return bool(ents.subjects) and bool(rules.pattern("asks_amount").search(text))


def names_indicator(text: str, ents: Entities, catalog: Catalog, rules: Rules, found: set[str]) -> bool:
    """A 绩效 indicator named (not asked to be defined) is a performance question."""
    return _first_subject(ents) in catalog.indicators and "definition" not in found


def asks_project_funds(text: str, ents: Entities, catalog: Catalog, rules: Rules, found: set[str]) -> bool:
    return _first_subject(ents) in catalog.projects and bool(rules.pattern("project_fund_words").search(text))


def names_performance_or_nothing(
    text: str, ents: Entities, catalog: Catalog, rules: Rules, found: set[str]
) -> bool:
    subject = _first_subject(ents)
    return (
        subject is None
        or subject in catalog.indicators
        or subject in catalog.projects
        or subject in rules.word("performance_scopes")  # 项目支出绩效自评得分: the score, not 项目支出
    )


def names_subject(text: str, ents: Entities, catalog: Catalog, rules: Rules, found: set[str]) -> bool:
    return bool(ents.subjects or ents.ambiguous)


def headcounts(rules: Rules) -> list[tuple[str, str]]:
    """The headcounts a report may state and the words that name each (rules: headcount_counts)."""
    return [(name, words) for name, _, words in (c.partition("=") for c in rules.word("headcount_counts"))]


def asks_headcount(text: str, ents: Entities, catalog: Catalog, rules: Rules, found: set[str]) -> bool:
    """A department's headcount asked however said ("有多少人", "编制多少"), with no other subject
    named and nothing computed: the count the report states answers it (or which count is asked)."""
    if ents.operations or not rules.pattern("asks_headcount").search(text):
        return False
    counts = {name for name, _ in headcounts(rules)}
    if not all(m.subject in counts for m in ents.subjects):
        return False
    rest = ents.rest
    for w in sorted(rules.word("headcount_words"), key=len, reverse=True):
        rest = rest.replace(w, " ")
    return not [p for p in rest.split() if len(p) >= 2 and p not in generic_words(rules)]


def performance_as_a_whole(
    text: str, ents: Entities, catalog: Catalog, rules: Rules, found: set[str]
) -> bool:
    """ "绩效怎么样", "绩效情况": 绩效 asked about as a whole, not a subject that merely holds the
    word (绩效 is part of 绩效工资, read as a contained name only for want of another)."""
    if "performance" not in found or rules.pattern("performance_asks_one_thing").search(text):
        return False
    if not rules.pattern("performance_overview").search(text):
        return False
    words = rules.intents["performance"]
    scopes = rules.word("performance_scopes")  # 项目支出绩效怎么样: the self-evaluation's own scope
    return all((m.method == "contained" and m.surface in words) or m.subject in scopes for m in ents.subjects)


CONDITIONS: dict[str, Condition] = {
    "private": private,
    "term_asked_as_duties": term_asked_as_duties,
    "asks_amount": asks_amount,
    "names_indicator": names_indicator,
    "asks_project_funds": asks_project_funds,
    "names_performance_or_nothing": names_performance_or_nothing,
    "names_subject": names_subject,
    "asks_headcount": asks_headcount,
    "performance_as_a_whole": performance_as_a_whole,
}


def check_routing(rules: Rules) -> None:
    """Every condition the routing names exists (said with the row, at start-up, not mid-question)."""
    for i, route in enumerate(rules.routing):
        if route.when is not None and route.when not in CONDITIONS:
            raise RulesError(
                rules.templates["error_unknown_condition"].format(
                    row=i, condition=route.when, known=", ".join(sorted(CONDITIONS))
                )
            )


def words_found(text: str, rules: Rules) -> set[str]:
    """The intents whose words appear in the question (case-insensitive for Latin words)."""
    low = text.lower()
    return {name for name, words in rules.intents.items() if any(w.lower() in low for w in words)}


def _applies(
    route: Route, text: str, ents: Entities, catalog: Catalog, rules: Rules, found: set[str]
) -> bool:
    if route.words and route.intent not in found:
        return False
    if route.when is None:
        return True
    return CONDITIONS[route.when](text, ents, catalog, rules, found) != route.negate


def choose_intent(text: str, ents: Entities, catalog: Catalog, rules: Rules) -> str:
    """The intent of the first routing row that applies (the last row should always apply)."""
    found = words_found(text, rules)
    for route in rules.routing:
        if _applies(route, text, ents, catalog, rules, found):
            return route.intent
    return "lookup"
