"""The ASGI app: ``POST /v1/ask``, ``GET /v1/reports``, ``GET /v1/source``, ``GET /healthz``, OpenAPI, the page.

FastAPI on Starlette: the request and response models give the OpenAPI document (``/openapi.json``)
and input validation for free. FastAPI's own ``/docs`` loads Swagger UI from a CDN, so it is switched
off and a bundled page (``/docs``) lists the endpoints from the same document instead — the app makes
no external request of any kind.

Handlers are plain ``def`` functions: FastAPI runs them in its thread pool, so a slow question never
blocks the event loop; the one :class:`bot.Bot` per worker serialises its own use (see the README's load
numbers for why one Bot per worker, and more workers rather than more Bots).
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot import Bot, Citation, Conversation

from .limits import BodyLimit, RateLimit
from .settings import Settings
from .tokens import TokenCodec, TokenError

log = logging.getLogger("disclosure_bot.web")

STATIC = files("web") / "static"
ASSETS = {  # name → media type; everything the page needs, bundled in the package
    "app.css": "text/css; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "docs.js": "text/javascript; charset=utf-8",
}
MAX_FIELD = 500  # characters of one citation field in /v1/source


class ApiError(Exception):
    """An error the client should see: HTTP status, a stable code and a Chinese message."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


class AskRequest(BaseModel):
    question: str = Field(description="问题，例如：三公经费多少", examples=["三公经费多少"])
    context: str | None = Field(
        default=None, description="上一个回答带回的 context 凭证；追问（预算呢）时原样带上"
    )
    report_id: int | None = Field(default=None, description="只在这份报告里找（GET /v1/reports 的 id）")


class CitationOut(BaseModel):
    report: str
    url: str | None = None  # the web page the report was read from
    file: str | None = None  # the bundle part holding the table or section
    table: str | None = None
    section: str | None = None
    row: str | None = None
    column: str | None = None
    quote: str = ""
    line: int | None = None
    page: int | None = None


class AskResponse(BaseModel):
    status: str = Field(description="answered / clarify / no_answer")
    answer: str
    value: str | None = Field(description="精确的十进制数字（字符串），只在回答是一个数字时给出")
    unit: str | None
    intent: str
    confidence: float
    citations: list[CitationOut]
    suggestions: list[str] = Field(description="可原样提问的问题（反问时的选项）")
    notes: list[str]
    report_id: int | None
    context: str = Field(description="对话凭证：下一次提问时原样带上")
    context_expires_in: int = Field(description="凭证有效秒数")


class ReportOut(BaseModel):
    id: int
    department: str
    region: str | None = None
    year: int
    kind: str
    scope: str | None = None
    title: str | None = None
    tables_count: int | None = None
    rows_count: int | None = None


class SourceOut(BaseModel):
    kind: str = Field(description="table / section")
    title: str
    columns: list[str]
    rows: list[list[str]]
    highlight_row: int | None
    highlight_column: int | None
    sentences: list[str]
    highlight_sentence: int | None


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorDetail


ERRORS = {400: {"model": ErrorOut}, 404: {"model": ErrorOut}, 413: {"model": ErrorOut}, 429: {"model": ErrorOut}}


