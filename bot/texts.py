"""Answers that are sentences of the report: definitions, reasons, duties, 绩效, matched wording.

A mixin of :class:`bot.core.Bot`: it uses the bot's ``db``, ``rules`` and ``catalog``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from knowledge.model import Citation

from .answer import Answer
from .catalog import ReportInfo
from .entities import Entities, generic_words
from .query import (
    QueryLog,
    narrative_figure,
    narrative_figures,
)
from .wording import (
    NARRATIVE_MARGIN,
    NARRATIVE_MIN_COVER,
    SANGONG,
    _bigrams,
    _fmt,
    _pieces,
    _prefix,
    _source_text,
)


class TextsMixin:
    def _sentence_answer(self, r: dict, report: ReportInfo, intent: str, template: str = "text") -> Answer:
        from .query import sentence_citation

        c = sentence_citation(report, r)
        T = self.rules.templates
        body = T[template].format(text=r["text"], sentence=r["text"], source=_source_text(c))
        return Answer("", "answered", body, intent=intent, confidence=0.8, citations=[c])

    def _section_answer(self, headings: list[str], report: ReportInfo, log: QueryLog, intent: str) -> Answer:
        rows: list[dict] = []
        for heading in headings:
            rows = [
                r
                for r in log.run(
                    self.db,
                    "SELECT * FROM sections WHERE report_id = ? AND heading LIKE ?"
                    " ORDER BY COALESCE(page, 0), line LIMIT 3",
                    [report.id, f"%{heading}%"],
                )
                if r["text"] and "目录" not in r["path"]
            ]
            if rows:
                break
        if not rows:
            return Answer(
                "",
                "no_answer",
                self.rules.templates["texts_section_answer"].format(headings_0=headings[0]),
                intent=intent,
            )
        r = rows[0]
        c = Citation(
            report=report.title, section=r["path"], quote=r["text"][:300], line=r["line"], page=r["page"]
        )
        return Answer(
            "", "answered", f"{r['text']}（{_source_text(c)}）", intent=intent, confidence=0.9, citations=[c]
        )

    def _definition(self, text, ents, report, log) -> Answer:
        T = self.rules.templates
        names = [m.subject for m in ents.subjects] + [m.surface for m in ents.subjects] + ents.ambiguous
        rows = []
        for n in names:
            rows = log.run(
                self.db,
                "SELECT * FROM terms WHERE report_id = ? AND (term = ? OR term LIKE ?)",
                [report.id, n, f"%{n}%"],
            )
            if rows:
                break
        if not rows:
            if re.search(r"自评|绩效|结论", text):
                return self._performance(text, ents, report, log)
            found = self._sentence_match(text, self._tokens(text), ents, report, log)
            if found is not None:
                return found  # "公用经费主要包括什么" answered by the sentence that says so
            if names:
                return Answer(
                    "",
                    "no_answer",
                    self.rules.templates["texts_definition"].format(names_0=names[0]),
                    intent="definition",
                )
            found = self._narrative_match(text, ents, report, log)  # "主管部门是哪个" and the like
            if found is not None:
                return found
            return Answer(
                "", "no_answer", T["no_subject"].format(examples=self._examples()), intent="definition"
            )
        r = rows[0]
        c = Citation(
            report=report.title,
            section="名词解释",
            row=r["term"],
            quote=f"{r['term']}：{r['definition']}",
            line=r["line"],
            page=r["page"],
        )
        return Answer(
            "",
            "answered",
            T["definition"].format(term=r["term"], definition=r["definition"], source=_source_text(c)),
            intent="definition",
            confidence=0.95,
            citations=[c],
        )

    def _reason(self, text, tokens, ents, report, conv, log) -> Answer:
        """The sentence in which the report explains what the question asks about.

        Candidates are sentences that give a reason (原因/由于/导致…) or say that something does not
        exist (无/没有…); they are ranked by naming the subject (in the sentence or its heading), by
        the direction the question asks about (增加/减少…), and by shared wording.
        """
        subjects = [m.subject for m in ents.subjects] or (conv.subjects if conv else [])
        forms: list[str] = []
        for subject in subjects[:2]:
            forms += [subject] + [f for f, t in self.rules.synonyms.items() if t == subject and len(f) >= 2]
            if subject == SANGONG:
                forms.append("三公")
        rows = log.run(
            self.db,
            "SELECT s.*, c.path AS section_path FROM sentences s JOIN sections c ON c.id = s.section_id"
            " WHERE s.report_id = ? ORDER BY COALESCE(s.page, 0), s.line",
            [report.id],
        )
        asked = re.findall(r"增加|减少|下降|降低|增长|上升|追加|调整|差异|没有|无", text)
        want = _bigrams(ents.plain or text)
        best, best_score = None, 0.0
        for r in rows:
            sent = re.sub(r"[\"“”]", "", r["text"])
            heading = re.sub(r"[\"“”]", "", (r["section_path"] or "").split(" > ")[-1])
            gives_reason = re.search(r"原因|由于|因为|导致|主要是|系", sent)
            says_none = forms and any(f in sent for f in forms) and re.search(r"无|没有|未发生|不是", sent)
            if not (gives_reason or says_none) or "目录" in (r["section_path"] or ""):
                continue
            score = 1.0 if gives_reason else 0.5
            if forms and any(f in sent for f in forms):
                score += 2.0
            elif forms and any(f in heading for f in forms):
                score += 1.5
            score += 1.0 * sum(1 for w in set(asked) if w in sent)
            score += 0.3 * len(want & _bigrams(sent))
            if score > best_score:
                best, best_score = r, score
        if best is None or (forms and best_score < 2.0):
            return Answer("", "no_answer", "报告中没有找到相关原因的说明。", intent="reason")
        return self._sentence_answer(best, report, "reason", template="reason")

    def _performance(self, text, ents, report, log) -> Answer:
        subj = ents.subjects[0].subject if ents.subjects else None
        if subj and subj in self.catalog.indicators:
            rows = log.run(
                self.db,
                "SELECT i.*, p.project FROM performance_indicators i JOIN performance_projects p"
                " ON p.id = i.project_id WHERE i.report_id = ? AND i.name = ?",
                [report.id, subj],
            )
            if rows:
                r = rows[0]
                c = Citation(
                    report=report.title,
                    table="项目支出绩效自评表",
                    row=r["name"],
                    column="实际完成值",
                    quote=self.rules.templates["texts_performance"].format(
                        r_name=r["name"], r_target=r["target"], r_actual=r["actual"]
                    ),
                    line=r["line"],
                    page=r["page"],
                )
                body = self.rules.templates["texts_performance_2"].format(
                    r_project=r["project"],
                    r_name=r["name"],
                    r_target=r["target"],
                    r_actual=r["actual"],
                    r_weight=r["weight"],
                    r_score=r["score"],
                    source_text_c=_source_text(c),
                )
                return Answer("", "answered", body, intent="performance", confidence=0.9, citations=[c])
        fund = next(
            (
                k
                for k in ("年初预算数", "全年预算数", "全年执行数", "执行数", "执行率", "分值", "得分")
                if k.rstrip("数") in text
            ),
            None,
        )
        if fund and re.search(r"自评表|绩效表|(元)|多少元", text):
            rows = log.run(self.db, "SELECT * FROM performance_projects WHERE report_id = ?", [report.id])
            import json as _json

            for r in rows:
                funds = _json.loads(r["funds"] or "{}")
                key = "全年执行数" if fund == "执行数" else fund
                if funds.get(key) is not None:
                    v = Decimal(funds[key])
                    unit = "%" if key == "执行率" else ("分" if key in ("分值", "得分") else r["unit"])
                    c = Citation(
                        report=report.title,
                        table="项目支出绩效自评表",
                        row=self.rules.templates["texts_performance_3"].format(r_project=r["project"]),
                        column=key,
                        quote=self.rules.templates["texts_performance_4"].format(
                            key=key, funds_key=funds[key]
                        ),
                        line=r["line"],
                        page=r["page"],
                    )
                    body = self.rules.templates["texts_performance_5"].format(
                        r_project=r["project"],
                        key=key,
                        fmt_v=_fmt(v),
                        unit=unit,
                        source_text_c=_source_text(c),
                    )
                    return Answer(
                        "",
                        "answered",
                        body,
                        intent="performance",
                        value=v,
                        unit=unit,
                        confidence=0.85,
                        citations=[c],
                    )
        words = (
            ["得分"]
            if re.search(r"得分|多少分|评分|打了", text)
            else (["执行率"] if "执行率" in text else [])
        )
        figs = narrative_figures(self.db, log, report, words) if words else []
        if not figs and not words:
            if "主管部门" in text:
                found = self._project_field(
                    report, log, "department", "主管部门", "“{project}”项目的主管部门是{value}"
                )
                if found is not None:
                    return found
            if re.search(r"结论|评价等级|评级", text):
                found = self._project_field(
                    report, log, "conclusion", "自评结论", "“{project}”项目绩效自评结论为“{value}”"
                )
                if found is not None:
                    return found
            # a fact the narrative states about the self-evaluation (自评覆盖率, 涉及资金, 几个项目)
            found = self._narrative_match(text, self._ents or Entities(), report, log)
            if found is not None:
                return found
            found = self._sentence_match(text, self._tokens(text), self._ents or Entities(), report, log)
            if found is not None:
                return found
            hits = sorted(
                i for i in self.catalog.indicators if any(w in i for w in _pieces(text, self.rules))
            )
            if hits:
                return Answer(
                    "",
                    "clarify",
                    "您问的可能是以下绩效指标，请选一个：",
                    intent="performance",
                    suggestions=[self.rules.templates["texts_performance_6"].format(h=h) for h in hits[:6]],
                    confidence=0.3,
                )
            return self._lookup(text, [], Entities(), report, None, log)
        if figs:
            f = narrative_figure(report, figs[0], words[0])
            T = self.rules.templates
            body = T["narrative"].format(
                report=report.label,
                context=figs[0]["context"],
                value=_fmt(f.value),
                unit=f.unit,
                source=_source_text(f.citation),
            )
            return Answer(
                "",
                "answered",
                body,
                intent="performance",
                value=f.value,
                unit=f.unit,
                confidence=0.8,
                citations=[f.citation],
            )
        return Answer("", "no_answer", "报告中没有找到绩效自评的相关内容。", intent="performance")

    def _project_field(
        self, report: ReportInfo, log: QueryLog, field: str, label: str, sentence: str
    ) -> Answer | None:
        """A field of the 绩效自评表 (主管部门, 自评结论) as a cited sentence."""
        rows = log.run(self.db, "SELECT * FROM performance_projects WHERE report_id = ?", [report.id])
        rows = [r for r in rows if r[field]]
        if not rows:
            return None
        r = rows[0]
        c = Citation(
            report=report.title,
            table="项目支出绩效自评表",
            row=r["project"],
            column=label,
            quote=f"{label} {r[field]}",
            line=r["line"],
            page=r["page"],
        )
        body = sentence.format(project=r["project"], value=r[field]) + f"（{_source_text(c)}）。"
        return Answer("", "answered", body, intent="performance", confidence=0.8, citations=[c])

    def _sentence_match(
        self, text: str, tokens: list[str], ents: Entities, report: ReportInfo, log: QueryLog
    ) -> Answer | None:
        """A sentence of the narrative that says what a text question asks ("有没有纳入财政重点项目
        绩效评价", "公用经费主要包括什么"), kept only when it covers most of the question's own words
        (the threshold is shown by --explain)."""
        plain = ents.plain or text
        want = _bigrams(re.sub(r"多少|什么|哪个|哪些|是否|有没有|吗|呢|的|了|是|谁|现在|主要", " ", plain))
        if len(want) < 2:
            return None
        # one report's sentences (a few hundred) are scanned directly: full text over all reports
        # would cost more than it saves once the knowledge base holds thousands of reports
        rows = log.run(
            self.db,
            "SELECT s.*, c.path AS section_path FROM sentences s JOIN sections c ON c.id = s.section_id"
            " WHERE s.report_id = ?",
            [report.id],
        )
        best, best_cover = None, 0.0
        for r in rows:
            if "目录" in (r["section_path"] or ""):
                continue
            cover = len(want & _bigrams(r["text"].replace(" ", ""))) / len(want)
            if cover > best_cover:
                best, best_cover = r, cover
        if self._trace is not None:
            self._trace.add(
                "sentence_match",
                {
                    "want": sorted(want),
                    "cover": round(best_cover, 2),
                    "threshold": 0.75,
                    "sentence": best["text"] if best else None,
                },
            )
        if best is None or best_cover < 0.75:
            return None
        return self._sentence_answer(best, report, "text")

    def _narrative_match(
        self,
        text: str,
        ents: Entities,
        report: ReportInfo,
        log: QueryLog,
        near: list[str] | None = None,
        unit: str | None = None,
        money: bool = False,
    ) -> Answer | None:
        """A figure stated in the narrative whose wording covers what the question asks.

        For facts no lexicon names (授予中小企业合同金额, 执法执勤用车): the question's unexplained
        words must be covered by the clause before one figure, clearly better than by any other.
        The threshold and margin are shown by ``--explain``.
        """
        want = _bigrams(ents.rest)
        if unit is not None:
            # asked for a count or a rate: the subject's own words count too ("公务接待…人次")
            want |= _bigrams(re.sub(r"多少|几|百分之|是|的", " ", ents.plain or text))
        if len(want) < 2:
            return None
        rows = log.run(
            self.db,
            "SELECT * FROM narrative_figures WHERE report_id = ? ORDER BY COALESCE(page, 0), line, id",
            [report.id],
        )
        other_years = [y for y in ents.years if y != report.year]
        scored = []
        for r in rows:
            ctx = r["context"].replace(" ", "").replace(report.department, "")
            pre = _prefix(r["sentence"], r["raw"]).replace(" ", "").replace(report.department, "")
            if other_years and not any(str(y) in pre for y in other_years):
                continue
            if unit is not None:
                if r["unit"] != unit and r["unit"][:1] != unit[:1]:
                    continue
            elif money:
                if r["unit"] not in ("万元", "元"):
                    continue
            elif (r["unit"] == "%") != bool(re.search(r"率|占|比例|百分|%", text)):
                continue
            cover = max(len(want & _bigrams(ctx)) / len(want), 0.85 * len(want & _bigrams(pre)) / len(want))
            if near and any(f in pre for f in near):
                cover += 0.2
            scored.append((cover, r))
        scored.sort(key=lambda x: -x[0])
        if self._trace is not None:
            self._trace.add(
                "narrative_match",
                {
                    "want": sorted(want),
                    "best": [(round(c, 2), r["context"], r["value"], r["unit"]) for c, r in scored[:3]],
                    "threshold": NARRATIVE_MIN_COVER,
                    "margin": NARRATIVE_MARGIN,
                },
            )
        if unit is not None and (not scored or scored[0][0] < NARRATIVE_MIN_COVER):
            # "有几辆公车": the report's own total in that unit (共有车辆 …), if it states one
            loose = (
                {p for p in ents.rest.split() if len(p) >= 2}
                - generic_words(self.rules)
                - {"单位", "部门", "中心", "公车", "车辆", "一共"}
            )
            totals = [
                r
                for r in rows
                if unit in ("辆", "人", "台(套)")
                and not loose  # "火星上有多少人" is not a question about this unit's staff
                and r["unit"][:1] == unit[:1]
                and re.search(r"共有|合计|总数|共计|年末在编|实有人数", r["context"])
                and not re.search(r"20\d\d", r["context"].replace(str(report.year), ""))
                and not other_years
            ]
            if len({(r["value"], r["unit"]) for r in totals}) == 1:
                scored = [(NARRATIVE_MIN_COVER, totals[0])]
        if not scored or scored[0][0] < NARRATIVE_MIN_COVER:
            return None
        best, r = scored[0]
        rivals = [c for c, x in scored[1:] if (x["value"], x["unit"]) != (r["value"], r["unit"])]
        if rivals and best - rivals[0] < NARRATIVE_MARGIN:
            return None
        fig = narrative_figure(report, r, r["context"])
        self._last_context = r["context"]
        body = self.rules.templates["narrative"].format(
            report=report.label,
            context=r["context"],
            value=_fmt(fig.value, fig.unit),
            unit=fig.unit,
            source=_source_text(fig.citation),
        )
        return Answer(
            "",
            "answered",
            body,
            intent="lookup",
            value=fig.value,
            unit=fig.unit,
            confidence=round(0.6 + 0.3 * best, 2),
            citations=[fig.citation],
        )
