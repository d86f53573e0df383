"""The ``disclosure-bot`` command: a thin click layer over :mod:`knowledge` and :class:`bot.Bot`.

Every sub-command prints Chinese first, English second; bad input gives a message and a non-zero
exit, never a traceback. Options shared by every command (``--db``) are accepted before or after
the sub-command (``disclosure-bot --db kb.db ask …`` and ``disclosure-bot ask --db kb.db …``).

Adding a command is one function::

    @command("hello", help="打个招呼")
    @click.option("--json", "as_json", is_flag=True)
    def hello(as_json: bool) -> int:
        bot = open_bot()
        ...
        return 0

``command`` registers it on the group and gives it ``--db``; the return value is the exit code.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import output

EXIT_USAGE = 2
EXIT_FAILED = 1
_DB_KEY = "disclosure_bot.db"

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("disclosure-bot")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def _print_version(ctx: click.Context) -> None:
    # read only when asked: importlib.metadata costs a cold ``ask`` 15 ms
    click.echo(f"disclosure-bot, version {_version()}")
    ctx.exit()


def _remember_db(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    # ctx.meta is shared by the group's context and the sub-command's: the last --db given wins.
    if value is not None:
        ctx.meta[_DB_KEY] = value


def db_option(f: Callable) -> Callable:
    """``--db PATH``, accepted on the group and on every sub-command."""
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        expose_value=False,
        callback=_remember_db,
        help="知识库文件 (knowledge base; default: $DISCLOSURE_BOT_DB or the user data dir)",
    )(f)


def json_option(f: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 (JSON output)")(f)


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # in the order they were added, not alphabetical


@click.group(cls=_Group, context_settings=CONTEXT_SETTINGS, invoke_without_command=True)
@click.option(
    "--version",
    "-V",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _p, value: _print_version(ctx) if value and not ctx.resilient_parsing else None,
    help="Show the version and exit.",
)
@db_option
@click.pass_context
def cli(ctx: click.Context) -> int | None:
    """预算/决算公开报告问答机器人：每个数字都注明出处。

    Rules-based QA over Chinese budget disclosures. Every figure is exact and cited.
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())
        return EXIT_USAGE
    return None


def command(name: str, **kwargs: Any) -> Callable[[Callable[..., int]], click.Command]:
    """Register ``f`` as sub-command ``name`` with the shared options; ``f`` returns the exit code."""

    def decorate(f: Callable[..., int]) -> click.Command:
        kwargs.setdefault("context_settings", CONTEXT_SETTINGS)
        return cli.command(name, **kwargs)(db_option(f))

    return decorate


# -- the knowledge base ----------------------------------------------------------------------


def db_path() -> Path:
    """The ``--db`` given (before or after the sub-command), else the default knowledge base."""
    from knowledge.paths import default_db_path

    named = click.get_current_context().meta.get(_DB_KEY)
    return Path(named) if named else default_db_path()


def existing_db() -> Path:
    """The knowledge base to read: the default one is built on first use, a named one must exist."""
    from knowledge.paths import ensure_default_db

    ctx = click.get_current_context()
    path = db_path()
    if not path.exists() and ctx.meta.get(_DB_KEY) is None:
        ensure_default_db(path)
    if not path.exists():
        raise Failed(f"知识库不存在 (knowledge base not found): {path}")
    return path


def open_bot(readonly: bool = False):
    from bot.core import Bot

    return Bot(existing_db(), readonly=readonly)


class Failed(click.ClickException):
    """A message for the user and exit status 1 (no usage text, no traceback)."""

    exit_code = EXIT_FAILED

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


# -- commands ----------------------------------------------------------------------------------


_STATUS_WORDS = {
    "ingested": ("已导入 ingested", "green"),
    "skipped": ("已存在 skipped", ""),
    "replaced": ("已更新 replaced", "yellow"),
    "failed": ("失败 failed", "bold red"),
    "ignored": ("忽略 ignored", "dim"),
}


