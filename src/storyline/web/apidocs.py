"""A self-contained API docs page rendered from the app's own OpenAPI document.

FastAPI's ``/docs`` loads Swagger UI from a CDN; this page is plain server-rendered HTML,
so it works offline and under the app's strict Content-Security-Policy.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from storyline.web.templating import render

router = APIRouter(include_in_schema=False)
_METHODS = ("get", "post", "put", "patch", "delete")


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    spec = request.app.openapi()
    return render(
        request,
        "apidocs.html",
        {},
        spec=spec,
        operations=operations(spec),
        json_url="/openapi.json",
    )


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation in the spec as flat rows a template can list."""
    found = []
    for path, item in spec.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            found.append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [_parameter(p) for p in op.get("parameters", [])],
                    "body": _body(spec, op),
                    "responses": sorted(op.get("responses", {})),
                }
            )
    return found


def _parameter(param: dict[str, Any]) -> dict[str, Any]:
    schema = param.get("schema", {})
    kinds = [s.get("type") for s in schema.get("anyOf", [])] or [schema.get("type")]
    return {
        "name": param.get("name"),
        "where": param.get("in"),
        "type": " or ".join(k for k in kinds if k) or "any",
        "required": param.get("required", False),
        "description": param.get("description") or schema.get("description", ""),
    }


def _body(spec: dict[str, Any], op: dict[str, Any]) -> str | None:
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None
    ref = content.get("schema", {}).get("$ref", "")
    schema = spec.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
    fields = ", ".join(
        f'"{name}": {prop.get("type") or "value"}'
        for name, prop in schema.get("properties", {}).items()
    )
    return "{" + fields + "}"
