"""Ingest: idempotent, atomic, and clear about bad input; the CLI never shows a traceback."""

import hashlib
import json
import subprocess
import sys

from knowledge.ingest import ingest_file
from knowledge.store import open_db
from tests.conftest import REFERENCE, ROOT


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_stored_figures_are_exact_decimal_strings(kb):
    db = open_db(kb)
    (value,) = db.execute(
        "SELECT c.value FROM cells c JOIN table_rows r ON r.id = c.row_id JOIN report_tables t ON t.id = r.table_id"
        " WHERE t.code = '公开07表' AND r.code = '30201'"
    ).fetchone()
    assert value == "9.37"
    (n,) = db.execute("SELECT COUNT(*) FROM sentences_fts WHERE sentences_fts MATCH ?", ['"采购"']).fetchone()
    assert n >= 1


def test_ingest_is_idempotent(kb):
    before = _sha(kb)
    db = open_db(kb)
    outcome = ingest_file(db, str(REFERENCE))
    db.close()
    assert outcome.status == "skipped"
    assert _sha(kb) == before


def test_failed_file_leaves_db_byte_for_byte(kb, tmp_path):
    before = _sha(kb)
    bad = tmp_path / "bad.md"
    bad.write_text("# 随便写的笔记\n\n今天去买菜。\n", encoding="utf-8")
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02binary")
    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    db = open_db(kb)
    outcomes = [ingest_file(db, str(p)) for p in (bad, binary, empty, tmp_path / "missing.md")]
    db.close()
    assert [o.status for o in outcomes] == ["failed"] * 4
    assert "不是部门预算/决算公开报告" in outcomes[0].message and outcomes[0].line == 1
    assert "不是文本文件" in outcomes[1].message
    assert "文件为空" in outcomes[2].message
    assert "文件不存在" in outcomes[3].message
    assert _sha(kb) == before


def test_store_failure_rolls_back(kb, monkeypatch):
    """A failure half-way through writing leaves nothing behind."""
    import knowledge.store as store
    from knowledge.ingest import read_report

    report = read_report(REFERENCE)
    report.meta.sha256 = "other-version"
    before = _sha(kb)

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_write_performance", boom)
    db = open_db(kb)
    try:
        store.store_report(db, report)
    except RuntimeError:
        pass
    db.close()
    assert _sha(kb) == before


def _cli(*args, env_db=None):
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_cli_bad_inputs_have_messages_not_tracebacks(kb, tmp_path):
    r = _cli("--db", str(kb), "ingest", str(tmp_path / "nope.md"))
    assert r.returncode != 0 and "文件不存在" in r.stderr and "Traceback" not in r.stderr
    r = _cli("--db", str(kb), "reports", "--json")
    assert (
        r.returncode == 0 and json.loads(r.stdout)[0]["department"] == "贵阳市12345政务服务便民热线事务中心"
    )
    r = _cli("--db", str(kb), "ask")
    assert r.returncode == 2 and "请给出问题" in r.stderr


def test_cli_check_lists_unplaced_lines(kb):
    r = _cli("--db", str(kb), "check", "--json")
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert any("HPT" in u["text"] for u in data[0]["unplaced"])


def test_folder_ingest_ignores_non_reports_and_reports_each_file(tmp_path):
    from knowledge.ingest import ingest

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "README.md").write_text("# 说明\n\n这里放报告。\n", encoding="utf-8")
    (folder / "ref.md").write_text(REFERENCE.read_text(encoding="utf-8"), encoding="utf-8")
    broken = tmp_path / "named.md"
    broken.write_text("随便写的", encoding="utf-8")
    db = open_db(tmp_path / "kb.db")
    seen = []
    outcomes = ingest(db, [folder, broken], progress=lambda path, o: seen.append(path))
    db.close()
    by_name = {o.path.rsplit("/", 1)[-1]: o.status for o in outcomes}
    assert by_name == {"README.md": "ignored", "ref.md": "ingested", "named.md": "failed"}
    assert len(seen) == 3
