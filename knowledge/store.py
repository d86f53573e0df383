"""Write parsed reports into SQLite and read them back.

The schema is documented in ``docs/schema.md``; names are chosen to read well in Datasette.
Amounts are stored as decimal strings (``"672.13"``), never floats, so sums stay exact.

Ingest is atomic: the report is parsed completely before anything is written, and all writes run
in one transaction (``Database.atomic``), so a failure leaves the file as it was. It is idempotent:
a report whose text (sha256) is already stored is skipped, and a new version of the same
department/year/kind replaces the old one.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a writer needs it: a bot reads through knowledge.sqlitedb
    import sqlite_utils

from . import catalog, facts, stated
from .model import ParsedReport
from .segment import segmented

SCHEMA_VERSION = 4  # 2: facts, catalog tables, cells.amount, FTS declared for Datasette; 3: stated_facts;
# 4: stated facts in the cross-report index (facts.source = 'text')

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY, department TEXT NOT NULL, region TEXT, year INTEGER NOT NULL,
    kind TEXT NOT NULL, scope TEXT, title TEXT, source_path TEXT, source_format TEXT,
    sha256 TEXT UNIQUE, tables_count INTEGER, rows_count INTEGER, unplaced_count INTEGER,
    level TEXT, published TEXT, url TEXT
);
CREATE TABLE IF NOT EXISTS report_tables (
    id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id), code TEXT,
    title TEXT, label TEXT, unit TEXT, layout TEXT, columns TEXT, notes TEXT, empty INTEGER,
    empty_reason TEXT, heading_path TEXT, line INTEGER, page INTEGER, file TEXT
);
CREATE TABLE IF NOT EXISTS table_rows (
    id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id),
    table_id INTEGER NOT NULL REFERENCES report_tables(id), position INTEGER, code TEXT, name TEXT,
    level TEXT, parent_code TEXT, grp TEXT, row_no INTEGER, is_total INTEGER, raw TEXT,
    line INTEGER, page INTEGER
);
CREATE TABLE IF NOT EXISTS cells (
    id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id),
    table_id INTEGER NOT NULL REFERENCES report_tables(id),
    row_id INTEGER NOT NULL REFERENCES table_rows(id), column_name TEXT, value TEXT, raw TEXT,
    unit TEXT, amount INTEGER
);
CREATE TABLE IF NOT EXISTS sections (
    id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id), path TEXT,
    heading TEXT, level INTEGER, text TEXT, line INTEGER, page INTEGER, file TEXT
);
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id),
    section_id INTEGER REFERENCES sections(id), position INTEGER, text TEXT, tokens TEXT,
    line INTEGER, page INTEGER, search_text TEXT GENERATED ALWAYS AS (SEARCH_TEXT_SQL) VIRTUAL
);
CREATE TABLE IF NOT EXISTS terms (
    id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id), term TEXT,
    definition TEXT, line INTEGER, page INTEGER
);
CREATE TABLE IF NOT EXISTS narrative_figures (
    id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id),
    sentence_id INTEGER REFERENCES sentences(id), section_path TEXT, context TEXT, value TEXT,
    unit TEXT, raw TEXT, sentence TEXT, kind TEXT, line INTEGER, page INTEGER
);
CREATE TABLE IF NOT EXISTS performance_projects (
    id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id), project TEXT,
    unit TEXT, department TEXT, funds TEXT, conclusion TEXT, total_score TEXT, line INTEGER,
    page INTEGER
);
CREATE TABLE IF NOT EXISTS performance_indicators (
    id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id),
    project_id INTEGER REFERENCES performance_projects(id), level1 TEXT, level2 TEXT, name TEXT,
    target TEXT, actual TEXT, weight TEXT, score TEXT, deviation TEXT, line INTEGER, page INTEGER
);
CREATE TABLE IF NOT EXISTS findings (
    id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id), check_name TEXT,
    severity TEXT, message TEXT, expected TEXT, found TEXT, difference TEXT, unit TEXT,
    citations TEXT
);
CREATE TABLE IF NOT EXISTS unplaced_lines (
    id INTEGER PRIMARY KEY, report_id INTEGER NOT NULL REFERENCES reports(id), text TEXT,
    reason TEXT, line INTEGER, page INTEGER
);
CREATE INDEX IF NOT EXISTS idx_rows_report ON table_rows(report_id, name);
CREATE INDEX IF NOT EXISTS idx_rows_code ON table_rows(report_id, code);
CREATE INDEX IF NOT EXISTS idx_cells_row ON cells(row_id);
CREATE INDEX IF NOT EXISTS idx_cells_report ON cells(report_id);
CREATE INDEX IF NOT EXISTS idx_tables_report ON report_tables(report_id);
CREATE INDEX IF NOT EXISTS idx_sentences_report ON sentences(report_id);
CREATE INDEX IF NOT EXISTS idx_figures_report ON narrative_figures(report_id);
CREATE INDEX IF NOT EXISTS idx_terms_report ON terms(report_id);
CREATE INDEX IF NOT EXISTS idx_findings_report ON findings(report_id);
CREATE INDEX IF NOT EXISTS idx_reports_identity ON reports(department, year, kind);
-- a citation names its report by title (bot/answer.py cite_sources): one lookup, not a scan of every report
CREATE INDEX IF NOT EXISTS idx_reports_title ON reports(title);
CREATE INDEX IF NOT EXISTS idx_sections_report ON sections(report_id, line);
CREATE INDEX IF NOT EXISTS idx_indicators_report ON performance_indicators(report_id);
CREATE INDEX IF NOT EXISTS idx_projects_report ON performance_projects(report_id);
CREATE INDEX IF NOT EXISTS idx_rows_name_code ON table_rows(name, code);
CREATE INDEX IF NOT EXISTS idx_unplaced_report ON unplaced_lines(report_id);
"""

