"""YAML files with a line number on every mapping, and a checker that collects every error
of a file instead of stopping at the first (the bank's strict validation builds on both)."""

from __future__ import annotations

import os
import re
import reprlib
from pathlib import Path
from typing import Any

import yaml

from . import limits
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
        if not isinstance(key_node, yaml.ScalarNode):  # `? [a, b]` or a mapping as a key
            raise yaml.constructor.ConstructorError(
                None, None, "键只能是简单的文字或数字，不能是列表或映射", key_node.start_mark)
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


def read_bytes(path: Path) -> bytes:
    """A bank file's bytes, refused when absurdly big; errors name the file."""
    limits.check_file_size(path, limits.MAX_BANK_FILE_BYTES, "题库文件")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ExamgenError(f"无法读取：{exc.strerror or type(exc).__name__}",
                           display_path(path)) from None


ANCHOR = re.compile(r"(?:^|[\s\[{,:-])&[^\s]", re.MULTILINE)


def _check_aliases(text: str, path: Path) -> None:
    """Refuse alias bombs (billion laughs): count what the aliases would expand to from
    the parser's events, before anything is built from them."""
    if not ANCHOR.search(text):
        return  # no anchor, no alias: the common case costs one regex
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = [[None, 0]]
    aliases = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            stack[-1][1] += sizes.get(event.anchor, 1)
        elif isinstance(event, yaml.ScalarEvent):
            stack[-1][1] += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            stack.append([event.anchor, 1])
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            anchor, size = stack.pop()
            stack[-1][1] += size
            if anchor:
                sizes[anchor] = size
        if aliases > limits.MAX_YAML_ALIASES or stack[0][1] + sum(
                n for _, n in stack[1:]) > limits.MAX_YAML_NODES:
            line = event.start_mark.line + 1 if event.start_mark else None
            raise ExamgenError(f"引用（&锚点 / *别名）展开后过大，题库文件不需要这么多引用"
                               f"（最多 {limits.MAX_YAML_ALIASES} 个别名）", display_path(path),
                               line)


def read_yaml(path: Path, data: bytes | None = None) -> Any:
    """Parse one YAML file; a syntax error names the file and line."""
    if data is None:
        data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExamgenError(f"不是 UTF-8 编码的文本（{exc.reason}）", display_path(path)) from None
    try:
        _check_aliases(text, path)
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
        if len(value) > limits.MAX_QUESTION_CHARS:
            self.error(f"文字太长（{len(value)} 个字符，最多 {limits.MAX_QUESTION_CHARS} 个）："
                       f"{limits.excerpt(value)}", line, qid, name)
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


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 2, 4, 4, 30, 30


def show(value: Any) -> str:
    """A short picture of a wrong value (bounded, even for a huge or deeply nested one)."""
    if value is None:
        return "空值"
    text = _REPR.repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def line_of(mapping: Any, key: str) -> int:
    lines = getattr(mapping, "key_lines", {})
    return lines.get(key, getattr(mapping, "line", 0))
