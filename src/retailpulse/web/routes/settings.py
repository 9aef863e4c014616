"""Settings (admin): users, SLA policy, accounts, competitors, categories, audit log.
Account (everyone): one's own API tokens."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from retailpulse.engage import inbox_store
from retailpulse.engage.sla import SlaPolicy
from retailpulse.errors import InputError
from retailpulse.settings import SETTINGS
from retailpulse.store.auth_tables import ROLES
from retailpulse.store.database import Database
from retailpulse.store.engage_tables import conversations
from retailpulse.store.tables import TABLES, audit_log
from retailpulse.web import auth
from retailpulse.web.deps import AccountUser, SettingsUser, backend, csrf_protect
from retailpulse.web.render import page

router = APIRouter(dependencies=[Depends(csrf_protect)])


def _accounts(db: Database) -> list[dict[str, Any]]:
    """The brand's own accounts customers wrote to, with their inbox conversations."""
    with db.engine.connect() as conn:
        return [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(
                    conversations.c.platform,
                    conversations.c.account,
                    sa.func.count().label("conversations"),
                )
                .where(conversations.c.account.is_not(None))
                .group_by(conversations.c.platform, conversations.c.account)
                .order_by(conversations.c.platform, conversations.c.account)
            )
        ]


def _settings_context(request: Request) -> dict[str, Any]:
    be = backend(request)
    accounts = be.cached("accounts", lambda: _accounts(be.db))
    with be.db.engine.connect() as conn:
        p = TABLES["products"]
        categories = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(p.c.category, sa.func.count().label("products"))
                .group_by(p.c.category)
                .order_by(p.c.category)
            )
        ]
        audit = [
            dict(r._mapping)
            for r in conn.execute(sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(50))
        ]
    public = be.settings.public()
    registry = [
        {
            "name": s.name,
            "env": s.env,
            "value": public[s.name],
            "source": be.settings.source(s.name),
            "help": s.help,
        }
        for s in SETTINGS
    ]
    return {
        "users": auth.list_users(be.db),
        "roles": ROLES,
        "policy": inbox_store.sla_policy(be.db, float(be.settings.sla_hours)),
        "accounts": accounts,
        "competitors": list(be.settings.competitors),
        "categories": categories,
        "audit": audit,
        "registry": registry,
        "nav": "settings",
    }


@router.get("/settings", include_in_schema=False)
async def settings_page(request: Request, *, user: SettingsUser) -> Response:
    return page(request, "settings.html", _settings_context(request))


@router.post("/settings/users", include_in_schema=False)
async def add_user(
    request: Request,
    *,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    store_id: Annotated[str, Form()] = "",
    user: SettingsUser,
) -> Response:
    be = backend(request)
    created = auth.create_user(
        be.db,
        username.strip(),
        password,
        role,
        name=name.strip() or None,
        store_id=store_id.strip() or None,
    )
    be.db.audit(user.username, "user.create", created.username, role=role)
    return RedirectResponse("/settings#users", status_code=303)


@router.post("/settings/sla", include_in_schema=False)
async def save_sla(
    request: Request,
    *,
    base_hours: Annotated[str, Form()] = "",
    high: Annotated[str, Form()] = "",
    normal: Annotated[str, Form()] = "",
    low: Annotated[str, Form()] = "",
    user: SettingsUser,
) -> Response:
    be = backend(request)
    current = inbox_store.sla_policy(be.db, float(be.settings.sla_hours))
    try:
        policy = SlaPolicy(
            base_hours=float(base_hours),
            channel_factors=dict(current.channel_factors),
            level_factors={"high": float(high), "normal": float(normal), "low": float(low)},
        )
    except ValueError as exc:
        raise InputError(
            "Every SLA value must be a number of hours or a factor, like 4 or 0.5.",
            field="base_hours",
        ) from exc
    inbox_store.save_sla_policy(be.db, policy)
    be.db.audit(user.username, "sla.update", None, **policy.to_dict())
    return RedirectResponse("/settings#sla", status_code=303)


@router.get("/account", include_in_schema=False)
async def account(request: Request, *, user: AccountUser) -> Response:
    be = backend(request)
    return page(
        request,
        "account.html",
        {"tokens": auth.list_tokens(be.db, user), "new_token": None, "nav": "account"},
    )


@router.post("/account/tokens", include_in_schema=False)
async def new_token(
    request: Request,
    *,
    name: Annotated[str, Form()] = "",
    user: AccountUser,
) -> Response:
    be = backend(request)
    raw = auth.create_token(be.db, user, name)
    be.db.audit(user.username, "token.create", name.strip())
    return page(
        request,
        "account.html",
        {"tokens": auth.list_tokens(be.db, user), "new_token": raw, "nav": "account"},
    )


@router.post("/account/tokens/{token_id}/revoke", include_in_schema=False)
async def revoke(request: Request, *, token_id: int, user: AccountUser) -> Response:
    be = backend(request)
    auth.revoke_token(be.db, user, token_id)
    be.db.audit(user.username, "token.revoke", str(token_id))
    return RedirectResponse("/account", status_code=303)
