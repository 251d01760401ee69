"""The example page in headless Chromium, and schemastream.js's own tests in the same browser.

The example app (``examples/web/app.py``) relays the replay server's answers; Playwright
drives Debian's chromium. The page must end on the final model, show the states before
it, show an error event, and hang up on the model when the tab closes or Stop is pressed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hatchling.builders.wheel import WheelBuilder
from openai import AsyncOpenAI
from playwright.sync_api import Browser, Page

from examples.web.app import create_app
from schemastream.testing import Recording, ReplayServer, Reply
from schemastream.web import SCRIPT_PATH

from ..runtime._json_checks import is_prefix
from ._live import LiveServer, wait_for

ROOT = Path(__file__).resolve().parents[2]
MEETING = Recording.load(ROOT / "examples" / "meeting" / "replay.json").replies[0]
FINAL = json.loads(MEETING.text)  # every field is required: the JSON is the model's dump

# Every text the page puts in <pre id="state">, in order (a text node per assignment).
RECORD_STATES = """
window.states = [];
document.addEventListener("DOMContentLoaded", () => {
  new MutationObserver((records) => {
    for (const record of records)
      for (const node of record.addedNodes) if (node.nodeType === 3) window.states.push(node.data);
  }).observe(document.getElementById("state"), { childList: true });
});
"""


@pytest.fixture(scope="module")
def demo(replay: ReplayServer) -> Iterator[str]:
    client = AsyncOpenAI(base_url=replay.base_url, api_key="test", max_retries=0)
    with LiveServer(create_app(client, model="m")) as server:
        yield server.url


@pytest.fixture
def page(browser: Browser, demo: str) -> Iterator[Page]:
    """A tab of its own on the example page, recording the states it shows."""
    context = browser.new_context()
    tab = context.new_page()
    tab.add_init_script(RECORD_STATES)
    tab.goto(demo)
    yield tab
    context.close()


@pytest.fixture(scope="module")
def scratch(browser: Browser, demo: str) -> Iterator[Page]:
    """One tab on the demo's origin, for the module's own tests (it imports the module)."""
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(demo)
    yield tab
    context.close()


def test_the_page_renders_the_meeting_as_it_streams(replay: ReplayServer, page: Page) -> None:
    replay.enqueue(MEETING)  # unpaced: the page still renders each event it gets
    page.click("#extract")
    page.wait_for_selector("#state[data-complete=true]", timeout=10_000)
    assert json.loads(page.text_content("#state") or "") == FINAL
    states = [json.loads(text) for text in page.evaluate("window.states")[1:]]  # after "null"
    *streamed, final = states
    assert final == FINAL
    assert streamed[-1] == FINAL  # the patches alone built it, before the final event came
    assert len(streamed) > 40, "the page skipped the states in between"
    assert all(is_prefix(state, FINAL) for state in streamed)
    counts = [len(state.get("users", [])) for state in streamed]
    assert counts == sorted(counts) and counts[0] == 0 and counts[-1] == 4  # one by one
    users = page.locator("#users li").all_text_contents()
    assert [u.split()[:2] for u in users] == [u["name"].split() for u in FINAL["users"]]
    assert page.text_content("#budget") == "1800"
    assert "complete" in (page.text_content("#status") or "")


def test_an_error_event_shows_in_the_page(replay: ReplayServer, page: Page) -> None:
    cut = MEETING.text[:200]
    replay.enqueue(Reply.of(cut, finish="length"))
    page.click("#extract")
    page.wait_for_selector("#error:not(:empty)", timeout=10_000)
    assert (page.text_content("#error") or "").startswith("LengthLimitError: ")
    assert page.get_attribute("#state", "data-complete") is None
    assert is_prefix(json.loads(page.text_content("#state") or ""), FINAL)
    assert page.text_content("#status") == "failed"


@pytest.mark.parametrize("leave", ["close the tab", "press Stop"])
def test_leaving_hangs_up_on_the_model(replay: ReplayServer, page: Page, leave: str) -> None:
    before, completed = replay.disconnects, replay.completed
    replay.enqueue(Reply(deltas=MEETING.deltas, delay=0.015))  # about three seconds in all
    page.click("#extract")
    page.wait_for_function("window.states.length > 3")
    if leave == "close the tab":
        page.close()
    else:
        page.click("#stop")
        page.wait_for_selector("#status:text('stopped')")
    assert wait_for(lambda: replay.disconnects == before + 1), "the model was not hung up on"
    assert replay.completed == completed


def run_module(page: Page, body: str) -> Any:
    """Run ``body`` (a function body that may await) with schemastream.js imported as ``m``."""
    return page.evaluate(f"async () => {{ const m = await import('/schemastream.js'); {body} }}")


def test_apply_operations(scratch: Page) -> None:
    operations = [
        {"op": "replace", "path": "", "value": {}},
        {"op": "add", "path": "/a", "value": []},
        {"op": "add", "path": "/a/0", "value": "x"},
        {"op": "append", "path": "/a/0", "value": "yz"},
        {"op": "add", "path": "/a/-", "value": 1},
        {"op": "add", "path": "/a/0", "value": None},
        {"op": "replace", "path": "/a/2", "value": 2},
        {"op": "add", "path": "/a~1b~0c", "value": {"deep": ""}},
        {"op": "append", "path": "/a~1b~0c/deep", "value": "é"},
        {"op": "add", "path": "/__proto__", "value": {"polluted": True}},
    ]
    result = run_module(
        scratch,
        f"""const value = m.applyOperations(null, {json.dumps(operations)});
        return [JSON.stringify(value), Object.getPrototypeOf(value) === Object.prototype,
                ({{}}).polluted === undefined, value.polluted === undefined,
                m.applyOperations("ab", [{{op: "append", path: "", value: "c"}}])];""",
    )
    text, prototype_kept, nothing_polluted, no_inherited_key, root_appended = result
    assert json.loads(text) == {
        "a": [None, "xyz", 2],
        "a/b~c": {"deep": "é"},
        "__proto__": {"polluted": True},  # an own key, as JSON.parse makes it
    }
    assert prototype_kept and nothing_polluted and no_inherited_key
    assert root_appended == "abc"


REFUSED = [
    ({"a": 1}, {"op": "replace", "path": "/b", "value": 2}, "replace /b: no such key"),
    ({"a": 1}, {"op": "append", "path": "/a", "value": "x"}, "must be strings"),
    ([1], {"op": "add", "path": "/2", "value": 0}, "past the end"),
    ([1, 2], {"op": "replace", "path": "/01", "value": 0}, "01 is not an array index"),
    ([1, 2], {"op": "replace", "path": "/2", "value": 0}, "replace /2: no such item"),
    ({"a": 1}, {"op": "add", "path": "a", "value": 0}, "starts with /"),
    ({"a": 1}, {"op": "move", "path": "/a", "value": 0}, "unknown operation move"),
    ({"a": 1}, {"op": "add", "path": "/a/b", "value": 0}, "not an object or array"),
    ({"a": {}}, {"op": "add", "path": "/x/y", "value": 0}, "/x/y: no x"),
    ({}, {"op": "add", "path": 7, "value": 0}, "path must be a string"),
]


def test_apply_operations_refuses_what_does_not_fit(scratch: Page) -> None:
    cases = [[value, operation] for value, operation, _ in REFUSED]
    errors = run_module(
        scratch,
        f"""return {json.dumps(cases)}.map(([value, operation]) => {{
          try {{ m.applyOperations(value, [operation]); return null; }}
          catch (error) {{ return error.message; }} }});""",
    )
    for (_, operation, message), error in zip(REFUSED, errors, strict=True):
        assert error is not None and message in error, operation


def test_read_events_follows_the_whatwg_rules(scratch: Page) -> None:
    # Chunks cut inside a CRLF, inside a two-byte character, with a BOM and a comment.
    chunks = [
        b"\xef\xbb\xbfdata: a\r",
        b"\ndata: b\n\n: a comment\nevent: patch\n",
        b"id: 7\ndata: [1]\r\rdata:no space\ndata\n\nevent: x\ndata: \xc3",
        b"\x9f\n\nretry: 10\ndata: cut off",
    ]
    events = run_module(
        scratch,
        f"""const chunks = {json.dumps([list(c) for c in chunks])};
        const body = new ReadableStream({{
          start(controller) {{
            for (const c of chunks) controller.enqueue(new Uint8Array(c));
            controller.close();
          }} }});
        const events = [];
        for await (const event of m.readEvents(body)) events.push(event);
        return events;""",
    )
    assert events == [
        {"event": "message", "data": "a\nb", "id": ""},
        {"event": "patch", "data": "[1]", "id": "7"},
        {"event": "message", "data": "no space\n", "id": "7"},
        {"event": "x", "data": "ß", "id": "7"},
    ]
    ended_by_cr = run_module(
        scratch,
        """const body = new Blob(["data: last\\r\\r"]).stream();
        const events = [];
        for await (const event of m.readEvents(body)) events.push(event.data);
        return events;""",
    )
    assert ended_by_cr == ["last"]


def stream_error(page: Page, url: str, options: str = "{}") -> Any:
    return run_module(
        page,
        f"""try {{ await m.streamObject({json.dumps(url)}, {options}); return null; }}
        catch (e) {{ return {{name: e.name, type: e.type, status: e.status, message: e.message,
                             isStreamError: e instanceof m.StreamError}}; }}""",
    )


def test_stream_object_rejects_with_typed_errors(replay: ReplayServer, scratch: Page) -> None:
    replay.enqueue(Reply.http_error(500, "the model is down"))
    post = """{method: "POST", headers: {"Content-Type": "application/json"},
               body: JSON.stringify({email: "hi"})}"""
    api = stream_error(scratch, "/meeting", post)
    assert api["isStreamError"] and api["name"] == "StreamError"
    assert (api["type"], api["status"]) == ("InternalServerError", 502)
    assert "the model is down" in api["message"]
    invalid = stream_error(scratch, "/meeting", post.replace('"hi"', '""'))
    assert (invalid["type"], invalid["status"]) == ("HTTPError", 422)
    not_events = stream_error(scratch, "/")
    assert not_events["type"] == "ProtocolError" and "text/html" in not_events["message"]


def test_the_declarations_name_every_export() -> None:
    script = SCRIPT_PATH.read_text(encoding="utf-8")
    declarations = SCRIPT_PATH.with_suffix(".d.ts").read_text(encoding="utf-8")
    exported = re.compile(r"^export (?:async )?(?:function\*? |class )(\w+)", re.MULTILINE)
    names = sorted(exported.findall(script))
    assert names == ["StreamError", "applyOperations", "readEvents", "streamObject"]
    assert sorted(exported.findall(declarations)) == names


def test_the_wheel_ships_the_module_and_its_types() -> None:
    shipped = {f.distribution_path for f in WheelBuilder(str(ROOT)).recurse_included_files()}
    assert {"schemastream/web/schemastream.js", "schemastream/web/schemastream.d.ts"} <= shipped
