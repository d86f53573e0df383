"""The citizen-help kiosk: one input line, large answers, nothing a passer-by can break.

* The welcome screen lists suggested questions in large type (arrows/Enter or mouse).
* An answer shows its figure with :class:`textual.widgets.Digits`, the sentence and its source.
* No menus, no command palette, no file paths, no tracebacks: every error becomes a polite
  Chinese sentence, and an unhandled exception ends the app silently (``run_kiosk`` restarts it).
* Ctrl+C, Ctrl+Q, Ctrl+Z, Ctrl+\\ and Ctrl+P do nothing.
* After ``idle_timeout`` seconds without a key or mouse event the screen goes back to the
  welcome screen and the conversation is forgotten.
* A maintainer leaves with F12 (or Ctrl+Shift+X where the terminal reports it) and the PIN.
  Only a hash of the PIN is configured (``pin_hash`` or ``DISCLOSURE_BOT_KIOSK_PIN_HASH``)::

      <64 hex digits>                          sha256 of the PIN (UTF-8)
      pbkdf2_sha256$<iterations>$<salt>$<hex>  PBKDF2-HMAC-SHA256 of the PIN, salt as text

  ``python -m tui hash-pin`` prints the second form. Without a hash the kiosk cannot be left
  from the keyboard (stop it from another terminal or the service manager).
* Questions the bot could not answer (status ``no_answer`` or ``clarify``) are appended to a
  JSONL log, one object per line: ``{"time": ISO-8601 UTC, "question": ..., "status": ...}``,
  nothing else about the person. :func:`unanswered_summary` groups it for
  ``disclosure-bot unanswered``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import time
from collections import Counter
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    ContentSwitcher,
    Digits,
    Input,
    Label,
    ListItem,
    ListView,
    Static,
)

from .common import answer_text, citation_lines, format_value
from .state import PinFailures, append_line, read_lines

__all__ = [
    "KioskApp",
    "PIN_HASH_ENV",
    "LOG_ENV",
    "default_log_path",
    "hash_pin",
    "log_unanswered",
    "unanswered_summary",
    "verify_pin",
]

PIN_HASH_ENV = "DISCLOSURE_BOT_KIOSK_PIN_HASH"
LOG_ENV = "DISCLOSURE_BOT_KIOSK_LOG"
MAX_QUESTION = 200
PBKDF2_ITERATIONS = 600_000

SORRY = "抱歉，系统暂时出了点问题，请稍后再试，或换个问法。"
UNAVAILABLE = "抱歉，问答服务暂时无法使用，请稍后再试，或向工作人员咨询。"
WELCOME_TITLE = "部门预算·决算公开 自助问答"
HINT = "按 Esc 返回首页"
WELCOME_HINT = "请选择下面的问题（↑↓ 选择，Enter 确认），或在最下方输入您的问题后按 Enter。"

log = logging.getLogger("tui.kiosk")
log.addHandler(logging.NullHandler())


# -- PIN -------------------------------------------------------------------------------------
def hash_pin(pin: str, iterations: int = PBKDF2_ITERATIONS, salt: str | None = None) -> str:
    """``pbkdf2_sha256$iterations$salt$hexdigest`` for ``pin`` (a fresh random salt by default)."""
    salt = salt or secrets.token_hex(16)
    if "$" in salt:
        raise ValueError("salt must not contain '$'")
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt.encode("utf-8"), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${digest.hex()}"


def verify_pin(pin: str, pin_hash: str | None) -> bool:
    """Whether ``pin`` matches ``pin_hash`` (sha256 hex or the pbkdf2_sha256 form). Never raises."""
    if not pin_hash or not isinstance(pin, str):
        return False
    pin_hash = pin_hash.strip()
    try:
        if re.fullmatch(r"[0-9a-fA-F]{64}", pin_hash):
            digest = hashlib.sha256(pin.encode("utf-8")).hexdigest()
            return hmac.compare_digest(digest, pin_hash.lower())
        algo, iterations, salt, expected = pin_hash.split("$")
        if algo != "pbkdf2_sha256":
            return False
        digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt.encode("utf-8"), int(iterations))
        return hmac.compare_digest(digest.hex(), expected.lower())
    except Exception:
        return False


# -- unanswered log -----------------------------------------------------------------------------
def default_log_path() -> Path:
    """``$DISCLOSURE_BOT_KIOSK_LOG`` or ``kiosk-unanswered.jsonl`` in the user data directory."""
    env = os.environ.get(LOG_ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("disclosure-bot", appauthor=False)) / "kiosk-unanswered.jsonl"


def _clean_question(question: str) -> str:
    return re.sub(r"\s+", " ", str(question)).strip()[:MAX_QUESTION]


def log_unanswered(log_path: str | os.PathLike, question: str, status: str) -> bool:
    """Append one line ``{"time", "question", "status"}`` (the log rotates by size, see
    :mod:`tui.state`); False (never an exception) on failure."""
    record = {
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "question": _clean_question(question),
        "status": status,
    }
    try:
        append_line(log_path, json.dumps(record, ensure_ascii=False))
        return True
    except Exception:
        log.exception("cannot write the unanswered log")
        return False


def unanswered_summary(log_path: str | os.PathLike | None = None) -> list[tuple[str, int, str]]:
    """(question, count, last status) for every logged question, most frequent first.

    Questions are grouped after collapsing whitespace; ties are broken by the most recent. The log
    and its rotated backups are streamed line by line (memory grows with the distinct questions
    only). Unreadable lines are skipped; a missing file gives an empty list.
    """
    path = Path(log_path) if log_path else default_log_path()
    counts: Counter[str] = Counter()
    last_status: dict[str, str] = {}
    last_seen: dict[str, int] = {}
    for i, line in enumerate(read_lines(path)):
        try:
            rec = json.loads(line)
            q = _clean_question(rec["question"])
            status = str(rec.get("status", ""))
        except (ValueError, KeyError, TypeError):
            continue
        if not q:
            continue
        counts[q] += 1
        last_status[q] = status
        last_seen[q] = i
    order = sorted(counts, key=lambda q: (-counts[q], -last_seen[q]))
    return [(q, counts[q], last_status[q]) for q in order]


# -- widgets ---------------------------------------------------------------------------------------
class PinScreen(ModalScreen[bool]):
    """The maintainer's PIN, in a password input. Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", show=False)]
    MAX_FAILURES = 5
    LOCKOUT = 60.0

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-box"):
            yield Static("维护人员请输入密码", id="pin-title")
            yield Input(password=True, max_length=64, id="pin", placeholder="密码")
            yield Static("", id="pin-error")

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        app = self.app
        assert isinstance(app, KioskApp)
        pin = event.value
        event.input.value = ""
        if app.pin_locked():
            self.query_one("#pin-error", Static).update("尝试次数过多，请稍后再试。")
            return
        if app.check_pin(pin):
            self.dismiss(True)
        else:
            self.query_one("#pin-error", Static).update("密码不正确。")

    def action_cancel(self) -> None:
        self.dismiss(False)


