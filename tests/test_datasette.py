"""A corpus knowledge base opened through Datasette's own Python API: the search box is on and
finds 三公经费 in “三公”经费, amounts sort by value, the metadata's canned queries run."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from knowledge.ingest import ingest
from knowledge.store import open_db
from tests.conftest import ROOT, SHARED

datasette_app = pytest.importorskip("datasette.app")

CORPUS = sorted((SHARED / "corpus").glob("*.pages.json"))
METADATA = ROOT / "datasette" / "metadata.yaml"


@pytest.fixture(scope="module")
def kb_path(tmp_path_factory) -> Path:
    if not CORPUS:
        pytest.skip("corpus not available")
    path = tmp_path_factory.mktemp("datasette") / "kb.db"  # "kb": the name metadata.yaml describes
    db = open_db(path)
    assert all(o.status == "ingested" for o in ingest(db, CORPUS))
    db.close()
    return path


def _ds(path: Path):
    meta = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    return datasette_app.Datasette([str(path)], metadata=meta)


async def test_search_is_enabled_and_finds_quoted_words(kb_path):
    ds = _ds(kb_path)
    db = ds.get_database("kb")
    assert await db.fts_table("sentences") == "sentences_search"
    # without the metadata too: the declaration alone turns the search box on
    plain = datasette_app.Datasette([str(kb_path)])
    assert await plain.get_database("kb").fts_table("sentences") == "sentences_search"
    page = await ds.client.get("/kb/sentences")
    assert page.status_code == 200 and 'name="_search"' in page.text
    r = await ds.client.get("/kb/sentences.json", params={"_search": "三公经费", "_shape": "array"})
    rows = r.json()
    assert rows and all("三公" in row["text"] and "经费" in row["text"] for row in rows)
    assert any("“三公”经费" in row["text"] for row in rows)


async def test_amounts_sort_numerically(kb_path):
    ds = _ds(kb_path)
    r = await ds.client.get(
        "/kb/cells.json", params={"_sort_desc": "amount", "_shape": "array", "_size": 200}
    )
    rows = [x for x in r.json() if x["amount"] is not None]
    values = [Decimal(x["value"]) for x in rows]
    assert len(values) == 200 and values == sorted(values, reverse=True)
    # as text, "9.74" would sort above "672.13"; as amounts it does not
    r = await ds.client.get(
        "/kb.json",
        params={
            "sql": "SELECT value FROM cells WHERE amount IS NOT NULL ORDER BY amount DESC LIMIT 1",
            "_shape": "array",
        },
    )
    top = Decimal(r.json()[0]["value"])
    assert top == max(values)


async def test_canned_queries_rank_departments(kb_path):
    ds = _ds(kb_path)
    r = await ds.client.get("/kb/sangong_by_department.json", params={"year": "2025", "_shape": "array"})
    assert r.status_code == 200
    rows = r.json()
    assert [x["原文"] for x in rows] == ["37.35万元", "19.86万元", "16.95万元", "3.04万元"]
    r = await ds.client.get(
        "/kb/ranking.json",
        params={"subject": "公务接待费", "measure": "决算数", "year": "2025", "_shape": "array"},
    )
    assert r.status_code == 200 and len(r.json()) == 4
    r = await ds.client.get(
        "/kb/total_by_year.json",
        params={"subject": "三公经费", "measure": "决算数", "year": "2025", "_shape": "array"},
    )
    assert r.json() == [{"报告数": 4, "元": 772000, "分": 0}]
    r = await ds.client.get(
        "/kb/department_by_year.json",
        params={"department": "石泉路", "subject": "三公经费", "_shape": "array"},
    )
    assert {x["原文"] for x in r.json()} >= {"37.35万元", "53.93万元"}


def test_metadata_labels_every_table(kb_path):
    meta = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    tables = meta["databases"]["kb"]["tables"]
    db = open_db(kb_path, readonly=True)
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    shadow = {n for n in names if n.startswith(("sentences_search_", "sentences_fts_"))}
    assert names - shadow <= set(tables), names - shadow - set(tables)
