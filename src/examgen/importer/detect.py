"""Step 3, detect: which shape a cleaned document has: C (lettered options) first, then A
(run-on) or B (line-based), then D (an article: no answer labels at all)."""

from __future__ import annotations

from .clean import clean_text, strip_site
from .markers import (
    ANALYSIS_LINE,
    ANSWER_INLINE,
    ANSWER_LINE,
    NUMBER,
    QUESTION_LINE,
    SECTION_INLINE,
)
from .shape_c import looks_like_choice
from .shape_d import looks_like_article


def detect_shape(text: str) -> str | None:
    """"A" (run-on sections and `1.…答案:` inline), "B" (headings and `答案:` on their own
    lines) or None when neither shape is there."""
    lines = strip_site(clean_text(text).split("\n"))
    return shape_of(lines)


def shape_of(lines: list[str]) -> str | None:
    if looks_like_choice(lines):
        return "C"
    inline = line_answers = headings = 0
    for line in lines:
        if ANSWER_LINE.match(line) or ANALYSIS_LINE.match(line):
            line_answers += 1
        if QUESTION_LINE.match(line):
            headings += 1
        for match in NUMBER.finditer(line):
            rest = line[match.end():match.end() + 300]
            found = ANSWER_INLINE.search(rest)
            nxt = NUMBER.search(rest)
            if found and (not nxt or nxt.start() > found.start()) and found.start() > 0:
                inline += 1
        inline += 2 * len(SECTION_INLINE.findall(line))
    if inline > line_answers and inline >= 1:
        return "A"
    if line_answers and headings:
        return "B"
    if not inline and not line_answers and looks_like_article(lines):
        return "D"
    return None
