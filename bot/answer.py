"""The answer contract: what ``ask`` returns, to Python callers, the CLI's JSON and the TUI."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from knowledge.model import Citation

__all__ = ["Answer", "Citation", "Trace"]


@dataclass
class Trace:
    """What each pipeline stage produced, for ``--explain`` and the TUI's explain panel."""

    stages: list[tuple[str, Any]] = field(default_factory=list)

    def add(self, stage: str, value: Any) -> None:
        self.stages.append((stage, value))

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.stages}


@dataclass
class Answer:
    """One reply of the bot.

    ``status`` is ``answered`` (a figure or a text from the report), ``clarify`` (the question
    could mean several things: ``suggestions`` lists them, each a question the user can ask as is)
    or ``no_answer`` (out of scope, not in the knowledge base, or declined). ``value`` is set only
    when the answer is one figure; it is exact, in ``unit`` (万元 / 元 / % / 人 …), and every
    figure in ``text`` is backed by one of ``citations``. ``notes`` carry what the report itself
    gets wrong about the cited figures (a total that is not the sum of its items …).
    """

    question: str
    status: str
    text: str
    intent: str = ""
    value: Decimal | None = None
    unit: str | None = None
    confidence: float = 0.0
    citations: list[Citation] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    report_id: int | None = None
    trace: Trace | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``disclosure-bot ask --json`` (value as a decimal string)."""
        return {
            "status": self.status,
            "answer": self.text,
            "value": None if self.value is None else str(self.value),
            "unit": self.unit,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "citations": [c.as_dict() for c in self.citations],
            "suggestions": list(self.suggestions),
            "notes": list(self.notes),
        }


def cite_sources(db, answer: Answer) -> None:
    """Each citation names where its report was read from: the web page (reports.url) and, for a
    bundle, the file holding the cited table or section, so a reader can open the very source.
    Looked up after the answer is made, so no handler has to carry them."""
    for c in answer.citations:
        row = db.execute(
            "SELECT id, url FROM reports WHERE title = ? OR id = ? ORDER BY title = ? DESC LIMIT 1",
            [c.report, answer.report_id or -1, c.report],
        ).fetchone()
        if row is None:
            continue
        c.url = c.url or row[1]
        if c.file is None and c.table:
            hit = db.execute(
                "SELECT file FROM report_tables WHERE report_id = ? AND (label = ? OR title = ?) LIMIT 1",
                [row[0], c.table, c.table],
            ).fetchone()
            c.file = hit[0] if hit else None
        elif c.file is None and c.line is not None:
            hit = db.execute(
                "SELECT file FROM sections WHERE report_id = ? AND line <= ? ORDER BY line DESC LIMIT 1",
                [row[0], c.line],
            ).fetchone()
            c.file = hit[0] if hit else None
