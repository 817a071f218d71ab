"""Step 6, write: the question file, readable YAML with a comment on each question saying
where it came from and what to check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .model import Analysis, Part, Placed

DEFAULT_DIFFICULTY = "medium"
DEFAULT_MINUTES = 5
DEFAULT_POINTS = 10
CHOICE_MINUTES = 1  # the bank's default for a choice item
CHOICE_POINTS = 1


class _Dumper(yaml.SafeDumper):
    """Readable YAML for people: block style for text with line breaks, no line folding."""


class _Flow(list):
    """A short list written on one line: `answer: [A, C]`."""


def _represent_str(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Flow, lambda dumper, data: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=True))


def dump_yaml(data: Any, flow: bool = False) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000,
                     default_flow_style=flow)


def yaml_scalar(value: str) -> str:
    return dump_yaml(value).removesuffix("\n...\n").strip()


def question_data(p: Placed) -> dict[str, Any]:
    """One bank question, keys in the bank's order."""
    q = p.raw
    if q.is_choice:
        data: dict[str, Any] = {
            "id": p.id, "type": "choice", "dimension": p.dimension,
            "difficulty": DEFAULT_DIFFICULTY, "minutes": CHOICE_MINUTES,
            "points": q.points or CHOICE_POINTS, "question": q.question,
            "options": list(q.options),
            "answer": _Flow(q.letters) if q.multiple else q.letters,
        }
        if q.explanation:
            data["explanation"] = q.explanation
        return data
    data = {
        "id": p.id, "dimension": p.dimension, "difficulty": DEFAULT_DIFFICULTY,
        "minutes": DEFAULT_MINUTES, "points": q.points or DEFAULT_POINTS, "question": q.question,
        "answer": q.answer,
    }
    analysis = _fields(q.analysis)
    if q.analysis.parts:
        analysis = {"parts": [{"title": part.title, **_fields(part)}
                              for part in q.analysis.parts]}
    if analysis:
        data["analysis"] = analysis
    return data


def _fields(a: Analysis | Part) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if a.scoring_points:
        out["scoring_points"] = list(a.scoring_points)
    if a.expectations:
        out["expectations"] = a.expectations
    if a.purpose:
        out["purpose"] = a.purpose
    return out


def written(p: Placed) -> bool:
    """Whether the question goes into the bank: a choice item cut off before its answer (or
    whose answer names no option) can only be kept as a comment until someone completes it."""
    return not (p.raw.is_choice and not p.raw.letters)


def bank_file_text(placed: list[Placed], role: str, dimensions: dict[str, str],
                   source: str, shape: str) -> str:
    """The question file: a header, then the questions grouped by dimension in the bank's
    order, each with a comment saying where it came from."""
    out = [f"# 由 examgen import 从「{Path(source).name}」导入"
           f"（形式 {shape}，共 {len(placed)} 题）。"]
    if not all(p.raw.is_choice for p in placed):
        out.append(f"# 难度、答题时间、分值为默认值（{DEFAULT_DIFFICULTY}、{DEFAULT_MINUTES} 分钟、"
                   f"{DEFAULT_POINTS} 分），请按需修改。")
    if any(p.raw.is_choice for p in placed):
        out.append(f"# 选择题答题时间 {CHOICE_MINUTES} 分钟，分值取自大题说明（如「每题2分」），"
                   f"没有说明时为 {CHOICE_POINTS} 分。")
    out += [f"roles: {dump_yaml([role], flow=True).strip()}", "questions:"]
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
        if not written(p):
            out.append("  # 原文在此截断，没有答案，暂不能作为选择题使用；补上答案（answer）后去掉"
                       "下面各行开头的 # 即可：" if p.raw.truncated else
                       f"  # 原文的{p.raw.partial or '答案'}没有对应的选项；改好答案（answer）后"
                       "去掉下面各行开头的 # 即可：")
            data = {k: v for k, v in question_data(p).items() if k != "answer"}
            item = dump_yaml([data]).rstrip("\n").split("\n")
            item.append("  answer: ?    # 答案字母，如 B；多选题如 [A, C]")
            out.extend(f"  # {line}" for line in item)
            out.append("")
            continue
        if p.raw.truncated:
            if p.raw.is_choice:
                out.append("  # 原文在此截断，解析可能不完整")
            elif p.raw.partial:
                out.append("  # 原文在此截断，答案不完整，已留空。预览中的残缺答案：")
                out.extend(f"  #   {line}" for line in p.raw.partial.split("\n"))
            elif not p.raw.answer:
                out.append("  # 原文在此截断，没有答案")
            else:
                out.append("  # 原文在此截断，解析可能不完整")
        elif p.raw.unanswered:
            out.append("  # 原文没有参考答案，请补充")
        item = dump_yaml([question_data(p)])
        out.extend(("  " + line) if line else line for line in item.rstrip("\n").split("\n"))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
