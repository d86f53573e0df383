"""What the kiosk keeps on disk, bounded and shared between the processes ``serve`` starts.

* The unanswered-question log rotates by size: when ``log`` would grow past ``max_bytes`` it
  becomes ``log.1`` (``log.1`` becomes ``log.2`` …, the oldest beyond ``backups`` is dropped), so
  the log and its backups never hold more than ``(backups + 1) × max_bytes``. Reading streams
  the files line by line (lines longer than :data:`MAX_LINE` are skipped), so memory is bounded
  by the distinct questions, which the size bound bounds in turn.
* The PIN lockout is a small JSON file of recent failure times next to the log
  (``<log>.pin-failures``): every kiosk process — every browser tab of ``serve`` — reads and
  writes it under an exclusive ``flock``, so a new tab does not get five fresh tries.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "BACKUPS",
    "MAX_BYTES",
    "MAX_LINE",
    "PinFailures",
    "append_line",
    "log_files",
    "read_lines",
]

MAX_BYTES = 5 * 1024 * 1024  # one log file; about 50 000 questions
BACKUPS = 3
MAX_LINE = 4096  # bytes; a logged question is at most 200 characters


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` (created 0600); a no-op where flock is missing."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _lock_path(log: Path) -> Path:
    return log.with_name(log.name + ".lock")


def _rotate(log: Path, backups: int) -> None:
    for i in range(backups, 0, -1):
        older = log.with_name(f"{log.name}.{i}")
        newer = log.with_name(f"{log.name}.{i - 1}") if i > 1 else log
        if newer.exists():
            os.replace(newer, older)


def append_line(
    log: str | os.PathLike, line: str, max_bytes: int = MAX_BYTES, backups: int = BACKUPS
) -> None:
    """Append one line (rotating first if it would pass ``max_bytes``), under the shared lock."""
    path = Path(log)
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    with file_lock(_lock_path(path)):
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size and size + len(data) > max_bytes:
            _rotate(path, backups)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "ab") as f:
            f.write(data)


def log_files(log: str | os.PathLike, backups: int = BACKUPS) -> list[Path]:
    """The log's files that exist, oldest first."""
    path = Path(log)
    files = [path.with_name(f"{path.name}.{i}") for i in range(backups, 0, -1)] + [path]
    return [f for f in files if f.is_file()]


def read_lines(log: str | os.PathLike, backups: int = BACKUPS) -> Iterator[str]:
    """Every line of the log and its backups, oldest first, streamed; over-long lines skipped."""
    for f in log_files(log, backups):
        try:
            with open(f, "rb") as fh:
                skipping = False
                while True:
                    raw = fh.readline(MAX_LINE + 1)
                    if not raw:
                        break
                    complete = raw.endswith(b"\n")
                    if skipping or (len(raw) > MAX_LINE and not complete):
                        skipping = not complete  # skip up to the end of the over-long line
                        continue
                    yield raw.decode("utf-8", "replace").rstrip("\n")
        except OSError:
            continue


class PinFailures:
    """Recent wrong PINs, shared through a file by every kiosk process; in memory if it cannot be written."""

    def __init__(self, path: str | os.PathLike | None, window: float, limit: int) -> None:
        self.path = Path(path) if path else None
        self.window = window
        self.limit = limit
        self._memory: list[float] = []

    def _read(self) -> list[float]:
        assert self.path is not None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8")[:65536] or "[]")
            return [float(t) for t in data if isinstance(t, (int, float))][-1000:]
        except (OSError, ValueError, TypeError):
            return []

    def _recent(self, times: list[float]) -> list[float]:
        now = time.time()
        return [t for t in times if 0 <= now - t < self.window]

    def _update(self, add: bool) -> list[float]:
        if self.path is not None:
            try:
                with file_lock(self.path.with_name(self.path.name + ".lock")):
                    times = self._recent(self._read()) + ([time.time()] if add else [])
                    if add:
                        tmp = self.path.with_name(self.path.name + ".tmp")
                        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                        with os.fdopen(fd, "w", encoding="utf-8") as f:
                            json.dump(times[-self.limit * 4 :], f)
                        os.replace(tmp, self.path)
                    return times
            except OSError:
                pass
        self._memory = self._recent(self._memory) + ([time.time()] if add else [])
        return self._memory

    def locked(self) -> bool:
        return len(self._update(add=False)) >= self.limit

    def fail(self) -> None:
        self._update(add=True)
