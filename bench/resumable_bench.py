"""Resumable (chunked, tus 1.0) evidence upload against the one-shot form upload, same run.

Both go through the production server (``sanxiang serve``, gunicorn, one worker) on loopback,
logged in as the demo officer 张伟, each with its own file of the same size (so that neither is
a duplicate of the other) and a fresh server (so that each peak RSS is its own):

- baseline: the upload form posted once (multipart, ``HashingUploadHandler``);
- ours: the same metadata, then the file in 5 MiB PATCH chunks (what the page sends).

Prints MiB/s of each, their ratio, and the peak RSS (VmHWM) of the server's worker process:
it must stay flat whatever the file's size. The client streams from disk in both cases.

Run: ``.venv/bin/python bench/resumable_bench.py [--mib 512] [--chunk-mib 5]``

``--s3``: the evidence store is a SeaweedFS bucket with Object Lock (``weed mini`` started here,
on the fixed ports the tests use, under their lock), and the bench times each PATCH of the
resumable upload, in two legs with a file of the same size each:

- baseline: the last PATCH registers the file itself (``SANXIANG_QUEUE=off``, as before): the
  whole recording goes to the bucket inside that request;
- ours: the last PATCH leaves the registration to background work (the web process's worker
  thread here) and the client asks with GET every second until the evidence is there.

It prints the completing PATCH's time in both legs against the median of the other PATCHes, and
in ours the time from the last byte to the registered evidence. Run it with ``--mib 200`` and
``--mib 1024``.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

os.environ.setdefault("SANXIANG_VAR", tempfile.mkdtemp(prefix="sanxiang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")

import django

django.setup()

from django.core.management import call_command

from sanxiang.cases.models import evidence_reference
from sanxiang.cases.services import NewCase, case_open
from sanxiang.cluster.seaweed import create_locked_bucket
from sanxiang.org.models import Officer

BLOCK = 1024 * 1024
BOUNDARY = "----sanxiang-bench"


class Client:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: Any = None, headers: Any = None, length: Any = None
    ) -> tuple[int, Any, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        all_headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        all_headers.update(headers or {})
        if length is not None:
            all_headers["Content-Length"] = str(length)
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, response.headers, text

    def log_in(self) -> str:
        page = self.request("GET", "/office/login/")[2]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        form = {"username": "zhangwei", "password": "sanxiang-demo", "csrfmiddlewaretoken": token}
        status, _, _ = self.request(
            "POST", "/office/login/", urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base("/office/login/")},
        )  # fmt: skip
        assert status == 302, "could not log in"
        page = self.request("GET", "/office/evidence/upload/")[2]
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    def base(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def server(port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    sanxiang = str(Path(sys.executable).with_name("sanxiang"))
    process = subprocess.Popen(
        [sanxiang, "serve", "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})},
    )  # fmt: skip
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


def worker_peak_rss_mib(master: int) -> float:
    """The largest VmHWM (peak resident set) among the gunicorn master's children, in MiB."""
    peak = 0.0
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
    return peak


def make_file(path: Path, mib: int) -> None:
    with path.open("wb") as handle:
        handle.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00")
        handle.write(os.urandom(BLOCK))  # different for each file: no duplicate blob
        block = os.urandom(BLOCK)
        for _ in range(mib - 1):
            handle.write(block)


def fields(officer: Officer, case_number: str, token: str) -> dict[str, str]:
    return {
        "csrfmiddlewaretoken": token, "case_number": case_number, "kind": "full_video",
        "collected_at": "2026-03-02T10:30", "location": "示范市人民路", "collector": str(officer.pk),
        "proves": "基准测试", "device": "bench",
    }  # fmt: skip


def one_shot(client: Client, path: Path, form: dict[str, str]) -> None:
    head = b""
    for name, value in form.items():
        head += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="bench.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        with path.open("rb") as handle:
            while block := handle.read(BLOCK):
                yield block
        yield tail

    status, _, text = client.request(
        "POST", "/office/evidence/upload/", body(),
        {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
         "Referer": client.base("/office/evidence/upload/")},
        length=len(head) + path.stat().st_size + len(tail),
    )  # fmt: skip
    assert status == 302, text[:500]


def resumable(
    client: Client, path: Path, form: dict[str, str], chunk: int, times: list[float] | None = None
) -> float:
    """Send the file; the seconds from the last PATCH's answer to the registered evidence."""
    tus = {"Tus-Resumable": "1.0.0", "X-CSRFToken": form["csrfmiddlewaretoken"],
           "Referer": client.base("/office/evidence/upload/")}  # fmt: skip
    size = path.stat().st_size
    status, headers, text = client.request(
        "POST", "/office/evidence/uploads/", urlencode(form).encode(),
        {**tus, "Content-Type": "application/x-www-form-urlencoded", "Upload-Length": str(size)},
    )  # fmt: skip
    assert status == 201, text
    url = headers["Location"]
    offset = 0
    with path.open("rb") as handle:
        while offset < size:
            data = handle.read(chunk)
            began = time.perf_counter()
            status, headers, text = client.request(
                "PATCH", url, data,
                {**tus, "Content-Type": "application/offset+octet-stream",
                 "Upload-Offset": str(offset)},
            )  # fmt: skip
            assert status == 204, text
            if times is not None:
                times.append(time.perf_counter() - began)
            offset += len(data)
    answered = time.perf_counter()
    while not headers.get("Sanxiang-Evidence"):
        assert headers.get("Sanxiang-Registering"), f"the upload did not become evidence: {text}"
        time.sleep(1)
        status, headers, text = client.request("HEAD", url, None, tus)
        assert status == 200, text
    return time.perf_counter() - answered


