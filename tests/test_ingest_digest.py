"""Ingest made faster must store exactly what it stored before: every row of every table.

Why: issue #13's ingest speed work (executemany, one transaction per batch, memoised normalising,
patterns compiled once) touches every write; a changed id, a dropped cell or a re-segmented sentence
would change an answer's figure or citation without any single-figure test noticing. The digests
below were taken from the tree before that work (main at 262a319) by ingesting the bundled
reference report and the four page-text JSON reports of ../shared/corpus into a fresh knowledge base.
A digest covers each table's rows, every column, in a stable order (ids included, so the rows still
point at the same parents); paths are written relative to the repository / the shared folder so the
digest does not depend on where the checkout lives. The full-text indexes are external-content FTS5
tables over ``sentences``: their own integrity check proves they index exactly the stored rows.

If a change is *meant* to alter what is stored (a reader fix, a new column), re-take the digests
with ``python tests/test_ingest_digest.py /tmp/kb.db`` and say why in the commit.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
FTS = ("sentences_fts", "sentences_search")

EXPECTED = {
    "catalog_aliases": (19, "967085d6fc7646512eeb"),
    "catalog_regions": (2, "463bdbe517f136fd1198"),
    "catalog_words": (305, "57ed59469cfcfdcdbe77"),
    "cells": (5025, "7f70ebb88883a16ec91f"),
    "facts": (2200, "58aad9f10fdb6e34b16e"),
    "findings": (64, "18c1d14aea10769e149e"),
    "narrative_figures": (890, "bad3848871dcb1b1bf1c"),
    "performance_indicators": (12, "850d49ed974060b31566"),
    "performance_projects": (1, "932591cbab1fdbc650ac"),
    "report_tables": (46, "4a69948929c10b7a393c"),
    "reports": (5, "5661a218040d55011172"),
    "sections": (152, "7dc5b15ac3541d2c8948"),
    "sentences": (1005, "2d0755a802e0c25cc069"),
    "stated_facts": (209, "8698dd60c98b030d90cb"),
    "table_rows": (1490, "995bac778561d7aca198"),
    "terms": (60, "2bacaacd8124df796327"),
    "unplaced_lines": (4, "d03e15e8df2a7b4fd361"),
    "user_version": (4, ""),
}


def _files() -> list[str]:
    from knowledge.ingest import BUNDLED_REPORT

    return [str(BUNDLED_REPORT)] + [str(f) for f in sorted(CORPUS.glob("*.pages.json"))]


def _plain(value):
    if isinstance(value, str):
        return value.replace(str(ROOT), "<repo>").replace(str(SHARED), "<shared>")
    return value


def digests(db) -> dict[str, tuple[int, str]]:
    """Per table (FTS shadow tables aside): row count and a SHA-256 of its rows in column order."""
    out = {}
    names = [
        n
        for (n,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
    ]
    for name in names:
        if name.startswith(FTS):
            continue
        cols = [r[1] for r in db.execute(f'PRAGMA table_xinfo("{name}")').fetchall()]
        order = ", ".join(str(i) for i in range(1, len(cols) + 1))
        h = hashlib.sha256(repr(cols).encode())
        count = 0
        for row in db.execute(f'SELECT * FROM "{name}" ORDER BY {order}'):
            h.update(repr(tuple(_plain(v) for v in row)).encode())
            count += 1
        out[name] = (count, h.hexdigest()[:20])
    out["user_version"] = (db.execute("PRAGMA user_version").fetchone()[0], "")
    return out


def _build(path: Path):
    from knowledge.ingest import ingest
    from knowledge.store import open_db

    db = open_db(path)
    outcomes = ingest(db, _files())
    assert [o.status for o in outcomes] == ["ingested"] * len(outcomes)
    return db


def _fresh_digests(path: Path) -> dict:
    """Built in a fresh process: the shared tokenizer gains words when a Bot opens (bot/tokens.py),
    so an ingest in a test session that opened one before could segment sentences differently."""
    out = subprocess.run(
        [sys.executable, __file__, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_ingest_stores_exactly_what_it_stored_before(tmp_path):
    got = _fresh_digests(tmp_path / "kb.db")
    assert {k: tuple(v) for k, v in got.items()} == EXPECTED


def _main(path: Path) -> None:
    db = _build(path)
    for fts in FTS:
        # an external-content index that disagrees with ``sentences`` fails this check
        db.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
    print(json.dumps(digests(db)))
    db.close()


if __name__ == "__main__":  # the digests of the current tree (JSON); paste them into EXPECTED to re-take
    sys.path.insert(0, str(ROOT))
    _main(Path(sys.argv[1]))
