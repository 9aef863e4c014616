"""``retailpulse demo``: build the demo retailer, import it, run the pipeline, serve it."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from retailpulse.cli.options import db_option, handle_errors, open_workspace

console = Console(stderr=True)


@click.command()
@click.option(
    "--size",
    type=click.Choice(["small", "medium", "large"]),
    default="small",
    show_default=True,
    help="small: ~20k customers, ~50k messages; large: >=100k customers, >=1M messages.",
)
@click.option(
    "--seed", type=int, default=7, show_default=True, help="Random seed (same seed, same data)."
)
@click.option(
    "--export",
    "export_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Only write the import files (<kind>.csv) into this folder; import nothing.",
)
@click.option("--no-serve", is_flag=True, help="Build and import, print the summary, do not serve.")
@click.option("--host", default=None, help="Address to serve on (default: the 'host' setting).")
@click.option(
    "--port", type=int, default=None, help="Port to serve on (default: the 'port' setting)."
)
@db_option
@handle_errors
def demo(
    size: str,
    seed: int,
    export_dir: Path | None,
    no_serve: bool,
    host: str | None,
    port: int | None,
    db_url: str | None,
) -> None:
    """Generate the demo retailer (stores in Jakarta, Surabaya, Shanghai, Taipei, Singapore and
    London; messages in English, Indonesian and Chinese), import it and serve the dashboard."""
    from retailpulse.demo import export, generate

    started = time.perf_counter()
    with console.status(f"Generating the {size} demo retailer (seed {seed})..."):
        data = generate(size=size, seed=seed)
    if export_dir is not None:
        export(data, export_dir)
        total = sum(frame.height for frame in data.values())
        click.echo(f"Wrote {total:,} demo records as <kind>.csv files into {export_dir}")
        return
    rp = open_workspace(db_url)
    with tempfile.TemporaryDirectory(prefix="retailpulse-demo-") as tmp:
        export(data, tmp)
        files = {p.stem: p for p in Path(tmp).glob("*.csv")}
        _import_all(rp, files)
    for line in rp.refresh(progress=lambda step: console.log(step)):
        click.echo(line)
    click.echo(f"Demo ready in {time.perf_counter() - started:.0f} s: {rp.db.safe_url}")
    _print_summary(rp)
    if no_serve:
        return
    from retailpulse.cli.web import serve_workspace

    serve_workspace(rp, host=host, port=port, demo=True)


def _import_all(rp: object, files: dict[str, Path]) -> None:
    from retailpulse.schema import IMPORT_ORDER

    bar = Progress(
        TextColumn("[bold]importing {task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} kinds"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with bar:
        task = bar.add_task("", total=len(files))
        for kind in IMPORT_ORDER:
            if kind not in files:
                continue
            bar.update(task, description=kind)
            report = rp.import_file(kind, files[kind])  # type: ignore[attr-defined]
            if report.quarantined:
                console.log(report.summary())
            bar.advance(task)


def _print_summary(rp: object) -> None:
    info = rp.status()  # type: ignore[attr-defined]
    counts = info["counts"]
    click.echo(
        f"  {counts['customers']:,} customers, {counts['transactions']:,} orders, "
        f"{counts['messages']:,} messages, {counts['surveys']:,} survey answers, "
        f"{counts['stores']:,} stores, {counts['products']:,} products"
    )


def register(group: click.Group) -> None:
    group.add_command(demo)
