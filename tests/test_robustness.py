"""Arbitrary input never breaks ``ask``: always a valid Answer, never a traceback, the KB unchanged."""

import copy
import hashlib
import json
import os
import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import Bot, Conversation

ODD = [
    "",
    " ",
    "\x00\x01\x02",
    "🙂" * 50,
    "三" * 10000,
    "'; DROP TABLE reports; --",
    '" OR 1=1 --',
    "三公 NEAR/2 经费 AND *",
    '"三公"* OR ^',
    "ＳＥＬＥＣＴ　＊",
    "１２３４５６７８９０",
    "辦公費花了多少錢",
]


def _check(answer):
    assert answer.status in ("answered", "clarify", "no_answer")
    assert isinstance(answer.text, str) and answer.text
    if answer.value is not None:
        assert answer.citations, "a figure without a citation"


def test_odd_questions(kb):
    before = hashlib.sha256(kb.read_bytes()).hexdigest()
    bot = Bot(kb)
    conv = Conversation()
    for q in ODD:
        _check(bot.ask(q, conv))
    bot.db.close()
    assert hashlib.sha256(kb.read_bytes()).hexdigest() == before


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_arbitrary_unicode(bot, q):
    _check(bot.ask(q))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            ["三公", "经费", "预算", "呢", "多少", "占比", "2024年", "办公费", "和", "'", '"', "*", "—"]
        ),
        max_size=8,
    ).map("".join)
)
def test_domain_word_salad(bot, q):
    _check(bot.ask(q, Conversation()))


# -- the long run: 10 000 fuzzed questions over many reports (slow) --------------------------------------
# Questions of the question sets damaged the way people type and paste (characters dropped, doubled,
# swapped, inserted — control characters, lone surrogates, emoji, full-width forms, FTS / SQL
# operators, digits, years —, pasted twice, glued to another question), word salads of their
# pieces, and arbitrary code points, asked in short conversations (follow-ups carry state). None may
# take the error path ("出错了", intent ``error``) or more than a second of CPU.
FUZZ_N = int(os.environ.get("FUZZ_QUESTIONS", "10000"))
FUZZ_SEED = int(os.environ.get("FUZZ_SEED", "10"))
QUESTION_SETS = Path(__file__).parent / "questions"
NOISE = (
    "\x00|\x07|\t|\n|\r|\u200b|\ufeff|\ud800|\udfff|\U0001f642|　|，|？|%|*|\"|'|(|)|[|]|NEAR|OR|AND|--|;|\\|/"
    "|１|２０２４|2024年|1999年|万元|元|亿|0.5|-3|1e9|９９９９９９９９９９９|第|表|公开01表"
).split("|")


def _real_questions() -> list[str]:
    out = []
    for p in sorted(QUESTION_SETS.glob("*.jsonl")):
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["question"])
    return out


def fuzzed_questions(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    real = _real_questions()
    pieces = [q[i : i + rnd.randint(1, 4)] for q in real for i in range(0, len(q), 3)]
    out: list[str] = []
    while len(out) < n:
        q = rnd.choice(real)
        kind = rnd.randrange(9)
        if kind == 0:  # arbitrary code points, surrogates included
            spans = [(0, 0x80), (0x3000, 0x3040), (0x4E00, 0x9FA6), (0xD800, 0xE000), (0xFF00, 0xFF60), (0, 0x110000)]
            q = "".join(chr(rnd.randrange(*rnd.choice(spans))) for _ in range(rnd.randint(0, 40)))
        elif kind == 1:  # a salad of the question sets' pieces and noise
            q = "".join(rnd.choice(pieces + NOISE) for _ in range(rnd.randint(1, 12)))
        elif kind == 2:  # pasted twice, or glued to another question
            q = q + rnd.choice(["", " ", "，", "\n"]) + rnd.choice([q, rnd.choice(real)])
        elif kind == 3:  # long: a question repeated, or a digit run
            q = q * rnd.randint(5, 60) if rnd.random() < 0.5 else q + "9" * rnd.randint(50, 3000)
        else:  # a few typing accidents in a real question
            chars = list(q)
            for _ in range(rnd.randint(1, 4)):
                j = rnd.randrange(len(chars) + 1)
                op = rnd.randrange(4)
                if op == 0 and chars and j < len(chars):
                    del chars[j]
                elif op == 1 and chars and j < len(chars):
                    chars.insert(j, chars[j])
                elif op == 2 and j + 1 < len(chars):
                    chars[j], chars[j + 1] = chars[j + 1], chars[j]
                else:
                    chars.insert(j, rnd.choice(NOISE + pieces))
            q = "".join(chars)
        out.append(q)
    return out


@pytest.fixture(scope="module")
def many_bot(tmp_path_factory):
    from knowledge.ingest import ingest
    from knowledge.store import open_db
    from tests.conftest import REFERENCE, SHARED

    path = tmp_path_factory.mktemp("fuzz") / "kb.db"
    db = open_db(path)
    sources = [REFERENCE] + [p for p in (SHARED / "corpus", SHARED / "pingtan") if p.is_dir()]
    ingest(db, sources)
    db.close()
    return Bot(path, readonly=True)


@pytest.mark.slow
def test_fuzzed_questions_never_error_or_hang(many_bot):
    errors, slow = [], []
    conv = Conversation()
    for n, q in enumerate(fuzzed_questions(FUZZ_N, FUZZ_SEED)):
        if n % 5 == 0:
            conv = Conversation()
        before = copy.deepcopy(conv)
        start = time.process_time()
        a = many_bot.ask(q, conv)
        cpu = time.process_time() - start
        if a.intent == "error" or a.status not in ("answered", "clarify", "no_answer") or not a.text:
            again = many_bot.ask(q, before, explain=True)  # the same question, its trace kept
            errors.append((n, q[:80], (again.trace.as_dict().get("error") if again.trace else None)))
        elif a.value is not None and not a.citations and a.intent != "list_reports":
            # (the knowledge base's own count of reports, 22 份, has no report to cite)
            errors.append((n, q[:80], "a figure without a citation"))
        if cpu > 1.0:
            slow.append((n, q[:80], round(cpu, 2)))
    assert not errors and not slow, (
        f"{len(errors)} questions took the error path: {errors[:20]}; "
        f"{len(slow)} took over 1 s of CPU: {slow[:20]}"
    )
