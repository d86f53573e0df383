"""The citizen-help kiosk, driven with Textual's pilot against the real bot (read-only knowledge base)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Digits, Input, ListView, Static

from tui.kiosk import (
    SORRY,
    UNAVAILABLE,
    KioskApp,
    KioskButton,
    PinScreen,
    default_log_path,
    hash_pin,
    log_unanswered,
    unanswered_summary,
    verify_pin,
)

SIZE = (100, 30)
PIN = "2468"
FAST_HASH = hash_pin(PIN, iterations=1000, salt="testsalt")


@pytest.fixture(scope="session")
def kiosk_built_kb(tmp_path_factory) -> Path:
    from knowledge.paths import ensure_default_db

    return ensure_default_db(tmp_path_factory.mktemp("kiosk-kb") / "kb.db")


@pytest.fixture
def kb_path(kiosk_built_kb, tmp_path) -> Path:
    path = tmp_path / "kb.db"
    shutil.copy(kiosk_built_kb, path)
    return path


@pytest.fixture
def log_path(tmp_path) -> Path:
    return tmp_path / "logs" / "unanswered.jsonl"


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv("DISCLOSURE_BOT_KIOSK_PIN_HASH", raising=False)
    monkeypatch.delenv("DISCLOSURE_BOT_KIOSK_LOG", raising=False)


def plain(widget: Static) -> str:
    content = widget.content
    if isinstance(content, Text):
        return content.plain
    return str(getattr(content, "plain", content))


def shown(app: KioskApp) -> str:
    """Everything the kiosk currently shows, as text."""
    parts = []
    for w in app.screen.query(Static):
        if w.display and not isinstance(w, Digits):
            parts.append(plain(w))
    return "\n".join(parts)


async def submit(pilot, question: str) -> None:
    inp = pilot.app.query_one("#question", Input)
    inp.value = question
    inp.focus()
    await pilot.press("enter")
    await settle(pilot)


async def settle(pilot) -> None:
    """Wait for the answer: the bot is asked in a worker."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def page(app: KioskApp) -> str:
    return app.query_one("#pages").current


# -- PIN and log helpers ----------------------------------------------------------------------------
def test_verify_pin_formats():
    sha = hashlib.sha256(PIN.encode()).hexdigest()
    assert verify_pin(PIN, sha) and verify_pin(PIN, sha.upper())
    assert not verify_pin("1357", sha)
    h = hash_pin(PIN, iterations=1000)
    assert h.startswith("pbkdf2_sha256$1000$") and h.count("$") == 3
    assert verify_pin(PIN, h) and not verify_pin("24680", h)
    assert hash_pin(PIN, iterations=1000) != h  # fresh salt
    for bad in (None, "", "pbkdf2_sha256$x$y", "md5$1$s$abc", "pbkdf2_sha256$abc$s$00", PIN):
        assert not verify_pin(PIN, bad)


def test_unanswered_summary_groups_by_frequency(tmp_path):
    path = tmp_path / "u.jsonl"
    assert unanswered_summary(path) == []
    for q, s in [
        ("医疗", "clarify"),
        ("2025年预算多少", "no_answer"),
        (" 2025年预算多少 ", "no_answer"),
        ("医疗", "no_answer"),
        ("明年呢", "clarify"),
        ("2025年预算多少", "no_answer"),
    ]:
        assert log_unanswered(path, q, s)
    with path.open("a", encoding="utf-8") as f:
        f.write("not json\n{}\n")
    assert unanswered_summary(path) == [
        ("2025年预算多少", 3, "no_answer"),
        ("医疗", 2, "no_answer"),
        ("明年呢", 1, "clarify"),
    ]


def test_default_log_path_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("DISCLOSURE_BOT_KIOSK_LOG", str(tmp_path / "x.jsonl"))
    assert default_log_path() == tmp_path / "x.jsonl"


