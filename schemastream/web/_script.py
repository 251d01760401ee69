"""``schemastream.js``, the browser's half: where it is on disk, and a route that serves it.

The module ships inside the package, with its TypeScript declarations beside it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["SCRIPT_PATH", "script_route"]

SCRIPT_PATH = Path(__file__).with_name("schemastream.js")
"""The ES module on disk (``schemastream.d.ts``, its types, is beside it): for a static files
mount or a bundler."""


def script_route(path: str = "/schemastream.js") -> Route:
    """A route that serves ``schemastream.js`` as a JavaScript module.

    Add it to a Starlette app's routes, or to FastAPI's: ``app.routes.append(script_route())``.
    The browser revalidates its copy (``no-cache``, an ``ETag``, ``304 Not Modified``), so
    an upgrade shows at once and an unchanged module costs no bytes.
    """
    body = SCRIPT_PATH.read_bytes()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}

    async def script(request: Request) -> Response:
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="text/javascript", headers=headers)

    return Route(path, script, methods=["GET", "HEAD"], name="schemastream_js")
