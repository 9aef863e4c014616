"""Enrichment commands: ``enrich-file``, ``enrich``, ``train`` and ``categories add``."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click
import polars as pl
import pyarrow as pa
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from retailpulse.cli.options import (
    db_option,
    handle_errors,
    json_option,
    open_workspace,
    print_json,
)
from retailpulse.errors import RetailPulseError
from retailpulse.schema import get_kind

_TASKS_HELP = (
    "Comma-separated subset of language,sentiment,emotion,intents,aspects,entities,spam "
    "(default: all). Columns of tasks not run are left empty."
)


_WORKERS = click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Processes that enrich side by side when there are 250,000 messages or more "
    "(default: the setting enrich_workers; 0: one per CPU core; 1: this process only).",
)


def _progress(disable: bool = False) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=disable,
        transient=False,
    )


def _tasks(value: str | None) -> list[str] | None:
    return [t.strip() for t in value.split(",") if t.strip()] if value else None


def read_input(path: Path) -> pl.DataFrame:
    """A CSV (UTF-8, invalid bytes replaced), JSON Lines or Parquet file as strings-as-read."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
        if suffix in {".jsonl", ".ndjson"}:
            return pl.read_ndjson(path)
        if suffix == ".parquet":
            return pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise click.ClickException(
            f"Cannot read {path} as {suffix[1:]} ({exc}). Check the file's format."
        ) from exc
    raise click.ClickException(
        f"The input file must end in .csv, .jsonl or .parquet. Got {path.name!r} instead."
    )


