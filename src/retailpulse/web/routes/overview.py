"""Overview: the five questions, the KPIs and the trends."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from retailpulse.engage import inbox_store
from retailpulse.web import charts
from retailpulse.web import overview as numbers
from retailpulse.web.backend import Backend, missing
from retailpulse.web.deps import OverviewUser, backend, csrf_protect
from retailpulse.web.render import page

router = APIRouter(dependencies=[Depends(csrf_protect)])


def cached_numbers(request: Request, be: Backend) -> dict[str, Any]:
    """The store's numbers, recomputed at most every ``Backend.cache_seconds``."""
    return dict(be.cached("overview", lambda: compute_numbers(be)))


def compute_numbers(be: Backend) -> dict[str, Any]:
    policy = inbox_store.sla_policy(be.db, float(be.settings.sla_hours))
    return numbers.compute(be.db, policy)


def alerts_list(be: Backend) -> list[dict[str, Any]] | None:
    payload = be.result("alerts")
    if payload is None:
        return None
    items = payload.get("alerts", []) if isinstance(payload, dict) else payload
    return [a for a in items if isinstance(a, dict)]


def questions(be: Backend, n: dict[str, Any]) -> list[dict[str, Any]]:
    """The five questions: verdicts from the understanding layer, else measured numbers."""
    payload = be.result("questions")
    computed: dict[str, dict[str, Any]] = {}
    if isinstance(payload, list):
        computed = {str(q.get("id") or q.get("number")): q for q in payload if isinstance(q, dict)}
    elif isinstance(payload, dict):
        items = payload.get("questions", payload)
        if isinstance(items, list):
            computed = {str(q.get("id")): q for q in items if isinstance(q, dict)}
        elif isinstance(items, dict):
            computed = {str(k): v for k, v in items.items() if isinstance(v, dict)}
    out = []
    for i, (qid, text) in enumerate(numbers.QUESTIONS, start=1):
        q = computed.get(qid) or computed.get(str(i)) or {}
        out.append(
            {
                "n": i,
                "id": qid,
                "question": q.get("question", text),
                "verdict": q.get("verdict") or q.get("answer"),
                "confidence": q.get("confidence_level") or q.get("confidence"),
                "doubts": q.get("doubts") or [],
                "numbers": q.get("numbers") or q.get("evidence_numbers") or {},
                "measured": _measured(qid, n),
            }
        )
    return out


def _measured(qid: str, n: dict[str, Any]) -> list[tuple[str, str]]:
    if n.get("empty"):
        return []
    cov = n["coverage"]
    if qid == "profiles":
        share = "—" if cov["coverage"] is None else f"{100 * cov['coverage']:.0f}%"
        return [
            ("Authors linked to a customer", f"{share} of {cov['authors']:,}"),
            ("Customers on record", f"{cov['customers']:,}"),
        ]
    if qid == "behaviour":
        busiest = max(n["heatmap"], key=lambda r: r["messages"], default=None)
        plats: dict[str, int] = {}
        for r in n["platforms"]:
            plats[r["platform"]] = plats.get(r["platform"], 0) + int(r["messages"])
        top = max(plats.items(), key=lambda kv: kv[1], default=None)
        out = []
        if busiest:
            out.append(("Busiest time", f"{busiest['weekday']} {busiest['hour']:02d}:00 UTC"))
        if top:
            out.append(("Main channel", f"{top[0]} ({top[1]:,} messages)"))
        return out
    if qid == "satisfaction":
        si = n["sentiment_index"]
        nps = n["survey"]["nps"]
        return [
            ("Sentiment index", "not enriched" if si is None else f"{si:+.1f}"),
            ("NPS", "no surveys" if nps is None else f"{nps:+.1f}"),
        ]
    if qid == "needs":
        neg = [a for a in n["aspects"] if a["polarity"] == "negative"]
        top = max(neg, key=lambda a: a["messages"], default=None)
        waiting = n["conversations"].get("new", 0) + n["conversations"].get("open", 0)
        out = [("Conversations awaiting an answer", f"{waiting:,}")]
        if top:
            out.append(("Most complained-about aspect", f"{top['aspect']} ({top['messages']:,})"))
        return out
    return []


@router.get("/", include_in_schema=False)
async def overview(request: Request, *, user: OverviewUser) -> Response:
    be = backend(request)
    n = cached_numbers(request, be)
    alerts = alerts_list(be)
    specs = {}
    if not n.get("empty"):
        specs = {
            "trend": charts.sentiment_trend(n["trend"]),
            "platforms": charts.platform_sentiment(n["platforms"]),
            "heatmap": charts.weekday_hour(n["heatmap"]),
        }
        if n["aspects"]:
            specs["aspects"] = charts.aspects(n["aspects"])
    return page(
        request,
        "overview.html",
        {
            "n": n,
            "questions": questions(be, n),
            "questions_missing": None if be.result("questions") else missing("questions"),
            "alerts": alerts,
            "alerts_missing": missing("alerts") if alerts is None else None,
            "specs": specs,
            "nav": "overview",
        },
    )
