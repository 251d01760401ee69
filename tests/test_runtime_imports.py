"""Run time never needs the build-time stack or the web extra: importing generated code stays
off them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD_TIME = ("datamodel_code_generator", "jinja2", "ruff", "yaml", "schemastream.generator")
# The web extra (and what only it brings) stays off the runtime path too.
WEB = ("starlette", "fastapi", "uvicorn", "schemastream.web")

PROBE = """
import json, sys
import schemastream.runtime
import examples.meeting.meeting_models as package
from examples.meeting.meeting_models import models, partial, stream
assert package.PartialMeetingInfo is partial.PartialMeetingInfo
import examples.from_pydantic.meeting_stream as from_classes  # generated from user classes
assert from_classes.MEETING_INFO_SPEC.partial is from_classes.PartialMeetingInfo
loaded = sorted({name.split(".")[0] for name in sys.modules} | set(sys.modules))
print(json.dumps(loaded))
"""


def test_runtime_and_generated_package_import_without_build_time_dependencies() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout))
    assert "schemastream.runtime" in loaded
    assert "pydantic" in loaded
    assert sorted(loaded & set(BUILD_TIME)) == []
    assert sorted(loaded & set(WEB)) == []
