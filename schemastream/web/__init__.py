"""Stream a partial object into a web page: server-sent events of JSON patches, and the script.

Needs the ``web`` extra (``pip install 'schemastream[web]'``, Starlette); mounts in FastAPI
as it is. The runtime never imports it.
"""

from ._response import DEFAULT_PING_INTERVAL, EventStreamResponse, sse_response, upstream_error
from ._script import SCRIPT_PATH, script_route

__all__ = [
    "DEFAULT_PING_INTERVAL",
    "SCRIPT_PATH",
    "EventStreamResponse",
    "script_route",
    "sse_response",
    "upstream_error",
]
