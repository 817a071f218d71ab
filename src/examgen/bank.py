"""The question bank: YAML files → validated dataclasses, every error with file and line."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import limits
from .errors import BankErrors, ExamgenError
from .yamlcheck import (
    Checker,
    LinedMapping,
    display_path,
    is_scalar,
    line_of,
    read_bytes,
    read_yaml,
    show,
)

ROLES_FILE = "roles.yaml"
DIFFICULTIES = {"easy": "简单", "medium": "中等", "hard": "困难"}
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
QUESTION_FIELDS = {
    "id", "dimension", "difficulty", "minutes", "points", "question", "answer",
    "analysis", "levels", "tags", "group", "roles", "probes",
    "type", "options", "explanation", "partial",
}
REQUIRED_FIELDS = ("id", "dimension", "difficulty", "minutes", "points", "question", "answer")
# A choice item's time and points default to 1; it needs options instead.
CHOICE_REQUIRED = ("id", "dimension", "difficulty", "question", "options", "answer")
CHOICE_ONLY = ("options", "explanation", "partial")
NOT_FOR_CHOICE = ("levels", "probes")
TYPES = {"open": "问答题", "choice": "选择题"}
LETTERS = "ABCDEFGH"  # options are printed A, B, C, …: 2–8 of them
ANALYSIS_FIELDS = {"scoring_points", "expectations", "purpose", "parts"}
PART_FIELDS = {"title", "scoring_points", "expectations", "purpose"}
LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Role:
    id: str
    title: str
    mix: dict[str, int]  # dimension id → weight, in the order the role lists them
    difficulty: dict[str, int]  # difficulty → weight


@dataclass(frozen=True)
class AnalysisPart:
    """One part of a long answer scored on its own (`价值理解`, `语言与表达` …)."""

    title: str
    scoring_points: tuple[str, ...] = ()
    expectations: str = ""
    purpose: str = ""


@dataclass(frozen=True)
class Analysis:
    """What the key prints under the answer: the flat fields for a one-part analysis, or
    `parts`, each with a title and the same three fields (never both)."""

    scoring_points: tuple[str, ...] = ()
    expectations: str = ""
    purpose: str = ""
    parts: tuple[AnalysisPart, ...] = ()


@dataclass(frozen=True)
class Question:
    id: str
    dimension: str
    difficulty: str
    minutes: int
    points: int
    question: str
    answer: str  # a choice item's letters, in order: "B", or "AC" for several
    analysis: Analysis = field(default_factory=Analysis)
    levels: tuple[tuple[int, str], ...] = ()
    probes: tuple[str, ...] = ()  # 追问: the same follow-ups for every candidate
    tags: tuple[str, ...] = ()
    group: str | None = None
    roles: tuple[str, ...] = ()
    type: str = "open"  # "open" | "choice"
    options: tuple[str, ...] = ()  # choice: printed A, B, C, …
    explanation: str = ""  # choice: 解析
    partial: bool = False  # choice with several answers: partial credit
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def is_choice(self) -> bool:
        return self.type == "choice"

    @property
    def answer_letters(self) -> tuple[str, ...]:
        """A choice item's answer as letters, ("A", "C"); () for an open question."""
        return tuple(self.answer) if self.is_choice else ()

    def lettered_options(self) -> list[tuple[str, str]]:
        return list(zip(LETTERS, self.options, strict=False))

    def digest(self) -> str:
        """A fingerprint of what prints: changes when any printed field changes."""
        data = asdict(self)
        data.pop("file")
        data.pop("line")
        # Fields added later are left out while empty, so papers built before still match.
        if not data["probes"]:
            data.pop("probes")
        if not data["analysis"]["parts"]:
            data["analysis"].pop("parts")
        if data["type"] == "open":
            data.pop("type")
        for name, empty in (("options", ()), ("explanation", ""), ("partial", False)):
            if data[name] == empty:
                data.pop(name)
        blob = json.dumps(data, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def texts(self) -> dict[str, str]:
        """Every printed text of the question, by field name (for the font check)."""
        out = {"question": self.question, "answer": self.answer,
               "analysis.expectations": self.analysis.expectations,
               "analysis.purpose": self.analysis.purpose}
        for i, point in enumerate(self.analysis.scoring_points):
            out[f"analysis.scoring_points[{i}]"] = point
        for n, part in enumerate(self.analysis.parts):
            name = f"analysis.parts[{n}]"
            out.update({f"{name}.title": part.title, f"{name}.expectations": part.expectations,
                        f"{name}.purpose": part.purpose})
            for i, point in enumerate(part.scoring_points):
                out[f"{name}.scoring_points[{i}]"] = point
        for i, option in enumerate(self.options):
            out[f"options[{i}]"] = option
        if self.explanation:
            out["explanation"] = self.explanation
        for level, text in self.levels:
            out[f"levels.{level}"] = text
        for i, probe in enumerate(self.probes):
            out[f"probes[{i}]"] = probe
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

    def for_role(self, role_id: str) -> list[Question]:
        return [q for q in self.questions if role_id in q.roles]

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}


