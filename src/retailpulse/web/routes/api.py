"""The JSON API under /api/v1. Every answer is the one envelope (see render.ok / render.fail)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from retailpulse.engage import inbox_store
from retailpulse.engage.inbox import explain
from retailpulse.web import auth, queries
from retailpulse.web.backend import missing
from retailpulse.web.deps import (
    AccountUser,
    AlertsUser,
    CustomersUser,
    InboxActor,
    InboxUser,
    ListenUser,
    OverviewUser,
    UnderstandUser,
    backend,
    csrf_protect,
)
from retailpulse.web.render import fail, ok
from retailpulse.web.routes.customers import customer_list, load_360
from retailpulse.web.routes.inbox import conversation_context, queue_rows
from retailpulse.web.routes.listen import filters_from
from retailpulse.web.routes.overview import alerts_list, cached_numbers, questions

router = APIRouter(prefix="/api/v1", tags=["api"], dependencies=[Depends(csrf_protect)])


class AssignBody(BaseModel):
    assignee_id: int | None = Field(None, description="User id; null to unassign.")


class ReplyBody(BaseModel):
    text: str = Field(..., min_length=1, max_length=10_000)
    template_id: str | None = None


class StatusBody(BaseModel):
    status: str = Field(..., description="new, open, waiting or resolved")


@router.get("/me", summary="The user behind this token or session")
async def me(user: AccountUser) -> JSONResponse:
    return ok(user.public())


@router.get("/messages", summary="Messages with their enrichment, newest first (50 a page)")
async def messages(
    request: Request,
    *,
    f: Annotated[queries.StreamFilters, Depends(filters_from)],
    user: ListenUser,
) -> JSONResponse:
    result = queries.stream(backend(request).db, f, store_scope=user.store_scope)
    for r in result["rows"]:
        for key in ("intent_list", "aspect_list", "entity_list"):
            r.pop(key, None)
    return ok(result)


def _conv_public(r: dict[str, Any]) -> dict[str, Any]:
    keep = {k: v for k, v in r.items() if not k.startswith("c_") and k != "why"}
    keep["components"] = explain(r)
    return keep


@router.get("/conversations", summary="The inbox queue, highest priority first")
async def conversations(
    request: Request,
    *,
    status: Annotated[str, Query(max_length=20)] = "active",
    assignee: Annotated[str, Query(max_length=10)] = "",
    user: InboxUser,
) -> JSONResponse:
    rows = queue_rows(backend(request), user, status, assignee)
    return ok([_conv_public(r) for r in rows])


@router.get("/conversations/{cid}", summary="One conversation with messages and its 'why'")
async def conversation(request: Request, *, cid: int, user: InboxUser) -> JSONResponse:
    ctx = conversation_context(backend(request), cid, user)
    return ok(
        {
            "conversation": ctx["conv"],
            "priority": ctx["scored"]["priority"],
            "components": ctx["lines"],
            "messages": [
                {k: v for k, v in m.items() if not k.endswith("_list")} for m in ctx["messages"]
            ],
            "suggestions": ctx["suggestions"],
            "history": ctx["history"],
        }
    )


@router.post("/conversations/{cid}/assign", summary="Assign (or unassign) a conversation")
async def assign(request: Request, *, cid: int, body: AssignBody, user: InboxActor) -> JSONResponse:
    be = backend(request)
    target = None if body.assignee_id is None else auth.get_user(be.db, body.assignee_id).id
    inbox_store.assign(be.db, cid, user, target)
    return ok(inbox_store.get(be.db, cid, user))


@router.post("/conversations/{cid}/reply", summary="Store a reply (marked 'to send')")
async def reply(request: Request, *, cid: int, body: ReplyBody, user: InboxActor) -> JSONResponse:
    be = backend(request)
    reply_id = inbox_store.reply(be.db, cid, user, body.text, template_id=body.template_id)
    return ok({"reply_id": reply_id, "delivery_status": "to_send"}, status=201)


@router.post("/conversations/{cid}/resolve", summary="Resolve a conversation")
async def resolve(request: Request, *, cid: int, user: InboxActor) -> JSONResponse:
    be = backend(request)
    inbox_store.set_status(be.db, cid, user, "resolved")
    return ok(inbox_store.get(be.db, cid, user))


@router.post("/conversations/{cid}/status", summary="Set a conversation's status")
async def set_status(
    request: Request, *, cid: int, body: StatusBody, user: InboxActor
) -> JSONResponse:
    be = backend(request)
    inbox_store.set_status(be.db, cid, user, body.status)
    return ok(inbox_store.get(be.db, cid, user))


@router.get("/customers", summary="Search customers by name or id")
async def customers(
    request: Request, *, q: Annotated[str, Query(max_length=200)] = "", user: CustomersUser
) -> JSONResponse:
    return ok(customer_list(backend(request), q, user))


@router.get("/customers/{customer_id}", summary="A customer's 360 view")
async def customer(request: Request, *, customer_id: str, user: CustomersUser) -> JSONResponse:
    data = load_360(backend(request), customer_id, user)
    for e in data["timeline"]:
        if e["kind"] == "message":
            e["item"] = {k: v for k, v in e["item"].items() if not k.endswith("_list")}
    return ok(data)


def _result(request: Request, name: str) -> JSONResponse:
    payload = backend(request).result(name)
    if payload is None:
        m = missing(name)
        return fail(f"The {name} result is not computed yet. Run `{m['command']}`.", 404)
    return ok(payload)


@router.get("/segments", summary="Customer segments (from the understanding layer)")
async def segments(request: Request, *, user: UnderstandUser) -> JSONResponse:
    return _result(request, "segments")


@router.get("/questions", summary="The five questions with verdicts and measured numbers")
async def five_questions(request: Request, *, user: OverviewUser) -> JSONResponse:
    be = backend(request)
    n = cached_numbers(request, be)
    return ok(questions(be, n))


@router.get("/alerts", summary="Active alerts")
async def alerts(request: Request, *, user: AlertsUser) -> JSONResponse:
    from retailpulse.web.routes.alerts import sla_alerts

    be = backend(request)
    return ok({"sla": sla_alerts(be, user), "computed": alerts_list(be)})
