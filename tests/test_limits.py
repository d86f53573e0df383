"""Nothing a file holds can hang an ingest or exhaust memory: linear parsing, explicit limits.

Bounds are generous ("well under a second" for 200 000 characters) so the tests assert linear cost,
not speed; the old quadratic regexes took 16 s for 20 000 digits and never ended on 200 000.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from knowledge.ingest import ingest_file, read_report
from knowledge.limits import LIMITS, Limits, check_size, json_depth_ok
from knowledge.model import ReportError, Section, Sentence, Source
from knowledge.narrative import TextLine, extract_figures, join_lines, split_sentences
from tests.conftest import REFERENCE, ROOT

N = 200_000


def _timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def _section(text: str) -> Section:
    return Section(path=["x"], level=2, text=text, sentences=[Sentence(text, Source(1))], source=Source(1))


def test_figure_regex_is_linear_on_digit_runs():
    text = "1" * N + "万" + "2" * N + ".5" + "3" * N + "元，占" + "." + "4" * N + "%"
    figures, dt = _timed(extract_figures, _section(text))
    assert dt < 1.0
    # the runs are numbers the text really prints before a unit; nothing is invented in between
    assert [f.unit for f in figures] == ["元", "%"]
    assert str(figures[0].value).startswith("2" * 50) and str(figures[0].value).endswith("3" * 50)


def test_narrative_joins_and_splits_a_long_line_in_linear_time():
    lines = [TextLine("支出" * (N // 2), Source(1)), TextLine("9" * N, Source(2))]
    (text, starts), dt = _timed(join_lines, lines)
    assert dt < 1.0
    sentences, dt = _timed(split_sentences, text, starts)
    assert dt < 1.0 and len(sentences) == 1


def test_two_numbers_never_glue_across_lines():
    """福利费 184.90 / 30310 … once became the figure 184.9030310 个."""
    text, _ = join_lines([TextLine("福利费 184.90", Source(1)), TextLine("30310 职工教育 12 个", Source(2))])
    figures = extract_figures(_section(text))
    assert [(str(f.value), f.unit) for f in figures] == [("12", "个")]


def test_amount_and_label_readers_are_linear():
    from knowledge.numbers import clean_label, parse_amount

    assert _timed(parse_amount, "1" * N + ".5")[1] < 1.0
    assert _timed(parse_amount, "1," * N)[1] < 1.0
    assert _timed(clean_label, "机关 事业 " * (N // 6))[1] < 1.0


def test_grid_reads_a_huge_cell_in_linear_time():
    from knowledge.grid import GridLine, interpret

    grid = [
        GridLine(["科目编码", "科目名称", "决算数"], Source(1)),
        GridLine(["2010101", "行政运行" * (N // 4), "12.50"], Source(2)),
    ]
    (table, _), dt = _timed(interpret, "支出决算表", None, "万元", grid, Source(1))
    assert dt < 1.0 and table.rows[0].code == "2010101"


def test_long_line_refused_quickly_with_file_and_line(tmp_path):
    text = REFERENCE.read_text(encoding="utf-8").splitlines()
    text.insert(20, "说明" + "1" * N)
    p = tmp_path / "long.md"
    p.write_text("\n".join(text), encoding="utf-8")
    t = time.perf_counter()
    with pytest.raises(ReportError) as e:
        read_report(p)
    assert time.perf_counter() - t < 1.0
    assert e.value.line == 21 and "过长" in e.value.message and str(LIMITS.max_line_chars) in e.value.message


def test_page_json_limits(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"page_texts": ' + "[" * 200_000 + "]" * 200_000 + "}", encoding="utf-8")
    t = time.perf_counter()
    with pytest.raises(ReportError) as e:
        read_report(deep)
    assert time.perf_counter() - t < 1.0 and "嵌套过深" in e.value.message
    assert json_depth_ok('{"a": "[[[[[[[[[[[[[[[[[[[[[["}')[0]  # brackets inside strings do not count
    cell = tmp_path / "cell.json"
    big = "1" * (LIMITS.max_cell_chars + 1)
    cell.write_text(
        json.dumps({"page_texts": ["某局2024年度部门决算"], "page_tables": [[[["项目", big]]]]}),
        encoding="utf-8",
    )
    with pytest.raises(ReportError) as e:
        read_report(cell)
    assert "过长" in e.value.message and "第1页第1个表第1行第2格" in e.value.message


def test_file_size_checked_before_reading(tmp_path):
    huge = tmp_path / "huge.md"
    with open(huge, "wb") as f:
        f.truncate(LIMITS.max_file_bytes + 1)  # sparse: no memory or disk spent
    with pytest.raises(ReportError) as e:
        read_report(huge)
    assert "文件过大" in e.value.message
    with pytest.raises(ReportError):
        check_size(11, "x.pdf", pdf=True, limits=Limits(max_pdf_bytes=10))
    check_size(10, "x.pdf", pdf=True, limits=Limits(max_pdf_bytes=10))


def test_overlong_subject_name_is_refused(tmp_path):
    """A 科目 name far beyond any real one is damage, and would blow up the tokenizer's dictionary."""
    from knowledge.store import open_db

    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    i = next(k for k, ln in enumerate(lines) if "\t30201\t办公费\t" in ln)
    lines[i] = lines[i].replace("办公费", "办公费" * 1000, 1)
    p = tmp_path / "name.md"
    p.write_text("\n".join(lines), encoding="utf-8")
    db = open_db(tmp_path / "kb.db")
    o = ingest_file(db, str(p))
    assert o.status == "failed" and o.line == i + 1 and "科目名称过长" in o.message
    assert db.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 0


def test_domain_words_are_bounded():
    from knowledge import segment

    tok = segment.tokenizer()
    before = len(tok.FREQ)
    segment.add_words(["办公" * N, "x" * (segment.MAX_WORD_CHARS + 1)])
    assert len(tok.FREQ) == before
    assert "办公" * N not in segment._added


def test_unwritable_jieba_cache_prints_no_traceback(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = "from knowledge import segment; segment._tokenizer=None; print(segment.cut('公务接待费多少'))"
    env = {"DISCLOSURE_BOT_CACHE": str(blocker / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(blocker)}
    r = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, timeout=60
    )
    assert r.returncode == 0 and "接待费" in r.stdout
    assert "Traceback" not in r.stderr and "Dump cache" not in r.stderr


def test_jieba_own_cache_failure_is_quiet(tmp_path, capfd):
    import jieba

    from knowledge.segment import SMALL_DICT, _quiet_initialize

    blocker = tmp_path / "file"
    blocker.write_text("x")
    tok = jieba.Tokenizer(dictionary=str(SMALL_DICT))
    tok.tmp_dir = str(blocker / "cache")  # jieba cannot write here
    _quiet_initialize(tok)
    assert tok.initialized
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Dump cache" not in err
