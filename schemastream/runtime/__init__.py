"""The schemastream runtime: what generated code imports at run time.

It depends on pydantic (and openai for the client loop) only; the generator's
build-time dependencies are never imported from here.
"""

from ._client import (
    DEFAULT_MAX_IDLE_EVENTS,
    Mode,
    acreate_structured,
    astream_structured,
    create_structured,
    open_text_stream,
    stream_structured,
)
from ._errors import (
    ContentFilterError,
    FinalValidationError,
    IncompleteJSONError,
    JSONParseError,
    LengthLimitError,
    LimitExceededError,
    MalformedChunkError,
    MissingToolCallError,
    RefusalError,
    SchemaStreamError,
    Snapshot,
    StreamError,
    StreamInterruptedError,
    StreamLimitError,
    UnexpectedToolCallError,
)
from ._helpers import StreamHelpers
from ._lazy_classes import DeferredRootModel, LazyClasses
from ._options import OpenAIOptions
from ._package import lazy_exports
from ._parser import (
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_SIZE,
    SnapshotParser,
    aparse_partial,
    parse_partial,
)
from ._partial_model import PartialModel
from ._patches import PatchOperation
from ._schemas import SchemaTable
from ._stream import (
    AsyncPartialStream,
    AsyncTextSource,
    PartialStream,
    StreamSpec,
    TextSource,
    aparse_structured,
    parse_structured,
)
from ._views import SnapshotDict, SnapshotList

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_IDLE_EVENTS",
    "DEFAULT_MAX_SIZE",
    "AsyncPartialStream",
    "AsyncTextSource",
    "ContentFilterError",
    "DeferredRootModel",
    "FinalValidationError",
    "IncompleteJSONError",
    "JSONParseError",
    "LazyClasses",
    "LengthLimitError",
    "LimitExceededError",
    "MalformedChunkError",
    "MissingToolCallError",
    "Mode",
    "OpenAIOptions",
    "PartialModel",
    "PartialStream",
    "PatchOperation",
    "RefusalError",
    "SchemaStreamError",
    "SchemaTable",
    "Snapshot",
    "SnapshotDict",
    "SnapshotList",
    "SnapshotParser",
    "StreamError",
    "StreamHelpers",
    "StreamInterruptedError",
    "StreamLimitError",
    "StreamSpec",
    "TextSource",
    "UnexpectedToolCallError",
    "acreate_structured",
    "aparse_partial",
    "aparse_structured",
    "astream_structured",
    "create_structured",
    "lazy_exports",
    "open_text_stream",
    "parse_partial",
    "parse_structured",
    "stream_structured",
]
