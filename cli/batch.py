"""Answering a JSONL batch of questions: the API behind ``disclosure-bot ask --batch``.

Each input line is one object ``{"id", "question", "conversation"?}``; each output is one answer
dict (``Answer.as_dict()`` plus ``id``). Lines sharing a ``conversation`` are asked in order in one
conversation. A bad line never stops the batch: it gets its own ``error`` answer naming the line
and what is wrong with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["BadLine", "answer_lines", "read_case"]

MAX_LINE = 100_000  # characters; a question is at most a few hundred


class BadLine(ValueError):
    """A JSONL line that is not a question object; the message names the line and the fault."""

    def __init__(self, line: int, message: str, source: str = "") -> None:
        where = f"{source}:{line}" if source else f"第{line}行 (line {line})"
        super().__init__(f"{where}: {message}")
        self.line = line
        self.reason = message
        self.id: Any = None


def read_case(text: str, line: int, source: str = "") -> dict:
    """One JSONL line as a dict with a non-empty string ``question``, or :class:`BadLine`."""
    if len(text) > MAX_LINE:
        raise BadLine(
            line, f"行太长，超过 {MAX_LINE} 个字符 (line longer than {MAX_LINE} characters)", source
        )
    try:
        item = json.loads(text)
    except json.JSONDecodeError as e:
        raise BadLine(line, f"不是 JSON (not JSON: {e.msg}, column {e.colno})", source) from None
    except RecursionError:
        raise BadLine(line, "JSON 嵌套太深 (JSON nested too deeply)", source) from None
    if not isinstance(item, dict):
        kind = type(item).__name__
        raise BadLine(line, f"应为 JSON 对象，却是 {kind} (expected a JSON object, got {kind})", source)
    question = item.get("question")
    if question is None:
        err = BadLine(line, '缺少 question 字段 (no "question")', source)
        err.id = item.get("id")
        raise err
    if not isinstance(question, str):
        kind = type(question).__name__
        err = BadLine(
            line, f'question 应为文字，却是 {kind} ("question" must be a string, got {kind})', source
        )
        err.id = item.get("id")
        raise err
    if not question.strip():
        err = BadLine(line, 'question 是空的 ("question" is empty)', source)
        err.id = item.get("id")
        raise err
    return item


def error_answer(err: BadLine) -> dict:
    """The answer printed for a bad line: status ``error``, the message, no figure."""
    return {
        "id": err.id,
        "line": err.line,
        "question": None,
        "status": "error",
        "answer": str(err),
        "value": None,
        "unit": None,
        "citations": [],
        "suggestions": [],
    }


def answer_lines(bot: Any, lines: Iterable[str], explain: bool = False, source: str = "") -> Iterator[dict]:
    """Answer each JSONL line in order (blank lines skipped), one dict per line, never raising for a line."""
    from bot import Conversation

    convs: dict[str, Any] = {}
    for n, raw in enumerate(lines, 1):
        text = raw.strip()
        if not text:
            continue
        try:
            item = read_case(text, n, source)
        except BadLine as e:
            yield error_answer(e)
            continue
        conv = None
        if item.get("conversation") is not None:
            conv = convs.setdefault(str(item["conversation"]), Conversation())
        ans = bot.ask(item["question"], conv, explain=explain)
        out = {"id": item.get("id"), **ans.as_dict()}
        if explain and ans.trace:
            out["explain"] = ans.trace.as_dict()
        yield out
