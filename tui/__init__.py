"""Terminal front ends of disclosure-bot: the desktop TUI, the citizen-help kiosk, and serving
the kiosk in a browser with textual-serve. See docs/tui.md.

    python -m tui                      # desktop TUI
    python -m tui kiosk --db kb.db     # kiosk (read-only knowledge base)
    python -m tui serve --port 8000    # kiosk in the browser
"""

from __future__ import annotations

import os
import shlex
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import DisclosureApp
    from .kiosk import KioskApp

__all__ = ["DisclosureApp", "KioskApp", "kiosk_command", "run_kiosk", "run_tui", "serve"]


def __getattr__(name: str) -> Any:
    # Textual is imported only when an app is used (keeps `import tui` cheap for the CLI).
    if name == "DisclosureApp":
        from .app import DisclosureApp

        return DisclosureApp
    if name == "KioskApp":
        from .kiosk import KioskApp

        return KioskApp
    raise AttributeError(name)


def run_tui(db_path: str | os.PathLike | None = None) -> None:
    """Run the desktop TUI until the user quits."""
    from .app import DisclosureApp

    DisclosureApp(db_path).run()


def run_kiosk(
    db_path: str | os.PathLike | None = None,
    idle_timeout: float = 120,
    pin_hash: str | None = None,
    log_path: str | os.PathLike | None = None,
    restart: bool = True,
) -> None:
    """Run the kiosk until a maintainer leaves with the PIN.

    Signals that could stop it from the keyboard are ignored, ``TEXTUAL_ALLOW_SIGNALS`` is
    cleared so Ctrl+C/Ctrl+Z/Ctrl+\\ arrive as keys (which the kiosk swallows), and if the app
    ever ends for another reason (an unexpected error) it is started again after a second.
    """
    from .kiosk import KioskApp

    os.environ.pop("TEXTUAL_ALLOW_SIGNALS", None)
    for name in ("SIGINT", "SIGQUIT", "SIGTSTP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                signal.signal(sig, signal.SIG_IGN)
            except (OSError, ValueError):
                pass
    while True:
        app = KioskApp(db_path, idle_timeout=idle_timeout, pin_hash=pin_hash, log_path=log_path)
        try:
            app.run()
        except Exception:
            pass
        # Under textual-serve the browser session ends the process ("quit" from the web driver):
        # restarting then would leave an orphan, so only a terminal kiosk restarts.
        web = "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")
        if app.maintainer_exit or not restart or web:
            return
        time.sleep(1)


def kiosk_command(
    db_path: str | os.PathLike | None = None,
    idle_timeout: float = 120,
    log_path: str | os.PathLike | None = None,
    python: str | None = None,
) -> str:
    """The shell command textual-serve runs for each browser session: the kiosk, by module."""
    parts = [python or sys.executable, "-m", "cli", "kiosk", "--idle-timeout", str(idle_timeout)]
    if db_path:
        parts += ["--db", str(Path(db_path).resolve())]
    if log_path:
        parts += ["--log", str(Path(log_path).resolve())]
    # exec: the shell textual-serve starts becomes the kiosk, so stopping it stops the kiosk
    return "exec " + shlex.join(parts)


def serve(
    host: str = "localhost",
    port: int = 8000,
    db_path: str | os.PathLike | None = None,
    idle_timeout: float = 120,
    log_path: str | os.PathLike | None = None,
    public_url: str | None = None,
    title: str = "部门预算决算公开 自助问答",
) -> None:
    """Serve the kiosk to browsers with textual-serve (one kiosk process per browser tab; see
    :mod:`tui.serving` for the size bounds, process reaping and the page without external fonts).

    The PIN hash reaches the kiosk processes through ``DISCLOSURE_BOT_KIOSK_PIN_HASH`` in the
    environment, never on the command line.
    """
    from .serving import KioskServer

    # textual-serve runs the command from the current directory; make `-m tui` importable.
    root = str(Path(__file__).resolve().parent.parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    command = kiosk_command(db_path, idle_timeout, log_path)
    KioskServer(command, host=host, port=port, title=title, public_url=public_url).serve()
