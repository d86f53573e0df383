"""The desktop TUI: a chat with the bot beside the cited table or section.

Layout (wide)::

    ┌ Header ───────────────────────────────────────────────┐
    │ [报告 ▼]                   │ 出处                      │
    │ 问：三公经费多少             │ ┌ DataTable / 段落 ────┐ │
    │ 答：… **0.00万元** …        │ │ 科目编码 科目名称 …   │ │
    │   ▸ 出处：公开10表 …        │ └──────────────────────┘ │
    │ [ 请输入问题 … ]            │ 解释 (F2)                 │
    └ Footer ───────────────────────────────────────────────┘

Below 100 columns the panes stack (``-narrow`` breakpoint class on the screen).
The bot is asked in a Textual thread worker (``Bot`` serialises its own use), so a slow question
never freezes the screen; questions are answered one at a time, in the order asked. Each answer's
first citation is shown in the source pane as soon as the answer arrives.
"""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    ContentSwitcher,
    DataTable,
    Footer,
    Header,
    Input,
    Select,
    Static,
)

from .common import STATUS_LABELS, answer_text, citation_label, clean_figure, trace_lines

__all__ = ["AnswerBubble", "CitationLink", "DisclosureApp", "QuestionBubble", "SourcePane"]

MAX_QUESTION = 200
NAME_WIDTH = 20  # cells given to 科目名称 in the source table (long names wrap onto a second line)


class QuestionBubble(Static):
    """What the user asked."""

    def __init__(self, question: str) -> None:
        super().__init__(Text("问：" + question), classes="bubble question")
        self.question = question


class CitationLink(Static, can_focus=True):
    """One citation under an answer: Enter or a click shows it in the source pane."""

    BINDINGS = [Binding("enter,space", "select", "查看出处")]

    class Selected(Message):
        def __init__(self, link: CitationLink) -> None:
            super().__init__()
            self.link = link

        @property
        def citation(self) -> Any:
            return self.link.citation

    def __init__(self, citation: Any, index: int) -> None:
        label = Text("▸ 出处" + (f"{index + 1}" if index else "") + "：", style="bold")
        label.append(citation_label(citation))
        super().__init__(label, classes="citation")
        self.citation = citation
        self.index = index

    def action_select(self) -> None:
        self.post_message(self.Selected(self))

    def on_click(self) -> None:
        self.focus()
        self.action_select()


class SuggestionButton(Button):
    """A clarifying question the user can ask as it is."""

    def __init__(self, question: str) -> None:
        super().__init__(question, classes="suggestion", compact=True)
        self.question = question


class AnswerBubble(Vertical):
    """The bot's reply: the sentence (figure emphasised), its citations, notes and suggestions."""

    def __init__(self, answer: Any) -> None:
        super().__init__(classes=f"bubble answer -{answer.status}")
        self.answer = answer

    def compose(self) -> ComposeResult:
        a = self.answer
        yield Static(answer_text(a.text, a.value, prefix="答："), classes="answer-text")
        for i, c in enumerate(a.citations):
            yield CitationLink(c, i)
        if a.suggestions:
            with Horizontal(classes="suggestions"):
                for s in a.suggestions:
                    yield SuggestionButton(s)