def _load_roles(path: Path, errors: list[ExamgenError]) -> tuple[dict[str, str], dict[str, Role]]:
    check = Checker(path)
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
            check.error("未知字段（可用：dimensions、roles）", line_of(data, key), None, str(key))
    raw_dims = data.get("dimensions")
    if not isinstance(raw_dims, dict) or not raw_dims:
        check.error("应为「维度编号: 维度名称」的映射", line_of(data, "dimensions"), None,
                    "dimensions")
    else:
        check.duplicates(raw_dims)
        for dim_id, title in raw_dims.items():
            line = line_of(raw_dims, dim_id)
            if not ID_PATTERN.match(str(dim_id)):
                check.error("维度编号只能包含字母、数字、-、_", line, None, f"dimensions.{dim_id}")
            dimensions[str(dim_id)] = check.text(title, line, None, f"dimensions.{dim_id}")
    raw_roles = data.get("roles")
    if not isinstance(raw_roles, dict) or not raw_roles:
        check.error("应为「岗位编号: 岗位设置」的映射", line_of(data, "roles"), None, "roles")
        raw_roles = {}
    check.duplicates(raw_roles) if isinstance(raw_roles, LinedMapping) else None
    for role_id, spec in raw_roles.items():
        line = line_of(raw_roles, role_id)
        name = f"roles.{role_id}"
        if not ID_PATTERN.match(str(role_id)):
            check.error("岗位编号只能包含字母、数字、-、_", line, None, name)
            continue
        if not isinstance(spec, dict):
            check.error("应为包含 title、mix、difficulty 的映射", line, None, name)
            continue
        check.duplicates(spec)
        for key in spec:
            if key not in ("title", "mix", "difficulty"):
                check.error("未知字段（可用：title、mix、difficulty）", line_of(spec, key), None,
                            f"{name}.{key}")
        missing = [k for k in ("title", "mix", "difficulty") if k not in spec]
        for key in missing:
            check.error("缺少必填字段", line, None, f"{name}.{key}")
        if missing:
            continue
        roles[str(role_id)] = Role(
            id=str(role_id),
            title=check.text(spec["title"], line_of(spec, "title"), None, f"{name}.title"),
            mix=check.weights(spec["mix"], line_of(spec, "mix"), f"{name}.mix", dimensions, "维度"),
            difficulty=check.weights(spec["difficulty"], line_of(spec, "difficulty"),
                                     f"{name}.difficulty", DIFFICULTIES, "难度"),
        )
    errors.extend(check.errors)
    return dimensions, roles


def _load_questions(path: Path, dimensions: dict[str, str], roles: dict[str, Role],
                    errors: list[ExamgenError], content: bytes | None = None
                    ) -> list[Question]:
    check = Checker(path)
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
            check.error("未知字段（可用：roles、questions）", line_of(data, key), None, str(key))
    file_roles = _role_list(check, data.get("roles", []), line_of(data, "roles"), None, "roles",
                            roles)
    raw = data["questions"]
    if not isinstance(raw, list):
        check.error("应为题目列表", line_of(data, "questions"), None, "questions")
        raw = []
    questions = []
    for index, item in enumerate(raw):
        question = _question(check, item, index, file_roles, dimensions, roles)
        if question:
            questions.append(question)
    errors.extend(check.errors)
    return questions


