"""Step 6, write: the question file, readable YAML with a comment on each question saying
where it came from and what to check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .model import Placed

DEFAULT_DIFFICULTY = "medium"
DEFAULT_MINUTES = 5
DEFAULT_POINTS = 10


class _Dumper(yaml.SafeDumper):
    """Readable YAML for people: block style for text with line breaks, no line folding."""


def _represent_str(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any, flow: bool = False) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000,
                     default_flow_style=flow)


def yaml_scalar(value: str) -> str:
    return dump_yaml(value).removesuffix("\n...\n").strip()


def question_data(p: Placed) -> dict[str, Any]:
    """One bank question, keys in the bank's order."""
    q = p.raw
    data: dict[str, Any] = {
        "id": p.id, "dimension": p.dimension, "difficulty": DEFAULT_DIFFICULTY,
        "minutes": DEFAULT_MINUTES, "points": DEFAULT_POINTS, "question": q.question,
        "answer": q.answer,
    }
    analysis: dict[str, Any] = {}
    if q.analysis.scoring_points:
        analysis["scoring_points"] = list(q.analysis.scoring_points)
    if q.analysis.expectations:
        analysis["expectations"] = q.analysis.expectations
    if q.analysis.purpose:
        analysis["purpose"] = q.analysis.purpose
    if analysis:
        data["analysis"] = analysis
    return data


def bank_file_text(placed: list[Placed], role: str, dimensions: dict[str, str],
                   source: str, shape: str) -> str:
    """The question file: a header, then the questions grouped by dimension in the bank's
    order, each with a comment saying where it came from."""
    out = [f"# 由 examgen import 从「{Path(source).name}」导入"
           f"（形式 {shape}，共 {len(placed)} 题）。",
           f"# 难度、答题时间、分值为默认值（{DEFAULT_DIFFICULTY}、{DEFAULT_MINUTES} 分钟、"
           f"{DEFAULT_POINTS} 分），请按需修改。",
           f"roles: {dump_yaml([role], flow=True).strip()}", "questions:"]
    order = {dim: i for i, dim in enumerate(dimensions)}
    ordered = sorted(placed, key=lambda p: order.get(p.dimension, len(order)))
    current = None
    for p in ordered:
        if p.dimension != current:
            current = p.dimension
            out.append(f"  # ---------------- {current} {dimensions.get(current, '')} "
                       "----------------")
        note = f"原文：{p.raw.source}"
        if p.how == "inferred":
            why = "、".join(p.keywords) if p.keywords else "无关键词，按默认"
            note += f"；维度按关键词推断（{why}），请核对"
        elif p.how == "option":
            note += "；维度由 --dimension 指定"
        out.append(f"  # {note}")
        if p.raw.garbled:
            out.append("  # 注意：此题有乱码，请对照原文修改")
        if p.raw.truncated:
            if p.raw.partial:
                out.append("  # 原文在此截断，答案不完整，已留空。预览中的残缺答案：")
                out.extend(f"  #   {line}" for line in p.raw.partial.split("\n"))
            elif not p.raw.answer:
                out.append("  # 原文在此截断，没有答案")
            else:
                out.append("  # 原文在此截断，解析可能不完整")
        elif not p.raw.answer:
            out.append("  # 原文没有参考答案，请补充")
        item = dump_yaml([question_data(p)])
        out.extend(("  " + line) if line else line for line in item.rstrip("\n").split("\n"))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
