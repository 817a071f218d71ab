"""The question bank: YAML files → validated dataclasses, every error with file and line."""

from __future__ import annotations

import hashlib
import json
import os
import re
import reprlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import limits
from .bankanalysis import (  # noqa: F401 (Analysis, AnalysisPart: part of the model)
    Analysis,
    AnalysisPart,
    analysis_texts,
    parse_analysis,
)
from .bankyaml import _display, _Mapping, read_bytes, read_yaml  # read_yaml: also public here
from .errors import BankErrors, ExamgenError

ROLES_FILE = "roles.yaml"
DIFFICULTIES = {"easy": "简单", "medium": "中等", "hard": "困难"}
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
QUESTION_FIELDS = {
    "id", "dimension", "difficulty", "minutes", "points", "question", "answer",
    "analysis", "levels", "tags", "group", "roles", "probes",
    "type", "options", "explanation", "partial",
}
REQUIRED_FIELDS = ("id", "dimension", "difficulty", "minutes", "points", "question", "answer")
TYPES = ("open", "choice")
CHOICE_ONLY = ("options", "explanation", "partial")  # fields of choice items only
NOT_FOR_CHOICE = ("analysis", "levels", "probes")  # an interviewer's tools, not a key's
CHOICE_REQUIRED = ("id", "dimension", "difficulty", "question", "options", "answer")
CHOICE_MINUTES, CHOICE_POINTS = 1, 2  # defaults for a choice item
LETTERS = "ABCDEFGH"  # options are printed A, B, C, …; 2–8 of them
WRITTEN_FIELDS = ("choice", "open")
LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Role:
    id: str
    title: str
    mix: dict[str, int]  # dimension id → weight, in the order the role lists them
    difficulty: dict[str, int]  # difficulty → weight
    written: WrittenMix | None = None  # the default mix of a written test (roles.yaml)


@dataclass(frozen=True)
class WrittenMix:
    """How many choice items and open questions a written test of the role has."""

    choice: int
    open: int


@dataclass(frozen=True)
class Question:
    id: str
    dimension: str
    difficulty: str
    minutes: int
    points: int
    question: str
    answer: str
    analysis: Analysis = field(default_factory=Analysis)
    levels: tuple[tuple[int, str], ...] = ()
    probes: tuple[str, ...] = ()  # 追问: the same follow-ups for every candidate
    tags: tuple[str, ...] = ()
    group: str | None = None
    roles: tuple[str, ...] = ()
    # Choice items (type "choice"): `answer` holds the letters joined by 、 for printing.
    type: str = "open"
    options: tuple[str, ...] = ()  # printed A, B, C, …
    correct: tuple[str, ...] = ()  # the answer letters, in order
    explanation: str = ""  # 解析
    partial: bool = False  # a multiple-answer item may score part of its points
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def is_choice(self) -> bool:
        return self.type == "choice"

    @property
    def multiple(self) -> bool:
        """More than one right letter (the grid lets several be marked)."""
        return len(self.correct) > 1

    def lettered(self) -> list[tuple[str, str]]:
        """(letter, option) in print order."""
        return list(zip(LETTERS, self.options, strict=False))

    def digest(self) -> str:
        """A fingerprint of what prints: changes when any printed field changes."""
        data = asdict(self)
        data.pop("file")
        data.pop("line")
        # Fields an item does not use are left out, so papers built before they existed
        # still match.
        for name in ("probes", "options", "correct", "explanation", "partial"):
            if not data[name]:
                data.pop(name)
        if data["type"] == "open":
            data.pop("type")
        if not data["analysis"]["parts"]:
            data["analysis"].pop("parts")
        blob = json.dumps(data, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def texts(self) -> dict[str, str]:
        """Every printed text of the question, by field name (for the font check)."""
        out = {"question": self.question, "answer": self.answer,
               **analysis_texts(self.analysis)}
        for level, text in self.levels:
            out[f"levels.{level}"] = text
        for i, probe in enumerate(self.probes):
            out[f"probes[{i}]"] = probe
        for letter, option in self.lettered():
            out[f"options.{letter}"] = option
        if self.explanation:
            out["explanation"] = self.explanation
        return out


@dataclass(frozen=True)
class Bank:
    root: Path
    dimensions: dict[str, str]  # id → title, in print order
    roles: dict[str, Role]
    questions: tuple[Question, ...]
    fingerprint: str
    warnings: tuple[str, ...] = ()

    def role(self, role_id: str) -> Role:
        """Look a role up by id; an unknown id lists the known ones."""
        try:
            return self.roles[role_id]
        except KeyError:
            known = "、".join(self.roles) or "（无）"
            raise ExamgenError(f"未知岗位 '{role_id}'，已有岗位：{known}") from None

    def for_role(self, role_id: str, item_type: str | None = "open") -> list[Question]:
        """The role's open questions, or its choice items, or (None) both."""
        return [q for q in self.questions if role_id in q.roles
                and (item_type is None or q.type == item_type)]

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}


