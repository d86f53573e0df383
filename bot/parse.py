"""Reading one normalised question: tokens, entities, intent → :class:`bot.stages.Parsed`.

No conversation is read here (that is :func:`bot.dialogue.resolve`), so the same text always
parses the same way over the same knowledge base.
"""

from __future__ import annotations

from rules import Rules

from .answer import Trace
from .catalog import Catalog
from .entities import recognise
from .intent import choose_intent
from .stages import Parsed
from .tokens import tokens as tokenize


def parse(text: str, catalog: Catalog, rules: Rules, trace: Trace | None = None) -> Parsed:
    """The question's tokens, entities and intent (each shown by ``--explain``)."""
    tokens = tuple(tokenize(catalog, text))
    if trace:
        trace.add("tokens", list(tokens))
    ents = recognise(text, catalog, rules)
    if trace:
        trace.add("entities", ents.explain())
    return Parsed(text=text, tokens=tokens, entities=ents, intent=choose_intent(text, ents, catalog, rules))
