"""What the CLI prints: options anywhere, bad input lines answered one by one, tables on a terminal
and plain unwrapped lines in a pipe, and file names shown as written (never read as rich markup)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REFERENCE, ROOT


def _run(*args, stdin="", terminal_width=None):
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR", "COLUMNS")}
    if terminal_width:  # rich's own switches: behave as on a terminal of this width
        env |= {"TTY_COMPATIBLE": "1", "COLUMNS": str(terminal_width)}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=env,
    )


def test_db_before_or_after_the_command_and_version(kb):
    before = _run("--db", str(kb), "ask", "--json", "办公费花了多少")
    after = _run("ask", "--db", str(kb), "--json", "办公费花了多少")
    assert json.loads(before.stdout)["value"] == json.loads(after.stdout)["value"] == "9.37"
    v = _run("--version")
    assert v.returncode == 0 and v.stdout.startswith("disclosure-bot, version ")


def test_missing_db_is_an_error_for_every_reading_command(tmp_path):
    missing = tmp_path / "nope.db"
    for args in (["kiosk"], ["serve"], ["tui"], ["reports"], ["check"], ["ask", "三公经费多少"]):
        r = _run("--db", str(missing), *args)
        assert r.returncode == 1, args
        assert "知识库不存在" in r.stderr and str(missing) in r.stderr and "Traceback" not in r.stderr
        assert not missing.exists(), args  # nothing was built silently


def test_each_bad_batch_line_gets_its_own_error_and_the_batch_goes_on(kb):
    lines = [
        "[1,2]",
        '{"question": null, "id": "n"}',
        '{"id": "q"}',
        "{bad",
        '{"question": "办公费花了多少"}',
    ]
    r = _run("--db", str(kb), "ask", "--batch", "-", stdin="\n".join(lines) + "\n")
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["status"] for o in out] == ["error"] * 4 + ["answered"]
    assert [o.get("line") for o in out[:4]] == [1, 2, 3, 4]
    assert "JSON 对象" in out[0]["answer"] and "list" in out[0]["answer"]  # JSON, but not an object
    assert out[1]["id"] == "n" and "question" in out[1]["answer"]  # null is no question, not "None"
    assert "不是 JSON" in out[3]["answer"]
    assert out[4]["value"] == "9.37" and r.returncode == 0


def _question_set(tmp_path):
    path = tmp_path / "set.jsonl"
    cases = [
        json.dumps(
            {
                "id": "ok",
                "question": "办公费花了多少",
                "expect": {"value": "9.37", "unit": "万元"},
                "tags": ["office"],
            },
            ensure_ascii=False,
        ),
        "{not json",
        json.dumps({"id": "noq", "expect": {}}),
        json.dumps(
            {
                "id": "bad",
                "question": "办公费花了多少",
                "expect": {"value": "1.00", "unit": "万元"},
                "tags": ["office", "wrong"],
            },
            ensure_ascii=False,
        ),
    ]
    path.write_text("\n".join(cases) + "\n", encoding="utf-8")
    return path


def test_eval_json_per_tag_errors_per_line_and_exit_on_a_wrong_figure(kb, tmp_path):
    path = _question_set(tmp_path)
    r = _run("--db", str(kb), "eval", "--json", str(path))
    data = json.loads(r.stdout)
    assert r.returncode == 1  # a wrong figure fails the run
    assert data["counts"] | {} == data["counts"] and data["counts"]["correct"] == 1
    assert data["counts"]["wrong"] == 1 and data["counts"]["error"] == 2 and data["counts"]["total"] == 4
    assert data["tags"]["office"]["correct"] == 1 and data["tags"]["office"]["wrong"] == 1
    assert data["tags"]["wrong"]["wrong"] == 1
    errors = [c for c in data["cases"] if c["outcome"] == "error"]
    assert f"{path}:2" in errors[0]["answer"] and "JSON" in errors[0]["answer"]
    assert (
        f"{path}:3" in errors[1]["answer"] and errors[1]["id"] == "noq" and "question" in errors[1]["answer"]
    )


def test_eval_passes_without_wrong_figures(kb, tmp_path):
    path = tmp_path / "good.jsonl"
    path.write_text(
        json.dumps({"id": "ok", "question": "办公费花了多少", "expect": {"value": "9.37"}}) + "\n"
    )
    r = _run("--db", str(kb), "eval", str(path))
    assert r.returncode == 0 and "1 passed, 0 failed" in r.stdout


def test_tables_on_a_terminal_plain_lines_in_a_pipe(kb, tmp_path):
    piped = _run("--db", str(kb), "reports")
    rows = piped.stdout.splitlines()
    assert rows[0].startswith("id\t") and rows[1].split("\t")[1] == "贵阳市12345政务服务便民热线事务中心"
    assert "\x1b[" not in piped.stdout and "┃" not in piped.stdout
    tty = _run("--db", str(kb), "reports", terminal_width=100)
    assert "┃" in tty.stdout and "贵阳市12345" in tty.stdout
    assert all(len(line) <= 100 for line in _plain(tty.stdout).splitlines())
    check = _run("--db", str(kb), "check")
    assert "total_vs_items" in check.stdout and "行 67, 138" in check.stdout and "┃" not in check.stdout
    assert "┃" in _run("--db", str(kb), "check", terminal_width=120).stdout
    evald = _run("--db", str(kb), "eval", str(_question_set(tmp_path)), terminal_width=120)
    assert "┃" in evald.stdout and "office" in evald.stdout


def _plain(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_paths_with_markup_are_printed_as_written_and_never_wrapped(tmp_path):
    folder = tmp_path / "[" / ("x] 很长的文件夹名字" + "很" * 60)  # the path holds "[/x]"
    folder.mkdir(parents=True)
    report = folder / "[bold red]b.md"
    report.write_text(REFERENCE.read_text(encoding="utf-8"), encoding="utf-8")
    broken = folder / "[red]broken.md"  # "[/]" inside a name is impossible; "[/x]" is in the folder
    broken.write_text("随便写的", encoding="utf-8")
    db = tmp_path / "kb.db"
    r = _run("--db", str(db), "ingest", "--json", str(report), str(broken))
    assert r.returncode == 1 and "Traceback" not in r.stderr  # one file failed, the other went in
    assert f"已导入 ingested {report} →" in r.stderr  # on one line, markup shown as written
    assert f"失败 failed {broken}" in r.stderr
    assert "合计 summary: 导入 ingested 1" in r.stderr and "\x1b[" not in r.stderr
    assert [o["status"] for o in json.loads(r.stdout)] == ["ingested", "failed"]
    colour = _run("--db", str(db), "ingest", str(report), terminal_width=80)
    assert "[bold red]b.md" in _plain(colour.stderr) and "\x1b[1;31m" not in colour.stderr
