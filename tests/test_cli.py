"""The command line contract: ask --json, --explain, --batch JSONL with conversations, chat in a pipe."""

import json
import subprocess
import sys

from tests.conftest import ROOT


def _run(*args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_ask_json_shape(kb):
    r = _run("--db", str(kb), "ask", "--json", "办公费花了多少")
    out = json.loads(r.stdout)
    assert out["status"] == "answered" and out["value"] == "9.37" and out["unit"] == "万元"
    c = out["citations"][0]
    assert set(c) >= {"report", "table", "section", "row", "column", "quote", "line"}
    assert c["table"].startswith("公开07表") and c["line"] == 279


def test_batch_keeps_conversations_apart(kb):
    lines = [
        {"id": "a1", "question": "三公经费多少", "conversation": "a"},
        {"id": "a2", "question": "预算呢", "conversation": "a"},
        {"id": "b1", "question": "预算呢"},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\nnot json\n"
    r = _run("--db", str(kb), "ask", "--json", "--batch", "-", stdin=stdin)
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a1", "a2", "b1", None]
    assert out[1]["value"] == "1.93"  # follow-up within conversation a
    assert out[2]["status"] == "clarify"  # no conversation: nothing to follow
    assert out[3]["status"] == "error" and "JSON" in out[3]["answer"] and out[3]["line"] == 4


def test_explain_prints_every_stage(kb):
    r = _run("--db", str(kb), "ask", "--explain", "办工费花了多少")
    for stage in ("[normalise]", "[tokens]", "[entities]", "[intent]", "[sql]", "[citation]"):
        assert stage in r.stdout
    assert '"method": "pinyin"' in r.stdout and '"thresholds"' in r.stdout


def test_chat_in_a_pipe(kb):
    r = _run("--db", str(kb), "chat", stdin="一般公共服务支出多少\n占比呢\n退出\n")
    assert "637.38" in r.stdout and "94.83%" in r.stdout and r.returncode == 0
