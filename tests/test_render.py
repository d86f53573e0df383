"""The render stage handed a computed ``Result`` directly: the sentence, value, unit and citations
it says come from the Result and the templates of rules/zh/templates.yaml alone, and a compute
handler's answer is exactly what render says of the Result built from the same figures."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from bot import render
from bot.entities import Entities
from bot.handlers import compute, figures
from bot.query import Context, QueryLog
from bot.stages import Part, Result
from bot.wording import _fmt


@pytest.fixture(scope="module")
def setting(bot):
    ctx = Context(db=bot.db, catalog=bot.catalog, rules=bot.rules, ents=Entities(), log=QueryLog())
    report = bot.catalog.reports[0]

    def figure(name: str, measure: str = "actual"):
        return figures.find_figures(ctx, report, name, measure, wording=False)[0]

    return ctx, report, figure("办公费"), figure("邮电费")


def test_a_sum_is_said_with_its_parts_its_arithmetic_and_each_source(setting):
    ctx, report, office, post = setting
    result = Result(
        "sum", Decimal("10.21"), "万元", (Part("办公费", office), Part("邮电费", post)), report, "sum", 0.85
    )
    answer = render.computed(ctx.rules, result)
    assert answer.status == "answered" and answer.intent == "sum" and answer.confidence == 0.85
    assert (answer.value, answer.unit) == (Decimal("10.21"), "万元")
    assert answer.text.startswith(
        f"{report.label}中，办公费 9.37万元，邮电费 0.84万元，合计 10.21万元（9.37 + 0.84）。出处："
    )
    assert answer.text.endswith("30207 邮电费，决算数，第285行。") and "30201 办公费" in answer.text
    assert answer.citations == [office.citation, post.citation]


def test_a_difference_says_its_direction_from_the_result(setting):
    ctx, report, office, post = setting
    parts = (Part("邮电费", post), Part("办公费", office))
    less = Result("difference", Decimal("8.53"), "万元", parts, report, "difference", 0.85, direction=-1)
    text = render.sentence(ctx.rules, less)
    assert "邮电费 0.84万元，办公费 9.37万元，邮电费比办公费少 8.53万元（0.84 − 9.37）" in text
    more = dataclasses.replace(less, direction=1)
    assert "邮电费比办公费多 8.53万元" in render.sentence(ctx.rules, more)


def test_a_part_not_cited_is_named_but_its_citation_left_out(setting):
    """The 预算 stated in the same sentence as the 决算: one citation, both figures said."""
    ctx, report, office, post = setting
    parts = (Part("年初预算为", post, cited=False), Part("支出决算为", office))
    answer = render.computed(
        ctx.rules,
        Result("budget_difference", Decimal("8.53"), "万元", parts, report, "difference", 0.7, direction=1),
    )
    assert "年初预算为 0.84万元，支出决算为 9.37万元，决算比预算多 8.53万元（9.37 − 0.84；" in answer.text
    assert answer.citations == [office.citation]


def test_the_sentence_is_the_templates_not_the_code(setting):
    """Another template for a sum gives another sentence: the wording lives in the rules."""
    ctx, report, office, post = setting
    rules = dataclasses.replace(
        ctx.rules, templates={**ctx.rules.templates, "sum": "{formula} = {value}{unit}"}
    )
    result = Result(
        "sum", Decimal("10.21"), "万元", (Part("办公费", office), Part("邮电费", post)), report, "sum", 0.85
    )
    assert render.sentence(rules, result).startswith("9.37 + 0.84 = 10.21万元出处：")


def test_every_formula_is_said_with_each_of_its_figures(setting):
    """A ranking and a change the report states are about one figure; the rest about two."""
    ctx, report, office, post = setting
    two = (Part("邮电费", post, share=Decimal("8.23")), Part("办公费", office, share=Decimal("91.77")))
    for formula in render._SENTENCES:
        parts = two[:1] if formula in ("rank", "change_stated", "change_corrected", "change_unchanged") else two
        result = Result(formula, Decimal("8.96"), "%", parts, report, "share", 0.8, total=Decimal("10.21"))
        text = render.sentence(ctx.rules, result)
        assert all(_fmt(p.figure.value) in text for p in parts) and report.label in text, formula
    assert "9.37" not in render.sentence(
        ctx.rules, Result("rank", post.value, post.unit, two[:1], report, "rank", 0.85)
    )


def test_a_change_the_report_words_the_wrong_way_is_said_as_its_figures_show(setting):
    ctx, report, office, post = setting
    stated = (Part("较上年减少0.84万元", post),)
    corrected = Result(
        "change_corrected", post.value, post.unit, stated, report, "change", 0.7, direction=1, said="减少"
    )
    text = render.sentence(ctx.rules, corrected)
    assert "实为增加 0.84万元" in text and "报告原文写作“减少”" in text
    as_stated = dataclasses.replace(corrected, formula="change_stated", direction=0)
    assert "即与上年相比减少 0.84万元" in render.sentence(ctx.rules, as_stated)


@pytest.mark.parametrize(
    ("compute_it", "result"),
    [
        (
            lambda ctx, report: compute.sum_of(ctx, ["办公费", "邮电费"], "actual", report),
            lambda office, post, report: Result(
                "sum",
                Decimal("10.21"),
                "万元",
                (Part("办公费", office), Part("邮电费", post)),
                report,
                "sum",
                0.85,
            ),
        ),
        (
            lambda ctx, report: compute.share(ctx, ["邮电费", "办公费"], "actual", report),
            lambda office, post, report: Result(
                "share",
                Decimal("8.96"),
                "%",
                (Part("邮电费", post), Part("办公费", office)),
                report,
                "share",
                0.85,
            ),
        ),
    ],
)
def test_a_compute_handler_answers_what_render_says_of_its_result(setting, compute_it, result):
    ctx, report, office, post = setting
    assert compute_it(ctx, report) == render.computed(ctx.rules, result(office, post, report))


def test_a_result_cannot_be_changed(setting):
    ctx, report, office, post = setting
    result = Result("sum", Decimal("10.21"), "万元", (Part("办公费", office),), report, "sum", 0.85)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = Decimal(0)  # type: ignore[misc]
