"""YAML for bank files: line numbers on every mapping, safe loading (libyaml when present),
and refusals before anything is built: absurd file sizes, complex keys, alias bombs."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from . import limits
from .errors import ExamgenError


class _Mapping(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]
    duplicates: list[tuple[str, int]]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present
    """Safe loading (no Python objects), with line numbers on every mapping."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode):
    data = _Mapping()
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


def _display(path: Path) -> str:
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
                           _display(path)) from None


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
                               f"（最多 {limits.MAX_YAML_ALIASES} 个别名）", _display(path), line)


def read_yaml(path: Path, data: bytes | None = None) -> Any:
    """Parse one YAML file; a syntax error names the file and line."""
    if data is None:
        data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExamgenError(f"不是 UTF-8 编码的文本（{exc.reason}）", _display(path)) from None
    try:
        _check_aliases(text, path)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "格式错误"
        raise ExamgenError(f"YAML 格式错误：{problem}", _display(path), line) from None
    except yaml.YAMLError as exc:
        raise ExamgenError(f"YAML 格式错误：{exc}", _display(path)) from None
