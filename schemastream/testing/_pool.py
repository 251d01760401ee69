"""Connections of the replay server: idle ones wait in one selector, not in a thread each.

A request is answered by one of a bounded number of worker threads; between requests a
keep-alive connection goes back to the selector, so idle clients cost no thread.
"""

from __future__ import annotations

import contextlib
import queue
import selectors
import socket
import threading
import time
import traceback
from typing import Protocol

__all__ = ["Connection", "ConnectionPool"]


class Connection(Protocol):
    """One client connection and the handler that answers its requests one at a time."""

    @property
    def connection(self) -> socket.socket: ...

    def serve_one(self) -> bool:
        """Answer one request; return whether the connection stays open for another."""
        ...

    def pending(self) -> bool:
        """Whether the next request is already waiting (read ahead, or on the socket)."""
        ...

    def finish(self) -> None: ...


class ConnectionPool:
    """Parks idle connections in a selector and hands readable ones to at most ``workers``
    threads; a connection idle for ``idle_timeout`` seconds is closed."""

    def __init__(self, *, workers: int, idle_timeout: float) -> None:
        self._max_workers = workers
        self._idle_timeout = idle_timeout
        self._selector = selectors.DefaultSelector()
        self._wake_read, self._wake_write = socket.socketpair()
        self._wake_read.setblocking(False)
        self._selector.register(self._wake_read, selectors.EVENT_READ, None)
        self._returning: queue.SimpleQueue[Connection] = queue.SimpleQueue()
        self._tasks: queue.SimpleQueue[Connection | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._open: set[Connection] = set()
        self._parked: dict[Connection, float] = {}
        self._workers: list[threading.Thread] = []
        self._idle_workers = 0
        self._closed = False
        self._watcher = threading.Thread(target=self._watch, name="replay-idle", daemon=True)
        self._watcher.start()

    @property
    def threads(self) -> int:
        """Worker threads started so far (at most ``workers``)."""
        return len(self._workers)

    def add(self, connection: Connection) -> None:
        """Take a new connection: it waits for its first request like an idle one."""
        with self._lock:
            if self._closed:
                connection.finish()
                return
            self._open.add(connection)
        self._park(connection)

    def close(self) -> None:
        """Drop every connection, idle or busy, and stop the threads."""
        with self._lock:
            self._closed = True
        self._wake()
        self._watcher.join(5)  # no connection is handed out after this
        with self._lock:
            connections = list(self._open)
            workers = list(self._workers)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.connection.shutdown(socket.SHUT_RDWR)
        for _ in workers:
            self._tasks.put(None)
        for worker in workers:
            worker.join(5)
        for connection in connections:
            self._drop(connection)
        self._selector.close()
        self._wake_read.close()
        self._wake_write.close()

    def _park(self, connection: Connection) -> None:
        self._returning.put(connection)
        self._wake()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_write.send(b"\0")

    def _watch(self) -> None:
        """The one thread idle connections cost: wait until one has a request, or times out."""
        while not self._closed:
            for key, _ in self._selector.select(timeout=1.0):
                if key.data is None:
                    with contextlib.suppress(OSError):
                        self._wake_read.recv(4096)
                    continue
                connection: Connection = key.data
                self._selector.unregister(connection.connection)
                del self._parked[connection]
                self._dispatch(connection)
            while True:
                try:
                    connection = self._returning.get_nowait()
                except queue.Empty:
                    break
                try:
                    self._selector.register(connection.connection, selectors.EVENT_READ, connection)
                except (OSError, ValueError):  # closed meanwhile
                    self._drop(connection)
                    continue
                self._parked[connection] = time.monotonic()
            now = time.monotonic()
            for connection, since in list(self._parked.items()):
                if now - since > self._idle_timeout:
                    self._selector.unregister(connection.connection)
                    del self._parked[connection]
                    self._drop(connection)

    def _dispatch(self, connection: Connection) -> None:
        with self._lock:
            closed = self._closed
            if closed:
                pass
            elif self._idle_workers:
                self._idle_workers -= 1
            elif len(self._workers) < self._max_workers:
                worker = threading.Thread(target=self._work, name="replay-worker", daemon=True)
                self._workers.append(worker)
                worker.start()
        if closed:
            self._drop(connection)
        else:
            self._tasks.put(connection)

    def _work(self) -> None:
        while True:
            connection = self._tasks.get()
            if connection is None:
                return
            try:
                keep = connection.serve_one()
                while keep and not self._closed and connection.pending():
                    keep = connection.serve_one()
            except OSError:
                keep = False  # the client hung up, or the server is closing
            except Exception:
                if not self._closed:  # else: a file closed under a busy worker by close()
                    traceback.print_exc()  # a bug in the server, not in the client
                keep = False
            if keep and not self._closed:
                self._park(connection)
            else:
                self._drop(connection)
            with self._lock:
                self._idle_workers += 1

    def _drop(self, connection: Connection) -> None:
        with self._lock:
            self._open.discard(connection)
        with contextlib.suppress(OSError):
            connection.finish()
        with contextlib.suppress(OSError):
            connection.connection.close()
