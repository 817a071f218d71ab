"""What the parsers find: questions as the document gives them, before and after
they get an id and a dimension."""

from __future__ import annotations

from dataclasses import dataclass, field

from .script import ends_sentence


@dataclass
class Part:
    """One part of an analysis scored on its own: `价值理解部分:` with its own fields."""

    title: str
    scoring_points: list[str] = field(default_factory=list)
    expectations: str = ""
    purpose: str = ""

    def is_empty(self) -> bool:
        return not (self.scoring_points or self.expectations or self.purpose)


@dataclass
class Analysis:
    """The flat fields, or `parts` when the document scores the answer part by part."""

    scoring_points: list[str] = field(default_factory=list)
    expectations: str = ""
    purpose: str = ""
    parts: list[Part] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.scoring_points or self.expectations or self.purpose or self.parts)

    def texts(self) -> list[str]:
        out = [self.expectations, self.purpose, *self.scoring_points]
        for part in self.parts:
            out += [part.title, part.expectations, part.purpose, *part.scoring_points]
        return out


@dataclass
class RawQuestion:
    """One question as the document gives it, before it gets an id and a dimension."""

    source: str  # where it is in the document, e.g. "二、第3题" or "第十一题"
    heading: str | None  # the section heading it sits under, as written
    question: str
    answer: str
    analysis: Analysis = field(default_factory=Analysis)
    truncated: bool = False  # cut off by the end of the preview
    partial: str = ""  # the cut-off answer, kept out of `answer` (it goes into a comment)
    garbled: bool = False  # encoding damage found in its text
    # A choice item (shape C) has options; its answer is then `letters`, "B" or "ACD"
    # ("" when the preview cut it off before the answer).
    options: list[str] = field(default_factory=list)
    letters: str = ""
    multiple: bool = False  # a multiple-answer section (多选题): the answer is a list
    explanation: str = ""  # 解析 of a choice item
    points: int | None = None  # from the section heading (每题2分)

    @property
    def is_choice(self) -> bool:
        return bool(self.options)

    @property
    def unanswered(self) -> bool:
        return not self.letters if self.is_choice else not self.answer.strip()


@dataclass
class ImportResult:
    shape: str  # "A" run-on, "B" line-based, "C" choice items, "D" article
    title: str  # the document's title, "" when none was found
    announced: int | None  # "共20题" (for choice items: the sections' counts added up)
    questions: list[RawQuestion]
    notes: list[str] = field(default_factory=list)  # what the report should add


@dataclass
class Placed:
    """A question with its bank id and dimension, and how the dimension was decided."""

    raw: RawQuestion
    id: str
    dimension: str
    how: str  # "heading" | "inferred" | "option"
    keywords: tuple[str, ...] = ()


def mark_truncated(q: RawQuestion, tail: str, expect_analysis: bool = False) -> None:
    """The last question of a preview is cut off when the document's last text (`tail`)
    does not end a sentence, when it has no answer, or when it lacks the analysis the
    other questions have. A cut answer moves to `partial` (the answer is left empty)."""
    if ends_sentence(tail) and q.answer and (not expect_analysis
                                              or not q.analysis.is_empty()):
        return
    q.truncated = True
    if q.analysis.is_empty() and not ends_sentence(tail):
        q.partial, q.answer = q.answer, ""