class SourcePane(Vertical):
    """The cited table (cursor on the cited cell) or section (cited sentence highlighted)."""

    def compose(self) -> ComposeResult:
        yield Static("出处", id="source-title")
        with ContentSwitcher(initial="source-empty", id="source-switcher"):
            yield Static(
                "选中回答下面的“出处”（点击，或 Tab 到出处后按 Enter），这里会显示原表或原文。",
                id="source-empty",
            )
            yield DataTable(id="source-table", cursor_type="cell", zebra_stripes=True)
            yield VerticalScroll(id="source-section")
        yield Static("", id="source-quote")

    def show_message(self, message: str) -> None:
        self.query_one("#source-title", Static).update("出处")
        self.query_one("#source-empty", Static).update(message)
        self.query_one("#source-quote", Static).update("")
        self.query_one(ContentSwitcher).current = "source-empty"

    async def show(self, source: Any, citation: Any) -> None:
        title = getattr(source, "title", "") or citation_label(citation)
        self.query_one("#source-title", Static).update(Text(title, style="bold"))
        # The cited place, not the printed line: a table's raw line holds OCR text ("9. 37") that
        # the table below shows clean; a section's quoted sentence is highlighted in it.
        self.query_one("#source-quote", Static).update(Text("出处：" + citation_label(citation)))
        if getattr(source, "kind", "") == "table":
            self._show_table(source)
        else:
            await self._show_section(source)

    def _show_table(self, source: Any) -> None:
        table = self.query_one("#source-table", DataTable)
        table.clear(columns=True)
        columns = list(source.columns)
        rows = [list(r) for r in source.rows]
        hr = source.highlight_row
        hc = source.highlight_column
        # An all-empty 科目编码 column (ledger tables) only takes room: drop it.
        if columns[:1] == ["科目编码"] and not any(r and r[0] for r in rows):
            columns, rows = columns[1:], [r[1:] for r in rows]
            hc = None if hc is None else max(hc - 1, 0)
        # Keep 科目编码/科目名称 in view while the cursor sits on a column far to the right.
        table.fixed_columns = sum(1 for c in columns[:2] if c in ("科目编码", "科目名称"))
        for i, col in enumerate(columns):
            label = Text(col, style="bold reverse") if i == hc else col
            # long 科目名称 are cut (full text in the row's cells) so the figures stay in view
            width = NAME_WIDTH if col == "科目名称" else None
            table.add_column(label, key=f"c{i}", width=width)
        amounts = {i for i, c in enumerate(columns) if c not in ("科目编码", "科目名称")}
        for r, row in enumerate(rows):
            cells = [str(x) if x is not None else "" for x in row]
            cells += [""] * (len(columns) - len(cells))
            cells = [clean_figure(c) if i in amounts else c for i, c in enumerate(cells[: len(columns)])]
            style = "bold" if r == hr else ""
            # a 科目名称 longer than its column wraps (the full name, never cut); height follows it
            table.add_row(
                *[Text(c, style=style) for c in cells],
                key=f"r{r}",
                label="▶" if r == hr else None,
                height=None,
            )
        self.query_one(ContentSwitcher).current = "source-table"
        if hr is not None:
            table.move_cursor(row=hr, column=hc if hc is not None else 0, animate=False, scroll=True)
            table.call_after_refresh(table.move_cursor, row=hr, column=hc or 0, animate=False, scroll=True)

    async def _show_section(self, source: Any) -> None:
        box = self.query_one("#source-section", VerticalScroll)
        await box.remove_children()
        hs = getattr(source, "highlight_sentence", None)
        widgets = []
        for i, s in enumerate(getattr(source, "sentences", []) or []):
            w = Static(Text(s), classes="sentence -cited" if i == hs else "sentence")
            widgets.append(w)
        await box.mount_all(widgets)
        self.query_one(ContentSwitcher).current = "source-section"
        if hs is not None and 0 <= hs < len(widgets):
            box.call_after_refresh(box.scroll_to_widget, widgets[hs], animate=False, center=True)


class DisclosureCommands(Provider):
    """Command palette entries: new conversation, explain panel, the example questions."""

    def _commands(self) -> list[tuple[str, Any, str]]:
        app = self.app
        assert isinstance(app, DisclosureApp)
        out: list[tuple[str, Any, str]] = [
            ("新对话", app.action_new_conversation, "清空对话，重新开始（追问上下文也清空）"),
            ("显示/隐藏解释面板", app.action_toggle_explain, "查看回答的处理过程"),
            ("查看最新回答的出处", app.action_open_source, "在右侧显示最新回答引用的表或原文"),
            ("输入问题", app.action_focus_input, "把光标移到输入框"),
        ]
        for q in app.examples:
            out.append((f"提问：{q}", partial(app.ask, q), "示例问题"))
        return out

    async def discover(self) -> Hits:
        for text, callback, help in self._commands():
            yield DiscoveryHit(text, callback, help=help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help)


