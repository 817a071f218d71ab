"""WeasyPrint's C libraries opened by their Linux names, without a search for other names.

WeasyPrint asks cffi for each library under several names, the Windows and macOS ones
first ("libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", then "libgobject-2.0.so.0").
cffi hands every name it cannot open to ctypes.util.find_library, which on Linux runs
ldconfig, then gcc and ld, for each one: 0.3 s of the import, half of it, spent before
WeasyPrint reaches the Linux name, which opens. Where that name opens, the names tried
before it are answered "not found" at once; any other name is searched for as before.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

# Linux name → the names WeasyPrint (68 to 70) tries before it.
TRIED_FIRST = {
    "libgobject-2.0.so.0": ("libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0"),
    "libpango-1.0.so.0": ("libpango-1.0-0", "pango-1.0-0", "pango-1.0"),
    "libharfbuzz.so.0": ("libharfbuzz-0", "harfbuzz", "harfbuzz-0.0"),
    "libharfbuzz-subset.so.0": ("libharfbuzz-subset-0", "harfbuzz-subset",
                                "harfbuzz-subset-0.0"),
    "libharfbuzz-vector.so.0": ("libharfbuzz-vector-0", "harfbuzz-vector",
                                "harfbuzz-vector-0.0"),
    "libfontconfig.so.1": ("libfontconfig-1", "fontconfig-1", "fontconfig"),
    "libpangoft2-1.0.so.0": ("libpangoft2-1.0-0", "pangoft2-1.0-0", "pangoft2-1.0"),
}
# WeasyPrint does without this one (HarfBuzz has it since 10.0; Debian 12 has 6.0). Where
# its Linux name does not open, no name is searched for: a search yields only that name.
OPTIONAL = {"libharfbuzz-vector.so.0": ("libharfbuzz-vector.0.dylib",
                                        "libharfbuzz-vector-0.dll")}


@contextmanager
def linux_names_first() -> Iterator[None]:
    """While WeasyPrint is imported: the names it tries before a Linux name that opens are
    not searched for (the library it loads is the same: the search would find that name)."""
    if not sys.platform.startswith("linux"):
        yield
        return
    import ctypes
    import ctypes.util

    skipped: set[str] = set()
    for soname, names in TRIED_FIRST.items():
        try:
            ctypes.CDLL(soname)
        except OSError:
            if soname in OPTIONAL:
                skipped.update((*names, soname, *OPTIONAL[soname]))
            continue  # otherwise not under this name: WeasyPrint's own search, as it comes
        skipped.update(names)
    search = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        return None if name in skipped else search(name)

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = search
