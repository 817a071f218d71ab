"""roles.yaml: add the imported role and new dimensions as inserted lines, so the user's
comments survive; say what to add by hand when that is not safe."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..bank import ROLES_FILE
from ..errors import ExamgenError
from .write import DEFAULT_DIFFICULTY, yaml_scalar


@dataclass
class RolesPlan:
    text: str | None  # new roles.yaml text, None when left as it is
    created: bool = False
    role_added: bool = False
    new_dimensions: dict[str, str] = field(default_factory=dict)
    hints: list[str] = field(default_factory=list)


def _block(lines: list[str], key: str) -> tuple[int, int, str] | None:
    """(index of `key:` line, index of its last child line, child indent) of a top-level
    block mapping in roles.yaml text; None when not a plain block mapping."""
    head = next((i for i, line in enumerate(lines)
                 if re.match(rf"{re.escape(key)}\s*:\s*(#.*)?$", line)), None)
    if head is None:
        return None
    last, indent = head, None
    for i in range(head + 1, len(lines)):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            break
        last = i
        if indent is None:
            indent = line[:len(line) - len(line.lstrip())]
    return (head, last, indent) if indent else None


def plan_roles(bank_dir: Path, role: str, title: str, mix: list[str],
               new_dimensions: dict[str, str], default_text: str) -> RolesPlan:
    """What to do to roles.yaml: add the new dimensions and the role (when missing) by
    inserting lines, so comments survive; when that is not safe, say what to add."""
    path = bank_dir / ROLES_FILE
    created = not path.is_file()
    text = default_text if created else path.read_text(encoding="utf-8-sig")
    data = yaml.safe_load(text) or {}
    roles = data.get("roles") if isinstance(data.get("roles"), dict) else {}
    plan = RolesPlan(text=None, created=created, new_dimensions=dict(new_dimensions))
    lines = text.rstrip("\n").split("\n")
    if new_dimensions:
        block = _block(lines, "dimensions")
        if block is None:
            wanted = "、".join(f"{d}: {t}" for d, t in new_dimensions.items())
            raise ExamgenError("无法自动在 roles.yaml 的 dimensions 中添加新维度，"
                               f"请手动添加：{wanted}", str(path))
        _, last, indent = block
        lines[last + 1:last + 1] = [f"{indent}{dim}: {yaml_scalar(t)}  # examgen import 添加"
                                    for dim, t in new_dimensions.items()]
    weights = ", ".join(f"{dim}: 1" for dim in mix)
    if role in roles:
        spec = roles[role] if isinstance(roles[role], dict) else {}
        have = spec.get("mix") if isinstance(spec.get("mix"), dict) else {}
        missing = [d for d in mix if d not in have]
        if missing:
            add = ", ".join(f"{d}: 1" for d in missing)
            plan.hints.append(f"岗位 {role} 已在 roles.yaml 中，未修改；要抽到新导入维度的题，"
                              f"请在它的 mix 中加入：{add}")
    else:
        block = _block(lines, "roles")
        entry_indent = block[2] if block else "  "
        entry = [f"{entry_indent}{yaml_scalar(role)}:  # examgen import 添加",
                 f"{entry_indent * 2}title: {yaml_scalar(title)}",
                 f"{entry_indent * 2}mix: {{{weights}}}",
                 f"{entry_indent * 2}difficulty: {{{DEFAULT_DIFFICULTY}: 1}}"]
        if block:
            lines[block[1] + 1:block[1] + 1] = entry
        elif "roles" not in data:
            lines += ["roles:", *entry]
        else:
            raise ExamgenError(f"无法自动在 roles.yaml 中添加岗位 {role}，请手动添加："
                               f"{role}: {{title: {yaml_scalar(title)}, mix: {{{weights}}}, "
                               f"difficulty: {{{DEFAULT_DIFFICULTY}: 1}}}}", str(path))
        plan.role_added = True
    if created or new_dimensions or plan.role_added:
        new_text = "\n".join(lines) + "\n"
        check = yaml.safe_load(new_text) or {}
        dims = check.get("dimensions") or {}
        ok = all(dims.get(d) == t for d, t in new_dimensions.items()) and role in (
            check.get("roles") or {})
        if not ok:
            raise ExamgenError("无法安全地修改 roles.yaml，请手动添加岗位与维度", str(path))
        plan.text = new_text
    return plan


def role_title(document_title: str, role: str) -> str:
    """A role title from a document title: `2025年客服主管岗位面试题库` → `客服主管`."""
    title = re.sub(r"^\s*\d{4}\s*年度?", "", document_title)
    title = re.split(r"面试|面試|笔试|筆試|招聘|题库|題庫|试题|試題|考试|考試", title)[0]
    title = re.sub(r"[(（【\[][^)）】\]]*[)）】\]]", "", title)
    title = re.sub(r"(岗位|崗位|职位|職位)$", "", title.strip(" -_·、"))
    return title if 2 <= len(title) <= 20 else role
