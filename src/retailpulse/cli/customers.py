"""Commands for understanding customers: clv (on a file), customers (segments), customer ID."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from retailpulse.cli.options import (
    db_option,
    handle_errors,
    json_option,
    open_workspace,
    print_json,
)
from retailpulse.errors import FileFormatError, InputError, ModelError
from retailpulse.understand.clv import (
    BetaGeo,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
    calibration_holdout,
    holdout_check,
    predict,
    rfm_summary,
)
from retailpulse.workspace_customers import json_rows, json_value

console = Console(stderr=True)
MODELS = {"bg": BetaGeo, "mbg": ModifiedBetaGeo, "pareto": ParetoNBD}


def read_transactions(path: Path, customer_col: str, time_col: str) -> pl.DataFrame:
    """CSV/TSV, Parquet, or whitespace-separated text with a header (CDNOW's format)."""
    if not path.exists():
        raise InputError(f"No file at {path}. Check the --transactions path.", field="transactions")
    suffix = path.suffix.lower()
    text_cols = {customer_col: pl.String, time_col: pl.String}
    try:
        if suffix == ".parquet":
            return pl.read_parquet(path)
        if suffix in (".csv", ".tsv"):
            sep = "\t" if suffix == ".tsv" else ","
            header = path.open(encoding="utf-8").readline().strip().split(sep)
            over = {k: v for k, v in text_cols.items() if k in header}
            return pl.read_csv(
                path, separator=sep, schema_overrides=over, infer_schema_length=10000
            )
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, pl.exceptions.PolarsError) as exc:
        raise FileFormatError(f"Cannot read {path}: {exc}. Use CSV, Parquet or text.") from exc
    rows = [re.split(r"\s+", ln.strip()) for ln in lines if ln.strip()]
    if len(rows) < 2:
        raise FileFormatError(f"{path} has no rows under its header.")
    header, body = rows[0], rows[1:]
    bad = next((i for i, r in enumerate(body) if len(r) != len(header)), None)
    if bad is not None:
        raise FileFormatError(
            f"Row {bad + 2} of {path} has {len(body[bad])} fields, the header {len(header)}. "
            "Whitespace-separated files need one value per header column."
        )
    frame = pl.DataFrame({h: [r[i] for r in body] for i, h in enumerate(header)})
    numeric = [
        c for c in header if c not in text_cols and frame[c].str.contains(r"^-?[\d.]+$").all()
    ]
    return frame.with_columns(pl.col(numeric).cast(pl.Float64))


def _spinner(as_json: bool) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json,
    )


def _table(title: str, frame: pl.DataFrame, digits: int = 3) -> Table:
    table = Table(title=title)
    for col in frame.columns:
        table.add_column(col, justify="right" if frame[col].dtype.is_numeric() else "left")
    for row in frame.iter_rows():
        table.add_row(
            *[
                f"{v:.{digits}g}" if isinstance(v, float) else ("" if v is None else escape(str(v)))
                for v in row
            ]
        )
    return table


