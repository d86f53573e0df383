"""The source pane's data comes from the bot (``Bot.source``); kept as a module for the app's imports."""

from __future__ import annotations

from typing import Any

from bot.source import Source, TableSource

__all__ = ["Source", "TableSource", "source_for"]


def source_for(bot: Any, citation: Any) -> TableSource | None:
    return bot.source(citation)
