"""A phone that loses its connection half-way through an upload leaves nothing behind.

Drives the production server (``sanxiang serve``) over a raw socket: log in as a demo officer,
start a multipart upload, send part of the body and hang up; then the same upload in full.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from tests.evidence.conftest import case_opened_by

BOUNDARY = "----sanxiang-test-boundary"


class Session:
    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers={"Cookie": cookie, **(headers or {})})
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, response.headers, text

    def csrf(self, path: str) -> str:
        _, _, page = self.request("GET", path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)


def multipart(fields: dict[str, str], file_bytes: bytes) -> bytes:
    body = b""
    for name, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        body += f"--{BOUNDARY}\r\n{disposition}\r\n\r\n{value}\r\n".encode()
    body += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="live.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    return body + file_bytes + f"\r\n--{BOUNDARY}--\r\n".encode()


def count_items(instance) -> int:
    code = "from sanxiang.evidence.models import EvidenceItem; print(EvidenceItem.objects.count())"
    output = instance.sanxiang("shell", "--no-imports", "-c", code).stdout
    return int(output.strip().splitlines()[-1])


def files_under(path) -> set[str]:
    return {str(p) for p in path.rglob("*") if p.is_file()} if path.exists() else set()


def test_an_upload_cut_off_half_way_stores_nothing_and_a_full_one_works(server, instance):
    session = Session(server)
    token = session.csrf("/office/login/")
    status, _, _ = session.request(
        "POST",
        "/office/login/",
        urlencode(
            {"username": "zhangwei", "password": "sanxiang-demo", "csrfmiddlewaretoken": token}
        ).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"{server}/office/login/"},
    )
    assert status == 302, "demo officer could not log in"
    token = session.csrf("/office/evidence/upload/")
    officer_id = re.search(
        r'<option value="(\d+)" selected>', session.request("GET", "/office/evidence/upload/")[2]
    )
    assert officer_id
    fields = {
        "csrfmiddlewaretoken": token,
        "case_number": case_opened_by(instance, "zhangwei", "擅自拆除建筑物"),
        "kind": "full_video",
        "collected_at": "2026-03-02T10:30",
        "location": "示范市人民路",
        "collector": officer_id.group(1),
        "proves": "强制拆除全过程",
        "device": "DSJ-009",
    }
    video = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + os.urandom(8 * 1024 * 1024)
    body = multipart(fields, video)
    before_items = count_items(instance)
    before_blobs = files_under(instance.var / "evidence")

    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    head = (
        f"POST /office/evidence/upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
        f"Referer: {server}/office/evidence/upload/\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((session.host, session.port), timeout=30) as raw:
        raw.sendall(head + body[: 1024 * 1024])  # about an eighth of the video, then the line drops
    time.sleep(2)
    assert count_items(instance) == before_items
    assert files_under(instance.var / "evidence") == before_blobs
    assert files_under(instance.var / "tmp") == set(), "the partial upload's temporary file remains"

    status, _, page = session.request(
        "POST",
        "/office/evidence/upload/",
        body,
        {
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Referer": f"{server}/office/evidence/upload/",
        },
    )
    assert status == 302, page[:2000]
    assert count_items(instance) == before_items + 1
    assert instance.sanxiang("ledger", "verify").stdout.startswith("OK size=")
