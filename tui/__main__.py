"""``python -m tui [tui|kiosk|serve|hash-pin|unanswered] …`` — see docs/tui.md."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tui", description="disclosure-bot 的终端界面 / terminal UI")
    sub = p.add_subparsers(dest="mode")

    t = sub.add_parser("tui", help="桌面问答界面 (default)")
    t.add_argument("--db", help="knowledge base (default: the bundled reference report)")

    k = sub.add_parser("kiosk", help="自助问答机 (read-only knowledge base)")
    k.add_argument("--db")
    k.add_argument("--idle-timeout", type=float, default=120.0, help="seconds (default 120)")
    k.add_argument(
        "--log", help="unanswered-question log (JSONL); default $DISCLOSURE_BOT_KIOSK_LOG or user data dir"
    )
    k.add_argument("--pin-hash", help="maintainer PIN hash; prefer $DISCLOSURE_BOT_KIOSK_PIN_HASH")
    k.add_argument("--no-restart", action="store_true", help="do not restart after an unexpected error")

    s = sub.add_parser("serve", help="serve the kiosk to browsers (textual-serve)")
    s.add_argument("--host", default="localhost")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--db")
    s.add_argument("--idle-timeout", type=float, default=120.0)
    s.add_argument("--log")
    s.add_argument("--public-url")

    h = sub.add_parser("hash-pin", help="print a pbkdf2_sha256 hash of a PIN (read without echo)")
    h.add_argument("--iterations", type=int, default=None)

    u = sub.add_parser("unanswered", help="unanswered kiosk questions, most frequent first")
    u.add_argument("--log")

    args = p.parse_args(argv)
    mode = args.mode or "tui"
    if mode == "tui":
        from . import run_tui

        run_tui(getattr(args, "db", None))
    elif mode == "kiosk":
        from . import run_kiosk

        run_kiosk(
            args.db,
            idle_timeout=args.idle_timeout,
            pin_hash=args.pin_hash,
            log_path=args.log,
            restart=not args.no_restart,
        )
    elif mode == "serve":
        from . import serve

        serve(
            args.host,
            args.port,
            db_path=args.db,
            idle_timeout=args.idle_timeout,
            log_path=args.log,
            public_url=args.public_url,
        )
    elif mode == "hash-pin":
        import getpass

        from .kiosk import PBKDF2_ITERATIONS, hash_pin

        pin = getpass.getpass("PIN: ")
        if not pin or pin != getpass.getpass("PIN (again): "):
            print("PINs differ or are empty", file=sys.stderr)
            return 1
        print(hash_pin(pin, iterations=args.iterations or PBKDF2_ITERATIONS))
    elif mode == "unanswered":
        from .kiosk import unanswered_summary

        for question, count, status in unanswered_summary(args.log):
            print(f"{count}\t{status}\t{question}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
