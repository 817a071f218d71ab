"""Every command explains itself to a non-programmer, with an example."""

from __future__ import annotations

import pytest

from examgen.cli import main


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_and_an_example(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: examgen " + command in result.output
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.output)  # explained in Chinese


def test_top_level_help_names_the_main_job(runner):
    result = runner.invoke(main, ["--help"])
    assert "examgen build --role director --count 20" in result.output
