"""The desktop TUI, driven with Textual's pilot against the real bot and a temporary knowledge base."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Button, DataTable, Input, Static

from tui.app import AnswerBubble, CitationLink, DisclosureApp, SourcePane, SuggestionButton
from tui.common import answer_text, citation_label, figure_span

SIZE = (100, 30)


@pytest.fixture(scope="session")
def tui_built_kb(tmp_path_factory) -> Path:
    from knowledge.paths import ensure_default_db

    return ensure_default_db(tmp_path_factory.mktemp("tui-kb") / "kb.db")


@pytest.fixture
def kb_path(tui_built_kb, tmp_path) -> Path:
    path = tmp_path / "kb.db"
    shutil.copy(tui_built_kb, path)
    return path


def plain(widget: Static) -> str:
    content = widget.content
    if isinstance(content, Text):
        return content.plain
    return str(getattr(content, "plain", content))


def answer_texts(app: DisclosureApp) -> list[str]:
    return [plain(b.query_one(".answer-text", Static)) for b in app.query(AnswerBubble)]


async def submit(pilot, question: str) -> None:
    """Type a question (set directly: pilot.press cannot type full-width text) and press Enter."""
    app = pilot.app
    app.query_one("#question", Input).value = question
    app.query_one("#question", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


async def settle(pilot) -> None:
    """Wait for the answer: the bot is asked in a worker."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# -- helpers -------------------------------------------------------------------------------------
def test_figure_is_emphasised():
    text = "一般公共服务支出决算数为 637.38万元（公开01表，第67行）。"
    from decimal import Decimal

    start, end = figure_span(text, Decimal("637.38"))
    assert text[start:end] == "637.38万元"
    content = answer_text(text, Decimal("637.38"), style="bold", prefix="答：")
    assert content.plain == "答：" + text
    assert any(
        span.style == "bold" and content.plain[span.start : span.end] == "637.38万元"
        for span in content.spans
    )
    assert figure_span("第67行没有这个数", Decimal("1.5")) is None


def test_citation_label_names_table_row_column_line():
    from bot import Citation

    c = Citation(
        report="R", table="公开01表 收入支出决算总表", row="一般公共服务支出", column="金额", line=67
    )
    assert citation_label(c) == "公开01表 收入支出决算总表 · 行：一般公共服务支出 · 列：金额 · 第67行"


# -- the app ---------------------------------------------------------------------------------------
async def test_ask_shows_answer_with_figure_and_citation(kb_path):
    app = DisclosureApp(kb_path)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "一般公共服务支出多少")
        texts = answer_texts(app)
        assert len(texts) == 1
        assert "637.38万元" in texts[0]
        links = list(app.query(CitationLink))
        assert links and "公开01表" in plain(links[0])
        assert "第67行" in plain(links[0])
        assert app.query_one("#question", Input).value == ""
        assert app.answers[-1].status == "answered"


async def test_citation_opens_table_with_cited_row_under_cursor(kb_path):
    app = DisclosureApp(kb_path)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "一般公共服务支出多少")
        await pilot.click(app.query(CitationLink).last())
        await settle(pilot)
        table = app.query_one("#source-table", DataTable)
        assert table.display and table.row_count > 0
        source = app.bot.source(app.answers[-1].citations[0])
        assert source.kind == "table"
        assert table.cursor_row == source.highlight_row
        row_text = " ".join(str(c) for c in table.get_row_at(table.cursor_row))
        assert "一般公共服务支出" in row_text
        assert "637.38" in row_text.replace(" ", "")
        assert source.highlight_column is not None
        cursor_label = table.ordered_columns[table.cursor_column].label.plain
        assert cursor_label == source.columns[source.highlight_column] == "支出·金额"


async def test_keyboard_opens_section_with_quoted_sentence(kb_path):
    app = DisclosureApp(kb_path)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "三公经费多少")
        assert app.answers[-1].citations[0].section
        await pilot.press("f3")  # the latest answer's source
        await settle(pilot)
        cited = list(app.query("#source-section .sentence.-cited"))
        assert len(cited) == 1
        assert "三公" in plain(cited[0])
        assert isinstance(app.focused, CitationLink)
        await pilot.press("enter")  # Enter on the focused citation opens it again
        await settle(pilot)
        assert len(list(app.query("#source-section .sentence.-cited"))) == 1


async def test_follow_up_uses_one_conversation(kb_path):
    app = DisclosureApp(kb_path)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "三公经费多少")
        await submit(pilot, "预算呢")
        first, second = app.answers
        assert str(first.value) == "0.00"
        assert second.status == "answered" and str(second.value) == "1.93"
        assert "1.93万元" in answer_texts(app)[1]
        # a new conversation forgets the subject
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert not list(app.query(AnswerBubble))
        assert app.conversation.subjects == []


async def test_clarify_suggestions_are_buttons_that_ask(kb_path):
    app = DisclosureApp(kb_path)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "医疗")
        assert app.answers[-1].status == "clarify"
        buttons = list(app.query(SuggestionButton))
        assert [b.question for b in buttons] == app.answers[-1].suggestions
        target = next(b for b in buttons if b.question == "事业单位医疗多少")
        target.press()
        await settle(pilot)
        assert app.answers[-1].question == "事业单位医疗多少"
        assert app.answers[-1].status == "answered"
        assert "5.39万元" in answer_texts(app)[-1]