# -- the kiosk --------------------------------------------------------------------------------------------
async def test_welcome_lists_examples_and_answers_with_digits(kb_path, log_path):
    app = KioskApp(kb_path, log_path=log_path)
    async with app.run_test(size=SIZE) as pilot:
        assert page(app) == "welcome"
        items = list(app.query_one("#examples", ListView).children)
        assert [i.question for i in items] == app.bot.examples()[: len(items)]
        assert isinstance(app.focused, Input)
        # arrows into the list, Enter asks the highlighted example
        await pilot.press("down")
        assert isinstance(app.focused, ListView)
        await pilot.press("enter")
        await settle(pilot)
        assert page(app) == "answer-page"
        answer = app.history[-1]
        assert answer.question == items[0].question
        if answer.value is not None:
            assert app.query_one("#figure", Digits).value == format(answer.value, "f")
        # a typed question: the figure in large digits, the sentence and its source
        await submit(pilot, "一般公共服务支出多少")
        assert app.query_one("#figure", Digits).value == "637.38"
        assert plain(app.query_one("#figure-unit", Static)) == "万元"
        assert "637.38万元" in plain(app.query_one("#answer", Static))
        source = plain(app.query_one("#source", Static))
        assert "公开01表" in source and "第67行" in source
        assert app.query_one("#question", Input).max_length == 200
        await pilot.press("escape")
        assert page(app) == "welcome"


async def test_escape_keys_do_nothing(kb_path, log_path):
    app = KioskApp(kb_path, log_path=log_path, pin_hash=FAST_HASH)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "三公经费多少")
        for key in ("ctrl+c", "ctrl+q", "ctrl+z", "ctrl+backslash", "ctrl+p"):
            await pilot.press(key)
            await settle(pilot)
            assert app.is_running and app.return_code is None, key
            assert len(app.screen_stack) == 1, key
        from textual.command import CommandPalette

        assert not CommandPalette.is_open(app)
        await app.run_action("quit")
        await app.run_action("suspend_process")
        await app.run_action("command_palette")
        await settle(pilot)
        assert app.is_running and len(app.screen_stack) == 1
        assert page(app) == "answer-page"  # nothing was reset either


async def _wait_for_page(app: KioskApp, want: str, bound: float) -> float:
    """Poll until the kiosk shows ``want``; the seconds it took, or ``bound`` reached (then the caller's
    assert fails). A generous bound keeps a loaded machine from failing the test; a kiosk that never
    resets still fails it."""
    start = time.monotonic()
    while page(app) != want and time.monotonic() - start < bound:
        await asyncio.sleep(0.05)
    return time.monotonic() - start


async def test_idle_timeout_returns_to_welcome_and_forgets(kb_path, log_path):
    app = KioskApp(kb_path, log_path=log_path, idle_timeout=0.5)
    async with app.run_test(size=SIZE) as pilot:
        app.idle_timeout = 3600  # the answer may take longer than 0.5 s on a loaded machine
        await submit(pilot, "三公经费多少")
        assert page(app) == "answer-page" and app.history
        assert app.conversation.subjects
        app.query_one("#question", Input).value = "半截问"
        app.idle_timeout = 0.5
        await pilot.press("end")  # the last activity: the reset may come no sooner than 0.5 s after it
        waited = await _wait_for_page(app, "welcome", bound=20)
        await settle(pilot)
        assert page(app) == "welcome", f"no idle reset within {waited:.1f} s"
        assert waited >= 0.5 - 0.06, f"reset after {waited:.2f} s, before the 0.5 s idle timeout"
        assert app.history == []
        assert app.conversation.subjects == [] and app.conversation.history == []
        assert plain(app.query_one("#answer", Static)) == ""
        assert app.query_one("#question", Input).value == ""
        assert not app.query(KioskButton)
        # the follow-up no longer refers to 三公经费
        await submit(pilot, "预算呢")
        assert not (app.history[-1].status == "answered" and str(app.history[-1].value) == "1.93")