class DisclosureApp(App):
    """Ask about a budget disclosure report; every figure with its source one key away."""

    CSS_PATH = "app.tcss"
    TITLE = "部门决算公开问答"
    SUB_TITLE = "每个数字都注明出处"
    COMMANDS = App.COMMANDS | {DisclosureCommands}
    COMMAND_PALETTE_DISPLAY = "ctrl+p"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("f2", "toggle_explain", "解释", priority=True),
        # priority: the Input would take ctrl+e as "end of line"
        Binding("ctrl+e", "toggle_explain", "解释", show=False, priority=True),
        Binding("f3", "open_source", "出处"),
        Binding("ctrl+n", "new_conversation", "新对话"),
        Binding("escape", "focus_input", "输入", show=False),
        Binding("ctrl+q", "quit", "退出", priority=True),
    ]

    def __init__(self, db_path: str | Path | None = None, bot: Any = None) -> None:
        super().__init__()
        from bot import Bot, Conversation

        self.bot = bot if bot is not None else Bot(db_path)
        self.conversation = Conversation()
        self.answers: list[Any] = []
        self.report_id: int | None = None
        try:
            self.reports = self.bot.reports()
        except Exception:
            self.reports = []
        self._asking = asyncio.Lock()
        try:
            self.examples = self.bot.examples()
        except Exception:
            self.examples = []

    # -- layout ------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="chat-pane"):
                if len(self.reports) > 1:
                    yield Select(
                        [(self._report_label(r), r["id"]) for r in self.reports],
                        prompt="全部报告",
                        id="report-select",
                    )
                with VerticalScroll(id="chat"):
                    yield Static(self._welcome(), id="welcome", classes="bubble answer")
                yield Input(
                    placeholder="请输入问题，例如：三公经费多少", id="question", max_length=MAX_QUESTION
                )
            with Vertical(id="side"):
                yield SourcePane(id="source")
                with VerticalScroll(id="explain"):
                    yield Static("", id="explain-text")
        yield Footer()

    @staticmethod
    def _report_label(r: dict) -> str:
        return f"{r.get('department', '')} {r.get('year', '')}年{r.get('kind', '')}"

    def _welcome(self) -> Text:
        t = Text("您好！我只根据已收录的公开报告回答，每个数字都注明出处。", style="bold")
        if len(self.reports) == 1:
            t.append("\n当前报告：" + (self.reports[0].get("title") or self._report_label(self.reports[0])))
        if self.examples:
            t.append("\n可以这样问：" + "、".join(f"“{e}”" for e in self.examples[:4]))
        return t

    def on_mount(self) -> None:
        self.query_one("#question", Input).focus()

    def get_system_commands(self, screen: Screen):
        for cmd in super().get_system_commands(screen):
            if cmd.title not in ("Keys", "Screenshot"):
                yield cmd
        yield SystemCommand("新对话", "清空对话和追问上下文", self.action_new_conversation)
        yield SystemCommand("解释面板", "显示/隐藏回答的处理过程", self.action_toggle_explain)

    # -- asking ------------------------------------------------------------------------
    @on(Input.Submitted, "#question")
    def _submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        event.input.value = ""
        if question:
            self.ask(question)

    def ask(self, question: str) -> Any:
        """Ask in the background (a Textual worker); the answer appears in the chat when it is ready."""
        return self.run_worker(self.ask_and_show(question), group="ask")

    async def ask_and_show(self, question: str) -> Any:
        """Ask the bot off the UI thread, append the exchange to the chat, show its source; returns the Answer."""
        question = question[:MAX_QUESTION]
        async with self._asking:  # one at a time: a follow-up needs the previous answer's context
            chat = self.query_one("#chat", VerticalScroll)
            await chat.mount(QuestionBubble(question))
            waiting = Static("…正在查找", classes="bubble waiting")
            await chat.mount(waiting)
            chat.scroll_end(animate=False)
            worker = self.run_worker(partial(self._ask_bot, question), thread=True, group="bot")
            try:
                answer = await worker.wait()
            except Exception:
                answer = None
            finally:
                await waiting.remove()
            if answer is None:
                await chat.mount(Static("答：抱歉，出错了，请换个问法再试。", classes="bubble answer -error"))
                return None
            self.answers.append(answer)
            await chat.mount(AnswerBubble(answer))
            chat.call_after_refresh(chat.scroll_end, animate=False)
            self._update_explain()
            await self._follow(answer)
        return answer

    def _ask_bot(self, question: str) -> Any:
        """Runs in a thread worker."""
        try:
            return self.bot.ask(question, self.conversation, explain=True, report_id=self.report_id)
        except TypeError:  # a bot without report selection
            return self.bot.ask(question, self.conversation, explain=True)

    async def _follow(self, answer: Any) -> None:
        """The source pane follows the newest answer: its first citation, or a note that it has none."""
        if answer.citations:
            await self.show_source(answer.citations[0])
        else:
            self.query_one(SourcePane).show_message("这个回答没有引用报告里的表或原文。")

    @on(Button.Pressed, ".suggestion")
    def _suggestion(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button
        if isinstance(button, SuggestionButton):
            self.ask(button.question)
            self.query_one("#question", Input).focus()

    @on(Select.Changed, "#report-select")
    def _report_changed(self, event: Select.Changed) -> None:
        self.report_id = None if event.value is Select.NULL else int(event.value)
        self.conversation.reset()

    # -- sources -------------------------------------------------------------------------
    @on(CitationLink.Selected)
    async def _citation_selected(self, event: CitationLink.Selected) -> None:
        await self.show_source(event.citation)

    async def show_source(self, citation: Any) -> None:
        pane = self.query_one(SourcePane)
        try:
            source = self.bot.source(citation)
        except Exception:
            source = None
        if source is None:
            pane.show_message(
                "未能打开这个出处。"
                + citation_label(citation)
                + ("\n原文：" + citation.quote if citation.quote else "")
            )
            return
        await pane.show(source, citation)

    async def action_open_source(self) -> None:
        for answer in reversed(self.answers):
            if answer.citations:
                await self.show_source(answer.citations[0])
                links = list(self.query(CitationLink))
                if links:
                    links[-len(answer.citations)].focus()
                return
        self.notify("还没有带出处的回答。", severity="warning")

    # -- explain -------------------------------------------------------------------------
    def action_toggle_explain(self) -> None:
        self.query_one("#explain").toggle_class("-visible")
        self._update_explain()

    def _update_explain(self) -> None:
        text = Text("解释（F2 关闭）\n", style="bold")
        if not self.answers:
            text.append("还没有回答。")
        else:
            a = self.answers[-1]
            text.append(f"问题：{a.question}\n状态：{STATUS_LABELS.get(a.status, a.status)}")
            if a.intent:
                text.append(f"　意图：{a.intent}")
            text.append(f"　置信度：{a.confidence:.2f}\n")
            for stage, value in trace_lines(a.trace):
                text.append(f"{stage}：", style="bold")
                text.append(value + "\n")
        self.query_one("#explain-text", Static).update(text)

    # -- misc ------------------------------------------------------------------------------
    def action_focus_input(self) -> None:
        self.query_one("#question", Input).focus()

    async def action_new_conversation(self) -> None:
        self.conversation.reset()
        self.answers.clear()
        chat = self.query_one("#chat", VerticalScroll)
        await chat.query(".bubble").exclude("#welcome").remove()
        self.query_one(SourcePane).show_message("选中回答下面的“出处”，这里会显示原表或原文。")
        self._update_explain()
        self.action_focus_input()
