"""Every command has help text and appears in the generated docs (sqlite-utils' test_docs)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from retailpulse.cli import main
from retailpulse.cli.reference import _walk, cli_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs"
COMMANDS = _walk(main, "retailpulse")[1:]


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_has_help(path: str, cmd: click.Command) -> None:
    assert cmd.help, f"{path} has no help text"
    for param in cmd.params:
        if isinstance(param, click.Option):
            assert param.help, f"{path} {param.opts} has no help text"


def test_cli_reference_is_current() -> None:
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert page == cli_markdown(main), "docs/cli.md is stale: run `make docs`"
