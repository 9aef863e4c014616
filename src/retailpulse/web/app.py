"""The web app factory: ``create_app(settings, workspace=None)``.

Server-rendered pages (Jinja2 + htmx), Vega-Lite charts rendered in the browser by the vendored
vega-embed, and a JSON API under ``/api/v1``. Everything is served from this process: no CDN.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from retailpulse import __version__
from retailpulse.errors import RetailPulseError
from retailpulse.settings import Settings
from retailpulse.store.database import Database
from retailpulse.web.auth import LoginLimiter
from retailpulse.web.backend import Backend
from retailpulse.web.deps import LoginRequired
from retailpulse.web.render import fail, make_templates, page

STATIC_DIR = Path(__file__).parent / "static"

CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)


def _warm(be: Backend) -> None:
    """Fill the caches of the slow aggregates so the first visitors do not wait for them."""
    from retailpulse.web import queries
    from retailpulse.web.routes.overview import compute_numbers

    try:
        be.customer_values()
        be.cached("facets", lambda: queries.facet_values(be.db))
        be.cached("top_spenders", lambda: queries.top_spenders(be.db))
        be.cached("overview", lambda: compute_numbers(be))
    except Exception:  # warming is an optimisation: a failure shows up on the page instead
        return


def create_app(settings: Settings, workspace: Any = None, *, warm: bool = False) -> FastAPI:
    """Build the app over a Workspace (opened on ``settings.database_url`` when not given).

    With ``warm``, a background thread fills the caches of the slow aggregates at start.
    """
    if workspace is None:
        from retailpulse.workspace import open as open_workspace

        workspace = open_workspace(settings=settings)
    db: Database = workspace.db
    app = FastAPI(
        title="retailpulse API",
        version=__version__,
        description="Messages, conversations, customers, segments, questions and alerts. "
        "Authenticate with `Authorization: Bearer <token>` (create tokens in Settings). "
        'Every answer is an envelope: `{"ok": true, "data": ...}` or '
        '`{"ok": false, "error", "errors", "status"}`.',
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.backend = Backend(db=db, settings=settings, workspace=workspace)
    app.state.secret = db.secret(settings.secret_key)
    app.state.templates = make_templates()
    app.state.limiter = LoginLimiter()
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    _install_error_handlers(app)
    if warm:
        threading.Thread(target=_warm, args=(app.state.backend,), daemon=True).start()

    from retailpulse.web.routes import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RetailPulseError)
    async def on_error(request: Request, exc: RetailPulseError) -> Response:
        if _wants_json(request):
            return fail(exc.message, exc.status, exc.details)
        if isinstance(exc, LoginRequired):
            target = request.url.path
            if request.url.query:
                target += "?" + request.url.query
            if request.headers.get("hx-request") == "true":
                return Response(status_code=401, headers={"HX-Redirect": "/login"})
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return page(
            request, "error.html", {"status": exc.status, "message": exc.message}, status=exc.status
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        message = (
            "Nothing here. Check the address or go back to the overview."
            if (exc.status_code == 404)
            else str(exc.detail)
        )
        if _wants_json(request):
            return fail(message, exc.status_code)
        return page(
            request,
            "error.html",
            {"status": exc.status_code, "message": message},
            status=exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": e.get("msg")}
            for e in exc.errors()
        ]
        message = "Some parameters are invalid: " + "; ".join(
            f"{e['field']}: {e['message']}" for e in errors
        )
        if _wants_json(request):
            return fail(message, 400, errors)
        return page(request, "error.html", {"status": 400, "message": message}, status=400)
