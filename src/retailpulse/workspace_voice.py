"""The Workspace's voice-of-the-customer steps: the five questions, satisfaction, needs,
topics, drivers and crisis alerts.

Each function loads frames through the workspace, calls the pure functions of
:mod:`retailpulse.understand`, saves the result (``voc.<name>``, with its parameters) for the
web app and returns it. The CLI commands and the pipeline call these; nothing is computed twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import polars as pl

from retailpulse.understand.inputs import in_period, require_enriched, to_utc

if TYPE_CHECKING:
    from retailpulse.workspace import Workspace

KINDS = ("customers", "transactions", "surveys", "campaigns", "identities", "products")


def frames(rp: Workspace, kinds: tuple[str, ...] = KINDS) -> dict[str, Any]:
    """Messages (checked for enrichment), the other frames (None when empty) and the 360."""
    out: dict[str, Any] = {"messages": require_enriched(rp.messages())}
    for kind in kinds:
        frame = rp.frame(kind)
        out[kind] = None if frame.is_empty() else frame
    out["customer360"] = rp.customer360() if rp.frame("customers").height else None
    return out


def questions(rp: Workspace, since: str | None = None, until: str | None = None) -> list[Any]:
    from retailpulse.understand.questions import Inputs, answer_questions

    f = frames(rp)
    data = Inputs(**{k: f[k] for k in ("messages", *KINDS, "customer360")})
    answers = [a.to_dict() for a in answer_questions(data, since, until)]
    rp.save_result("voc.questions", {"since": since, "until": until}, answers)
    return answers


def satisfaction(
    rp: Workspace, since: str | None = None, until: str | None = None, period: str = "week"
) -> dict[str, Any]:
    from retailpulse.understand.satisfaction import satisfaction_report

    f = frames(rp, ("customers", "surveys"))
    report: dict[str, Any] = satisfaction_report(
        f["messages"],
        surveys=f["surveys"],
        customers=f["customers"],
        customer360=f["customer360"],
        since=since,
        until=until,
        period=period,
    )
    rp.save_result("voc.satisfaction", {"since": since, "until": until, "period": period}, report)
    return report


def needs(
    rp: Workspace, since: str | None = None, until: str | None = None, sla_hours: float = 48.0
) -> dict[str, Any]:
    from retailpulse.understand.needs import needs_report

    f = frames(rp, ("customers", "products"))
    report: dict[str, Any] = needs_report(
        f["messages"],
        products=f["products"],
        customers=f["customers"],
        customer360=f["customer360"],
        since=since,
        until=until,
        sla_hours=sla_hours,
    )
    rp.save_result("voc.needs", {"since": since, "until": until, "sla_hours": sla_hours}, report)
    return report


def topics(
    rp: Workspace,
    since: str | None = None,
    until: str | None = None,
    n_topics: int | None = None,
    seed: int = 0,
    recent_days: int = 7,
) -> dict[str, Any]:
    from retailpulse.understand.inputs import inbound
    from retailpulse.understand.topics import TopicModel, discover_topics, emerging_topics

    msgs = inbound(in_period(require_enriched(rp.messages()), "created_at", since, until))
    model, assigned, table = discover_topics(msgs, model=TopicModel(n_topics, seed=seed))
    emerging = emerging_topics(assigned, recent_days=recent_days)
    payload: dict[str, Any] = {
        "unassigned_share": model.unassigned_share_,
        "topics": table.to_dicts(),
        "emerging": emerging.to_dicts(),
        "model": model.to_dict(),
    }
    rp.save_result("voc.topics", {**model.get_params(), "since": since, "until": until}, payload)
    return payload


def _default_cutoff(
    transactions: pl.DataFrame | None, msgs: pl.DataFrame, horizon: int
) -> datetime:
    frame = transactions if transactions is not None else msgs
    last = frame["created_at"].max() if frame.height else None
    if not isinstance(last, datetime):
        return datetime.now(UTC) - timedelta(days=horizon)
    return last - timedelta(days=horizon)


def drivers(
    rp: Workspace,
    since: str | None = None,
    until: str | None = None,
    cutoff: str | None = None,
    horizon_days: int = 90,
    method: str = "relative_weights",
    boot: int = 200,
) -> dict[str, Any]:
    from retailpulse.understand.drivers import driver_features, drivers_report
    from retailpulse.understand.experiences import experience_effects

    f = frames(rp, ("customers", "transactions", "surveys", "campaigns"))
    msgs = in_period(f["messages"], "created_at", since, until)
    at = to_utc(cutoff, "cutoff") or _default_cutoff(f["transactions"], msgs, horizon_days)
    feats = driver_features(
        msgs,
        f["transactions"],
        cutoff=at,
        horizon_days=horizon_days,
        surveys=f["surveys"],
        campaigns=f["campaigns"],
        customers=f["customers"],
        customer360=f["customer360"],
    )
    report: dict[str, Any] = drivers_report(feats, method=method, n_boot=boot)
    report["cutoff"] = at.isoformat()
    report["experience_effects"] = (
        experience_effects(msgs, f["transactions"]).to_dicts()
        if f["transactions"] is not None
        else []
    )
    rp.save_result(
        "voc.drivers", {"cutoff": at.isoformat(), "method": method, "boot": boot}, report
    )
    return report


def alerts(
    rp: Workspace, since: str | None = None, until: str | None = None, days: int = 7
) -> list[dict[str, Any]]:
    from retailpulse.understand.crisis import crisis_alerts

    f = frames(rp, ("customers",))
    msgs = f["messages"]
    since_at: Any = since
    if since is None and msgs.height:
        last = to_utc(until, "until") or msgs["created_at"].max()
        since_at = last - timedelta(days=days)
    table = crisis_alerts(
        msgs,
        customers=f["customers"],
        customer360=f["customer360"],
        since=since_at,
        until=until,
    )
    rows: list[dict[str, Any]] = table.to_dicts()
    rp.save_result("voc.alerts", {"since": str(since_at), "until": until}, rows)
    return rows


def understand_voice(rp: Workspace) -> str:
    """Pipeline step: every report above with its defaults."""
    answers = questions(rp)
    satisfaction(rp)
    needs(rp)
    found = topics(rp)
    drivers(rp, boot=100)
    # The pipeline scans the whole history for alerts, so the planted past spikes show too.
    raised = alerts(rp, since="1970-01-01")
    doubtful = sum(1 for a in answers if a["doubtful"])
    return (
        f"voice of the customer: 5 questions answered ({doubtful} doubtful), "
        f"{len(found['topics'])} topics, {len(raised)} alerts"
    )
