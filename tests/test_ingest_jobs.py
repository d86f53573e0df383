"""ingest(..., jobs=2): parsing in worker processes gives the same knowledge base as one process."""

from __future__ import annotations

from knowledge.ingest import ingest
from knowledge.store import open_db
from tests.conftest import REFERENCE, SHARED


def _dump(path):
    db = open_db(path, readonly=True)
    out = {
        t: db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
        for t in ("reports", "report_tables", "table_rows", "cells", "sentences", "facts", "findings")
    }
    out["words"] = db.execute("SELECT * FROM catalog_words ORDER BY kind, word, code").fetchall()
    db.close()
    return out


def test_jobs_give_the_same_knowledge_base(tmp_path):
    files = [*sorted((SHARED / "corpus").glob("*.pages.json"))[:2], REFERENCE, tmp_path / "bad.md"]
    (tmp_path / "bad.md").write_text("# 随便写的笔记\n\n今天去买菜。\n", encoding="utf-8")
    results = {}
    for jobs in (1, 2):
        path = tmp_path / f"kb{jobs}.db"
        outcomes = ingest(open_db(path), files, jobs=jobs)
        results[jobs] = ([(o.path, o.status, o.message, o.report_id) for o in outcomes], _dump(path))
    assert results[1] == results[2]
    statuses = [s for _, s, _, _ in results[1][0]]
    assert statuses[-1] == "failed" and statuses[:-1] == ["ingested"] * (len(files) - 1)