# The sentence as searched: without quotation marks and spaces, so 三公经费 finds “三公”经费 and
# 2025年 finds "2025 年" of a PDF. A virtual generated column: computed when read, not stored.
SEARCH_TEXT_SQL = "text"
for _ch in ("“", "”", '"', "‘", "’", "「", "」", "『", "』", " ", "\u3000"):
    SEARCH_TEXT_SQL = f"replace({SEARCH_TEXT_SQL}, '{_ch}', '')"
SCHEMA = SCHEMA.replace("SEARCH_TEXT_SQL", SEARCH_TEXT_SQL)

# Double quotes: Datasette recognises an FTS table of ``sentences`` only by content="sentences".
# ``sentences_search`` (trigram over the text) comes first so Datasette's search box uses it: it
# finds any run of 3+ characters (三公经费 in 三公经费支出) whatever jieba made of the sentence;
# the bot keeps querying the segmented ``sentences_fts``.
FTS = """
CREATE VIRTUAL TABLE IF NOT EXISTS sentences_search USING fts5(
    search_text, content="sentences", content_rowid="id", tokenize="trigram"
);
CREATE VIRTUAL TABLE IF NOT EXISTS sentences_fts USING fts5(
    tokens, content="sentences", content_rowid="id"
);
"""

_CHILD_TABLES = (
    "cells",
    "table_rows",
    "report_tables",
    "sentences",
    "sections",
    "terms",
    "narrative_figures",
    "performance_indicators",
    "performance_projects",
    "findings",
    "unplaced_lines",
    "facts",
    "catalog_aliases",
    "stated_facts",
)


def _dec(v: Decimal | None) -> str | None:
    return None if v is None else str(v)


def _no_plugins() -> None:
    """The knowledge base uses no sqlite-utils plugins; looking for them scans every installed
    package's entry points through importlib.metadata (~15 ms of each cold ``ask``)."""
    from sqlite_utils import plugins

    plugins._plugins_loaded = True


def open_db(path: str | Path, readonly: bool = False, light: bool = False) -> sqlite_utils.Database:
    """Open (and create, unless read-only) a knowledge base.

    A read-only open recovers from a *hot journal* — the rollback journal an ingest leaves when it
    is killed mid-write, which a read-only connection cannot roll back ("attempt to write a
    readonly database"): see :func:`_open_readonly`.
    """
    import sqlite3

    if light:  # a reader (the bot): no sqlite-utils import on a cold start
        from .sqlitedb import Database

        wrap = Database
    else:
        import sqlite_utils

        _no_plugins()
        wrap = sqlite_utils.Database
    if readonly:
        return wrap(_open_readonly(Path(path)))  # type: ignore[return-value]

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    # one Bot may answer from a worker thread; Bot serialises its own use with a lock
    db = wrap(sqlite3.connect(str(path), check_same_thread=False))
    ensure_schema(db)  # type: ignore[arg-type]
    return db


