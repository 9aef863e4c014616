"""One module per page area; each exposes ``router``."""

from __future__ import annotations

from fastapi import APIRouter

from retailpulse.web.routes import (
    alerts,
    api,
    api_docs,
    customers,
    inbox,
    listen,
    login,
    overview,
    settings,
    understand,
)

ROUTERS: tuple[APIRouter, ...] = (
    login.router,
    overview.router,
    listen.router,
    understand.router,
    customers.router,
    inbox.router,
    alerts.router,
    settings.router,
    api.router,
    api_docs.router,
)
