"""Sign in and out (rate limited, audited)."""

from __future__ import annotations

import math
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from retailpulse.web import auth
from retailpulse.web.deps import (
    ANON_COOKIE,
    SESSION_COOKIE,
    backend,
    csrf_protect,
    current_user,
    signer,
    unsign_cookie,
)
from retailpulse.web.render import page

router = APIRouter(dependencies=[Depends(csrf_protect)])


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


@router.get("/healthz", include_in_schema=False)
async def healthz() -> dict[str, bool]:
    return {"ok": True}


@router.get("/login", include_in_schema=False)
async def login_form(request: Request, *, next: str = "/") -> Response:
    if current_user(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    anon = unsign_cookie(request, ANON_COOKIE, "anon")
    fresh = None
    if anon is None:
        fresh = secrets.token_urlsafe(24)
        request.state.session_key = None
        request.cookies[ANON_COOKIE] = signer(request, "anon").sign(fresh).decode()
    response = page(request, "login.html", {"next": _safe_next(next), "error": None})
    if fresh is not None:
        response.set_cookie(
            ANON_COOKIE,
            request.cookies[ANON_COOKIE],
            httponly=True,
            samesite="lax",
            secure=_secure(request),
            max_age=3600 * 12,
        )
    return response


@router.post("/login", include_in_schema=False)
async def login(
    request: Request,
    *,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    be = backend(request)
    limiter: auth.LoginLimiter = request.app.state.limiter
    ip = request.client.host if request.client else "?"
    wait = limiter.retry_after(ip, username)
    if wait > 0:
        be.db.audit(username or "?", "login.throttled", ip)
        minutes = max(1, math.ceil(wait / 60))
        return page(
            request,
            "login.html",
            {
                "next": _safe_next(next),
                "error": f"Too many failed sign-ins. Wait {minutes} minute(s) and try again.",
            },
            status=429,
        )
    user = auth.authenticate(be.db, username, password)
    if user is None:
        limiter.failed(ip, username)
        be.db.audit(username or "?", "login.failed", ip)
        return page(
            request, "login.html", {"next": _safe_next(next), "error": "login.failed"}, status=401
        )
    limiter.succeeded(username)
    raw = auth.create_session(be.db, user, ip)
    be.db.audit(user.username, "login", ip)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signer(request, "session").sign(raw).decode(),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=auth.SESSION_DAYS * 86400,
    )
    return response


@router.post("/logout", include_in_schema=False)
async def logout(request: Request) -> Response:
    user = current_user(request)
    raw = unsign_cookie(request, SESSION_COOKIE, "session")
    if raw:
        auth.end_session(backend(request).db, raw)
    if user is not None:
        backend(request).db.audit(user.username, "logout")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
