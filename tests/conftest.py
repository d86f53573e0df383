"""Shared fixtures: the reference report parsed once, and a knowledge base built from it once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "knowledge" / "data" / "guiyang-12345-hotline-2024-final.md"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def reference_report():
    from knowledge.markdown import parse_markdown

    return parse_markdown(REFERENCE.read_text(encoding="utf-8"), str(REFERENCE))


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    from knowledge.ingest import ingest_file
    from knowledge.store import open_db

    path = tmp_path_factory.mktemp("kb") / "reference.db"
    db = open_db(path)
    outcome = ingest_file(db, str(REFERENCE))
    assert outcome.status == "ingested", outcome
    db.close()
    return path


@pytest.fixture
def kb(built_db, tmp_path) -> Path:
    """A private copy of the reference knowledge base that a test may change."""
    path = tmp_path / "kb.db"
    shutil.copy(built_db, path)
    return path


@pytest.fixture(scope="session")
def bot(built_db):
    from bot import Bot

    return Bot(built_db)
