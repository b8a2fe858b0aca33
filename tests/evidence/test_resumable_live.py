"""A chunk cut off half-way on the production server (gunicorn): the bytes that arrived are
kept, HEAD says how many, and the upload goes on from there to a whole record (its hash
checked on the record's page)."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import time
from urllib.parse import urlencode

from tests.evidence.conftest import case_opened_by
from tests.evidence.test_live_upload import Session

MB = 1024 * 1024


def test_a_chunk_cut_off_half_way_is_resumed_from_what_arrived(server, instance):
    session = Session(server)
    token = session.csrf("/office/login/")
    login = {"username": "zhangwei", "password": "sanxiang-demo", "csrfmiddlewaretoken": token}
    form_headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"{server}/office/login/",
    }
    assert (
        session.request("POST", "/office/login/", urlencode(login).encode(), form_headers)[0] == 302
    )
    page = session.request("GET", "/office/evidence/upload/")[2]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    officer_id = re.search(r'<option value="(\d+)" selected>', page).group(1)  # type: ignore[union-attr]
    video = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + os.urandom(10 * MB)
    fields = {
        "case_number": case_opened_by(instance, "zhangwei", "擅自占道堆放物料"),
        "kind": "full_video", "collected_at": "2026-03-02T10:30", "location": "示范市人民路",
        "collector": officer_id, "proves": "现场检查全过程", "device": "DSJ-010",
    }  # fmt: skip
    tus = {"Tus-Resumable": "1.0.0", "X-CSRFToken": token,
           "Referer": f"{server}/office/evidence/upload/"}  # fmt: skip
    status, headers, text = session.request(
        "POST",
        "/office/evidence/uploads/",
        urlencode(fields).encode(),
        {**tus, **form_headers, "Upload-Length": str(len(video))},
    )
    assert status == 201, text
    url = headers["Location"]

    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    head = (
        f"PATCH {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in tus.items())
        + "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
        f"Content-Length: {6 * MB}\r\n\r\n"
    ).encode()
    with socket.create_connection((session.host, session.port), timeout=30) as raw:
        raw.sendall(head + video[: 3 * MB])  # half the chunk, then the line drops
    time.sleep(2)
    status, headers, _ = session.request("HEAD", url, headers=tus)
    assert (status, headers["Upload-Offset"]) == (200, str(3 * MB))

    offset = 3 * MB
    while offset < len(video):
        chunk = video[offset : offset + 6 * MB]
        status, headers, text = session.request(
            "PATCH",
            url,
            chunk,
            {
                **tus,
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": str(offset),
            },
        )
        assert status == 204, text
        offset += len(chunk)
    evidence = headers["Sanxiang-Evidence"]
    _, _, page = session.request("GET", evidence)
    assert hashlib.sha256(video).hexdigest() in page
