"""Answers and their analysis: `解析:` with `评分点:` / `期望:` / `考察目的:`, numbered lists
put on lines of their own."""

from __future__ import annotations

import re

from .markers import ANALYSIS, PART_HEADING, PART_NAME, PARTS
from .model import Analysis, Part


def structure_list(answer: str) -> str:
    """Put each item of a numbered list in a run-on answer on its own line
    (`1.…；2.…；3.…` or `（1）…（2）…` or `①…②…`)."""
    for pattern in (r"(?<![\d.．])(\d{1,2})\s*[.．、](?!\d)", r"[（(](\d{1,2})[)）]",
                    r"([①-⑳])"):
        positions, expected = [], 1
        for match in re.finditer(pattern, answer):
            value = match.group(1)
            number = int(value) if value.isdecimal() else ord(value) - ord("①") + 1
            if number == expected:
                positions.append(match.start())
                expected += 1
        if len(positions) >= 2:
            for pos in reversed(positions):
                if pos > 0:
                    answer = answer[:pos].rstrip() + "\n" + answer[pos:]
            return answer
    return answer


def split_analysis(text: str) -> tuple[str, Analysis]:
    """Split an answer at `解析:` (or at `评分点:` / `考察目的:` when there is no 解析)
    into the answer and its analysis fields."""
    start = ANALYSIS.search(text)
    if start:
        return text[:start.start()], parse_analysis(text[start.end():])
    firsts = [m for m in (PARTS["scoring_points"].search(text), PARTS["purpose"].search(text))
              if m]
    if not firsts:
        return text, Analysis()
    cut = min(m.start() for m in firsts)
    return text[:cut], parse_analysis(text[cut:])


def parse_analysis(text: str) -> Analysis:
    """`评分点:… 期望:… 考察目的:…` → the bank's analysis fields; free text before the
    first field counts as expectations. With part headings (`价值理解部分:`, `第一部分`,
    `语言与表达:` before a field) each part gets its own fields."""
    heads = part_headings(text)
    if not heads:
        return _fields(text)
    parts = []
    free = text[:heads[0][0]].strip()
    if free:
        parts.append(Part("总体", expectations=free))
    for i, (_, end, title) in enumerate(heads):
        stop = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        flat = _fields(text[end:stop])
        parts.append(Part(title, flat.scoring_points, flat.expectations, flat.purpose))
    return Analysis(parts=parts)


def part_headings(text: str) -> list[tuple[int, int, str]]:
    """(start, end, title) of each part heading, the title without `部分` and colon."""
    found = {m.start("head"): m for pattern in (PART_HEADING, PART_NAME)
             for m in pattern.finditer(text)}
    return [(m.start("head"), m.end(), part_title(m.group("head")))
            for _, m in sorted(found.items())]


def part_title(heading: str) -> str:
    """`价值理解部分` → `价值理解`; `第二部分：语言表达` → `语言表达`; `第一部分` stays (an ordinal
    alone is all the title there is)."""
    heading = re.sub(r"\s+", "", heading).rstrip(":：")
    named = re.match(r"^第[^部]{1,3}部分[:：、](.+)$", heading)
    if named:
        return named.group(1)
    if re.fullmatch(r"第[^部]{1,3}部分", heading):
        return heading
    return re.sub(r"部分$", "", heading) or heading


def _fields(text: str) -> Analysis:
    found = sorted((m.start(), m.end(), name) for name, pattern in PARTS.items()
                   for m in pattern.finditer(text))
    parts: dict[str, list[str]] = {name: [] for name in PARTS}
    free = text[:found[0][0]] if found else text
    for i, (_, end, name) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(text)
        parts[name].append(text[end:stop].strip())
    expectations = "\n".join(p for p in [free.strip(), *parts["expectations"]] if p)
    return Analysis(scoring_points=split_points("\n".join(parts["scoring_points"])),
                    expectations=expectations, purpose="\n".join(parts["purpose"]))


def split_points(text: str) -> list[str]:
    """Scoring points: one per line, or split at `；` / numbered items in a single line."""
    text = text.strip()
    if not text:
        return []
    if "\n" in text:
        items = text.split("\n")
    else:
        items = re.split(r"[；;]|(?<=。)|\s(?=\d+[.．、])",
                         structure_list(text).replace("\n", " "))
    out = []
    for item in items:
        item = re.sub(r"^(\d{1,2}\s*[.．、)）]|[（(]\d{1,2}[)）]|[①-⑳]|[-•·●▪*])\s*", "",
                      item.strip())
        item = item.strip().rstrip("。；;，,")
        if item:
            out.append(item)
    return out
