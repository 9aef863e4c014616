"""API documentation rendered from the OpenAPI schema on our own page (no CDN)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from retailpulse.web.render import page

router = APIRouter()


def endpoints(schema: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {"name": p["name"], "in": p["in"], "required": p.get("required", False)}
                for p in op.get("parameters", [])
            ]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = body.get("schema", {}).get("$ref", "")
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "params": params,
                    "body": ref.rsplit("/", 1)[-1] if ref else None,
                }
            )
    return out


@router.get("/api/docs", include_in_schema=False)
async def docs(request: Request) -> Response:
    schema = request.app.openapi()
    return page(
        request, "api_docs.html", {"schema": schema, "endpoints": endpoints(schema), "nav": "api"}
    )
