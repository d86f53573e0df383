"""Every snippet in README.md is run, in the README's order, and must do what the README says.

* ``bash`` blocks: each command line runs (``disclosure-bot``/``.venv/bin/disclosure-bot`` as
  ``python -m cli``, from the repository root, ``kb.db`` in a temporary folder, the default
  knowledge base in a temporary folder too) and must exit 0. Two kinds of line are not run here,
  each for a stated reason: the set-up line (this suite runs inside that environment) and
  ``bash .ci/run`` (it runs this suite). Interactive front ends run as far as a pipe allows:
  ``chat`` gets one question and ``退出``, ``tui`` must start and show its first screen.
* ``text`` blocks: each ``$ command`` runs and its output must match the lines under it (``…``
  stands for any text).
* ``python`` blocks run in one namespace; a line that is an expression with a comment that looks
  like a value (``# Decimal('1.93')``, ``# 'answered', Decimal('0.00'), '万元'``) must produce
  exactly that value.

A new snippet that none of these rules can run fails the test: keep the README runnable.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import subprocess
import sys
from decimal import Decimal  # noqa: F401  (used by eval of the README's value comments)
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED

README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
NOT_RUN = {
    "python3 -m venv": "the suite runs inside the environment this line sets up",
    "bash .ci/run": "it runs this very suite",
    "chromium --kiosk": "a full-screen kiosk browser needs a display; tests/test_web_browser.py drives Chromium headless",
}
SERVERS = ("api", "web")  # `disclosure-bot api|web` run until stopped: started, checked, then stopped


def blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(README.read_text(encoding="utf-8"))]


def _command(line: str, tmp: Path) -> list[str] | None:
    """The argv for one README shell line (comments dropped, kb.db moved into ``tmp``)."""
    line = re.sub(r"\s+#\s.*$", "", line).strip()
    if not line or line.startswith("#"):
        return None
    args = shlex.split(line)
    args = [str(tmp / a) if a == "kb.db" else a for a in args]
    if args[0] in ("disclosure-bot", ".venv/bin/disclosure-bot"):
        return [sys.executable, "-m", "cli", *args[1:]]
    raise AssertionError(f"README line the test cannot run: {line!r}")


def _run(argv: list[str], env: dict, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def _completion(line: str, env: dict) -> None:
    m = re.search(r"_DISCLOSURE_BOT_COMPLETE=(\w+)", line)
    assert m, line
    r = _run([sys.executable, "-m", "cli"], env | {"_DISCLOSURE_BOT_COMPLETE": m.group(1)})
    assert r.returncode == 0 and "disclosure" in r.stdout.lower() and len(r.stdout) > 100, line


def _joined(text: str) -> list[str]:
    """Shell lines with backslash continuations joined."""
    out: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        out.append(pending + line)
        pending = ""
    return out


class _Server:
    """A README `api`/`web` line: started on a free loopback port, ready once /healthz answers."""

    def __init__(self, argv: list[str], env: dict):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        argv = list(argv)
        for flag, value in (("--port", str(self.port)), ("--host", "127.0.0.1")):
            if flag in argv:
                argv[argv.index(flag) + 1] = value
            else:
                argv += [flag, value]
        self.proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        import time
        import urllib.request

        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise AssertionError(f"README server did not start: {argv}")
            time.sleep(0.2)

    def stop(self) -> None:
        import signal

        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)


def _curl(line: str, server: _Server | None) -> None:
    import shutil

    assert server is not None, f"README curl line with no server started before it: {line!r}"
    if not shutil.which("curl"):
        return  # nothing to run it with; tests/test_api.py asks the same over HTTP
    argv = [a.replace("localhost:8000", f"127.0.0.1:{server.port}") for a in shlex.split(line)]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and '"status"' in r.stdout, (line, r.stdout[-2000:])


def _bash(text: str, tmp: Path, env: dict) -> None:
    server: _Server | None = None
    try:
        for line in _joined(text):
            if not line or line.startswith("#"):
                continue
            if line.startswith("curl "):
                _curl(line, server)
                continue
            ours = line.startswith(("disclosure-bot ", ".venv/bin/disclosure-bot "))
            argv = _command(line, tmp) if ours else None
            sub = (argv[5:6] if argv[3:4] == ["--db"] else argv[3:4]) if argv else []
            if sub and sub[0] in SERVERS:
                if server is not None:
                    server.stop()
                server = _Server(argv, env)
                continue
            _bash_line(line, tmp, env)
    finally:
        if server is not None:
            server.stop()


def _bash_line(line: str, tmp: Path, env: dict) -> None:
    if any(line.startswith(prefix) for prefix in NOT_RUN):
        return
    if "_DISCLOSURE_BOT_COMPLETE=" in line:
        _completion(line, env)
        return
    argv = _command(line, tmp)
    assert argv is not None
    if argv[3:4] == ["chat"]:
        r = _run(argv, env, stdin="办公费花了多少\n退出\n")
        assert r.returncode == 0 and "9.37" in r.stdout, (line, r.stderr)
    elif argv[3:4] == ["tui"]:
        _tui_starts(env)
    else:
        r = _run(argv, env)
        assert r.returncode == 0, (line, r.stdout[-2000:], r.stderr[-2000:])
        assert r.stdout.strip() or r.stderr.strip(), line


def _tui_starts(env: dict) -> None:
    """`disclosure-bot tui` opens the default knowledge base and shows its first screen."""
    code = (
        "import asyncio\n"
        "from tui.app import DisclosureApp\n"
        "from knowledge.paths import ensure_default_db\n"
        "async def main():\n"
        "    app = DisclosureApp(ensure_default_db())\n"
        "    async with app.run_test(size=(100, 30)) as pilot:\n"
        "        await pilot.pause()\n"
        "        print(len(app.reports), app.query_one('#question').placeholder)\n"
        "asyncio.run(main())\n"
    )
    r = _run([sys.executable, "-c", code], env)
    assert r.returncode == 0 and "请输入问题" in r.stdout, r.stderr[-2000:]


def _text(text: str, tmp: Path, env: dict) -> None:
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        assert lines[i].startswith("$ "), (
            f"a text block holds `$ command` lines and their output: {lines[i]!r}"
        )
        argv = _command(lines[i][2:], tmp)
        expected = []
        i += 1
        while i < len(lines) and not lines[i].startswith("$ "):
            expected.append(lines[i])
            i += 1
        r = _run(argv, env)
        assert r.returncode == 0, r.stderr
        for want in expected:
            pieces = [p for p in want.split("…") if p]
            pos = 0
            for p in pieces:  # in order, anything between them
                found = r.stdout.find(p, pos)
                assert found >= 0, f"README says {p!r}; got {r.stdout!r}"
                pos = found + len(p)


def _value_comment(line: str) -> tuple[str, str] | None:
    """(expression, expected repr) for ``expr   # value`` lines whose comment parses as a value."""
    if "#" not in line:
        return None
    code, comment = line.split("#", 1)
    code, comment = code.strip(), comment.strip()
    try:
        tree = ast.parse(comment, mode="eval")
    except SyntaxError:
        return None
    if not all(
        isinstance(n, (ast.Expression, ast.Constant, ast.Tuple, ast.Call, ast.Name, ast.Load))
        for n in ast.walk(tree)
    ):
        return None
    if any(isinstance(n, ast.Name) and n.id != "Decimal" for n in ast.walk(tree)):
        return None  # a comment in words, not a value
    return code, comment


