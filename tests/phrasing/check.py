"""Ask the bot every generated question through its public API and classify the answer.

correct      answered with one of the acceptable figures, in the unit asked (any unit when none
             was asked, the amount compared exactly)
wrong        answered with a figure that is not acceptable — including the right amount in
             another unit than the one asked (the project's question sets count that as wrong)
rounded      the right amount rounded to 0.01万元 (350.86 for 3508644元): the reports' own
             habit in their text, but not the exact figure — neither right nor a wrong figure
no value     answered in words, but the answer's ``value`` field is empty
asked back   ``clarify``
declined     ``no_answer``

Metamorphic rule on top: paraphrases of one fact must all get the same figure (``inconsistent``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from .generate import Question, convert

MONEY = ("万元", "元")
CLASSES = ("correct", "wrong", "rounded", "no value", "asked back", "declined")


@dataclass(frozen=True)
class Result:
    question: Question
    cls: str
    value: Decimal | None
    unit: str | None
    text: str
    cause: str = ""  # for a wrong figure: same amount in another unit, or another figure


def _amount(value: Decimal, unit: str) -> tuple[Decimal, str]:
    """Money in 元 so 9.37万元 and 93700元 compare equal; other units as they are."""
    if unit == "万元":
        return (value * 10000).normalize(), "元"
    return (value.normalize() if value else Decimal(0)), unit


def classify(q: Question, status: str, value: Decimal | None, unit: str | None, text: str = "") -> Result:
    if status == "clarify":
        return Result(q, "asked back", value, unit, text)
    if status != "answered":
        return Result(q, "declined", value, unit, text)
    if value is None:
        return Result(q, "no value", value, unit, text)
    got = (value.normalize() if value else Decimal(0), unit or "")
    if got in q.acceptable:
        return Result(q, "correct", value, unit, text)
    amounts = {_amount(a, u) for a, u in q.acceptable}
    if not got[0] and got[1] in MONEY and (Decimal(0), "元") in amounts:
        return Result(q, "correct", value, unit, text)  # zero is zero in 万元 and in 元
    if _amount(*got) in amounts:
        if not q.unit_asked:
            return Result(q, "correct", value, unit, text)
        return Result(q, "wrong", value, unit, text, cause=f"unit asked {q.unit_asked} not used")
    for exp, exp_unit, step in q.rounded:
        # a finer figure behind the narrative's rounded one: the table's exact amount
        same = convert(got[0], got[1], exp_unit)
        if same is not None and abs(same - exp) < step and (not q.unit_asked or got[1] == q.unit_asked):
            return Result(q, "correct", value, unit, text)
    for a, u in amounts:
        g = _amount(*got)
        if g[1] == u == "元" and got[1] == "万元" and abs(g[0] - a) < 100 and g[0] % 100 == 0:
            return Result(q, "rounded", value, unit, text, cause="rounded to 0.01万元")
    return Result(q, "wrong", value, unit, text, cause="another figure")


def run(bot, questions: list[Question]) -> list[Result]:
    """Each question in a fresh conversation: ``Bot.ask(q, Conversation())``."""
    from bot import Conversation

    out = []
    for q in questions:
        a = bot.ask(q.text, Conversation())
        out.append(classify(q, a.status, a.value, a.unit, a.text))
    return out


DIAGNOSE_ORDER = ("noise", "unit", "infix", "filler", "particle", "frame", "subject", "dept", "year")


def diagnose(bot, index, result: Result) -> str:
    """Which part makes a wrong figure: put each part back to its plainest form, one at a time;
    the first whose plain form is answered right is the part the bot misses. ``plain`` when
    even the plainest question (full name, 科目名称, 是多少) gets a wrong figure."""
    from bot import Conversation

    from .generate import plain

    q = result.question
    for slot in DIAGNOSE_ORDER:
        alt = plain(index, q, slot)
        if alt is None:
            continue
        a = bot.ask(alt.text, Conversation())
        if classify(alt, a.status, a.value, a.unit).cls == "correct":
            return slot
    base = q
    for slot in DIAGNOSE_ORDER:
        alt = plain(index, base, slot)
        base = alt or base
    a = bot.ask(base.text, Conversation())
    return "plain" if classify(base, a.status, a.value, a.unit).cls == "wrong" else "combination"


def inconsistent(results: list[Result]) -> dict:
    """Facts whose paraphrases got different figures (amounts compared across units)."""
    got: dict = defaultdict(set)
    for r in results:
        if r.value is not None and r.cls in ("correct", "wrong"):
            f = r.question.fact
            got[(f.report_id, f.key, f.code, f.measure, f.value, f.unit)].add(_amount(r.value, r.unit or ""))
    return {k: v for k, v in got.items() if len(v) > 1}


def counts(results: list[Result]) -> Counter:
    return Counter(r.cls for r in results)


def answer_rate(results: list[Result]) -> tuple[int, int]:
    """Correct answers among determinate questions: (correct, determinate)."""
    det = [r for r in results if r.question.determinate]
    return sum(r.cls == "correct" for r in det), len(det)


__all__ = ["CLASSES", "Result", "answer_rate", "classify", "convert", "counts", "diagnose", "inconsistent", "run"]
