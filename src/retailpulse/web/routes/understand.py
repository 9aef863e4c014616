"""Understand: segments, CLV, loyalty, satisfaction, needs, topics, drivers, behaviour."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from retailpulse.web import charts
from retailpulse.web.backend import missing
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


def as_table(payload: Any, limit: int = 25) -> dict[str, Any]:
    """A generic table view of a result payload (list of records or a mapping)."""
    if isinstance(payload, dict):
        for key in ("rows", "items", "segments", "data"):
            if isinstance(payload.get(key), list):
                return as_table(payload[key], limit)
        scalars = {k: v for k, v in payload.items() if not isinstance(v, list | dict)}
        return {
            "columns": ["measure", "value"],
            "rows": [[k, v] for k, v in scalars.items()][:limit],
            "total": len(scalars),
        }
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        columns = list(payload[0].keys())[:10]
        return {
            "columns": columns,
            "rows": [[r.get(c) for c in columns] for r in payload[:limit]],
            "total": len(payload),
        }
    return {"columns": ["value"], "rows": [[payload]], "total": 1}


@router.get("/understand", include_in_schema=False)
async def understand(request: Request, *, user: UnderstandUser) -> Response:
    be = backend(request)
    sections = []
    for name, title, help_text in SECTIONS:
        payload = be.result(name)
        sections.append(
            {
                "name": name,
                "title": title,
                "help": help_text,
                "table": None if payload is None else as_table(payload),
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
