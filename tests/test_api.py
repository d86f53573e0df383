"""The HTTP API in-process (Starlette's TestClient) over the real reference report and real corpus reports."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from bot import Bot, Conversation
from tests.web_support import CORPUS, SECRET, build_several
from web import Settings, create_app
from web.tokens import SALT


@pytest.fixture(scope="module")
def ref_bot(built_db):
    return Bot(built_db, readonly=True)


def make_client(bot, **overrides) -> TestClient:
    base = dict(db_path=bot.db_path, secret=SECRET, page=True, rate_limit="")
    base.update(overrides)
    return TestClient(create_app(Settings(**base), bot=bot))


@pytest.fixture(scope="module")
def client(ref_bot):
    return make_client(ref_bot)


@pytest.fixture(scope="module")
def several_bot(tmp_path_factory):
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus not available")
    return Bot(build_several(tmp_path_factory.mktemp("several") / "kb.db"), readonly=True)


def ask(client, question, context=None, **extra):
    body = {"question": question, **extra}
    if context is not None:
        body["context"] = context
    return client.post("/v1/ask", json=body)


def test_ask_returns_the_cli_json_shape_with_a_context_token(client, ref_bot):
    r = ask(client, "办公费花了多少")
    assert r.status_code == 200
    data = r.json()
    direct = ref_bot.ask("办公费花了多少").as_dict()
    for key, value in direct.items():
        assert data[key] == value, key
    assert Decimal(data["value"]) == Decimal("9.37") and data["unit"] == "万元"
    assert data["citations"][0]["table"].startswith("公开07表")
    assert isinstance(data["context"], str) and data["context_expires_in"] > 0


def test_follow_up_through_the_token_answers_like_one_conversation(client, ref_bot):
    first = ask(client, "三公经费多少").json()
    follow = ask(client, "预算呢", first["context"]).json()
    conv = Conversation()
    ref_bot.ask("三公经费多少", conv)
    expected = ref_bot.ask("预算呢", conv)
    assert follow["status"] == "answered" and Decimal(follow["value"]) == expected.value == Decimal("1.93")
    alone = ask(client, "预算呢").json()  # without the token there is nothing to follow up on
    assert alone["value"] != follow["value"]


def test_any_worker_with_the_same_key_answers_the_follow_up(ref_bot):
    worker_a, worker_b = make_client(ref_bot), make_client(ref_bot)
    token = ask(worker_a, "三公经费多少").json()["context"]
    assert Decimal(ask(worker_b, "预算呢", token).json()["value"]) == Decimal("1.93")
    other_key = make_client(ref_bot, secret=b"another-deployment-key-0123456789")
    r = ask(other_key, "预算呢", token)
    assert r.status_code == 400 and r.json()["error"]["code"] == "token_invalid"


def test_a_random_key_per_start_when_none_is_given(ref_bot):
    a = TestClient(create_app(Settings(db_path=ref_bot.db_path, rate_limit=""), bot=ref_bot))
    b = TestClient(create_app(Settings(db_path=ref_bot.db_path, rate_limit=""), bot=ref_bot))
    token = ask(a, "三公经费多少").json()["context"]
    assert ask(a, "预算呢", token).status_code == 200
    assert ask(b, "预算呢", token).json()["error"]["code"] == "token_invalid"


def test_tampered_token_is_a_json_error_in_chinese(client):
    token = ask(client, "三公经费多少").json()["context"]
    payload, sig = token.rsplit(".", 1)
    forged = payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + sig
    r = ask(client, "预算呢", forged)
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "token_invalid" and re.search(r"[\u4e00-\u9fff]", err["message"])


def test_expired_token(client, monkeypatch):
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 7200)
    token = ask(client, "三公经费多少").json()["context"]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    r = ask(client, "预算呢", token)
    assert r.status_code == 400 and r.json()["error"]["code"] == "token_expired"
    assert "过期" in r.json()["error"]["message"]


def test_signed_but_malformed_conversation_is_refused(client):
    forged = URLSafeTimedSerializer(SECRET, salt=SALT).dumps({"subjects": "办公费"})
    r = ask(client, "预算呢", forged)
    assert r.status_code == 400 and r.json()["error"]["code"] == "token_invalid"


@pytest.mark.parametrize(
    "context,code",
    [("x" * 5000, "token_too_large"), ("not-a-token", "token_invalid"), ("", "token_invalid"), (123, "bad_request")],
)
def test_bad_tokens(client, context, code):
    r = client.post("/v1/ask", json={"question": "预算呢", "context": context})
    assert r.status_code == 400 and r.json()["error"]["code"] == code


def test_token_stays_bounded_over_a_long_conversation(client):
    token = None
    for _ in range(12):
        for q in ("三公经费多少", "预算呢", "办公费花了多少", "占比呢"):
            data = ask(client, q, token).json()
            token = data["context"]
    assert len(token) < 4096
    assert ask(client, "预算呢", token).status_code == 200


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(context=st.text(max_size=300))
def test_arbitrary_context_text_is_never_a_500(client, context):
    r = client.post("/v1/ask", json={"question": "预算呢", "context": context})
    assert r.status_code == 400 and r.json()["error"]["code"].startswith("token_")


def test_question_limits(client):
    r = ask(client, "三" * 501)
    assert r.status_code == 400 and r.json()["error"]["code"] == "question_too_long"
    r = ask(client, "   ")
    assert r.status_code == 400 and r.json()["error"]["code"] == "empty_question"
    r = client.post("/v1/ask", json={"context": None})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"
    r = client.post("/v1/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"


def test_body_size_is_limited_whatever_the_length_header_says(client):
    big = b'{"question": "' + b"a" * 40000 + b'"}'
    r = client.post("/v1/ask", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"

    def chunks():  # no Content-Length: the middleware counts what arrives
        for _ in range(40):
            yield b"a" * 1000

    r = client.post("/v1/ask", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"


def test_rate_limit_per_client(ref_bot):
    limited = make_client(ref_bot, rate_limit="3/minute")
    codes = [ask(limited, "三公经费多少").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    r = ask(limited, "三公经费多少")
    assert r.json()["error"]["code"] == "rate_limited" and "频繁" in r.json()["error"]["message"]
    assert limited.get("/healthz").status_code == 200  # only questions are counted


def test_reports_listing(client):
    r = client.get("/v1/reports")
    assert r.status_code == 200
    (report,) = r.json()
    assert report["department"] == "贵阳市12345政务服务便民热线事务中心"
    assert report["year"] == 2024 and report["kind"] == "决算"
    assert "source_path" not in report  # no server file paths leave the server


def test_source_highlights_the_cited_cell(client):
    cited = ask(client, "办公费花了多少").json()["citations"][0]
    r = client.get("/v1/source", params={k: v for k, v in cited.items() if v is not None})
    assert r.status_code == 200
    src = r.json()
    assert src["kind"] == "table" and src["title"].startswith("公开07表")
    row = src["rows"][src["highlight_row"]]
    # the cell as the report prints it (OCR spacing kept: "9. 37"), which is the cited figure
    assert "办公费" in row[1] and Decimal(row[src["highlight_column"]].replace(" ", "")) == Decimal("9.37")
    assert src["columns"][src["highlight_column"]] == cited["column"]


def test_source_of_a_section(client):
    cited = ask(client, "为什么支出下降了").json()["citations"][0]
    assert cited["section"] and not cited["table"]
    src = client.get("/v1/source", params={k: v for k, v in cited.items() if v is not None}).json()
    assert src["kind"] == "section" and src["title"] == cited["section"]
    said = src["sentences"][src["highlight_sentence"]].replace(" ", "")
    assert "下降75.24%" in said and "下降75.24%" in cited["quote"].replace(" ", "")


def test_source_errors(client):
    r = client.get("/v1/source", params={"report": "没有这份报告", "table": "公开99表"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "source_not_found"
    r = client.get("/v1/source", params={"report": "x"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"
    r = client.get("/v1/source", params={"report": "x" * 600, "table": "t"})
    assert r.status_code == 400


def test_clarify_then_a_suggestion_answers_from_that_report(several_bot):
    c = make_client(several_bot)
    first = ask(c, "三公经费多少").json()
    assert first["status"] == "clarify" and first["value"] is None
    choice = next(s for s in first["suggestions"] if "生态环境局" in s)
    answered = ask(c, choice, first["context"]).json()
    assert answered["status"] == "answered" and Decimal(answered["value"]) == Decimal("16.95")
    assert "生态环境局" in answered["citations"][0]["report"]


def test_report_id_picks_the_report(several_bot):
    c = make_client(several_bot)
    reports = c.get("/v1/reports").json()
    assert len(reports) >= 3
    eco = next(r for r in reports if "生态环境局" in r["department"])
    data = ask(c, "三公经费多少", report_id=eco["id"]).json()
    assert data["status"] == "answered" and Decimal(data["value"]) == Decimal("16.95")
    r = ask(c, "三公经费多少", report_id=99999)
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_report"


def test_health_docs_and_unknown_paths(client):
    assert client.get("/healthz").json() == {"status": "ok", "reports": 1}
    spec = client.get("/openapi.json").json()
    assert {"/v1/ask", "/v1/reports", "/v1/source", "/healthz"} <= set(spec["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/openapi.json" in docs.text
    r = client.get("/v1/nothing")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.get("/v1/ask")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
    assert client.get("/static/../app.py").status_code == 404


def test_page_and_assets_are_self_contained(client):
    page = client.get("/")
    assert page.status_code == 200 and '<html lang="zh-CN">' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert 'data-question="三公经费多少"' in page.text  # example questions are buttons in the HTML itself
    bodies = [page.text, client.get("/docs").text]
    for name in ("app.css", "app.js", "docs.js"):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200
        bodies.append(r.text)
    for text in bodies:
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), "no external address"
        assert "Esc" not in text and "<a " not in text


def test_api_alone_serves_no_page(ref_bot):
    api = make_client(ref_bot, page=False)
    assert api.get("/").status_code == 404
    assert api.post("/v1/ask", json={"question": "三公经费多少"}).status_code == 200


def test_cors_is_off_unless_configured(ref_bot, client):
    pre = {"Origin": "https://portal.example", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/v1/ask", headers=pre).headers
    open_ = make_client(ref_bot, cors_origins=("https://portal.example",))
    r = open_.options("/v1/ask", headers=pre)
    assert r.headers["access-control-allow-origin"] == "https://portal.example"
    r = open_.options("/v1/ask", headers={**pre, "Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers


def test_short_keys_are_refused_and_keys_read_from_a_file(tmp_path):
    from web.settings import read_secret

    with pytest.raises(ValueError):
        read_secret({"DISCLOSURE_BOT_SECRET": "short"})
    key = tmp_path / "key"
    key.write_text("ab" * 32 + "\n", encoding="utf-8")
    assert read_secret({"DISCLOSURE_BOT_SECRET_FILE": str(key)}) == bytes.fromhex("ab" * 32)
    assert read_secret({}) == b""


def test_web_command_with_two_workers_shares_one_key(built_db, tmp_path):
    """The real command: two uvicorn worker processes, a random key made at start, follow-ups on new connections."""
    import os
    import signal
    import subprocess
    import sys

    import httpx

    from tests.conftest import ROOT
    from tests.web_support import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSURE_BOT_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "--db", str(built_db), "web", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "the web command did not start"
            time.sleep(0.2)
        assert '<html lang="zh-CN">' in httpx.get(url + "/").text
        token = httpx.post(url + "/v1/ask", json={"question": "三公经费多少"}).json()["context"]
        for _ in range(6):  # a new connection each time: either worker may take it
            r = httpx.post(url + "/v1/ask", json={"question": "预算呢", "context": token}, headers={"Connection": "close"})
            assert r.status_code == 200 and Decimal(r.json()["value"]) == Decimal("1.93")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    assert "DISCLOSURE_BOT_SECRET" in proc.stderr.read().decode("utf-8")  # it said the key is per start
