"""Registering a complete resumable upload as evidence: the one-shot upload's service, with the
form's fields checked again now (the case may have ended while the file was on its way).

Shared by the last PATCH (a local store) and the background work (an object store), so that
both register exactly the same way, with the officer who uploaded as the registrant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from django.db.models import QuerySet

from sanxiang.evidence.forms import ResumableStartForm
from sanxiang.evidence.models import EvidenceItem, ResumableUpload
from sanxiang.evidence.services import EvidenceRefused, TargetSpec, Upload, evidence_register
from sanxiang.evidence.storage import Digests
from sanxiang.org.models import Officer


def agency_officers(officer: Officer) -> QuerySet[Officer]:
    """The officers of ``officer``'s agency who may be named as a record's collector."""
    return (
        Officer.objects.filter(
            unit__agency_id=officer.unit.agency_id, is_active=True, certificates__isnull=False
        )
        .select_related("unit")
        .distinct()
        .order_by("unit__name", "name")
    )


# What ``upload_finish`` calls: the complete file and what to run inside the registration's
# transaction (the lease's check).
Register = Callable[[IO[bytes], Callable[[EvidenceItem], None]], EvidenceItem]


def resumable_registration(upload: ResumableUpload, officer: Officer, digests: Digests) -> Register:
    """What ``upload_finish`` calls with the complete file (``digests`` are its digests).

    Everything that can refuse it (the form's fields, the case, a declared SHA-256, the type)
    is checked before the file is copied into the store, so that a refused file is not left
    there (in an Object Lock bucket it could not be removed)."""

    def register(handle: IO[bytes], before_commit: Callable[[EvidenceItem], None]) -> EvidenceItem:
        form = ResumableStartForm(
            upload.form_data, officers=agency_officers(officer), officer=officer
        )
        if not form.is_valid():
            problems = "；".join(str(error) for errors in form.errors.values() for error in errors)
            raise EvidenceRefused(
                f"登记信息已不符合要求：{problems}", log_message="resumable form no longer valid"
            )
        data = form.cleaned_data
        spec = None
        if data["target_identifier"]:
            spec = TargetSpec(data["target_kind"], data["target_name"], data["target_identifier"])
        return evidence_register(
            actor=officer,
            upload=Upload(handle=handle, filename=upload.filename, digests=digests, in_place=True),
            metadata=data,
            declared_sha256=data["declared_sha256"],
            new_target=spec,
            before_commit=before_commit,
        )

    return register
