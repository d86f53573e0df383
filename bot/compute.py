"""Figures computed from figures, with exact decimals and the arithmetic shown.

A mixin of :class:`bot.core.Bot`: it uses the bot's ``db``, ``rules`` and ``catalog``.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from .answer import Answer
from .catalog import ReportInfo
from .entities import Entities, generic_words
from .query import (
    Figure,
    QueryLog,
    narrative_figure,
    rank_classes,
    rank_rows,
)
from .wording import (
    CONTAINERS,
    SANGONG,
    TOTALS,
    TWO,
    _direction,
    _fmt,
    _prefix,
    _source_text,
    _year_of,
)


class ComputeMixin:
    def _average(self, names, measure, report, log) -> Answer:
        """人均: an amount divided by the staff count the report states (在编人数)."""
        money = next((n for n in names if n != "在编人数"), None)
        if money is None:
            return Answer("", "no_answer", "请说明要按人平均的是哪一项金额。", intent="average")
        amount = self._figures(report, money, measure, log)
        people = [f for f in self._narrative_only(report, "在编人数", "actual", log) if f.unit == "人"]
        if not amount or amount[0].unit not in ("万元", "元") or not people or not people[0].value:
            return Answer(
                "", "no_answer", self.rules.templates["compute_average"].format(money=money), intent="average"
            )
        a, p = amount[0], people[0]
        exact = a.value / p.value
        shown = exact.quantize(TWO, ROUND_HALF_UP)
        body = (
            f"{report.label}中，{money} {_fmt(a.value)}{a.unit}，在编人数 {_fmt(p.value, '人')}人，人均约 "
            f"{_fmt(shown)}{a.unit}（{_fmt(a.value)} ÷ {_fmt(p.value, '人')}；出处：{_source_text(a.citation)}；"
            f"{_source_text(p.citation)}）。"
        )
        return Answer(
            "",
            "answered",
            body,
            intent="average",
            value=shown,
            unit=a.unit,
            confidence=0.7,
            citations=[a.citation, p.citation],
        )

    def _pair(self, names, measure, report, log) -> tuple[Figure, Figure] | Answer:
        got = []
        for n in names[:2]:
            figs = [f for f in self._figures(report, n, measure, log, wording=False) if f.unit != "%"]
            if not figs:
                return Answer(
                    "", "no_answer", self.rules.templates["compute_pair"].format(n=n), intent="compute"
                )
            got.append(figs[0])
        if got[0].unit != got[1].unit:
            return Answer("", "no_answer", "两个数字单位不同，无法直接计算。", intent="compute")
        return got[0], got[1]

    def _share(self, names, measure, report, log) -> Answer:
        T = self.rules.templates
        ents = self._ents
        unexplained = [
            p
            for p in (ents.rest.split() if ents else [])
            if len(p) >= 2 and p not in generic_words(self.rules)
        ]
        if len(names) == 1 and names[0] in CONTAINERS and unexplained:
            # "政府采购里服务类占比": the part is a narrative figure inside the named whole
            near = [names[0]] + [f for f, t in self.rules.synonyms.items() if t == names[0]]
            part = self._narrative_match(self._question, ents, report, log, near=near, money=True)
            whole = self._figures(report, names[0], measure, log, wording=False)
            if (
                part is not None
                and part.unit != "%"
                and whole
                and whole[0].unit == part.unit
                and whole[0].value
            ):
                pct = (part.value / whole[0].value * 100).quantize(TWO, ROUND_HALF_UP)
                label = part.citations[0].quote and self._last_context or "该项"
                body = self.rules.templates["compute_share"].format(
                    report_label=report.label,
                    label=label,
                    fmt_part_value=_fmt(part.value),
                    part_unit=part.unit,
                    names_0=names[0],
                    fmt_whole_0_value=_fmt(whole[0].value),
                    pct=pct,
                    source_text_part_citations_0=_source_text(part.citations[0]),
                    source_text_whole_0_citation=_source_text(whole[0].citation),
                )
                return Answer(
                    "",
                    "answered",
                    body,
                    intent="share",
                    value=pct,
                    unit="%",
                    confidence=0.75,
                    citations=[part.citations[0], whole[0].citation],
                )
        if unexplained and len(names) == 1:
            # words the subject does not explain ("服务类"): computing the subject's own share would
            # answer another question
            return Answer(
                "",
                "no_answer",
                self.rules.templates["compute_share_2"].format(join_unexplained="、".join(unexplained)),
                intent="share",
                suggestions=[self.rules.templates["compute_share_3"].format(names_0=names[0])],
            )
        part_name = names[0]
        if len(names) >= 2:
            whole_name = names[1]
        elif (
            part_name in TOTALS
            and self._conv is not None
            and [x for x in self._conv.recent if x != part_name]
        ):
            # "占总支出的比例呢" after a question about 基本支出: the part is the earlier subject
            whole_name = part_name
            part_name = [x for x in self._conv.recent if x != whole_name][-1]
        else:
            whole_name = "本年收入合计" if "收入" in part_name else "本年支出合计"
        if part_name == whole_name:
            return Answer(
                "",
                "clarify",
                self.rules.templates["compute_share_4"].format(whole_name=whole_name),
                intent="share",
                suggestions=[
                    self.rules.templates["compute_share_5"].format(whole_name=whole_name),
                    self.rules.templates["compute_share_6"].format(whole_name=whole_name),
                ],
                confidence=0.3,
            )
        pair = self._pair([part_name, whole_name], measure, report, log)
        if isinstance(pair, Answer):
            return pair
        a, b = pair
        if b.value == 0:
            return Answer(
                "",
                "no_answer",
                self.rules.templates["compute_share_7"].format(whole_name=whole_name),
                intent="share",
            )
        pct = (a.value / b.value * 100).quantize(TWO, ROUND_HALF_UP)
        body = T["share"].format(
            report=report.label,
            part=part_name,
            measure="",
            part_value=_fmt(a.value),
            unit=a.unit,
            whole=whole_name,
            whole_value=_fmt(b.value),
            value=pct,
        )
        body += self.rules.templates["compute_share_8"].format(
            source_text_a_citation=_source_text(a.citation), source_text_b_citation=_source_text(b.citation)
        )
        return Answer(
            "",
            "answered",
            body,
            intent="share",
            value=pct,
            unit="%",
            confidence=0.85,
            citations=[a.citation, b.citation],
        )

    def _difference(self, names, ents, report, log) -> Answer:
        T = self.rules.templates
        if len(names) >= 2:
            pair = self._pair(names, "actual", report, log)
            labels = names[:2]
        else:
            fa = self._figures(report, names[0], "actual", log)
            fb = self._figures(report, names[0], "budget", log)
            if not fa or not fb:
                return Answer(
                    "",
                    "no_answer",
                    self.rules.templates["compute_difference"].format(names_0=names[0]),
                    intent="compute",
                )
            pair = (fa[0], fb[0])
            labels = [
                self.rules.templates["compute_difference_2"].format(names_0=names[0]),
                self.rules.templates["compute_difference_3"].format(names_0=names[0]),
            ]
        if isinstance(pair, Answer):
            return pair
        a, b = pair
        diff = a.value - b.value
        direction = "多" if diff >= 0 else "少"
        body = T["difference"].format(
            report=report.label,
            a=labels[0],
            b=labels[1],
            measure="",
            a_value=_fmt(a.value),
            b_value=_fmt(b.value),
            unit=a.unit,
            direction=direction,
            value=_fmt(abs(diff)),
        )
        body += self.rules.templates["compute_difference_4"].format(
            source_text_a_citation=_source_text(a.citation), source_text_b_citation=_source_text(b.citation)
        )
        return Answer(
            "",
            "answered",
            body,
            intent="difference",
            value=abs(diff),
            unit=a.unit,
            confidence=0.85,
            citations=[a.citation, b.citation],
        )

    def _sum(self, names, measure, report, log) -> Answer:
        T = self.rules.templates
        figs = []
        for n in names[:6]:
            f = self._figures(report, n, measure, log)
            if not f:
                return Answer("", "no_answer", self.rules.templates["compute_sum"].format(n=n), intent="sum")
            figs.append(f[0])
        if len({f.unit for f in figs}) != 1:
            return Answer("", "no_answer", "这些数字单位不同，无法相加。", intent="sum")
        total = sum((f.value for f in figs), Decimal(0))
        parts = "，".join(f"{n} {_fmt(f.value)}{f.unit}" for n, f in zip(names, figs, strict=False))
        formula = " + ".join(_fmt(f.value) for f in figs)
        body = T["sum"].format(
            report=report.label, parts=parts, value=_fmt(total), unit=figs[0].unit, formula=formula
        )
        body += "出处：" + "；".join(_source_text(f.citation) for f in figs) + "。"
        return Answer(
            "",
            "answered",
            body,
            intent="sum",
            value=total,
            unit=figs[0].unit,
            confidence=0.85,
            citations=[f.citation for f in figs],
        )

    def _rank(self, text, ops, report, log, within: str | None = None) -> Answer:
        """Largest or smallest item: 项 of the expenditure table, 款 of the 基本支出 detail (optionally
        within 人员经费/公用经费), or 类 of the summary table."""
        T = self.rules.templates
        if within is None:
            within = "公用经费" if "公用经费" in text else ("人员经费" if "人员经费" in text else None)
        # "工资福利支出里哪一项最多": the items under a named 类
        codes = {v: k for k, v in self.catalog.codes.items()}
        parent = next(
            (
                codes[m.subject]
                for m in (self._ents.subjects if self._ents else [])
                if len(codes.get(m.subject, "")) in (3, 5)
            ),
            None,
        )
        if re.search(r"哪一?类|类级|大类", text):
            figs = rank_classes(self.db, log, report)
        else:
            economic = bool(within) or bool(re.search(r"经济分类|费用|基本支出|哪项费|明细|花在", text))
            economic = economic or bool(parent and parent.startswith("3"))
            figs = rank_rows(self.db, log, report, economic, within)
            if parent:
                figs = [
                    f for f in figs if f.citation.row and re.search(rf"(?:^|：){parent}\d", f.citation.row)
                ]
        if not figs:
            return Answer("", "no_answer", "报告中没有可以比较的分项数字。", intent="rank")
        f = figs[0] if "rank_min" not in ops else figs[-1]
        extreme = "最少" if "rank_min" in ops else "最多"
        body = T["rank"].format(
            report=report.label,
            table=f.citation.table,
            extreme=extreme,
            subject=f.subject,
            value=_fmt(f.value),
            unit=f.unit,
            n=len(figs),
        )
        body += self.rules.templates["compute_rank"].format(source_text_f_citation=_source_text(f.citation))
        return Answer(
            "",
            "answered",
            body,
            intent="rank",
            value=f.value,
            unit=f.unit,
            confidence=0.85,
            citations=[f.citation],
        )

    def _change(self, names, report, log, text: str = "") -> Answer:
        """Year-on-year change: computed when the report states both years' figures, otherwise as the
        report states it (the previous year is not in this year's tables)."""
        subject = names[0] if names else ""
        rows = log.run(
            self.db,
            "SELECT * FROM narrative_figures WHERE report_id = ? ORDER BY COALESCE(page, 0), line, id",
            [report.id],
        )
        want_pct = bool(re.search(r"百分|%|幅|比例|比率", text))
        forms = [subject] + [f for f, t in self.rules.synonyms.items() if t == subject and len(f) >= 2]
        if subject == SANGONG:
            forms = ["三公"]
        # both years stated: compute (在编人数 4 → 11)
        if subject and not want_pct:
            plain = [
                r
                for r in rows
                if any(f in r["context"] for f in forms)
                and not re.search(r"增加|减少|下降|降低|增长|上升|比|较", r["context"])
            ]

            def year(r: dict) -> int:
                return _year_of(
                    r["context"].replace(" ", ""), _prefix(r["sentence"], r["raw"]).replace(" ", ""), 0
                )

            this = [r for r in plain if year(r) == report.year]
            last = [r for r in plain if year(r) == report.year - 1]
            if this and last and this[0]["unit"] == last[0]["unit"]:
                a, b = narrative_figure(report, this[0], subject), narrative_figure(report, last[0], subject)
                diff = a.value - b.value
                word = "增加" if diff > 0 else ("减少" if diff < 0 else "持平")
                body = self.rules.templates["compute_change"].format(
                    report_label=report.label,
                    subject=subject,
                    report_year_1=report.year - 1,
                    fmt_b_value_b_unit=_fmt(b.value, b.unit),
                    b_unit=b.unit,
                    report_year=report.year,
                    fmt_a_value_a_unit=_fmt(a.value, a.unit),
                    a_unit=a.unit,
                    word=word,
                    fmt_abs_diff_a_unit=_fmt(abs(diff), a.unit),
                    source_text_b_citation=_source_text(b.citation),
                    source_text_a_citation=_source_text(a.citation),
                )
                return Answer(
                    "",
                    "answered",
                    body,
                    intent="change",
                    value=abs(diff),
                    unit=a.unit,
                    confidence=0.8,
                    citations=[b.citation, a.citation],
                )
        stated = [
            r
            for r in rows
            if re.search(
                rf"较上年|比上年|上年|与.{{0,10}}相比|[比较]\s*{report.year - 1}",
                _prefix(r["sentence"], r["raw"]),
            )
            and re.search(r"增加|减少|下降|降低|增长|上升|降幅|增幅", r["context"])
        ]
        if subject and subject not in TOTALS:
            # named in the sentence before the figure, or (a sentence earlier) in its section heading
            stated = [
                r
                for r in stated
                if any(f in _prefix(r["sentence"], r["raw"]) for f in forms)
                or any(f in re.sub(r"[\"“”]", "", (r["section_path"] or "").split(" > ")[-1]) for f in forms)
            ]
        units = ("%",) if want_pct else ("万元", "元", "人", "辆")
        chosen = [r for r in stated if r["unit"] in units]
        if not chosen:
            return Answer(
                "", "no_answer", f"报告没有给出{subject or '该项'}与上年相比的变化。", intent="change"
            )
        r = chosen[0]
        fig = narrative_figure(report, r, subject)
        body = self.rules.templates["compute_change_2"].format(
            report_label=report.label,
            r_sentence=r["sentence"],
            direction_r_context=_direction(r["context"]),
            fmt_fig_value_fig_unit=_fmt(fig.value, fig.unit),
            fig_unit=fig.unit,
            source_text_fig_citation=_source_text(fig.citation),
        )
        return Answer(
            "",
            "answered",
            body,
            intent="change",
            value=fig.value,
            unit=fig.unit,
            confidence=0.75,
            citations=[fig.citation],
        )

    def _budget_vs_actual(
        self, text: str, ents: Entities, report: ReportInfo, log: QueryLog
    ) -> Answer | None:
        """决算 against 年初预算 for the whole department, from the sentence that states both
        ("年初预算为576.61万元，支出决算为672.13万元"): the difference, or the completion rate."""
        rows = log.run(
            self.db,
            "SELECT * FROM narrative_figures WHERE report_id = ? AND unit IN ('万元', '元')"
            " ORDER BY COALESCE(page, 0), line, id",
            [report.id],
        )
        by_sentence: dict[tuple, list[dict]] = {}
        for r in rows:
            by_sentence.setdefault((r["page"], r["line"], r["sentence"]), []).append(r)
        for group in by_sentence.values():
            budget = [
                r
                for r in group
                if "预算" in r["context"].replace("一般公共预算", "") and "决算" not in r["context"]
            ]
            actual = [r for r in group if "决算" in r["context"]]
            if not budget or not actual or "三公" in group[0]["sentence"]:
                continue
            b, a = narrative_figure(report, budget[0], "预算"), narrative_figure(report, actual[0], "决算")
            if b.unit != a.unit or not b.value:
                continue
            if "rate" in ents.operations or re.search(r"百分|完成", text):
                rate = (a.value / b.value * 100).quantize(TWO, ROUND_HALF_UP)
                body = self.rules.templates["compute_budget_vs_actual"].format(
                    report_label=report.label,
                    budget_0_context=budget[0]["context"],
                    fmt_b_value=_fmt(b.value),
                    b_unit=b.unit,
                    actual_0_context=actual[0]["context"],
                    fmt_a_value=_fmt(a.value),
                    a_unit=a.unit,
                    rate=rate,
                    source_text_a_citation=_source_text(a.citation),
                )
                return Answer(
                    "",
                    "answered",
                    body,
                    intent="rate",
                    value=rate,
                    unit="%",
                    confidence=0.7,
                    citations=[a.citation],
                )
            diff = a.value - b.value
            word = "多" if diff >= 0 else "少"
            body = self.rules.templates["compute_budget_vs_actual_2"].format(
                report_label=report.label,
                budget_0_context=budget[0]["context"],
                fmt_b_value=_fmt(b.value),
                b_unit=b.unit,
                actual_0_context=actual[0]["context"],
                fmt_a_value=_fmt(a.value),
                a_unit=a.unit,
                word=word,
                fmt_abs_diff=_fmt(abs(diff)),
                source_text_a_citation=_source_text(a.citation),
            )
            return Answer(
                "",
                "answered",
                body,
                intent="difference",
                value=abs(diff),
                unit=a.unit,
                confidence=0.7,
                citations=[a.citation],
            )
        return None
