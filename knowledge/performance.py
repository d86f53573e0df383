"""项目支出绩效自评表: a project's funds and its indicators, from a grid of cells.

The national template fixes the order of the funds columns and the meaning of the indicator levels
(数量/质量/时效/成本 are 产出指标, 社会效益 … are 效益指标), so those are read by meaning even
where conversion garbled the printed header.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .grid import GridLine
from .model import Indicator, PerformanceProject, Source, Unplaced
from .numbers import clean_label, has_cjk, is_blank, parse_amount

FUND_COLUMNS = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
LEVEL2 = {
    "数量": ("数量指标", "产出指标"),
    "质量": ("质量指标", "产出指标"),
    "时效": ("时效指标", "产出指标"),
    "成本": ("成本指标", "产出指标"),
    "经济效": ("经济效益指标", "效益指标"),
    "社会效": ("社会效益指标", "效益指标"),
    "生态效": ("生态效益指标", "效益指标"),
    "可持续": ("可持续影响指标", "效益指标"),
    "满意度": ("满意度指标", "满意度指标"),
}
_OP = re.compile(r"^[≥≤=<>＞＜≧≦]")


def _level2(cell: str) -> tuple[str, str] | None:
    c = clean_label(cell).replace(" ", "")
    if len(c) > 8:
        return None
    for key, val in LEVEL2.items():
        if c.startswith(key):
            return val
    return None


def _numbers(cells: list[str]) -> list[Decimal]:
    out = []
    for c in cells:
        for tok in c.split():
            v = parse_amount(tok)
            if v is not None:
                out.append(v)
    return out


def parse_performance(
    grid: list[GridLine], source: Source
) -> tuple[PerformanceProject | None, list[Unplaced]]:
    unplaced: list[Unplaced] = []
    project = None
    department = None
    funds: dict[str, Decimal | None] = {}
    unit = "元"
    indicators: list[Indicator] = []
    level1 = level2 = None
    in_indicators = False
    conclusion = None
    total = None
    for gl in grid:
        cells = [c for c in gl.cells]
        text = "".join(clean_label(c).replace(" ", "") for c in cells)
        if "项目名称" in text and project is None:
            rest = [clean_label(c).replace(" ", "") for c in cells if has_cjk(c) and "项目名称" not in c]
            if rest:
                project = rest[0]
            continue
        if "主管部门" in text and department is None:
            # the cells between 主管部门及代码 and 实施单位; one-character cells are OCR dust
            start = next(i for i, c in enumerate(cells) if "主管部门" in c) + 1
            end = next((i for i, c in enumerate(cells) if "实施单位" in c), len(cells))
            parts = [clean_label(c).replace(" ", "") for c in cells[start:end]]
            department = "".join(p for p in parts if len(p) > 1)
            department = re.sub(r"[^\u4e00-\u9fff0-9\[\]()（）]", "", department) or None
            continue
        if "(元)" in text or "（元）" in text:
            unit = "元"
        if "(万元)" in text or "（万元）" in text:
            unit = "万元"
        if "年度资金总额" in text:
            vals = [c for c in cells if not is_blank(c) and parse_amount(c) is not None]
            if len(vals) == len(FUND_COLUMNS):
                funds = {k: parse_amount(v) for k, v in zip(FUND_COLUMNS, vals, strict=True)}
            else:
                unplaced.append(Unplaced(gl.raw, "资金 line does not match the template columns", gl.source))
            continue
        if "一级指标" in text:
            in_indicators = True
            continue
        if "自评结论" in text or "结论" in text and in_indicators:
            conclusion = next(
                (clean_label(c) for c in reversed(cells) if has_cjk(c) and "结论" not in c), None
            )
            continue
        if in_indicators and "总分" in text:
            nums = _numbers(cells)
            total = nums[-1] if nums else None
            continue
        if not in_indicators:
            continue
        for c in cells:
            lv = _level2(c)
            if lv:
                level2, level1 = lv
        op_idx = next((i for i, c in enumerate(cells) if _OP.match(clean_label(c))), None)
        if op_idx is None:
            if any(not is_blank(c) for c in cells) and any(parse_amount(c) is not None for c in cells):
                unplaced.append(Unplaced(gl.raw, "indicator line without target value", gl.source))
            continue
        name_cells = [
            clean_label(c).replace(" ", "")
            for c in cells[:op_idx]
            if has_cjk(c) and not _level2(c) and not re.search(r"指标|^标$", clean_label(c))
        ]
        if not name_cells:
            unplaced.append(Unplaced(gl.raw, "indicator without a name", gl.source))
            continue
        target = clean_label(cells[op_idx]).replace(" ", "")
        actual = clean_label(cells[op_idx + 1]).replace(" ", "") if op_idx + 1 < len(cells) else None
        nums = _numbers(cells[op_idx + 2 :])
        deviation = next((clean_label(c) for c in cells[op_idx + 2 :] if has_cjk(c)), None)
        indicators.append(
            Indicator(
                level1=level1,
                level2=level2,
                name=name_cells[-1],
                target=target,
                actual=actual or None,
                weight=nums[0] if len(nums) > 0 else None,
                score=nums[1] if len(nums) > 1 else None,
                deviation=deviation,
                source=gl.source,
            )
        )
    if not project:
        return None, unplaced
    return (
        PerformanceProject(
            project=project,
            unit=unit,
            funds=funds,
            indicators=indicators,
            source=source,
            department=department,
            conclusion=conclusion,
            total_score=total,
        ),
        unplaced,
    )
