"""Customers: search, and the 360 view with a timeline and identity links."""

from __future__ import annotations

from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from retailpulse.errors import NotFoundError
from retailpulse.web import queries
from retailpulse.web.auth import User
from retailpulse.web.backend import Backend, missing
from retailpulse.web.deps import CustomersUser, backend, csrf_protect
from retailpulse.web.render import is_htmx, page

router = APIRouter(dependencies=[Depends(csrf_protect)])


def customer_value(be: Backend, customer_id: str) -> dict[str, Any] | None:
    values = be.customer_values()
    if values is None or values.is_empty() or "customer_id" not in values.columns:
        return None
    hit = values.filter(pl.col("customer_id") == customer_id)
    return hit.row(0, named=True) if hit.height else None


def customer_list(be: Backend, q: str, user: User) -> list[dict[str, Any]]:
    """Search results, or (no search) the top spenders (the store's customers for store staff)."""
    q = q.strip()
    default = None
    if not q and not user.store_scope:
        default = be.cached("top_spenders", lambda: queries.top_spenders(be.db))
    return queries.search_customers(be.db, q, store_scope=user.store_scope, default_ids=default)


def load_360(be: Backend, customer_id: str, user: User) -> dict[str, Any]:
    data = queries.customer_360(be.db, customer_id, store_scope=user.store_scope)
    if data is None:
        raise NotFoundError(
            f"There is no customer {customer_id!r} you can see. Search the customer list."
        )
    data["value"] = customer_value(be, customer_id)
    points = be.result("points")
    data["points"] = points.get(customer_id) if isinstance(points, dict) else None
    data["points_missing"] = missing("points") if points is None else None
    return data


@router.get("/customers", include_in_schema=False)
async def customers(
    request: Request,
    *,
    q: Annotated[str, Query(max_length=200)] = "",
    user: CustomersUser,
) -> Response:
    rows = customer_list(backend(request), q, user)
    context = {"rows": rows, "q": q, "nav": "customers"}
    if is_htmx(request):
        return page(request, "_customer_rows.html", context)
    return page(request, "customers.html", context)


@router.get("/customers/{customer_id}", include_in_schema=False)
async def customer(request: Request, *, customer_id: str, user: CustomersUser) -> Response:
    data = load_360(backend(request), customer_id, user)
    return page(request, "customer.html", {"c": data, "nav": "customers"})
