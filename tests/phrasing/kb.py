"""Knowledge bases to generate over: the reference report, and the reference plus the corpus —
built the way tests/conftest.py and tests/test_bot_corpus.py build them (knowledge.ingest)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "knowledge" / "data" / "guiyang-12345-hotline-2024-final.md"
CORPUS = ROOT.parent / "shared" / "corpus"
PINGTAN = ROOT.parent / "shared" / "pingtan"


def build(path: Path, sources: list[Path]) -> Path:
    """Ingest ``sources`` into a new knowledge base at ``path``; every source must ingest."""
    from knowledge.ingest import ingest
    from knowledge.store import open_db

    db = open_db(path)
    try:
        outcomes = ingest(db, sources)
    finally:
        db.close()
    failed = [(o.path, o.message) for o in outcomes if o.status == "failed"]
    if failed:
        raise RuntimeError(f"ingest failed: {failed}")
    return path


def corpus_sources(json_only: bool = False) -> list[Path]:
    """The corpus reports: all of them, or only the page-text JSON files (fast, no PDF)."""
    if json_only:
        return sorted(CORPUS.glob("*.pages.json"))
    return [CORPUS]


def pingtan_sources() -> list[Path]:
    """The 平潭 portal pages beside the reference and the corpus's JSON reports, as
    tests/test_bot_pingtan.py loads them (other regions' names in one knowledge base)."""
    return [REFERENCE, *corpus_sources(json_only=True), PINGTAN]


def pingtan_reports(index) -> frozenset[int]:
    """The reports of an index that came from the 平潭 pages."""
    return frozenset(r.id for r in index.reports.values() if Path(r.source).parent == PINGTAN)