class ExampleItem(ListItem):
    def __init__(self, question: str) -> None:
        super().__init__(Label(question, classes="example-label"), classes="example")
        self.question = question


class KioskButton(Button):
    def __init__(self, question: str, classes: str = "kiosk-suggestion") -> None:
        super().__init__(question, classes=classes)
        self.question = question


class KioskApp(App, inherit_bindings=False):
    """Full-screen self-service question answering for a public terminal."""

    CSS_PATH = "kiosk.tcss"
    TITLE = "自助问答"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        # Escapes a citizen might try: all swallowed.
        Binding("ctrl+c", "noop", show=False, priority=True),
        Binding("ctrl+q", "noop", show=False, priority=True),
        Binding("ctrl+z", "noop", show=False, priority=True),
        Binding("ctrl+backslash", "noop", show=False, priority=True),
        Binding("ctrl+p", "noop", show=False, priority=True),
        # The maintainer's hidden key.
        Binding("f12,ctrl+shift+x", "maintainer", show=False, priority=True),
        Binding("escape", "home", show=False),
        Binding("down", "examples", show=False),
    ]

    def __init__(
        self,
        db_path: str | os.PathLike | None = None,
        idle_timeout: float = 120,
        pin_hash: str | None = None,
        log_path: str | os.PathLike | None = None,
        max_length: int = MAX_QUESTION,
    ) -> None:
        super().__init__()
        self.idle_timeout = float(idle_timeout)
        self.pin_hash = pin_hash if pin_hash is not None else os.environ.get(PIN_HASH_ENV) or None
        self.log_path = Path(log_path) if log_path else default_log_path()
        self.max_length = max_length
        self.maintainer_exit = False
        self.history: list[Any] = []
        self._last_activity = time.monotonic()
        self._pristine = True
        # shared by every kiosk process using this log (each browser tab of serve is one)
        self._pin_failures = PinFailures(
            self.log_path.with_name(self.log_path.name + ".pin-failures"),
            window=PinScreen.LOCKOUT,
            limit=PinScreen.MAX_FAILURES,
        )
        self._asking = asyncio.Lock()
        self._generation = 0  # bumped by reset(): answers to questions asked before are dropped
        self.bot: Any = None
        self.conversation: Any = None
        self.examples: list[str] = []
        try:
            from bot import Bot, Conversation

            self.bot = Bot(db_path, readonly=True)
            self.conversation = Conversation()
        except Exception:
            log.exception("cannot open the knowledge base")
        if self.bot is not None:
            try:
                self.examples = list(self.bot.examples())[:8]
            except Exception:
                self.examples = []

    # -- layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="welcome", id="pages"):
            with Vertical(id="welcome"):
                yield Static(WELCOME_TITLE, id="welcome-title")
                if self.bot is None:
                    yield Static(UNAVAILABLE, id="welcome-hint", classes="-error")
                else:
                    yield Static(WELCOME_HINT, id="welcome-hint")
                yield ListView(*[ExampleItem(q) for q in self.examples], id="examples")
            with VerticalScroll(id="answer-page"):
                yield Static("", id="asked")
                with Horizontal(id="figure-row"):
                    yield Digits("", id="figure")
                    yield Static("", id="figure-unit")
                yield Static("", id="answer")
                yield Static("", id="source")
                yield Static("", id="suggestions-label")
                yield Grid(id="suggestions")
                yield Button("返回首页", id="home", classes="home")
        with Horizontal(id="ask-row"):
            yield Static("提问", id="ask-label")
            yield Input(
                placeholder="在这里输入您的问题，按 Enter 提问",
                id="question",
                max_length=self.max_length,
            )
        yield Static(HINT, id="hint")

    def on_mount(self) -> None:
        self.query_one("#question", Input).focus()
        period = max(0.1, min(1.0, self.idle_timeout / 5))
        self.set_interval(period, self._check_idle, name="idle")

    # -- the escapes that must not work ----------------------------------------------------------
    def action_noop(self) -> None:
        self._touch()

    async def action_quit(self) -> None:  # Ctrl+Q anywhere, or an "app.quit" action
        return None

    def action_help_quit(self) -> None:
        return None

    def action_suspend_process(self) -> None:
        return None

    def action_command_palette(self) -> None:
        return None

    def action_toggle_dark(self) -> None:
        return None

    def _handle_exception(self, error: Exception) -> None:
        """An unhandled error ends the app without printing anything; run_kiosk restarts it."""
        log.error("kiosk error", exc_info=error)
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    # -- maintainer exit -------------------------------------------------------------------------
    def action_maintainer(self) -> None:
        if not self.pin_hash or isinstance(self.screen, PinScreen):
            return
        self.push_screen(PinScreen(), self._pin_result)

    def _pin_result(self, ok: bool | None) -> None:
        if ok:
            self.maintainer_exit = True
            self.exit(result="maintainer")
        else:
            self.query_one("#question", Input).focus()

    def pin_locked(self) -> bool:
        return self._pin_failures.locked()

    def check_pin(self, pin: str) -> bool:
        ok = verify_pin(pin, self.pin_hash)
        if not ok:
            self._pin_failures.fail()
        return ok

    # -- idle --------------------------------------------------------------------------------------
    def _touch(self) -> None:
        self._last_activity = time.monotonic()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(
            event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp, events.Paste)
        ):
            self._touch()
        await super().on_event(event)

    async def _check_idle(self) -> None:
        if self._pristine or time.monotonic() - self._last_activity < self.idle_timeout:
            return
        try:
            await self.reset()
        except Exception:
            log.exception("idle reset failed")

    async def reset(self) -> None:
        """Back to the welcome screen; the conversation, answers and typed text are forgotten."""
        self._generation += 1
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if self.conversation is not None:
            try:
                self.conversation.reset()
            except Exception:
                from bot import Conversation

                self.conversation = Conversation()
        self.history.clear()
        self._clear_answer()
        await self.query_one("#suggestions").remove_children()
        self.query_one("#question", Input).value = ""
        self.query_one("#pages", ContentSwitcher).current = "welcome"
        examples = self.query_one("#examples", ListView)
        if self.examples:
            examples.index = 0
        self.query_one("#question", Input).focus()
        self._pristine = True
        self._touch()

    def _clear_answer(self) -> None:
        for wid in ("#asked", "#figure-unit", "#answer", "#source", "#suggestions-label"):
            self.query_one(wid, Static).update("")
        self.query_one("#figure", Digits).update("")
        self.query_one("#figure-row").display = False

    # -- navigation ----------------------------------------------------------------------------------
    def action_home(self) -> None:
        self.query_one("#pages", ContentSwitcher).current = "welcome"
        self.query_one("#question", Input).focus()

    def action_examples(self) -> None:
        pages = self.query_one("#pages", ContentSwitcher)
        if pages.current == "welcome" and self.examples and isinstance(self.focused, Input):
            self.query_one("#examples", ListView).focus()
        elif pages.current == "answer-page" and isinstance(self.focused, Input):
            self.screen.focus_next()

    def on_key(self, event: events.Key) -> None:
        """Typing while the list or a button has focus goes to the input line."""
        if event.is_printable and event.character and not isinstance(self.focused, Input):
            inp = self.query_one("#question", Input)
            inp.focus()
            inp.insert_text_at_cursor(event.character)
            event.stop()

    @on(Input.Changed, "#question")
    def _typing(self, event: Input.Changed) -> None:
        if event.value:
            self._pristine = False

    # -- asking --------------------------------------------------------------------------------------
    @on(Input.Submitted, "#question")
    def _submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        event.input.value = ""
        if question:
            self.ask_later(question)

    @on(ListView.Selected, "#examples")
    def _example(self, event: ListView.Selected) -> None:
        item = event.item
        if isinstance(item, ExampleItem):
            self.ask_later(item.question)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if isinstance(event.button, KioskButton):
            self.ask_later(event.button.question)
        elif event.button.id == "home":
            self.action_home()

    def ask_later(self, question: str) -> Any:
        """Ask in a Textual worker: keys, clicks and the idle timer keep working meanwhile."""
        self._pristine = False
        return self.run_worker(self.ask(question), group="ask")

    async def ask(self, question: str) -> Any:
        """Ask and show the answer; never raises. Returns the Answer (None when the bot failed).

        The bot runs in a thread worker, one question at a time; an answer that arrives after an
        idle reset is dropped (the person who asked has gone).
        """
        self._pristine = False
        question = _clean_question(question)[: self.max_length]
        answer = None
        async with self._asking:
            generation = self._generation
            try:
                if self.bot is None:
                    raise RuntimeError("no knowledge base")
                self.query_one("#hint", Static).update("正在查找，请稍候…")
                worker = self.run_worker(
                    partial(self.bot.ask, question, self.conversation),
                    thread=True,
                    group="bot",
                    exit_on_error=False,
                )
                answer = await worker.wait()
            except Exception:
                log.exception("bot failed")
            finally:
                self.query_one("#hint", Static).update(HINT)
            if generation != self._generation:
                return answer
            await self._show_answer(question, answer)
        return answer

    async def _show_answer(self, question: str, answer: Any) -> None:
        try:
            status = answer.status if answer is not None else "error"
            if status in ("no_answer", "clarify", "error"):
                log_unanswered(self.log_path, question, status)
            if answer is not None:
                self.history.append(answer)
            await self._show(question, answer)
        except Exception:
            log.exception("cannot show the answer")
            self._show_sorry(question)

    async def _show(self, question: str, answer: Any) -> None:
        self._clear_answer()
        self.query_one("#asked", Static).update(Text("您问：" + question))
        suggestions = self.query_one("#suggestions", Grid)
        await suggestions.remove_children()
        if answer is None:
            self._show_sorry(question)
            return
        if answer.status == "answered" and answer.value is not None:
            self.query_one("#figure", Digits).update(format_value(answer.value))
            self.query_one("#figure-unit", Static).update(answer.unit or "")
            self.query_one("#figure-row").display = True
        self.query_one("#answer", Static).update(answer_text(answer.text, answer.value))
        self.query_one("#answer").set_class(answer.status != "answered", "-unanswered")
        source = Text()
        for i, c in enumerate(answer.citations[:3]):
            if i:
                source.append("\n")
            lines = citation_lines(c)
            source.append("出处：", style="bold")
            source.append("\n".join(lines))
        self.query_one("#source", Static).update(source)
        buttons = list(answer.suggestions)
        if answer.status == "no_answer" and not buttons:
            buttons = self.examples[:4]
        if buttons:
            label = "您是想问：" if answer.status == "clarify" else "您可以试试："
            self.query_one("#suggestions-label", Static).update(label)
            await suggestions.mount_all([KioskButton(q) for q in buttons[:6]])
        self.query_one("#pages", ContentSwitcher).current = "answer-page"
        self.query_one("#answer-page", VerticalScroll).scroll_home(animate=False)
        self.query_one("#question", Input).focus()

    def _show_sorry(self, question: str) -> None:
        self._clear_answer()
        self.query_one("#asked", Static).update(Text("您问：" + question))
        self.query_one("#answer", Static).update(SORRY if self.bot is not None else UNAVAILABLE)
        self.query_one("#answer").set_class(True, "-unanswered")
        self.query_one("#pages", ContentSwitcher).current = "answer-page"
        self.query_one("#question", Input).focus()