def _role_list(check: Checker, value: Any, line: int, qid: str | None, name: str,
               roles: dict[str, Role]) -> tuple[str, ...]:
    listed = check.text_list(value, line, qid, name)
    for role_id in listed:
        if role_id and role_id not in roles:
            check.error(f"未知岗位 '{role_id}'（roles.yaml 中没有）", line, qid, name)
    return tuple(r for r in listed if r in roles)


def _question(check: Checker, item: Any, index: int, file_roles: tuple[str, ...],
              dimensions: dict[str, str], roles: dict[str, Role]) -> Question | None:
    if not isinstance(item, dict):
        check.error(f"第 {index + 1} 题应为映射（字段: 值）", None)
        return None
    line = item.line if isinstance(item, LinedMapping) else 0
    qid = item.get("id")
    qid = str(qid)[:80] if is_scalar(qid) and qid is not None else f"第{index + 1}题"
    check.duplicates(item, qid)
    before = len(check.errors)

    def at(key: str) -> int:
        return line_of(item, key)

    kind = str(item.get("type", "open"))
    if kind not in TYPES:
        check.error(f"未知题型 '{kind}'，可选：open（问答题）、choice（选择题）", at("type"), qid,
                    "type")
        kind = "open"
    for key in item:
        if key not in QUESTION_FIELDS:
            check.error("未知字段", at(key), qid, str(key))
        elif kind == "choice" and key in NOT_FOR_CHOICE:
            check.error("选择题不能有此字段（只有问答题有评分锚点和追问）", at(key), qid, key)
        elif kind == "open" and key in CHOICE_ONLY:
            check.error("只有选择题（type: choice）才有此字段", at(key), qid, key)
    for key in CHOICE_REQUIRED if kind == "choice" else REQUIRED_FIELDS:
        if key not in item:
            check.error("缺少必填字段", line, qid, key)
    if len(check.errors) > before:
        return None

    if not ID_PATTERN.match(qid):
        check.error("编号只能包含字母、数字、-、_、.", at("id"), qid, "id")
    dimension = str(item["dimension"]) if is_scalar(item["dimension"]) else show(item["dimension"])
    if dimension not in dimensions:
        check.error(f"未知维度 '{dimension}'，可选：{'、'.join(dimensions)}", at("dimension"),
                    qid, "dimension")
    difficulty = (str(item["difficulty"]) if is_scalar(item["difficulty"])
                  else show(item["difficulty"]))
    if difficulty not in DIFFICULTIES:
        check.error(f"未知难度 '{difficulty}'，可选：easy、medium、hard", at("difficulty"), qid,
                    "difficulty")
    analysis = _analysis(check, item.get("analysis"), at("analysis"), qid)
    if kind == "choice":
        options, answer, partial = _choice(check, item, qid)
    else:
        options, partial = (), False
        answer = check.text(item["answer"], at("answer"), qid, "answer", allow_empty=True)
    levels: list[tuple[int, str]] = []
    raw_levels = item.get("levels")
    if raw_levels is not None:
        if not isinstance(raw_levels, dict):
            check.error("应为「分数: 描述」的映射，分数为 1–5", at("levels"), qid, "levels")
        else:
            for key, text in raw_levels.items():
                if type(key) is not int or key not in LEVELS:  # not 1.0, not true
                    check.error(f"分数应为 1–5 的整数，实际为 {show(key)}",
                                line_of(raw_levels, key), qid, f"levels.{key}")
                    continue
                levels.append((key, check.text(text, line_of(raw_levels, key), qid,
                                               f"levels.{key}")))
    probes = check.text_list(item.get("probes", []), at("probes"), qid, "probes")
    if "probes" in item and not 2 <= len(probes) <= 3:
        check.error(f"追问应为 2–3 条，实际为 {len(probes)} 条", at("probes"), qid, "probes")
    group = item.get("group")
    question_roles = (_role_list(check, item["roles"], at("roles"), qid, "roles", roles)
                      if "roles" in item else file_roles)
    if not question_roles:
        check.error("题目不属于任何岗位：在文件顶部写 roles: [岗位编号]，或在题目中写 roles",
                    line, qid, "roles")
    return Question(
        id=qid,
        dimension=dimension,
        difficulty=difficulty,
        minutes=check.integer(item.get("minutes", 1), at("minutes"), qid, "minutes", 1, 120),
        points=check.integer(item.get("points", 1), at("points"), qid, "points", 1, 100),
        question=check.text(item["question"], at("question"), qid, "question"),
        answer=answer,
        analysis=analysis,
        levels=tuple(sorted(levels)),
        probes=probes,
        tags=check.text_list(item.get("tags", []), at("tags"), qid, "tags"),
        group=check.text(group, at("group"), qid, "group") if group is not None else None,
        roles=question_roles,
        type=kind,
        options=options,
        explanation=check.text(item.get("explanation"), at("explanation"), qid, "explanation",
                               allow_empty=True),
        partial=partial,
        file=check.file,
        line=line,
    )


