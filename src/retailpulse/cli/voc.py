"""Voice-of-the-customer commands: questions, satisfaction, needs, topics, drivers, alerts.

Each loads frames from the workspace, calls the pure functions of ``retailpulse.understand``,
stores the result (``rp.save_result``) for the web app, and prints a table or ``--json``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from retailpulse.cli.options import (
    db_option,
    handle_errors,
    json_option,
    open_workspace,
    print_json,
)

console = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])
KINDS = ("customers", "transactions", "surveys", "campaigns", "identities", "products")


def period_options(func: F) -> F:
    func = click.option(
        "--until", metavar="DATE", default=None, help="Only data before this date (ISO 8601)."
    )(func)
    return click.option(
        "--since", metavar="DATE", default=None, help="Only data from this date on (ISO 8601)."
    )(func)


class Steps:
    """A rich progress bar over named steps (hidden with --json or when not on a terminal)."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=quiet,
        )
        self.task = self.bar.add_task("loading", total=total)

    def __enter__(self) -> Steps:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)

    def step(self, label: str) -> None:
        self.bar.update(self.task, description=label, advance=1)


def _table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    table = Table(title=title)
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*[_fmt(r.get(c)) for c in columns])
    Console().print(table)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 1 else f"{v:,.1f}"
    if isinstance(v, list):
        return ", ".join(str(x) for x in v[:5])
    return "" if v is None else str(v)


@click.command()
@db_option
@json_option
@period_options
@handle_errors
def questions(db_url: str | None, as_json: bool, since: str | None, until: str | None) -> None:
    """Answer the five questions with verdicts, numbers, confidence and evidence."""
    rp = open_workspace(db_url)
    with Steps(1, as_json) as steps:
        answers = rp.questions(since, until)
        steps.step("done")
    if as_json:
        print_json(answers)
        return
    for a in answers:
        mark = "doubtful" if a["doubtful"] else a["confidence_level"]
        click.echo(
            f"{a['number']}. {a['question']}\n   {a['verdict']}  [{mark}, {a['confidence']:.0%}]"
        )
        for doubt, fix in zip(a["doubts"], a["remedies"], strict=False):
            click.echo(f"   ! {doubt} -> {fix}")


@click.command()
@db_option
@json_option
@period_options
@click.option(
    "--period", type=click.Choice(["day", "week", "month"]), default="week", help="Trend period."
)
@handle_errors
def satisfaction(
    db_url: str | None, as_json: bool, since: str | None, until: str | None, period: str
) -> None:
    """Net sentiment index, NPS, CSAT and stars by channel, aspect, store, segment and period."""
    rp = open_workspace(db_url)
    with Steps(1, as_json) as steps:
        report = rp.satisfaction(since, until, period)
        steps.step("done")
    if as_json:
        print_json(report)
        return
    cols = ["n", "nsi", "nsi_lo", "nsi_hi"]
    _table("Net sentiment", report["overall"], cols)
    _table("By aspect", report["by_aspect"], ["aspect", *cols])
    _table("By channel", report["by_channel"], ["channel", *cols])
    if report["nps"]:
        _table("NPS", report["nps"], ["n", "nps", "nps_lo", "nps_hi"])


@click.command()
@db_option
@json_option
@period_options
@click.option(
    "--sla-hours", type=float, default=48.0, show_default=True, help="Reply deadline for an ask."
)
@handle_errors
def needs(
    db_url: str | None, as_json: bool, since: str | None, until: str | None, sla_hours: float
) -> None:
    """Aspect importance x performance, unmet asks, unstocked products, segment preferences."""
    rp = open_workspace(db_url)
    with Steps(1, as_json) as steps:
        report = rp.needs(since, until, sla_hours)
        steps.step("done")
    if as_json:
        print_json(report)
        return
    _table(
        "Importance x performance",
        report["importance_performance"],
        ["aspect", "importance", "nsi", "quadrant"],
    )
    click.echo(f"Unmet asks: {report['unmet_total']}")
    _table(
        "Unstocked products",
        report["unstocked"][:10],
        ["product", "asks", "availability_complaints"],
    )


