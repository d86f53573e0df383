"""The handlers: one plain function per intent, ``handler(context, plan) -> Answer``.

:data:`HANDLERS` names them by the intents of rules/zh/intents.yaml (the plan stage adds
``across_reports`` for a question several reports fit). Adding an intent is one YAML entry, one
handler and one row here; :func:`check_handlers` refuses an intent without a row at start-up.
"""

from __future__ import annotations

from collections.abc import Callable

from rules import Rules, RulesError

from ..answer import Answer
from ..intent import check_routing
from ..plan import ACROSS
from ..query import Context
from ..stages import Plan
from . import across, chat, texts

Handler = Callable[[Context, Plan], Answer]

HANDLERS: dict[str, Handler] = {
    "private": chat.private,
    "greeting": chat.greeting,
    "help": chat.help_,
    "out_of_scope": chat.out_of_scope,
    "list_reports": chat.list_reports,
    "report_info": chat.report_info,
    "definition": chat.definition,
    "reason": chat.reason,
    "duties": chat.duties,
    "organisation": chat.organisation,
    "contact": chat.contact,
    "performance": chat.performance,
    "staff_count": texts.staff_count,
    "lookup": chat.lookup,
    ACROSS: across.across_or_ask,
}


def check_handlers(rules: Rules) -> None:
    """Every intent of intents.yaml has a handler row (said at start-up, naming the entry)."""
    check_routing(rules)
    for name in rules.intents:
        if name not in HANDLERS:
            raise RulesError(rules.templates["error_no_handler"].format(name=name))