def _connect_ro(path: Path):
    import sqlite3

    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False)
    conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # takes the read lock: meets a hot journal
    return conn


def _open_readonly(path: Path):
    """A read-only connection, after rolling back what a killed ingest left half-written.

    Why: SQLite rolls a hot journal back on the next read, but only a connection that may write
    can; a kiosk that opens the knowledge base read-only would show "暂时无法使用" until someone
    opened it read-write. So on that one error: if the file is writable, one read-write
    connection reads once (which rolls the journal back, restoring the last committed state) and
    closes; if it is not, the file and its journal are copied to a private temp folder and rolled
    back there, and the bot reads that copy. Either way the reader sees exactly the last committed
    knowledge base, never the half-written pages.
    """
    import sqlite3

    try:
        return _connect_ro(path)
    except sqlite3.OperationalError as e:
        journal = Path(str(path) + "-journal")
        if not journal.exists():
            raise
        first = e
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        rw = sqlite3.connect(str(path))
        try:
            rw.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        finally:
            rw.close()
        return _connect_ro(path)
    tmp = Path(tempfile.mkdtemp(prefix="disclosure-bot-ro-"))
    atexit.register(shutil.rmtree, tmp, True)
    copy = tmp / path.name
    shutil.copyfile(path, copy)
    shutil.copyfile(journal, Path(str(copy) + "-journal"))
    rw = sqlite3.connect(str(copy))
    try:
        rw.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        rw.close()
        raise first from None
    rw.close()
    return _connect_ro(copy)


def data_version(db: sqlite_utils.Database) -> int:
    """SQLite's ``PRAGMA data_version`` for this connection: it changes when another connection
    (another process's ingest) commits. Costs one pragma, so a long-lived Bot can poll it between
    questions and reload its catalog only when it moved. It does not see the file being *replaced*
    (a new file moved over the path): pair it with :func:`file_identity`."""
    return int(db.execute("PRAGMA data_version").fetchone()[0])


