"""Where the bundled templates, fonts and question bank live.

In an installed wheel they sit inside the package (pyproject maps the top-level folders
there); in a source checkout they are the top-level folders themselves.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache
def resource_dir(name: str) -> Path:
    """The folder `name` (templates, fonts, questions) shipped with examgen."""
    packaged = Path(str(files("examgen"))) / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"examgen is installed without its {name}/ folder")


def templates_dir() -> Path:
    return resource_dir("templates")


def fonts_dir() -> Path:
    return resource_dir("fonts")


def default_bank_dir() -> Path:
    return resource_dir("questions")
