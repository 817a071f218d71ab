"""YAML files with a line number on every mapping, and a checker that collects every error
of a file instead of stopping at the first (the bank's strict validation builds on both)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from .errors import ExamgenError


class LinedMapping(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]
    duplicates: list[tuple[str, int]]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present
    """Safe loading (no Python objects), with line numbers on every mapping."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode):
    data = LinedMapping()
    data.line = node.start_mark.line + 1
    data.key_lines, data.duplicates = {}, []
    for key_node, _ in node.value:
        key, line = key_node.value, key_node.start_mark.line + 1
        if key in data.key_lines:
            data.duplicates.append((key, line))
        data.key_lines[key] = line
    yield data
    data.update(loader.construct_mapping(node))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; a syntax error names the file and line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExamgenError(f"不是 UTF-8 编码的文本（{exc.reason}）", display_path(path)) from None
    except OSError as exc:
        raise ExamgenError(f"无法读取：{exc.strerror}", display_path(path)) from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "格式错误"
        raise ExamgenError(f"YAML 格式错误：{problem}", display_path(path), line) from None
    except yaml.YAMLError as exc:
        raise ExamgenError(f"YAML 格式错误：{exc}", display_path(path)) from None


class Checker:
    """Collects errors for one file instead of stopping at the first."""

    def __init__(self, path: Path):
        self.file = display_path(path)
        self.errors: list[ExamgenError] = []

    def error(self, message: str, line: int | None, qid: str | None = None,
              field_name: str | None = None) -> None:
        self.errors.append(ExamgenError(message, self.file, line, qid, field_name))

    def duplicates(self, mapping: LinedMapping, qid: str | None = None) -> None:
        for key, line in getattr(mapping, "duplicates", []):
            self.error("字段重复出现", line, qid, str(key))

    def text(self, value: Any, line: int, qid: str | None, name: str,
             allow_empty: bool = False) -> str:
        if value is None and allow_empty:
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (not value.strip() and not allow_empty):
            self.error(f"应为非空文本，实际为 {show(value)}", line, qid, name)
            return ""
        return value.strip("\n") if "\n" in value.strip("\n") else value.strip()

    def integer(self, value: Any, line: int, qid: str | None, name: str,
                low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(f"应为 {low}–{high} 的整数，实际为 {show(value)}", line, qid, name)
            return low
        return value

    def text_list(self, value: Any, line: int, qid: str | None, name: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(f"应为文本列表，实际为 {show(value)}", line, qid, name)
            return ()
        return tuple(self.text(v, line, qid, f"{name}[{i}]") for i, v in enumerate(value))

    def weights(self, value: Any, line: int, name: str, allowed: dict[str, str],
                what: str) -> dict[str, int]:
        if not isinstance(value, dict) or not value:
            self.error(f"应为「{what}: 权重」的映射", line, None, name)
            return {}
        out: dict[str, int] = {}
        for key, weight in value.items():
            if key not in allowed:
                known = "、".join(allowed)
                self.error(f"未知的{what} '{key}'，可选：{known}", line, None, f"{name}.{key}")
            elif isinstance(weight, bool) or not isinstance(weight, int) or weight < 0:
                self.error(f"权重应为非负整数，实际为 {show(weight)}", line, None,
                           f"{name}.{key}")
            else:
                out[key] = weight
        if out and sum(out.values()) == 0:
            self.error("权重之和必须大于 0", line, None, name)
        return out


def show(value: Any) -> str:
    if value is None:
        return "空值"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def line_of(mapping: Any, key: str) -> int:
    lines = getattr(mapping, "key_lines", {})
    return lines.get(key, getattr(mapping, "line", 0))
