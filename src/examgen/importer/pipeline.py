"""read → parse → place → write, all or nothing: the bank file (and roles.yaml) are
checked as a bank before anything is written."""

from __future__ import annotations

import shlex
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ..bank import ID_PATTERN, ROLES_FILE, bank_files, load_bank
from ..errors import BankErrors, ExamgenError
from .dimensions import place
from .parsing import parse
from .read import display_name, read_document
from .report import ImportReport
from .roles import plan_roles, role_title
from .write import bank_file_text, question_data, written


def _other_ids(bank_dir: Path, output: Path) -> set[str]:
    ids: set[str] = set()
    if not bank_dir.is_dir():
        return ids
    for path in bank_files(bank_dir):
        if path.resolve() == output.resolve():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        items = data.get("questions") if isinstance(data, dict) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and "id" in item:
                ids.add(str(item["id"]))
    return ids


def _bank_dimensions(bank_dir: Path, default_text: str) -> dict[str, str]:
    path = bank_dir / ROLES_FILE
    text = path.read_text(encoding="utf-8-sig") if path.is_file() else default_text
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        raise ExamgenError("roles.yaml 格式错误，请先运行 examgen validate 检查",
                           str(path)) from None
    dims = data.get("dimensions") if isinstance(data, dict) else None
    if not isinstance(dims, dict) or not dims:
        raise ExamgenError("roles.yaml 中没有 dimensions", str(path))
    return {str(k): str(v) for k, v in dims.items()}


def import_document(source: Path, role: str, output: Path, *, dimension: str | None = None,
                    simplified: bool = False, force: bool = False) -> ImportReport:
    """Read a document, write the bank file (and roles.yaml when needed), all or nothing."""
    from ..fonts import find_unprintable
    from ..atomic import write_atomically
    from ..resources import default_bank_dir

    source, output = Path(source), Path(output)
    if not ID_PATTERN.match(role):
        raise ExamgenError(f"岗位编号「{role}」只能包含字母、数字、-、_（例如 director）")
    if output.suffix.lower() not in (".yaml", ".yml") or output.name == ROLES_FILE:
        raise ExamgenError("输出文件应为 .yaml 题目文件（不能是 roles.yaml），"
                           "例如 questions/director-imported.yaml", str(output))
    if output.exists() and not force:
        raise ExamgenError("输出文件已存在，未覆盖（确认要覆盖请加 --force）", str(output))
    text, wrapped = read_document(source)
    try:
        result = parse(text, wrapped=wrapped, simplified=simplified)
    except ExamgenError as exc:
        raise ExamgenError(exc.message, display_name(source)) from None
    bank_dir = output.parent
    default_text = (default_bank_dir() / ROLES_FILE).read_text(encoding="utf-8")
    dimensions = _bank_dimensions(bank_dir, default_text)
    placed, new_dims = place(result, role, dimensions, dimension, _other_ids(bank_dir, output))
    if not any(written(p) for p in placed):
        raise ExamgenError("找到的选择题都没有可用的答案（原文在答案之前被截断，或答案没有对应的"
                           "选项），未写入任何文件", display_name(source))
    all_dims = {**dimensions, **new_dims}
    mix = [d for d in all_dims if any(p.dimension == d for p in placed)]
    title = role_title(result.title, role)
    roles_plan = plan_roles(bank_dir, role, title, mix, new_dims, default_text)
    content = bank_file_text(placed, role, all_dims, source.name, result.shape)
    _dry_run(roles_plan.text or (bank_dir / ROLES_FILE).read_text(encoding="utf-8-sig"),
             content, output.name, role, sum(written(p) for p in placed))
    files = {output: content.encode("utf-8")}
    if roles_plan.text is not None:
        files[bank_dir / ROLES_FILE] = roles_plan.text.encode("utf-8")
    write_atomically(files)
    texts = [(p.id, name, value) for p in placed
             for name, value in _texts(question_data(p)).items()]
    unprintable = [{"id": u.where, "field": u.field,
                    "chars": [f"U+{ord(c):04X}" for c in u.chars]}
                   for u in find_unprintable(texts)]
    notes = list(result.notes)
    if dimension is not None and not any(p.how == "option" for p in placed):
        notes.append("文档已给出每道题的维度，--dimension 未使用")
    return ImportReport(file=str(source), output=str(output), bank=str(bank_dir),
                        shape=result.shape, role=role, title=title, announced=result.announced,
                        placed=placed, dimensions=all_dims, roles=roles_plan,
                        unprintable=unprintable,
                        next_command=_next_command(bank_dir, role), notes=notes)


def _texts(data: Any, name: str = "") -> dict[str, str]:
    """Every text of a question as the bank names its fields (`options[2]`,
    `analysis.parts[0].title`), for the font check."""
    if isinstance(data, str):
        return {name: data}
    out: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in ("id", "type", "dimension", "difficulty"):
                out.update(_texts(value, f"{name}.{key}" if name else key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.update(_texts(value, f"{name}[{i}]"))
    return out


def _dry_run(roles_text: str, content: str, name: str, role: str, count: int) -> None:
    """Load what is about to be written, alone, as a bank: it must be valid."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ROLES_FILE).write_text(roles_text, encoding="utf-8")
        (root / name).write_text(content, encoding="utf-8")
        try:
            bank = load_bank(root)
        except BankErrors as exc:
            raise ExamgenError(f"导入结果未通过检查（请报告此问题）：{exc.errors[0]}") from None
        if len(bank.for_role(role, None)) != count:
            raise ExamgenError("导入结果未通过检查（请报告此问题）：题目数量不符")


def _next_command(bank_dir: Path, role: str) -> str | None:
    """The build command that works on the bank as it now is (None if it does not load):
    open questions by count, and choice items (a written test) when the bank has them."""
    from ..sampling import choose

    try:
        bank = load_bank(bank_dir)
        if role not in bank.roles:
            return None
        count = min(20, len(bank.for_role(role)))
        choice = min(20, len(bank.for_role(role, "choice")))
        if not count and not choice:
            return None
        try:
            choose(bank, role, 0, count=count, choice=choice)
            extra = ""
        except ExamgenError:
            extra = " --allow-shortfall"
    except ExamgenError:
        return None
    items = f"--choice {choice} --count {count}" if choice else f"--count {count}"
    return (f"examgen build --role {shlex.quote(role)} --bank {shlex.quote(str(bank_dir))} "
            f"{items}{extra}")
