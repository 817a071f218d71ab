"""Step 1, read: the text of a .txt/.md (UTF-8, GB18030, Big5), .docx or text-based .pdf,
or an ExamgenError naming the file."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ..errors import ExamgenError

SUFFIXES = {".txt": "text", ".md": "text", ".text": "text", ".docx": "docx", ".pdf": "pdf"}


def display_name(path: Path) -> str:
    return str(path)


def read_text(path: Path | str) -> str:
    """The text of a .txt/.md, .docx or text-based .pdf file; ExamgenError naming the file
    when it cannot be read."""
    return read_document(Path(path))[0]


def read_document(path: Path) -> tuple[str, bool]:
    """(text, wrapped): `wrapped` is true for PDFs, whose lines are layout lines."""
    from ..limits import MAX_DOCUMENT_BYTES, check_file_size

    name = display_name(path)
    check_file_size(path, MAX_DOCUMENT_BYTES, "文档")
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ExamgenError("这是文件夹，不是文件", name) from None
    except OSError as exc:
        raise ExamgenError(f"无法读取：{exc.strerror or exc}", name) from None
    kind = _sniff(data) or SUFFIXES.get(path.suffix.lower())
    if kind == "doc":
        raise ExamgenError("不支持旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后再导入", name)
    if kind is None:
        raise ExamgenError(f"不支持的文件类型「{path.suffix or '无扩展名'}」"
                           "（支持 .txt、.md、.docx、.pdf）", name)
    if kind == "pdf":
        text = _read_pdf(data, name)
    elif kind == "docx":
        text = _read_docx(data, name)
    else:
        text = _decode(data, name)
    if not text.strip():
        raise ExamgenError("文件中没有可读取的文字" +
                           ("（可能是扫描件，请先做文字识别）" if kind == "pdf" else ""), name)
    return text, kind == "pdf"


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] else "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    return None


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        raise ExamgenError("不是文本文件（含二进制内容）", name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for encoding in ("gb18030", "cp950"):  # simplified (GBK), then traditional (Big5)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        odd = len(re.findall(r"[\u0370-\u04ff\u2500-\u257f\u3040-\u30ff\ue000-\uf8ff]", text))
        if encoding == "cp950" or odd * 20 <= len(re.findall(r"[^\x00-\x7f]", text)):
            return text
    raise ExamgenError("无法识别文字编码（请另存为 UTF-8 文本）", name)


def _read_docx(data: bytes, name: str) -> str:
    import io

    import docx
    from docx.table import Table

    from ..limits import check_zip

    check_zip(name, data, what="Word 文件")  # a zip bomb is refused before it is unpacked
    lines: list[str] = []
    try:
        document = docx.Document(io.BytesIO(data))
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    for cell in row.cells:
                        lines.extend(p.text for p in cell.paragraphs)
            else:
                lines.append(block.text)
    except Exception as exc:  # python-docx and lxml raise many kinds for a damaged file
        raise ExamgenError(f"无法打开 Word 文件，文件可能已损坏（{type(exc).__name__}）",
                           name) from None
    return "\n".join(lines)


def _read_pdf(data: bytes, name: str) -> str:
    import io
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExamgenError("PDF 已加密，无法读取文字", name)
        pages = [(page.extract_text() or "").strip("\n").split("\n") for page in reader.pages]
    except ExamgenError:
        raise
    except Exception as exc:  # pypdf raises many kinds for a damaged file
        raise ExamgenError(f"无法读取 PDF（{type(exc).__name__}）", name) from None
    return "\n".join(line for page in _without_running_lines(pages) for line in page)


def _without_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop a page's first or last line when most pages start or end with it (running
    headers and footers; digits are ignored so page numbers match)."""
    if len(pages) < 3:
        return pages

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip())

    out = [page[:] for page in pages]
    for index in (0, -1):
        counts = Counter(key(page[index]) for page in pages if page and page[index].strip())
        for page in out:
            if page and page[index].strip() and counts[key(page[index])] * 2 > len(pages):
                page.pop(index)
    return out
