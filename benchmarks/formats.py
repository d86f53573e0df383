"""Word / Excel ingest time per format against the parsing library's own load of the same files.

    python benchmarks/formats.py [--repeat 5]

The files are written here, as the round-trip tests write them (tests/test_office_readers.py):
the reference report and two corpus reports as .docx, the reference's tables as .xlsx and .xls.
For each: ``knowledge.ingest.read_report`` (or ``read_bundle`` for the tables-only workbooks,
which need the 说明's title) against the floor the library itself needs to hand over the content:

* docx: ``docx.Document(file)`` and the text of every paragraph and table cell;
* xlsx: ``openpyxl.load_workbook(read_only=True, data_only=True)`` and every cell's value;
* xls:  ``xlrd.open_workbook(formatting_info=True)`` and every cell's value.

CPU time (process_time), median of ``--repeat`` runs taking turns at going first. Storing in
SQLite is not included (no format work; see bench.py). Target (issue 11): ≤ 2 × the floor.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def docx_floor(data: bytes) -> None:
    import docx

    d = docx.Document(io.BytesIO(data))
    for p in d.paragraphs:
        p.text  # noqa: B018
    for t in d.tables:
        for row in t.rows:
            for c in row.cells:
                c.text  # noqa: B018


def xlsx_floor(data: bytes) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            pass
    wb.close()


def xls_floor(data: bytes) -> None:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    for sh in book.sheets():
        for r in range(sh.nrows):
            sh.row_values(r)


def files(tmp: Path) -> list[tuple[str, str, list[Path]]]:
    """(format, label, paths) to read: a single file, or a bundle [tables, 说明]."""
    from tests import test_office_readers as T

    ref = T.REFERENCE.read_text(encoding="utf-8")
    tables, rest = T.markdown_table_sections(ref)
    out: list[tuple[str, str, list[Path]]] = []
    text = tmp / "说明.docx"
    text.write_bytes(T.markdown_to_docx("\n".join(rest)))
    p = tmp / "guiyang.docx"
    p.write_bytes(T.markdown_to_docx(ref))
    out.append(("docx", "reference", [p]))
    for src in T.CORPUS:
        p = tmp / (src.name.split("-")[2] + ".docx")
        p.write_bytes(T.pages_to_docx(T.page_layout(*T._load(src))))
        out.append(("docx", src.name.split("-")[2], [p]))
    x = tmp / "tables.xlsx"
    x.write_bytes(T.markdown_tables_to_xlsx(tables))
    out.append(("xlsx", "reference tables", [x, text]))
    for src in T.CORPUS:
        layout = T.page_layout(*T._load(src))
        x = tmp / (src.name.split("-")[2] + ".xlsx")
        x.write_bytes(T.pages_to_xlsx(layout))
        t = tmp / (src.name.split("-")[2] + "-说明.docx")
        t.write_bytes(T.pages_to_docx(T.narrative_only(layout)))
        out.append(("xlsx", src.name.split("-")[2] + " tables", [x, t]))
    try:
        x = tmp / "tables.xls"
        x.write_bytes(T.markdown_tables_to_xls(tables))
        out.append(("xls", "reference tables", [x, text]))
    except BaseException:  # xlwt missing: pytest.importorskip raised Skipped
        pass
    return out


FLOORS = {"docx": docx_floor, "xlsx": xlsx_floor, "xls": xls_floor}


def _cpu(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    from knowledge.ingest import read_bundle, read_report

    with tempfile.TemporaryDirectory() as d:
        cases = files(Path(d))
        rows = []
        for fmt, label, paths in cases:
            main_file = paths[0]
            data = main_file.read_bytes()
            floor_fn = FLOORS[fmt]

            # a bundle's 说明 part is read by both sides, so only the format's own work is compared
            def ours(paths=paths):
                return read_report(paths[0]) if len(paths) == 1 else read_bundle(paths)

            def floor(data=data, floor_fn=floor_fn, paths=paths):
                floor_fn(data)
                if len(paths) > 1:
                    read_report(paths[1])

            ours()
            floor()  # warm imports and caches
            a, b = [], []
            for i in range(args.repeat):
                first, second = (ours, floor) if i % 2 == 0 else (floor, ours)
                x, y = _cpu(first), _cpu(second)
                a.append(x if first is ours else y)
                b.append(y if first is ours else x)
            rows.append((fmt, label, statistics.median(a), statistics.median(b)))
    print(f"{'format':6} {'file':28} {'ingest s':>9} {'library s':>10} {'ratio':>6}")
    for fmt, label, a, b in rows:
        print(f"{fmt:6} {label:28} {a:9.3f} {b:10.3f} {a / b:6.2f}")
    for fmt in FLOORS:
        sel = [(a, b) for f, _, a, b in rows if f == fmt]
        if sel:
            ta, tb = sum(a for a, _ in sel), sum(b for _, b in sel)
            print(f"{fmt:6} {'total':28} {ta:9.3f} {tb:10.3f} {ta / tb:6.2f}")


if __name__ == "__main__":
    main()
