// Types of schemastream.js: stream a partial object from a schemastream server into a web page.

/** A JSON value, as the events carry it. */
export type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

/** What a snapshot of `T` can be: any key may be missing, strings may still grow. */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? DeepPartial<U>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** One operation of a `patch` event: RFC 6902 `add`/`replace`, or `append` to a string. */
export interface PatchOperation {
  op: "add" | "replace" | "append";
  /** An RFC 6901 JSON pointer; `""` is the whole value. */
  path: string;
  value: JSONValue;
}

/** What `onUpdate` is told with each value. */
export interface Update {
  /** `true` once, with the final, validated object; `false` for every snapshot before. */
  complete: boolean;
  /** The event's `id` (they count from 1). */
  id: string;
  /** The operations this update applied (none for the final object). */
  operations: PatchOperation[];
}

/** fetch's options, and the callback. */
export interface StreamOptions<T = JSONValue> extends RequestInit {
  /**
   * Called with the object so far after each `patch` event (the same object, updated in
   * place: copy it to keep a version), then once with the final object.
   */
  onUpdate?: (value: DeepPartial<T>, update: Update) => void;
}

/**
 * Request `url` and follow its events; resolves to the final object. Rejects with a
 * `StreamError`, or with the `AbortError` of `options.signal`.
 */
export function streamObject<T = JSONValue>(
  url: string | URL | Request,
  options?: StreamOptions<T>,
): Promise<T>;

/** Apply operations to `value` (containers change in place); returns the new root. */
export function applyOperations(value: JSONValue, operations: readonly PatchOperation[]): JSONValue;

/** One server-sent event. `event` is `"message"` when the server named none. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id: string;
}

/** The server-sent events of a response body; stopping early cancels the body. */
export function readEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent, void, undefined>;

/** Why a stream failed: the server's `error` event, an HTTP error, or a broken stream. */
export class StreamError extends Error {
  constructor(
    type: string,
    message: string,
    details?: { text?: string; value?: JSONValue; status?: number },
  );
  readonly name: "StreamError";
  /**
   * The server's error class (`FinalValidationError`, `LengthLimitError`, an openai
   * error for an HTTP status...), or the client's own: `ProtocolError`, `PatchError`,
   * `StreamInterruptedError`, `HTTPError`.
   */
  readonly type: string;
  /** The JSON text the model sent, as far as it went ("" when unknown). */
  readonly text: string;
  /** The object so far (`null` before any patch). */
  readonly value: JSONValue;
  /** The HTTP status when the request itself failed, else 0. */
  readonly status: number;
}
