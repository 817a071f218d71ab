"""WeasyPrint's default stylesheet for HTML, without the rules no examgen page can use.

Every element of a document is matched against every rule of the default stylesheet, and a
few rules match every element: `::marker` and the five footnote and note pseudo-elements
gave each element six more styles to compute, none of them ever drawn (examgen has no
footnotes, and markers exist only on list items). Dropped here, with the rules for form
fields and the `dir` attribute, which no template writes (tests/test_useragent.py keeps it
so). Everything else is WeasyPrint's own text, read from the installed WeasyPrint.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

FORM_ELEMENTS = ("button", "input", "select", "textarea", "fieldset", "keygen", "option",
                 "optgroup")
# Selectors no template can match: form fields, the dir attribute, footnotes and notes.
UNUSED = re.compile(rf"\[dir\b|::(?:footnote|note)-|^(?:{'|'.join(FORM_ELEMENTS)})\b|:is\(input\b")


def trimmed(css: str) -> str:
    """The stylesheet's text with the unused selectors (and rules left with none) taken
    out, `::marker` narrowed to `li::marker` and @counter-style rules left to WeasyPrint
    (it keeps those apart)."""
    import tinycss2

    out = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "counter-style":
            continue
        if rule.type != "qualified-rule":
            out.append(rule.serialize())
            continue
        selectors = [s.strip() for s in _split_selectors(rule.prelude)]
        kept = ["li::marker" if s == "::marker" else s for s in selectors
                if not UNUSED.search(s)]
        if kept:
            out.append(f"{', '.join(kept)} {{{tinycss2.serialize(rule.content)}}}")
    return "\n".join(out)


def _split_selectors(prelude: list[Any]) -> list[str]:
    """A selector list split at its top-level commas (those inside :is() stay)."""
    import tinycss2

    parts: list[list[Any]] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return [tinycss2.serialize(part) for part in parts]


@cache
def html_class() -> type:
    """weasyprint.HTML with the trimmed default stylesheet, parsed once per process.

    Should a WeasyPrint release move or rename the hook, this is plain weasyprint.HTML:
    slower, never different."""
    from weasyprint import CSS, HTML

    try:
        from weasyprint.html import UA
    except ImportError:
        return HTML
    if not callable(getattr(HTML, "_ua_stylesheets", None)):
        return HTML
    sheet = CSS(string=trimmed(UA))

    class ExamgenHTML(HTML):
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [sheet]

    return ExamgenHTML