def create_app(settings: Settings, bot: Bot | None = None) -> FastAPI:
    """The app over one read-only knowledge base; ``bot`` may be given (tests share one)."""
    settings = settings.with_secret()
    if bot is None:
        bot = Bot(settings.db_path, readonly=True)
    codec = TokenCodec(settings.secret, settings.token_ttl, settings.max_token)
    app = FastAPI(
        title="disclosure-bot API",
        version="1",
        description="预算/决算公开报告问答：每个数字都注明出处。对话状态由客户端携带（签名的 context 凭证）。",
        docs_url=None,  # Swagger UI would load from a CDN; /docs below is bundled
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.bot = bot
    rate = RateLimit(settings.rate_limit)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "、".join(".".join(str(p) for p in e.get("loc", ())[1:]) or "请求" for e in exc.errors()[:3])
        return JSONResponse(error_body("bad_request", f"请求格式不对：{where}"), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: ("not_found", "没有这个地址。"), 405: ("method_not_allowed", "不支持这种请求方法。")}
        code, message = messages.get(exc.status_code, ("http_error", "请求无法处理。"))
        return JSONResponse(error_body(code, message), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return JSONResponse(error_body("internal_error", "服务出错了，请稍后再试。"), status_code=500)

    # The Bot answers one question at a time (its own lock), so one thread is all it can use; asking from
    # FastAPI's 40-thread pool only makes 40 threads fight for the lock and the GIL (see the README's
    # load numbers). One thread per worker queues the questions instead; more workers add throughput.
    asker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bot")

    @app.post("/v1/ask", response_model=AskResponse, responses=ERRORS, tags=["ask"])
    async def ask(body: AskRequest, request: Request) -> dict[str, Any]:
        """回答一个问题。追问时带上上一个回答的 `context`，任何一个工作进程都能接着答。"""
        if not rate.allow(client_key(request)):
            raise ApiError(429, "rate_limited", "提问太频繁了，请稍后再试。")
        question = body.question.strip()
        if not question:
            raise ApiError(400, "empty_question", "请输入问题，例如：三公经费多少")
        if len(question) > settings.max_question:
            raise ApiError(400, "question_too_long", f"问题太长了，请控制在 {settings.max_question} 字以内。")
        if body.report_id is not None and body.report_id not in {r["id"] for r in bot.reports()}:
            raise ApiError(404, "unknown_report", "知识库里没有这份报告。")
        try:
            conv = codec.load(body.context) if body.context is not None else Conversation()
        except TokenError as e:
            raise ApiError(400, e.code, e.message) from e
        answer = await asyncio.get_running_loop().run_in_executor(
            asker, lambda: bot.ask(question, conv, report_id=body.report_id)
        )
        out = answer.as_dict()
        out["report_id"] = answer.report_id
        out["context"] = codec.dump(conv)
        out["context_expires_in"] = settings.token_ttl
        return out

    @app.get("/v1/reports", response_model=list[ReportOut], tags=["reports"])
    def reports() -> list[dict[str, Any]]:
        """知识库里的报告（部门、年度、预算/决算）。"""
        from knowledge.store import list_reports

        return [{k: v for k, v in r.items() if k in ReportOut.model_fields} for r in list_reports(bot.db)]

    @app.get("/v1/source", response_model=SourceOut, responses=ERRORS, tags=["source"])
    def source(
        report: str = Query(max_length=MAX_FIELD, description="引文的 report（报告标题）"),
        table: str | None = Query(default=None, max_length=MAX_FIELD),
        section: str | None = Query(default=None, max_length=MAX_FIELD),
        row: str | None = Query(default=None, max_length=MAX_FIELD),
        column: str | None = Query(default=None, max_length=MAX_FIELD),
        quote: str = Query(default="", max_length=2000),
        line: int | None = Query(default=None, ge=0),
    ) -> dict[str, Any]:
        """引文所指的整张表（要突出的行和列）或整节文字（要突出的句子）。参数取自回答的 citations。"""
        if not table and not section:
            raise ApiError(400, "bad_request", "请给出 table 或 section。")
        cited = Citation(report=report, table=table, section=section, row=row, column=column, quote=quote, line=line)
        found = bot.source(cited)
        if found is None:
            raise ApiError(404, "source_not_found", "找不到这处出处。")
        return {
            "kind": found.kind,
            "title": found.title,
            "columns": list(found.columns),
            "rows": [list(r) for r in found.rows],
            "highlight_row": found.highlight_row,
            "highlight_column": found.highlight_column,
            "sentences": list(found.sentences),
            "highlight_sentence": found.highlight_sentence,
        }

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, Any]:
        """存活检查：知识库里有几份报告。"""
        return {"status": "ok", "reports": len(bot.reports())}

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse((STATIC / "docs.html").read_text(encoding="utf-8"), headers=PAGE_HEADERS)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in ASSETS:
            raise ApiError(404, "not_found", "没有这个文件。")
        return Response((STATIC / name).read_bytes(), media_type=ASSETS[name], headers=ASSET_HEADERS)

    if settings.page:
        page = render_page(bot.examples(), settings.idle_timeout)

        @app.get("/", include_in_schema=False)
        def index() -> HTMLResponse:
            return HTMLResponse(page, headers=PAGE_HEADERS)

    app.add_middleware(BodyLimit, max_bytes=settings.max_body)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
        )
    return app


# The page may load only itself: no other origin, no frames, no plugins (CSP), so a kiosk cannot wander.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
ASSET_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}


def render_page(examples: list[str], idle_timeout: float) -> str:
    """The kiosk page with the example questions as buttons already in the HTML (readable before any script)."""
    template = (STATIC / "index.html").read_text(encoding="utf-8")
    buttons = "\n".join(
        f'<li><button type="button" class="ask-chip" data-question="{html.escape(q)}">{html.escape(q)}</button></li>'
        for q in examples[:6]
    )
    return template.replace("{{examples}}", buttons).replace("{{idle_seconds}}", json.dumps(float(idle_timeout)))


def client_key(request: Request) -> str:
    """The caller for rate limiting: its address as uvicorn saw it (proxy headers only from trusted proxies)."""
    return request.client.host if request.client else "unknown"