@command("ingest", help="导入报告 (markdown / text / web page / page-text JSON / PDF / Word / Excel / folders)")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--department", help="覆盖识别出的部门名称 (override the department)")
@click.option("--region", help="覆盖识别出的地区，如 上海市普陀区 (override the region)")
@click.option("--year", type=int, help="覆盖识别出的年度 (override the year)")
@click.option("--kind", type=click.Choice(["决算", "预算"]), help="覆盖识别出的报告类型 (override the kind)")
@click.option(
    "--replace",
    is_flag=True,
    help="允许用小得多的新文件替换知识库里的同一报告 (let a much smaller file replace the stored report)",
)
@click.option(
    "--bundle",
    is_flag=True,
    help="所有文件（或文件夹里的文件）是同一报告的各部分，如表格 .xlsx 和说明 .docx (the files are the parts of one report)",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="并行解析的进程数，写入始终只有一个 (parser processes; one writer)",
)
@json_option
def ingest_cmd(
    paths: tuple[str, ...],
    department: str | None,
    region: str | None,
    year: int | None,
    kind: str | None,
    replace: bool,
    bundle: bool,
    jobs: int,
    as_json: bool,
) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from knowledge.ingest import expand, ingest
    from knowledge.store import open_db

    err = output.console(stderr=True)
    files = expand(paths)
    if not files:
        output.line(err, ("没有找到报告文件 (no report files found)", "red"))
        return EXIT_FAILED
    db = open_db(db_path())
    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task(_reading(files[0]), total=len(files))
        done = [0]

        def advance(path: str, outcome) -> None:
            # called when a file is done: the next one in the (same, stable) order is being read now
            done[0] += 1
            following = files[done[0]] if done[0] < len(files) else path
            progress.update(task, advance=1, description=_reading(following))

        def page(path: str, done_pages: int, pages: int) -> None:
            progress.update(task, description=f"{_reading(path)} 第{done_pages}/{pages}页")

        if bundle:
            from knowledge.ingest import ingest_bundle

            outcomes = [ingest_bundle(db, list(paths), department, year, kind, replace=replace, region=region)]
        else:
            outcomes = ingest(
                db,
                list(paths),
                department,
                year,
                kind,
                progress=advance,
                on_page=page,
                replace=replace,
                jobs=jobs,
                region=region,
            )
    for o in outcomes:
        word, style = _STATUS_WORDS.get(o.status, (o.status, ""))
        if o.status == "failed":
            where = o.path + (f":{o.line}" if o.line else "")
            output.line(err, (word, style), f" {where}: {o.message}")
        elif o.status == "ignored":
            output.line(err, (f"{word} {o.path}（不是报告 not a report）", style))
        else:
            output.line(
                err,
                (word, style),
                f" {o.path} → [{o.source_format or o.format}] {o.department} · {o.region or '地区未知 region ?'} · {o.year} · {o.kind}"
                f" (findings {o.findings}, unplaced lines {o.unplaced})",
            )
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in _STATUS_WORDS}
    output.line(
        err,
        f"合计 summary: 导入 ingested {counts['ingested']}，更新 replaced {counts['replaced']}，"
        f"已存在 skipped {counts['skipped']}，失败 failed {counts['failed']}，忽略 ignored {counts['ignored']}",
    )
    if as_json:
        print(json.dumps([o.as_dict() for o in outcomes], ensure_ascii=False, indent=2))
    return EXIT_FAILED if counts["failed"] else 0


@command("merge", help="合并分别建立的知识库 (merge knowledge bases built separately)")
@click.argument(
    "inputs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="KB..."
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出知识库 (output)",
)
@json_option
def merge_cmd(inputs: tuple[Path, ...], output: Path, as_json: bool) -> int:
    from knowledge.merge import MergeError, merge

    try:
        res = merge(list(inputs), output)
    except MergeError as e:
        raise Failed(str(e)) from None
    if as_json:
        print(json.dumps(res.__dict__, ensure_ascii=False, indent=2))
    else:
        click.echo(
            f"已合并 merged → {res.output}：{res.reports} 份报告（复制 copied {res.copied}，"
            f"重复只保留一份 duplicates {res.duplicates}）"
        )
    return 0


def _reading(path: str) -> str:
    return f"导入 reading {Path(path).name}"


