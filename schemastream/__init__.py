"""schemastream: JSON Schema and OpenAPI to typed, streaming Pydantic code for LLM output."""

from ._version import __version__

__all__ = ["__version__"]
