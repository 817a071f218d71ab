"""Shape B, line-based pages: `第一题` / `问题1` / `1、` headings, `答案:` and `解析:` lines."""

from __future__ import annotations

from collections.abc import Callable

from .analysis import parse_analysis
from .markers import (
    ANALYSIS_LINE,
    ANNOUNCED,
    ANSWER_LINE,
    LIST_ITEM,
    PARTS,
    POINT,
    QUESTION_LINE,
    SECTION_LINE,
)
from .model import RawQuestion, mark_truncated
from .numbering import Cand, number_chain
from .script import ends_sentence, join_text


def unwrap(lines: list[str], also: Callable[[str], object] | None = None) -> list[str]:
    """Join PDF layout lines back into paragraphs: a line continues the one before unless
    that one ends a sentence or either is a heading, a marker or a list item (or, for the
    other line-based shapes, what `also` says stands alone: an option, a lone `-`)."""

    def alone(line: str) -> bool:
        return _structural(line) or bool(also and also(line))

    out: list[str] = []
    for line in lines:
        if out and not ends_sentence(out[-1]) and not alone(out[-1]) and not alone(line):
            out[-1] = join_text(out[-1], line)
        else:
            out.append(line)
    return out


def _structural(line: str) -> bool:
    return bool(QUESTION_LINE.match(line) or ANSWER_LINE.match(line)
                or ANALYSIS_LINE.match(line) or SECTION_LINE.match(line)
                or LIST_ITEM.match(line) or POINT.match(line) or ANNOUNCED.search(line)
                or any(p.match(line) for p in PARTS.values())
                or (line.rstrip()[-1:] or "x") in ":：")


def parse_b(lines: list[str]) -> tuple[list[RawQuestion], str]:
    heads = []  # (line index, number text, text after the heading)
    numeric = []
    for i, line in enumerate(lines):
        match = QUESTION_LINE.match(line)
        if not match:
            continue
        if match.group(1) or match.group(2):
            heads.append((i, match.group(1) or f"问题{match.group(2)}", match.group(4)))
        else:
            numeric.append((i, match.group(3), match.group(4)))
    if not heads:  # only `1、` / `1.` headings: pick the ones that start questions
        heads = _numeric_heads(lines, numeric)
    questions: list[RawQuestion] = []
    heading: str | None = None
    preamble = "\n".join(lines[:heads[0][0]]) if heads else "\n".join(lines)
    starts = [h[0] for h in heads]
    for n, (index, number, rest) in enumerate(heads):
        stop = starts[n + 1] if n + 1 < len(heads) else len(lines)
        block = ([rest] if rest.strip() else []) + lines[index + 1:stop]
        next_heading = None
        if block and n + 1 < len(heads):  # a section title just above the next question
            section = SECTION_LINE.match(block[-1])
            if section:
                next_heading = section.group(3).strip()
                block = block[:-1]
        if n == 0:
            above = lines[max(0, index - 1)] if index else ""
            section = SECTION_LINE.match(above)
            heading = section.group(3).strip() if section else None
        label = number if number.startswith("问题") else f"第{number}题"
        if heading:
            label = f"「{heading}」{label}"
        final = n == len(heads) - 1
        expect = final and sum(not q.analysis.is_empty() for q in questions) * 2 > len(questions)
        questions.append(_block_b(block, heading, label, final, expect))
        if next_heading:
            heading = next_heading
    return questions, preamble


def _numeric_heads(lines: list[str], numeric: list[tuple[int, str, str]]):
    """The `1、` / `1.` lines that start questions, numbering restarting after each
    section title line (`二、专业知识`)."""
    starts = {i for i, _, _ in numeric}
    cuts = [0] + [i for i, line in enumerate(lines)
                  if SECTION_LINE.match(line) and i + 1 in starts and i not in starts]
    cuts.append(len(lines))
    heads = []
    for n, (low, high) in enumerate(zip(cuts, cuts[1:], strict=False)):
        part = [(i, num, rest) for i, num, rest in numeric if low <= i < high]
        heads += _chain_lines(lines, part, final=n == len(cuts) - 2)
    return heads


def _chain_lines(lines: list[str], numeric: list[tuple[int, str, str]], final: bool):
    text_lines = ["\n" + line for line in lines]
    offsets, pos = [], 0
    for line in text_lines:
        offsets.append(pos)
        pos += len(line)
    text = "".join(text_lines)
    cands = [Cand(int(num), offsets[i] + 1, offsets[i] + 1 + len(lines[i]) - len(rest))
             for i, num, rest in numeric]
    low = offsets[numeric[0][0]] if numeric else 0
    markers = [(offsets[i], offsets[i] + len(text_lines[i])) for i, line in enumerate(lines)
               if ANSWER_LINE.match(line) and offsets[i] >= low]
    if numeric:
        high = max(i for i, _, _ in numeric)
        later = [i for i in range(high + 1, len(lines)) if SECTION_LINE.match(lines[i])]
        end = offsets[later[0]] if later and not final else len(text)
        text = text[:end]
        markers = [m for m in markers if m[1] <= end]
    chain = number_chain(text, cands, markers, final)
    by_offset = {offsets[i] + 1: (i, num, rest) for i, num, rest in numeric}
    return [by_offset[c.start] for c in chain]


def _block_b(block: list[str], heading: str | None, source: str, final: bool,
             expect_analysis: bool = False) -> RawQuestion:
    question: list[str] = []
    answer: list[str] = []
    analysis: list[str] = []
    state = "question"
    marked = False  # an answer marker was seen
    for line in block:
        answer_mark = ANSWER_LINE.match(line)
        analysis_mark = ANALYSIS_LINE.match(line)
        if state == "question" and answer_mark:
            state, marked = "answer", True
            if answer_mark.group(1):
                answer.append(answer_mark.group(1))
        elif state != "analysis" and analysis_mark:
            state = "analysis"
            if analysis_mark.group(1):
                analysis.append(analysis_mark.group(1))
        elif state != "analysis" and (PARTS["scoring_points"].match(line)
                                      or PARTS["purpose"].match(line)):
            state = "analysis"
            analysis.append(line)
        else:
            {"question": question, "answer": answer, "analysis": analysis}[state].append(line)
    if not marked:
        # no answer marker: the question ends with its first line ending in ？
        split = next((i + 1 for i, line in enumerate(question) if line.rstrip()[-1:] in "?？"),
                     1)
        question, answer = question[:split], question[split:] + answer
    q = RawQuestion(source=source, heading=heading, question="".join(question).strip(),
                    answer="\n".join(answer).strip(), analysis=parse_analysis("\n".join(analysis)))
    if final:
        mark_truncated(q, block[-1] if block else "", expect_analysis)
    return q