@command("reports", help="列出知识库里的报告 (the reports in the knowledge base)")
@json_option
def reports_cmd(as_json: bool) -> int:
    from knowledge.store import list_reports, open_db

    rows = list_reports(open_db(existing_db()))
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    out = output.console()
    if not rows:
        output.line(out, "知识库里还没有报告 (no reports yet)。用 disclosure-bot ingest 导入。")
        return 0
    output.table(
        out,
        [
            "id",
            "部门 department",
            "地区 region",
            "年度 year",
            "类型 kind",
            "表/行 tables/rows",
            "未归位 unplaced",
            "文件 file",
        ],
        (
            [r["id"], r["department"], r["region"] or "", r["year"], r["kind"]]
            + [f"{r['tables_count']}/{r['rows_count']}", r["unplaced_count"], r["source_path"]]
            for r in rows
        ),
        justify={0: "right", 5: "right", 6: "right"},
    )
    return 0


def cited_places(citations: list[dict]) -> str:
    """Where a finding's cited cells are: lines grouped by page when the report has pages."""
    by_page: dict[Any, list[str]] = {}
    for c in citations:
        line = c.get("line")
        page = c.get("page")
        if line is None and page is None:
            continue
        lines = by_page.setdefault(page, [])
        if line is not None and str(line) not in lines:
            lines.append(str(line))
    parts = []
    for page, lines in by_page.items():
        where = f"第{page}页" if page is not None else ""
        if lines:
            where += ("" if not where else " ") + "行 " + ", ".join(lines)
        parts.append(where)
    return "；".join(parts)


@command("check", help="一致性检查：报告自相矛盾之处与未归位的行 (consistency findings)")
@json_option
def check_cmd(as_json: bool) -> int:
    from knowledge.store import open_db

    db = open_db(existing_db())
    reports = list(db.query("SELECT id, department, year, kind FROM reports ORDER BY id"))
    out = []
    for r in reports:
        findings = list(
            db.query(
                "SELECT check_name, severity, message, expected, found, difference, unit, citations"
                " FROM findings WHERE report_id = ? ORDER BY id",
                [r["id"]],
            )
        )
        unplaced = list(
            db.query(
                "SELECT line, page, reason, text FROM unplaced_lines WHERE report_id = ? ORDER BY id",
                [r["id"]],
            )
        )
        for f in findings:
            f["citations"] = json.loads(f["citations"] or "[]")
        out.append({"report": r, "findings": findings, "unplaced": unplaced})
    if as_json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    con = output.console()
    for item in out:
        r = item["report"]
        title = (
            f"[{r['id']}] {r['department']} {r['year']}年 {r['kind']}：发现 {len(item['findings'])} 处不一致，"
            f"{len(item['unplaced'])} 行未能归位"
        )
        rows = [
            [f["severity"], f["check_name"], f["message"], cited_places(f["citations"])]
            for f in item["findings"]
        ]
        output.table(con, ["级别", "检查 check", "说明 message", "出处 where"], rows, title=title, wide=2)
        if item["unplaced"]:
            unplaced = [
                [
                    (f"第{u['page']}页 " if u.get("page") else "") + f"行 {u['line']}",
                    u["reason"],
                    repr(u["text"][:60]),
                ]
                for u in item["unplaced"]
            ]
            output.table(con, ["未归位 unplaced", "原因 reason", "原文 text"], unplaced, wide=2)
    return 0


def _print_answer(ans, explain: bool) -> None:
    print(ans.text)
    if ans.suggestions:
        for s in ans.suggestions:
            print(f"  · {s}")
    if explain and ans.trace:
        print("\n--explain--")
        for stage, value in ans.trace.stages:
            print(f"[{stage}] {json.dumps(value, ensure_ascii=False, default=str)}")
        for c in ans.citations:
            print(f"[citation] {json.dumps(c.as_dict(), ensure_ascii=False)}")


@command("ask", help="回答一个问题 (answer one question, or a JSONL batch)")
@click.argument("question", nargs=-1)
@json_option
@click.option("--explain", is_flag=True, help="显示每个处理阶段的结果 (every stage of the pipeline)")
@click.option("--batch", metavar="FILE", help="JSONL 批量提问 (- = 标准输入 stdin)")
def ask_cmd(question: tuple[str, ...], as_json: bool, explain: bool, batch: str | None) -> int:
    from .batch import answer_lines

    if not question and not batch:
        click.echo("请给出问题，例如：disclosure-bot ask 三公经费多少 (a question is required)", err=True)
        return EXIT_USAGE
    bot = open_bot()
    if batch:
        try:
            stream = sys.stdin if batch == "-" else open(batch, encoding="utf-8", errors="replace")
        except OSError as e:
            raise Failed(f"无法读取 (cannot read) {batch}: {e.strerror}") from None
        with stream:
            for out in answer_lines(bot, stream, explain=explain, source="" if batch == "-" else batch):
                print(json.dumps(out, ensure_ascii=False, default=str), flush=True)
        return 0
    ans = bot.ask(" ".join(question), explain=explain)
    if as_json:
        out = ans.as_dict()
        if explain and ans.trace:
            out["explain"] = ans.trace.as_dict()
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    else:
        _print_answer(ans, explain)
    return 0