@click.command()
@click.option(
    "--transactions",
    "path",
    required=True,
    type=click.Path(path_type=Path),
    help="Transactions file: CSV, TSV, Parquet, or whitespace-separated text with a header.",
)
@click.option(
    "--customer-col", default="customer_id", show_default=True, help="Customer id column."
)
@click.option("--time-col", default="created_at", show_default=True, help="Purchase time column.")
@click.option("--value-col", default=None, help="Order value column (enables spend and CLV).")
@click.option(
    "--freq",
    type=click.Choice(["D", "W", "M"]),
    default="D",
    show_default=True,
    help="Period unit: day, week (from Monday) or month.",
)
@click.option(
    "--model",
    "model_name",
    type=click.Choice(sorted(MODELS)),
    default="bg",
    show_default=True,
    help="Purchase model: BG/NBD, MBG/NBD or Pareto/NBD.",
)
@click.option(
    "--observation-end", default=None, help="End of observation (default: last purchase)."
)
@click.option(
    "--calibration-end",
    default=None,
    help="Fit on purchases up to this date and check predictions after it.",
)
@click.option(
    "--holdout-end", default=None, help="End of the holdout period (default: last purchase)."
)
@click.option(
    "--nonpositive",
    type=click.Choice(["raise", "drop", "keep"]),
    default="raise",
    show_default=True,
    help="What to do with zero or negative order values (returns).",
)
@click.option("--months", default=12, show_default=True, help="CLV horizon in months.")
@click.option("--discount-rate", default=0.01, show_default=True, help="Monthly discount rate.")
@click.option("--margin", default=1.0, show_default=True, help="Profit share of spend, in (0, 1].")
@click.option(
    "--horizon",
    default=None,
    type=float,
    help="Periods ahead for expected purchases (default: one month of periods).",
)
@click.option(
    "--save",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the fitted purchase model as JSON here (spend model beside it).",
)
@click.option("--top", default=10, show_default=True, help="Customers to list, by CLV.")
@json_option
@handle_errors
def clv(
    path: Path,
    customer_col: str,
    time_col: str,
    value_col: str | None,
    freq: str,
    model_name: str,
    observation_end: str | None,
    calibration_end: str | None,
    holdout_end: str | None,
    nonpositive: str,
    months: int,
    discount_rate: float,
    margin: float,
    horizon: float | None,
    save: Path | None,
    top: int,
    as_json: bool,
) -> None:
    """Fit a lifetime-value model to a transactions file (no database needed).

    Prints the parameters and fit diagnostics, the customers with the highest CLV and, with
    --calibration-end, predicted versus actual repeat purchases per frequency group in the
    holdout period.
    """
    per_month = {"D": 30.0, "W": 4.345, "M": 1.0}[freq]
    out: dict[str, Any] = {"file": str(path), "freq": freq}
    with _spinner(as_json) as bar:
        task = bar.add_task("reading transactions", total=None)
        tx = read_transactions(path, customer_col, time_col)
        bar.update(task, description="summarising")
        check = None
        if calibration_end:
            ch = calibration_holdout(
                tx,
                customer_col,
                time_col,
                calibration_end,
                holdout_end,
                value_col,
                freq,  # type: ignore[arg-type]
                nonpositive=nonpositive,  # type: ignore[arg-type]
            )
            summary = ch.rename(
                {c: c.removesuffix("_cal") for c in ch.columns if c.endswith("_cal")}
            )
        else:
            summary = rfm_summary(
                tx,
                customer_col,
                time_col,
                value_col,
                observation_end,
                freq,  # type: ignore[arg-type]
                nonpositive=nonpositive,  # type: ignore[arg-type]
            )
        bar.update(task, description=f"fitting {MODELS[model_name].__name__}")
        model: BetaGeo | ParetoNBD = MODELS[model_name]()  # type: ignore[assignment]
        model.fit(summary)
        out["purchase_model"] = model.summary_dict()
        spend = None
        if value_col:
            try:
                # Customers whose repeat purchases average 0 or less (returns) cannot inform
                # the spend model; they still get a prediction (their mean is shrunk).
                paying = summary.filter(pl.col("monetary_value") > 0)
                spend = GammaGamma().fit(paying)
                out["spend_model"] = spend.summary_dict()
                excluded = summary.filter(
                    (pl.col("frequency") > 0) & (pl.col("monetary_value") <= 0)
                ).height
                out["spend_model"]["excluded_customers"] = excluded
            except (InputError, ModelError) as exc:
                out["spend_model"] = {"error": exc.message}
        if calibration_end:
            check = holdout_check(model, ch)
            out["holdout"] = json_rows(check)
        bar.update(task, description="predicting")
        pred = predict(
            model,
            summary,
            horizon=horizon or per_month,
            spend_model=spend,
            months=months,
            discount_rate=discount_rate,
            margin=margin,
            freq=freq,
        )
    order = "clv" if "clv" in pred.columns else "expected_purchases"
    shown = [customer_col, "frequency", "recency", "T", "p_alive", "expected_purchases"]
    shown += [c for c in ("expected_spend", "clv") if c in pred.columns]
    best = pred.sort(order, descending=True).head(top).select(shown)
    out["customers"] = pred.height
    out["top"] = json_rows(best)
    if save:
        model.save(save)
        if spend is not None:
            spend.save(save.with_name(save.stem + ".spend.json"))
        out["saved"] = str(save)
    if as_json:
        print_json(out)
        return
    pm = out["purchase_model"]
    click.echo(
        f"{pm['model']} on {pm['n_customers']:,} customers ({pm['n_unique_rows']:,} distinct rows)"
    )
    click.echo("  " + ", ".join(f"{k}={v:.4g}" for k, v in pm["params"].items()))
    click.echo(
        f"  log-likelihood {pm['log_likelihood']:.2f}, {pm['n_iterations']} iterations, converged"
    )
    if spend is not None:
        click.echo("GammaGamma: " + ", ".join(f"{k}={v:.4g}" for k, v in spend.params_.items()))
    elif "spend_model" in out:
        click.echo(f"GammaGamma not fitted: {out['spend_model']['error']}")
    rich = Console()
    if check is not None:
        rich.print(_table("Holdout: mean repeat purchases per customer", check))
    rich.print(_table(f"Top {top} customers by {order}", best))
    if save:
        click.echo(f"Saved the model to {save}")


