"""An ingest killed mid-write (SIGKILL, a real subprocess) never costs the readers their answers.

The kiosk opens the knowledge base read-only; a killed ingest leaves a hot rollback journal that a
read-only connection cannot roll back by itself. After the kill, a read-only open must see the last
committed knowledge base and answer from it, and the file must pass SQLite's integrity check.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from knowledge import store
from tests.conftest import REFERENCE, ROOT

CHILD = r"""
import sys
from knowledge.ingest import ingest_file
from knowledge.store import open_db
db = open_db(sys.argv[1])
db.execute("PRAGMA cache_size = 20")  # spill dirty pages to the file early, as a big ingest does
print("start", flush=True)
o = ingest_file(db, sys.argv[2], replace=True)
print("finished", o.status, flush=True)
"""


def _big_report(tmp_path: Path) -> Path:
    """The reference report with its narrative repeated: the same report, a long write."""
    text = REFERENCE.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("# 第一部分"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("## 第二部分"))
    narrative = lines[start + 1 : end]
    extra = []
    for k in range(1500):
        extra += [f"#### （{k}）补充说明"] + [ln + f"第{k}遍。" if ln.strip() else ln for ln in narrative]
    big = tmp_path / "big.md"
    big.write_text("\n".join(lines[:end] + extra + lines[end:]) + "\n", encoding="utf-8")
    return big


def _kill_mid_write(kb: Path, big: Path) -> None:
    journal = Path(str(kb) + "-journal")
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(kb), str(big)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "start"
        deadline = time.monotonic() + 60
        while not journal.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.005)
        time.sleep(0.3)  # well inside the write: pages are being spilled to the file
        assert proc.poll() is None, "the ingest finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert journal.exists() and journal.stat().st_size > 0, "no hot journal left behind"


def _answer_and_integrity(conn_db) -> None:
    (ok,) = conn_db.execute("PRAGMA integrity_check").fetchone()
    assert ok == "ok"
    (n,) = conn_db.execute("SELECT COUNT(*) FROM reports").fetchone()
    assert n == 1
    (value,) = conn_db.execute(
        "SELECT c.value FROM cells c JOIN table_rows r ON r.id = c.row_id JOIN report_tables t ON t.id = r.table_id"
        " WHERE t.code = '公开07表' AND r.code = '30201'"
    ).fetchone()
    assert value == "9.37"


def test_killed_ingest_then_readonly_open_answers(kb, tmp_path):
    big = _big_report(tmp_path)
    _kill_mid_write(kb, big)
    db = store.open_db(kb, readonly=True)
    _answer_and_integrity(db)
    db.close()

    from bot import Bot

    bot = Bot(kb, readonly=True)
    a = bot.ask("办公费花了多少")
    assert a.status == "answered" and str(a.value) == "9.37"


def test_killed_ingest_unwritable_file_reads_a_rolled_back_copy(kb, tmp_path, monkeypatch):
    """A kiosk user who may not write the file still reads the last committed state (from a copy)."""
    big = _big_report(tmp_path)
    _kill_mid_write(kb, big)
    before = kb.read_bytes()
    real_access = os.access
    monkeypatch.setattr(
        store.os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode)
    )
    db = store.open_db(kb, readonly=True)
    _answer_and_integrity(db)
    db.close()
    assert kb.read_bytes() == before, "a read-only open wrote to the knowledge base"


def test_data_version_moves_when_another_connection_commits(kb, tmp_path):
    reader = store.open_db(kb, readonly=True)
    v0 = store.data_version(reader)
    ident0 = store.file_identity(kb)
    assert store.data_version(reader) == v0  # nothing changed: cheap to poll, stable
    writer = store.open_db(kb)
    writer.execute("UPDATE reports SET title = title || '（新版）'")
    writer.conn.commit()
    writer.close()
    assert store.data_version(reader) != v0
    replacement = tmp_path / "new.db"
    replacement.write_bytes(kb.read_bytes())
    os.replace(replacement, kb)
    assert store.file_identity(kb) != ident0
    assert store.file_identity(tmp_path / "gone.db") is None


@pytest.mark.slow
def test_repeated_kills_never_corrupt(kb, tmp_path):
    big = _big_report(tmp_path)
    for _ in range(5):
        _kill_mid_write(kb, big)
        db = store.open_db(kb, readonly=True)
        _answer_and_integrity(db)
        db.close()
