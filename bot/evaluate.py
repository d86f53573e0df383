"""Run a question set and sort each case into correct / wrong figure / missed / declined.

Like ``rasa test``: the numbers that matter are "wrong" (a figure that differs from the expected
one, or a figure where the bot should have declined — the worst failure) and "missed"/"declined"
(the bot did not answer what it could have).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rules import default_rules

from .core import Bot, Conversation


@dataclass
class Result:
    id: str
    question: str
    expected: dict
    status: str
    value: str | None
    unit: str | None
    answer: str
    outcome: str  # correct / wrong / missed / declined


def _num(v) -> Decimal | None:
    try:
        return Decimal(str(v)) if v is not None else None
    except InvalidOperation:
        return None


def judge(expect: dict, status: str, value: str | None, unit: str | None, text: str) -> str:
    want = expect.get("status", "answered")
    if want in ("no_answer", "clarify"):
        if status == "answered" and value is not None:
            return "wrong"
        return (
            "correct"
            if status in ("no_answer", "clarify") or want == "clarify" and status == "answered"
            else "missed"
        )
    # an answer was expected
    if status != "answered":
        return "declined"
    if "value" in expect and expect["value"] is not None:
        got, exp = _num(value), _num(expect["value"])
        if got is None:
            return "missed"
        if got != exp or (expect.get("unit") and unit and expect["unit"] != unit):
            return "wrong"
    for s in expect.get("contains", []) or []:
        if s not in text:
            return "missed"
    return "correct"


def evaluate(bot: Bot, path: str) -> list[Result]:
    convs: dict[str, Conversation] = {}
    results = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            case = json.loads(line)
            conv = (
                convs.setdefault(case["conversation"], Conversation()) if case.get("conversation") else None
            )
            ans = bot.ask(case["question"], conv)
            d = ans.as_dict()
            outcome = judge(case.get("expect", {}), d["status"], d["value"], d["unit"], d["answer"])
            results.append(
                Result(
                    str(case.get("id")),
                    case["question"],
                    case.get("expect", {}),
                    d["status"],
                    d["value"],
                    d["unit"],
                    d["answer"],
                    outcome,
                )
            )
    return results


def print_report(results: list[Result], verbose: bool = False) -> None:
    names = {
        "correct": default_rules().one("outcome_correct_label"),
        "wrong": default_rules().one("outcome_wrong_label"),
        "missed": default_rules().one("outcome_missed_label"),
        "declined": default_rules().one("outcome_declined_label"),
    }
    for r in results:
        if verbose or r.outcome != "correct":
            exp = r.expected.get("value", r.expected.get("status"))
            print(
                f"{r.outcome:9s} {r.id:10s} {r.question} | expected {exp} {r.expected.get('unit') or ''}"
                f" | got {r.status} {r.value or ''}{r.unit or ''} | {r.answer[:80]}"
            )
    c = Counter(r.outcome for r in results)
    total = len(results)
    print("\n" + "  ".join(f"{names[k]}: {c.get(k, 0)}" for k in names) + f"  total: {total}")
    print(f"{c.get('correct', 0)} passed, {total - c.get('correct', 0)} failed")
