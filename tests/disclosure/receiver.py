"""A small receiving platform for the push tests: a real HTTP server on loopback that checks
each request the way docs/operations/push.md tells a provincial platform to, and records it.

It verifies independently of Sanxiang's own code (the ``cryptography`` package directly), with
the public key the portal publishes at /gongshi/ledger/checkpoint.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    valid: bool
    problem: str
    status: int

    @property
    def payload(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


@dataclass
class Receiver:
    public_key_pem: str
    secret: str = ""
    fail_next: int = 0  # answer 500 to this many requests (before checking anything)
    delay: float = 0.0  # seconds to wait before answering (to make the sender time out)
    received: list[Received] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # delivery keys already accepted
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/api/gongshi/receive"

    def key_id(self) -> str:
        lines = self.public_key_pem.strip().splitlines()
        body = "".join(line for line in lines if "-----" not in line)
        return hashlib.sha256(base64.b64decode(body)).hexdigest()

    def check(self, headers: dict[str, str], body: bytes) -> str:
        """Why the request is not authentic, or "" if it is."""
        if headers.get("x-sanxiang-signature-algorithm") != "ed25519":
            return "algorithm"
        if headers.get("x-sanxiang-key-id") != self.key_id():
            return "unknown key"
        if hashlib.sha256(body).hexdigest() != headers.get("x-sanxiang-content-sha256"):
            return "digest"
        key = serialization.load_pem_public_key(self.public_key_pem.encode("ascii"))
        assert isinstance(key, Ed25519PublicKey)
        try:
            key.verify(base64.b64decode(headers.get("x-sanxiang-signature", "")), body)
        except (InvalidSignature, ValueError):
            return "signature"
        if json.loads(body)["delivery"] != headers.get("idempotency-key"):
            return "key mismatch"
        if self.secret:
            message = headers.get("x-sanxiang-timestamp", "").encode("ascii") + b"\n" + body
            expected = hmac.new(self.secret.encode(), message, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, headers.get("x-sanxiang-hmac-sha256", "")):
                return "hmac"
        return ""

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if self.delay:
            time.sleep(self.delay)
        if self.fail_next > 0:
            self.fail_next -= 1
            status, problem, valid = 500, "told to fail", False
        else:
            problem = self.check(headers, body)
            valid = not problem
            status = 200 if valid else 401
        self.received.append(Received(headers, body, valid, problem, status))
        if valid:
            duplicate = headers["idempotency-key"] in self.seen
            self.seen.add(headers["idempotency-key"])
            return status, json.dumps({"code": 0, "duplicate": duplicate}).encode()
        return status, json.dumps({"code": status, "msg": problem}).encode()

    def __enter__(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, answer = receiver.handle(headers, body)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):  # the sender timed out
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()