@click.command()
@db_option
@json_option
@period_options
@click.option(
    "--n-topics", type=int, default=None, help="Number of topics (default: chosen by silhouette)."
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same topics)."
)
@click.option(
    "--recent-days", type=int, default=7, show_default=True, help="Window for emerging topics."
)
@handle_errors
def topics(
    db_url: str | None,
    as_json: bool,
    since: str | None,
    until: str | None,
    n_topics: int | None,
    seed: int,
    recent_days: int,
) -> None:
    """Discover topics in customers' messages, label them, and flag emerging ones."""
    rp = open_workspace(db_url)
    with Steps(1, as_json) as steps:
        payload = rp.topics(since, until, n_topics, seed, recent_days)
        steps.step("done")
    if as_json:
        print_json({k: v for k, v in payload.items() if k != "model"})
        return
    _table("Topics", payload["topics"], ["topic", "label", "size", "share", "nsi"])
    click.echo(f"Unassigned: {payload['unassigned_share']:.1%}")
    flagged = [r for r in payload["emerging"] if r["emerging"]]
    if flagged:
        _table("Emerging", flagged, ["topic", "recent", "baseline", "ratio", "ratio_lo"])


@click.command()
@db_option
@json_option
@period_options
@click.option(
    "--cutoff",
    metavar="DATE",
    default=None,
    help="Experiences before, outcomes after (default: horizon before the last order).",
)
@click.option(
    "--horizon-days",
    type=int,
    default=90,
    show_default=True,
    help="Outcome window after the cutoff.",
)
@click.option(
    "--method",
    type=click.Choice(["relative_weights", "shapley"]),
    default="relative_weights",
    show_default=True,
    help="Importance decomposition.",
)
@click.option(
    "--boot",
    type=int,
    default=200,
    show_default=True,
    help="Bootstrap resamples for the intervals.",
)
@handle_errors
def drivers(
    db_url: str | None,
    as_json: bool,
    since: str | None,
    until: str | None,
    cutoff: str | None,
    horizon_days: int,
    method: str,
    boot: int,
) -> None:
    """Which experiences drive repeat purchase, promoters and CLV change, with intervals.

    Also shows, per experience, the customers' buying in the 90 days after it against the
    90 days before, relative to a neutral contact (an event study).
    """
    rp = open_workspace(db_url)
    with Steps(1, as_json) as steps:
        report = rp.drivers(since, until, cutoff, horizon_days, method, boot)
        steps.step("done")
    if as_json:
        print_json(report)
        return
    for outcome, rows in report["outcomes"].items():
        _table(
            f"Drivers of {outcome}",
            rows,
            [
                "rank",
                "driver",
                "importance",
                "importance_lo",
                "importance_hi",
                "correlation",
                "quadrant",
            ],
        )
    for outcome, why in report["skipped"].items():
        click.echo(f"{outcome}: {why}")
    if report["experience_effects"]:
        _table(
            "Buying after each experience, relative to a neutral contact",
            report["experience_effects"],
            ["experience", "customers", "relative", "relative_lo", "relative_hi"],
        )


@click.command()
@db_option
@json_option
@period_options
@click.option(
    "--days",
    type=int,
    default=7,
    show_default=True,
    help="Without --since: alerts of the last N days.",
)
@handle_errors
def alerts(
    db_url: str | None, as_json: bool, since: str | None, until: str | None, days: int
) -> None:
    """Crisis signals: spikes of negative messages per aspect, store, product, with scores."""
    rp = open_workspace(db_url)
    with Steps(1, as_json) as steps:
        rows = rp.alerts(since, until, days)
        steps.step("done")
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("No alerts.")
        return
    _table(
        "Alerts",
        rows,
        ["severity", "score", "series", "key", "day", "negatives", "expected", "terms"],
    )


def register(group: click.Group) -> None:
    """Add the voice-of-the-customer commands to ``group``."""
    for cmd in (questions, satisfaction, needs, topics, drivers, alerts):
        group.add_command(cmd)
