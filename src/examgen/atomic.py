"""Files written whole or not at all, and never over a paper without --force."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import ExamgenError

EXISTS = "文件已存在，不会覆盖（如需重新生成请加 --force）"


def check_free(paths: Sequence[Path] | dict[Path, bytes], force: bool) -> None:
    """Refuse to overwrite an existing file unless told to. Given the bytes to be written,
    a file that already holds exactly those bytes is no conflict: builds are reproducible,
    so that is what a build killed half-way left, and the rerun completes it."""
    if force:
        return
    for path in paths:
        if path.exists() and not (isinstance(paths, dict) and _holds(path, paths[path])):
            raise ExamgenError(EXISTS, path)


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


TEMP_SUFFIX = ".tmp"


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def _remove_stale_temps(path: Path) -> None:
    """Temporary files next to `path` left by an examgen that was killed: their names carry
    the writer's process id, and only those whose writer is gone are removed."""
    try:
        leftovers = list(path.parent.glob(_temp_prefix(path) + "*" + TEMP_SUFFIX))
    except OSError:
        return
    for temp in leftovers:
        pid = temp.name[len(_temp_prefix(path)):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            temp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def write_atomically(files: dict[Path, bytes], *, replace: bool = True) -> None:
    """Write every file or none: temporary files first, then moved into place.

    With `replace=False` an existing file is never replaced, even by a writer that got
    there a moment earlier: it is left alone when it holds the same bytes, and otherwise
    the whole write is undone and refused."""
    temps: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    mode = 0o666 & ~_umask()
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale_temps(path)
            fd, name = tempfile.mkstemp(dir=path.parent,
                                        prefix=f"{_temp_prefix(path)}{os.getpid()}-",
                                        suffix=TEMP_SUFFIX)
            temps.append((Path(name), path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(name, mode)
        for temp, path in temps:
            if replace:
                os.replace(temp, path)
            elif _place_new(temp, path, files[path]):
                placed.append(path)
    except ExamgenError:
        _undo(placed)
        raise
    except OSError as exc:
        _undo(placed)
        raise ExamgenError(f"无法写入：{exc.strerror}", exc.filename) from None
    except BaseException:
        _undo(placed)
        raise
    finally:
        for temp, _ in temps:
            temp.unlink(missing_ok=True)


def _place_new(temp: Path, path: Path, data: bytes) -> bool:
    """Link `temp` at `path` unless something is there; True if this call put it there."""
    try:
        os.link(temp, path)
        return True
    except FileExistsError:
        if _holds(path, data):
            return False
        raise ExamgenError(EXISTS, path) from None
    except OSError:  # a file system without hard links: check, then rename
        if path.exists():
            if _holds(path, data):
                return False
            raise ExamgenError(EXISTS, path) from None
        os.replace(temp, path)
        return True


def _undo(placed: list[Path]) -> None:
    for path in placed:
        path.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
