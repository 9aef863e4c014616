"""Inbox: the queue ordered by what matters, a conversation with its 'why', and actions."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from retailpulse.engage import inbox_store
from retailpulse.engage.inbox import explain
from retailpulse.engage.replies import suggest
from retailpulse.errors import InputError
from retailpulse.store.database import utcnow
from retailpulse.web import auth, charts, queries
from retailpulse.web.auth import User
from retailpulse.web.backend import Backend
from retailpulse.web.deps import InboxActor, InboxUser, backend, csrf_protect
from retailpulse.web.render import is_htmx, page

router = APIRouter(dependencies=[Depends(csrf_protect)])


def policy_of(be: Backend) -> Any:
    return inbox_store.sla_policy(be.db, float(be.settings.sla_hours))


def queue_rows(be: Backend, user: User, status: str, assignee: str) -> list[dict[str, Any]]:
    q = inbox_store.queue(
        be.db,
        user,
        be.customer_values(),
        policy=policy_of(be),
        status=status,
        assignee=assignee,
    )
    if q.is_empty():
        return []
    rows = q.to_dicts()
    for r in rows:
        r["why"] = explain(r)[:3]
    return rows


def conversation_context(be: Backend, cid: int, user: User) -> dict[str, Any]:
    conv = inbox_store.get(be.db, cid, user)
    scored = inbox_store.scored_one(be.db, conv, be.customer_values(), policy_of(be))
    lines = explain(scored)
    msgs = queries.thread_messages(
        be.db,
        conv["platform"],
        conv.get("thread_id"),
        conv.get("author_id"),
        conv["opened_at"],
        max(conv["last_inbound_at"], utcnow()),
    )
    name = conv.get("author_name") or conv.get("author_handle")
    order = None
    store = conv.get("store_id")
    for m in msgs:
        for etype, eid in m["entity_list"]:
            if etype == "order" and order is None:
                order = f"#{eid}"
            if etype == "store" and store is None:
                store = eid
    suggestions = suggest(
        conv.get("intents"),
        conv.get("language"),
        {
            "customer_name": name,
            "order": order,
            "store": queries.store_name(be.db, store),
            "agent_name": user.name,
        },
    )
    return {
        "conv": conv,
        "scored": scored,
        "lines": lines,
        "spec": charts.priority_breakdown(lines),
        "messages": msgs,
        "suggestions": suggestions,
        "history": inbox_store.history(be.db, cid),
        "users": [u for u in auth.list_users(be.db) if u.can("inbox_act")],
        "can_act": user.can("inbox_act"),
        "nav": "inbox",
    }


@router.get("/inbox", include_in_schema=False)
async def inbox(
    request: Request,
    *,
    status: Annotated[str, Query(max_length=20)] = "active",
    assignee: Annotated[str, Query(max_length=10)] = "",
    user: InboxUser,
) -> Response:
    be = backend(request)
    rows = queue_rows(be, user, status, assignee)
    context = {
        "rows": rows,
        "status": status,
        "assignee": assignee,
        "nav": "inbox",
        "can_act": user.can("inbox_act"),
        "users": {u.id: u.name for u in auth.list_users(be.db)},
    }
    if is_htmx(request):
        return page(request, "_queue.html", context)
    return page(request, "inbox.html", context)


@router.get("/inbox/export.csv", include_in_schema=False)
async def export(request: Request, *, user: InboxActor) -> Response:
    """Replies marked 'to send', for sending by hand until platform delivery exists."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        ["reply_id", "conversation_id", "platform", "thread_id", "to", "at", "author", "text"]
    )
    for r in inbox_store.pending_replies(backend(request).db):
        w.writerow(
            [
                r["id"],
                r["conversation_id"],
                r["platform"],
                r["thread_id"],
                r["author_handle"],
                r["at"],
                r["author"],
                r["text"],
            ]
        )
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": "attachment; filename=replies-to-send.csv"},
    )


@router.get("/inbox/{cid}", include_in_schema=False)
async def conversation(request: Request, *, cid: int, user: InboxUser) -> Response:
    return page(request, "conversation.html", conversation_context(backend(request), cid, user))


@router.post("/inbox/sync", include_in_schema=False)
async def sync(request: Request, *, user: InboxActor) -> Response:
    be = backend(request)
    counts = inbox_store.sync(be.db, customer_values=be.customer_values())
    be.db.audit(user.username, "inbox.sync", None, **counts)
    return RedirectResponse("/inbox", status_code=303)


def _back(cid: int) -> Response:
    return RedirectResponse(f"/inbox/{cid}", status_code=303)


@router.post("/inbox/{cid}/reply", include_in_schema=False)
async def reply(
    request: Request,
    *,
    cid: int,
    text: Annotated[str, Form()] = "",
    template_id: Annotated[str, Form()] = "",
    user: InboxActor,
) -> Response:
    inbox_store.reply(backend(request).db, cid, user, text, template_id=template_id or None)
    return _back(cid)


@router.post("/inbox/{cid}/status", include_in_schema=False)
async def status(
    request: Request,
    *,
    cid: int,
    value: Annotated[str, Form()] = "",
    user: InboxActor,
) -> Response:
    inbox_store.set_status(backend(request).db, cid, user, value)
    if value == "resolved":
        return RedirectResponse("/inbox", status_code=303)
    return _back(cid)


@router.post("/inbox/{cid}/assign", include_in_schema=False)
async def assign(
    request: Request,
    *,
    cid: int,
    assignee_id: Annotated[str, Form()] = "",
    user: InboxActor,
) -> Response:
    be = backend(request)
    target: int | None = None
    if assignee_id == "me":
        target = user.id
    elif assignee_id:
        if not assignee_id.isdigit():
            raise InputError(f"The assignee must be a user id. Got {assignee_id!r} instead.")
        target = auth.get_user(be.db, int(assignee_id)).id
    inbox_store.assign(be.db, cid, user, target)
    return _back(cid)


@router.post("/inbox/{cid}/note", include_in_schema=False)
async def note(
    request: Request,
    *,
    cid: int,
    text: Annotated[str, Form()] = "",
    user: InboxActor,
) -> Response:
    inbox_store.add_note(backend(request).db, cid, user, text)
    return _back(cid)


@router.post("/inbox/{cid}/tags", include_in_schema=False)
async def tags(
    request: Request,
    *,
    cid: int,
    value: Annotated[str, Form()] = "",
    user: InboxActor,
) -> Response:
    inbox_store.set_tags(backend(request).db, cid, user, value)
    return _back(cid)


@router.post("/inbox/bulk", include_in_schema=False)
async def bulk(
    request: Request,
    *,
    action: Annotated[str, Form()] = "",
    ids: Annotated[list[int] | None, Form()] = None,
    user: InboxActor,
) -> Response:
    if not ids:
        raise InputError("Select at least one conversation for a bulk action.", field="ids")
    inbox_store.bulk(backend(request).db, ids, user, action)
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Refresh": "true"})
    return RedirectResponse("/inbox", status_code=303)
