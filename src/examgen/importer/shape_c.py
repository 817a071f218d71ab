"""Shape C, choice items (written tests): sections `一、单选题(共15题,每题2分,合计30分)`,
items `1.题干:……?` with option lines (`A.` / `-A.` / `A、`, or several on one line),
`答案:B` or `答案:A,C,D`, and `解析:`. Items without options (简答题) are open questions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .analysis import parse_analysis
from .markers import (
    ANALYSIS_LINE,
    ANNOUNCED,
    ANSWER_LINE,
    CHOICE_SECTION,
    EACH_POINTS,
    INLINE_OPTION,
    ITEM,
    LETTERS,
    OPTION,
    TRUE_FALSE,
)
from .model import RawQuestion, mark_truncated
from .script import cn_number, ends_sentence, join_text, script_re, to_simplified

_KINDS = [("multiple", script_re(r"多选|多项选择|不定项")),
          ("single", script_re(r"单选|单项选择|选择题")),
          ("judge", script_re(r"判断"))]
_OPEN_SECTION = script_re(r"简答|问答|论述|案例|情景|情境|主观|写作|面试")
JUDGE_OPTIONS = ["正确", "错误"]


@dataclass
class Section:
    """A section as its heading announces it."""

    name: str  # as written, `单选题`
    kind: str  # "single" | "multiple" | "judge" | "open" | "" (a dimension heading)
    announced: int | None = None  # 共15题
    points: int | None = None  # 每题2分
    found: int = 0


@dataclass
class ChoiceDocument:
    questions: list[RawQuestion]
    preamble: str
    sections: list[Section] = field(default_factory=list)


@dataclass
class _Item:
    number: int
    stem: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    answer: list[str] = field(default_factory=list)  # an open item's answer lines
    raw_letters: str | None = None  # what follows 答案:
    after: list[str] = field(default_factory=list)  # 解析 lines
    state: str = "stem"  # stem → options → answer → explanation


def stands_alone(line: str) -> bool:
    """Lines a PDF's layout must not join to their neighbours: options, sections."""
    return bool(OPTION.match(line) or ITEM.match(line) or section_of(line))


def option_groups(lines: list[str]) -> int:
    """How many items have lettered options (an `A.` line with a `B.` right after it, or
    `A.… B.…` on one line): what makes a document shape C."""
    count = 0
    for i, line in enumerate(lines):
        match = OPTION.match(line) or _inline_a(line)
        if not match or match.group(1) != "A":
            continue
        near = [OPTION.match(x) for x in lines[i + 1:i + 3]]
        if any(m and m.group(1) == "B" for m in near) or re.search(
                r"\sB\s*[.．、)）]", line):
            count += 1
    return count


def looks_like_choice(lines: list[str]) -> bool:
    """Shape C: two items with lettered options, or one under a choice section heading
    (`单选题` …), or a true/false section (`判断题`) whose answers are 对/错."""
    groups = option_groups(lines)
    kinds = {s.kind for s in map(section_of, lines) if s}
    true_false = sum(1 for line in lines if (m := ANSWER_LINE.match(line))
                     and TRUE_FALSE.match((m.group(1) or "").strip()))
    return (groups >= 2 or (groups >= 1 and bool(kinds & {"single", "multiple"}))
            or ("judge" in kinds and true_false >= 1))


def _inline_a(line: str) -> re.Match[str] | None:
    found = ITEM.match(line)
    if not found:
        return None
    inline = list(INLINE_OPTION.finditer(found.group(2)))
    return inline[0] if len(inline) >= 2 else None


def section_of(line: str) -> Section | None:
    """`一、单选题(共15题,每题2分,合计30分)` → its kind, count and points."""
    match = CHOICE_SECTION.match(line)
    if not match or cn_number(match.group(1)) is None:
        return None
    name, details = match.group(2).strip(), match.group(3) or ""
    kind = next((k for k, pattern in _KINDS if pattern.search(name)), "")
    if not kind and _OPEN_SECTION.search(name):
        kind = "open"
    count, each = ANNOUNCED.search(details), EACH_POINTS.search(details)
    points = None
    if each:
        value = float(each.group(1))
        points = max(1, round(value))
    return Section(name, kind, int(count.group(1)) if count else None, points)


def parse_c(lines: list[str]) -> ChoiceDocument:
    sections: list[Section] = []
    blocks: list[tuple[Section | None, list[str]]] = [(None, [])]
    for line in lines:
        section = section_of(line)
        if section:
            sections.append(section)
            blocks.append((section, []))
        else:
            blocks[-1][1].append(line)
    preamble = "\n".join(blocks[0][1]) if sections else ""
    questions: list[RawQuestion] = []
    body = blocks[1:] if sections else blocks
    for n, (section, block) in enumerate(body):
        last = n == len(body) - 1
        items = _items(block)
        if not sections and items and items[0][0] > 0:
            preamble = "\n".join(block[:items[0][0]])
        for i, (_, item) in enumerate(items):
            final = last and i == len(items) - 1
            questions.append(_question(item, section, final))
        if section:
            section.found = len(items)
    return ChoiceDocument(questions, preamble, sections)