def _analysis_fields(check: Checker, sub: Any, qid: str, name: str) -> dict[str, Any]:
    return {
        "scoring_points": check.text_list(sub.get("scoring_points", []),
                                          line_of(sub, "scoring_points"), qid,
                                          f"{name}.scoring_points"),
        "expectations": check.text(sub.get("expectations"), line_of(sub, "expectations"), qid,
                                   f"{name}.expectations", allow_empty=True),
        "purpose": check.text(sub.get("purpose"), line_of(sub, "purpose"), qid,
                              f"{name}.purpose", allow_empty=True),
    }


def _analysis(check: Checker, raw: Any, line: int, qid: str) -> Analysis:
    """The flat fields, or `parts` (a list of {title, scoring_points, expectations,
    purpose}); never both, so nothing prints twice or out of place."""
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
                        line_of(raw, key), qid, f"analysis.{key}")
    if "parts" not in raw:
        return Analysis(**_analysis_fields(check, raw, qid, "analysis"))
    flat = [key for key in raw if key in ANALYSIS_FIELDS - {"parts"}]
    for key in flat:
        check.error("分部分评分时，评分要点、期望、考察目的写在各部分（parts）中",
                    line_of(raw, key), qid, f"analysis.{key}")
    items = raw["parts"]
    if not isinstance(items, list) or not items:
        check.error("应为各部分的列表，每部分含 title 与评分要点、期望、考察目的",
                    line_of(raw, "parts"), qid, "analysis.parts")
        return Analysis()
    parts: list[AnalysisPart] = []
    for n, sub in enumerate(items):
        name = f"analysis.parts[{n}]"
        if not isinstance(sub, dict):
            check.error("应为包含 title、scoring_points、expectations、purpose 的映射",
                        line_of(raw, "parts"), qid, name)
            continue
        check.duplicates(sub, qid)
        here = getattr(sub, "line", line_of(raw, "parts"))
        for key in sub:
            if key not in PART_FIELDS:
                check.error("未知字段（可用：title、scoring_points、expectations、purpose）",
                            line_of(sub, key), qid, f"{name}.{key}")
        title = check.text(sub.get("title"), line_of(sub, "title"), qid, f"{name}.title")
        fields = _analysis_fields(check, sub, qid, name)
        if not any(fields.values()):
            check.error("此部分没有评分要点、期望或考察目的", here, qid, name)
        if title and title in (p.title for p in parts):
            check.error(f"部分标题「{title}」重复", line_of(sub, "title"), qid, f"{name}.title")
        parts.append(AnalysisPart(title=title, **fields))
    return Analysis(parts=tuple(parts))


