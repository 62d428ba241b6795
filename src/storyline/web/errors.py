"""One error path for the whole app: the JSON shape for the API, a page for browsers.

Every API error is ``{"ok": false, "error": str, "errors": [str], "status": int}``
(datasette's shape); ``tests/web/test_errors.py`` holds the app to it. The handler picks
JSON for ``/api/...``, ``*.json`` and ``*.atom`` paths and for clients that ask for JSON,
and an HTML page otherwise.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from storyline.errors import (
    BlockedError,
    ConfigError,
    FeedError,
    FetchError,
    InputError,
    NotFoundError,
    StoreError,
    StorylineError,
)
from storyline.web.security import ForbiddenError

log = logging.getLogger(__name__)

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["ok", "error", "errors", "status"],
    "properties": {
        "ok": {"type": "boolean", "const": False},
        "error": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "string"}},
        "status": {"type": "integer"},
    },
}


def error_body(message: str, status: int, errors: list[str] | None = None) -> dict[str, Any]:
    """The one JSON error shape."""
    return {"ok": False, "error": message, "errors": errors or [message], "status": status}


def status_for(exc: StorylineError) -> int:
    """The HTTP status that tells a client what kind of mistake this was."""
    if isinstance(exc, ForbiddenError):
        return exc.status
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, (BlockedError, InputError, FeedError)):
        return 400
    if isinstance(exc, FetchError):
        return 502
    if isinstance(exc, (StoreError, ConfigError)):
        return 503
    return 400


def wants_json(request: Request) -> bool:
    """API paths, .json/.atom twins, and clients whose Accept prefers JSON get JSON errors."""
    path = request.url.path
    if path.startswith("/api/") or path == "/api" or path.endswith((".json", ".atom")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(
    request: Request, message: str, status: int, errors: list[str] | None = None
) -> Response:
    """Answer with the JSON shape or the HTML error page, as the request wants."""
    if wants_json(request):
        return JSONResponse(error_body(message, status, errors), status_code=status)
    templates = request.app.state.templates
    try:
        page: Response = templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "message": message, "errors": errors or []},
            status_code=status,
        )
        return page
    except Exception:  # the error page itself must never fail the error path
        log.exception("error page failed")
        return HTMLResponse(f"<h1>{status}</h1>", status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception through ``error_response``."""

    @app.exception_handler(StorylineError)
    async def _storyline(request: Request, exc: StorylineError) -> Response:
        return error_response(request, str(exc), status_for(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}; see /api/docs for the API"
        response = error_response(request, message, exc.status_code)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [_describe(e) for e in exc.errors()]
        return error_response(request, "invalid request: " + "; ".join(errors), 400, errors)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return error_response(request, "internal error; see the server log", 500)


def _describe(error: Any) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg"))
