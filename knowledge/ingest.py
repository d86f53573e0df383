"""Ingest report files into a knowledge base: detect the format, parse, check, store.

This is the Python API behind ``disclosure-bot ingest``; the CLI only prints what it returns.
One bad file never stops the others: each file's outcome says ingested / skipped / replaced /
failed (with the file, line and reason), and a failed file leaves the knowledge base untouched.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from .limits import check_size
from .model import ParsedReport, ReportError
from .store import store_report

BUNDLED_REPORT = Path(__file__).parent / "data" / "guiyang-12345-hotline-2024-final.md"


@dataclass
class Outcome:
    path: str
    status: str  # ingested / skipped / replaced / failed / ignored (a file in a folder that is no report)
    message: str = ""
    report_id: int | None = None
    department: str | None = None
    year: int | None = None
    kind: str | None = None
    line: int | None = None
    findings: int = 0
    unplaced: int = 0
    format: str | None = None  # the reader that read it (docx, xlsx, pdf, …; xlsx+docx for a bundle)
    region: str | None = None
    source_format: str | None = None  # the reader that read the file (html / pdf / markdown …)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def read_report(path: str | os.PathLike, on_page: Callable[[int, int], None] | None = None) -> ParsedReport:
    """Parse one file, whatever its format (chosen by content, :mod:`knowledge.readers`); raises
    ReportError naming the file and line. ``on_page(done, pages)`` reports progress through pages."""
    from .readers import HEAD_BYTES, reader_for

    p = Path(path)
    name = str(p)
    if not p.exists():
        raise ReportError("文件不存在 (file not found)", name)
    if p.is_dir():
        raise ReportError("这是一个文件夹，不是报告文件 (a folder, not a report file)", name)
    with open(p, "rb") as f:
        head = f.read(HEAD_BYTES)
    check_size(p.stat().st_size, name, pdf=head.startswith(b"%PDF-"))  # before reading it into memory
    if not head.strip():
        data = p.read_bytes()
        if not data.strip():
            raise ReportError("文件为空 (empty file)", name)
    reader = reader_for(head, name)
    data = p.read_bytes()
    report = reader.parse(data, name, on_page)
    report.meta.sha256 = hashlib.sha256(data).hexdigest()
    report.meta.source_path = name
    report.meta.source_format = report.meta.source_format or reader.name
    return report


def read_bundle(paths: Iterable[str | os.PathLike]) -> ParsedReport:
    """One report published as several files (the tables as an .xlsx, the 说明 as a .docx, .html
    or .md), read part by part and joined in the order given; every Source names its file.

    The metadata comes from whichever part prints the title; a part that prints none (a workbook
    of tables) is read under that title. Parts naming different reports are refused, never mixed.
    A part that fails fails the bundle, naming the part."""

    files = [str(Path(p)) for p in paths]
    if len(files) < 1:
        raise ReportError("报告组里没有文件 (a bundle needs at least one file)")
    # parts whose reader can borrow a title (Word, Excel) are read after the others, so each file
    # is read once: with the title of the part that prints one, used only if it prints none itself
    parts: dict[str, ParsedReport] = {}
    untitled: list[str] = []
    for f in sorted(files, key=_read_order):
        known = next(iter(parts.values()), None)  # the first part read prints its own title
        try:
            parts[f] = _read_part(f, _title_of(known.meta) if known else None)
        except ReportError as e:
            if known is not None or NO_TITLE not in e.message or not _borrows_title(f):
                raise
            untitled.append(f)  # read again once a later part has named the report
    if not parts:
        raise ReportError(
            f"{NO_TITLE}：报告组里没有一个文件印有报告标题 (no part names the report)", files[0]
        )
    for f in untitled:
        parts[f] = _read_part(f, _title_of(next(iter(parts.values())).meta))
    reports = [parts[f] for f in files]
    meta = next(iter(parts.values())).meta
    for p in reports:
        if (p.meta.year, p.meta.kind) != (meta.year, meta.kind) or not _same_department(
            p.meta.department, meta.department
        ):
            raise ReportError(
                f"报告组的文件属于不同报告：{meta.department}{meta.year}年{meta.kind} 与 "
                f"{p.meta.department}{p.meta.year}年{p.meta.kind} (the files are parts of different reports)",
                p.meta.source_path,
            )
        if _specificity(p.meta.department) > _specificity(meta.department):
            meta = p.meta  # the part that names the department in full (编制单位 vs a bare 普陀区)
    return _join_parts(files, reports, meta)


def _split_department(name: str) -> tuple[str, str]:
    from .meta import region_of

    region = region_of(name) or ""
    return region, name[len(region) :] if name.startswith(region) else name


def _same_department(a: str, b: str) -> bool:
    """Two parts' department names can be one department: equal, or one leaves out what the
    other says (a region printed in full or not, a 说明 that names only the region), never two
    different names (财政局 and 司法局)."""
    if a == b:
        return True
    (ra, na), (rb, nb) = _split_department(a), _split_department(b)
    regions = ra.startswith(rb) or rb.startswith(ra)
    return regions and (na == nb or not na or not nb)


def _specificity(name: str) -> tuple[int, int]:
    region, proper = _split_department(name)
    return len(proper), len(region)


def _title_of(meta) -> str:
    return f"{meta.department}{meta.year}年度{meta.scope or '部门'}{meta.kind}"


def _read_order(path: str) -> tuple[bool, bool]:
    """Text parts first, then Word, then workbooks: the ones likeliest to print the title first."""
    return _borrows_title(path), path.lower().endswith((".xlsx", ".xlsm", ".xls", ".et"))


def _borrows_title(path: str) -> bool:
    return "title_hint" in _parse_parameters(path)


def _parse_parameters(path: str) -> tuple[str, ...]:
    import inspect

    from .readers import HEAD_BYTES, reader_for

    try:
        with open(path, "rb") as f:
            reader = reader_for(f.read(HEAD_BYTES), path)
    except (OSError, ReportError):
        return ()
    return tuple(inspect.signature(reader.parse).parameters) if reader.parse else ()


NO_TITLE = "不是部门预算/决算公开报告"


def _read_part(path: str, title_hint: str | None) -> ParsedReport:
    """One part; a Word or Excel part that prints no title is read under ``title_hint``."""
    if title_hint is None or not _borrows_title(path):
        try:
            return read_report(path)
        except ReportError as e:
            raise ReportError(f"{path}: {e.message}", path, e.line) from None
    from .readers import reader_for

    check_size(Path(path).stat().st_size, path)
    data = Path(path).read_bytes()
    try:
        report = reader_for(data[:8192], path).parse(data, path, None, title_hint=title_hint)
    except ReportError as e:
        raise ReportError(f"{path}: {e.message}", path, e.line) from None
    report.meta.sha256 = hashlib.sha256(data).hexdigest()
    report.meta.source_path = path
    return report


def _join_parts(files: list[str], parts: list[ParsedReport], meta) -> ParsedReport:
    from dataclasses import replace

    from .assemble import _canonical_names, _declared_empty
    from .docx_reader import each_source

    joined = ParsedReport(meta=replace(meta))
    for f, p in zip(files, parts, strict=True):
        for src in each_source(p):
            src.file = f
        joined.tables += p.tables
        joined.sections += p.sections
        joined.terms += p.terms
        joined.performance += p.performance
        joined.figures += p.figures
        joined.unplaced += p.unplaced
    # what reads across the report: names completed from other tables, empty tables declared so
    # in the 说明 (which is in another file)
    _canonical_names(joined.tables)
    for t in joined.tables:
        if t.empty and not t.empty_reason:
            t.empty_reason = _declared_empty(t, joined)
    joined.meta.sha256 = hashlib.sha256(" ".join(p.meta.sha256 for p in parts).encode()).hexdigest()
    joined.meta.source_path = " + ".join(files)
    joined.meta.source_format = "+".join(p.meta.source_format for p in parts)
    return joined


def run_checks(report: ParsedReport) -> list:
    from .checks import run_checks as _run

    return _run(report)


def expand(paths: Iterable[str | os.PathLike]) -> list[str]:
    """Files named, and report-like files found recursively in folders named, in a stable order."""
    from .readers import report_suffixes

    suffixes = report_suffixes()
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out += sorted(str(f) for f in path.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
        else:
            out.append(str(path))
    return out


def ingest_file(
    db: sqlite_utils.Database,
    path: str,
    department: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    replace: bool = False,
    on_page: Callable[[int, int], None] | None = None,
    region: str | None = None,
) -> Outcome:
    """Read, validate and store one file. Nothing is written unless the whole report passes
    :mod:`knowledge.validate`; ``replace=True`` lets a much smaller new version replace the old."""
    parsed = prepare(path, department, year, kind, on_page=on_page, region=region)
    if isinstance(parsed, Outcome):
        return parsed
    return _store(db, path, parsed, replace)


@dataclass
class Prepared:
    """A report read, validated and checked, ready for the one writer (picklable, so a worker
    process can hand it over); ``tokens`` is each sentence segmented for full-text search."""

    report: ParsedReport
    findings: list
    tokens: dict[str, str] | None = None


def prepare(
    path: str,
    department: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    segment: bool = False,
    on_page: Callable[[int, int], None] | None = None,
    read: Callable[[str, Callable | None], ParsedReport] = read_report,
    region: str | None = None,
) -> Prepared | Outcome:
    """Everything of an ingest that needs no knowledge base: parse, validate, check (and, for a
    worker process, segment the sentences). A failure is returned as a ``failed`` Outcome."""
    from .meta import Overrides, overrides
    from .validate import validate

    given = Overrides(department or None, region or None, int(year) if year else None, kind or None)
    try:
        with overrides(given):  # the operator's words fill in what the report does not say, before any check
            report = read(path, on_page)
    except ReportError as e:
        return Outcome(path, "failed", e.message, line=e.line)
    except RecursionError:
        return Outcome(path, "failed", "结构嵌套过深，无法解析 (nested too deeply)")
    except Exception as e:  # a reader bug must not stop a batch or lose the knowledge base
        return Outcome(path, "failed", f"无法解析 (could not parse): {type(e).__name__}: {e}")
    if department:
        report.meta.department = department
    if region:
        report.meta.region = region
    if year:
        report.meta.year = int(year)
    if kind:
        report.meta.kind = kind
    try:
        validate(report, path, meta=not (department or year))
    except ReportError as e:
        return _failed_report(path, e, report)
    try:
        findings = run_checks(report)
    except Exception:  # checks are advice; a failing check must not block a report
        findings = []
    tokens = None
    if segment:
        from .segment import segmented

        tokens = {s.text: segmented(s.text) for sec in report.sections for s in sec.sentences}
    return Prepared(report, findings, tokens)


def _pages_of(
    path: str, on_page: Callable[[str, int, int], None] | None
) -> Callable[[int, int], None] | None:
    """The per-file page callback for ``on_page(path, done, total)``, or None."""
    if on_page is None:
        return None
    return lambda done, total: on_page(path, done, total)


def _failed_report(path: str, e: ReportError, report: ParsedReport) -> Outcome:
    return Outcome(
        path,
        "failed",
        e.message,
        line=e.line,
        department=report.meta.department,
        year=report.meta.year,
        kind=report.meta.kind,
        region=report.meta.region,
        source_format=report.meta.source_format,
    )


def _store(db: sqlite_utils.Database, path: str, p: Prepared, replace: bool) -> Outcome:
    from .validate import check_replacement

    report = p.report
    try:
        if not replace:
            check_replacement(db, report, path)
    except ReportError as e:
        return _failed_report(path, e, report)
    try:
        res = store_report(db, report, p.findings, tokens=p.tokens)
    except Exception as e:
        return Outcome(path, "failed", f"写入知识库失败 (could not store): {e}")
    return Outcome(
        path,
        res.status,
        report_id=res.report_id,
        department=res.department,
        year=res.year,
        kind=res.kind,
        findings=res.findings,
        unplaced=res.unplaced,
        format=report.meta.source_format or None,
        region=report.meta.region,
        source_format=report.meta.source_format,
    )


def ingest_bundle(
    db: sqlite_utils.Database,
    paths: Iterable[str | os.PathLike],
    department: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    replace: bool = False,
    region: str | None = None,
) -> Outcome:
    """Ingest several files (or the report files of a folder) as the parts of one report
    (:func:`read_bundle`); nothing is written unless the joined report passes."""
    files = expand(paths)
    name = " + ".join(files)
    if not files:
        return Outcome(name, "failed", "报告组里没有文件 (no files in the bundle)")
    parsed = prepare(
        name, department, year, kind, read=lambda _name, _on_page: read_bundle(files), region=region
    )
    if isinstance(parsed, Outcome):
        return parsed
    return _store(db, name, parsed, replace)


def _prepare_job(args: tuple) -> Prepared | Outcome:
    path, department, year, kind, region = args
    return prepare(path, department, year, kind, segment=True, region=region)


def _prepared_in_pool(
    files: list[str], department, year, kind, jobs: int, region=None
) -> Iterator[Prepared | Outcome]:
    """Parse in ``jobs`` worker processes, yielding results in file order. At most 2 × jobs
    results wait for the writer, so memory stays bounded however many files there are."""
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: the parent holds an open SQLite connection and maybe threads
    from .segment import add_words, added_words

    # the workers segment with the same domain words as this process, so the stored search
    # column is the same whichever process segmented it
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=add_words,
        initargs=(added_words(),),
    ) as pool:
        pending: deque = deque()
        todo = iter(files)
        for f in todo:
            pending.append(pool.submit(_prepare_job, (f, department, year, kind, region)))
            if len(pending) >= 2 * jobs:
                break
        while pending:
            fut = pending.popleft()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(_prepare_job, (nxt, department, year, kind, region)))
            yield fut.result()


NOT_A_REPORT = ("不是部门预算/决算公开报告", "JSON 格式错误", "JSON 中没有 page_texts", "不是文本文件")


def ingest(
    db: sqlite_utils.Database,
    paths: Iterable[str | os.PathLike],
    department: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    progress: Callable[[str, Outcome], None] | None = None,
    replace: bool = False,
    on_page: Callable[[str, int, int], None] | None = None,
    jobs: int = 1,
    region: str | None = None,
) -> list[Outcome]:
    """Ingest files and folders. In a folder, files that are not reports at all (a README, an
    annotation file) are ``ignored`` rather than ``failed``; a file named explicitly always counts.

    ``jobs > 1`` parses, checks and segments in that many worker processes while this process
    alone writes, in file order, so the outcome is the same as with one job."""
    paths = list(paths)
    named = {str(Path(p)) for p in paths if not Path(p).is_dir()}
    outcomes = []
    files = expand(paths)
    if jobs > 1 and len(files) > 1:
        results: Iterable[Prepared | Outcome] = _prepared_in_pool(files, department, year, kind, jobs, region)
    else:
        results = (
            prepare(f, department, year, kind, on_page=_pages_of(f, on_page), region=region) for f in files
        )
    batch: list[Outcome] = []
    for f, parsed in zip(files, results, strict=True):
        if isinstance(parsed, Outcome):
            o = parsed  # failed before touching the knowledge base
        else:
            if not db.conn.in_transaction:
                db.execute("BEGIN")
            o = _store(db, f, parsed, replace)  # its own savepoint inside the batch's transaction
            batch.append(o)
            if len(batch) >= COMMIT_EVERY:
                _commit(db, batch)
        if o.status == "failed" and f not in named and o.message.startswith(NOT_A_REPORT):
            o.status = "ignored"
        outcomes.append(o)
        if progress:
            progress(f, o)
    _commit(db, batch)
    return outcomes


# Reports stored in one transaction (each in its own savepoint, so one that fails to store is
# rolled back alone). A commit waits for the disk (fsync): once per report it was 36 of the 63 ms
# a report took to store. A crash loses at most this many reports' ingest, never half of one.
COMMIT_EVERY = 50


def _commit(db: sqlite_utils.Database, batch: list[Outcome]) -> None:
    try:
        if db.conn.in_transaction:
            db.conn.commit()
    except Exception as e:  # a full disk: none of the batch is stored, and each outcome says so
        db.conn.rollback()
        for o in batch:
            if o.status != "failed":
                o.status, o.message = "failed", f"写入知识库失败 (could not store): {e}"
    batch.clear()
