"""A witness on loopback for the tests: a real HTTP server that hands each request to Sanxiang's
own WSGI application (the view a supervising body's installation serves at
/gongshi/ledger/witness).

The server thread borrows the test's database connection, as Django's live server does for
in-memory SQLite, so the test's transaction (and its rollback) covers the witness's rows too.
Requests are served one at a time while the test waits for the answer.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

from django.db import connections
from django.test import Client


@contextmanager
def witness_server() -> Iterator[str]:
    """Serve until the block ends; yields the witness endpoint's URL."""
    shared = connections["default"]
    ready = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path, _, query = self.path.partition("?")
            response = Client().generic(
                self.command,
                path,
                body,
                content_type="application/json",
                QUERY_STRING=query,
            )
            self.send_response(response.status_code)
            self.send_header("Content-Type", response.get("Content-Type", "application/json"))
            self.send_header("Content-Length", str(len(response.content)))
            self.end_headers()
            self.wfile.write(response.content)

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)

    def serve() -> None:
        connections["default"] = shared
        ready.set()
        server.serve_forever(poll_interval=0.05)

    shared.inc_thread_sharing()
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait()
    try:
        yield f"http://127.0.0.1:{server.server_port}/gongshi/ledger/witness"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        shared.dec_thread_sharing()
