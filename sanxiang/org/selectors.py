"""Reads of org data. The ``*_public`` selectors are what the portal may show anyone."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest

from sanxiang.org.models import (
    Agency,
    Certificate,
    CertificateStatus,
    EnforcementItem,
    Officer,
    Role,
    SupervisoryBody,
    Unit,
)
from sanxiang.org.officer_rows import load_roles_and_certificates, take_login_rows
from sanxiang.org.validators import CERTIFICATE_NUMBER_HINT, normalize_certificate_number


def agency_list_public(*, enforcing_only: bool = True) -> QuerySet[Agency]:
    """Agencies with their units, for the 执法主体 and 执法人员清单 pages.

    A supervising body (e.g. 示范市司法局) is stored as an agency so that its 监督人员 are
    officers and its acts have a log; it is listed as a 执法主体 only when it publishes 执法事项
    of its own (a 司法局 that also enforces). ``enforcing_only=False`` lists every agency (the
    ledger page names every log).
    """
    agencies = Agency.objects.prefetch_related(
        Prefetch("units", queryset=Unit.objects.order_by("name"))
    )
    if enforcing_only:
        supervising = Exists(SupervisoryBody.objects.filter(agency=OuterRef("pk")))
        enforcing = Exists(EnforcementItem.objects.filter(agency=OuterRef("pk")))
        agencies = agencies.exclude(supervising & ~enforcing)
    return agencies


def officer_list_public(*, agency_id: int | None = None) -> QuerySet[Officer]:
    """行政执法人员清单: officers on duty who hold a certificate, newest certificate first.

    Each officer carries ``public_certificates`` (newest first) with their categories, so the
    list renders in a fixed number of queries whatever its length.
    """
    officers = (
        Officer.objects.filter(is_active=True, certificates__isnull=False)
        .select_related("unit__agency")
        .prefetch_related(
            Prefetch(
                "certificates",
                queryset=Certificate.objects.order_by("-valid_until").prefetch_related(
                    "categories"
                ),
                to_attr="public_certificates",
            )
        )
        .distinct()
        .order_by("unit__agency__name", "unit__name", "name", "pk")
    )
    if agency_id is not None:
        officers = officers.filter(unit__agency_id=agency_id)
    return officers


def officer_page_public(
    *, agency_id: int | None = None, after: int | None = None, limit: int = 50
) -> list[Officer]:
    """The same list ordered by id and paged by key (the JSON API): ``after`` is the last id
    already seen, so officers added meanwhile neither repeat nor shift the pages."""
    officers = officer_list_public(agency_id=agency_id).order_by("pk")
    if after is not None:
        officers = officers.filter(pk__gt=after)
    return list(officers[:limit])


@dataclass(frozen=True)
class CertificateCheck:
    """The answer to "is this 执法证 valid today?" as the public sees it."""

    query: str
    status: CertificateStatus | None  # None: malformed or unknown number
    message: str
    certificate: Certificate | None = None

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID


def certificate_check_public(*, raw_number: str, on: date) -> CertificateCheck:
    """Look a certificate up by number (事中公示: anyone may verify an officer's identity)."""
    query = raw_number.strip()[:64]
    number = normalize_certificate_number(raw_number)
    if number is None:
        return CertificateCheck(query, None, f"无法查询：{CERTIFICATE_NUMBER_HINT}")
    certificate = (
        Certificate.objects.select_related("officer__unit__agency")
        .prefetch_related("categories")
        .filter(number=number)
        .first()
    )
    if certificate is None:
        return CertificateCheck(
            number,
            None,
            f"未查询到执法证号 {number}。该证件未在本平台登记，持证人不能以此证件执法；"
            "请核对证号，或向执法主体电话核实。",
        )
    status = certificate.status_on(on)
    officer = certificate.officer
    refused = "持证人不得以此证件从事执法活动。"
    if status == CertificateStatus.VALID:
        message = (
            f"执法证 {number} 今日（{on:%Y年%m月%d日}）有效：持证人 {officer.name}，"
            f"{officer.agency.name}，有效期至 {certificate.valid_until:%Y年%m月%d日}。"
        )
    elif status == CertificateStatus.EXPIRED:
        message = f"执法证 {number} 已于 {certificate.valid_until:%Y年%m月%d日} 过期，{refused}"
    elif status == CertificateStatus.NOT_YET_VALID:
        starts = f"{certificate.valid_from:%Y年%m月%d日}"
        message = f"执法证 {number} 自 {starts} 起生效，今日尚未生效，{refused}"
    else:
        assert certificate.revoked_on is not None  # noqa: S101 - REVOKED implies a date
        message = f"执法证 {number} 已于 {certificate.revoked_on:%Y年%m月%d日} 注销，{refused}"
    return CertificateCheck(number, status, message, certificate)


def officer_for_user(user_id: int) -> Officer | None:
    """The officer record behind a log-in, with what the office home shows: his unit and
    agency, his roles and certificates (with their categories)."""
    officer = Officer.objects.select_related("unit__agency").filter(user_id=user_id).first()
    if officer is not None:
        load_roles_and_certificates([officer])
    return officer


def _officer_of_login(user: Any) -> Officer | None:
    """A copy of the officer row the log-in read with the user (``ActiveOfficerBackend.get_user``
    reads it with his unit, agency, roles and certificates at the start of the request, in one
    query: ``officer_rows.login_user``). The request's first call takes the roles and
    certificates read so; each later call reads them afresh (one query), as ``officer_for_user``
    would. None when the log-in did not read the officer so."""
    state = getattr(user, "_state", None)
    loaded = state.fields_cache.get("officer") if state is not None else None
    if loaded is None or "unit" not in loaded._state.fields_cache:
        return None
    if "agency" not in loaded.unit._state.fields_cache:
        return None
    fresh = take_login_rows(loaded)
    rows = loaded.__dict__.pop("_prefetched_objects_cache", None)
    officer: Officer = copy.copy(loaded)  # fresh prefetches each call, as a query would have
    officer._state = copy.copy(loaded._state)
    officer._state.fields_cache = dict(loaded._state.fields_cache)
    if fresh and rows is not None:
        officer.__dict__["_prefetched_objects_cache"] = rows
        for name in ("roles", "certificates"):
            for row in rows[name]:
                row._state.fields_cache["officer"] = officer
    else:
        load_roles_and_certificates([officer])
    return officer


def officer_of_request(request: HttpRequest) -> Officer | None:
    """The officer behind a request's log-in as ``officer_for_user`` reads him, or None."""
    user = request.user
    if user.pk is None:
        return None
    return _officer_of_login(getattr(user, "_wrapped", user)) or officer_for_user(user.pk)


def officer_for_request(request: HttpRequest) -> Officer:
    """The officer behind an office request; 403 for a log-in with no officer record."""
    officer = officer_of_request(request)
    if officer is None:
        raise PermissionDenied("此账号尚未关联执法人员信息，请联系系统管理员。")
    return officer


# --- Who supervises whom ------------------------------------------------------------------------


def supervisory_body_of(officer: Officer | None) -> SupervisoryBody | None:
    """The 行政执法监督机构 whose 监督人员 ``officer`` is: an officer on duty of the body's own
    agency holding ``Role.SUPERVISOR``. Cached on the officer object for the request."""
    if officer is None or not officer.is_active or not officer.has_role(Role.SUPERVISOR):
        return None
    if hasattr(officer, "_supervisory_body"):
        cached: SupervisoryBody | None = officer._supervisory_body
        return cached
    body = SupervisoryBody.objects.filter(agency_id=officer.unit.agency_id).first()
    officer._supervisory_body = body  # type: ignore[attr-defined]
    return body


def bodies_under(body: SupervisoryBody) -> list[int]:
    """``body`` and every body below it (a city body sees the county bodies' areas), ids."""
    found = [body.pk]
    level = [body.pk]
    while level:
        level = [
            pk
            for pk in SupervisoryBody.objects.filter(parent_id__in=level).values_list(
                "pk", flat=True
            )
            if pk not in found
        ]
        found.extend(level)
    return found


def supervised_agency_ids(officer: Officer | None) -> frozenset[int]:
    """The agencies whose cases ``officer`` reads as a 监督人员 of a supervising body (empty for
    everybody else). Cached on the officer object for the request."""
    cached = getattr(officer, "_supervised_agency_ids", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    body = supervisory_body_of(officer)
    ids: frozenset[int] = frozenset()
    if body is not None:
        ids = frozenset(
            SupervisoryBody.agencies.through.objects.filter(
                supervisorybody_id__in=bodies_under(body)
            ).values_list("agency_id", flat=True)
        )
    if officer is not None:
        officer._supervised_agency_ids = ids  # type: ignore[attr-defined]
    return ids


def supervisors_of(agency_id: int) -> QuerySet[Officer]:
    """The 监督人员 on duty of every body whose area (directly or through its children)
    includes ``agency_id``."""
    direct = set(
        SupervisoryBody.objects.filter(agencies__id=agency_id).values_list("pk", "parent_id")
    )
    bodies = {pk for pk, _ in direct}
    parents = {parent for _, parent in direct if parent is not None}
    while parents - bodies:
        bodies |= parents
        parents = set(
            SupervisoryBody.objects.filter(pk__in=parents, parent__isnull=False).values_list(
                "parent_id", flat=True
            )
        )
    agencies = SupervisoryBody.objects.filter(pk__in=bodies).values("agency_id")
    return Officer.objects.filter(
        unit__agency_id__in=agencies, is_active=True, roles__role=Role.SUPERVISOR
    )
