"""Test and demo tooling: an OpenAI-compatible replay server, scripted replies, recordings.

A test serves a scripted answer to the real openai client:

    from openai import OpenAI
    from schemastream.testing import ReplayServer, Reply

    with ReplayServer() as server:
        server.enqueue(Reply.of('{"title": "Standup"}'))
        client = OpenAI(base_url=server.base_url, api_key="test")
"""

from ._record import record
from ._reply import FLAVOURS, Flavour, Recording, Reply, split_text
from ._serve import serve_command
from ._server import ReceivedRequest, ReplayServer

__all__ = [
    "FLAVOURS",
    "Flavour",
    "ReceivedRequest",
    "Recording",
    "ReplayServer",
    "Reply",
    "record",
    "serve_command",
    "split_text",
]
