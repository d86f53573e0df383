"""The coverage table by part, and the list of wrong figures grouped by the part that triggers them."""

from __future__ import annotations

from collections import Counter, defaultdict

from .check import CLASSES, Result, answer_rate, counts

SLOTS = ("dept", "year", "subject", "measure", "unit", "frame", "filler", "infix", "particle", "noise")
SLOT_NAMES = {
    "dept": "department mention",
    "year": "year",
    "subject": "subject form",
    "measure": "measure word",
    "unit": "unit asked",
    "frame": "frame",
    "filler": "filler",
    "infix": "一共/到底",
    "particle": "particle",
    "noise": "typo / 繁体 / 全角",
}


def coverage(results: list[Result]) -> dict[tuple[str, str], Counter]:
    table: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in results:
        for p in r.question.parts:
            table[(p.slot, p.label)][r.cls] += 1
            table[(p.slot, p.label)]["generated"] += 1
            if r.question.determinate:
                table[(p.slot, p.label)]["determinate"] += 1
                table[(p.slot, p.label)]["determinate correct"] += r.cls == "correct"
    return table


def markdown(results: list[Result], title: str = "") -> str:
    """The coverage table as markdown: one row per part value, grouped by slot."""
    lines = []
    c = counts(results)
    good, det = answer_rate(results)
    if title:
        lines.append(f"**{title}** — {len(results)} questions: " + ", ".join(f"{k} {c[k]}" for k in CLASSES)
                     + f"; determinate answered correctly {good}/{det} ({100 * good / max(det, 1):.1f}%)")
        lines.append("")
    lines.append("| part | form | generated | correct | wrong | rounded | no value | asked back | declined | correct of determinate |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|")
    table = coverage(results)
    for slot in SLOTS:
        rows = sorted((k for k in table if k[0] == slot), key=lambda k: -table[k]["generated"])
        for key in rows:
            t = table[key]
            rate = f"{100 * t['determinate correct'] / t['determinate']:.0f}%" if t["determinate"] else "—"
            lines.append(
                f"| {SLOT_NAMES[slot]} | {key[1]} | {t['generated']} | {t['correct']} | {t['wrong']} | {t['rounded']} | "
                f"{t['no value']} | {t['asked back']} | {t['declined']} | {rate} |"
            )
    return "\n".join(lines)


def _trigger(r: Result) -> str:
    """The part most likely behind a wrong figure, by what the phrasing adds to the plain name."""
    p = {x.slot: x for x in r.question.parts}
    if r.cause.startswith("unit asked"):
        return f"unit asked ({p['unit'].label}) not honoured"
    if p["noise"].label == "typo":
        return "typo in the subject"
    if p["subject"].label not in ("name", "name-short", "code"):
        return f"subject form {p['subject'].label} ({p['subject'].text})"
    if p["measure"].label not in ("-",):
        return f"measure word {p['measure'].label}"
    if p["infix"].label != "-":
        return f"infix {p['infix'].label}"
    return f"subject {r.question.fact.key} (other figure of the report)"


def _diagnosed(r: Result, slot: str) -> str:
    p = {x.slot: x for x in r.question.parts}
    if slot == "plain":
        return f"wrong even asked plainly: {r.question.fact.key}"
    if slot == "combination":
        return "only a combination of parts (no single part's plain form is answered right)"
    part = p[slot]
    if slot == "noise" and part.label == "typo":
        return "typo in the subject"
    if slot == "subject":
        return f"subject form {part.label}"
    if slot == "unit":
        return f"unit asked {part.label} not honoured" if r.cause.startswith("unit") else f"unit asked {part.label}"
    return f"{SLOT_NAMES[slot]} {part.label}"


def findings(results: list[Result], diagnosis: dict[int, str] | None = None) -> str:
    """Every wrong figure: question, expected, got, parts — grouped by the part behind it
    (``diagnosis``: result index → slot from check.diagnose; else a guess from the parts)."""
    groups: dict[str, list[Result]] = defaultdict(list)
    for i, r in enumerate(results):
        if r.cls == "wrong":
            cause = _diagnosed(r, diagnosis[i]) if diagnosis and i in diagnosis else _trigger(r)
            groups[cause].append(r)
    out = []
    for cause, rs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        out.append(f"### {cause} — {len(rs)}")
        out.append("")
        out.append("| question | expected | got | fact (source) | parts |")
        out.append("|---|---|---|---|---|")
        for r in rs:
            exp = " / ".join(sorted(f"{a:f} {u}" for a, u in r.question.acceptable))
            parts = ", ".join(f"{x.slot}={x.label}" + (f"({x.text})" if x.slot in ("subject", "dept") else "")
                              for x in r.question.parts if x.label not in ("-", "none"))
            f = r.question.fact
            out.append(f"| {r.question.text} | {exp} | {r.value} {r.unit} | {f.key} ({f.where}) | {parts} |")
        out.append("")
    return "\n".join(out)


def summary(results: list[Result]) -> Counter:
    """Counts per class, for assertions."""
    return counts(results)
