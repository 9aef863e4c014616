"""Listen: the message stream with filters and full-text search (any script)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from retailpulse.web import queries
from retailpulse.web.auth import User
from retailpulse.web.deps import backend, csrf_protect, require
from retailpulse.web.render import is_htmx, page

router = APIRouter(dependencies=[Depends(csrf_protect)])


def filters_from(
    q: str = Query("", max_length=500),
    platform: str = Query("", max_length=40),
    language: str = Query("", max_length=20),
    sentiment: str = Query("", max_length=20),
    emotion: str = Query("", max_length=20),
    intent: str = Query("", max_length=40),
    aspect: str = Query("", max_length=40),
    store: str = Query("", max_length=100),
    product: str = Query("", max_length=100),
    days: int = Query(0, ge=0, le=3650),
    page: int = Query(1, ge=1, le=100_000),
) -> queries.StreamFilters:
    return queries.StreamFilters(
        q=q.strip(), platform=platform, language=language, sentiment=sentiment,
        emotion=emotion, intent=intent, aspect=aspect, store=store, product=product,
        days=days, page=page,
    )


@router.get("/listen", include_in_schema=False)
async def listen(
    request: Request,
    f: queries.StreamFilters = Depends(filters_from),
    user: User = Depends(require("listen")),
) -> Response:
    db = backend(request).db
    result = queries.stream(db, f, store_scope=user.store_scope)
    context = {
        "f": f,
        "result": result,
        "facets": queries.facet_values(db),
        "active": f.active(),
        "nav": "listen",
    }
    if is_htmx(request):
        return page(request, "_messages.html", context)
    return page(request, "listen.html", context)