@command("chat", help="终端里逐行对话 (line-by-line chat; works in a pipe)")
@click.option("--explain", is_flag=True, help="显示每个处理阶段的结果")
def chat_cmd(explain: bool) -> int:
    from bot.core import Conversation

    bot = open_bot()
    conv = Conversation()
    interactive = sys.stdin.isatty()
    if interactive:
        try:
            import readline  # noqa: F401  (history and line editing)
        except ImportError:
            pass
        print("请提问（输入“退出”或 Ctrl+D 结束；“重来”清空上下文）。例如：" + "、".join(bot.examples()[:3]))
    while True:
        try:
            q = input("问> " if interactive else "")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        q = q.strip()
        if q in ("退出", "exit", "quit"):
            return 0
        if q in ("重来", "reset"):
            conv.reset()
            print("已清空上下文。")
            continue
        if not q:
            continue
        _print_answer(bot.ask(q, conv, explain=explain), explain)


@command("eval", help="用问题集评测：正确 / 错误数字 / 漏答 / 拒答 (run a question set)")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--verbose", "-v", is_flag=True, help="列出每一题 (every case, not only the failures)")
@json_option
@click.option("--fail-on-wrong", is_flag=True, hidden=True, help="(默认如此 the default now)")
def eval_cmd(file: str, verbose: bool, as_json: bool, fail_on_wrong: bool) -> int:
    """Exit 1 when any figure is wrong (or any line is no case); missed and declined cases do not fail."""
    from .evaluation import OUTCOME_NAMES, run_cases, summary

    results = list(run_cases(open_bot(), file))
    totals = summary(results)
    counts = totals["counts"]
    failed = counts["wrong"] or counts["error"]
    if as_json:
        print(json.dumps(totals | {"cases": [r.as_dict() for r in results]}, ensure_ascii=False, indent=2))
        return EXIT_FAILED if failed else 0
    con = output.console()
    shown = [r for r in results if verbose or r.outcome != "correct"]
    if shown:
        rows = []
        for r in shown:
            exp = r.expected.get("value", r.expected.get("status", ""))
            got = f"{r.status} {r.value or ''}{r.unit or ''}".strip()
            rows.append(
                [
                    r.outcome,
                    r.id or f"line {r.line}",
                    r.question or "",
                    f"{exp} {r.expected.get('unit') or ''}".strip(),
                    got,
                    r.answer[:80],
                ]
            )
        output.table(
            con, ["结果 outcome", "id", "问题 question", "期望 expected", "得到 got", "回答 answer"], rows
        )
    names = list(OUTCOME_NAMES)
    output.table(
        con,
        ["标签 tag", *(OUTCOME_NAMES[k] for k in names), "合计 total"],
        [[tag, *(c[k] for k in names), c["total"]] for tag, c in totals["tags"].items()]
        + [["合计 total", *(counts[k] for k in names), counts["total"]]],
        title="按标签 per tag",
        justify={i: "right" for i in range(1, len(names) + 2)},
    )
    output.line(con, f"{counts['correct']} passed, {counts['total'] - counts['correct']} failed")
    return EXIT_FAILED if failed else 0


@command("tui", help="图形终端界面 (Textual desktop app)")
def tui_cmd() -> int:
    from tui import run_tui

    run_tui(existing_db())
    return 0


def _idle_option(f: Callable) -> Callable:
    return click.option(
        "--idle-timeout", type=float, default=120.0, show_default=True, help="无操作多少秒后回到欢迎页"
    )(f)


def _log_option(f: Callable) -> Callable:
    return click.option(
        "--log",
        type=click.Path(dir_okay=False, path_type=Path),
        help="未回答问题日志 (default $DISCLOSURE_BOT_KIOSK_LOG or the user data dir)",
    )(f)


