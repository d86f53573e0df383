"""Helpers for the web tests: a knowledge base of several reports, and the app served on a real port."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

from tests.conftest import REFERENCE, SHARED

CORPUS = SHARED / "corpus"
SECRET = b"test-secret-for-the-web-tests-0123456789"


def build_several(path: Path) -> Path:
    """The reference report plus the corpus's page-text JSON reports (about a second; no PDF parsing)."""
    from knowledge.ingest import ingest
    from knowledge.store import open_db

    files = [REFERENCE, *sorted(CORPUS.glob("*.pages.json"))]
    db = open_db(path)
    outcomes = ingest(db, [str(f) for f in files])
    db.close()
    assert all(o.status == "ingested" for o in outcomes), [(o.path, o.status, o.message) for o in outcomes]
    assert len(outcomes) >= 3
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app on uvicorn in a thread on 127.0.0.1, as ``disclosure-bot web`` serves it."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
