"""The Workspace's customer steps: lifetime value, segments, loyalty and the 360 view.

Functions of a :class:`retailpulse.workspace.Workspace` (its methods call them): they load
frames from the store, call the pure functions of :mod:`retailpulse.understand` and keep the
results (``customers.segments``) for the CLI and the web app. Fitted state is cached on the
workspace until the next import.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import polars as pl

from retailpulse.errors import InputError, ModelError, NotFoundError
from retailpulse.understand.clv import BetaGeo, GammaGamma, predict, rfm_summary
from retailpulse.understand.loyalty import INDEX_WEIGHTS, loyalty_by_segment, loyalty_measures
from retailpulse.understand.profiles import customer_360
from retailpulse.understand.segments import rfm_scores, segment_rules, segment_sizes

if TYPE_CHECKING:
    from retailpulse.workspace import Workspace

_PII = ("email", "phone", "email_hash", "phone_hash")


def json_value(value: Any) -> Any:
    """A value JSON can hold: NaN and ±inf become None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready rows (the form results are stored in)."""
    return [{k: json_value(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]


def _optional(rp: Workspace, kind: str) -> pl.DataFrame | None:
    frame = rp.frame(kind)
    return frame if frame.height else None


def customer_predictions(rp: Workspace) -> tuple[pl.DataFrame | None, dict[str, Any]]:
    """CLV, P(alive) and expected purchases per customer (BG/NBD + Gamma-Gamma fitted on
    the store's orders), or None with the reason the models could not be fitted."""
    if "predictions" not in rp._cache:
        tx = rp.frame("transactions")
        if tx.height == 0:
            rp._cache["predictions"] = (None, {"error": "no transactions imported yet"})
        else:
            try:
                summary = rfm_summary(tx, "customer_id", "created_at", "total", nonpositive="drop")
                bg, gg = BetaGeo().fit(summary), GammaGamma().fit(summary)
            except (InputError, ModelError) as exc:
                rp._cache["predictions"] = (None, {"error": exc.message})
            else:
                pred = predict(bg, summary, horizon=30, spend_model=gg, months=12, freq="D")
                info = {"purchase_model": bg.summary_dict(), "spend_model": gg.summary_dict()}
                rp._cache["predictions"] = (
                    pred.select("customer_id", "clv", "p_alive", "expected_purchases"),
                    info,
                )
    result: tuple[pl.DataFrame | None, dict[str, Any]] = rp._cache["predictions"]
    return result


def customer360(rp: Workspace) -> pl.DataFrame:
    """One row per customer: identity, handles, purchases, CLV, P(alive), segment,
    sentiment, messages, unanswered messages, surveys and the loyalty measures."""
    if "customer360" not in rp._cache:
        people = rp.frame("customers")
        pred, _ = customer_predictions(rp)
        rp._cache["customer360"] = customer_360(
            people.drop([c for c in _PII if c in people.columns]),
            transactions=rp.frame("transactions"),
            links=_optional(rp, "identities"),
            messages=rp.messages(),
            surveys=_optional(rp, "surveys"),
            consents=_optional(rp, "consents"),
            predictions=pred,
            campaigns=_optional(rp, "campaigns"),
        )
    frame: pl.DataFrame = rp._cache["customer360"]
    return frame


def customer(rp: Workspace, customer_id: str) -> dict[str, Any]:
    """The 360 row of one customer; NotFoundError names how to list customers."""
    view = customer360(rp).filter(pl.col("customer_id") == customer_id)
    if view.height == 0:
        raise NotFoundError(
            f"No customer '{customer_id}'. List customers with `retailpulse export customers`."
        )
    return json_rows(view)[0]


def segments(rp: Workspace, as_of: str | None = None) -> dict[str, Any]:
    """Segment sizes and rules, CLV model fit and loyalty per segment; stored as the
    result ``customers.segments``."""
    tx = rp.frame("transactions")
    if tx.height == 0:
        raise InputError(
            "There are no transactions yet. Import some with "
            "`retailpulse import transactions FILE`."
        )
    scores = rfm_scores(tx, as_of=as_of)
    sizes = segment_sizes(scores)
    pred, model_info = customer_predictions(rp)
    measures = loyalty_measures(
        tx,
        surveys=_optional(rp, "surveys"),
        messages=rp.messages(),
        clv=pred,
        campaigns=_optional(rp, "campaigns"),
    )
    by_seg = loyalty_by_segment(measures, scores)
    table = sizes.join(by_seg.drop("customers"), on="segment", how="left")
    payload = {
        "segments": json_rows(table),
        "rules": json_rows(segment_rules()),
        "index_weights": INDEX_WEIGHTS,
        "clv": model_info,
        "customers": scores.height,
    }
    rp.save_result("customers.segments", {"as_of": as_of}, payload)
    customer_values(rp)
    return payload


def customer_values(rp: Workspace) -> pl.DataFrame:
    """customer_id, clv, tier, p_alive, segment: what the inbox ranks customers by; stored as
    the result ``customer_values``."""
    view = customer360(rp)
    cols = [c for c in ("customer_id", "clv", "tier", "p_alive", "segment") if c in view.columns]
    values = view.select(cols)
    rp.save_result("customer_values", {}, json_rows(values))
    return values


def understand_customers(rp: Workspace) -> str:
    """Pipeline step: segments, CLV and loyalty, stored for the pages."""
    payload = segments(rp)
    fitted = "error" not in payload["clv"]
    clv = "CLV fitted" if fitted else f"CLV not fitted ({payload['clv']['error']})"
    n, k = payload["customers"], len(payload["segments"])
    return f"customers: {n:,} scored into {k} segments; {clv}"


def link_identities(rp: Workspace, actor: str = "system") -> dict[str, int]:
    """Link social authors to customers from the evidence in the store (order numbers and
    keyed-hash emails/phones quoted in DMs), keep the new links in ``identities`` (evidence in
    ``raw``), every change in the audit log and the fuzzy suggestions as the result
    ``identity.suggestions`` for a person to confirm."""
    import json

    from retailpulse.schema import IDENTITIES
    from retailpulse.store.upsert import upsert_frame
    from retailpulse.understand.identity import link_identities as find_links

    existing = rp.frame("identities")
    links, suggestions, audit = find_links(
        rp.frame("messages"),
        rp.frame("customers"),
        identities=existing,
        transactions=rp.frame("transactions"),
        consents=_optional(rp, "consents"),
        stores=_optional(rp, "stores"),
        hash_key=rp.secret,
        actor=actor,
    )
    keys = ["platform", "author_id", "customer_id"]
    new = links.join(existing.select(keys), on=keys, how="anti")
    if new.height:
        frame = new.select(
            "customer_id",
            "platform",
            "author_id",
            "method",
            "consent",
            pl.col("linked_at").cast(pl.Datetime("us", "UTC")),
            pl.col("evidence")
            .map_elements(
                lambda e: json.dumps({"evidence": e}, ensure_ascii=False), return_dtype=pl.Utf8
            )
            .alias("raw"),
        )
        upsert_frame(rp.db, IDENTITIES, frame)
        fresh = audit.join(new.select(keys), on=keys, how="semi")
        for event in fresh.iter_rows(named=True):
            rp.db.audit(
                str(event["actor"]),
                f"identity.{event['action']}",
                str(event["customer_id"]),
                platform=event["platform"],
                author_id=event["author_id"],
                method=event["method"],
                evidence=event["evidence"],
            )
    rp.save_result("identity.suggestions", {"actor": actor}, json_rows(suggestions))
    rp._cache.clear()
    return {"linked": new.height, "suggestions": suggestions.height}


def understand_identities(rp: Workspace) -> str:
    """Pipeline step: evidence-based identity links."""
    found = link_identities(rp)
    return (
        f"identities: {found['linked']:,} new links from evidence, "
        f"{found['suggestions']:,} suggestions to confirm"
    )


def sync_inbox(rp: Workspace) -> str:
    """Pipeline step: turn inbound messages that need an answer into inbox conversations,
    ranked with the customers' value."""
    from retailpulse.engage import inbox_store
    from retailpulse.engage.inbox import rank_customer_values

    values = rank_customer_values(customer_values(rp)) if rp.frame("customers").height else None
    counts = inbox_store.sync(rp.db, customer_values=values)
    rp.db.audit("system", "inbox.sync", None, **counts)
    return f"inbox: {counts['created']:,} new and {counts['updated']:,} updated conversations"
