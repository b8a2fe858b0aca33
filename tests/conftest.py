"""Fixtures shared by the whole suite: small factories with realistic Chinese data."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine
from hypothesis import settings as hypothesis_settings

from sanxiang.core.identifiers import credit_code_check_char

# Property tests assert results, never time: Hypothesis's default 200 ms deadline per example
# failed a 0.07 ms late-fee example that took 281 ms once on a loaded CI machine.
hypothesis_settings.register_profile("sanxiang", deadline=None)
hypothesis_settings.load_profile("sanxiang")

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SANXIANG = Path(sys.executable).with_name("sanxiang")

#: The instant every test starts at, unless it travels elsewhere itself. A Wednesday in a year
#: whose holiday schedule is known, away from holidays, so that results never depend on the day
#: the suite runs. CI runs the date-sensitive tests (marker ``dates``) again with
#: ``SANXIANG_TEST_NOW`` set to 29 December of the current year (``make test-year-end``).
TEST_NOW = datetime.fromisoformat(
    os.environ.get("SANXIANG_TEST_NOW") or "2026-06-10T10:00:00+08:00"
)
if TEST_NOW.tzinfo is None:
    raise pytest.UsageError("SANXIANG_TEST_NOW needs a UTC offset, e.g. 2026-12-29T10:00:00+08:00")
# Debian's faketime package, under the machine's multiarch directory (x86_64-linux-gnu, …).
LIBFAKETIME = next(
    iter(sorted(Path("/usr/lib").glob("*/faketime/libfaketime.so.1"))),
    Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"),
)
_CLOCK_OFFSET = int(TEST_NOW.timestamp() - time.time())  # read before any test travels


@pytest.fixture(autouse=True)
def _pinned_clock(request):
    """Every test starts at TEST_NOW and the clock ticks on from there (nothing reads the wall
    clock unpinned). Tests that need another moment travel there themselves; a test that talks
    to a server with its own clock (S3 request signing) opts out with ``real_clock``."""
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    with time_machine.travel(TEST_NOW, tick=True):
        yield


def pinned_clock_env() -> dict[str, str]:
    """Environment that starts a subprocess's clock at about TEST_NOW (libfaketime, Debian's
    ``faketime`` package; installed by ``make system-deps``). Applied as an offset from the
    real clock, so every subprocess of the session shares one clock that moves forward."""
    if not LIBFAKETIME.exists():
        raise RuntimeError(
            f"{LIBFAKETIME} is missing: install Debian's faketime package (make system-deps)"
        )
    return {
        "LD_PRELOAD": str(LIBFAKETIME),
        "FAKETIME": f"{_CLOCK_OFFSET:+d}",
    }  # FAKETIME_DONT_FAKE_MONOTONIC would make time.sleep() fail with EINVAL (libfaketime 0.9.10)


def without_partitions(table: str, *months: date) -> None:
    """Drop ``table``'s partitions of ``months`` where they exist, inside the test's transaction
    (PostgreSQL). The test database was migrated before any clock was pinned, so the ``ensure``
    after ``migrate`` made the partitions of the real months: a test that needs a month to have
    no partition (its rows going to DEFAULT) says so itself, whatever day the suite runs on."""
    from django.db import connection

    from sanxiang.core import partitions

    with connection.cursor() as cursor:
        for month in months:
            name = partitions.partition_name(table, month)
            cursor.execute(f'DROP TABLE IF EXISTS "{name}"')


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Fixture users need no brute-force resistance; the password-storage test opts out."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def credit_code(serial: int) -> str:
    """A checksum-valid 统一社会信用代码 for a fictional 机关 (region code 990100)."""
    first17 = f"11990100MB{serial:07d}"
    return first17 + credit_code_check_char(first17)


@pytest.fixture
def categories(db):
    from sanxiang.org.services import categories_load

    categories_load(path=DATA / "enforcement_categories.csv")


@pytest.fixture
def agency(db, categories):
    """示范市城市管理综合行政执法局 with 法制科 and 执法一大队."""
    from sanxiang.org.models import Agency, Unit

    agency = Agency.objects.create(
        name="测试市城市管理综合行政执法局",
        credit_code=credit_code(1),
        level="municipal",
        region="测试市",
        address="测试市人民路 1 号",
        phone="0999-1234567",
        authority_basis="测试市机构编制文件",
    )
    Unit.objects.create(agency=agency, name="法制科", is_legal_review_body=True)
    Unit.objects.create(agency=agency, name="执法一大队")
    return agency


def make_officer(
    *,
    unit,
    name: str,
    number: str | None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    roles: tuple[str, ...] = ("officer",),
    category: str = "城市管理",
    user=None,
):
    """An officer with (optionally) one certificate and the given roles.

    The certificate runs from 2020 (or two years before the test's pinned today) to 2030 (or
    two years after it) unless dates are given, so fixtures never expire."""
    from sanxiang.org.models import Certificate, EnforcementCategory, Officer, RoleAssignment

    officer = Officer.objects.create(name=name, gender="M", unit=unit, user=user)
    if number:
        from django.utils import timezone

        today = timezone.localdate()
        certificate = Certificate.objects.create(
            officer=officer,
            number=number,
            region="测试市",
            # Wide enough for both the pinned today and the fixed days (2024–2028) that
            # tests travel to, whatever SANXIANG_TEST_NOW is.
            valid_from=valid_from
            or min(date(2020, 1, 1), today.replace(year=today.year - 2, day=1)),
            valid_until=valid_until
            or max(date(2030, 12, 31), today.replace(year=today.year + 2, day=28)),
        )
        certificate.categories.set([EnforcementCategory.objects.get(name=category)])
    for role in roles:
        RoleAssignment.objects.create(officer=officer, role=role)
    return officer


@dataclass(frozen=True)
class Instance:
    """A migrated installation with demo data, in its own SANXIANG_VAR, for subprocess tests."""

    var: Path
    env: dict[str, str]

    def sanxiang(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SANXIANG), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=300,
        )


@pytest.fixture(scope="session")
def instance(tmp_path_factory) -> Instance:
    """``make run``'s steps (migrate, collectstatic, demo) in a fresh directory.

    Uses the suite's DATABASE_URL if one is set (the PostgreSQL run), else SQLite in the
    instance's own directory.
    """
    var = tmp_path_factory.mktemp("instance")
    env = {**os.environ, "SANXIANG_VAR": str(var), **pinned_clock_env()}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = Instance(var=var, env=env)
    result.sanxiang("migrate", "--noinput", "-v0")
    result.sanxiang("collectstatic", "--noinput", "-v0")
    result.sanxiang("demo")
    return result


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Callable[[Path], Path]:
    """Copies of one SQLite installation after ``migrate`` only (no static files, no demo),
    migrated once per run: ``migrated_sqlite(folder)`` fills ``folder`` and returns it."""
    once: Path = tmp_path_factory.mktemp("migrated")
    env = {**os.environ, "SANXIANG_VAR": str(once)}
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL"):
        env.pop(name, None)
    done = subprocess.run(
        [str(SANXIANG), "migrate", "--noinput", "-v0"], env=env, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr

    def copy(var: Path) -> Path:
        var.mkdir(mode=0o700, parents=True, exist_ok=True)
        for source in once.iterdir():
            if source.is_file() and (source.name == "secret_key" or source.name.startswith("db.")):
                shutil.copy2(source, var / source.name)
        return var

    return copy


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(instance: Instance) -> Iterator[str]:
    """``sanxiang serve`` (gunicorn) for ``instance`` on a free loopback port; yields its base
    URL. The session's ``server`` serves the shared demo installation with it; a module may
    serve an installation of its own (extra data the other tests must not see)."""
    port = _free_port()
    process = subprocess.Popen(
        [str(SANXIANG), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=instance.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/gongshi/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("sanxiang serve did not come up")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def server(instance: Instance) -> Iterator[str]:
    """The shared demo installation, served (``serving``); yields its base URL."""
    with serving(instance) as base:
        yield base


# --- What the law requires on file before a step, made as a handler would -----------------------


def _basis_ensure(actor, case) -> None:
    """违法依据 and 处罚依据 registered (the notice and the decision must state them)."""
    from sanxiang.cases.services import case_basis_set
    from sanxiang.org.models import Article, Law

    if case.penalty_articles.exists():
        return
    law, _ = Law.objects.get_or_create(
        title="测试用市容管理条例",
        defaults={
            "kind": "local_regulation",
            "issuer": "示范市人民代表大会常务委员会",
            "promulgated_on": date(2018, 1, 1),
            "effective_on": date(2018, 1, 1),
            "source": "测试数据",
        },
    )
    violated, _ = Article.objects.get_or_create(
        law=law, number=10, defaults={"label": "第十条", "text": "不得擅自占道经营。"}
    )
    penalty, _ = Article.objects.get_or_create(
        law=law, number=30, defaults={"label": "第三十条", "text": "违反第十条的，处罚款。"}
    )
    case_basis_set(actor=actor, case_id=case.pk, violated=[violated], penalty=[penalty])


def _service_video(actor, case) -> None:
    import io

    from django.utils import timezone

    from sanxiang.cases.models import Case
    from sanxiang.cases.services import evidence_reference
    from sanxiang.evidence.services import Upload, evidence_register
    from sanxiang.evidence.storage import digest_stream

    handle = io.BytesIO(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + b"serve" * 100)
    evidence_register(
        actor=actor,
        upload=Upload(handle=handle, filename="送达录像.mp4", digests=digest_stream(handle)),
        metadata={
            "case_number": evidence_reference(Case.objects.get(pk=case.pk)),
            "kind": "video", "collected_at": timezone.now(), "location": "当事人住所",
            "collector": actor, "proves": "送达过程", "device": "执法记录仪 DSJ-001",
        },
    )  # fmt: skip


def document_served(actor, case, kind: str, *, served_at: str = "", method: str = "直接送达"):
    """A 送达回证 recording that the latest ``kind`` reached the party today (or ``served_at``)."""
    from django.utils import timezone

    from sanxiang.cases.services import document_generate

    if method in ("留置送达", "公告送达"):
        # The shipped 音像记录事项清单 asks for a video of these services.
        _service_video(actor, case)
    moment = served_at or timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    inputs = {"served_document": kind, "recipient": "当事人", "served_at": moment,
              "place": "当事人住所", "method": method}  # fmt: skip
    if method == "留置送达":
        inputs |= {"refusal": "拒绝签收", "witness": "社区居委会 王五"}
    if method == "公告送达":
        inputs |= {"medium": "示范市日报", "unreachable": "当事人下落不明，直接和邮寄送达均未果"}
    return document_generate(actor=actor, case_id=case.pk, kind="service_proof", inputs=inputs)


def notice_served(actor, case, *, served_at: str = "", fine: str = "", method: str = "直接送达"):
    """行政处罚事先告知书 made (unless one is, and no ``fine`` is asked) and served: what 事先告知
    requires (行政处罚法第四十四条)."""
    from sanxiang.cases.models import Case
    from sanxiang.cases.services import document_generate

    case = Case.objects.get(pk=case.pk)
    if fine or not case.documents.filter(kind="advance_notice").exists():  # else: serve that one
        amount = fine or (str(case.fine_yuan) if case.fine_yuan is not None else "")
        inputs = {"contact": "张三 0311-1234567"}
        inputs |= {"intended_fine": amount} if amount else {"intended_other": "警告"}
        document_generate(actor=actor, case_id=case.pk, kind="advance_notice", inputs=inputs)
    return document_served(actor, case, "advance_notice", served_at=served_at, method=method)


def statement_on_file(actor, case, *points: str, replies: tuple[str, ...] = ()):
    """陈述申辩笔录 (the party waived, unless ``points`` are given) and, for points, the handlers'
    复核 of each (行政处罚法第四十五条)."""
    from django.utils import timezone

    from sanxiang.cases.services import document_generate
    from sanxiang.cases.statements import WAIVED, WAYS

    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    inputs = {"way": WAYS[0] if points else WAIVED, "stated_at": now, "person": "当事人本人",
              "points": "\n".join(points)}  # fmt: skip
    document_generate(actor=actor, case_id=case.pk, kind="statement_record", inputs=inputs)
    if points:
        answers = replies or tuple("不采纳：与查明的事实不符" for _ in points)
        document_generate(
            actor=actor, case_id=case.pk, kind="statement_review",
            inputs={"replies": "\n".join(answers), "conclusion": "维持拟作出的处罚"},
        )  # fmt: skip


def prepare_step(actor, case_id: int, action: str) -> None:
    """Put on file what the law requires before ``action``, as a handler would before taking it:
    the basis before 调查终结 (the notice and decision state it), the served 事先告知书 before
    事先告知, the 陈述申辩笔录 (a waiver) before recording the statement, the decision's 送达回证
    before 送达. Tests of those rules themselves make the records explicitly instead."""
    from sanxiang.cases.models import Case

    case = Case.objects.get(pk=case_id)
    if action == "conclude":
        _basis_ensure(actor, case)
    elif action == "notify":
        notice_served(actor, case)
    elif action == "record_statement":
        statement_on_file(actor, case)
    elif action == "serve":
        document_served(actor, case, "decision")
