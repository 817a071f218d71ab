"""Encoding damage: passages garbled by a wrong-encoding round trip are kept, and reported."""

from __future__ import annotations

import re

from .clean import DAMAGED

_PRIVATE = re.compile(r"[\ue000-\uf8ff\U000f0000-\U0010ffff\ufffd\x01-\x08\x0b-\x1f\x7f-\x9f]")
_RUN = re.compile(r"[^\x00-\x7f]{4,}")


def _as_gbk(text: str) -> bytes | None:
    try:  # Windows' GBK has the euro sign at 0x80, Python's codec does not
        return b"".join(b"\x80" if c == "€" else c.encode("gbk") for c in text)
    except UnicodeEncodeError:
        return None


def _as_latin1(text: str) -> bytes | None:
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        try:
            return text.encode("latin-1")
        except UnicodeEncodeError:
            return None


def is_garbled(text: str) -> bool:
    """Signs of a wrong-encoding round trip: private-use or replacement characters, runs
    of `?`, a character garbled into a Latin letter, or text that is UTF-8 read as GBK
    (or as Latin-1)."""
    if DAMAGED in text or _PRIVATE.search(text) or "??" in text:
        return True
    for run in _RUN.findall(text):
        for encode in (_as_gbk, _as_latin1):
            raw = encode(run)
            if raw is None:
                continue
            decoded = raw.decode("utf-8", errors="replace")
            good = len(re.findall(r"[\u4e00-\u9fff]", decoded))
            if good >= 3 and 4 * decoded.count("\ufffd") <= good and 2 * good >= len(decoded):
                return True
    return False
