"""Which report a question is about, and questions over several reports.

A mixin of :class:`bot.core.Bot`: it uses the bot's ``db``, ``rules`` and ``catalog``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .answer import Answer
from .catalog import ReportInfo
from .entities import Entities, department_index, generic_words
from .query import (
    Figure,
    QueryLog,
)
from .wording import (
    TWO,
    _fmt,
    _kind_text,
    _source_text,
)


def _one_basis(reports: list[ReportInfo]) -> bool:
    """Do the reports share one year and one kind (预算/决算), so their figures may be added?"""
    return len({(r.year, r.kind) for r in reports}) <= 1


class ReportsMixin:
    def _choose_report(
        self, text: str, ents: Entities, conv, report_id
    ) -> tuple[ReportInfo | None, Answer | None, list[ReportInfo]]:
        """The one report a question is about, a decline, or the candidates to ask about."""
        T = self.rules.templates
        reports = self.catalog.reports

        def decline(what: str) -> tuple[None, Answer, list]:
            available = "、".join(r.label for r in reports[:20]) + (
                self.rules.templates["reports_decline"].format(len_reports=len(reports))
                if len(reports) > 20
                else ""
            )
            return (
                None,
                Answer(
                    "", "no_answer", T["not_in_kb"].format(what=what, available=available), intent="not_in_kb"
                ),
                [],
            )

        if not reports:
            return (
                None,
                Answer(
                    "", "no_answer", "知识库是空的，请先导入报告 (disclosure-bot ingest)。", intent="empty_kb"
                ),
                [],
            )
        if ents.unknown_department:
            return decline(ents.unknown_department)
        if ents.relative_year in ("明年", "后年", "下一年"):
            return decline(ents.relative_year)
        candidates = list(ents.reports or reports)
        if report_id is not None and not ents.reports:
            candidates = [r for r in candidates if r.id == report_id] or candidates
        elif conv is not None and conv.report_id and not ents.reports and not ents.years:
            candidates = [r for r in candidates if r.id == conv.report_id] or candidates
        years = set(ents.years)
        this_year = date.today().year
        relative = {"今年": this_year, "去年": this_year - 1, "前年": this_year - 2}
        if not years and ents.relative_year in relative and len(candidates) > 1:
            years = {relative[ents.relative_year]}
        if years:
            in_kb = [r for r in candidates if r.year in years]
            if not in_kb:
                # a year the one report narrates as its previous year (2023 in a 2024 report)
                if len(candidates) == 1 and all(y == candidates[0].year - 1 for y in years):
                    return candidates[0], None, candidates
                what = "、".join(str(y) for y in sorted(years)) + "年"
                if ents.reports:
                    what = f"{ents.reports[0].short}{what}"
                return decline(what)
            if len(in_kb) < len(candidates) or len(years) == 1:
                candidates = in_kb
        if len(candidates) > 1:
            kinds = [k for k in ("决算", "预算") if k in _kind_text(text)]
            if len(kinds) == 1:
                by_kind = [r for r in candidates if r.kind == kinds[0]]
                if by_kind:
                    candidates = by_kind
                elif re.search(rf"{kinds[0]}(报告|公开)", text):
                    return decline(kinds[0] + "报告")
        if len(candidates) == 1:
            return candidates[0], None, candidates
        return None, None, candidates

    def _between_departments(
        self,
        text: str,
        ents: Entities,
        subject: str,
        measure: str,
        named: list[str],
        candidates: list[ReportInfo],
        log: QueryLog,
    ) -> Answer | None:
        """Two or more departments named in one question: their difference, their sum, or each."""

        def position(dept: str) -> int:
            """Where the question first names the department, by full name, alias or abbreviation."""
            spots = [text.find(a) for r in candidates if r.department == dept for a in r.aliases if a in text]
            index = department_index(self.catalog)
            for m in self.rules.pattern("department_mention").finditer(text):
                for i in range(m.start(), m.end() - 2):
                    if any(r.department == dept for r in index.named_by(text[i : m.end()])):
                        spots.append(i)
                        break
            return min(spots) if spots else len(text)

        named = sorted(named, key=position)
        chosen: list[tuple[ReportInfo, Figure]] = []
        for dept in named[:6]:
            reports = [r for r in candidates if r.department == dept]
            finals = [r for r in reports if r.kind == "决算"] or reports
            if not finals:
                return None
            r = max(finals, key=lambda x: x.year)  # the latest, unless a year narrowed them
            figs = self._figures(r, subject, measure, log, own_year=True)
            if not figs or figs[0].unit not in ("万元", "元"):
                return Answer(
                    "",
                    "no_answer",
                    self.rules.templates["reports_between_departments"].format(
                        r_short=r.short, r_year=r.year, r_kind=r.kind, subject=subject
                    ),
                    intent="compare_departments",
                )
            chosen.append((r, figs[0]))

        def wan(f: Figure) -> Decimal:
            return f.value / 10000 if f.unit == "元" else f.value

        listing = "；".join(
            self.rules.templates["reports_between_departments_2"].format(
                r_short=r.short,
                r_year=r.year,
                r_kind=r.kind,
                fmt_f_value=_fmt(f.value),
                f_unit=f.unit,
                source_text_f_citation=_source_text(f.citation),
            )
            for r, f in chosen
        )
        cites = [f.citation for _, f in chosen]
        ops = set(ents.operations)
        if not _one_basis([r for r, _ in chosen]) and (
            ops & {"difference", "sum"} or len(chosen) != len(named)
        ):
            return None  # figures of different years or kinds are not added or compared: ask which
        if (
            "difference" in ops
            or re.search(
                r"相差|差多少|差额|多多少|少多少|比.{1,12}多|比.{1,12}少|更多|更少|哪个多|哪个少", text
            )
        ) and len(chosen) == 2:
            (ra, fa), (rb, fb) = chosen
            diff = wan(fa) - wan(fb)
            shown = abs(diff).quantize(TWO, ROUND_HALF_UP)
            word = "多" if diff > 0 else ("少" if diff < 0 else "一样多")
            body = self.rules.templates["reports_between_departments_3"].format(
                subject=subject,
                listing=listing,
                ra_short=ra.short,
                rb_short=rb.short,
                word=word,
                fmt_shown=_fmt(shown),
                wan_fa=wan(fa),
                wan_fb=wan(fb),
            )
            return Answer(
                "",
                "answered",
                body,
                intent="compare_departments",
                value=shown,
                unit="万元",
                confidence=0.75,
                citations=cites,
            )
        if "sum" in ops:
            total = sum((wan(f) for _, f in chosen), Decimal(0))
            shown = total.quantize(TWO, ROUND_HALF_UP)
            body = self.rules.templates["reports_between_departments_4"].format(
                subject=subject,
                listing=listing,
                fmt_shown=_fmt(shown),
                join_str_wan_f_for_f_in_chosen=" + ".join(str(wan(f)) for _, f in chosen),
            )
            return Answer(
                "",
                "answered",
                body,
                intent="sum_departments",
                value=shown,
                unit="万元",
                confidence=0.75,
                citations=cites,
            )
        return Answer(
            "",
            "answered",
            f"{subject}：{listing}。",
            intent="compare_departments",
            confidence=0.75,
            citations=cites,
        )

    def _across(
        self, text: str, ents: Entities, candidates: list[ReportInfo], log: QueryLog
    ) -> Answer | None:
        """Questions over several reports: rank departments, or compare two reports of one department."""
        subjects = [m.subject for m in ents.subjects]
        if not subjects:
            if (
                {p for p in ents.rest.split() if len(p) >= 2}
                - generic_words(self.rules)
                - {"街道", "部门", "单位", "哪个街道"}
            ):
                return None
            if re.search(r"支出|花钱|花了|开支|花得", text):
                subjects = ["本年支出合计"]
            elif "收入" in text:
                subjects = ["本年收入合计"]
            else:
                return None
        subject = subjects[0]
        measure = next((m for m in ents.measures if m in ("actual", "budget")), "actual")
        departments = {r.department for r in candidates}
        named = list(dict.fromkeys(r.department for r in ents.reports))
        ranking = bool({"rank_max", "rank_min"} & set(ents.operations)) and (
            len(departments) >= 2
            or re.search(r"哪个部门|哪个单位|哪家|哪些部门|各部门|各单位|排名|排序", text)
        )
        if len(named) >= 2 and not ranking:
            return self._between_departments(text, ents, subject, measure, named, candidates, log)
        if not named and len(departments) >= 2 and "sum" in ents.operations and not ranking:
            if not _one_basis(candidates):
                return None  # a sum over reports of different years or kinds means nothing: ask which
            # "2025年四个决算部门机关运行经费合计多少": every department the question leaves in
            everyone = list(dict.fromkeys(r.department for r in candidates))
            return self._between_departments(text, ents, subject, measure, everyone, candidates, log)
        compare = (
            len(departments) == 1
            and len(candidates) >= 2
            and ({"difference", "change"} & set(ents.operations) or re.search(r"相比|对比|比较|变化", text))
        )
        if not ranking and not compare:
            return None
        note = ""
        if ranking and not re.search(r"预算|决算", _kind_text(text)):
            finals = [r for r in candidates if r.kind == "决算"]
            if finals and len(finals) < len(candidates):
                candidates, note = finals, "（只比较决算报告）"
        if (
            ranking
            and not ents.years
            and not re.search(r"预算|决算", _kind_text(text))
            and len({r.year for r in candidates}) > 1
        ):
            # asked neither a year nor a kind: departments are ranked within one year
            latest = max(r.year for r in candidates)
            candidates = [r for r in candidates if r.year == latest]
            note = f"（只比较{latest}年的{'决算' if note else ''}报告）"
        found: list[tuple[ReportInfo, Figure]] = []
        for r in candidates:
            figs = self._figures(
                r, subject, "actual" if compare and r.kind == "决算" else measure, log, own_year=True
            )
            if figs and (figs[0].unit in ("万元", "元") or ranking):
                found.append((r, figs[0]))

        def kind_of(unit: str) -> str:
            return "money" if unit in ("万元", "元") else unit  # 元 and 万元 compare, 辆 and 万元 do not

        units = [kind_of(f.unit) for _, f in found]
        if found:
            common = max(set(units), key=units.count)
            found = [(r, f) for r, f in found if kind_of(f.unit) == common]
        if len(found) < 2:
            return None

        def wan(f: Figure) -> Decimal:
            return f.value / 10000 if f.unit == "元" else f.value

        if ranking:
            found.sort(key=lambda x: -wan(x[1]))
            if "rank_min" in ents.operations:
                found.reverse()
            top_r, top_f = found[0]
            listing = "；".join(
                self.rules.templates["reports_across"].format(
                    r_short=r.short,
                    r_year=r.year,
                    r_kind=r.kind,
                    fmt_f_value_f_unit=_fmt(f.value, f.unit),
                    f_unit=f.unit,
                )
                for r, f in found[:5]
            )
            extreme = "最少" if "rank_min" in ents.operations else "最多"
            missing = len(candidates) - len(found)
            body = self.rules.templates["reports_across_2"].format(
                len_found=len(found),
                note=note,
                subject=subject,
                extreme=extreme,
                top_r_short=top_r.short,
                top_r_year=top_r.year,
                top_r_kind=top_r.kind,
                fmt_top_f_value_top_f_unit=_fmt(top_f.value, top_f.unit),
                top_f_unit=top_f.unit,
                source_text_top_f_citation=_source_text(top_f.citation),
                listing=listing,
            )
            if missing:
                body += self.rules.templates["reports_across_3"].format(missing=missing)
            return Answer(
                "",
                "answered",
                body,
                intent="rank_reports",
                value=top_f.value,
                unit=top_f.unit,
                confidence=0.8,
                citations=[f.citation for _, f in found[:5]],
                report_id=top_r.id,
            )
        found.sort(key=lambda x: (x[0].year, x[0].kind != "预算"))
        (ra, fa), (rb, fb) = found[-1], found[0]
        diff = wan(fa) - wan(fb)
        word = "增加" if diff > 0 else ("减少" if diff < 0 else "持平")

        def both(f: Figure) -> str:
            return f"{_fmt(f.value)}{f.unit}" + (
                self.rules.templates["reports_both"].format(wan_f=wan(f)) if f.unit == "元" else ""
            )

        shown = abs(diff).quantize(TWO, ROUND_HALF_UP)
        exact = (
            "" if shown == abs(diff) else self.rules.templates["reports_across_4"].format(abs_diff=abs(diff))
        )
        body = self.rules.templates["reports_across_5"].format(
            ra_short=ra.short,
            rb_year=rb.year,
            rb_kind=rb.kind,
            subject=subject,
            both_fb=both(fb),
            source_text_fb_citation=_source_text(fb.citation),
            ra_year=ra.year,
            ra_kind=ra.kind,
            both_fa=both(fa),
            source_text_fa_citation=_source_text(fa.citation),
            word=word,
            fmt_shown=_fmt(shown),
            wan_fa=wan(fa),
            wan_fb=wan(fb),
            exact=exact,
        )
        return Answer(
            "",
            "answered",
            body,
            intent="compare_reports",
            value=shown,
            unit="万元",
            confidence=0.75,
            citations=[fb.citation, fa.citation],
            report_id=ra.id,
        )

    def _kb_label(self) -> str:
        reports = self.catalog.reports
        if len(reports) == 1:
            return reports[0].label
        return self.rules.templates["reports_kb_label"].format(len_reports=len(reports))
