from __future__ import annotations

# ruff: noqa: F811 - the fixtures imported from the case tests are used as fixture arguments
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from sanxiang.archive.models import CaseArchive
from sanxiang.archive.package import MANIFEST
from sanxiang.archive.services import package_bytes
from sanxiang.cases.models import Case
from sanxiang.cases.services import (
    case_transition,
    document_generate,
    evidence_reference,
    payment_record,
)
from tests.cases.conftest import (  # noqa: F401 - fixtures shared with the case tests
    Staff,
    articles,
    attach_record,
    evidence_on_disk,
    general_case,
    on_spot_case,
    ready_case,
    staff,
    statutory_catalogue,
)


@pytest.fixture(autouse=True)
def _evidence_in_tmp(settings, tmp_path):
    evidence_on_disk(settings, tmp_path / "store")


def take(actor, case, action) -> Case:
    return case_transition(actor=actor, case_id=case.pk, action=action)


def closed_on_spot_case(staff, on_spot_case) -> Case:
    """当场处罚 of 50 元, collected on the spot, with its record and decision: 结案."""
    case = on_spot_case("person", Decimal("50"))
    # A photo filed on the phone before the case had its number, under its provisional reference.
    provisional = SimpleNamespace(number=evidence_reference(case))
    attach_record(staff, provisional, data=b"photo", filename="现场照片.jpg")
    case = take(staff.zhang, case, "decide_on_spot")
    attach_record(staff, case)
    document_generate(actor=staff.zhang, case_id=case.pk, kind="on_spot_decision")
    today = timezone.localdate()
    payment_record(
        actor=staff.zhang, case_id=case.pk, paid_on=today, amount="50", channel="on_spot",
        receipt_number="财政票据 No.0012345",
    )  # fmt: skip
    take(staff.zhang, case, "execute")
    return take(staff.zhang, case, "close")


@pytest.fixture
def archived(staff: Staff, on_spot_case: Any) -> Case:
    """The closed on-the-spot case, taken through its 归档 step."""
    case = closed_on_spot_case(staff, on_spot_case)
    return take(staff.zhang, case, "archive")


@pytest.fixture
def package(archived: Case, tmp_path: Path) -> Path:
    """The sealed package of ``archived``, as a file."""
    path = tmp_path / "package.zip"
    path.write_bytes(b"".join(package_bytes(CaseArchive.objects.get(case=archived))))
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def rewrite(
    source: Path,
    target: Path,
    changes: dict[str, bytes | None],
    *,
    fix_manifest: bool = False,
) -> Path:
    """A copy of the package with members replaced (``None``: removed); with ``fix_manifest``
    the forger also recomputes the manifest's hashes of what he changed."""
    import hashlib

    files = members(source)
    for name, data in changes.items():
        if data is None:
            files.pop(name)
        else:
            files[name] = data
    if fix_manifest:
        manifest = json.loads(files[MANIFEST])
        for name, data in changes.items():
            if data is None:
                manifest["files"].pop(name, None)
            else:
                manifest["files"][name] = {
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                }
        files[MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, data in files.items():
            out.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return target
