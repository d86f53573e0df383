"""The cited table or section as a reader sees it: what ``Bot.source(citation)`` returns.

A table comes back with 科目编码 and 科目名称 as its first two columns, then one column per
amount; ``highlight_row``/``highlight_column`` index into ``rows``/``columns``. A section comes
back as its sentences with the quoted one marked. The TUI's source pane and any other front end
draw from this shape, so they never query SQLite themselves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rules import default_rules

__all__ = ["Source", "TableSource", "source_for"]


@dataclass
class TableSource:
    kind: str  # table / section
    title: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    highlight_row: int | None = None
    highlight_column: int | None = None
    sentences: list[str] = field(default_factory=list)
    highlight_sentence: int | None = None


Source = TableSource


def source_for(bot: Any, citation: Any) -> TableSource | None:
    """The cited table or section from the bot's knowledge base; None if it is not there."""
    db = bot.db
    if getattr(citation, "table", None):
        return _table(db, citation)
    if getattr(citation, "section", None):
        return _section(db, citation)
    return None


def _report_id(db: Any, citation: Any) -> int | None:
    rows = list(
        db.query("SELECT id FROM reports WHERE title = ? ORDER BY id DESC LIMIT 1", [citation.report])
    )
    return rows[0]["id"] if rows else None


def _table(db: Any, citation: Any) -> TableSource | None:
    rid = _report_id(db, citation)
    sql = "SELECT * FROM report_tables WHERE label = ?" + (" AND report_id = ?" if rid else "") + " LIMIT 1"
    tables = list(db.query(sql, [citation.table, rid] if rid else [citation.table]))
    if not tables:
        return None
    t = tables[0]
    names = json.loads(t["columns"] or "[]")
    columns = [default_rules().one("subject_code_column"), default_rules().one("subject_name_column"), *names]
    out = TableSource(
        "table",
        t["label"]
        + (default_rules().templates["table_unit"].format(t_unit=t["unit"]) if t.get("unit") else ""),
        columns,
    )
    rows = list(db.query("SELECT * FROM table_rows WHERE table_id = ? ORDER BY position", [t["id"]]))
    cells: dict[int, dict[str, str]] = {}
    for c in db.query("SELECT row_id, column_name, raw FROM cells WHERE table_id = ?", [t["id"]]):
        cells.setdefault(c["row_id"], {})[c["column_name"]] = c["raw"] or ""
    for i, r in enumerate(rows):
        name = f"{r['grp']}：{r['name']}" if r.get("grp") else r["name"]
        by_col = cells.get(r["id"], {})
        values = []
        for col in names:
            v = by_col.get(col)
            if v is None and r.get("grp") and col.startswith(r["grp"] + "·"):
                v = by_col.get(col.split("·", 1)[1])
            values.append(v or "")
        out.rows.append([r["code"] or "", name, *values])
        label = f"{r['code']} {name}" if r.get("code") else name
        if (
            out.highlight_row is None
            and citation.row
            and (citation.row == label or citation.row.endswith(r["name"]))
        ):
            if citation.line is None or r["line"] == citation.line:
                out.highlight_row = i
                grp_col = f"{r['grp']}·{citation.column}" if r.get("grp") else None
                for j, col in enumerate(columns):
                    if col == citation.column or col == grp_col:
                        out.highlight_column = j
                        break
    return out


def _section(db: Any, citation: Any) -> TableSource | None:
    rid = _report_id(db, citation)
    sql = "SELECT * FROM sections WHERE path = ?" + (" AND report_id = ?" if rid else "") + " LIMIT 1"
    sections = list(db.query(sql, [citation.section, rid] if rid else [citation.section]))
    if not sections:
        return None
    s = sections[0]
    out = TableSource("section", s["path"])
    out.sentences = [
        r["text"]
        for r in db.query("SELECT text FROM sentences WHERE section_id = ? ORDER BY position", [s["id"]])
    ]
    quote = (citation.quote or "").replace(" ", "")
    for i, text in enumerate(out.sentences):
        t = text.replace(" ", "")
        if quote and (t == quote or quote in t or t in quote):
            out.highlight_sentence = i
            break
    return out
