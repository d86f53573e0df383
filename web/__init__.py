"""The HTTP front end: a JSON API (``disclosure-bot api``) and a kiosk web page (``disclosure-bot web``).

It sits above the engine like ``cli/`` and ``tui/``: it opens the knowledge base read-only through
:class:`bot.Bot` and never writes to it. Every worker is stateless — the conversation travels with the
client as a signed context token (:mod:`web.tokens`) — so any number of workers, on any number of
machines sharing one key, answer each other's follow-ups.
"""

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
