// schemastream.js: stream a partial object from a schemastream server into a web page.
//
// The server (schemastream.web.sse_response) sends server-sent events: a `patch` per
// snapshot (JSON Patch operations, plus `append` for a growing string), then `final`
// (the validated object) or `error`. This module reads them with fetch, so any method
// and body work, applies the operations and calls back with the object so far.
// An ES module without dependencies; its types are in schemastream.d.ts.

/** Why a stream failed: the server's `error` event, an HTTP error, or a broken stream. */
export class StreamError extends Error {
  constructor(type, message, { text = "", value = null, status = 0 } = {}) {
    super(message);
    this.name = "StreamError";
    this.type = type; // the server's error class (FinalValidationError...) or the client's
    this.text = text; // the JSON text the model sent, as far as it went
    this.value = value; // the object so far
    this.status = status; // the HTTP status when the request itself failed, else 0
  }
}

/**
 * Request `url` (fetch's options: method, headers, body, signal...) and follow its events.
 * `onUpdate(value, {complete, id, operations})` is called per patch with the object so
 * far (updated in place: copy it to keep a version), then once with the final object
 * and `complete: true`. Resolves to the final object; rejects with a StreamError, or
 * with the AbortError of `signal` (aborting hangs up, and the server hangs up on the model).
 */
export async function streamObject(url, { onUpdate, ...init } = {}) {
  const headers = new Headers(init.headers);
  headers.set("Accept", "text/event-stream");
  const response = await fetch(url, { ...init, headers, cache: "no-store" });
  if (!response.ok) throw await httpError(response);
  const kind = response.headers.get("Content-Type") || "no Content-Type";
  if (!kind.startsWith("text/event-stream")) {
    await response.body?.cancel();
    throw new StreamError("ProtocolError", `expected text/event-stream, got ${kind}`, {
      status: response.status,
    });
  }
  let value = null; // nothing seen yet: the first operation replaces the root
  for await (const event of readEvents(response.body)) {
    if (event.event === "patch") {
      const operations = parseData(event, value);
      try {
        value = applyOperations(value, operations);
      } catch (error) {
        throw new StreamError("PatchError", error.message, { value });
      }
      onUpdate?.(value, { complete: false, id: event.id, operations });
    } else if (event.event === "final") {
      const final = parseData(event, value);
      onUpdate?.(final, { complete: true, id: event.id, operations: [] });
      return final;
    } else if (event.event === "error") {
      const error = parseData(event, value);
      throw new StreamError(String(error.type), String(error.message), {
        text: String(error.text ?? ""),
        value,
      });
    } // other events are for newer clients
  }
  throw new StreamError(
    "StreamInterruptedError",
    "the event stream ended before its final or error event",
    { value },
  );
}

async function httpError(response) {
  let body = null;
  try {
    body = await response.json(); // sse_response's errors: {type, message, text}
  } catch {
    // not JSON: the status says enough
  }
  const type = typeof body?.type === "string" ? body.type : "HTTPError";
  const message =
    typeof body?.message === "string"
      ? body.message
      : `HTTP ${response.status} ${response.statusText}`.trim();
  return new StreamError(type, message, { status: response.status });
}

function parseData(event, value) {
  try {
    return JSON.parse(event.data);
  } catch {
    throw new StreamError("ProtocolError", `event ${event.event} ${event.id}: data is not JSON`, {
      value,
    });
  }
}

/**
 * Apply operations to `value` and return the result (the root itself may be replaced).
 * Containers are changed in place. `add` inserts into an array (`-`: at its end) or sets
 * a key; `replace` sets what exists; `append` extends a string. A path that does not
 * fit the value throws an Error saying which.
 */
export function applyOperations(value, operations) {
  if (!Array.isArray(operations)) throw new Error("operations must be an array");
  for (const operation of operations) value = applyOperation(value, operation);
  return value;
}

function applyOperation(root, operation) {
  const { op, path, value } = operation ?? {};
  if (typeof path !== "string") throw new Error(`${op}: the path must be a string`);
  if (!["add", "replace", "append"].includes(op)) throw new Error(`unknown operation ${op}`);
  if (path === "") return op === "append" ? appended(root, value, path) : value;
  const keys = parsePointer(path);
  const last = keys.pop();
  let parent = root;
  for (const key of keys) parent = child(parent, key, path);
  if (Array.isArray(parent)) {
    const index = last === "-" && op === "add" ? parent.length : arrayIndex(parent, last, path);
    if (op === "add") {
      if (index > parent.length) throw new Error(`add ${path}: past the end of the array`);
      parent.splice(index, 0, value);
    } else {
      if (index >= parent.length) throw new Error(`${op} ${path}: no such item`);
      parent[index] = op === "append" ? appended(parent[index], value, path) : value;
    }
  } else if (isObject(parent)) {
    const exists = Object.hasOwn(parent, last);
    if (op !== "add" && !exists) throw new Error(`${op} ${path}: no such key`);
    const next = op === "append" ? appended(parent[last], value, path) : value;
    // Not `parent[last] = next`: a key named __proto__ would set the object's prototype.
    Object.defineProperty(parent, last, {
      value: next,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    throw new Error(`${op} ${path}: the parent is not an object or array`);
  }
  return root;
}

function parsePointer(path) {
  if (!path.startsWith("/")) throw new Error(`${path}: a JSON pointer starts with /`);
  return path
    .slice(1)
    .split("/")
    .map((key) => key.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function child(parent, key, path) {
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent, key, path);
    if (index >= parent.length) throw new Error(`${path}: no item ${key}`);
    return parent[index];
  }
  if (isObject(parent) && Object.hasOwn(parent, key)) return parent[key];
  throw new Error(`${path}: no ${key}`);
}

function arrayIndex(array, key, path) {
  if (!/^(0|[1-9][0-9]*)$/.test(key)) throw new Error(`${path}: ${key} is not an array index`);
  return Number(key);
}

function appended(text, more, path) {
  if (typeof text !== "string" || typeof more !== "string") {
    throw new Error(`append ${path}: both the value and the addition must be strings`);
  }
  return text + more;
}

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The server-sent events of a response body, as {event, data, id} (WHATWG rules: lines
 * end in LF, CR or CRLF; data lines join with LF; comments and retry are skipped; an
 * event still open when the body ends is dropped). Stopping early cancels the body.
 */
export async function* readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event = "";
  let data = [];
  let id = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done && !buffer.endsWith("\r")) return; // an unfinished line or event is dropped
      buffer += done ? "\n" : value; // at the end, a last CR ends its line
      let start = 0;
      for (;;) {
        const end = lineEnd(buffer, start);
        if (end < 0 || (buffer[end] === "\r" && end + 1 === buffer.length)) break; // CR: maybe CRLF
        const line = buffer.slice(start, end);
        start = end + (buffer[end] === "\r" && buffer[end + 1] === "\n" ? 2 : 1);
        if (line === "") {
          if (data.length) yield { event: event || "message", data: data.join("\n"), id };
          event = "";
          data = [];
        } else if (!line.startsWith(":")) {
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          let text = colon < 0 ? "" : line.slice(colon + 1);
          if (text.startsWith(" ")) text = text.slice(1);
          if (field === "event") event = text;
          else if (field === "data") data.push(text);
          else if (field === "id" && !text.includes("\0")) id = text;
        }
      }
      buffer = buffer.slice(start);
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => {}); // a no-op when the body was read to its end
  }
}

function lineEnd(text, from) {
  const lf = text.indexOf("\n", from);
  const cr = text.indexOf("\r", from);
  if (cr < 0) return lf;
  return lf < 0 ? cr : Math.min(cr, lf);
}
