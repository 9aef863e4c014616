"""Request dependencies: who is asking, may they, and is their form genuine."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from itsdangerous import BadSignature, Signer

from retailpulse.errors import RetailPulseError
from retailpulse.web import auth, csrf
from retailpulse.web.backend import Backend

SESSION_COOKIE = "rp_session"
ANON_COOKIE = "rp_anon"


class LoginRequired(RetailPulseError):
    """No valid session or token."""

    status = 401


class Forbidden(RetailPulseError):
    """Logged in, but the role may not do this."""

    status = 403


def backend(request: Request) -> Backend:
    value: Backend = request.app.state.backend
    return value


def signer(request: Request, salt: str) -> Signer:
    return Signer(request.app.state.secret, salt=salt)


def unsign_cookie(request: Request, name: str, salt: str) -> str | None:
    value = request.cookies.get(name)
    if not value:
        return None
    try:
        return signer(request, salt).unsign(value).decode()
    except BadSignature:
        return None


def current_user(request: Request) -> auth.User | None:
    """The user of this request (bearer token or session cookie), cached on the request."""
    if hasattr(request.state, "user"):
        cached: auth.User | None = request.state.user
        return cached
    db = backend(request).db
    user: auth.User | None = None
    request.state.auth = None
    request.state.session_key = None
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = auth.token_user(db, header[7:].strip())
        if user is not None:
            request.state.auth = "token"
    else:
        raw = unsign_cookie(request, SESSION_COOKIE, "session")
        if raw:
            user = auth.session_user(db, raw)
            if user is not None:
                request.state.auth = "session"
                request.state.session_key = raw
    request.state.user = user
    return user


def require(area: str) -> Callable[[Request], Coroutine[Any, Any, auth.User]]:
    """Dependency: a logged-in user whose role may use ``area``."""

    async def dependency(request: Request) -> auth.User:
        user = current_user(request)
        if user is None:
            raise LoginRequired("Sign in to continue.")
        if not user.can(area):
            raise Forbidden(
                f"Your role '{user.role}' cannot use {area.replace('_', ' ')}. "
                "Ask an admin for access."
            )
        return user

    dependency.area = area  # type: ignore[attr-defined]
    return dependency


def csrf_key(request: Request) -> str:
    """What the CSRF token is bound to: the session, else the anonymous cookie."""
    current_user(request)
    key = request.state.session_key or unsign_cookie(request, ANON_COOKIE, "anon")
    return key or ""


def csrf_token(request: Request) -> str:
    key = csrf_key(request)
    return csrf.make_token(request.app.state.secret, key) if key else ""


async def csrf_protect(request: Request) -> None:
    """Refuse unsafe requests without a valid CSRF token (bearer-token API calls excepted)."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    current_user(request)
    if request.state.auth == "token":
        return
    token = request.headers.get(csrf.HEADER)
    if not token:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(csrf.FIELD)
            token = value if isinstance(value, str) else None
    if not csrf.check_token(request.app.state.secret, csrf_key(request), token):
        raise Forbidden(
            "This form has expired or lacks its security token. Reload the page and try again."
        )


#: The user of a request, checked for one area (use as a parameter's type annotation).
OverviewUser = Annotated[auth.User, Depends(require("overview"))]
ListenUser = Annotated[auth.User, Depends(require("listen"))]
UnderstandUser = Annotated[auth.User, Depends(require("understand"))]
CustomersUser = Annotated[auth.User, Depends(require("customers"))]
InboxUser = Annotated[auth.User, Depends(require("inbox"))]
InboxActor = Annotated[auth.User, Depends(require("inbox_act"))]
AlertsUser = Annotated[auth.User, Depends(require("alerts"))]
SettingsUser = Annotated[auth.User, Depends(require("settings"))]
AccountUser = Annotated[auth.User, Depends(require("account"))]