def file_identity(path: str | Path) -> tuple[int, int, int, int] | None:
    """(device, inode, size, mtime in ns) of the knowledge-base file, or None when it is gone:
    changes when the file is replaced or written, which ``data_version`` on an open connection to
    the old file cannot notice."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create what is missing; every statement is IF NOT EXISTS, so older files gain new indexes."""
    existing = {r[0] for r in db.execute("SELECT name FROM sqlite_master").fetchall()}
    if "reports" in existing:
        _migrate_report_columns(db)
    statements = [s for s in (SCHEMA + FTS).split(";") if s.strip()]

    def name_of(stmt: str) -> str:
        m = re.search(r"IF NOT EXISTS\s+(\w+)", stmt)
        return m.group(1) if m else ""

    statements += [s for s in (facts.SCHEMA + catalog.SCHEMA + stated.SCHEMA).split(";") if s.strip()]
    _add_file_columns(db, existing)
    if all(name_of(s) in existing for s in statements):
        if db.execute("PRAGMA user_version").fetchone()[0] < 4:  # version 3: index its stated facts once
            with db.atomic():
                for (rid,) in db.execute("SELECT id FROM reports").fetchall():
                    facts.write_stated(db, rid)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return
    migrate = "reports" in existing and "facts" not in existing
    restate = "reports" in existing and "stated_facts" not in existing  # version 2: read them once
    # a catalog from before catalog_regions: its regions counted once from the reports' rows
    regions = "reports" in existing and not migrate and "catalog_regions" not in existing
    with db.atomic():
        if migrate:
            _migrate_index(db, existing)
        for stmt in statements:
            if name_of(stmt) not in existing:
                db.execute(stmt)
        if migrate:
            db.execute("INSERT INTO sentences_search (sentences_search) VALUES ('rebuild')")
            db.execute("INSERT INTO sentences_fts (sentences_fts) VALUES ('rebuild')")
            facts.rebuild(db)
            catalog.rebuild(db)
        if restate:
            stated.rebuild(db)
        if regions:
            catalog.rebuild_regions(db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _add_file_columns(db: sqlite_utils.Database, existing: set[str]) -> None:
    """A knowledge base from before bundles: its tables and sections gain the (empty) ``file``
    that names which of a report's files (tables .xlsx, 说明 .docx) each was read from."""
    for table in ("report_tables", "sections"):
        if table in existing and "file" not in {r[1] for r in db.execute(f"PRAGMA table_info({table})")}:
            db.execute(f"ALTER TABLE {table} ADD COLUMN file TEXT")


# columns added to ``reports`` after the first schema: a report's level of government (乡镇 / 区 …)
# and a web page's publication date and address
REPORT_COLUMNS = ("level", "published", "url")


def _migrate_report_columns(db: sqlite_utils.Database) -> None:
    """Once, for a knowledge base built before these columns: add them (empty for old reports)."""
    cols = {r[1] for r in db.execute("PRAGMA table_info(reports)").fetchall()}
    missing = [c for c in REPORT_COLUMNS if c not in cols]
    if missing:
        with db.atomic():
            for c in missing:
                db.execute(f"ALTER TABLE reports ADD COLUMN {c} TEXT")


def _migrate_index(db: sqlite_utils.Database, existing: set[str]) -> None:
    """Once, for a knowledge base built before the cross-report index (no ``facts`` table): numeric
    ``cells.amount`` (in SQL: at most 2 decimals and below 10^13 is exact through REAL), and the
    segmented full-text index dropped so it is declared again with double quotes (Datasette only
    sees content="sentences"), after the trigram index. The caller then creates and fills them,
    the facts and the catalog from the stored rows."""
    cols = {r[1] for r in db.execute("PRAGMA table_info(cells)").fetchall()}
    if "amount" not in cols:
        db.execute("ALTER TABLE cells ADD COLUMN amount INTEGER")
        db.execute(
            "UPDATE cells SET amount = CAST(ROUND(CAST(value AS REAL) * 100) AS INTEGER)"
            " WHERE value IS NOT NULL AND value != '' AND value NOT LIKE '%.___%'"
            " AND ABS(CAST(value AS REAL)) < 1e13"
        )
    if "search_text" not in {r[1] for r in db.execute("PRAGMA table_xinfo(sentences)").fetchall()}:
        db.execute(
            f"ALTER TABLE sentences ADD COLUMN search_text TEXT GENERATED ALWAYS AS ({SEARCH_TEXT_SQL}) VIRTUAL"
        )
    if "sentences_fts" in existing:
        db.execute("DROP TABLE sentences_fts")
        existing.discard("sentences_fts")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class IngestResult:
    report_id: int
    status: str  # ingested / skipped / replaced
    department: str
    year: int
    kind: str
    tables: int
    rows: int
    unplaced: int
    findings: int = 0


def find_report(db: sqlite_utils.Database, sha: str) -> int | None:
    row = db.execute("SELECT id FROM reports WHERE sha256 = ?", [sha]).fetchone()
    return row[0] if row else None


def delete_report(db: sqlite_utils.Database, report_id: int) -> None:
    catalog.remove_report(db, report_id)
    db.execute(
        "DELETE FROM sentences_search WHERE rowid IN (SELECT id FROM sentences WHERE report_id = ?)",
        [report_id],
    )
    db.execute(
        "DELETE FROM sentences_fts WHERE rowid IN (SELECT id FROM sentences WHERE report_id = ?)",
        [report_id],
    )
    for t in _CHILD_TABLES:
        db.execute(f"DELETE FROM {t} WHERE report_id = ?", [report_id])
    db.execute("DELETE FROM reports WHERE id = ?", [report_id])


def store_report(
    db: sqlite_utils.Database,
    report: ParsedReport,
    findings: list | None = None,
    tokens: dict[str, str] | None = None,
) -> IngestResult:
    """Write one parsed report in a single transaction. ``tokens`` (sentence → segmented text)
    comes from a worker process that already segmented the sentences."""
    m = report.meta
    existing = find_report(db, m.sha256) if m.sha256 else None
    n_rows = sum(len(t.rows) for t in report.tables)
    if existing is not None:
        return IngestResult(
            existing,
            "skipped",
            m.department,
            m.year,
            m.kind,
            len(report.tables),
            n_rows,
            len(report.unplaced),
        )
    status = "ingested"
    with db.atomic():
        old = db.execute(
            "SELECT id FROM reports WHERE department = ? AND year = ? AND kind = ? AND COALESCE(scope,'') = ?",
            [m.department, m.year, m.kind, m.scope or ""],
        ).fetchall()
        for (old_id,) in old:
            delete_report(db, old_id)
            status = "replaced"
        cur = db.execute(
            "INSERT INTO reports (department, region, year, kind, scope, title, source_path, source_format,"
            " sha256, tables_count, rows_count, unplaced_count, level, published, url)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                m.department,
                m.region,
                m.year,
                m.kind,
                m.scope,
                m.title,
                m.source_path,
                m.source_format,
                m.sha256,
                len(report.tables),
                n_rows,
                len(report.unplaced),
                m.level,
                m.published,
                m.url,
            ],
        )
        rid = cur.lastrowid
        ids = _write_tables(db, rid, report)
        sentence_ids = _write_narrative(db, rid, report, tokens)
        stated.write(db, rid, report, sentence_ids)
        _write_performance(db, rid, report)
        facts.write(db, rid, report, ids)
        catalog.add_report(db, rid, m.department, m.region, catalog.report_words(report))
        db.conn.executemany(
            "INSERT INTO unplaced_lines (report_id, text, reason, line, page) VALUES (?,?,?,?,?)",
            [(rid, u.text, u.reason, u.source.line, u.source.page) for u in report.unplaced],
        )
        if findings:
            write_findings(db, rid, findings)
    return IngestResult(
        rid,
        status,
        m.department,
        m.year,
        m.kind,
        len(report.tables),
        n_rows,
        len(report.unplaced),
        len(findings or []),
    )


