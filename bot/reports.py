"""Which report a question is about, and questions over several reports.

A mixin of :class:`bot.core.Bot`: it uses the bot's ``db``, ``rules`` and ``catalog``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from knowledge.stated import read_question
from knowledge.stated import vocabulary as stated_vocabulary
from rules import default_rules

from .answer import Answer
from .catalog import ReportInfo, aliases_of
from .departments import department_index
from .entities import Entities, generic_words
from .query import (
    Context,
    Figure,
    sentence_citation,
)
from .wording import (
    TWO,
    _fmt,
    _kind_text,
    _source_text,
)

# From this many candidates a ranking is read from the facts index (one query) rather than from
# every report; below it every report is read, as it always was (the answers of a small knowledge
# base are exactly those of reading each report).
INDEXED_FROM = 200


def _stated_figure(report: ReportInfo, f) -> Figure:
    """A figure of the facts index's ``source = 'text'`` rows, cited as a stated figure is."""
    where = {"section_path": f.section, "sentence": f.quote, "line": f.line, "page": f.page}
    return Figure(
        f.subject,
        f.value,
        f.unit,
        sentence_citation(report, where),
        column=f.measure,
        stated=f.measure,
        year=f.year,
    )


def _one_basis(reports: list[ReportInfo]) -> bool:
    """Do the reports share one year and one kind (预算/决算), so their figures may be added?"""
    return len({(r.year, r.kind) for r in reports}) <= 1


def _unit_kind(unit: str, rules) -> str:
    """元 and 万元 compare (both money); 辆 and 万元 do not."""
    return "money" if unit in rules.word("reports_kind_of_1") else unit


def _wan(f: Figure, rules) -> Decimal:
    """A money figure in 万元, exactly."""
    return f.value / 10000 if f.unit == rules.one("reports_wan_2") else f.value


