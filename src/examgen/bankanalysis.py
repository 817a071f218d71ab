"""The analysis a key prints under an answer: flat fields, or `parts` scored one by one.

Real keys score a long answer part by part (`价值理解`, `语言与表达` …), each with its own
评分点 / 期望 / 考察目的. A bank writes either the flat fields (one-part analysis) or `parts`,
never both, so nothing prints twice or out of place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ANALYSIS_FIELDS = {"scoring_points", "expectations", "purpose", "parts"}
PART_FIELDS = {"title", "scoring_points", "expectations", "purpose"}


@dataclass(frozen=True)
class AnalysisPart:
    """One part of a long answer scored on its own."""

    title: str
    scoring_points: tuple[str, ...] = ()
    expectations: str = ""
    purpose: str = ""


@dataclass(frozen=True)
class Analysis:
    scoring_points: tuple[str, ...] = ()
    expectations: str = ""
    purpose: str = ""
    parts: tuple[AnalysisPart, ...] = ()


def _line(mapping: Any, key: str) -> int:
    lines = getattr(mapping, "key_lines", {})
    return lines.get(key, getattr(mapping, "line", 0))


def _fields(check: Any, sub: Any, qid: str, name: str) -> dict[str, Any]:
    return {
        "scoring_points": check.text_list(sub.get("scoring_points", []),
                                          _line(sub, "scoring_points"), qid,
                                          f"{name}.scoring_points"),
        "expectations": check.text(sub.get("expectations"), _line(sub, "expectations"), qid,
                                   f"{name}.expectations", allow_empty=True),
        "purpose": check.text(sub.get("purpose"), _line(sub, "purpose"), qid,
                              f"{name}.purpose", allow_empty=True),
    }


def parse_analysis(check: Any, raw: Any, line: int, qid: str) -> Analysis:
    """Validate `analysis` (errors go to `check`, the bank's error collector)."""
    if raw is None:
        return Analysis()
    if not isinstance(raw, dict):
        check.error("应为包含 scoring_points、expectations、purpose（或 parts）的映射", line,
                    qid, "analysis")
        return Analysis()
    check.duplicates(raw, qid)
    for key in raw:
        if key not in ANALYSIS_FIELDS:
            check.error("未知字段（可用：scoring_points、expectations、purpose、parts）",
                        _line(raw, key), qid, f"analysis.{key}")
    if "parts" not in raw:
        return Analysis(**_fields(check, raw, qid, "analysis"))
    for key in raw:
        if key in ANALYSIS_FIELDS - {"parts"}:
            check.error("分部分评分时，评分要点、期望、考察目的写在各部分（parts）中",
                        _line(raw, key), qid, f"analysis.{key}")
    items = raw["parts"]
    if not isinstance(items, list) or not items:
        check.error("应为各部分的列表，每部分含 title 与评分要点、期望、考察目的",
                    _line(raw, "parts"), qid, "analysis.parts")
        return Analysis()
    parts: list[AnalysisPart] = []
    for n, sub in enumerate(items):
        name = f"analysis.parts[{n}]"
        if not isinstance(sub, dict):
            check.error("应为包含 title、scoring_points、expectations、purpose 的映射",
                        _line(raw, "parts"), qid, name)
            continue
        check.duplicates(sub, qid)
        here = getattr(sub, "line", _line(raw, "parts"))
        for key in sub:
            if key not in PART_FIELDS:
                check.error("未知字段（可用：title、scoring_points、expectations、purpose）",
                            _line(sub, key), qid, f"{name}.{key}")
        title = check.text(sub.get("title"), _line(sub, "title"), qid, f"{name}.title")
        fields = _fields(check, sub, qid, name)
        if not any(fields.values()):
            check.error("此部分没有评分要点、期望或考察目的", here, qid, name)
        if title and title in (p.title for p in parts):
            check.error(f"部分标题「{title}」重复", _line(sub, "title"), qid, f"{name}.title")
        parts.append(AnalysisPart(title=title, **fields))
    return Analysis(parts=tuple(parts))


def analysis_texts(analysis: Analysis) -> dict[str, str]:
    """Every printed text of an analysis, by field name (for the font check)."""
    out = {"analysis.expectations": analysis.expectations,
           "analysis.purpose": analysis.purpose}
    for i, point in enumerate(analysis.scoring_points):
        out[f"analysis.scoring_points[{i}]"] = point
    for n, part in enumerate(analysis.parts):
        name = f"analysis.parts[{n}]"
        out.update({f"{name}.title": part.title, f"{name}.expectations": part.expectations,
                    f"{name}.purpose": part.purpose})
        for i, point in enumerate(part.scoring_points):
            out[f"{name}.scoring_points[{i}]"] = point
    return out
