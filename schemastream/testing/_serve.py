"""``schemastream serve --replay FILE``: the replay server in the foreground, for demos and dev."""

from __future__ import annotations

import sys
from pathlib import Path

from ._reply import Flavour
from ._server import ReplayServer

__all__ = ["serve_command"]


def serve_command(
    replay: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    pace: float = 0.02,
    flavour: Flavour = "openai",
) -> int:
    """Serve ``replay`` on ``host:port`` until Ctrl-C; return the process exit code.

    ``pace`` is the delay in seconds between streamed deltas; ``port=0`` picks a free port,
    which the banner shows; ``flavour`` is the server whose streams to imitate. A bad file
    or a port that cannot be bound is one line on stderr and exit code 2.
    """
    try:
        server = ReplayServer(Path(replay), host=host, port=port, pace=pace, flavour=flavour)
    except (OSError, ValueError) as exc:
        print(f"schemastream serve: cannot load {replay}: {exc}", file=sys.stderr)
        return 2
    try:
        server.bind()
    except OSError as exc:
        print(
            f"schemastream serve: cannot serve on {host}:{port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    count = len(server.recording.replies) if server.recording else 0
    print(
        f"Replaying {replay} ({count} replies) at {server.base_url} as {flavour} "
        f"— pace {pace}s per delta. "
        f'Ctrl-C stops.\nPoint a client at it: OpenAI(base_url="{server.base_url}", '
        'api_key="replay")',
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        return 0
    return 0