# ---------------------------------------------------------------------------- validation


class _Checker:
    """Collects errors for one file instead of stopping at the first."""

    def __init__(self, path: Path):
        self.file = _display(path)
        self.errors: list[ExamgenError] = []

    def error(self, message: str, line: int | None, qid: str | None = None,
              field_name: str | None = None) -> None:
        self.errors.append(ExamgenError(message, self.file, line, qid, field_name))

    def duplicates(self, mapping: _Mapping, qid: str | None = None) -> None:
        for key, line in getattr(mapping, "duplicates", []):
            self.error("字段重复出现", line, qid, str(key))

    def text(self, value: Any, line: int, qid: str | None, name: str,
             allow_empty: bool = False) -> str:
        if value is None and allow_empty:
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (not value.strip() and not allow_empty):
            self.error(f"应为非空文本，实际为 {_show(value)}", line, qid, name)
            return ""
        if len(value) > limits.MAX_QUESTION_CHARS:
            self.error(f"文字太长（{len(value)} 个字符，最多 {limits.MAX_QUESTION_CHARS} 个）："
                       f"{limits.excerpt(value)}", line, qid, name)
            return ""
        return value.strip("\n") if "\n" in value.strip("\n") else value.strip()

    def integer(self, value: Any, line: int, qid: str | None, name: str,
                low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(f"应为 {low}–{high} 的整数，实际为 {_show(value)}", line, qid, name)
            return low
        return value

    def text_list(self, value: Any, line: int, qid: str | None, name: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(f"应为文本列表，实际为 {_show(value)}", line, qid, name)
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
                self.error(f"权重应为非负整数，实际为 {_show(weight)}", line, None,
                           f"{name}.{key}")
            else:
                out[key] = weight
        if out and sum(out.values()) == 0:
            self.error("权重之和必须大于 0", line, None, name)
        return out


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 2, 4, 4, 30, 30


def _show(value: Any) -> str:
    """A short picture of a wrong value (bounded, even for a huge or deeply nested one)."""
    if value is None:
        return "空值"
    text = _REPR.repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def _line(mapping: Any, key: str) -> int:
    lines = getattr(mapping, "key_lines", {})
    return lines.get(key, getattr(mapping, "line", 0))


def _load_roles(path: Path, errors: list[ExamgenError]) -> tuple[dict[str, str], dict[str, Role]]:
    from .choice import parse_written

    check = _Checker(path)
    data = read_yaml(path)
    dimensions: dict[str, str] = {}
    roles: dict[str, Role] = {}
    if not isinstance(data, dict):
        check.error("应为包含 dimensions 与 roles 的映射", 1)
        errors.extend(check.errors)
        return dimensions, roles
    check.duplicates(data)
    for key in data:
        if key not in ("dimensions", "roles"):
            check.error("未知字段（可用：dimensions、roles）", _line(data, key), None, str(key))
    raw_dims = data.get("dimensions")
    if not isinstance(raw_dims, dict) or not raw_dims:
        check.error("应为「维度编号: 维度名称」的映射", _line(data, "dimensions"), None,
                    "dimensions")
    else:
        check.duplicates(raw_dims)
        for dim_id, title in raw_dims.items():
            line = _line(raw_dims, dim_id)
            if not ID_PATTERN.match(str(dim_id)):
                check.error("维度编号只能包含字母、数字、-、_", line, None, f"dimensions.{dim_id}")
            dimensions[str(dim_id)] = check.text(title, line, None, f"dimensions.{dim_id}")
    raw_roles = data.get("roles")
    if not isinstance(raw_roles, dict) or not raw_roles:
        check.error("应为「岗位编号: 岗位设置」的映射", _line(data, "roles"), None, "roles")
        raw_roles = {}
    check.duplicates(raw_roles) if isinstance(raw_roles, _Mapping) else None
    for role_id, spec in raw_roles.items():
        line = _line(raw_roles, role_id)
        name = f"roles.{role_id}"
        if not ID_PATTERN.match(str(role_id)):
            check.error("岗位编号只能包含字母、数字、-、_", line, None, name)
            continue
        if not isinstance(spec, dict):
            check.error("应为包含 title、mix、difficulty 的映射", line, None, name)
            continue
        check.duplicates(spec)
        for key in spec:
            if key not in ("title", "mix", "difficulty", "written"):
                check.error("未知字段（可用：title、mix、difficulty、written）", _line(spec, key),
                            None, f"{name}.{key}")
        missing = [k for k in ("title", "mix", "difficulty") if k not in spec]
        for key in missing:
            check.error("缺少必填字段", line, None, f"{name}.{key}")
        if missing:
            continue
        roles[str(role_id)] = Role(
            id=str(role_id),
            title=check.text(spec["title"], _line(spec, "title"), None, f"{name}.title"),
            mix=check.weights(spec["mix"], _line(spec, "mix"), f"{name}.mix", dimensions, "维度"),
            difficulty=check.weights(spec["difficulty"], _line(spec, "difficulty"),
                                     f"{name}.difficulty", DIFFICULTIES, "难度"),
            written=(parse_written(check, spec["written"], _line(spec, "written"),
                                   f"{name}.written") if "written" in spec else None),
        )
    errors.extend(check.errors)
    return dimensions, roles


def _load_questions(path: Path, dimensions: dict[str, str], roles: dict[str, Role],
                    errors: list[ExamgenError], content: bytes | None = None
                    ) -> list[Question]:
    check = _Checker(path)
    data = read_yaml(path, content)
    if data is None:
        return []
    if not isinstance(data, dict) or "questions" not in data:
        check.error("应为包含 roles 与 questions 的映射（见 questions/roles.yaml 旁的示例）", 1)
        errors.extend(check.errors)
        return []
    check.duplicates(data)
    for key in data:
        if key not in ("roles", "questions"):
            check.error("未知字段（可用：roles、questions）", _line(data, key), None, str(key))
    file_roles = _role_list(check, data.get("roles", []), _line(data, "roles"), None, "roles",
                            roles)
    raw = data["questions"]
    if not isinstance(raw, list):
        check.error("应为题目列表", _line(data, "questions"), None, "questions")
        raw = []
    questions = []
    for index, item in enumerate(raw):
        question = _question(check, item, index, file_roles, dimensions, roles)
        if question:
            questions.append(question)
    errors.extend(check.errors)
    return questions


def _role_list(check: _Checker, value: Any, line: int, qid: str | None, name: str,
               roles: dict[str, Role]) -> tuple[str, ...]:
    listed = check.text_list(value, line, qid, name)
    for role_id in listed:
        if role_id and role_id not in roles:
            check.error(f"未知岗位 '{role_id}'（roles.yaml 中没有）", line, qid, name)
    return tuple(r for r in listed if r in roles)


def _question_roles(check: _Checker, item: dict, at: Callable[[str], int], line: int,
                    qid: str, file_roles: tuple[str, ...],
                    roles: dict[str, Role]) -> tuple[str, ...]:
    """The roles a question (open or choice) belongs to: its own `roles`, else its file's."""
    question_roles = (_role_list(check, item["roles"], at("roles"), qid, "roles", roles)
                      if "roles" in item else file_roles)
    if not question_roles:
        check.error("题目不属于任何岗位：在文件顶部写 roles: [岗位编号]，或在题目中写 roles",
                    line, qid, "roles")
    return question_roles


def _question(check: _Checker, item: Any, index: int, file_roles: tuple[str, ...],
              dimensions: dict[str, str], roles: dict[str, Role]) -> Question | None:
    if not isinstance(item, dict):
        check.error(f"第 {index + 1} 题应为映射（字段: 值）", None)
        return None
    line = item.line if isinstance(item, _Mapping) else 0
    qid = item.get("id")
    qid = str(qid)[:80] if _scalar(qid) and qid is not None else f"第{index + 1}题"
    check.duplicates(item, qid)
    before = len(check.errors)
    item_type = item.get("type", "open")
    if item_type not in TYPES:
        check.error(f"未知题型 {_show(item_type)}，可选：open（问答题）、choice（选择题）",
                    _line(item, "type"), qid, "type")
        return None
    choice = item_type == "choice"
    for key in item:
        if key not in QUESTION_FIELDS:
            check.error("未知字段", _line(item, key), qid, str(key))
        elif choice and key in NOT_FOR_CHOICE:
            check.error("选择题不用此字段（解析写在 explanation）", _line(item, key), qid,
                        str(key))
        elif not choice and key in CHOICE_ONLY:
            check.error("只用于选择题（type: choice）", _line(item, key), qid, str(key))
    for key in CHOICE_REQUIRED if choice else REQUIRED_FIELDS:
        if key not in item:
            check.error("缺少必填字段", line, qid, key)
    if len(check.errors) > before:
        return None

    def at(key: str) -> int:
        return _line(item, key)

    if not ID_PATTERN.match(qid):
        check.error("编号只能包含字母、数字、-、_、.", at("id"), qid, "id")
    dimension = str(item["dimension"]) if _scalar(item["dimension"]) else _show(item["dimension"])
    if dimension not in dimensions:
        check.error(f"未知维度 '{dimension}'，可选：{'、'.join(dimensions)}", at("dimension"),
                    qid, "dimension")
    difficulty = (str(item["difficulty"]) if _scalar(item["difficulty"])
                  else _show(item["difficulty"]))
    if difficulty not in DIFFICULTIES:
        check.error(f"未知难度 '{difficulty}'，可选：easy、medium、hard", at("difficulty"), qid,
                    "difficulty")
    if choice:
        from .choice import parse_choice

        return parse_choice(check, item, qid, line, dimension, difficulty, file_roles, roles)
    analysis = parse_analysis(check, item.get("analysis"), at("analysis"), qid)
    levels: list[tuple[int, str]] = []
    raw_levels = item.get("levels")
    if raw_levels is not None:
        if not isinstance(raw_levels, dict):
            check.error("应为「分数: 描述」的映射，分数为 1–5", at("levels"), qid, "levels")
        else:
            for key, text in raw_levels.items():
                if type(key) is not int or key not in LEVELS:  # not 1.0, not true
                    check.error(f"分数应为 1–5 的整数，实际为 {_show(key)}",
                                _line(raw_levels, key), qid, f"levels.{key}")
                    continue
                levels.append((key, check.text(text, _line(raw_levels, key), qid,
                                               f"levels.{key}")))
    probes = check.text_list(item.get("probes", []), at("probes"), qid, "probes")
    if "probes" in item and not 2 <= len(probes) <= 3:
        check.error(f"追问应为 2–3 条，实际为 {len(probes)} 条", at("probes"), qid, "probes")
    group = item.get("group")
    question_roles = _question_roles(check, item, at, line, qid, file_roles, roles)
    return Question(
        id=qid,
        dimension=dimension,
        difficulty=difficulty,
        minutes=check.integer(item["minutes"], at("minutes"), qid, "minutes", 1, 120),
        points=check.integer(item["points"], at("points"), qid, "points", 1, 100),
        question=check.text(item["question"], at("question"), qid, "question"),
        answer=check.text(item["answer"], at("answer"), qid, "answer", allow_empty=True),
        analysis=analysis,
        levels=tuple(sorted(levels)),
        probes=probes,
        tags=check.text_list(item.get("tags", []), at("tags"), qid, "tags"),
        group=check.text(group, at("group"), qid, "group") if group is not None else None,
        roles=question_roles,
        file=check.file,
        line=line,
    )


def bank_files(root: Path) -> list[Path]:
    """The question files of a bank folder, in a stable order. A symbolic link that leads
    nowhere, or out of the bank folder, is an error rather than silently skipped or read."""
    try:
        entries = sorted(root.iterdir())
    except OSError as exc:
        raise ExamgenError(f"无法读取题库文件夹：{exc.strerror}", _display(root)) from None
    if len(entries) > limits.MAX_BANK_FILES:
        raise ExamgenError(f"题库文件夹中的文件太多（{len(entries)} 个，最多 "
                           f"{limits.MAX_BANK_FILES} 个）", _display(root))
    inside = root.resolve()
    out = []
    for p in entries:
        if p.suffix not in (".yaml", ".yml") or p.name == ROLES_FILE:
            continue
        try:
            if _bank_file(p, inside):
                out.append(p)
        except OSError as exc:
            raise ExamgenError(f"无法读取：{exc.strerror}", _display(p)) from None
    return out


def _bank_file(p: Path, inside: Path) -> bool:
    if p.is_symlink():
        target = p.resolve()
        if not target.exists():
            raise ExamgenError(f"符号链接指向的文件不存在（{os.readlink(p)}）", _display(p))
        if not target.is_relative_to(inside):
            raise ExamgenError("符号链接指向题库文件夹之外，examgen 不读取（请把文件复制进"
                               "题库文件夹）", _display(p))
    return p.is_file()


def load_bank(root: Path | str) -> Bank:
    """Load and validate a bank folder; raises BankErrors listing every problem."""
    root = Path(root)
    if not root.is_dir():
        raise ExamgenError("题库文件夹不存在", _display(root))
    roles_path = root / ROLES_FILE
    try:
        roles_path.stat()
    except PermissionError as exc:
        raise ExamgenError(f"无法读取题库文件夹：{exc.strerror}", _display(root)) from None
    except OSError:
        pass
    if not roles_path.is_file():
        raise ExamgenError(f"题库文件夹中缺少 {ROLES_FILE}", _display(root))
    errors: list[ExamgenError] = []
    dimensions, roles = _load_roles(roles_path, errors)
    questions: list[Question] = []
    digest = hashlib.sha256()
    digest.update(roles_path.name.encode() + b"\0" + read_bytes(roles_path) + b"\0")
    for path in bank_files(root):
        data = read_bytes(path)
        digest.update(path.name.encode() + b"\0" + data + b"\0")
        questions.extend(_load_questions(path, dimensions, roles, errors, data))
    seen: dict[str, Question] = {}
    for q in questions:
        if q.id in seen:
            first = seen[q.id]
            errors.append(ExamgenError(f"编号重复（首次出现在 {first.file}:{first.line}）",
                                       q.file, q.line, q.id, "id"))
        else:
            seen[q.id] = q
    if errors:
        raise BankErrors(errors)
    warnings = tuple(f"{q.file}:{q.line} {q.id} answer: 参考答案为空" for q in questions
                     if not q.answer.strip())
    return Bank(root=root, dimensions=dimensions, roles=roles, questions=tuple(questions),
                fingerprint=digest.hexdigest()[:16], warnings=warnings)
