"""Which numbers really start questions: `1.` … `N.` in sequence, where answers hold
digits and lists of their own (shared by the run-on and the line-based parsers)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .markers import NUMBER
from .script import SENTENCE_END


@dataclass
class Cand:
    number: int
    start: int  # where the number starts
    end: int  # where the question text starts


def number_chain(text: str, cands: list[Cand], markers: list[tuple[int, int]],
                 final: bool) -> list[Cand]:
    """The numbers that really start questions: consecutive (1, 2, 3, …), each question
    holding at most one answer marker, preferring the reading where questions are short,
    start after a sentence and hold no numbered list of their own."""
    by_number: dict[int, list[Cand]] = {}
    for cand in cands:
        by_number.setdefault(cand.number, []).append(cand)
    if not by_number:
        return []
    at_start = [c for c in cands if not text[:c.start].strip()]
    if at_start:  # a section starts with its first question
        first = at_start[0].number
        by_number[first] = at_start[:1]
    else:
        first = 1 if 1 in by_number else min(by_number)
    best: dict[int, tuple[float, Cand | None]] = {}  # id(cand) → (score, previous)
    keep: dict[int, Cand] = {}
    for cand in by_number[first]:
        best[id(cand)] = (-_start_penalty(text, cand), None)
        keep[id(cand)] = cand
    number = first
    while number + 1 in by_number:
        for nxt in by_number[number + 1]:
            options = []
            for cand in by_number[number]:
                if id(cand) not in best or cand.end > nxt.start:
                    continue
                score = _unit_score(text, cand, nxt.start, markers, False)
                if score is not None:
                    options.append((best[id(cand)][0] + score - _start_penalty(text, nxt), cand))
            if options:
                score, previous = max(options, key=lambda o: o[0])
                best[id(nxt)] = (score, previous)
                keep[id(nxt)] = nxt
        number += 1
    ends = []
    for key, (score, _) in best.items():
        cand = keep[key]
        tail = _unit_score(text, cand, len(text), markers, final)
        ends.append((score + (tail if tail is not None else -50), cand.start, cand))
    _, _, last = max(ends, key=lambda e: (e[0], -e[1]))
    chain = [last]
    while best[id(chain[-1])][1] is not None:
        chain.append(best[id(chain[-1])][1])
    return chain[::-1]


def _start_penalty(text: str, cand: Cand) -> float:
    before = text[:cand.start].rstrip(" ")
    if not before or before[-1] in SENTENCE_END + "\n.":
        return 0
    return 3 if before[-1] in "，,、：:" else 1


def _unit_score(text: str, cand: Cand, end: int, markers: list[tuple[int, int]],
                final: bool) -> float | None:
    inside = [m for m in markers if cand.end <= m[0] and m[1] <= end]
    if len(inside) >= 2:
        return None
    if inside:
        question = text[cand.end:inside[0][0]]
        return 10 - _question_penalty(question) if question.strip() else None
    unit = text[cand.end:end]
    mark = re.search(r"[?？]", unit[:300])
    if mark and unit[:mark.start()].strip():
        return 6 - _question_penalty(unit[:mark.end()])
    return 1 if final else -2


def _question_penalty(question: str) -> float:
    return len(question) / 150 + (5 if NUMBER.search(question) else 0)