def _write_tables(db: sqlite_utils.Database, rid: int, report: ParsedReport) -> list[tuple[int, list[int]]]:
    """Returns (table id, [row ids]) per table, for the facts that cite them."""
    ids: list[tuple[int, list[int]]] = []
    (next_row,) = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM table_rows").fetchone()
    rows: list[tuple] = []
    cells: list[tuple] = []
    for t in report.tables:
        cur = db.execute(
            "INSERT INTO report_tables (report_id, code, title, label, unit, layout, columns, notes, empty,"
            " empty_reason, heading_path, line, page, file) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                rid,
                t.code,
                t.title,
                t.label,
                t.unit,
                t.layout,
                json.dumps(t.columns, ensure_ascii=False),
                json.dumps(t.notes, ensure_ascii=False),
                int(t.empty),
                t.empty_reason,
                " > ".join(t.heading_path),
                t.source.line,
                t.source.page,
                t.source.file,
            ],
        )
        tid = cur.lastrowid
        ids.append((tid, []))
        for pos, row in enumerate(t.rows):
            row_id = next_row
            next_row += 1
            ids[-1][1].append(row_id)
            rows.append(
                (
                    row_id,
                    rid,
                    tid,
                    pos,
                    row.code,
                    row.name,
                    row.level,
                    row.parent_code,
                    row.group,
                    row.row_no,
                    int(row.is_total),
                    row.raw,
                    row.source.line,
                    row.source.page,
                )
            )
            cells += [
                (rid, tid, row_id, c.column, _dec(c.value), c.raw, t.unit, facts.cell_amount(c.value))
                for c in row.cells
            ]
    # one statement for all rows and one for all cells (a statement per row was half of an ingest's
    # SQLite time); inside the report's transaction the ids are exactly the ones SQLite would assign
    db.conn.executemany(
        "INSERT INTO table_rows (id, report_id, table_id, position, code, name, level, parent_code, grp,"
        " row_no, is_total, raw, line, page) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    db.conn.executemany(
        "INSERT INTO cells (report_id, table_id, row_id, column_name, value, raw, unit, amount)"
        " VALUES (?,?,?,?,?,?,?,?)",
        cells,
    )
    return ids


