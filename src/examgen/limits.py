"""Limits no real bank, list or option ever reaches, checked before any expensive work.

They turn a hostile or broken input (a 5 MB question, a YAML alias bomb, a zip bomb, a name
of a few thousand characters) into a one-line error instead of a hang. Every command that
reads user files (build, validate, import, scan, scores, report) takes its limits from here.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .errors import ExamgenError

# Bank files
MAX_BANK_FILE_BYTES = 4 * 1024 * 1024  # the biggest shipped file is ~100 KB
MAX_BANK_FILES = 500
MAX_QUESTION_CHARS = 20_000  # any one printed text of a question (question, answer, …)
MAX_YAML_ALIASES = 1_000  # aliases (*name) one YAML file may use
MAX_YAML_NODES = 2_000_000  # nodes after alias expansion (what a billion-laughs builds)

# Candidate lists and other tables users give us
MAX_TABLE_FILE_BYTES = 20 * 1024 * 1024
MAX_TABLE_ROWS = 5_000  # a round of this many candidates is already unusual
MAX_CELL_CHARS = 10_000  # one CSV field / spreadsheet cell
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # the sum of a zip's (xlsx, docx) unpacked members
MAX_ZIP_MEMBERS = 10_000
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # a document given to `examgen import`

# Scans and photos
MAX_IMAGE_PIXELS = 150_000_000  # an A4 scan at 1200 dpi is 140 M; a phone photo ~50 M
MAX_SCAN_FILE_BYTES = 500 * 1024 * 1024

# Command-line options and the fields they fill
MAX_NAME_CHARS = 100  # a candidate's name, id or email
MAX_OPTION_CHARS = 200  # --company, --role, …

EXCERPT_CHARS = 30
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """At most `limit` characters of a value for an error message, quoted, one line."""
    text = str(value)
    short = text[:limit] + ("…" if len(text) > limit else "")
    return "'" + CONTROL.sub("?", short) + "'"


def check_text(value: str, what: str, limit: int = MAX_OPTION_CHARS, *,
               file: Path | str | None = None, line: int | None = None) -> str:
    """A one-line text field (name, company, …): not too long, no line breaks or control
    characters (they would break mail headers and file names later, forever)."""
    if len(value) > limit:
        raise ExamgenError(f"{what}太长（{len(value)} 个字符，最多 {limit} 个）：{excerpt(value)}",
                           file, line)
    if CONTROL.search(value):
        raise ExamgenError(f"{what}含换行或控制字符：{excerpt(value)}", file, line)
    return value


def check_file_size(path: Path, limit: int, what: str) -> None:
    """Refuse a file too big to be what it claims before reading it."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # the read that follows reports it properly
    if size > limit:
        raise ExamgenError(f"{what}太大（{size // 1024} KB，最多 {limit // 1024} KB），未读取",
                           path)


def check_zip(path: Path | str, data: bytes | None = None, *, what: str = "文件",
              limit: int = MAX_UNPACKED_BYTES) -> None:
    """A zip container (.xlsx, .docx): refuse it when its members would unpack to more
    than `limit` bytes, judged from the zip directory before anything is unpacked."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # not a zip at all: the reader that follows says what is wrong
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ExamgenError(f"{what}中的部件太多（{len(infos)} 个），不像正常的文件，未读取",
                           path)
    total = sum(info.file_size for info in infos)
    if total > limit:
        raise ExamgenError(f"{what}解压后过大（{total // (1024 * 1024)} MB，最多 "
                           f"{limit // (1024 * 1024)} MB），可能是压缩炸弹，未读取", path)
