"""Where the default knowledge base lives, and building it from the bundled report on first use."""

from __future__ import annotations

import os
from pathlib import Path


def default_db_path() -> Path:
    env = os.environ.get("DISCLOSURE_BOT_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_dir  # here: a start given --db never imports it (~8 ms)

    return Path(user_data_dir("disclosure-bot", appauthor=False)) / "knowledge.db"


def ensure_default_db(path: str | os.PathLike | None = None) -> Path:
    """The knowledge base at ``path`` (or the default), built from the bundled report if it has none."""
    from .ingest import BUNDLED_REPORT, ingest_file
    from .store import open_db

    p = Path(path) if path else default_db_path()
    if p.exists():
        db = open_db(p)
        has = db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        if has:
            db.close()
            return p
    else:
        db = open_db(p)
    ingest_file(db, str(BUNDLED_REPORT))
    db.close()
    return p