async def test_activity_postpones_idle_reset(kb_path, log_path):
    """Keys every 0.2 s over 2.5 idle timeouts keep the answer on screen. A gap between two keys is
    measured: a machine stalled longer than the timeout makes that round inconclusive (a reset is then
    right), and the round is repeated — a kiosk that ignores activity fails every round."""
    timeout = 1.0
    app = KioskApp(kb_path, log_path=log_path, idle_timeout=timeout)
    async with app.run_test(size=SIZE) as pilot:
        for _round in range(3):
            app.idle_timeout = 3600
            await submit(pilot, "三公经费多少")
            assert page(app) == "answer-page"
            app.idle_timeout = timeout
            await pilot.press("left")
            last, gaps = time.monotonic(), []
            for _ in range(12):
                await asyncio.sleep(0.2)
                await pilot.press("left")
                now = time.monotonic()
                gaps.append(now - last)
                last = now
            if max(gaps) < timeout * 0.8:
                break
        assert max(gaps) < timeout * 0.8, f"the machine stalled every round: gaps up to {max(gaps):.2f} s"
        assert page(app) == "answer-page"


async def test_pin_exit_only_with_right_pin(kb_path, log_path):
    app = KioskApp(kb_path, log_path=log_path, pin_hash=FAST_HASH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, PinScreen)
        pin = app.screen.query_one("#pin", Input)
        assert pin.password
        pin.value = "1111"
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, PinScreen)
        assert "不正确" in plain(app.screen.query_one("#pin-error", Static))
        await pilot.press("escape")  # cancel
        await settle(pilot)
        assert not isinstance(app.screen, PinScreen) and app.is_running
        await pilot.press("f12")
        await settle(pilot)
        await pilot.press(*PIN, "enter")
        await settle(pilot)
    assert app.maintainer_exit
    assert app.return_value == "maintainer"


async def test_pin_from_environment_and_lockout(kb_path, log_path, monkeypatch):
    monkeypatch.setenv("DISCLOSURE_BOT_KIOSK_PIN_HASH", hashlib.sha256(PIN.encode()).hexdigest())
    app = KioskApp(kb_path, log_path=log_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12")
        await settle(pilot)
        for _ in range(PinScreen.MAX_FAILURES):
            await pilot.press("0", "enter")
        await pilot.press(*PIN, "enter")  # right PIN, but locked out
        await settle(pilot)
        assert app.is_running and not app.maintainer_exit
        assert "稍后" in plain(app.screen.query_one("#pin-error", Static))


async def test_without_pin_hash_the_hidden_key_does_nothing(kb_path, log_path):
    app = KioskApp(kb_path, log_path=log_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12")
        await settle(pilot)
        assert len(app.screen_stack) == 1 and app.is_running


async def test_unanswered_questions_are_logged(kb_path, log_path):
    app = KioskApp(kb_path, log_path=log_path)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "医疗")  # clarify
        assert app.history[-1].status == "clarify"
        buttons = list(app.query(KioskButton))
        assert [b.question for b in buttons] == app.history[-1].suggestions[:6]
        await submit(pilot, "2025年预算多少")  # no_answer
        assert app.history[-1].status == "no_answer"
        await submit(pilot, "2025年预算多少")
        await submit(pilot, "一般公共服务支出多少")  # answered: not logged
    records = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines()]
    assert [(r["question"], r["status"]) for r in records] == [
        ("医疗", "clarify"),
        ("2025年预算多少", "no_answer"),
        ("2025年预算多少", "no_answer"),
    ]
    assert all(set(r) == {"time", "question", "status"} for r in records)
    assert unanswered_summary(log_path) == [("2025年预算多少", 2, "no_answer"), ("医疗", 1, "clarify")]


async def test_clarify_button_asks_the_suggestion(kb_path, log_path):
    app = KioskApp(kb_path, log_path=log_path)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "医疗")
        button = next(b for b in app.query(KioskButton) if b.question == "事业单位医疗多少")
        await pilot.click(button)
        await settle(pilot)
        assert app.history[-1].question == "事业单位医疗多少"
        assert app.query_one("#figure", Digits).value == "5.39"


