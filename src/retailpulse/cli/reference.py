"""The CLI reference page (docs/cli.md), generated from the click commands themselves."""

from __future__ import annotations

import click


def _walk(cmd: click.Command, path: str) -> list[tuple[str, click.Command]]:
    out = [(path, cmd)]
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.commands):
            out += _walk(cmd.commands[name], f"{path} {name}")
    return out


def cli_markdown(group: click.Group) -> str:
    """Every command with its help text and options, as Markdown."""
    lines = [
        "# Command-line reference",
        "",
        "Generated from the commands: `make docs` rewrites this page.",
        "",
    ]
    root = click.Context(
        group,
        info_name="retailpulse",
        terminal_width=100,
        max_content_width=100,
        help_option_names=["-h", "--help"],
    )
    for path, cmd in _walk(group, "retailpulse")[1:]:
        ctx = click.Context(cmd, info_name=path.split(" ", 1)[1], parent=root)
        lines += [f"## `{path}`", "", "```", cmd.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(lines)
