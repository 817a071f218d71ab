"""Choice items (选择题) and the written-test mix of a role, validated as strictly as the
rest of the bank (bank.py calls these while it reads a file)."""

from __future__ import annotations

from typing import Any

from .bank import (
    CHOICE_MINUTES,
    CHOICE_POINTS,
    LETTERS,
    WRITTEN_FIELDS,
    Question,
    Role,
    WrittenMix,
    _Checker,
    _line,
    _Mapping,
    _question_roles,
    _show,
)


def parse_written(check: _Checker, value: Any, line: int, name: str) -> WrittenMix | None:
    """`written: {choice: 20, open: 5}`: the default mix of the role's written test."""
    if not isinstance(value, dict) or not value:
        check.error("应为 {choice: 选择题数, open: 问答题数} 的映射", line, None, name)
        return None
    counts = {"choice": 0, "open": 0}
    for key, number in value.items():
        if key not in WRITTEN_FIELDS:
            check.error("未知字段（可用：choice、open）", _line(value, key), None,
                        f"{name}.{key}")
        elif isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= 200:
            check.error(f"应为 0–200 的整数，实际为 {_show(number)}", _line(value, key), None,
                        f"{name}.{key}")
        else:
            counts[key] = number
    if sum(counts.values()) == 0:
        check.error("选择题与问答题不能都为 0", line, None, name)
        return None
    return WrittenMix(counts["choice"], counts["open"])



def parse_choice(check: _Checker, item: _Mapping, qid: str, line: int, dimension: str,
            difficulty: str, file_roles: tuple[str, ...], roles: dict[str, Role]) -> Question:
    """A choice item: 2–8 distinct options, answer letters among them."""

    def at(key: str) -> int:
        return _line(item, key)

    options: tuple[str, ...] = ()
    raw = item["options"]
    if not isinstance(raw, list) or not 2 <= len(raw) <= len(LETTERS):
        check.error(f"应为 2–{len(LETTERS)} 个选项的列表，实际为 {_show(raw)}", at("options"),
                    qid, "options")
    else:
        options = tuple(check.text(v, at("options"), qid, f"options.{LETTERS[i]}")
                        for i, v in enumerate(raw))
        for i, option in enumerate(options):
            first = options.index(option)
            if option and first < i:
                check.error(f"与选项 {LETTERS[first]} 重复", at("options"), qid,
                            f"options.{LETTERS[i]}")
    raw_answer = item["answer"]
    letters = raw_answer if isinstance(raw_answer, list) else [raw_answer]
    correct: list[str] = []
    for value in letters:
        letter = str(value).strip().upper() if isinstance(value, str) else ""
        if len(letter) != 1 or letter not in LETTERS:
            hint = "（多选题写成列表，例如 [A, C]）" if len(letter) > 1 else ""
            check.error(f"答案应为一个选项字母 A–H，实际为 {_show(value)}{hint}", at("answer"),
                        qid, "answer")
        elif options and LETTERS.index(letter) >= len(options):
            check.error(f"答案 {letter} 没有对应的选项（本题选项为 A–{LETTERS[len(options) - 1]}）",
                        at("answer"), qid, "answer")
        elif letter in correct:
            check.error(f"答案 {letter} 重复", at("answer"), qid, "answer")
        else:
            correct.append(letter)
    if not letters:
        check.error("答案不能为空", at("answer"), qid, "answer")
    partial = item.get("partial", False)
    if not isinstance(partial, bool):
        check.error(f"应为 true 或 false，实际为 {_show(partial)}", at("partial"), qid, "partial")
        partial = False
    elif partial and len(letters) < 2:
        check.error("partial 只用于有多个答案的选择题", at("partial"), qid, "partial")
    group = item.get("group")
    question_roles = _question_roles(check, item, at, line, qid, file_roles, roles)
    correct.sort(key=LETTERS.index)
    return Question(
        id=qid, dimension=dimension, difficulty=difficulty,
        minutes=check.integer(item.get("minutes", CHOICE_MINUTES), at("minutes"), qid,
                              "minutes", 1, 120),
        points=check.integer(item.get("points", CHOICE_POINTS), at("points"), qid, "points",
                             1, 100),
        question=check.text(item["question"], at("question"), qid, "question"),
        answer="、".join(correct),
        tags=check.text_list(item.get("tags", []), at("tags"), qid, "tags"),
        group=check.text(group, at("group"), qid, "group") if group is not None else None,
        roles=question_roles, type="choice", options=options, correct=tuple(correct),
        explanation=check.text(item.get("explanation"), at("explanation"), qid, "explanation",
                               allow_empty=True),
        partial=bool(partial), file=check.file, line=line)
