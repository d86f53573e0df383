"""One figure for one subject: the tables first, then the narrative, in the unit asked.

A mixin of :class:`bot.core.Bot`: it uses the bot's ``db``, ``rules`` and ``catalog``.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from knowledge.model import Citation

from .answer import Answer
from .catalog import ReportInfo
from .conversation import Conversation
from .entities import Entities, Match, generic_words
from .query import (
    Figure,
    QueryLog,
    empty_table_for,
    narrative_figure,
    sangong_figures,
    search_sentences,
    table_figures,
)
from .wording import (
    CONTAINERS,
    SANGONG,
    TOTALS,
    TWO,
    _bigrams,
    _clause,
    _fmt,
    _prefix,
    _residue_word,
    _source_text,
    _year_of,
    requested_unit,
)


class FiguresMixin:
    def _measure(self, ents: Entities, conv: Conversation | None, follow_up: bool) -> str:
        for m in ents.measures:
            if m in ("actual", "budget"):
                return m
        if follow_up and conv and conv.measure:
            return conv.measure
        return "actual"

    def _figures(
        self,
        report: ReportInfo,
        subject: str,
        measure: str,
        log: QueryLog,
        code: str | None = None,
        question: str = "",
        own_year: bool = False,
        wording: bool = True,
    ) -> list[Figure]:
        """Figures for one subject and measure: the tables first, then the narrative.

        A question about another year than the report's (2023 in a 2024 report, 上年) is answered
        from the narrative only, unless ``own_year`` says the report was chosen for that year.
        """
        m = self.rules.measures[measure]
        columns = list(m.columns)
        if report.kind == "预算":
            # a budget report's tables hold budgets under plain column names (合计, 预算数)
            measure = "budget"
            m = self.rules.measures["budget"]
            columns = m.columns + [c for c in self.rules.measures["actual"].columns if c not in m.columns]
        ents = self._ents
        if (
            ents
            and not own_year
            and (
                [y for y in ents.years if y != report.year]
                or (ents.relative_year in ("上年", "上一年") and "change" not in ents.operations)
            )
        ):
            return self._narrative_only(report, subject, measure, log, wording)
        sangong_parts = {
            SANGONG,
            *self.rules.groups.get(SANGONG, []),
            *self.rules.groups.get("公务用车购置及运行维护费", []),
        }
        if subject in sangong_parts:
            return (
                sangong_figures(self.db, log, report, subject, m.label)
                or self._narrative_only(report, subject, measure, log, wording)
                or table_figures(self.db, log, report, subject, columns, code)
            )
        figs = table_figures(self.db, log, report, subject, columns, code)
        if figs:
            return figs
        for other in self.rules.fallbacks.get(subject, []):
            figs = table_figures(self.db, log, report, other, columns)
            if figs:
                return figs
        return self._narrative_only(report, subject, measure, log, wording)

    def _narrative_only(
        self, report: ReportInfo, subject: str, measure: str, log: QueryLog, wording: bool = True
    ) -> list[Figure]:
        # the narrative: figures whose clause (or, weaker, whose sentence before them) names the subject
        forms = [subject] + [f for f, s in self.rules.synonyms.items() if s == subject and len(f) >= 2]
        if subject == SANGONG:
            forms = ["三公"]
        rows = log.run(
            self.db,
            "SELECT * FROM narrative_figures WHERE report_id = ? ORDER BY COALESCE(page, 0), line, id",
            [report.id],
        )
        ents = self._ents
        other_years = [y for y in (ents.years if ents else []) if y != report.year]
        previous = bool(ents and ents.relative_year in ("上年", "上一年") and "change" not in ents.operations)
        question = (ents.plain if ents and ents.plain else self._question) if wording else subject
        # the measure's own words are weighed by the measure term below, not again as wording
        measure_words = [w for m in self.rules.measures.values() for w in m.words]
        for f in sorted(forms, key=len, reverse=True):
            question = question.replace(f, " ")
        worded = _bigrams(question)  # all wording, measure words included (年初预算 vs 全年预算)
        for f in sorted(measure_words, key=len, reverse=True):
            question = question.replace(f, " ")
        rest = _bigrams(question)
        wants_rate = wording and bool(re.search(r"率|占|比例|百分", self._question))
        unexplained = (
            _bigrams(" ".join(p for p in ents.rest.split() if p not in generic_words(self.rules)))
            if ents and wording
            else set()
        )
        scored = []
        for r in rows:
            ctx = r["context"].replace(" ", "").replace(report.department, "")
            pre = _prefix(r["sentence"], r["raw"]).replace(" ", "").replace(report.department, "")
            in_ctx = any(f in ctx for f in forms)
            in_pre = any(f in pre for f in forms)
            # the sentence before may name it: then the section heading does ("十、…“三公”经费…")
            in_section = any(f in (r["section_path"] or "").split(" > ")[-1] for f in forms)
            if not (in_ctx or in_pre or in_section):
                continue
            if r["unit"] == "%" and not wants_rate:
                continue
            year = _year_of(ctx, pre, report.year)
            if other_years or previous:
                wanted = set(other_years) | ({report.year - 1} if previous else set())
                if year not in wanted and not (previous and re.search(r"上年|上一年", ctx)):
                    continue
            elif year != report.year or re.search(r"上年|上一年", ctx):
                continue
            if re.search(r"较上年|比上年|减少|增加|下降|降低|增长|降幅|增幅", ctx) and not previous:
                continue
            plain = ctx.replace("一般公共预算", "")
            budget = "预算" in plain and "决算" not in plain
            score = (2.0 if in_ctx else 1.0 if in_pre else 0.5) + 1.5 * len(rest & _bigrams(ctx))
            score += 0.5 * len((worded - rest) & _bigrams(ctx))
            if subject in ctx:
                score += (
                    0.5  # the subject's own name beats a looser synonym ("政府采购支出总额" vs "采购金额")
                )
            covered = bool(unexplained) and unexplained <= _bigrams(ctx)
            if (measure == "budget") != budget and not covered:
                continue  # a budget is not an answer about spending, nor the other way round
            score += 0.5 if (measure == "budget") == budget else -2.0
            score += (2.0 if r["unit"] == "%" else -2.0) if wants_rate else 0.0
            if unexplained:
                score += 4.0 * len(unexplained & _bigrams(ctx)) / len(unexplained)
            scored.append((score, r))
        scored.sort(key=lambda x: -x[0])
        return [narrative_figure(report, r, subject) for sc, r in scored[:3] if sc > 0]

    def _lookup(
        self, text, tokens, ents: Entities, report: ReportInfo, conv: Conversation | None, log
    ) -> Answer:
        T = self.rules.templates
        subjects = [m for m in ents.subjects]
        follow_up = False
        short_follow_up = len(text) <= 14 and (
            bool(ents.measures or ents.operations) or re.search(r"呢|那|还有|的话", text) is not None
        )
        pair_words = re.search(r"两个|两者|两项|二者|它们|这两|哪个多|哪个少|分别", text)
        if (
            conv
            and len(subjects) < 2
            and pair_words
            and len(conv.recent) >= 2
            and ({"sum", "difference", "share"} & set(ents.operations) or "哪个" in text)
        ):
            names2 = [m.subject for m in subjects]
            extra = [x for x in conv.recent if x not in names2][-(2 - len(subjects)) :]
            subjects = subjects + [Match(x, x, 0, 0, 100.0, "conversation") for x in extra]
            if "哪个" in text and "difference" not in ents.operations:
                ents.operations.append("difference")
        if not subjects and conv and conv.subjects and len(_bigrams(ents.rest)) >= 2:
            near = [
                x for n in conv.subjects for x in [n] + [f for f, t in self.rules.synonyms.items() if t == n]
            ]
            found = self._narrative_match(text, ents, report, log, near=near)
            if found is not None:
                return found
        if not subjects and conv and conv.subjects and short_follow_up and len(_bigrams(ents.rest)) < 2:
            ents.ambiguous = []
            subjects = [Match(s, s, 0, 0, 100.0, "conversation") for s in conv.subjects]
            follow_up = True
        elif subjects and conv and conv.subjects and re.search(r"呢|那", text) and not ents.measures:
            follow_up = True
        if ents.ambiguous and not subjects and requested_unit(text) in ("辆", "人", "人次", "台(套)", "个"):
            found = self._narrative_match(text, ents, report, log, unit=requested_unit(text))
            if found is not None:
                return found
        if ents.ambiguous and not subjects:
            return Answer(
                "",
                "clarify",
                T["clarify"].format(subject=_residue_word(text, self.rules)),
                intent="lookup",
                suggestions=[self.rules.templates["figures_lookup"].format(s=s) for s in ents.ambiguous[:6]],
                confidence=0.3,
            )
        if not subjects:
            if {"rank_max", "rank_min"} & set(ents.operations):
                return self._rank(text, ents.operations, report, log)
            if "change" in ents.operations:
                if re.search(r"总|全部|整体|收支|支出|收入", text):
                    return self._change(["本年支出合计"], report, log, text)
                return Answer(
                    "",
                    "clarify",
                    "请问您想了解哪一项与上年相比的变化？",
                    intent="change",
                    suggestions=["总支出比上年下降了多少", "三公经费比上年减少了多少"],
                    confidence=0.3,
                )
            total_words = r"花|支出|用了|开支|收入|总计|合计|决算|总额" + (
                r"|预算" if report.kind == "预算" else ""
            )
            if not (set(ents.rest.split()) - {"收入", "支出", "收支", "总", "全部"}) and re.search(
                total_words, text
            ):
                total = "本年收入合计" if "收入" in text and "支出" not in text else "本年支出合计"
                subjects = [Match(total, total, 0, 0, 90.0, "total")]
            else:
                if {"actual", "budget"} <= set(ents.measures) or (
                    "rate" in ents.operations and "budget" in ents.measures
                ):
                    found = self._budget_vs_actual(text, ents, report, log)
                    if found is not None:
                        return found
                wanted = requested_unit(text)
                if wanted in ("辆", "人", "人次", "台(套)", "个"):
                    found = self._narrative_match(text, ents, report, log, unit=wanted)
                    if found is not None:
                        return found
                found = self._narrative_match(text, ents, report, log)
                if found is not None:
                    return found
                if ents.measures or ents.operations:
                    if conv is not None:
                        conv.measure = next(
                            (m for m in ents.measures if m in ("actual", "budget")), conv.measure
                        )
                        conv.pending = True
                    return Answer(
                        "",
                        "clarify",
                        "请问您想了解哪一项的数字？例如：",
                        intent="lookup",
                        suggestions=self.rules.examples[:4],
                        confidence=0.2,
                    )
                found = self._sentence_match(text, tokens, ents, report, log)
                if found is not None:
                    return found
                return Answer(
                    "", "no_answer", T["no_subject"].format(examples=self._examples()), intent="lookup"
                )
        if conv is not None and conv.pending and not ents.measures:
            follow_up = True
        measure = self._measure(ents, conv, follow_up)
        ops = list(ents.operations)
        if follow_up and not ops and conv and conv.operation and not ents.measures:
            ops = [conv.operation] if conv.operation in ("share",) and not ents.subjects else []
        if conv is not None:
            conv.pending = False
            for m in subjects:
                if m.subject in conv.recent:
                    conv.recent.remove(m.subject)
                conv.recent.append(m.subject)
            conv.recent[:] = conv.recent[-4:]
            conv.subjects = [m.subject for m in subjects]
            conv.measure = measure
            conv.operation = ops[0] if ops else None
        names = [m.subject for m in subjects]
        specific = [n for n in names if n not in CONTAINERS]
        combine = bool({"share", "difference", "sum", "average"} & set(ops)) or re.search(
            r"和|与|及|跟|、", text
        )
        if len(names) > 1 and not combine:
            keep = specific or names[-1:]  # "一般公共预算财政拨款基本支出": the narrower, named last
            names = keep
            subjects = [m for m in subjects if m.subject in keep]
        if "average" in ops:
            return self._average(names, measure, report, log)
        if set(names) <= TOTALS | {"一般公共预算财政拨款支出"} and (
            "rate" in ops or ({"actual", "budget"} <= set(ents.measures) and "difference" in ops)
        ):
            found = self._budget_vs_actual(text, ents, report, log)
            if found is not None:
                return found
        if "rank_max" in ops or "rank_min" in ops:
            return self._rank(text, ops, report, log)
        if "share" in ops:
            return self._share(names, measure, report, log)
        if "change" in ops:
            return self._change(names, report, log, text)
        if "difference" in ops and (len(names) >= 2 or len(set(ents.measures) & {"actual", "budget"}) == 2):
            return self._difference(names, ents, report, log)
        if "sum" in ops and len(names) >= 2:
            return self._sum(names, measure, report, log)
        if len(names) >= 2 and re.search(r"和|与|及|跟|、", text) and "sum" not in ops:
            # two subjects asked together: answer both, each cited
            return self._several(names, measure, report, log)
        code = subjects[0].surface if subjects[0].method == "code" else None
        return self._single(names[0], measure, report, log, code, subjects[0])

    def _single(self, subject, measure, report, log, code=None, match: Match | None = None) -> Answer:
        T = self.rules.templates
        figs = self._figures(report, subject, measure, log, code, question=self._question)
        mlabel = self.rules.measures[measure].label
        ents = self._ents
        other_year = bool(
            ents and ([y for y in ents.years if y != report.year] or ents.relative_year in ("上年", "上一年"))
        )
        empty = None if figs or other_year else empty_table_for(self.db, log, report, subject)
        if not figs:
            if empty:
                why = empty["empty_reason"] or "该表无数据"
                c = Citation(
                    report=report.title,
                    table=empty["label"],
                    quote=why,
                    line=empty["line"],
                    page=empty["page"],
                )
                body = T["lookup_zero"].format(
                    report=report.label, subject=subject, measure=mlabel, source=_source_text(c), why=why
                )
                return Answer(
                    "",
                    "answered",
                    body,
                    intent="lookup",
                    value=Decimal("0.00"),
                    unit=empty["unit"],
                    confidence=0.9,
                    citations=[c],
                )
            if not other_year:
                none = self._says_none(report, subject, log)
                if none is not None:
                    return none
            if measure == "budget" and not other_year and self._figures(report, subject, "actual", log, code):
                return Answer(
                    "",
                    "no_answer",
                    self.rules.templates["figures_single"].format(subject=subject),
                    intent="lookup",
                )
            when = ""
            if other_year and ents:
                years = [y for y in ents.years if y != report.year]
                when = self.rules.templates["figures_single_2"].format(years_0=years[0]) if years else "上年"
            return Answer(
                "",
                "no_answer",
                self.rules.templates["figures_single_3"].format(when=when, subject=subject, mlabel=mlabel),
                intent="lookup",
                suggestions=self.rules.examples[:3],
            )
        best = figs[0]
        conf = (
            0.95
            if not match or match.method in ("exact", "code", "conversation")
            else min(0.9, match.score / 100)
        )
        body = T["lookup"].format(
            report=report.label,
            subject=subject,
            measure=("" if best.citation.table is None else self._measure_word(best, mlabel, report)),
            value=_fmt(best.value, best.unit),
            unit=best.unit,
            source=_source_text(best.citation),
        )
        if best.citation.table is None:
            body = T["narrative"].format(
                report=report.label,
                context=_clause(best),
                value=_fmt(best.value, best.unit),
                unit=best.unit,
                source=_source_text(best.citation),
            )
        ans = Answer(
            "",
            "answered",
            body,
            intent="lookup",
            value=best.value,
            unit=best.unit,
            confidence=conf,
            citations=[best.citation],
        )
        if best.empty_cell:
            ans.text = body.rstrip("。") + "，表中该栏为空，即为 0。"
        others = [
            f
            for f in figs[1:]
            if f.value != best.value
            and f.unit == best.unit
            and f.citation.table
            and not f.empty_cell
            and not best.empty_cell
            # only a 科目 (by its code) must agree across tables; totals of different tables
            # (财务收支总表 vs 财政拨款收支总表) legitimately differ
            and re.match(r"^(?:\S+：)?\d{3,7} ", best.citation.row or "")
            and re.match(r"^(?:\S+：)?\d{3,7} ", f.citation.row or "")
        ]
        if others:
            o = others[0]
            note = self.rules.templates["figures_single_4"].format(
                o_citation_table=o.citation.table,
                fmt_o_value=_fmt(o.value),
                o_unit=o.unit,
                best_citation_table=best.citation.table,
            )
            ans.notes.append(note)
            ans.text += note
            ans.citations.append(o.citation)
        return ans

    def _says_none(self, report: ReportInfo, subject: str, log: QueryLog) -> Answer | None:
        """A sentence saying the unit has none of it ("…无机关运行经费。"): zero, with that sentence."""
        forms = [subject] + [f for f, t in self.rules.synonyms.items() if t == subject and len(f) >= 3]
        for form in forms:
            for r in search_sentences(self.db, log, report, [form], limit=20):
                sent = re.sub(r"[\"“”]", "", r["text"])
                if re.search(rf"(?:无|没有|未发生|不存在)[^，,。；]{{0,6}}{re.escape(form)}", sent):
                    from .query import sentence_citation

                    c = sentence_citation(report, r)
                    unit = "万元"  # zero is zero in any unit; 万元 is how narratives state amounts
                    body = self.rules.templates["figures_says_none"].format(
                        report_label=report.label,
                        subject=subject,
                        r_text=r["text"],
                        source_text_c=_source_text(c),
                    )
                    return Answer(
                        "",
                        "answered",
                        body,
                        intent="lookup",
                        value=Decimal("0.00"),
                        unit=unit,
                        confidence=0.8,
                        citations=[c],
                    )
        return None

    def _measure_word(self, f: Figure, mlabel: str, report: ReportInfo | None = None) -> str:
        col = f.column or ""
        if col and col == f.subject:
            return "决算数" if report is None or report.kind == "决算" else "预算数"
        if report is not None and report.kind == "预算":
            return "预算数"
        if "预算" in col:
            return "预算数"
        if "决算" in col or col in ("本年支出合计", "本年收入合计", "金额", "合计"):
            return "决算数"
        return col

    def _several(self, names, measure, report, log) -> Answer:
        parts, cites = [], []
        for n in names[:4]:
            figs = self._figures(report, n, measure, log)
            if not figs:
                return self._single(n, measure, report, log)
            parts.append(f"{n} {_fmt(figs[0].value)}{figs[0].unit}（{_source_text(figs[0].citation)}）")
            cites.append(figs[0].citation)
        return Answer(
            "",
            "answered",
            self.rules.templates["figures_several"].format(report_label=report.label)
            + "；".join(parts)
            + "。",
            intent="lookup",
            confidence=0.85,
            citations=cites,
        )

    def _in_requested_unit(
        self, answer: Answer, text: str, ents: Entities, report: ReportInfo, log
    ) -> Answer:
        """The answer in the unit the question asks for, or an honest "not given".

        Money converts exactly between 元 and 万元 (rounded to 分 for display, the exact value kept
        in the sentence). A question about a count (几辆, 多少人次) or a rate (百分之几) is never
        answered with an amount of money: the narrative is searched for a figure in that unit.
        """
        wanted = requested_unit(text)
        if answer.status != "answered" or answer.value is None or not wanted or answer.unit == wanted:
            return answer
        if wanted == "个" and answer.unit in ("人", "家", "项", "辆"):
            return answer  # 几个 counts people and things alike
        money = ("元", "万元")
        if wanted == "元" and answer.unit == "万元":
            answer.text += "（报告此处只给出以万元为单位的数字。）"
            return answer
        if wanted in money and answer.unit in money:
            exact = answer.value * 10000 if wanted == "元" else answer.value / 10000
            shown = exact.quantize(TWO, ROUND_HALF_UP)
            answer.text += (
                self.rules.templates["figures_in_requested_unit"].format(fmt_shown=_fmt(shown), wanted=wanted)
                + (
                    ""
                    if shown == exact
                    else self.rules.templates["figures_in_requested_unit_2"].format(
                        exact=exact, wanted=wanted
                    )
                )
                + "。"
            )
            answer.value, answer.unit = shown, wanted
            return answer
        if wanted == "%" and answer.unit != "%" or wanted not in money and wanted != "%":
            found = self._narrative_match(text, ents, report, log, unit=wanted)
            if found is not None:
                return found
            return Answer(
                "",
                "no_answer",
                self.rules.templates["figures_in_requested_unit_3"].format(wanted=wanted),
                intent=answer.intent,
                suggestions=self.rules.examples[:3],
            )
        return answer
