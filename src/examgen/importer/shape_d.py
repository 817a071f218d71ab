"""Shape D, articles: sections `一、服务意识类问题`, each question a bare line (usually ending
in ？, not always), then guidance lines, often an `示例:` line; the page's bullet list is
flattened into lone `-` lines. There is no 答案 label: the guidance is the answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .markers import SECTION_LINE
from .model import RawQuestion, mark_truncated
from .script import SENTENCE_END, script_re

SEPARATOR = re.compile(r"^[-–—•·●▪*]+$")
_NUMBERING = script_re(r"^(?:\d{1,2}\s*[.．、)）]|[（(]\d{1,2}[)）]|问题\s*\d+\s*[:：]?)\s*")
# Lines that advise rather than ask.
_GUIDANCE = script_re(
    r"^(示例|例如|比如|举例|参考回答|回答思路|回答示范|回答时|回答|优点|缺点|注意|提示|技巧|要点|"
    r"建议|误区|错误示范|正确示范|可以|避免|不要|切忌|重点|最好|一定要|先)")
# How a question without a question mark starts: `谈谈你对……的理解`, `请介绍……`.
_ASKS = script_re(r"^(谈谈|谈一谈|说说|说一说|讲讲|请|介绍|描述|你|您|如果|假如|假设|为什么|如何|"
                  r"怎样|怎么|是否|有没有|哪|什么|当)")


def is_question(line: str, boundary: bool = False) -> bool:
    """A bare question line: ends with ？, or is short, has no sentence or comma in it and
    asks (`谈谈…`) or starts a new list item (`boundary`: after an empty bullet)."""
    text = _NUMBERING.sub("", line).strip()
    if not text or len(text) > 80 or _GUIDANCE.match(text) or text[-1] in ":：":
        return False
    if text[-1] in "?？":
        return True
    if re.search(r"[。，,；;！!]", text) or text[-1] in SENTENCE_END:
        return False
    return len(text) <= 40 and (bool(_ASKS.match(text)) or boundary)


def looks_like_article(lines: list[str]) -> bool:
    """At least two question lines each followed by guidance: what makes a document shape D
    (it is asked only when there are no answer labels at all)."""
    content = [line for line in lines if not SEPARATOR.match(line)]
    asked = sum(1 for line, nxt in zip(content, content[1:], strict=False)
                if is_question(line) and not is_question(nxt) and not SECTION_LINE.match(nxt))
    return asked >= 2


def stands_alone(line: str) -> bool:
    """Lines a PDF's layout must not join to their neighbours: `-`, sections, questions."""
    return bool(SEPARATOR.match(line) or _section(line) or is_question(line))


@dataclass
class _Open:
    heading: str | None
    source: str
    question: str
    lines: list[str] = field(default_factory=list)


def _section(line: str) -> str | None:
    match = SECTION_LINE.match(line)
    return match.group(3).strip() if match and line[-1] not in "?？" else None


def parse_d(lines: list[str]) -> tuple[list[RawQuestion], str]:
    """The questions of an article; lines before the first section (or before the first
    question, when there are no sections) are its title and introduction."""
    sectioned = any(_section(line) for line in lines)
    found: list[_Open] = []
    preamble: list[str] = []
    heading: str | None = None
    inside = not sectioned
    empties, number = 2, 0  # a section's or the document's start counts as a new item
    for line in lines:
        if SEPARATOR.match(line):
            empties += 1
            continue
        title = _section(line)
        if title:
            heading, inside, empties, number = title, True, 2, 0
            continue
        if inside and is_question(line, boundary=empties >= 2):
            number += 1
            label = f"「{heading}」第{number}题" if heading else f"第{number}题"
            found.append(_Open(heading, label, _NUMBERING.sub("", line).strip()))
        elif inside and found and found[-1].heading == heading:
            found[-1].lines.append(line)
        elif not found:
            preamble.append(line)
        empties = 0
    questions = []
    for i, item in enumerate(found):
        q = RawQuestion(source=item.source, heading=item.heading, question=item.question,
                        answer="\n".join(item.lines))
        if i == len(found) - 1:
            mark_truncated(q, item.lines[-1] if item.lines else "")
        questions.append(q)
    return questions, "\n".join(preamble)