def _write_narrative(
    db: sqlite_utils.Database, rid: int, report: ParsedReport, tokens_of: dict[str, str] | None = None
) -> dict[tuple[int, str], int]:
    """Sections, sentences, terms and narrative figures; returns (line, sentence) → sentence id."""
    sentence_ids: dict[tuple[int, str], int] = {}
    (next_id,) = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM sentences").fetchone()
    sentences: list[tuple] = []
    for s in report.sections:
        cur = db.execute(
            "INSERT INTO sections (report_id, path, heading, level, text, line, page, file)"
            " VALUES (?,?,?,?,?,?,?,?)",
            [
                rid,
                " > ".join(s.path),
                s.heading,
                s.level,
                s.text,
                s.source.line,
                s.source.page,
                s.source.file,
            ],
        )
        sid = cur.lastrowid
        for pos, sent in enumerate(s.sentences):
            tokens = tokens_of.get(sent.text) if tokens_of else None
            if tokens is None:
                tokens = segmented(sent.text)
            sentences.append((next_id, rid, sid, pos, sent.text, tokens, sent.source.line, sent.source.page))
            sentence_ids.setdefault((sent.source.line, sent.text), next_id)
            next_id += 1
    db.conn.executemany(  # ids as SQLite would assign them, inside the report's transaction
        "INSERT INTO sentences (id, report_id, section_id, position, text, tokens, line, page)"
        " VALUES (?,?,?,?,?,?,?,?)",
        sentences,
    )
    db.conn.executemany(
        "INSERT INTO sentences_fts (rowid, tokens) VALUES (?, ?)", [(x[0], x[5]) for x in sentences]
    )
    db.execute(
        "INSERT INTO sentences_search (rowid, search_text) SELECT id, search_text FROM sentences WHERE report_id = ?",
        [rid],
    )
    db.conn.executemany(
        "INSERT INTO terms (report_id, term, definition, line, page) VALUES (?,?,?,?,?)",
        [(rid, t.term, t.definition, t.source.line, t.source.page) for t in report.terms],
    )
    db.conn.executemany(
        "INSERT INTO narrative_figures (report_id, sentence_id, section_path, context, value, unit, raw,"
        " sentence, kind, line, page) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                rid,
                sentence_ids.get((f.source.line, f.sentence)),
                " > ".join(f.section_path),
                f.context,
                _dec(f.value),
                f.unit,
                f.raw,
                f.sentence,
                f.kind,
                f.source.line,
                f.source.page,
            )
            for f in report.figures
        ],
    )
    return sentence_ids


def _write_performance(db: sqlite_utils.Database, rid: int, report: ParsedReport) -> None:
    for p in report.performance:
        cur = db.execute(
            "INSERT INTO performance_projects (report_id, project, unit, department, funds, conclusion,"
            " total_score, line, page) VALUES (?,?,?,?,?,?,?,?,?)",
            [
                rid,
                p.project,
                p.unit,
                p.department,
                json.dumps({k: _dec(v) for k, v in p.funds.items()}, ensure_ascii=False),
                p.conclusion,
                _dec(p.total_score),
                p.source.line,
                p.source.page,
            ],
        )
        pid = cur.lastrowid
        db.conn.executemany(
            "INSERT INTO performance_indicators (report_id, project_id, level1, level2, name, target, actual,"
            " weight, score, deviation, line, page) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    rid,
                    pid,
                    i.level1,
                    i.level2,
                    i.name,
                    i.target,
                    i.actual,
                    _dec(i.weight),
                    _dec(i.score),
                    i.deviation,
                    i.source.line,
                    i.source.page,
                )
                for i in p.indicators
            ],
        )


def write_findings(db: sqlite_utils.Database, rid: int, findings: list) -> None:
    db.execute("DELETE FROM findings WHERE report_id = ?", [rid])
    db.conn.executemany(
        "INSERT INTO findings (report_id, check_name, severity, message, expected, found, difference, unit,"
        " citations) VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (
                rid,
                f.check,
                f.severity,
                f.message,
                _dec(f.expected),
                _dec(f.found),
                _dec(f.difference),
                f.unit,
                json.dumps([c.as_dict() for c in f.citations], ensure_ascii=False),
            )
            for f in findings
        ],
    )


def list_reports(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query("SELECT * FROM reports ORDER BY department, year, kind"))