async def test_knowledge_base_is_read_only(kb_path, log_path):
    app = KioskApp(kb_path, log_path=log_path)
    async with app.run_test(size=SIZE):
        with pytest.raises(sqlite3.OperationalError):
            app.bot.db.execute("DELETE FROM reports")


async def test_missing_knowledge_base_is_polite(tmp_path, log_path):
    app = KioskApp(tmp_path / "secret-dir" / "missing.db", log_path=log_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.bot is None
        assert UNAVAILABLE in shown(app)
        await submit(pilot, "三公经费多少")
        text = shown(app)
        assert UNAVAILABLE in text
        assert "secret-dir" not in text and "missing.db" not in text and "Traceback" not in text
        assert app.is_running


async def test_bot_error_is_polite(kb_path, log_path):
    app = KioskApp(kb_path, log_path=log_path)

    def broken(*args, **kwargs):
        raise RuntimeError(f"boom at {kb_path}")

    async with app.run_test(size=SIZE) as pilot:
        app.bot.ask = broken
        await submit(pilot, "三公经费多少")
        text = shown(app)
        assert SORRY in text
        assert str(kb_path) not in text and "boom" not in text
        assert app.is_running
    assert json.loads(log_path.read_text(encoding="utf-8"))["status"] == "error"


async def test_long_input_is_cut(kb_path, log_path):
    app = KioskApp(kb_path, log_path=log_path)
    async with app.run_test(size=SIZE) as pilot:
        inp = app.query_one("#question", Input)
        inp.value = "三" * 199
        inp.cursor_position = 199
        await pilot.press("a", "b", "c")
        assert inp.value == "三" * 199 + "a"
        answer = await app.ask("四" * 300)  # whatever reaches ask is cut too
        assert len(answer.question) <= 200


# -- snapshots -----------------------------------------------------------------------------------------------
def test_snapshot_kiosk_welcome(kb_path, log_path, snap_compare):
    assert snap_compare(KioskApp(kb_path, log_path=log_path, idle_timeout=3600), terminal_size=SIZE)


def test_snapshot_kiosk_answer(kb_path, log_path, snap_compare):
    async def run_before(pilot):
        await submit(pilot, "一般公共服务支出多少")

    assert snap_compare(
        KioskApp(kb_path, log_path=log_path, idle_timeout=3600), terminal_size=SIZE, run_before=run_before
    )


async def test_answer_shows_the_place_not_the_raw_line(kb_path, log_path):
    app = KioskApp(kb_path, log_path=log_path)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "基本工资多少")
        source = plain(app.query_one("#source", Static))
        assert app.history[-1].citations[0].table
        assert "原文" not in source and "|" not in source and "\t" not in source
        assert "23. 87" not in shown(app) and "公开" in source and "行：" in source
        await submit(pilot, "三公经费多少")  # a narrative citation keeps its sentence
        assert "原文：" in plain(app.query_one("#source", Static))


async def test_an_answer_after_an_idle_reset_is_dropped(kb_path, log_path):
    import threading

    app = KioskApp(kb_path, log_path=log_path)
    gate = threading.Event()
    real_ask = app.bot.ask

    def slow_ask(*args, **kwargs):
        gate.wait(10)
        return real_ask(*args, **kwargs)

    async with app.run_test(size=SIZE) as pilot:
        app.bot.ask = slow_ask
        inp = app.query_one("#question", Input)
        inp.value = "办公费花了多少"
        await pilot.press("enter")
        await pilot.pause()
        assert "正在查找" in plain(app.query_one("#hint", Static))
        await pilot.press("down")  # the screen keeps taking keys meanwhile
        await app.reset()
        gate.set()
        await settle(pilot)
        assert page(app) == "welcome" and not app.history


