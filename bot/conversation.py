"""What a follow-up question may leave out: the conversation state."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Conversation:
    """What a follow-up question may leave out: the last subjects, measure, operation and report."""

    subjects: list[str] = field(default_factory=list)
    measure: str | None = None
    operation: str | None = None
    report_id: int | None = None
    history: list[tuple[str, str]] = field(default_factory=list)
    recent: list[str] = field(default_factory=list)  # subjects of the last turns, newest last
    pending: bool = False  # the last turn asked back for a subject
    pending_question: str = ""  # the last turn asked which report this question is about

    def reset(self) -> None:
        self.subjects, self.measure, self.operation, self.report_id = [], None, None, None
        self.history.clear()
        self.recent.clear()
        self.pending = False
        self.pending_question = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data, so a front end can carry the conversation (a signed web token)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Conversation:
        """The inverse of :meth:`to_dict`; unknown keys are ignored, wrong types raise ``ValueError``."""
        if not isinstance(data, dict):
            raise ValueError("conversation must be an object")
        conv = cls()
        for name, default in asdict(conv).items():
            if name not in data:
                continue
            value = data[name]
            if name == "history":
                if not isinstance(value, list) or not all(
                    isinstance(t, (list, tuple)) and len(t) == 2 and all(isinstance(x, str) for x in t)
                    for t in value
                ):
                    raise ValueError("history must be a list of [question, answer] pairs")
                value = [tuple(t) for t in value]
            elif isinstance(default, list):
                if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                    raise ValueError(f"{name} must be a list of strings")
            elif name == "report_id":
                if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                    raise ValueError("report_id must be an integer or null")
            elif isinstance(default, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{name} must be a boolean")
            elif value is not None and not isinstance(value, str):
                raise ValueError(f"{name} must be a string or null")
            setattr(conv, name, value)
        return conv
