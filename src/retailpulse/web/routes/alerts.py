"""Alerts: crisis signals from the understanding layer and the inbox's overdue SLAs."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from retailpulse.engage import inbox_store
from retailpulse.store import tables
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


def with_examples(be: Backend, computed: list[dict[str, Any]] | None) -> None:
    """Attach the example messages' platform and text to each crisis alert (in place)."""
    if not computed:
        return
    ids = {int(i) for a in computed for i in (a.get("example_ids") or [])}
    if not ids:
        return
    m = tables.table_for("messages")
    with be.db.engine.connect() as conn:
        rows = conn.execute(sa.select(m.c.id, m.c.platform, m.c.text).where(m.c.id.in_(ids)))
        found = {r.id: {"platform": r.platform, "text": r.text or ""} for r in rows}
    for a in computed:
        a["examples"] = [found[int(i)] for i in (a.get("example_ids") or []) if int(i) in found]


@router.get("/alerts", include_in_schema=False)
async def alerts(request: Request, *, user: AlertsUser) -> Response:
    be = backend(request)
    computed = alerts_list(be)
    with_examples(be, computed)
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
