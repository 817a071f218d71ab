"""Steps 2–4 on a document's text: clean it, detect its shape, run that shape's parser, tidy
what it found."""

from __future__ import annotations

import re

from ..errors import ExamgenError
from . import shape_c, shape_d
from .clean import DAMAGED, clean_text, strip_site
from .damage import is_garbled
from .detect import shape_of
from .markers import ANNOUNCED, PAGE_TITLE
from .model import Analysis, ImportResult, Part, RawQuestion
from .script import script_re, to_simplified
from .shape_a import parse_a
from .shape_b import parse_b, unwrap
from .shape_c import Section, parse_c
from .shape_d import parse_d


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
        raise ExamgenError("无法识别题库格式：没有找到「1.…答案:」「第一题 … 答案:」、"
                           "带 A/B/C 选项的选择题或「问题 + 回答思路」这样的题目")
    title = _title(raw_lines)
    sections: list[Section] = []
    if shape == "A":
        questions, preamble = parse_a(lines)
    elif shape == "C":
        document = parse_c(unwrap(lines, shape_c.stands_alone) if wrapped else lines)
        questions, preamble, sections = document.questions, document.preamble, document.sections
    elif shape == "D":
        questions, preamble = parse_d(unwrap(lines, shape_d.stands_alone) if wrapped else lines)
    else:
        questions, preamble = parse_b(unwrap(lines) if wrapped else lines)
    for q in questions:
        _finish(q)
    questions = [q for q in questions if q.question]
    if not questions:
        raise ExamgenError("没有找到任何题目（找到了题号，但没有题目文字）")
    announced_counts = [s.announced for s in sections if s.announced is not None]
    found = ANNOUNCED.search(preamble)
    announced = (sum(announced_counts) if announced_counts
                 else int(found.group(1)) if found else None)
    notes = [f"{s.name}：文档声明 {s.announced} 题，找到 {s.found} 题" for s in sections
             if s.announced is not None and s.announced != s.found]
    return ImportResult(shape=shape, title=title or _title_from_preamble(preamble),
                        announced=announced, questions=questions, notes=notes)


def _title(raw_lines: list[str]) -> str:
    """The title the site repeats in its page markers (`标题_第1页`)."""
    for line in raw_lines:
        match = PAGE_TITLE.match(line.strip())
        if match:
            return match.group(1).strip()
    return ""


def _title_from_preamble(preamble: str) -> str:
    for line in preamble.split("\n"):
        if line.rstrip().endswith((":", "：")):  # an introduction, not a title
            continue
        if re.search(r"[\u3400-\u9fff]", line) and script_re(r"面试|题库|试题|笔试").search(line):
            return line.strip()
    return ""


def _finish(q: RawQuestion) -> None:
    """Mark encoding damage, drop the damage marks, tidy every text."""
    texts = [q.question, q.answer, q.partial, q.explanation, *q.options,
             *q.analysis.texts()]
    q.garbled = q.garbled or any(is_garbled(t) for t in texts)

    def tidy(value: str) -> str:
        value = value.replace(DAMAGED, "")
        lines = [re.sub(r"[ \t]+", " ", line).strip() for line in value.split("\n")]
        return "\n".join(line for line in lines if line)

    def tidy_fields(a: Analysis | Part) -> tuple[list[str], str, str]:
        return ([p for p in (tidy(s) for s in a.scoring_points) if p], tidy(a.expectations),
                tidy(a.purpose))

    q.question, q.answer, q.partial = tidy(q.question), tidy(q.answer), tidy(q.partial)
    q.explanation = tidy(q.explanation)
    q.options = [tidy(option) for option in q.options]
    parts = [Part(tidy(p.title), *tidy_fields(p)) for p in q.analysis.parts]
    q.analysis = Analysis(*tidy_fields(q.analysis),
                          parts=[p for p in parts if p.title and not p.is_empty()])
