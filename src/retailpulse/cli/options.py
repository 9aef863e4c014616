"""Options and helpers shared by every command."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from retailpulse.errors import RetailPulseError

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    """``--db URL`` (env RETAILPULSE_DATABASE_URL; default sqlite:///retailpulse.db)."""
    return click.option(
        "--db",
        "db_url",
        metavar="URL",
        default=None,
        help="Database URL: sqlite:///file.db or postgresql://user@host/db "
        "(env RETAILPULSE_DATABASE_URL; default sqlite:///retailpulse.db).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(
        func
    )


def handle_errors(func: F) -> F:
    """Turn expected errors into a one-line message with the fix (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RetailPulseError as exc:
            raise click.ClickException(exc.message) from exc

    return wrapper  # type: ignore[return-value]


def open_workspace(db_url: str | None) -> Any:
    """Open the workspace named by --db / the environment / the default."""
    import retailpulse

    return retailpulse.open(db_url, env=os.environ)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def progress_enabled() -> bool:
    return sys.stderr.isatty()
