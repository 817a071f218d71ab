"""`examgen scores …`: ratings typed or fixed by hand (the subcommands live with their jobs)."""

from __future__ import annotations

from . import main


@main.group()
def scores() -> None:
    """评分：手工录入或更正评分（扫描见 examgen scan）。

    \b
    Example: examgen scores set D-20261201-ABC123 --interviewer 1 3=4
    """