class ReportsMixin:
    def _decline(self, what: str) -> tuple[None, Answer, list]:
        """No report of what the question names: say so, and list what the knowledge base holds."""
        reports = self.catalog.reports
        available = "、".join(r.label for r in reports[:20])
        if len(reports) > 20:
            available += self.rules.templates["and_more_reports"].format(len_reports=len(reports))
        body = self.rules.templates["not_in_kb"].format(what=what, available=available)
        return None, Answer("", "no_answer", body, intent="not_in_kb"), []

    def _decline_elsewhere(self, asked: str, loaded: list[ReportInfo]) -> tuple[None, Answer, list]:
        """A department of a region (or level) not loaded, while a same-named one elsewhere is:
        declined, naming the loaded ones, never answered with their figures."""
        labels = "、".join(r.label for r in loaded[:20])
        if len(loaded) > 20:
            labels += self.rules.templates["and_more_reports"].format(len_reports=len(loaded))
        body = self.rules.templates["department_elsewhere"].format(asked=asked, loaded=labels)
        return None, Answer("", "no_answer", body, intent="not_in_kb"), []

    def _choose_report(
        self, text: str, ents: Entities, conv, report_id
    ) -> tuple[ReportInfo | None, Answer | None, list[ReportInfo]]:
        """The one report a question is about, a decline, or the candidates to ask about."""
        reports = self.catalog.reports
        decline = self._decline
        if not reports:
            return (
                None,
                Answer("", "no_answer", self.rules.templates["empty_kb"], intent="empty_kb"),
                [],
            )
        if ents.unknown_department and ents.elsewhere:
            return self._decline_elsewhere(ents.unknown_department, ents.elsewhere)
        if ents.unknown_department:
            return decline(ents.unknown_department)
        if ents.relative_year in self.rules.word("reports_choose_report_2"):
            return decline(ents.relative_year)
        candidates = list(ents.reports or reports)
        if report_id is not None and not ents.reports:
            candidates = [r for r in candidates if r.id == report_id] or candidates
        elif conv is not None and conv.report_id and not ents.reports and not ents.years:
            candidates = [r for r in candidates if r.id == conv.report_id] or candidates
        years = set(ents.years)
        this_year = date.today().year
        relative = {
            self.rules.one("reports_choose_report_3"): this_year,
            self.rules.one("reports_choose_report_4"): this_year - 1,
            self.rules.one("reports_choose_report_5"): this_year - 2,
        }
        if not years and ents.relative_year in relative and len(candidates) > 1:
            years = {relative[ents.relative_year]}
        if years:
            in_kb = [r for r in candidates if r.year in years]
            if not in_kb:
                # a year the one report narrates as its previous year (2023 in a 2024 report)
                if len(candidates) == 1 and all(y == candidates[0].year - 1 for y in years):
                    return candidates[0], None, candidates
                what = "、".join(str(y) for y in sorted(years)) + self.rules.one("reports_choose_report_6")
                if ents.reports:
                    what = f"{ents.reports[0].short}{what}"
                return decline(what)
            if len(in_kb) < len(candidates) or len(years) == 1:
                candidates = in_kb
        if len(candidates) > 1:
            kinds = [k for k in self.rules.word("reports_choose_report_7") if k in _kind_text(text)]
            if len(kinds) == 1:
                by_kind = [r for r in candidates if r.kind == kinds[0]]
                if by_kind:
                    candidates = by_kind
                elif re.search(self.rules.one("kind_of_report").format(kind=kinds[0]), text):
                    return decline(kinds[0] + self.rules.one("reports_choose_report_8"))
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
        ctx: Context,
    ) -> Answer | None:
        """Two or more departments named in one question: their difference, their sum, or each."""
        named = sorted(named, key=lambda dept: self._named_at(text, dept, candidates))
        chosen = self._department_figures(named, candidates, subject, measure, ctx)
        if not isinstance(chosen, list):
            return chosen
        listing = "；".join(
            self.rules.templates["department_figure"].format(
                r_short=r.short,
                r_year=r.year,
                r_kind=r.kind,
                fmt_f_value=_fmt(f.value),
                f_unit=f.unit,
                source_text_f_citation=_source_text(f.citation),
            )
            for r, f in chosen
        )
        ops = set(ents.operations)
        if not _one_basis([r for r, _ in chosen]) and (
            ops & {"difference", "sum"} or len(chosen) != len(named)
        ):
            return None  # figures of different years or kinds are not added or compared: ask which
        asks_difference = "difference" in ops or re.search(
            self.rules.pattern("reports_between_departments_3"), text
        )
        if asks_difference and len(chosen) == 2:
            return self._department_difference(chosen, subject, listing)
        if "sum" in ops:
            return self._department_sum(chosen, subject, listing)
        body = self.rules.templates["each_department"].format(subject=subject, listing=listing)
        return Answer(
            "",
            "answered",
            body,
            intent="compare_departments",
            confidence=0.75,
            citations=[f.citation for _, f in chosen],
        )

    def _named_at(self, text: str, dept: str, candidates: list[ReportInfo]) -> int:
        """Where the question first names the department, by full name, alias or abbreviation."""
        spots = [
            text.find(a)
            for r in candidates
            if r.department == dept
            for a in aliases_of(r, self.rules)
            if a in text
        ]
        index = department_index(self.catalog)
        for m in self.rules.pattern("department_mention").finditer(text):
            for i in range(m.start(), m.end() - 2):
                if any(r.department == dept for r in index.named_by(text[i : m.end()])):
                    spots.append(i)
                    break
        return min(spots) if spots else len(text)

    def _department_figures(
        self, named: list[str], candidates: list[ReportInfo], subject: str, measure: str, ctx: Context
    ) -> list[tuple[ReportInfo, Figure]] | Answer | None:
        """Each named department's latest final accounts (unless a year narrowed them) and its figure."""
        chosen: list[tuple[ReportInfo, Figure]] = []
        for dept in named[:6]:
            reports = [r for r in candidates if r.department == dept]
            final = self.rules.one("reports_between_departments_1")
            finals = [r for r in reports if r.kind == final] or reports
            if not finals:
                return None
            r = max(finals, key=lambda x: x.year)
            figs = self._figures(r, subject, measure, ctx, own_year=True)
            if not figs or (figs[0].citation.table is None and not figs[0].stated):
                # none, or only a loose match of the narrative: what the 说明 states, from the index
                # (None: the question's words are not the grammar's to read; keep what was read)
                stated = self._stated_of_reports([r], subject, measure, ctx)
                figs = figs if stated is None else stated.get(r.id, [])
            if not figs or figs[0].unit not in self.rules.word("reports_between_departments_2"):
                body = self.rules.templates["department_lacks_subject"].format(
                    r_short=r.short, r_year=r.year, r_kind=r.kind, subject=subject
                )
                return Answer("", "no_answer", body, intent="compare_departments")
            chosen.append((r, figs[0]))
        return chosen

    def _department_difference(
        self, chosen: list[tuple[ReportInfo, Figure]], subject: str, listing: str
    ) -> Answer:
        (ra, fa), (rb, fb) = chosen
        a, b = _wan(fa, self.rules), _wan(fb, self.rules)
        diff = a - b
        shown = abs(diff).quantize(TWO, ROUND_HALF_UP)
        word = self.rules.one(
            "reports_between_departments_4"
            if diff > 0
            else ("reports_between_departments_5" if diff < 0 else "reports_between_departments_6")
        )
        body = self.rules.templates["departments_difference"].format(
            subject=subject,
            listing=listing,
            ra_short=ra.short,
            rb_short=rb.short,
            word=word,
            fmt_shown=_fmt(shown),
            wan_fa=a,
            wan_fb=b,
        )
        return Answer(
            "",
            "answered",
            body,
            intent="compare_departments",
            value=shown,
            unit=self.rules.one("reports_between_departments_7"),
            confidence=0.75,
            citations=[f.citation for _, f in chosen],
        )

    def _department_sum(self, chosen: list[tuple[ReportInfo, Figure]], subject: str, listing: str) -> Answer:
        parts = [_wan(f, self.rules) for _, f in chosen]
        shown = sum(parts, Decimal(0)).quantize(TWO, ROUND_HALF_UP)
        body = self.rules.templates["departments_sum"].format(
            subject=subject,
            listing=listing,
            fmt_shown=_fmt(shown),
            join_str_wan_f_for_f_in_chosen=" + ".join(str(p) for p in parts),
        )
        return Answer(
            "",
            "answered",
            body,
            intent="sum_departments",
            value=shown,
            unit=self.rules.one("reports_between_departments_8"),
            confidence=0.75,
            citations=[f.citation for _, f in chosen],
        )

    def _across(self, text: str, ents: Entities, candidates: list[ReportInfo], ctx: Context) -> Answer | None:
        """Questions over several reports: rank departments, or compare two reports of one department."""
        subject = self._across_subject(text, ents)
        if subject is None:
            return None
        measure = next((m for m in ents.measures if m in ("actual", "budget")), "actual")
        departments = {r.department for r in candidates}
        named = list(dict.fromkeys(r.department for r in ents.reports))
        ranking = bool({"rank_max", "rank_min"} & set(ents.operations)) and (
            len(departments) >= 2 or re.search(self.rules.pattern("reports_across_6"), text)
        )
        if len(named) >= 2 and not ranking and not ents.ambiguous_department:
            return self._between_departments(text, ents, subject, measure, named, candidates, ctx)
        if not named and len(departments) >= 2 and "sum" in ents.operations and not ranking:
            if not _one_basis(candidates):
                return None  # a sum over reports of different years or kinds means nothing: ask which
            # "2025年四个决算部门机关运行经费合计多少": every department the question leaves in
            everyone = list(dict.fromkeys(r.department for r in candidates))
            return self._between_departments(text, ents, subject, measure, everyone, candidates, ctx)
        compare = (
            len(departments) == 1
            and len(candidates) >= 2
            and (
                {"difference", "change"} & set(ents.operations)
                or re.search(self.rules.pattern("reports_across_7"), text)
            )
        )
        if not ranking and not compare:
            return None
        note = ""
        if ranking:
            candidates, note = self._ranking_scope(text, ents, candidates)
        if ranking and len(candidates) >= INDEXED_FROM:
            indexed = self._indexed_ranking(candidates, subject, measure, ctx, "rank_min" in ents.operations)
            if indexed is not None:
                top, count = indexed
                return self._rank_answer(top, len(candidates), subject, note, ents, count)
        found = self._across_figures(candidates, subject, measure, compare, bool(ranking), ctx)
        if len(found) < 2:
            return None
        if ranking:
            return self._rank_answer(found, len(candidates), subject, note, ents)
        return self._compare_reports_answer(found, subject)

    def _across_subject(self, text: str, ents: Entities) -> str | None:
        """What is compared across reports: the subject named, or a total the question implies."""
        if ents.subjects:
            return ents.subjects[0].subject
        rest = {p for p in ents.rest.split() if len(p) >= 2}
        if rest - generic_words(self.rules) - set(self.rules.word("reports_across_1")):
            return None
        if re.search(self.rules.pattern("reports_across_2"), text):
            return self.rules.word("reports_across_3")[0]
        if self.rules.one("reports_across_4") in text:
            return self.rules.word("reports_across_5")[0]
        return None

    def _ranking_scope(
        self, text: str, ents: Entities, candidates: list[ReportInfo]
    ) -> tuple[list[ReportInfo], str]:
        """Departments are ranked among final accounts, within one year, unless the question names otherwise."""
        note = ""
        if not re.search(self.rules.pattern("reports_across_8"), _kind_text(text)):
            finals = [r for r in candidates if r.kind == self.rules.one("reports_across_9")]
            if finals and len(finals) < len(candidates):
                candidates, note = finals, self.rules.one("reports_across_10")
        if (
            not ents.years
            and not re.search(self.rules.pattern("reports_across_11"), _kind_text(text))
            and len({r.year for r in candidates}) > 1
        ):
            latest = max(r.year for r in candidates)
            candidates = [r for r in candidates if r.year == latest]
            note = self.rules.templates["ranked_within_year"].format(
                year=latest, kind=self.rules.one("final_accounts") if note else ""
            )
        return candidates, note

    def _across_figures(
        self,
        candidates: list[ReportInfo],
        subject: str,
        measure: str,
        compare: bool,
        ranking: bool,
        ctx: Context,
    ) -> list[tuple[ReportInfo, Figure]]:
        """Each report's figure for the subject, kept only in the unit most of them share."""
        found: list[tuple[ReportInfo, Figure]] = []
        for r in candidates:
            final = compare and r.kind == self.rules.one("reports_across_12")
            figs = self._figures(r, subject, "actual" if final else measure, ctx, own_year=True)
            if figs and (figs[0].unit in self.rules.word("reports_across_13") or ranking):
                found.append((r, figs[0]))
        units = [_unit_kind(f.unit, self.rules) for _, f in found]
        if found:
            common = max(set(units), key=units.count)
            found = [(r, f) for r, f in found if _unit_kind(f.unit, self.rules) == common]
        return found

    def _indexed_ranking(
        self, candidates: list[ReportInfo], subject: str, measure: str, ctx: Context, smallest: bool
    ) -> tuple[list[tuple[ReportInfo, Figure]], int] | None:
        """The first five of a ranking over many reports from the facts index, and how many reports
        have the figure; None when the index cannot say it the way the reports do.

        The column is the one a report's own figure is printed in (the first candidates are read as
        every question reads them); the index gives every candidate's figure of that subject and
        column (one indexed query per 500 reports); a candidate without one is read from its report
        as before. Each of the five shown is read again from its report: a figure that differs from
        the index's, or a ranking the index cannot give, falls back to reading every report.
        """
        from knowledge import facts

        probe = None
        for r in candidates[:5]:
            figs = self._figures(r, subject, measure, ctx, own_year=True)
            if figs and figs[0].column:
                probe = figs[0]
                break
        if probe is None:
            return None
        base = facts.amount_of(probe.value, probe.unit)[1] or probe.unit
        ids = [r.id for r in candidates]
        basis = {(r.year, r.kind) for r in candidates}
        year, kind = next(iter(basis)) if len(basis) == 1 else (None, None)
        column, held = probe.column, {}
        for column in dict.fromkeys([probe.column, probe.column.partition("·")[0]]):
            held = facts.amounts(self.db, subject, column, ids, base, year=year, kind=kind)
            if held:
                break
        if any(amount is None for amount in held.values()):
            return None
        ranked = self._with_unindexed(held, candidates, subject, measure, ctx, base)
        if ranked is None or len(ranked) < 2:
            return None
        # as reading every report orders them: largest first, ties in report order (reversed for 最少)
        ranked.sort(key=lambda x: (-x[0], x[1]))
        if smallest:
            ranked.reverse()
        shown = ranked[:5]
        printed = {f.report_id: f for f in facts.values(self.db, subject, column, [x[1] for x in shown])}
        by_id = {r.id: r for r in candidates}
        top: list[tuple[ReportInfo, Figure]] = []
        for _, rid, fig in shown:
            if fig is None:
                figs = self._figures(by_id[rid], subject, measure, ctx, own_year=True)
                f = printed.get(rid)
                if not figs or f is None or (figs[0].value, figs[0].unit) != (f.value, f.unit):
                    return None
                fig = figs[0]
            top.append((by_id[rid], fig))
        return top, len(ranked)

    def _with_unindexed(
        self, held: dict, candidates: list[ReportInfo], subject: str, measure: str, ctx: Context, base: str
    ) -> list[tuple[int, int, Figure | None]] | None:
        """(amount, report id, figure read) of every candidate: the index's amounts, and a
        candidate the index has no figure for read from its report as it always was (None: a figure
        that cannot be ranked with the others)."""
        from knowledge import facts

        ranked: list[tuple[int, int, Figure | None]] = [(amount, rid, None) for rid, amount in held.items()]
        stated = self._stated_from_index(
            [r for r in candidates if r.id not in held], subject, measure, ctx, base
        )
        for r in candidates:
            if r.id in stated:
                fig = stated[r.id]
                ranked.append((facts.amount_of(fig.value, fig.unit)[0], r.id, fig))
            elif r.id not in held:
                figs = self._figures(r, subject, measure, ctx, own_year=True)
                if figs:
                    amount, unit = facts.amount_of(figs[0].value, figs[0].unit)
                    if amount is None or unit != base:
                        return None
                    ranked.append((amount, r.id, figs[0]))
        return ranked

    def _stated_from_index(
        self, missing: list[ReportInfo], subject: str, measure: str, ctx: Context, base: str
    ) -> dict[int, Figure]:
        """report id → the figure a narrative-only candidate's 说明 states, from the facts index
        (``source = 'text'``, one query per 500 reports) rather than from each report. One of the
        first five is read as every question reads it: only when that gives a stated figure (the
        question's words ask what the 说明 grammar states, on the side it states) and the index
        agrees with it; a report whose tables print the subject is read from its report as before."""
        from knowledge import facts

        if len(missing) < 2:
            return {}
        probe, probed = None, None
        for r in missing[:5]:
            first = self._figures(r, subject, measure, ctx, own_year=True)
            if first and first[0].stated and not first[0].derived:
                probe, probed = first[0], r
                break
        if probe is None or probed is None or probe.year not in (None, probed.year):
            return {}  # the index holds each report's own year only
        rows = facts.stated_values(
            self.db, probe.subject, (probe.stated,), [r.id for r in missing], base, without_table=True
        )
        seen = rows.get(probed.id)
        if seen is None or (seen.value, seen.unit) != (probe.value, probe.unit):
            return {}
        by_id = {r.id: r for r in missing}
        return {rid: _stated_figure(by_id[rid], f) for rid, f in rows.items()}

    def _stated_of_reports(
        self, reports: list[ReportInfo], subject: str, measure: str, ctx: Context
    ) -> dict[int, list[Figure]] | None:
        """report id → [the figure its 说明 states of the subject] from the facts index, for a
        question over several departments whose words a single report's reading does not take
        (the 和 between two names); a report stating none is absent (a subject the 说明 grammar
        knows is never answered by a loose match of words: 一般公共预算财政拨款收入 is not
        财政拨款收入). None when the grammar does not know the subject, the question names the
        other side's, or it leaves a word of two or more characters the subject does not explain
        (政府采购货物支出 is not the 政府采购 total)."""
        from knowledge import facts

        names = facts.stated_subjects(subject)
        if not names or self._names_other_side(subject, ctx):
            return None
        ents = ctx.ents
        years = {r.year for r in reports}
        if ents and (any(y not in years for y in ents.years) or ents.relative_year):
            return None  # another year asked (上年, 2013年): the index holds each report's own year only
        q = read_question(ctx.question) if ctx.question else None
        if q is not None and (q.previous or any(n not in names for n in q.subjects)):
            return None  # the question names another subject than the one matched
        generic = generic_words(self.rules)
        left = [
            w
            for w in (ents.rest.split() if ents else [])
            if len(w) >= 2
            and w not in generic
            and not any(w in (r.department + (r.region or "")) for r in reports)
        ]
        if left:
            return None
        out: dict[int, list[Figure]] = {}
        by_kind: dict[str, list[ReportInfo]] = {}
        for r in reports:
            by_kind.setdefault(r.kind, []).append(r)
        budget = stated_vocabulary().budget_measures
        for kind, group in by_kind.items():
            measures = facts.stated_measures(kind, budget=measure == "budget")
            if q is not None and q.measure:  # the measure the question's own words ask (年初预算)
                measures = budget if budget and q.measure == budget[0] else (q.measure,)
            rows = facts.stated_values(self.db, subject, measures, [r.id for r in group], None)
            by_id = {r.id: r for r in group}
            for rid, f in rows.items():
                out[rid] = [_stated_figure(by_id[rid], f)]
        return out

    def _rank_answer(
        self,
        found: list[tuple[ReportInfo, Figure]],
        asked: int,
        subject: str,
        note: str,
        ents: Entities,
        count: int | None = None,
    ) -> Answer:
        """The ranking's answer; ``count`` when ``found`` is only its first five (from the index)."""
        if count is None:
            found.sort(key=lambda x: -_wan(x[1], self.rules))
            if "rank_min" in ents.operations:
                found.reverse()
        count = len(found) if count is None else count
        top_r, top_f = found[0]
        listing = "；".join(
            self.rules.templates["ranked_report"].format(
                r_short=r.short,
                r_year=r.year,
                r_kind=r.kind,
                fmt_f_value_f_unit=_fmt(f.value, f.unit),
                f_unit=f.unit,
            )
            for r, f in found[:5]
        )
        extreme = self.rules.one(
            "reports_across_14" if "rank_min" in ents.operations else "reports_across_15"
        )
        body = self.rules.templates["ranking"].format(
            len_found=count,
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
        if asked > count:
            body += self.rules.templates["ranking_missing"].format(missing=asked - count)
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

    def _compare_reports_answer(self, found: list[tuple[ReportInfo, Figure]], subject: str) -> Answer:
        """Two reports of one department: the later against the earlier (a budget before the final accounts)."""
        found.sort(key=lambda x: (x[0].year, x[0].kind != self.rules.one("reports_across_16")))
        (ra, fa), (rb, fb) = found[-1], found[0]
        wan = lambda f: _wan(f, self.rules)  # noqa: E731
        diff = wan(fa) - wan(fb)
        word = self.rules.one(
            "reports_across_17" if diff > 0 else ("reports_across_18" if diff < 0 else "reports_across_19")
        )

        def both(f: Figure) -> str:
            in_wan = f.unit == default_rules().one("reports_both_1")
            return f"{_fmt(f.value)}{f.unit}" + (
                self.rules.templates["in_wan"].format(wan_f=wan(f)) if in_wan else ""
            )

        shown = abs(diff).quantize(TWO, ROUND_HALF_UP)
        exact = "" if shown == abs(diff) else self.rules.templates["exact_wan"].format(abs_diff=abs(diff))
        body = self.rules.templates["reports_compared"].format(
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
            unit=self.rules.one("reports_across_20"),
            confidence=0.75,
            citations=[fb.citation, fa.citation],
            report_id=ra.id,
        )

    def _kb_label(self) -> str:
        reports = self.catalog.reports
        if len(reports) == 1:
            return reports[0].label
        return self.rules.templates["kb_label"].format(len_reports=len(reports))
