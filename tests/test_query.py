"""The query stage on its own: a report and a subject in, Figures with their Citation out."""

from __future__ import annotations

from decimal import Decimal

from bot.query import QueryCache, QueryLog, _table_rank, table_figures


def test_a_table_cell_with_its_citation(bot):
    report = bot.catalog.reports[0]
    log = QueryLog()
    figs = table_figures(bot.db, log, report, "办公费", ["决算数"])
    assert figs, "办公费 is in 公开07表"
    f = figs[0]
    assert (f.value, f.unit) == (Decimal("9.37"), "万元")
    assert f.citation.table.startswith("公开07表") and "30201 办公费" in f.citation.row and f.citation.line
    sql, params = log.queries[0]
    assert "?" in sql and "办公费" in params  # parameterised, never pasted into the statement


def test_the_answering_table_comes_from_the_shared_layout(bot):
    """一般公共服务支出 is printed in 公开01表 and 公开05表: rules/zh/tables.yaml says which answers first."""
    from rules import table_layout

    report = bot.catalog.reports[0]
    figs = table_figures(bot.db, QueryLog(), report, "一般公共服务支出", ["决算数", "本年支出合计", "金额"])
    tables = [f.table_code for f in figs]
    order = table_layout().answer_order
    assert len(tables) >= 2 and tables == sorted(tables, key=order.index)
    # a report without 公开NN表 codes: by title, in the same order
    assert (
        _table_rank(None, "2025年支出决算表") < _table_rank(None, "收入决算表") < _table_rank(None, "某某表")
    )


def test_cached_rows_are_the_same_and_logged_each_time(bot):
    report = bot.catalog.reports[0]
    cache = QueryCache(size=2)
    first, second = QueryLog(cache=cache), QueryLog(cache=cache)
    a = table_figures(bot.db, first, report, "办公费", ["决算数"])
    b = table_figures(bot.db, second, report, "办公费", ["决算数"])
    assert a == b and first.queries == second.queries  # --explain still shows the statement
    for name in ("邮电费", "差旅费", "水费"):
        table_figures(bot.db, QueryLog(cache=cache), report, name, ["决算数"])
    assert len(cache.rows) == 2  # bounded
