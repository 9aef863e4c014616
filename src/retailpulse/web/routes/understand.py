"""Understand: segments, CLV, loyalty, satisfaction, needs, topics, drivers, behaviour."""

from __future__ import annotations

from typing import Any

import polars as pl
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from retailpulse.web import charts
from retailpulse.web.backend import Backend, missing
from retailpulse.web.deps import UnderstandUser, backend, csrf_protect
from retailpulse.web.render import page
from retailpulse.web.routes.overview import cached_numbers

router = APIRouter(dependencies=[Depends(csrf_protect)])

SECTIONS = (
    ("segments", "Segments", "Who the customers are: groups and what defines them."),
    (
        "customer_values",
        "Customer lifetime value",
        "Expected value, tier and chance of still being active, per customer.",
    ),
    (
        "loyalty",
        "Loyalty measures",
        "Repeat purchase, price sensitivity, willingness to recommend, resistance to competitors.",
    ),
    ("satisfaction", "Satisfaction", "Sentiment index, NPS and CSAT by channel, store, aspect."),
    ("needs", "Needs and preferences", "Requested and complained-about aspects, unmet needs."),
    ("topics", "Topics", "What customers talk about, grouped."),
    ("drivers", "Key drivers of loyalty", "What moves loyalty, with effect sizes."),
)


def _records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict)


def as_tables(payload: Any, limit: int = 8) -> list[dict[str, Any]]:
    """Table views of a result payload: its first two lists of records, then its scalars."""
    if _records(payload):
        return [_table("", payload, limit)]
    if not isinstance(payload, dict):
        return [{"caption": "", "columns": ["value"], "rows": [[payload]], "total": 1}]
    tables = [_table(k.replace("_", " "), v, limit) for k, v in payload.items() if _records(v)]
    scalars = {k: v for k, v in payload.items() if not isinstance(v, list | dict) and v is not None}
    out = tables[:2]
    if scalars:
        out.append(
            {
                "caption": "",
                "columns": ["measure", "value"],
                "rows": [[k.replace("_", " "), v] for k, v in scalars.items()],
                "total": len(scalars),
            }
        )
    return out


def _table(caption: str, records: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    columns = [c for c in records[0] if not isinstance(records[0][c], list | dict)][:8]
    return {
        "caption": caption,
        "columns": columns,
        "rows": [[r.get(c) for c in columns] for r in records[:limit]],
        "total": len(records),
    }


def top_values(be: Backend) -> list[dict[str, Any]] | None:
    """The customers with the highest CLV, when CLV is known."""
    values = be.customer_values()
    if values is None or "clv" not in values.columns or values["clv"].null_count() == len(values):
        return None
    cols = [c for c in ("customer_id", "clv", "p_alive", "tier") if c in values.columns]
    rows: list[dict[str, Any]] = (
        values.filter(pl.col("clv").is_not_null())
        .sort("clv", descending=True)
        .head(50)
        .select(cols)
        .to_dicts()
    )
    return rows


@router.get("/understand", include_in_schema=False)
async def understand(request: Request, *, user: UnderstandUser) -> Response:
    be = backend(request)
    sections = []
    for name, title, help_text in SECTIONS:
        payload = top_values(be) if name == "customer_values" else be.result(name)
        sections.append(
            {
                "name": name,
                "title": title,
                "help": help_text,
                "tables": None if payload is None else as_tables(payload),
                "meta": be.result_meta(name),
                "missing": missing(name) if payload is None else None,
            }
        )
    n = cached_numbers(request, be)
    specs = {}
    if not n.get("empty"):
        specs["heatmap"] = charts.weekday_hour(n["heatmap"])
        specs["platforms"] = charts.platform_sentiment(n["platforms"])
        if n["aspects"]:
            specs["aspects"] = charts.aspects(n["aspects"])
    return page(
        request,
        "understand.html",
        {"sections": sections, "specs": specs, "n": n, "nav": "understand"},
    )