@command("kiosk", help="大厅自助终端模式 (public self-service kiosk)")
@_idle_option
@click.option(
    "--pin-hash",
    help="维护人员退出 PIN 的哈希 (默认读 $DISCLOSURE_BOT_KIOSK_PIN_HASH；生成：disclosure-bot hash-pin)",
)
@_log_option
@click.option("--no-restart", is_flag=True, help="出错后不自动重启 (do not restart after an error)")
def kiosk_cmd(idle_timeout: float, pin_hash: str | None, log: Path | None, no_restart: bool) -> int:
    from tui import run_kiosk

    run_kiosk(
        existing_db(), idle_timeout=idle_timeout, pin_hash=pin_hash, log_path=log, restart=not no_restart
    )
    return 0


@command("serve", help="通过浏览器提供自助终端 (the kiosk in a browser, textual-serve)")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@_idle_option
@_log_option
@click.option("--public-url", help="反向代理后的公开地址 (public URL behind a proxy)")
def serve_cmd(host: str, port: int, idle_timeout: float, log: Path | None, public_url: str | None) -> int:
    from tui import serve

    serve(
        host=host,
        port=port,
        db_path=existing_db(),
        idle_timeout=idle_timeout,
        log_path=log,
        public_url=public_url,
    )
    return 0


def _http_options(f: Callable) -> Callable:
    for option in reversed(
        (
            click.option("--host", default="127.0.0.1", show_default=True),
            click.option("--port", type=int, default=8000, show_default=True),
            click.option("--workers", type=int, default=1, show_default=True, help="uvicorn 工作进程数 (workers)"),
            click.option("--cors-origins", help="允许跨域调用的来源，逗号分隔；默认关闭 (CORS origins, off by default)"),
        )
    ):
        f = option(f)
    return f


@command("api", help="JSON HTTP API (POST /v1/ask, GET /v1/reports, /v1/source, /healthz; see web/)")
@_http_options
def api_cmd(host: str, port: int, workers: int, cors_origins: str | None) -> int:
    from web.server import serve_command

    serve_command(existing_db(), host, port, workers, False, cors_origins, None)
    return 0


@command("web", help="网页版自助终端：页面与 API (the kiosk as a web page, plus the API)")
@_http_options
@click.option("--idle-timeout", type=float, default=90.0, show_default=True, help="无操作多少秒后回到开始")
def web_cmd(host: str, port: int, workers: int, cors_origins: str | None, idle_timeout: float) -> int:
    from web.server import serve_command

    serve_command(existing_db(), host, port, workers, True, cors_origins, idle_timeout)
    return 0


@command("unanswered", help="自助终端里没答上的问题，按次数排序 (unanswered kiosk questions)")
@_log_option
@json_option
def unanswered_cmd(log: Path | None, as_json: bool) -> int:
    from tui.kiosk import default_log_path, unanswered_summary

    path = log or default_log_path()
    rows = unanswered_summary(path)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    con = output.console()
    if not rows:
        output.line(con, f"没有未回答的问题记录 (no unanswered questions logged): {path}")
        return 0
    output.table(
        con,
        ["次数 count", "状态 status", "问题 question"],
        ([n, st, q] for q, n, st in rows),
        justify={0: "right"},
    )
    return 0


@command("hash-pin", help="生成自助终端维护 PIN 的哈希 (PBKDF2; the PIN is read without echo)")
@click.option("--iterations", type=int, default=None)
def hash_pin_cmd(iterations: int | None) -> int:
    from tui.kiosk import PBKDF2_ITERATIONS, hash_pin

    pin = click.prompt("PIN", hide_input=True, confirmation_prompt="PIN (again)", err=True)
    if not pin:
        raise Failed("PIN 为空 (empty PIN)")
    print(hash_pin(pin, iterations=iterations or PBKDF2_ITERATIONS))
    return 0


# -- entry point -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (console script and ``python -m cli``)."""
    try:
        rv = cli.main(args=argv, prog_name="disclosure-bot", standalone_mode=False)
    except click.exceptions.Exit as e:  # --help, --version
        return e.exit_code
    except click.ClickException as e:  # usage errors (2) and Failed (1)
        e.show()
        return e.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # the last guard: a message, never a traceback
        click.echo(f"出错了 (error): {type(e).__name__}: {e}", err=True)
        return EXIT_FAILED
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":
    sys.exit(main())
