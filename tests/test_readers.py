"""The reader registry: formats chosen by content, refused formats named with what to do."""

from __future__ import annotations

from pathlib import Path

from knowledge.ingest import expand, ingest
from knowledge.readers import OLE, reader_for
from knowledge.store import open_db

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reports"


def test_reader_chosen_by_content_not_name(tmp_path: Path) -> None:
    src = next(REFERENCE.glob("*.md"))
    renamed = tmp_path / "report.dat"
    renamed.write_bytes(src.read_bytes())
    assert reader_for(renamed.read_bytes()[:8192], str(renamed)).name == "markdown"
    assert reader_for(b"%PDF-1.7\n", "x.txt").name == "pdf"
    assert reader_for(b'  {"page_texts": []}', "x.txt").name == "json"


def test_old_word_and_archives_are_refused_by_name_and_nothing_is_written(tmp_path: Path) -> None:
    doc = tmp_path / "说明.doc"
    doc.write_bytes(OLE + b"\x00" * 600)
    wps = tmp_path / "说明.wps"
    wps.write_bytes(OLE + b"\x00" * 600)
    rar = tmp_path / "附件.rar"
    rar.write_bytes(b"Rar!\x1a\x07\x01\x00" + b"\x00" * 100)
    assert set(expand([tmp_path])) == {str(doc), str(wps), str(rar)}  # a folder of them is not "no report"
    kb = tmp_path / "kb.db"
    db = open_db(kb)
    db.close()
    before = kb.read_bytes()
    db = open_db(kb)
    outcomes = ingest(db, [tmp_path])
    db.close()
    by = {Path(o.path).name: o for o in outcomes}
    assert by["说明.doc"].status == "failed" and ".docx" in by["说明.doc"].message
    assert by["说明.wps"].status == "failed" and "WPS" in by["说明.wps"].message
    assert by["附件.rar"].status == "failed" and "解压" in by["附件.rar"].message
    assert kb.read_bytes() == before
