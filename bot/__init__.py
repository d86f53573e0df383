"""disclosure-bot: answer questions about budget disclosures from the knowledge base, with citations.

    >>> from bot import ask
    >>> ask("三公经费多少").text

``Bot(db_path)`` and ``Conversation()`` are for long-lived use (follow-up questions).
"""

from .answer import Answer, Citation, Trace
from .core import Bot, Conversation, ask

__all__ = ["Answer", "Bot", "Citation", "Conversation", "Trace", "ask"]
