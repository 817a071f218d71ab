"""Steps 2–4 on a document's text: clean it, detect its shape, run that shape's parser, tidy
what it found."""

from __future__ import annotations

import re

from ..errors import ExamgenError
from .clean import DAMAGED, clean_text, strip_site
from .damage import is_garbled
from .detect import shape_of
from .markers import ANNOUNCED, PAGE_TITLE
from .model import Analysis, ImportResult, RawQuestion
from .script import script_re, to_simplified
from .shape_a import parse_a
from .shape_b import parse_b, unwrap


def parse(text: str, *, wrapped: bool = False, simplified: bool = False) -> ImportResult:
    """Find the questions of a document's text. `wrapped`: lines are layout lines (PDF).
    `simplified`: convert traditional script to simplified first. Raises ExamgenError
    (without a file name) for an unknown shape or when no question is found."""
    text = clean_text(text)
    if simplified:
        text = to_simplified(text)
    raw_lines = text.split("\n")
    lines = strip_site(raw_lines)
    shape = shape_of(lines)
    if shape is None:
        raise ExamgenError("无法识别题库格式：没有找到「1.…答案:」或「第一题 … 答案:」这样的题目")
    title = _title(raw_lines)
    if shape == "A":
        questions, preamble = parse_a(lines)
    else:
        questions, preamble = parse_b(unwrap(lines) if wrapped else lines)
    for q in questions:
        _finish(q)
    questions = [q for q in questions if q.question]
    if not questions:
        raise ExamgenError("没有找到任何题目（找到了题号，但没有题目文字）")
    announced = ANNOUNCED.search(preamble)
    return ImportResult(shape=shape, title=title or _title_from_preamble(preamble),
                        announced=int(announced.group(1)) if announced else None,
                        questions=questions)


def _title(raw_lines: list[str]) -> str:
    """The title the site repeats in its page markers (`标题_第1页`)."""
    for line in raw_lines:
        match = PAGE_TITLE.match(line.strip())
        if match:
            return match.group(1).strip()
    return ""


def _title_from_preamble(preamble: str) -> str:
    for line in preamble.split("\n"):
        if re.search(r"[\u3400-\u9fff]", line) and script_re(r"面试|题库|试题|笔试").search(line):
            return line.strip()
    return ""


def _finish(q: RawQuestion) -> None:
    """Mark encoding damage, drop the damage marks, tidy every text."""
    texts = [q.question, q.answer, q.partial, q.analysis.expectations, q.analysis.purpose,
             *q.analysis.scoring_points]
    q.garbled = q.garbled or any(is_garbled(t) for t in texts)

    def tidy(value: str) -> str:
        value = value.replace(DAMAGED, "")
        lines = [re.sub(r"[ \t]+", " ", line).strip() for line in value.split("\n")]
        return "\n".join(line for line in lines if line)

    q.question, q.answer, q.partial = tidy(q.question), tidy(q.answer), tidy(q.partial)
    q.analysis = Analysis([p for p in (tidy(s) for s in q.analysis.scoring_points) if p],
                          tidy(q.analysis.expectations), tidy(q.analysis.purpose))
