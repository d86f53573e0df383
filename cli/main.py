"""The ``disclosure-bot`` command: a thin layer over :mod:`knowledge` and :class:`bot.Bot`.

Every sub-command prints Chinese first, English second; bad input gives a message and a non-zero
exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_USAGE = 2
EXIT_FAILED = 1


def _db_path(args) -> Path:
    from knowledge.paths import default_db_path

    return Path(args.db) if args.db else default_db_path()


def _existing_db(args) -> Path | None:
    """The knowledge base to read: the default one is built on first use, a named one must exist."""
    from knowledge.paths import ensure_default_db

    path = _db_path(args)
    if not path.exists() and not args.db:
        ensure_default_db(path)
    if not path.exists():
        print(f"知识库不存在 (knowledge base not found): {path}", file=sys.stderr)
        return None
    return path


def _bot(args, readonly: bool = False):
    from bot.core import Bot

    path = _existing_db(args)
    if path is None:
        raise SystemExit(EXIT_FAILED)
    return Bot(path, readonly=readonly)


def cmd_ingest(args) -> int:
    from rich.console import Console
    from rich.progress import Progress

    from knowledge.ingest import expand, ingest
    from knowledge.store import open_db

    console = Console(stderr=True)
    files = expand(args.paths)
    if not files:
        console.print("[red]没有找到报告文件 (no report files found)[/red]")
        return EXIT_FAILED
    db = open_db(_db_path(args))
    with Progress(console=console, transient=True, disable=len(files) < 2) as progress:
        task = progress.add_task("导入中 (ingesting)", total=len(files))

        def advance(path: str, outcome) -> None:
            progress.update(task, description=f"导入 {Path(path).name}")
            progress.advance(task)

        outcomes = ingest(db, args.paths, args.department, args.year, args.kind, progress=advance)
    for o in outcomes:
        if o.status == "failed":
            where = o.path + (f":{o.line}" if o.line else "")
            console.print(f"[red]失败 failed[/red] {where}: {o.message}")
        elif o.status == "ignored":
            console.print(f"[dim]忽略 ignored {o.path}（不是报告 not a report）[/dim]")
        else:
            word = {
                "ingested": "已导入 ingested",
                "skipped": "已存在 skipped",
                "replaced": "已更新 replaced",
            }[o.status]
            console.print(
                f"{word} {o.path} → {o.department} {o.year} {o.kind} "
                f"(findings {o.findings}, unplaced lines {o.unplaced})"
            )
    counts = {
        s: sum(1 for o in outcomes if o.status == s)
        for s in ("ingested", "replaced", "skipped", "failed", "ignored")
    }
    console.print(
        f"合计 summary: 导入 ingested {counts['ingested']}，更新 replaced {counts['replaced']}，"
        f"已存在 skipped {counts['skipped']}，失败 failed {counts['failed']}，忽略 ignored {counts['ignored']}"
    )
    if args.json:
        print(json.dumps([o.as_dict() for o in outcomes], ensure_ascii=False, indent=2))
    return EXIT_FAILED if counts["failed"] else 0


def cmd_reports(args) -> int:
    from knowledge.store import list_reports, open_db

    path = _existing_db(args)
    if path is None:
        return EXIT_FAILED
    rows = list_reports(open_db(path))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("知识库里还没有报告 (no reports yet)。用 disclosure-bot ingest 导入。")
    for r in rows:
        print(
            f"[{r['id']}] {r['department']} {r['year']}年 {r['kind']}  表 {r['tables_count']}  行 {r['rows_count']}"
            f"  未归位行 {r['unplaced_count']}  ← {r['source_path']}"
        )
    return 0


def cmd_check(args) -> int:
    from knowledge.store import open_db

    path = _existing_db(args)
    if path is None:
        return EXIT_FAILED
    db = open_db(path)
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
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for item in out:
        r = item["report"]
        print(
            f"== {r['department']} {r['year']}年 {r['kind']}：发现 {len(item['findings'])} 处不一致，"
            f"{len(item['unplaced'])} 行未能归位"
        )
        for f in item["findings"]:
            lines = ", ".join(str(c.get("line")) for c in f["citations"] if c.get("line"))
            print(f"  [{f['severity']}] {f['check_name']}: {f['message']} (行 {lines})")
        for u in item["unplaced"]:
            print(f"  [未归位 unplaced] 第{u['line']}行 {u['reason']}: {u['text'][:60]!r}")
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


def cmd_ask(args) -> int:
    from bot.core import Conversation

    bot = _bot(args)
    if args.batch:
        stream = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8")
        convs: dict[str, Conversation] = {}
        for n, line in enumerate(stream, 1):
            line = line.strip()
            if not line:
                continue
            try:
                item = json.loads(line)
                question = str(item.get("question", ""))
            except (json.JSONDecodeError, AttributeError):
                print(
                    json.dumps(
                        {
                            "id": None,
                            "status": "no_answer",
                            "answer": f"第{n}行不是 JSON (line {n} is not JSON)",
                        },
                        ensure_ascii=False,
                    )
                )
                continue
            conv = None
            if item.get("conversation") is not None:
                conv = convs.setdefault(str(item["conversation"]), Conversation())
            ans = bot.ask(question, conv, explain=args.explain)
            out = {"id": item.get("id"), **ans.as_dict()}
            if args.explain and ans.trace:
                out["explain"] = ans.trace.as_dict()
            print(json.dumps(out, ensure_ascii=False, default=str), flush=True)
        return 0
    question = " ".join(args.question)
    ans = bot.ask(question, explain=args.explain)
    if args.json:
        out = ans.as_dict()
        if args.explain and ans.trace:
            out["explain"] = ans.trace.as_dict()
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    else:
        _print_answer(ans, args.explain)
    return 0


def cmd_chat(args) -> int:
    from bot.core import Conversation

    bot = _bot(args)
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
        _print_answer(bot.ask(q, conv, explain=args.explain), args.explain)


def cmd_eval(args) -> int:
    from bot.evaluate import evaluate, print_report

    bot = _bot(args)
    results = evaluate(bot, args.file)
    print_report(results, verbose=args.verbose)
    wrong = sum(1 for r in results if r.outcome == "wrong")
    return EXIT_FAILED if wrong and args.fail_on_wrong else 0


def cmd_tui(args) -> int:
    from tui import run_tui

    path = _db_path(args)
    from knowledge.paths import ensure_default_db

    ensure_default_db(path)
    run_tui(path)
    return 0


def cmd_kiosk(args) -> int:
    from tui import run_kiosk

    path = _db_path(args)
    from knowledge.paths import ensure_default_db

    ensure_default_db(path)
    run_kiosk(path, idle_timeout=args.idle_timeout, pin_hash=args.pin_hash, log_path=args.log)
    return 0


def cmd_serve(args) -> int:
    from tui import serve

    path = _db_path(args)
    from knowledge.paths import ensure_default_db

    ensure_default_db(path)
    serve(host=args.host, port=args.port, db_path=path, idle_timeout=args.idle_timeout, log_path=args.log)
    return 0


def cmd_api(args, page: bool = False) -> int:
    """The JSON API (and, for ``web``, the kiosk page) on uvicorn; see web/."""
    from web.server import serve_command

    path = _existing_db(args)
    if path is None:
        return EXIT_FAILED
    serve_command(path, args.host, args.port, args.workers, page, args.cors_origins, getattr(args, "idle_timeout", None))
    return 0


def cmd_web(args) -> int:
    return cmd_api(args, page=True)


def cmd_unanswered(args) -> int:
    from tui.kiosk import default_log_path, unanswered_summary

    path = Path(args.log) if args.log else default_log_path()
    rows = unanswered_summary(path)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(f"没有未回答的问题记录 (no unanswered questions logged): {path}")
    for q, n, status in rows:
        print(f"{n:5d}  {status:9s}  {q}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="disclosure-bot",
        description="预算/决算公开报告问答机器人：每个数字都注明出处。Rules-based QA over budget disclosures.",
    )
    p.add_argument("--db", help="知识库文件 (knowledge base; default: user data dir, or $DISCLOSURE_BOT_DB)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("ingest", help="导入报告 (markdown / page-text JSON / PDF / folders)")
    s.add_argument("paths", nargs="+", help="报告文件或文件夹")
    s.add_argument("--department", help="覆盖识别出的部门名称")
    s.add_argument("--year", type=int, help="覆盖识别出的年度")
    s.add_argument("--kind", choices=["决算", "预算"], help="覆盖识别出的报告类型")
    s.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("reports", help="列出知识库里的报告")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_reports)

    s = sub.add_parser("check", help="一致性检查：报告自相矛盾之处与未归位的行")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("ask", help="回答一个问题")
    s.add_argument("question", nargs="*", help="问题，例如：三公经费多少")
    s.add_argument("--json", action="store_true", help="JSON 输出")
    s.add_argument("--explain", action="store_true", help="显示每个处理阶段的结果")
    s.add_argument("--batch", metavar="FILE", help="JSONL 批量提问 (- = 标准输入)")
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("chat", help="终端里逐行对话")
    s.add_argument("--explain", action="store_true")
    s.set_defaults(func=cmd_chat)

    s = sub.add_parser("eval", help="用问题集评测：正确 / 错误数字 / 漏答 / 拒答")
    s.add_argument("file", help="JSONL 问题集 (tests/questions/reference.jsonl)")
    s.add_argument("--verbose", "-v", action="store_true", help="列出每一题")
    s.add_argument("--fail-on-wrong", action="store_true", help="有错误数字时返回非零")
    s.set_defaults(func=cmd_eval)

    s = sub.add_parser("tui", help="图形终端界面 (Textual)")
    s.set_defaults(func=cmd_tui)

    s = sub.add_parser("kiosk", help="大厅自助终端模式")
    s.add_argument("--idle-timeout", type=float, default=120.0, help="无操作多少秒后回到欢迎页 (默认 120)")
    s.add_argument(
        "--pin-hash",
        help="维护人员退出 PIN 的哈希 (默认读 $DISCLOSURE_BOT_KIOSK_PIN_HASH；生成：python -m tui hash-pin)",
    )
    s.add_argument("--log", help="未回答问题日志 (默认 $DISCLOSURE_BOT_KIOSK_LOG 或用户数据目录)")
    s.set_defaults(func=cmd_kiosk)

    s = sub.add_parser("serve", help="通过浏览器提供自助终端 (textual-serve)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--idle-timeout", type=float, default=120.0)
    s.add_argument("--log", help="未回答问题日志")
    s.set_defaults(func=cmd_serve)

    for name, func, text in (
        ("api", cmd_api, "JSON HTTP API (POST /v1/ask …)"),
        ("web", cmd_web, "网页版自助终端 (kiosk page + API)"),
    ):
        s = sub.add_parser(name, help=text)
        s.add_argument("--host", default="127.0.0.1")
        s.add_argument("--port", type=int, default=8000)
        s.add_argument("--workers", type=int, default=1, help="uvicorn 工作进程数")
        s.add_argument("--cors-origins", help="允许跨域调用的来源，逗号分隔 (默认关闭)")
        if name == "web":
            s.add_argument("--idle-timeout", type=float, default=90.0, help="无操作多少秒后回到开始 (默认 90)")
        s.set_defaults(func=func)

    s = sub.add_parser("unanswered", help="自助终端里没答上的问题，按次数排序")
    s.add_argument("--log", help="日志文件")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_unanswered)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    if args.command == "ask" and not args.question and not args.batch:
        print("请给出问题，例如：disclosure-bot ask 三公经费多少 (a question is required)", file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # the last guard: a message, never a traceback
        print(f"出错了 (error): {type(e).__name__}: {e}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
