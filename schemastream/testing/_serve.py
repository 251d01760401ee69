"""``schemastream serve --replay FILE``: the replay server in the foreground, for demos and dev."""

from __future__ import annotations

import sys
from pathlib import Path

from ._server import ReplayServer

__all__ = ["serve_command"]


def serve_command(
    replay: Path, host: str = "127.0.0.1", port: int = 8000, pace: float = 0.02
) -> int:
    """Serve ``replay`` on ``host:port`` until Ctrl-C; return the process exit code.

    ``pace`` is the delay in seconds between streamed deltas.
    """
    try:
        server = ReplayServer(Path(replay), host=host, port=port, pace=pace)
    except (OSError, ValueError) as exc:
        print(f"schemastream serve: cannot load {replay}: {exc}", file=sys.stderr)
        return 2
    print(
        f"Replaying {replay} ({len(server.recording.replies) if server.recording else 0} "
        f"replies) at http://{host}:{port}/v1 — pace {pace}s per delta. Ctrl-C stops.\n"
        f'Point a client at it: OpenAI(base_url="http://{host}:{port}/v1", api_key="replay")',
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        print(f"schemastream serve: cannot serve on {host}:{port}: {exc}", file=sys.stderr)
        return 1
    return 0
