"""`python -m examgen …` is the same as `examgen …`."""

from .cli import main

main(prog_name="examgen")
