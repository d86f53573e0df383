"""Running a question set case by case, with a bad line reported as its own case.

The API behind ``disclosure-bot eval``. Each case is judged with :func:`bot.evaluate.judge`
(correct / wrong figure / missed / declined); a line that is no case at all (bad JSON, no
``question``, a question that is not text) becomes outcome ``error`` naming the file and line,
and the run goes on. :func:`summary` counts outcomes in total and per tag.

(``bot.evaluate.evaluate`` stops at the first bad line; this module is the front end's tolerant
reading of the same files, and can move into :mod:`bot.evaluate` once the pipeline takes it.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from .batch import BadLine, read_case

__all__ = ["OUTCOMES", "CaseResult", "run_cases", "summary"]

OUTCOMES = ("correct", "wrong", "missed", "declined", "error")
OUTCOME_NAMES = {
    "correct": "正确 correct",
    "wrong": "错误数字 wrong figure",
    "missed": "漏答 missed",
    "declined": "拒答 declined",
    "error": "坏行 bad line",
}


@dataclass(frozen=True)
class CaseResult:
    id: str | None
    line: int
    question: str | None
    expected: dict
    tags: tuple[str, ...]
    status: str
    value: str | None
    unit: str | None
    answer: str
    outcome: str  # one of OUTCOMES
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["tags"] = list(self.tags)
        d.pop("extra")
        return d


def _tags(item: dict) -> tuple[str, ...]:
    tags = item.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    return tuple(str(t) for t in tags) if isinstance(tags, list) else ()


def run_cases(bot: Any, path: str) -> Iterator[CaseResult]:
    """Ask every case of the JSONL file at ``path`` in order (conversations kept per id)."""
    from bot import Conversation
    from bot.evaluate import judge

    convs: dict[str, Any] = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, raw in enumerate(f, 1):
            text = raw.strip()
            if not text:
                continue
            try:
                case = read_case(text, n, path)
                expect = case.get("expect", {})
                if not isinstance(expect, dict):
                    raise BadLine(n, 'expect 应为 JSON 对象 ("expect" must be an object)', path)
            except BadLine as e:
                yield CaseResult(e.id, n, None, {}, (), "error", None, None, str(e), "error")
                continue
            conv = None
            if case.get("conversation") is not None:
                conv = convs.setdefault(str(case["conversation"]), Conversation())
            d = bot.ask(case["question"], conv).as_dict()
            outcome = judge(expect, d["status"], d["value"], d["unit"], d["answer"])
            yield CaseResult(
                None if case.get("id") is None else str(case["id"]),
                n,
                case["question"],
                expect,
                _tags(case),
                d["status"],
                d["value"],
                d["unit"],
                d["answer"],
                outcome,
            )


def _counts(results: list[CaseResult]) -> dict[str, int]:
    c = Counter(r.outcome for r in results)
    return {k: c.get(k, 0) for k in OUTCOMES} | {"total": len(results)}


def summary(results: list[CaseResult]) -> dict:
    """Outcome counts in total and per tag (a case counts once under each of its tags)."""
    by_tag: dict[str, list[CaseResult]] = {}
    for r in results:
        for t in r.tags or ("(无标签 untagged)",):
            by_tag.setdefault(t, []).append(r)
    return {
        "counts": _counts(results),
        "tags": {t: _counts(rs) for t, rs in sorted(by_tag.items())},
    }
