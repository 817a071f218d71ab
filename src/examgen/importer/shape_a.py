"""Shape A, run-on preview pages: `一、维度1.问题？答案:……2.……` on one long line."""

from __future__ import annotations

import re

from .analysis import split_analysis, structure_list
from .markers import ANSWER_INLINE, NUMBER, SECTION_INLINE
from .model import RawQuestion, mark_truncated
from .numbering import Cand, number_chain
from .script import cn_number, join_text


def parse_a(lines: list[str]) -> tuple[list[RawQuestion], str]:
    body = ""
    for line in lines:
        body = join_text(body, line)
    sections = _sections_a(body)
    questions: list[RawQuestion] = []
    if not sections:
        sections = [(0, 0, len(body), None, "")]
    preamble = body[:sections[0][0]]
    for index, (_, start, end, heading, label) in enumerate(sections):
        last = index == len(sections) - 1
        text = body[start:end]
        cands = [Cand(int(m.group(1)), m.start(), m.end()) for m in NUMBER.finditer(text)]
        markers = [(m.start(), m.end()) for m in ANSWER_INLINE.finditer(text)]
        chain = number_chain(text, cands, markers, last)
        if chain and heading is None and index == 0:
            preamble = body[:start + chain[0].start]
        for i, cand in enumerate(chain):
            stop = chain[i + 1].start if i + 1 < len(chain) else len(text)
            final = last and i == len(chain) - 1
            questions.append(_unit_a(text[cand.end:stop], markers, cand.end, heading,
                                     f"{label}第{cand.number}题", final))
    return questions, preamble


def _sections_a(body: str) -> list[tuple[int, int, int, str | None, str]]:
    """(start, content start, end, heading as written, label) of each `一、维度` section."""
    found: list[tuple[int, int, str, str]] = []
    expected: int | None = None
    for match in SECTION_INLINE.finditer(body):
        number = cn_number(match.group(1))
        if number is None or number != (expected or 1):
            continue
        found.append((match.start(), match.end(), match.group(2).strip(), match.group(1)))
        expected = number + 1
    out = []
    for i, (start, content, heading, numeral) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(body)
        out.append((start, content, end, heading, f"{numeral}、"))
    return out


def _unit_a(unit: str, markers: list[tuple[int, int]], offset: int, heading: str | None,
            source: str, final: bool) -> RawQuestion:
    """One question's text (after its number) → question, answer, analysis."""
    marker = next(((s - offset, e - offset) for s, e in markers
                   if s >= offset and e - offset <= len(unit)), None)
    if marker:
        question, answer = unit[:marker[0]], unit[marker[1]:]
    else:
        mark = re.search(r"[?？]", unit[:300])
        if mark:
            cut = mark.end()
            # "…什么？…什么？" : a second short question sentence belongs to the question
            more = re.match(r"[^。！!？?]{1,40}[?？]", unit[cut:])
            if more:
                cut += more.end()
            question, answer = unit[:cut], unit[cut:]
        else:
            question, answer = unit, ""
    answer, analysis = split_analysis(answer)
    q = RawQuestion(source=source, heading=heading, question=question.strip(),
                    answer=structure_list(answer.strip()), analysis=analysis)
    if final:
        mark_truncated(q, unit)
    return q
