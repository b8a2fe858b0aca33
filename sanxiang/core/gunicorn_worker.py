"""The gunicorn worker ``sanxiang serve`` runs: gunicorn's ``gthread`` worker whose main loop
never waits for a client to hang up.

gunicorn (27) closes a connection it will not keep alive "gracefully", on the worker's main
thread: it sends its end of the connection, then reads until the client closes its own, for up
to 2 seconds. Meanwhile that worker accepts nothing and hands no finished request back, so a
client that reads its answer and keeps the connection open (a phone far away, or anyone on
purpose) stalls every other visitor of the worker for up to 2 s per request. ``sanxiang serve``
answers one request per connection, so this would be every request's close.

Here a connection with nothing more to read from it is closed at once, as every web server
does: the client has sent all it meant to, and nothing would make the kernel reset the
connection under the answer. Only a connection with unread bytes waiting (a request body the
application refused without reading, an upload cut short) gets gunicorn's graceful close, on a
small pool of threads of its own, so the answer reaches the client before the connection
ends, and the main loop goes on.
"""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

# Threads that linger on connections with unread bytes; each waits at most gunicorn's 2 s.
LINGERING = 4


def _unread(sock: socket.socket) -> bool:
    """Whether bytes from the client are waiting to be read (without reading or waiting)."""
    try:
        return bool(sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:  # reset or gone: nothing to linger for
        return False


class Worker(ThreadWorker):  # type: ignore[misc]  # gunicorn ships no type information
    def init_process(self) -> None:
        self._lingering = ThreadPoolExecutor(LINGERING, thread_name_prefix="linger")
        super().init_process()

    def finish_request(self, conn: Any, fs: Any) -> None:
        if not getattr(conn, "_close_off_loop", False):
            conn.close = self._closer(conn, conn.close)
            conn._close_off_loop = True
        super().finish_request(conn, fs)

    def _closer(self, conn: Any, close: Any) -> Any:
        def closing(graceful: bool = False) -> None:
            if graceful and _unread(conn.sock):
                self._lingering.submit(close, graceful=True)
            else:
                close()

        return closing