S3_KEY, S3_SECRET, S3_ENDPOINT, S3_BUCKET = (
    "sanxiang-bench", "sanxiang-bench-secret", "http://127.0.0.1:8333", "evidence"
)  # fmt: skip


@contextlib.contextmanager
def seaweedfs() -> Iterator[None]:
    """``weed mini`` with an Object Lock bucket, on the tests' fixed ports and under their lock;
    the evidence store of the servers started after it (environment)."""
    import boto3

    lock = (Path(tempfile.gettempdir()) / "sanxiang-seaweedfs.lock").open("w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    data = Path(tempfile.mkdtemp(prefix="sanxiang-bench-weed-"))
    weed = Path(sys.executable).with_name("weed")
    process = subprocess.Popen(
        [str(weed), "mini", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
         "-admin.ui=false", "-master.telemetry=false"],
        env={**os.environ, "AWS_ACCESS_KEY_ID": S3_KEY, "AWS_SECRET_ACCESS_KEY": S3_SECRET},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        s3 = boto3.client(
            "s3", endpoint_url=S3_ENDPOINT, aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_SECRET, region_name="us-east-1",
        )  # fmt: skip
        for _ in range(180):
            try:
                s3.list_buckets()
                break
            except Exception:
                time.sleep(0.5)
        create_locked_bucket(s3, S3_BUCKET)
        os.environ.update(
            SANXIANG_EVIDENCE_S3_BUCKET=S3_BUCKET, SANXIANG_EVIDENCE_S3_ENDPOINT=S3_ENDPOINT,
            SANXIANG_EVIDENCE_S3_REGION="us-east-1", SANXIANG_EVIDENCE_S3_ACCESS_KEY=S3_KEY,
            SANXIANG_EVIDENCE_S3_SECRET_KEY=S3_SECRET,
        )  # fmt: skip
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        shutil.rmtree(data, ignore_errors=True)
        lock.close()


def s3_main(args: argparse.Namespace, officer: Officer, case_number: str, work: Path) -> None:
    """The resumable upload into the bucket: how long the completing PATCH takes."""
    port = 18500 + os.getpid() % 400
    legs = {"baseline: registered by the last PATCH": "off", "ours: background work": "thread"}
    last: dict[str, float] = {}
    print(f"file: {args.mib} MiB to S3 (SeaweedFS, Object Lock), {args.chunk_mib} MiB PATCHes, "
          "gunicorn 1 worker on loopback")  # fmt: skip
    with seaweedfs():
        for name, queue in legs.items():
            path = work / f"s3-{queue}.mp4"
            make_file(path, args.mib)
            process = None
            try:
                process = server(port, {"SANXIANG_QUEUE": queue})
                client = Client(port)
                form = fields(officer, case_number, client.log_in())
                times: list[float] = []
                began = time.perf_counter()
                waited = resumable(client, path, form, args.chunk_mib * BLOCK, times)
                seconds = time.perf_counter() - began
                rss = worker_peak_rss_mib(process.pid)
            finally:
                if process is not None:
                    process.terminate()
                    process.wait(timeout=60)
                path.unlink()
            last[name] = times[-1]
            print(f"{name}: completing PATCH {times[-1]:,.2f} s, median other PATCH "
                  f"{statistics.median(times[:-1]):,.3f} s, {len(times)} PATCHes; "
                  f"last byte to evidence {times[-1] + waited:,.1f} s; whole upload "
                  f"{seconds:,.1f} s ({args.mib / seconds:,.1f} MiB/s); "
                  f"server worker peak RSS {rss:,.0f} MiB")  # fmt: skip
    (base, ours) = last.values()
    print(f"ratio completing PATCH ours/baseline: {ours / base:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=512)
    parser.add_argument("--chunk-mib", type=int, default=5)
    parser.add_argument("--s3", action="store_true", help="evidence in SeaweedFS (see above)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", "--noinput", verbosity=0)
    officer = Officer.objects.get(user__username="zhangwei")
    category = officer.certificates.latest("pk").categories.order_by("pk").first()
    assert category is not None
    case = case_open(
        actor=officer,
        new=NewCase(procedure="penalty_general", title="擅自占用城市道路经营", source="巡查发现",
                    category=category, violation_on=date(2026, 3, 2),
                    clue_received_on=date(2026, 3, 2)),
    )  # fmt: skip
    case_number = evidence_reference(case)
    work = Path(os.environ["SANXIANG_VAR"]) / "bench-files"
    work.mkdir(exist_ok=True)
    if args.s3:
        s3_main(args, officer, case_number, work)
        return
    port = 18500 + os.getpid() % 400
    results: dict[str, tuple[float, float]] = {}
    for name in ("one-shot form upload (baseline)", f"resumable, {args.chunk_mib} MiB chunks"):
        path = work / f"{len(results)}.mp4"
        make_file(path, args.mib)
        process = server(port)
        try:
            client = Client(port)
            token = client.log_in()
            form = fields(officer, case_number, token)
            began = time.perf_counter()
            if results:
                resumable(client, path, form, args.chunk_mib * BLOCK)
            else:
                one_shot(client, path, form)
            seconds = time.perf_counter() - began
            results[name] = (args.mib / seconds, worker_peak_rss_mib(process.pid))
        finally:
            process.terminate()
            process.wait(timeout=60)
            path.unlink()
    print(f"file: {args.mib} MiB, server: gunicorn with 1 worker on loopback")
    for name, (speed, rss) in results.items():
        print(f"{name}: {speed:,.0f} MiB/s, server worker peak RSS {rss:,.0f} MiB")
    (base_speed, _), (ours_speed, _) = results.values()
    print(f"ratio resumable/baseline throughput: {ours_speed / base_speed:.2f}")


if __name__ == "__main__":
    main()
