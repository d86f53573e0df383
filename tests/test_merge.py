"""knowledge/merge.py: knowledge bases built separately merge into one, atomically, and refuse
conflicting duplicates."""

from __future__ import annotations

import hashlib

import pytest

from knowledge import catalog, facts
from knowledge.ingest import ingest
from knowledge.merge import MergeError, merge
from knowledge.store import open_db
from tests.conftest import REFERENCE, SHARED

CORPUS = sorted((SHARED / "corpus").glob("*.pages.json"))


def _build(path, files):
    db = open_db(path)
    assert all(o.status == "ingested" for o in ingest(db, files))
    db.close()
    return path


def _content(path):
    db = open_db(path, readonly=True)
    out = {
        "reports": sorted(db.execute("SELECT department, year, kind, sha256 FROM reports").fetchall()),
        "facts": sorted(
            db.execute(
                "SELECT r.sha256, f.subject, f.code, f.measure, f.value, f.first, t.label, tr.name"
                " FROM facts f JOIN reports r ON r.id = f.report_id"
                " JOIN report_tables t ON t.id = f.table_id JOIN table_rows tr ON tr.id = f.row_id"
            ).fetchall()
        ),
        "cells": sorted(
            db.execute(
                "SELECT r.sha256, tr.name, c.column_name, c.value, c.amount FROM cells c"
                " JOIN reports r ON r.id = c.report_id JOIN table_rows tr ON tr.id = c.row_id"
            ).fetchall(),
            key=repr,
        ),
        "sentences": sorted(
            db.execute(
                "SELECT r.sha256, s.text, sec.heading FROM sentences s JOIN reports r ON r.id = s.report_id"
                " JOIN sections sec ON sec.id = s.section_id"
            ).fetchall()
        ),
        "words": sorted(db.execute("SELECT kind, word, code, reports FROM catalog_words").fetchall()),
        "search": db.execute(
            "SELECT COUNT(*) FROM sentences_search WHERE sentences_search MATCH ?", ['"三公经费"']
        ).fetchone(),
        "fts": db.execute(
            "SELECT COUNT(*) FROM sentences_fts WHERE sentences_fts MATCH ?", ['"采购"']
        ).fetchone(),
    }
    db.close()
    return out


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    if len(CORPUS) < 4:
        pytest.skip("corpus not available")
    d = tmp_path_factory.mktemp("merge")
    a = _build(d / "a.db", [*CORPUS[:2], REFERENCE])
    b = _build(d / "b.db", [*CORPUS[2:], REFERENCE])  # the reference report in both: the same file
    whole = _build(d / "whole.db", [*CORPUS, REFERENCE])
    return a, b, whole


def test_merged_equals_built_at_once(parts, tmp_path):
    a, b, whole = parts
    res = merge([a, b], tmp_path / "all.db")
    assert (res.reports, res.copied, res.duplicates) == (5, 5, 1)
    assert _content(tmp_path / "all.db") == _content(whole)
    db = open_db(tmp_path / "all.db", readonly=True)
    ranked = facts.rank(db, "三公经费", "决算数", year=2025)
    assert [str(f.value) for f in ranked] == ["37.35", "19.86", "16.95", "3.04"]
    aliases = catalog.load(db).department_aliases
    assert len(aliases["石泉路街道"]) == 1


def test_conflicting_duplicate_is_refused_and_nothing_written(parts, tmp_path):
    a, _, _ = parts
    changed = tmp_path / "ref.md"
    changed.write_text(REFERENCE.read_text(encoding="utf-8").replace("672.13", "672.14", 1), encoding="utf-8")
    c = _build(tmp_path / "c.db", [changed])
    before = hashlib.sha256(a.read_bytes()).hexdigest()
    with pytest.raises(MergeError) as e:
        merge([a, c], tmp_path / "out.db")
    assert "冲突" in str(e.value) and "贵阳市12345政务服务便民热线事务中心 2024年决算" in str(e.value)
    assert str(a) in str(e.value) and str(c) in str(e.value)
    assert not (tmp_path / "out.db").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.db")] == []
    assert hashlib.sha256(a.read_bytes()).hexdigest() == before  # inputs are only read


def test_bad_inputs_and_existing_output(parts, tmp_path):
    a, b, _ = parts
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(MergeError, match="不是知识库文件"):
        merge([a, tmp_path / "notes.txt"], tmp_path / "x.db")
    with pytest.raises(MergeError, match="知识库不存在"):
        merge([a, tmp_path / "missing.db"], tmp_path / "x.db")
    (tmp_path / "x.db").write_bytes(b"keep me")
    with pytest.raises(MergeError, match="输出文件已存在"):
        merge([a, b], tmp_path / "x.db")
    assert (tmp_path / "x.db").read_bytes() == b"keep me"


def test_cli_merge(parts, tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    a, b, _ = parts
    out = tmp_path / "all.db"
    run = [sys.executable, "-m", "cli", "merge", str(a), str(b), "-o", str(out)]
    r = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "5 份报告" in r.stdout, r.stderr
    r = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "输出文件已存在" in r.stderr and "Traceback" not in r.stderr