def _choice(check: Checker, item: Any, qid: str) -> tuple[tuple[str, ...], str, bool]:
    """(options, answer letters in order, partial) of a choice item."""
    options = check.text_list(item["options"], line_of(item, "options"), qid, "options")
    if not 2 <= len(options) <= len(LETTERS):
        check.error(f"选项应为 2–{len(LETTERS)} 个，实际为 {len(options)} 个",
                    line_of(item, "options"), qid, "options")
    for i, option in enumerate(options):
        if option and option in options[:i]:
            check.error(f"选项 {LETTERS[i] if i < len(LETTERS) else i + 1} 与前面的选项重复",
                        line_of(item, "options"), qid, f"options[{i}]")
    raw, line = item["answer"], line_of(item, "answer")
    letters = [raw] if isinstance(raw, str) else raw
    if not isinstance(letters, list) or not letters or not all(
            isinstance(x, str) and len(x.strip()) == 1 for x in letters):
        check.error("选择题的答案应为一个选项字母（如 B），多选题为字母列表（如 [A, C]），"
                    f"实际为 {show(raw)}", line, qid, "answer")
        letters = []
    letters = [x.strip() for x in letters]
    available = LETTERS[:len(options)]
    for letter in letters:
        if letter not in available:
            check.error(f"答案 {letter} 没有对应的选项（可选：{'、'.join(available)}）", line, qid,
                        "answer")
    if len(set(letters)) != len(letters):
        check.error("答案中有重复的字母", line, qid, "answer")
    partial = item.get("partial", False)
    if not isinstance(partial, bool):
        check.error(f"应为 true 或 false，实际为 {show(partial)}", line_of(item, "partial"), qid,
                    "partial")
        partial = False
    elif partial and len(letters) < 2:
        check.error("只有多个答案的选择题才能按答对的比例给分", line_of(item, "partial"), qid,
                    "partial")
    return options, "".join(sorted(set(letters), key=LETTERS.find)), partial


def bank_files(root: Path) -> list[Path]:
    """The question files of a bank folder, in a stable order. A symbolic link that leads
    nowhere, or out of the bank folder, is an error rather than silently skipped or read."""
    try:
        entries = sorted(root.iterdir())
    except OSError as exc:
        raise ExamgenError(f"无法读取题库文件夹：{exc.strerror}", display_path(root)) from None
    if len(entries) > limits.MAX_BANK_FILES:
        raise ExamgenError(f"题库文件夹中的文件太多（{len(entries)} 个，最多 "
                           f"{limits.MAX_BANK_FILES} 个）", display_path(root))
    inside = root.resolve()
    out = []
    for p in entries:
        if p.suffix not in (".yaml", ".yml") or p.name == ROLES_FILE:
            continue
        try:
            if _bank_file(p, inside):
                out.append(p)
        except OSError as exc:
            raise ExamgenError(f"无法读取：{exc.strerror}", display_path(p)) from None
    return out


def _bank_file(p: Path, inside: Path) -> bool:
    if p.is_symlink():
        target = p.resolve()
        if not target.exists():
            raise ExamgenError(f"符号链接指向的文件不存在（{os.readlink(p)}）", display_path(p))
        if not target.is_relative_to(inside):
            raise ExamgenError("符号链接指向题库文件夹之外，examgen 不读取（请把文件复制进"
                               "题库文件夹）", display_path(p))
    return p.is_file()


def load_bank(root: Path | str) -> Bank:
    """Load and validate a bank folder; raises BankErrors listing every problem."""
    root = Path(root)
    if not root.is_dir():
        raise ExamgenError("题库文件夹不存在", display_path(root))
    roles_path = root / ROLES_FILE
    try:
        roles_path.stat()
    except PermissionError as exc:
        raise ExamgenError(f"无法读取题库文件夹：{exc.strerror}", display_path(root)) from None
    except OSError:
        pass
    if not roles_path.is_file():
        raise ExamgenError(f"题库文件夹中缺少 {ROLES_FILE}", display_path(root))
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
