"""Commands for the data itself: init, import, export, status, plugins, settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from retailpulse.cli.options import (
    db_option,
    handle_errors,
    json_option,
    open_workspace,
    print_json,
)
from retailpulse.listen.mapping import load_mapping_file, parse_map_options
from retailpulse.schema import KINDS, get_kind
from retailpulse.settings import SETTINGS, settings_markdown

console = Console(stderr=True)


@click.command()
@db_option
@handle_errors
def init(db_url: str | None) -> None:
    """Create (or migrate) the database."""
    rp = open_workspace(db_url)
    click.echo(f"Database ready: {rp.db.safe_url}")


@click.command(name="import")
@click.argument("kind", metavar="KIND")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COL=FIELD",
    help="Take field FIELD from file column COL (repeatable).",
)
@click.option(
    "--mapping", type=click.Path(path_type=Path), help="JSON/TOML file mapping columns to fields."
)
@click.option("--delimiter", help="Field delimiter of CSV files (default: detected).")
@click.option("--encoding", help="Text encoding (default: detected).")
@click.option("--sheet", help="Spreadsheet sheet name (default: the first).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "tsv", "jsonl", "parquet", "xlsx"]),
    help="File format (default: from the suffix).",
)
@db_option
@json_option
@handle_errors
def import_(
    kind: str,
    file: Path,
    maps: tuple[str, ...],
    mapping: Path | None,
    delimiter: str | None,
    encoding: str | None,
    sheet: str | None,
    fmt: str | None,
    db_url: str | None,
    as_json: bool,
) -> None:
    """Import FILE as records of KIND (messages, customers, transactions, ...).

    Valid rows are upserted by natural key; invalid rows go to a quarantine file with their
    row number, field and reason. Re-importing the same file adds nothing.
    """
    k = get_kind(kind)
    column_map = load_mapping_file(mapping) if mapping else {}
    column_map.update(parse_map_options(maps))
    rp = open_workspace(db_url)
    delim = "\t" if delimiter in ("\\t", "tab") else delimiter
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=as_json,
    )
    tasks: dict[str, Any] = {}

    def progress(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            label = "reading" if phase == "read" else "writing"
            tasks[phase] = bar.add_task(f"{label} {file.name}", total=max(total, 1))
        bar.update(tasks[phase], completed=done, total=max(total, 1))

    with bar:
        report = rp.import_file(
            k.name,
            file,
            mapping=column_map or None,
            delimiter=delim,
            encoding=encoding,
            sheet=sheet,
            format=fmt,
            progress=progress,
        )
    if as_json:
        print_json(report.as_dict())
    else:
        click.echo(report.summary())


@click.command()
@click.argument("kind", metavar="KIND")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="File to write."
)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet"]), help="Format.")
@click.option("--include-pii", is_flag=True, help="Export emails and phones unmasked.")
@db_option
@handle_errors
def export(kind: str, output: Path, fmt: str | None, include_pii: bool, db_url: str | None) -> None:
    """Export all records of KIND to a CSV, JSONL or Parquet file."""
    rp = open_workspace(db_url)
    n = rp.export(kind, output, format=fmt, include_pii=include_pii)
    click.echo(f"Wrote {n:,} {get_kind(kind).name} to {output}")


@click.command()
@db_option
@json_option
@handle_errors
def status(db_url: str | None, as_json: bool) -> None:
    """Row counts per table and what still needs enrichment."""
    rp = open_workspace(db_url)
    info = rp.status()
    if as_json:
        print_json(info)
        return
    table = Table(title="Records in the store")
    table.add_column("kind")
    table.add_column("rows", justify="right")
    for name, n in info["counts"].items():
        table.add_row(name, f"{n:,}")
    Console().print(table)
    click.echo(f"Database: {info['database']}")
    pending = info["needs_enrichment"]
    if pending:
        click.echo(f"{pending:,} message(s) need enrichment: run `retailpulse enrich`.")
    else:
        click.echo("Every message is enriched.")


@click.command()
@json_option
def plugins(as_json: bool) -> None:
    """List the loaded plugins and the hooks they implement."""
    from retailpulse.plugins import list_plugins

    found = list_plugins()
    if as_json:
        print_json(found)
        return
    for p in found:
        tag = "built-in" if p["builtin"] else "plugin"
        click.echo(f"{p['name']} ({tag}): {', '.join(p['hooks'])}")


@click.command(name="kinds")
def kinds_cmd() -> None:
    """List the record kinds, their natural keys and their columns."""
    for k in KINDS.values():
        req = [f"{f.name}*" if f.required else f.name for f in k.fields]
        click.echo(f"{k.name} (key: {', '.join(k.key)}): {k.help}\n  {', '.join(req)}")
    click.echo("* required")


@click.command(name="settings")
@json_option
@click.option(
    "--markdown", is_flag=True, help="Print the settings reference page (docs/settings.md)."
)
def settings_cmd(as_json: bool, markdown: bool) -> None:
    """List every setting with its environment variable, default and meaning."""
    if markdown:
        click.echo(settings_markdown(), nl=False)
        return
    if as_json:
        print_json(
            [
                {"name": s.name, "env": s.env, "type": s.type, "default": s.default, "help": s.help}
                for s in SETTINGS
            ]
        )
        return
    for s in SETTINGS:
        click.echo(f"{s.name} ({s.env}, default {s.default!r}): {s.help}")


def register(group: click.Group) -> None:
    for cmd in (init, import_, export, status, plugins, kinds_cmd, settings_cmd):
        group.add_command(cmd)
