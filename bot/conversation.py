"""What a follow-up question may leave out: the conversation state."""

from __future__ import annotations

from dataclasses import dataclass, field


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
