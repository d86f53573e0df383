"""How the CLI prints: rich tables on a terminal, plain unwrapped lines in a pipe, never markup.

Every value that comes from a file, a report or the user (paths, messages, department names) is
printed as :class:`rich.text.Text`, so ``[/…]`` or ``[bold red]`` in it is shown as written and can
neither crash rich's markup parser nor colour the output. Lines are never wrapped in a pipe
(``soft_wrap``): a path stays whole for ``grep`` and ``cut``. Rich honours ``TTY_COMPATIBLE``,
``FORCE_COLOR`` and ``COLUMNS`` (tests force a terminal of a given width with them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # rich is imported when something is printed through it, not by ``ask``
    from rich.console import Console
    from rich.text import Text

__all__ = ["console", "line", "table"]


def console(stderr: bool = False) -> Console:
    """A console that never interprets markup or highlights numbers in printed values."""
    from rich.console import Console

    return Console(stderr=stderr, markup=False, highlight=False, emoji=False)


def line(out: Console, *parts: str | tuple[str, str]) -> None:
    """One unwrapped line; each part is plain text or ``(text, style)`` (the style is ours, the text never markup)."""
    from rich.text import Text

    text = Text.assemble(*parts)
    if out.is_terminal:
        out.print(text, soft_wrap=True)
    else:  # as written: no tab expansion, no styles, no wrapping
        out.file.write(text.plain + "\n")
        out.file.flush()


def _cell(value: Any) -> Text:
    from rich.text import Text

    return value if isinstance(value, Text) else Text("" if value is None else str(value))


def table(
    out: Console,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title: str | None = None,
    justify: dict[int, str] | None = None,
    wide: int | None = None,
) -> None:
    """Rows as a rich table on a terminal, or as tab-separated lines (with a header) in a pipe.

    ``wide`` is the column (a message) that takes the room the others leave on a terminal.
    """
    rows = list(rows)
    if not out.is_terminal:
        if title:
            line(out, title)
        line(out, "\t".join(columns))
        for r in rows:
            line(out, "\t".join("" if v is None else str(v) for v in r))
        return
    from rich.table import Table
    from rich.text import Text

    t = Table(
        title=Text(title, style="bold") if title else None, title_justify="left", expand=wide is not None
    )
    for i, c in enumerate(columns):
        t.add_column(
            Text(c),
            justify=(justify or {}).get(i, "left"),  # type: ignore[arg-type]
            overflow="fold",
            ratio=1 if i == wide else None,
            no_wrap=wide is not None and i != wide and i < wide,
        )
    for r in rows:
        t.add_row(*(_cell(v) for v in r))
    out.print(t)
