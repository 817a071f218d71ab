"""Text helpers every step shares: simplified/traditional script (OpenCC), patterns that
match both scripts, Chinese numerals, joining pieces of a paragraph."""

from __future__ import annotations

import re
from functools import cache


@cache
def _converter(config: str):
    import opencc

    return opencc.OpenCC(f"{config}.json")


def to_simplified(text: str) -> str:
    """Traditional → simplified script (OpenCC `t2s`)."""
    return _converter("t2s").convert(text)


@cache
def _variants(char: str) -> str:
    return "".join(dict.fromkeys(char + _converter("s2t").convert(char) +
                                 _converter("t2s").convert(char)))


def script_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a pattern written in simplified script so it matches traditional script too:
    every CJK character becomes a class of its simplified and traditional forms."""
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        if "\u3400" <= char <= "\u9fff":
            forms = _variants(char)
            out.append(forms if in_class or len(forms) == 1 else f"[{forms}]")
        else:
            out.append(char)
    return re.compile("".join(out), flags)


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMERAL = "零〇一二两兩三四五六七八九十百"


def cn_number(text: str) -> int | None:
    """`十一` → 11, `二十` → 20, `一百零五` → 105, `12` → 12; None when not a number."""
    text = text.strip()
    if text.isdecimal():
        return int(text)
    total = current = 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char in "十百":
            total += (current or 1) * (10 if char == "十" else 100)
            current = 0
        else:
            return None
    return total + current if text else None


def join_text(left: str, right: str) -> str:
    """Join two pieces of one paragraph: a space only between two Latin words."""
    if left and right and re.match(r"[A-Za-z0-9,;:)]", left[-1]) and re.match(r"[A-Za-z0-9(]",
                                                                             right[0]):
        return f"{left} {right}"
    return left + right


SENTENCE_END = "。！？!?…」』”\"'）)》；;~～"


def ends_sentence(text: str) -> bool:
    text = text.rstrip()
    return bool(text) and text[-1] in SENTENCE_END
