"""Alerts: crisis signals from the understanding layer and the inbox's overdue SLAs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from retailpulse.engage import inbox_store
from retailpulse.store.database import utcnow
from retailpulse.web.auth import User
from retailpulse.web.backend import Backend, missing
from retailpulse.web.deps import AlertsUser, backend, csrf_protect
from retailpulse.web.render import page
from retailpulse.web.routes.overview import alerts_list

router = APIRouter(dependencies=[Depends(csrf_protect)])


def sla_alerts(be: Backend, user: User) -> list[dict[str, Any]]:
    """Conversations past their first-response target, as alerts."""
    policy = inbox_store.sla_policy(be.db, float(be.settings.sla_hours))
    late = be.cached(
        f"overdue:{user.store_scope}", lambda: inbox_store.overdue(be.db, user, policy)
    )
    if not late["count"]:
        return []
    opened, cid, platform = late["oldest"]
    days = (late["now"] - opened).total_seconds() / 86400
    return [
        {
            "severity": "high" if late["count"] >= 10 else "medium",
            "title": f"{late['count']} conversation(s) past their first-response target",
            "detail": f"The oldest was opened {days:.1f} days ago ({platform}).",
            "link": f"/inbox/{cid}",
            "at": utcnow(),
            "source": "inbox",
        }
    ]


@router.get("/alerts", include_in_schema=False)
async def alerts(request: Request, *, user: AlertsUser) -> Response:
    be = backend(request)
    computed = alerts_list(be)
    return page(
        request,
        "alerts.html",
        {
            "sla": sla_alerts(be, user),
            "computed": computed,
            "computed_missing": missing("alerts") if computed is None else None,
            "nav": "alerts",
        },
    )
