"""What every bad-input test asserts: one line naming the file, non-zero exit, no traceback,
within a few seconds, and nothing changed on disk."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path


def one_line_error(stderr: str, *needles: str) -> str:
    """The error as the user sees it: exactly one line, in Chinese, no traceback."""
    text = stderr.strip()
    assert "Traceback" not in stderr, stderr
    assert text.startswith("错误："), stderr
    assert "\n" not in text, stderr
    for needle in needles:
        assert str(needle) in text, text
    return text


def snapshot(*roots: Path) -> dict[str, tuple[int, str]]:
    """Every file under the roots with its mode and content hash (to prove nothing changed)."""
    out = {}
    for root in roots:
        paths = [root] if root.is_file() else sorted(root.rglob("*")) if root.exists() else []
        for path in paths:
            if path.is_file():
                out[str(path)] = (path.stat().st_mode,
                                  hashlib.sha256(path.read_bytes()).hexdigest())
    return out


def run(args: list[str], *, env: dict[str, str] | None = None, timeout: float = 60,
        user: str | None = None, cwd: Path | None = None,
        drop: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """`examgen ARGS` in a fresh process, as a user would run it (optionally as `user`),
    with `env` added to this environment and the variables in `drop` removed."""
    command = [sys.executable, "-m", "examgen", *args]
    if user is not None:
        command = ["setpriv", f"--reuid={user}", "--regid=nogroup", "--clear-groups",
                   *command]
    started = time.monotonic()
    environment = {k: v for k, v in {**os.environ, **(env or {})}.items() if k not in drop}
    result = subprocess.run(command, env=environment, capture_output=True, text=True,
                            timeout=timeout, cwd=cwd)
    result.seconds = time.monotonic() - started  # type: ignore[attr-defined]
    return result


def can_drop_privileges() -> bool:
    """Root can run a command as `nobody` (to meet real permission errors)."""
    if os.geteuid() != 0:
        return False
    try:
        return subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                               "--clear-groups", "true"], timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False