@click.command()
@click.option(
    "--as-of", default=None, help="Score customers as of this date (default: last purchase)."
)
@db_option
@json_option
@handle_errors
def customers(as_of: str | None, db_url: str | None, as_json: bool) -> None:
    """Customer segments (RFM rules shown), with CLV and the loyalty measures per segment.

    The result is saved in the store (result 'customers.segments') for the web app.
    """
    rp = open_workspace(db_url)
    with _spinner(as_json) as bar:
        bar.add_task("segments, lifetime value, loyalty", total=None)
        payload = rp.segments(as_of)
    table = pl.DataFrame(payload["segments"], infer_schema_length=None)
    model_info = payload["clv"]
    if as_json:
        print_json(payload)
        return
    show = table.select(
        "segment",
        "customers",
        "share",
        pl.col("mean_recency_days").alias("days since"),
        pl.col("mean_frequency").alias("buy days"),
        pl.col("mean_monetary").alias("spend"),
        pl.col("repeat_purchase_rate").alias("repeat"),
        pl.col("mean_clv").alias("CLV"),
        pl.col("loyalty_index").alias("loyalty"),
        pl.col("nps").alias("NPS"),
    )
    Console().print(_table(f"Segments of {payload['customers']:,} customers", show))
    if "error" in model_info:
        click.echo(f"CLV not available: {model_info['error']}")


@click.command()
@click.argument("customer_id")
@db_option
@json_option
@handle_errors
def customer(customer_id: str, db_url: str | None, as_json: bool) -> None:
    """The 360 view of one customer: identity, handles, purchases, CLV, segment, messages,
    surveys and the five loyalty measures."""
    rp = open_workspace(db_url)
    with _spinner(as_json) as bar:
        bar.add_task("building the 360 view", total=None)
        row = {k: json_value(v) for k, v in rp.customer(customer_id).items()}
        msgs = rp.messages()
    recent = (
        msgs.filter(pl.col("customer_id") == customer_id)
        .sort("created_at", descending=True)
        .head(5)
        .select("created_at", "platform", "kind", "sentiment", "text")
        if "customer_id" in msgs.columns and msgs.height
        else pl.DataFrame()
    )
    row["recent_messages"] = json_rows(recent)
    if as_json:
        print_json(row)
        return
    table = Table(title=f"Customer {customer_id}", show_header=False)
    table.add_column("field")
    table.add_column("value")
    for k, v in row.items():
        if k != "recent_messages":
            shown = f"{v:.4g}" if isinstance(v, float) else ("" if v is None else escape(str(v)))
            table.add_row(k, shown)
    con = Console()
    con.print(table)
    if recent.height:
        con.print(_table("Recent messages", recent))


def register(group: click.Group) -> None:
    for cmd in (clv, customers, customer):
        group.add_command(cmd)