async def test_explain_panel_toggles_and_shows_trace(kb_path):
    app = DisclosureApp(kb_path)
    async with app.run_test(size=SIZE) as pilot:
        explain = app.query_one("#explain")
        assert not explain.display
        await submit(pilot, "办公费花了多少")
        await pilot.press("f2")
        await settle(pilot)
        assert explain.display
        text = plain(app.query_one("#explain-text", Static))
        assert "办公费花了多少" in text and "normalise" in text
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert not explain.display


async def test_narrow_terminal_stacks_panes(kb_path):
    app = DisclosureApp(kb_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await submit(pilot, "办公费花了多少")
        chat = app.query_one("#chat-pane").region
        side = app.query_one("#side").region
        assert side.y >= chat.bottom  # stacked
        assert app.query(AnswerBubble)
    app = DisclosureApp(kb_path)
    async with app.run_test(size=(140, 40)):
        chat = app.query_one("#chat-pane").region
        side = app.query_one("#side").region
        assert side.x >= chat.right  # side by side


async def test_command_palette_lists_commands(kb_path):
    app = DisclosureApp(kb_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await settle(pilot)
        from textual.command import CommandPalette

        assert CommandPalette.is_open(app)
        await pilot.press(*"xindh")  # 新对话 is not typable: search the example instead
        await pilot.press("escape")
        await settle(pilot)
        # run a palette command directly through the provider
        from tui.app import DisclosureCommands

        provider = DisclosureCommands(app.screen)
        titles = [t for t, _cb, _h in provider._commands()]
        assert "新对话" in titles and any(t.startswith("提问：") for t in titles)


async def test_single_report_has_no_picker(kb_path):
    app = DisclosureApp(kb_path)
    async with app.run_test(size=SIZE):
        assert len(app.reports) == 1
        assert not app.query("#report-select")
        assert not any(isinstance(b, Button) for b in app.query(SuggestionButton))


# -- snapshots -----------------------------------------------------------------------------------------
def test_snapshot_tui_welcome(kb_path, snap_compare):
    # settled first: on a loaded machine the welcome's workers may not have finished by the first frame
    assert snap_compare(DisclosureApp(kb_path), terminal_size=SIZE, run_before=settle)


def test_snapshot_tui_answer(kb_path, snap_compare):
    async def run_before(pilot):
        await submit(pilot, "一般公共服务支出多少")
        await pilot.press("f3")
        await settle(pilot)
        pilot.app.query_one(SourcePane)

    assert snap_compare(DisclosureApp(kb_path), terminal_size=SIZE, run_before=run_before)


# -- the source pane follows the answers (issue 15) ------------------------------------------------------
def _table_text(app: DisclosureApp) -> list[str]:
    table = app.query_one("#source-table", DataTable)
    return [" | ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_source_pane_follows_each_answer_with_clean_figures(kb_path):
    app = DisclosureApp(kb_path)
    async with app.run_test(size=SIZE) as pilot:
        switcher = app.query_one("#source-switcher")
        await submit(pilot, "办公费花了多少")  # a table figure: the table is shown at once, no key pressed
        assert switcher.current == "source-table"
        table = app.query_one("#source-table", DataTable)
        row = " | ".join(str(c) for c in table.get_row_at(table.cursor_row))
        assert "办公费" in row and "9.37" in row
        rows = _table_text(app)
        assert not any("9. 37" in r or "23. 87" in r for r in rows)  # the raw OCR spacing is gone
        assert any("23.87" in r for r in rows)
        # full names, never cut: "人员经费：工资福利支出" (wrapped in its column when long)
        assert any("人员经费：工资福利支出" in r for r in rows)
        quote = plain(app.query_one("#source-quote", Static))
        assert "9. 37" not in quote and "公开07表" in quote
        await submit(pilot, "三公经费多少")  # a narrative figure: the pane follows to the section
        assert switcher.current == "source-section"
        cited = list(app.query("#source-section .sentence.-cited"))
        assert len(cited) == 1 and "三公" in plain(cited[0])
        await submit(pilot, "你好啊")  # no citation: the pane says so instead of keeping the old source
        if not app.answers[-1].citations:
            assert switcher.current == "source-empty"
            assert "没有引用" in plain(app.query_one("#source-empty", Static))


async def test_the_screen_answers_keys_while_the_bot_works(kb_path):
    import threading

    app = DisclosureApp(kb_path)
    gate = threading.Event()
    real_ask = app.bot.ask

    def slow_ask(*args, **kwargs):
        gate.wait(10)
        return real_ask(*args, **kwargs)

    async with app.run_test(size=SIZE) as pilot:
        app.bot.ask = slow_ask
        app.query_one("#question", Input).value = "办公费花了多少"
        await pilot.press("enter")
        await pilot.pause()
        assert not app.answers and app.query(".bubble.waiting")  # still working…
        await pilot.press("f2")  # …and the app still handles keys
        await pilot.pause()
        assert app.query_one("#explain").display
        gate.set()
        await settle(pilot)
        assert app.answers and str(app.answers[-1].value) == "9.37"
        assert not app.query(".bubble.waiting")
