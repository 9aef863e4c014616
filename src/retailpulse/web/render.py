"""Rendering helpers: one HTML page shape and one JSON envelope for the whole app."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from retailpulse.web.deps import csrf_token, current_user
from retailpulse.web.i18n import LANGUAGES, translate

TEMPLATES_DIR = Path(__file__).parent / "templates"


def _fmt_dt(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _fmt_num(value: Any, digits: int = 0) -> str:
    if value is None:
        return "—"
    if isinstance(value, int | float):
        return f"{value:,.{digits}f}"
    return str(value)


def _fmt_pct(value: Any, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{100 * float(value):.{digits}f}%"


def _fmt_val(value: Any) -> str:
    """A result value for display: floats rounded, big numbers grouped."""
    if isinstance(value, bool) or value is None:
        return "—" if value is None else ("yes" if value else "no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.0f}"
    return str(value)


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.autoescape = True
    env.filters["dt"] = _fmt_dt
    env.filters["num"] = _fmt_num
    env.filters["pct"] = _fmt_pct
    env.filters["val"] = _fmt_val
    return templates


def language_of(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    user = current_user(request)
    return user.language if user is not None and user.language in LANGUAGES else "en"


def page(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    lang = language_of(request)
    ctx: dict[str, Any] = {
        "user": current_user(request),
        "csrf": csrf_token(request),
        "lang": lang,
        "t": lambda key: translate(key, lang),
        "path": request.url.path,
    }
    ctx.update(context or {})
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def ok(data: Any, *, status: int = 200) -> JSONResponse:
    """The success envelope of the JSON API."""
    return JSONResponse({"ok": True, "data": jsonable_encoder(data)}, status_code=status)


def fail(message: str, status: int, errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    """The error envelope of the JSON API."""
    return JSONResponse(
        {"ok": False, "error": message, "errors": jsonable_encoder(errors or []), "status": status},
        status_code=status,
    )