def _items(block: list[str]) -> list[tuple[int, _Item]]:
    """The items of a section, by line: a number starts an item when it is the next one."""
    items: list[tuple[int, _Item]] = []
    current: _Item | None = None
    for index, line in enumerate(block):
        match = ITEM.match(line)
        if match and (current is None or int(match.group(1)) == current.number + 1):
            current = _Item(int(match.group(1)))
            items.append((index, current))
            _stem(current, match.group(2))
        elif current is not None:
            _line(current, line)
    return items


def _stem(item: _Item, text: str) -> None:
    """The first line of an item; options written on the same line are split off."""
    inline = [m for m in INLINE_OPTION.finditer(text)]
    if inline and inline[0].group(1) == "A" and len(inline) >= 2:
        item.stem.append(text[:inline[0].start()])
        item.state = "options"
        _options(item, text[inline[0].start():])
    elif text:
        item.stem.append(text)


def _options(item: _Item, line: str) -> bool:
    """Add the options on a line (`A.…` or `A.… B.… C.…`); False when it holds none."""
    match = OPTION.match(line)
    expected = "ABCDEFGH"[len(item.options)] if len(item.options) < 8 else None
    if not match or match.group(1) != expected:
        return False
    pieces = re.split(r"\s+(?=[(（]?[B-H]\s*(?:[.．、]|[)）]))", line)
    for piece in pieces:
        found = OPTION.match(piece)
        if found and len(item.options) < 8 and found.group(1) == "ABCDEFGH"[len(item.options)]:
            item.options.append(found.group(2).strip())
        elif item.options:
            item.options[-1] = join_text(item.options[-1], piece)
    return True


def _line(item: _Item, line: str) -> None:
    answer, analysis = ANSWER_LINE.match(line), ANALYSIS_LINE.match(line)
    if item.state in ("stem", "options") and answer:
        item.state, rest = "answer", (answer.group(1) or "").strip()
        letters = LETTERS.match(rest) if item.options else None
        if letters:
            item.raw_letters = letters.group(1)
            if letters.group(2):
                item.state = "explanation"
                item.after.append(letters.group(2))
        elif rest:
            if not item.options and TRUE_FALSE.match(rest):  # 判断题: 对 / 错
                item.raw_letters = rest
            item.answer.append(rest)
    elif item.state != "explanation" and analysis:
        item.state = "explanation"
        if analysis.group(1):
            item.after.append(analysis.group(1))
    elif item.state in ("stem", "options") and _options(item, line):
        item.state = "options"
    elif item.state == "options" and item.options:
        item.options[-1] = join_text(item.options[-1], line)
    elif item.state == "stem":
        item.stem.append(line)
    elif item.state == "answer":
        if item.options and item.raw_letters is None and LETTERS.match(line):
            item.raw_letters = LETTERS.match(line).group(1)
        else:
            item.answer.append(line)
    else:
        item.after.append(line)


def _question(item: _Item, section: Section | None, final: bool) -> RawQuestion:
    name = section.name if section else ""
    choice_section = section is not None and section.kind in ("single", "multiple", "judge")
    stem = re.sub(r"\s*[(（]\s*[)）]\s*(?=[?？。]?$)", "", "".join(item.stem).strip())
    q = RawQuestion(source=f"{name}第{item.number}题", question=stem, answer="",
                    heading=None if choice_section or section is None or section.kind == "open"
                    else name, points=section.points if section else None)
    options = item.options
    if not options and section is not None and section.kind == "judge":
        options = list(JUDGE_OPTIONS)
    if not options:  # an open item: answer and analysis as in shape B
        q.answer = "\n".join(item.answer).strip()
        q.analysis = parse_analysis("\n".join(item.after))
        if final:
            mark_truncated(q, (item.after or item.answer or item.stem or [""])[-1])
        return q
    q.options = options
    q.multiple = section is not None and section.kind == "multiple"
    said = item.answer[1:] if item.answer and item.answer[0] == item.raw_letters else item.answer
    q.explanation = "\n".join(said + item.after).strip()
    q.letters, q.partial = _letters(item.raw_letters, options)
    q.multiple = q.multiple or len(q.letters) > 1
    if final:
        tail = (item.after or item.answer or item.options or item.stem or [""])[-1]
        q.truncated = (not q.letters or len(options) < 2
                       or (bool(item.after) and not ends_sentence(tail)))
    return q


def _letters(raw: str | None, options: list[str]) -> tuple[str, str]:
    """(letters in order, "") or ("", what the document says) when it names no option."""
    if raw is None:
        return "", ""
    true_false = TRUE_FALSE.match(raw.strip())
    if true_false and options == JUDGE_OPTIONS:
        word = to_simplified(true_false.group(1))
        return ("A" if word in ("对", "正确", "√", "✓", "是", "T") else "B"), ""
    letters = "".join(dict.fromkeys(re.sub(r"[^A-Ha-h]", "", raw).upper()))
    if not letters or any(ord(c) - ord("A") >= len(options) for c in letters):
        return "", f"答案：{raw.strip()}"
    return "".join(sorted(letters)), ""