# -- bounded, shared state (issue 10) -------------------------------------------------------------------
def test_log_rotates_by_size_and_summary_streams_every_file(tmp_path):
    from tui.state import append_line, log_files

    log = tmp_path / "u.jsonl"
    for i in range(200):
        append_line(
            log, json.dumps({"question": f"问题{i % 7}", "status": "no_answer"}), max_bytes=2000, backups=2
        )
    files = log_files(log, backups=2)
    assert [f.name for f in files] == ["u.jsonl.2", "u.jsonl.1", "u.jsonl"]  # the oldest beyond 2 dropped
    assert all(f.stat().st_size <= 2000 for f in files)
    assert sum(f.stat().st_size for f in files) <= 3 * 2000
    with log.open("a", encoding="utf-8") as f:
        f.write(json.dumps({"question": "长" * 10_000, "status": "no_answer"}) + "\n")  # over-long: skipped
        f.write(json.dumps({"question": "问题0", "status": "clarify"}) + "\n")
    rows = unanswered_summary(log)
    assert all(len(q) <= 200 for q, _n, _s in rows) and "长" * 10 not in "".join(q for q, _n, _s in rows)
    assert sum(n for _q, n, _s in rows) == sum(len(f.read_text().splitlines()) for f in files) - 1
    assert ("问题0" in {q for q, _n, _s in rows}) and dict((q, s) for q, _n, s in rows)["问题0"] == "clarify"


async def test_pin_lockout_is_shared_by_every_kiosk_on_one_log(kb_path, log_path):
    first = KioskApp(kb_path, log_path=log_path, pin_hash=FAST_HASH)
    for _ in range(PinScreen.MAX_FAILURES):
        assert not first.check_pin("0000")
    second = KioskApp(kb_path, log_path=log_path, pin_hash=FAST_HASH)  # a new browser tab of serve
    assert second.pin_locked()
    other = KioskApp(kb_path, log_path=log_path.with_name("other.jsonl"), pin_hash=FAST_HASH)
    assert not other.pin_locked()
    stored = log_path.with_name(log_path.name + ".pin-failures")
    assert stored.exists() and oct(stored.stat().st_mode & 0o777) == "0o600"
    assert PIN not in stored.read_text()


# -- serve (issue 10, issue 15) -----------------------------------------------------------------------------
def test_serve_bounds_the_terminal_reaps_its_processes_and_fetches_no_font(tmp_path):
    import os
    import sys

    from aiohttp.test_utils import TestClient, TestServer

    from tui.serving import MAX_COLUMNS, MAX_ROWS, KioskServer, clamp_size

    assert clamp_size(3000, 3000) == (MAX_COLUMNS, MAX_ROWS) and clamp_size("x", None) == (80, 24)
    seen = tmp_path / "seen.txt"
    # a stand-in for the kiosk that records the size it was given and never quits by itself
    child = (
        f"import os, time; open({str(seen)!r}, 'w').write(os.environ['COLUMNS'] + ' ' + os.environ['ROWS']"
        " + ' ' + str(os.getpid())); time.sleep(120)"
    )
    server = KioskServer("exec " + " ".join([sys.executable, "-c", repr(child)]), title="t")

    async def scenario() -> None:
        client = TestClient(TestServer(await server._make_app()))
        await client.start_server()
        try:
            page = await (await client.get("/")).text()
            assert "googleapis" not in page and "box-drawing.ttf" in page
            font = await client.get("/kiosk-static/box-drawing.ttf")
            assert font.status == 200 and len(await font.read()) > 1000
            ws = await client.ws_connect("/ws?width=3000&height=3000")
            for _ in range(100):
                if seen.exists() and seen.read_text().count(" ") == 2:
                    break
                await asyncio.sleep(0.05)
            columns, rows, pid = seen.read_text().split()
            assert (int(columns), int(rows)) == (MAX_COLUMNS, MAX_ROWS)
            await ws.close()
            for _ in range(200):
                if not server.sessions:
                    break
                await asyncio.sleep(0.05)
            assert not server.sessions
            try:
                os.kill(int(pid), 0)
                alive = True
            except ProcessLookupError:
                alive = False
            assert not alive  # terminated and waited for: no process left behind
        finally:
            await client.close()

    asyncio.run(scenario())
