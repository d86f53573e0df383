"""``python -m tui [tui|kiosk|serve|hash-pin|unanswered] …`` — the same commands as ``disclosure-bot``.

Without a sub-command it starts the desktop TUI. See docs/tui.md.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from cli.main import main as cli_main

    args = list(sys.argv[1:] if argv is None else argv)
    if not any(a in ("tui", "kiosk", "serve", "hash-pin", "unanswered") for a in args) and not any(
        a in ("-h", "--help", "-V", "--version") for a in args
    ):
        args.append("tui")
    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