def _python(text: str, tmp: Path, namespace: dict) -> int:
    checked = 0
    source = text.replace('"kb.db"', repr(str(tmp / "kb.db")))
    for line in source.splitlines():
        stmt = line.split("  #", 1)[0].rstrip() if "  #" in line else line
        if not stmt.strip():
            continue
        pair = _value_comment(line)
        if not pair:
            exec(compile(stmt, str(README), "exec"), namespace)  # noqa: S102 - the README's own code
            continue
        code, want = pair
        *before, last = code.split(";")
        for part in before:
            exec(compile(part.strip(), str(README), "exec"), namespace)  # noqa: S102
        got = eval(last.strip(), namespace)  # noqa: S307 - evaluated once, as the README reader would
        assert got == eval(want), f"README: {code} gives {got!r}, it says {want}"
        checked += 1
    return checked


@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/corpus (the README ingests it)")
def test_every_readme_snippet_runs_and_says_what_it_does(tmp_path, monkeypatch):
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR", "COLUMNS")}
    env["DISCLOSURE_BOT_DB"] = str(tmp_path / "default.db")
    env["DISCLOSURE_BOT_KIOSK_LOG"] = str(tmp_path / "unanswered.jsonl")
    monkeypatch.setenv("DISCLOSURE_BOT_DB", env["DISCLOSURE_BOT_DB"])
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    kinds = []
    values = 0
    for lang, text in blocks():
        kinds.append(lang)
        if lang in ("bash", "sh"):
            _bash(text, tmp_path, env)
        elif lang == "text":
            _text(text, tmp_path, env)
        elif lang == "python":
            values += _python(text, tmp_path, namespace)
        else:
            raise AssertionError(f"README block of kind {lang!r}: add a rule to run it")
    assert {"bash", "text", "python"} <= set(kinds)
    assert values >= 2  # the API snippet's stated values were compared