def _reference_option(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    key = get_kind(kind).key[0]
    return click.option(
        f"--{kind}",
        f"{kind}_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help=f"A {kind} table ({key}, name, '|'-separated aliases; CSV, TSV, JSONL, Parquet or "
        f"XLSX, as `retailpulse import {kind}` takes it): its names are found as entities and "
        "kept out of what the opinion tasks read.",
    )


def _reference_rows(kind: str, path: Path | None) -> pl.DataFrame | None:
    """The usable rows of a ``--products``/``--stores``/``--staff`` file (None without one).

    Rows with errors are skipped with a warning that names them; a file with no usable row is
    left out with a warning. A file that cannot be read at all stops the command."""
    from retailpulse.listen.reference import read_reference

    if path is None:
        return None
    try:
        checked = read_reference(kind, path)
    except RetailPulseError as exc:
        raise click.ClickException(exc.message) from exc
    if checked.errors.height:
        click.echo(_skipped_warning(kind, path, checked.errors), err=True)
    if checked.valid.is_empty():
        needs = " and ".join(get_kind(kind).required)
        click.echo(
            f"Warning: {path} holds no usable row (each needs {needs}), so the enrichment runs "
            f"without its {kind}. Add or fix its rows for --{kind}.",
            err=True,
        )
        return None
    return checked.valid


def _skipped_warning(kind: str, path: Path, errors: pl.DataFrame, shown: int = 3) -> str:
    """One warning for the rows of a reference file that were skipped, the first few named."""
    by_row = errors.group_by("row", maintain_order=True).agg(pl.col("reason").str.join(", "))
    named = "; ".join(f"row {row}: {reason}" for row, reason in by_row.head(shown).iter_rows())
    more = f"; and {by_row.height - shown} more" if by_row.height > shown else ""
    rows = "row" if by_row.height == 1 else "rows"
    return (
        f"Warning: skipped {by_row.height} {rows} of {path} ({named}{more}). "
        f"Fix them so that their {kind} are recognised and masked."
    )


@click.command("enrich-file")
@click.argument(
    "input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="CSV file to write: the input columns plus the enrichment columns.",
)
@click.option(
    "--text-column", default="text", show_default=True, help="Column holding the message text."
)
@click.option(
    "--tier",
    type=click.Choice(["fast", "accurate"]),
    default="fast",
    show_default=True,
    help="Enrichment models to use.",
)
@click.option("--tasks", default=None, help=_TASKS_HELP)
@click.option(
    "--model-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Model folder from `retailpulse train` or `categories add` (default: the shipped model).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Messages per batch (each goes whole to one worker; the spam flag counts repeated "
    "texts within a batch).",
)
@click.option(
    "--competitor",
    "competitors",
    multiple=True,
    help="A competitor name to recognise (repeatable).",
)
@_reference_option("products")
@_reference_option("stores")
@_reference_option("staff")
@click.option(
    "--embed-all",
    is_flag=True,
    help="accurate tier: embed every message (slower), not only those its n-gram heads are "
    "unsure of.",
)
@_WORKERS
def enrich_file(
    input_path: Path,
    output: Path,
    text_column: str,
    tier: str,
    tasks: str | None,
    model_dir: Path | None,
    batch_size: int,
    competitors: tuple[str, ...],
    products_file: Path | None,
    stores_file: Path | None,
    staff_file: Path | None,
    embed_all: bool,
    workers: int | None,
) -> None:
    """Enrich the messages of a CSV, JSON Lines or Parquet file into a CSV file."""
    from retailpulse.enrich.entities import Catalog
    from retailpulse.enrich.pipeline import ENRICHMENT_COLUMNS, enrich_batch
    from retailpulse.enrich.workers import EnrichPool, resolve_workers, use_pool
    from retailpulse.settings import load_settings

    frame = read_input(input_path)
    if text_column not in frame.columns:
        raise click.ClickException(
            f"{input_path} has no '{text_column}' column (columns: {', '.join(frame.columns)}). "
            "Pass --text-column with the column that holds the message text."
        )
    catalog = Catalog.from_frames(
        products=_reference_rows("products", products_file),
        stores=_reference_rows("stores", stores_file),
        staff=_reference_rows("staff", staff_file),
        competitors=competitors,
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    # written beside the output and renamed at the end: a run that stops half-way leaves no
    # half-written file (and an earlier output as it was); a name of its own, so that two runs
    # to one output do not write into each other
    fd, name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=output.parent)
    os.close(fd)
    partial = Path(name)
    finished = False
    written = 0
    options: dict[str, Any] = {
        "text_column": text_column,
        "tier": tier,
        "tasks": _tasks(tasks),
        "catalog": None if catalog.is_empty else catalog,
        "model_dir": model_dir,
    }
    try:
        n_workers = resolve_workers(load_settings().enrich_workers if workers is None else workers)
        # one chunk first, so that every batch has batch_size rows whatever the reader did
        batches = frame.rechunk().to_arrow().to_batches(max_chunksize=batch_size)
        with ExitStack() as stack:
            bar = stack.enter_context(_progress())
            job = bar.add_task("Enriching", total=frame.height)
            if use_pool(n_workers, frame.height, tier):
                bar.update(job, description=f"Starting {n_workers} enrichment workers")
                pool = stack.enter_context(EnrichPool(n_workers, **options))
                bar.update(job, description=f"Enriching ({n_workers} workers)")
                enriched: Iterator[pa.RecordBatch] = pool.enrich_batches(batches)
            else:
                # (the accurate tier, the only one embed_all changes, never runs in a pool)
                enriched = (enrich_batch(b, **options, embed_all=embed_all) for b in batches)
            fh = stack.enter_context(partial.open("w", encoding="utf-8", newline=""))
            for i, out in enumerate(enriched):
                df = pl.from_arrow(out)
                assert isinstance(df, pl.DataFrame)
                df = df.with_columns(
                    pl.col(c).cast(pl.String) for c, t in df.schema.items() if t.is_nested()
                )
                df.write_csv(fh, include_header=i == 0)
                written += df.height
                bar.advance(job, df.height)
            if frame.height == 0:
                extra = [c for c in ENRICHMENT_COLUMNS if c not in frame.columns]
                fh.write(",".join([*frame.columns, *extra]) + "\n")
        finished = True
        partial.replace(output)
    except RetailPulseError as exc:
        raise click.ClickException(exc.message) from exc
    except OSError as exc:
        if not finished:
            raise
        # (the enrichment is done and kept: only the output could not be replaced, e.g. a file
        # open in a spreadsheet program on Windows)
        raise click.ClickException(
            f"The enriched messages are in {partial}, but {output} could not be replaced "
            f"({exc.strerror or exc}). Close {output} where it is open, then rename {partial} "
            "to it."
        ) from exc
    finally:
        if not finished:
            partial.unlink(missing_ok=True)
    click.echo(f"Wrote {written} enriched messages to {output}.", err=True)


@click.command("train")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("../shared/data"),
    show_default=True,
    help="Folder of the shared labelled data (train files are learnt from; valid files are "
    "reported on, except the English tweet one, which the English head also learns from and "
    "which is cross-validated).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("retailpulse-model"),
    show_default=True,
    help="Folder to write model.json and weights.npz into.",
)
@click.option(
    "--sentiment",
    "own_sentiment",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Your own labelled CSV (text,label with negative/neutral/positive). Repeatable.",
)
@click.option(
    "--emotion",
    "own_emotion",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Your own labelled CSV (text,label with anger/fear/joy/love/sadness/none).",
)
@click.option(
    "--intent",
    "own_intent",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Your own labelled CSV (text,label with ';'-joined intents).",
)
@click.option(
    "--aspect",
    "own_aspect",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Your own labelled CSV (text,label with ';'-joined aspects).",
)
@click.option(
    "--bits",
    type=click.IntRange(12, 22),
    default=18,
    show_default=True,
    help="Hash buckets are 2**bits.",
)
@click.option(
    "--tier",
    type=click.Choice(["fast", "accurate"]),
    default="fast",
    show_default=True,
    help="fast: hashed n-gram heads. accurate: the same, plus sentence embeddings in the "
    "sentiment and emotion heads (embedding the training texts takes minutes).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the validation figures as JSON.")
def train(
    data_dir: Path,
    output: Path,
    own_sentiment: tuple[str, ...],
    own_emotion: tuple[str, ...],
    own_intent: tuple[str, ...],
    own_aspect: tuple[str, ...],
    bits: int,
    tier: str,
    as_json: bool,
) -> None:
    """Train every enrichment head from labelled CSV files (text,label) and validate it."""
    from retailpulse.enrich.evaluate import evaluate
    from retailpulse.enrich.model import LinearModel
    from retailpulse.enrich.train import train_model

    own: dict[str, Sequence[str | Path]] = {
        "sentiment": list(own_sentiment),
        "emotion": list(own_emotion),
        "intent": list(own_intent),
        "aspect": list(own_aspect),
    }
    try:
        with _progress(disable=as_json) as bar:
            job = bar.add_task("Training", total=11 if tier == "fast" else 13)
            embedding_job = None

            def step(name: str) -> None:
                bar.update(job, description=f"Training {name}", advance=1)

            def embedded(done: int, total: int) -> None:
                nonlocal embedding_job
                if embedding_job is None:
                    embedding_job = bar.add_task("Sentence embeddings", total=total)
                bar.update(embedding_job, completed=done)

            model = train_model(
                data_dir, own=own, bits=bits, progress=step, tier=tier, embed_progress=embedded
            )
            bar.update(job, description="Validating", advance=1)
            # validate what is written (int8 weights), not the float weights in memory
            model.save(output)
            model = LinearModel.load(output)
            figures = evaluate(model, data_dir)
        model.meta["validation"] = figures
        model.save(output)
    except RetailPulseError as exc:
        raise click.ClickException(exc.message) from exc
    if as_json:
        click.echo(
            json.dumps({"model": str(output), "version": model.version, "validation": figures})
        )
    else:
        for name, value in figures.items():
            click.echo(f"{name:40s} {value}")
        click.echo(f"Model {model.version} written to {output}.")


@click.group("categories")
def categories_group() -> None:
    """Custom categories learnt from a few example messages."""


@categories_group.command("add")
@click.argument("name")
@click.option(
    "--examples",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Example messages: a text file (one per line) or a CSV with a text column.",
)
@click.option(
    "--model-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("retailpulse-model"),
    show_default=True,
    help="Model folder to add the category to (created from the shipped model if absent).",
)
def categories_add(name: str, examples: Path, model_dir: Path) -> None:
    """Add (or replace) the category NAME, learnt from example messages."""
    from retailpulse.enrich.categories import add_category
    from retailpulse.enrich.model import MODEL_JSON, LinearModel
    from retailpulse.enrich.training_data import read_labelled

    try:
        if examples.suffix.lower() == ".csv":
            texts, _ = read_labelled(examples, label_column="text")
        else:
            texts = examples.read_text(encoding="utf-8", errors="replace").splitlines()
        source = model_dir if (model_dir / MODEL_JSON).exists() else None
        model = LinearModel.load(source)
        add_category(model, name, texts)
        model.save(model_dir)
    except RetailPulseError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Category '{name}' added to {model_dir} ({len(texts)} examples).")


@click.command("enrich")
@db_option
@click.option(
    "--tier",
    type=click.Choice(["fast", "accurate"]),
    default=None,
    help="Enrichment models (default: the setting enrich_tier).",
)
@click.option(
    "--model-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Model folder from `retailpulse train` or `categories add` (default: the shipped one).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=None,
    help="Messages per transaction (default: the setting batch_size).",
)
@_WORKERS
@json_option
@handle_errors
def enrich_store_cmd(
    db_url: str | None,
    tier: str | None,
    model_dir: Path | None,
    batch_size: int | None,
    workers: int | None,
    as_json: bool,
) -> None:
    """Enrich every stored message not yet enriched by the current model version."""
    rp = open_workspace(db_url)
    settings = rp.settings
    with _progress(disable=as_json or not settings.progress) as bar:
        job = bar.add_task("Enriching", total=None)

        def step(done: int, total: int) -> None:
            bar.update(job, completed=done, total=total)

        run = rp.enrich(
            tier=tier, model_dir=model_dir, batch_size=batch_size, workers=workers, progress=step
        )
    result = {
        "model_version": run.model_version,
        "pending": run.pending,
        "enriched": run.enriched,
        "batches": run.batches,
    }
    if as_json:
        print_json(result)
    else:
        click.echo(f"Enriched {run.enriched:,} messages with model {run.model_version}.")


def register(group: click.Group) -> None:
    """Add the enrichment commands to the ``retailpulse`` group."""
    group.add_command(enrich_store_cmd)
    group.add_command(enrich_file)
    group.add_command(train)
    group.add_command(categories_group)
