"""Merge knowledge bases built separately (one per region, on as many machines as needed) into one.

    merge(["shanghai.db", "guiyang.db"], "all.db")

Atomic: everything is written to a temporary file next to ``output`` and renamed over it only when
complete, so a failure (a conflict, a full disk) leaves no output and no partial file. A report that
two inputs both hold is copied once when it is the same file (same sha256); when two inputs hold
different reports for the same department, year, kind and scope, the merge refuses and names both
(which one is right is for a person to decide, never for the merge).

Rows are copied in SQL (``INSERT … SELECT`` from the attached input), ids shifted past those already
in the output and foreign keys (read from the schema, ``PRAGMA foreign_key_list``) shifted with the
table they point to, so tables other developers add with ``report_id`` are merged too. The full-text
indexes and the catalog are rebuilt once at the end; an input built before the cross-report index
gets its facts built from its tables.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from . import catalog, facts
from .store import open_db

# tables rebuilt after the copy, never copied
DERIVED = {"catalog_words", "catalog_aliases"}


class MergeError(ValueError):
    """A merge that cannot be done; the message is for the user (Chinese first)."""


@dataclass(frozen=True)
class MergeResult:
    output: str
    reports: int  # reports in the output
    copied: int  # reports copied from the inputs
    duplicates: int  # identical reports held by more than one input, copied once


def _identity(row) -> tuple:
    return (row[0], row[1], row[2], row[3] or "")


def _label(ident: tuple) -> str:
    dept, year, kind, scope = ident
    return f"{dept} {year}年{kind}" + (f"（{scope}）" if scope else "")


def _tables_with_report_id(con: sqlite3.Connection, schema: str) -> list[str]:
    names = [
        r[0]
        for r in con.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
            " ORDER BY rowid"
        )
    ]
    out = []
    for n in names:
        cols = {r[1] for r in con.execute(f"PRAGMA {schema}.table_info({n})")}
        if "report_id" in cols and n not in DERIVED:
            out.append(n)
    return out


def _order(con: sqlite3.Connection, tables: list[str]) -> list[str]:
    """Tables ordered so that a referenced table is copied (and its offset known) first."""
    deps = {
        t: {r[2] for r in con.execute(f"PRAGMA main.foreign_key_list({t})")} & set(tables) for t in tables
    }
    done: list[str] = []
    while len(done) < len(tables):
        ready = [t for t in tables if t not in done and deps[t] <= set(done) | {t}]
        if not ready:  # a cycle: copy the rest as listed
            ready = [t for t in tables if t not in done]
        done += ready
    return done


def merge(
    inputs: Sequence[str | os.PathLike], output: str | os.PathLike, overwrite: bool = False
) -> MergeResult:
    """Merge ``inputs`` into a new knowledge base ``output``; raises MergeError with a clear message."""
    out = Path(output)
    paths = [Path(p) for p in inputs]
    if not paths:
        raise MergeError("没有要合并的知识库 (no input knowledge bases)")
    for p in paths:
        if not p.is_file():
            raise MergeError(f"知识库不存在 (knowledge base not found): {p}")
        if out.exists() and p.resolve() == out.resolve():
            raise MergeError(f"输出文件不能是输入之一 (the output is one of the inputs): {p}")
        with open(p, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise MergeError(f"不是知识库文件 (not an SQLite knowledge base): {p}")
    if out.exists() and not overwrite:
        raise MergeError(f"输出文件已存在 (output exists; choose another name or remove it): {out}")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".merging", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        result = _merge_into(paths, tmp)
        os.replace(tmp, out)
    except sqlite3.Error as e:
        raise MergeError(f"合并失败 (merge failed): {e}") from None
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
    return MergeResult(str(out), result[0], result[1], result[2])


def _merge_into(paths: list[Path], tmp: Path) -> tuple[int, int, int]:
    open_db(tmp).close()  # the current schema
    con = sqlite3.connect(tmp.as_uri(), uri=True, isolation_level=None)
    con.execute("PRAGMA journal_mode = OFF")  # a temporary file: atomicity comes from the rename
    con.execute("PRAGMA synchronous = OFF")
    con.execute("BEGIN")
    seen: dict[tuple, tuple[str, str, Path]] = {}  # identity → (sha256, source path, input)
    shas: set[str] = set()
    copied = duplicates = 0
    needs_facts: list[int] = []
    for path in paths:
        con.execute("ATTACH DATABASE ? AS src", [path.resolve().as_uri() + "?mode=ro"])
        try:
            src_tables = {
                r[0] for r in con.execute("SELECT name FROM src.sqlite_master WHERE type = 'table'")
            }
            if "reports" not in src_tables:
                raise MergeError(f"不是知识库文件，没有 reports 表 (no reports table): {path}")
            take: list[int] = []
            for rid, dept, year, kind, scope, sha, source in con.execute(
                "SELECT id, department, year, kind, scope, sha256, source_path FROM src.reports ORDER BY id"
            ).fetchall():
                ident = _identity((dept, year, kind, scope))
                if ident in seen:
                    other_sha, other_source, other_path = seen[ident]
                    if sha and sha == other_sha:
                        duplicates += 1
                        continue
                    raise MergeError(
                        f"冲突：{other_path} 和 {path} 都有 {_label(ident)}，但内容不同"
                        f"（{other_source or '?'} 与 {source or '?'}）。请只保留正确的一份后再合并。"
                        f" (conflicting duplicate: both hold a different report for the same department, year and kind)"
                    )
                if sha and sha in shas:  # the same file under another identity (overridden meta)
                    duplicates += 1
                    continue
                seen[ident] = (sha, source, path)
                if sha:
                    shas.add(sha)
                take.append(rid)
            if take:
                needs_facts += _copy(con, take, src_tables)
                copied += len(take)
        finally:
            if con.in_transaction:
                con.execute("COMMIT")
            con.execute("DETACH DATABASE src")
            con.execute("BEGIN")
    con.execute("INSERT INTO sentences_search (sentences_search) VALUES ('rebuild')")
    con.execute("INSERT INTO sentences_fts (sentences_fts) VALUES ('rebuild')")
    con.execute("COMMIT")
    con.close()
    db = sqlite_utils.Database(sqlite3.connect(str(tmp)))
    with db.atomic():
        if needs_facts:
            facts.rebuild(db, needs_facts)
        catalog.rebuild(db)
    (n,) = db.execute("SELECT COUNT(*) FROM reports").fetchone()
    db.close()
    return n, copied, duplicates


def _copy(con: sqlite3.Connection, report_ids: list[int], src_tables: set[str]) -> list[int]:
    """Copy the given reports of ``src`` with every row that carries their report_id; returns the
    new ids of reports whose input had no facts (to be built)."""
    con.execute("DROP TABLE IF EXISTS temp.take")
    con.execute("CREATE TEMP TABLE take (id INTEGER PRIMARY KEY)")
    con.executemany("INSERT INTO temp.take (id) VALUES (?)", [(i,) for i in report_ids])
    tables = ["reports"] + _order(con, [t for t in _tables_with_report_id(con, "main") if t in src_tables])
    offset: dict[str, int] = {}
    for t in tables:
        (m,) = con.execute(f"SELECT COALESCE(MAX(id), 0) FROM main.{t}").fetchone()
        (s,) = con.execute(f"SELECT COALESCE(MIN(id), 1) FROM src.{t}").fetchone()
        offset[t] = m - s + 1 if m >= s else 0
    for t in tables:
        dst_cols = [r[1] for r in con.execute(f"PRAGMA main.table_xinfo({t})") if r[6] == 0]
        src_cols = {r[1] for r in con.execute(f"PRAGMA src.table_xinfo({t})") if r[6] == 0}
        cols = [c for c in dst_cols if c in src_cols]
        fks = {r[3]: r[2] for r in con.execute(f"PRAGMA main.foreign_key_list({t})")}
        exprs = []
        for c in cols:
            if c == "id":
                exprs.append(f"t.id + {offset[t]}")
            elif c in fks and fks[c] in offset:
                exprs.append(f"t.{c} + {offset[fks[c]]}")
            else:
                exprs.append(f"t.{c}")
        key = "t.id" if t == "reports" else "t.report_id"
        con.execute(
            f"INSERT INTO main.{t} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM src.{t} t"
            f" WHERE {key} IN (SELECT id FROM temp.take) ORDER BY t.id"
        )
    # an input built before numeric amounts: fill them as the migration does
    con.execute(
        "UPDATE main.cells SET amount = CAST(ROUND(CAST(value AS REAL) * 100) AS INTEGER)"
        " WHERE amount IS NULL AND id > ? AND value IS NOT NULL AND value != '' AND value NOT LIKE '%.___%'"
        " AND ABS(CAST(value AS REAL)) < 1e13",
        [offset.get("cells", 0)],
    )
    if "facts" in src_tables:
        return []
    return [i + offset["reports"] for i in report_ids]
