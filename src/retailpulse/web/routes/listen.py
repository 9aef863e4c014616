"""Listen: the message stream with filters and full-text search (any script)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from retailpulse.web import queries
from retailpulse.web.deps import ListenUser, backend, csrf_protect
from retailpulse.web.render import is_htmx, page

router = APIRouter(dependencies=[Depends(csrf_protect)])


def filters_from(
    q: Annotated[str, Query(max_length=500)] = "",
    platform: Annotated[str, Query(max_length=40)] = "",
    language: Annotated[str, Query(max_length=20)] = "",
    sentiment: Annotated[str, Query(max_length=20)] = "",
    emotion: Annotated[str, Query(max_length=20)] = "",
    intent: Annotated[str, Query(max_length=40)] = "",
    aspect: Annotated[str, Query(max_length=40)] = "",
    store: Annotated[str, Query(max_length=100)] = "",
    product: Annotated[str, Query(max_length=100)] = "",
    days: Annotated[int, Query(ge=0, le=3650)] = 0,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> queries.StreamFilters:
    return queries.StreamFilters(
        q=q.strip(),
        platform=platform,
        language=language,
        sentiment=sentiment,
        emotion=emotion,
        intent=intent,
        aspect=aspect,
        store=store,
        product=product,
        days=days,
        page=page,
    )


@router.get("/listen", include_in_schema=False)
async def listen(
    request: Request,
    *,
    f: Annotated[queries.StreamFilters, Depends(filters_from)],
    user: ListenUser,
) -> Response:
    be = backend(request)
    db = be.db
    result = queries.stream(db, f, store_scope=user.store_scope)
    context = {
        "f": f,
        "result": result,
        "facets": be.cached("facets", lambda: queries.facet_values(db)),
        "active": f.active(),
        "nav": "listen",
    }
    if is_htmx(request):
        return page(request, "_messages.html", context)
    return page(request, "listen.html", context)
