"""Headings run into their text with no separator (a page body pasted as one line or one <p>),
cut by structure: the numbering mark, then a known section or subject name (rules/zh/stated.yaml
``heading_names`` and the subjects' phrases), or a heading's closing word followed by an item's
number — never where the cut would change a figure the text states. Real bodies: the 平潭 pages
(../shared/pingtan), read line by line and run together."""

from __future__ import annotations

import html
import re

import pytest

from knowledge.html_reader import parse_html
from knowledge.stated import from_report
from knowledge.text_reader import parse_text, split_long_line
from tests.test_html_reader import PINGTAN, _body_lines, _html_page, _sections, needs_pingtan


def both(stem: str):
    lines = _body_lines(stem)
    by_line = parse_text("\n".join(lines), "lines.txt")
    one_line = parse_text(lines[0] + "\n" + "".join(lines[1:]), "one.txt")
    return by_line, one_line


def section(report, heading: str):
    found = [s for s in report.sections if s.heading == heading]
    assert found, [s.heading for s in report.sections]
    return found[0]


@needs_pingtan
def test_subject_named_heading_run_into_its_text():
    # "（二）公务接待费2016年预算安排5万元。…（三）公务用车购置及运行费在我区单位公务用车制度改革…"
    by_line, one_line = both("beicuo-town-2016-budget")
    assert _sections(one_line) == _sections(by_line)
    car = section(one_line, "(三)公务用车购置及运行费")
    assert car.path[0] == "七、一般公共预算“三公”经费支出情况"
    assert car.text.startswith("在我区单位公务用车制度改革实施方案未出台前")
    assert "公务用车购置及运行费在我区" not in section(one_line, "(二)公务接待费").text


@needs_pingtan
def test_first_item_heading_after_a_colon_run_into_its_text():
    # "…控制数7.6万元。其中：（一）公务用车购置及运行费在我区单位…"
    by_line, one_line = both("investment-bureau-2016-budget")
    car = section(one_line, "(一)公务用车购置及运行费")
    assert car.text.startswith("在我区单位公务用车制度改革实施方案未出台前")
    before_attachments = lambda t: t.split("附件")[0].strip()  # noqa: E731 (the list that follows)
    assert before_attachments(car.text) == before_attachments(
        section(by_line, "(一)公务用车购置及运行费").text
    )


@needs_pingtan
def test_section_name_heading_before_a_figure_and_before_an_item_number():
    # "…征地拆迁工作经费收入370万元。二、支出预算财政支出的安排2393.3万元，…"
    # "…略有结余。四、2016年财政主要工作任务1努力挖掘税源，…"
    by_line, one_line = both("zhonglou-township-2016-budget")
    spending = section(one_line, "二、支出预算")
    assert spending.text.startswith("财政支出的安排2393.3万元")
    assert "2393.3" not in section(one_line, "一、收入预算").text
    tasks = section(one_line, "四、2016年财政主要工作任务")
    assert tasks.text.startswith("1努力挖掘税源")
    for heading in ("一、收入预算", "二、支出预算", "三、结余情况"):
        assert section(one_line, heading).text == section(by_line, heading).text


@needs_pingtan
def test_run_together_page_body_reads_the_same_sections():
    """The same body as one <p> of a web page (RUN_TOGETHER): the HTML path cuts it the same way."""
    lines = _body_lines("beicuo-town-2016-budget")
    by_line = parse_text("\n".join(lines), "lines.txt")
    page = _html_page([f"<p>{html.escape(lines[0])}</p>", "<p>" + html.escape("".join(lines[1:])) + "</p>"])
    assert _sections(parse_html(page, "one.html")) == _sections(by_line)


@needs_pingtan
@pytest.mark.parametrize("page", sorted(p.stem.removeprefix("pingtan-") for p in PINGTAN.glob("*.html")))
def test_run_together_body_states_the_same_figures(page):
    by_line, one_line = both(page)

    def stated(r):
        return {(f.subject, f.measure, f.year, f.value, f.derived) for f in from_report(r)}

    assert stated(one_line) == stated(by_line)


@pytest.mark.parametrize(
    "piece",
    [
        "（一）公务用车运行维护费2.17万元。（二）公务接待费2.01万元。",  # a figure follows the name
        "二、2014年基本支出120.46万元，项目支出万元，上缴上级支出万元。",  # an item stating a figure
        "（三）公务接待费支出2万元，主要用于接待。",  # cut, 支出2万元 would name nothing
        "（二）公务接待费，主要用于接待活动。",  # a separator follows: not run in
    ],
)
def test_items_that_state_their_figure_are_not_cut(piece):
    pieces = split_long_line("前文。" * 70 + piece)
    assert "".join(p for p in pieces if p != "前文。" * 70) == piece
    bare = re.compile(r"(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)[\u4e00-\u9fff]+")
    assert not [p for p in pieces if bare.fullmatch(p)], pieces


def test_a_run_in_subject_heading_is_cut():
    piece = "（三）公务用车购置及运行费在我区单位公务用车制度改革实施方案未出台前，暂按年初预算数执行。"
    assert split_long_line("前文。" * 70 + piece)[-2:] == [
        "（三）公务用车购置及运行费",
        "在我区单位公务用车制度改革实施方案未出台前，暂按年初预算数执行。",
    ]
