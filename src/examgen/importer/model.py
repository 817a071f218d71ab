"""What the parsers find: questions as the document gives them, before and after
they get an id and a dimension."""

from __future__ import annotations

from dataclasses import dataclass, field

from .script import ends_sentence


@dataclass
class Analysis:
    scoring_points: list[str] = field(default_factory=list)
    expectations: str = ""
    purpose: str = ""

    def is_empty(self) -> bool:
        return not (self.scoring_points or self.expectations or self.purpose)


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


@dataclass
class ImportResult:
    shape: str  # "A" or "B"
    title: str  # the document's title, "" when none was found
    announced: int | None  # "共20题"
    questions: list[RawQuestion]


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
