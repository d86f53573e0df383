"""The registry of report readers: one entry per format, chosen by the file's content.

Why a registry: governments publish the same report as markdown conversions, page-text JSON,
PDFs, portal web pages, Word and Excel files. Each format is one module with a ``parse``
function; this table says how to recognise it from its first bytes (the file name's suffix only
breaks ties the content cannot, e.g. ``.xls`` versus ``.doc``, which share the OLE container).
Adding a format is one module and one ``register`` call; :func:`knowledge.ingest.read_report`
never changes.

Formats that cannot be read (old Word ``.doc``/``.wps``, archives) are registered as refusals:
the error names the file and what to convert it to, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .model import ParsedReport, ReportError

# parse(data, path, on_page) -> ParsedReport; on_page(done, total) reports progress for paged formats
Parse = Callable[[bytes, str, Callable[[int, int], None] | None], ParsedReport]
# sniff(head, suffix) -> bool; head is the file's first HEAD_BYTES bytes, suffix is lower-case (".pdf")
Sniff = Callable[[bytes, str], bool]

HEAD_BYTES = 8192


@dataclass(frozen=True)
class Reader:
    """One format: its name (shown in ``ingest`` output), how to recognise it, how to read it."""

    name: str
    sniff: Sniff
    parse: Parse | None = None  # None: a refusal
    suffixes: tuple[str, ...] = ()  # what a folder scan picks up
    refusal: str = ""  # the message for a refusal (what the file is, what to convert it to)
    priority: int = 50  # lower is tried first; text formats come last
    tags: tuple[str, ...] = field(default_factory=tuple)


_READERS: list[Reader] = []


def register(reader: Reader) -> Reader:
    """Add (or replace, by name) a reader; returns it so a module can keep a reference."""
    global _READERS
    _READERS = sorted([r for r in _READERS if r.name != reader.name] + [reader], key=lambda r: r.priority)
    return reader


def readers() -> tuple[Reader, ...]:
    _load_builtin()
    return tuple(_READERS)


def report_suffixes() -> set[str]:
    """File suffixes a folder scan treats as possible reports (refused formats included, so a
    folder of ``.doc`` files is told why rather than 'no report found')."""
    return {s for r in readers() for s in r.suffixes}


def reader_for(head: bytes, path: str) -> Reader:
    """The reader for a file whose first bytes are ``head``; raises ReportError for a refused
    format or when no reader recognises the content."""
    suffix = _suffix(path)
    for r in readers():
        if r.sniff(head, suffix):
            if r.parse is None:
                raise ReportError(r.refusal, path)
            return r
    raise ReportError("不是文本文件，也不是可识别的文档格式 (a binary file of no known report format)", path)


def _suffix(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def decode_text(data: bytes, path: str) -> str:
    """Text of a text-format file: UTF-8 (with or without BOM) or GB18030, the two encodings
    Chinese portals publish in."""
    if b"\x00" in data[:4096]:
        raise ReportError("不是文本文件，也不是可识别的文档格式 (binary file, not a report)", path)
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ReportError("无法识别的文本编码 (unknown text encoding)", path)


# --- sniffing helpers -----------------------------------------------------------------------

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound-file container of .doc, .xls, .wps
ZIP = b"PK\x03\x04"


def is_text(head: bytes) -> bool:
    return b"\x00" not in head[:4096]


def text_head(head: bytes) -> str:
    """The head decoded leniently (it may end mid-character), without BOM or leading blanks."""
    for enc in ("utf-8", "gb18030"):
        try:
            return head.decode(enc, errors="strict").lstrip("\ufeff \t\r\n")
        except UnicodeDecodeError:
            continue
    return head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")


# --- the formats that were here before the registry -------------------------------------------


def _parse_pdf(data: bytes, path: str, on_page) -> ParsedReport:
    from .pdf import parse_pdf

    return parse_pdf(path, on_page)


def _parse_pages_json(data: bytes, path: str, on_page) -> ParsedReport:
    import json

    from .limits import check_json_depth
    from .pages import parse_pages_json

    text = decode_text(data, path)
    check_json_depth(text, path)
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        raise ReportError(f"JSON 格式错误 (malformed JSON): {e.msg}", path, e.lineno) from None
    return parse_pages_json(text, path)


def _parse_markdown(data: bytes, path: str, on_page) -> ParsedReport:
    from .limits import check_lines
    from .markdown import parse_markdown

    text = decode_text(data, path)
    check_lines(text, path)
    return parse_markdown(text, path)


_builtin_loaded = False


def _load_builtin() -> None:
    """Register the built-in readers once, on first use (so importing this module stays cheap)."""
    global _builtin_loaded
    if _builtin_loaded:
        return
    _builtin_loaded = True
    register(Reader("pdf", lambda h, s: h.startswith(b"%PDF-"), _parse_pdf, (".pdf",), priority=10))
    register(
        Reader(
            "rar",
            lambda h, s: h.startswith(b"Rar!") or h.startswith(b"7z\xbc\xaf\x27\x1c"),
            None,
            (".rar", ".7z"),
            refusal="这是压缩包（RAR/7z），请先解压，再导入其中的报告文件 (an archive: extract it and ingest the files inside)",
            priority=12,
        )
    )
    register(
        Reader(
            "doc",
            lambda h, s: h.startswith(OLE) and s not in (".xls", ".et"),
            None,
            (".doc", ".wps"),
            refusal=(
                "这是旧版 Word/WPS 文档（.doc/.wps），无法直接读取；请另存为 .docx 或 PDF 后再导入 "
                "(old Word/WPS format: save it as .docx or PDF, then ingest that)"
            ),
            priority=20,
        )
    )
    register(
        Reader(
            "json",
            lambda h, s: is_text(h) and text_head(h).startswith("{"),
            _parse_pages_json,
            (".json",),
            priority=80,
        )
    )
    register(
        Reader(
            "markdown", lambda h, s: is_text(h), _parse_markdown, (".md", ".markdown", ".txt"), priority=99
        )
    )
    # each further format is a module that registers its readers when imported
    import importlib

    for module in FORMAT_MODULES:
        importlib.import_module(f"{__package__}.{module}")


# modules that register readers on import (html, docx, xlsx, text readers)
FORMAT_MODULES: tuple[str, ...] = ("html_reader", "text_reader", "docx_reader", "xlsx_reader")
