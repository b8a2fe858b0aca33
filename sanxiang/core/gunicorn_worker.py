"""The gunicorn worker ``sanxiang serve`` runs: gunicorn's ``gthread`` worker whose main loop
never waits for a client to hang up.

gunicorn (26, 27) closes a connection it will not keep alive "gracefully", on the worker's main
thread: it sends its end of the connection, then reads until the client closes its own, for up
to 2 seconds. Meanwhile that worker accepts nothing and hands no finished request back, so a
client that reads its answer and keeps the connection open (a phone far away, or anyone on
purpose) stalls every other visitor of the worker for up to 2 s per request. ``sanxiang serve``
answers one request per connection, so this would be every request's close.

Here a connection is closed at once when its request had no body left unread and no bytes
wait on it: the client has nothing more to send, so closing cannot make the kernel reset the
connection under the answer. A connection whose request body was not read to its end (the
application refused it first, it is still arriving, it came in chunks) or that has bytes
waiting gets gunicorn's graceful close on a small pool of threads of its own, so the answer
reaches the client before the connection ends, and the main loop goes on. At most
``LINGERING_MAX`` such closes wait at a time; past that a connection is closed at once, so a
client that sends bodies and never hangs up cannot pile up open connections.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

# Threads that linger on connections that may have more to read; each waits at most 2 s.
LINGERING_THREADS = 4
# Lingering closes queued or running at once, at most; past that a connection closes at once.
LINGERING_MAX = 64


def _body_left(conn: Any) -> bool:
    """Whether the connection's last request may have body bytes the application did not read:
    a declared length not read to its end, or a chunked body (its end is not known)."""
    request = getattr(getattr(conn, "parser", None), "mesg", None)
    reader = getattr(getattr(request, "body", None), "reader", None)
    if reader is None:
        return False
    left = getattr(reader, "length", None)
    return left is None or left > 0


def _bytes_waiting(sock: socket.socket) -> bool:
    """Whether bytes from the client wait to be read (looked at, not read; never waits)."""
    try:
        sock.setblocking(False)  # a socket timeout would make even MSG_DONTWAIT wait
        return bool(sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
    except (OSError, ValueError):  # nothing waiting, reset, gone, or a TLS socket
        return False


class Worker(ThreadWorker):  # type: ignore[misc]  # gunicorn ships no type information
    def init_process(self) -> None:
        self._lingering = ThreadPoolExecutor(LINGERING_THREADS, thread_name_prefix="linger")
        self._lingering_room = threading.BoundedSemaphore(LINGERING_MAX)
        super().init_process()

    def finish_request(self, conn: Any, fs: Any) -> None:
        if "close" not in vars(conn):
            conn.close = self._closer(conn, conn.close)
        super().finish_request(conn, fs)

    def _closer(self, conn: Any, close: Callable[..., None]) -> Callable[..., None]:
        def closing(graceful: bool = False) -> None:
            vars(conn).pop("close", None)  # no cycle left between the connection and this
            room = self._lingering_room
            if (
                graceful
                and (_body_left(conn) or _bytes_waiting(conn.sock))
                and room.acquire(blocking=False)
            ):
                try:
                    future = self._lingering.submit(close, graceful=True)
                except RuntimeError:  # the pool is shut down: the worker is exiting
                    room.release()
                    close()
                else:
                    future.add_done_callback(lambda _: room.release())
            else:
                close()

        return closing
