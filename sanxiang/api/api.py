"""GET-only JSON endpoints under /api/v1/: parse the query, call the public selectors, render.

Exactly what the portal shows anyone (DESIGN.md: the portal layer reads only public selectors):
published decisions, withdrawn ones as their notice, the 执法人员清单, agencies and the 法制审核
目录. The OpenAPI 3.1 document at /api/v1/openapi.json is generated from ``schemas``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from ninja import NinjaAPI, Query, Status
from ninja.decorators import decorate_view
from ninja.errors import ValidationError
from ninja.params import P, PathEx
from ninja.renderers import JSONRenderer

from sanxiang.api import schemas
from sanxiang.cases.public import recording_lists_public
from sanxiang.disclosure.public import (
    PublicRecord,
    leaf_content_sha256,
    publication_public,
    publication_record_public,
    publication_records_public,
    publication_versions_public,
)
from sanxiang.discretion.selectors import benchmark_public, benchmarks_public
from sanxiang.org.selectors import agency_list_public, officer_page_public
from sanxiang.review.public import catalogues_public


class _Renderer(JSONRenderer):
    """UTF-8 JSON with Chinese as written, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


def _cached(max_age: int) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """ETag from the body and a short public max-age: a client polling an unchanged page gets
    304 and no body; a withdrawal shows within ``max_age`` seconds."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            response["ETag"] = etag
            patch_cache_control(response, public=True, max_age=max_age)
            return get_conditional_response(request, etag=etag, response=response) or response

        return wrapper

    return decorator


api = NinjaAPI(
    title="三项制度执法平台 · 执法公示数据接口",
    version="1.0.0",
    description=(
        "只读的公开数据接口：执法决定公示（双公示字段、公示内容及其全过程记录核验信息）、"
        "行政执法人员清单、执法主体和重大执法决定法制审核目录。内容与门户网站公示的一致，"
        "不含身份证号码等个人信息。说明见 docs/operations/api.md。"
    ),
    urls_namespace="api-v1",
    docs_url=None,  # ninja's docs page loads Swagger UI from a CDN; the schema is enough
    docs_decorator=_cached(300),  # for openapi.json
    renderer=_Renderer(),
)

ERRORS = {400: schemas.ErrorOut, 422: schemas.ErrorOut}
NOT_FOUND = {404: schemas.ErrorOut, 422: schemas.ErrorOut}


def error_response(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message}, status=status)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    names = sorted({str(e["loc"][-1]) for e in exc.errors if e.get("loc")})
    return error_response(
        request, 422, "invalid_parameter", f"请求参数不符合要求：{'、'.join(names) or '请求'}。"
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "没有这个条目。")


# Cursors are opaque to clients: base64 of the last row's sort key, with a tag per list.

_PUBLICATION_KEY = re.compile(r"p:(\d{4}-\d{2}-\d{2}):(\d{1,18})")
_OFFICER_KEY = re.compile(r"o:(\d{1,18})")


def _encode(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def _decode(cursor: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        return None
    return pattern.fullmatch(raw)


BAD_CURSOR = "翻页标记（cursor）无效，请从第一页重新开始。"


def _next_url(request: HttpRequest, cursor: str) -> str:
    params = {k: v for k, v in request.GET.items() if k != "cursor"}
    return f"{request.path}?{urlencode({**params, 'cursor': cursor})}"


def _local(moment: datetime | None) -> datetime | None:
    """Times as the agencies read them (TIME_ZONE, +08:00), not in UTC."""
    return timezone.localtime(moment) if moment is not None else None


def _publication(record: PublicRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "url": reverse("api-v1:publication", args=[record.id]),
        "portal_url": reverse("portal:decision", args=[record.id]),
        "title": record.title,
        "agency_id": record.agency_id,
        "agency": record.agency,
        "kind": record.kind,
        "kind_label": record.kind_label,
        "decided_on": record.decided_on,
        "published_at": _local(record.published_at),
        "status": "withdrawn" if record.withdrawn else "published",
        "sha256": record.sha256 or None,
        "fields": record.exchange,
        "ledger_index": record.ledger_index,
        "withdrawal": {
            "reason": record.withdrawal_reason,
            "statement": record.withdrawal_statement,
            "withdrawn_at": _local(record.withdrawn_at),
        }
        if record.withdrawn
        else None,
    }


@api.get(
    "/publications",
    response={200: schemas.PublicationPage, **ERRORS},
    by_alias=True,
    url_name="publications",
    summary="执法决定公示列表",
    tags=["执法决定公示"],
)
@decorate_view(_cached(60))
def publications(
    request: HttpRequest, filters: Query[schemas.PublicationQuery]
) -> Status[dict[str, Any]]:
    """Newest decision first (by 决定日期, then id). Page with ``next_cursor``; never by
    offset, so page 50,000 costs what page 1 costs."""
    after = None
    if filters.cursor:
        match = _decode(filters.cursor, _PUBLICATION_KEY)
        try:
            after = (date.fromisoformat(match[1]), int(match[2])) if match else None
        except ValueError:
            after = None
        if after is None:
            return Status(400, {"code": "invalid_cursor", "message": BAD_CURSOR})
    rows = publication_records_public(
        query=filters.q.replace("\x00", ""),
        agency_id=filters.agency,
        kind=filters.kind.value if filters.kind else "",
        since=filters.since,
        until=filters.until,
        after=after,
        limit=filters.limit + 1,
    )
    page = rows[: filters.limit]
    cursor = None
    if len(rows) > filters.limit:
        cursor = _encode(f"p:{page[-1].decided_on.isoformat()}:{page[-1].id}")
    return Status(
        200,
        {
            "items": [_publication(r) for r in page],
            "next_cursor": cursor,
            "next_url": _next_url(request, cursor) if cursor else None,
        },
    )


@api.get(
    "/publications/{id}",
    response={200: schemas.PublicationDetailOut, **NOT_FOUND},
    by_alias=True,
    url_name="publication",
    summary="执法决定公示详情",
    tags=["执法决定公示"],
)
@decorate_view(_cached(60))
def publication(
    request: HttpRequest, id: PathEx[int, P(ge=1, le=schemas.MAX_ID)]
) -> Status[dict[str, Any]]:
    """The public text, its versions and what a third party needs to verify it; a withdrawn
    decision only as its notice."""
    record = publication_record_public(id)
    shown = publication_public(id)
    if record is None or shown is None:
        raise Http404
    verification = None
    if shown.ledger_index is not None:
        proof_url = None
        # Each agency has its own log: the proof and checkpoint are that log's.
        log = f"&log={shown.ledger_log}" if shown.ledger_log is not None else ""
        if shown.head_size:
            proof_url = (
                f"{reverse('portal:ledger-proof')}?index={shown.ledger_index}"
                f"&size={shown.head_size}{log}"
            )
        verification = {
            "ledger_index": shown.ledger_index,
            "leaf": shown.leaf,
            "leaf_content_sha256": leaf_content_sha256(shown.leaf),
            "tree_size": shown.head_size,
            "root_hash_hex": shown.head_root or None,
            "signed_at": shown.head_signed_at or None,
            "key_id": shown.head_key_id or None,
            "proof_url": proof_url,
            "checkpoint_url": reverse("portal:ledger-checkpoint") + log.replace("&", "?", 1),
        }
    return Status(
        200,
        {
            **_publication(record),
            "full_text": shown.full_text,
            "text": None if shown.withdrawn else shown.text,
            "versions": [
                {"number": v.number, "sha256": v.sha256, "confirmed_at": _local(v.confirmed_at)}
                for v in publication_versions_public(id)
            ],
            "verification": verification,
        },
    )


@api.get(
    "/officers",
    response={200: schemas.OfficerPage, **ERRORS},
    url_name="officers",
    summary="行政执法人员清单",
    tags=["执法人员"],
)
@decorate_view(_cached(300))
def officers(request: HttpRequest, filters: Query[schemas.OfficerQuery]) -> Status[dict[str, Any]]:
    """Officers on duty who hold a certificate, with their newest certificate and its status
    today, as the portal's 执法人员清单 shows them."""
    after = None
    if filters.cursor:
        match = _decode(filters.cursor, _OFFICER_KEY)
        if match is None:
            return Status(400, {"code": "invalid_cursor", "message": BAD_CURSOR})
        after = int(match[1])
    rows = officer_page_public(agency_id=filters.agency, after=after, limit=filters.limit + 1)
    page = rows[: filters.limit]
    today = timezone.localdate()
    items = []
    for officer in page:
        certificate = officer.public_certificates[0]  # type: ignore[attr-defined]
        status = certificate.status_on(today)
        items.append(
            {
                "name": officer.name,
                "gender": officer.get_gender_display(),
                "post": officer.post,
                "agency_id": officer.unit.agency_id,
                "agency": officer.unit.agency.name,
                "unit": officer.unit.name,
                "certificate": {
                    "number": certificate.number,
                    "categories": [c.name for c in certificate.categories.all()],
                    "region": certificate.region,
                    "valid_from": certificate.valid_from,
                    "valid_until": certificate.valid_until,
                    "status": status.value,
                    "status_label": status.label,
                },
            }
        )
    cursor = _encode(f"o:{page[-1].pk}") if len(rows) > filters.limit else None
    return Status(
        200,
        {
            "items": items,
            "next_cursor": cursor,
            "next_url": _next_url(request, cursor) if cursor else None,
            "as_of": today,
        },
    )


@api.get(
    "/agencies",
    response=list[schemas.AgencyOut],
    url_name="agencies",
    summary="执法主体",
    tags=["执法主体"],
)
@decorate_view(_cached(300))
def agencies(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": agency.pk,
            "name": agency.name,
            "credit_code": agency.credit_code,
            "level": agency.get_level_display(),
            "region": agency.region,
            "address": agency.address,
            "phone": agency.phone,
            "units": [{"name": unit.name} for unit in agency.units.all()],
            "officers_url": f"{reverse('api-v1:officers')}?agency={agency.pk}",
        }
        for agency in agency_list_public().order_by("name")
    ]


@api.get(
    "/review-catalogue",
    response=list[schemas.CatalogueOut],
    url_name="review-catalogue",
    summary="重大执法决定法制审核目录清单",
    tags=["法制审核"],
)
@decorate_view(_cached(300))
def review_catalogue(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "agency": catalogue.agency,
            "rules": [
                {
                    "position": r.position,
                    "title": r.title,
                    "conditions": r.conditions,
                    "basis": r.basis,
                }
                for r in catalogue.rules
            ],
        }
        for catalogue in catalogues_public()
    ]


@api.get(
    "/recording-list",
    response=list[schemas.RecordingListOut],
    url_name="recording-list",
    summary="行政执法音像记录事项清单",
    tags=["音像记录"],
)
@decorate_view(_cached(300))
def recording_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Each agency's list of matters recorded on audio or video, as the portal shows it."""
    return [
        {
            "agency_id": found.agency_id,
            "agency": found.agency,
            "matters": [
                {
                    "position": m.position,
                    "matter": m.matter,
                    "manner": m.manner,
                    "kinds": m.kinds,
                    "step": m.step,
                    "basis": m.basis,
                }
                for m in found.matters
            ],
        }
        for found in recording_lists_public()
    ]


def _money(value: Any) -> str | None:
    return None if value is None else str(value)


def _cited(articles: Any) -> list[dict[str, str]]:
    return [{"law": a.law.title, "article": a.label} for a in articles.all()]


@api.get(
    "/discretion",
    response=list[schemas.DiscretionSummaryOut],
    url_name="discretion",
    summary="行政处罚裁量基准（各执法主体现行版本）",
    tags=["裁量基准"],
)
@decorate_view(_cached(300))
def discretion(request: HttpRequest) -> list[dict[str, Any]]:
    """Each agency's 裁量基准 in force today (行政处罚法第三十四条), as the portal lists it."""
    return [
        {
            "agency_id": b.agency_id,
            "agency": b.agency.name,
            "title": b.title,
            "number": b.number,
            "document_number": b.document_number,
            "valid_from": b.valid_from,
            "url": reverse("api-v1:discretion-agency", args=[b.agency_id]),
        }
        for b in benchmarks_public()
    ]


@api.get(
    "/discretion/{agency_id}",
    response={200: schemas.DiscretionOut, **NOT_FOUND},
    url_name="discretion-agency",
    summary="一个执法主体现行的行政处罚裁量基准",
    tags=["裁量基准"],
)
@decorate_view(_cached(300))
def discretion_agency(
    request: HttpRequest, agency_id: PathEx[int, P(ge=1, le=schemas.MAX_ID)]
) -> Status[dict[str, Any]]:
    """The version in force today: 违法行为 with articles and tiers, and the 情节 lists."""
    content = benchmark_public(agency_id)
    if content is None:
        raise Http404
    b = content.benchmark
    return Status(
        200,
        {
            "agency_id": b.agency_id,
            "agency": content.agency.name,
            "title": b.title,
            "number": b.number,
            "document_number": b.document_number,
            "valid_from": b.valid_from,
            "url": reverse("api-v1:discretion-agency", args=[b.agency_id]),
            "issuer": b.issuer,
            "source": b.source,
            "content_sha256": b.content_sha256,
            "both_tier_kind": b.both_tier_kind,
            "violations": [
                {
                    "code": v.code,
                    "name": v.name,
                    "keywords": v.keywords,
                    "item_code": v.item.code,
                    "item": v.item.name,
                    "violated_basis": v.violated_basis,
                    "penalty_basis": v.penalty_basis,
                    "violated_articles": _cited(v.violated_articles),
                    "penalty_articles": _cited(v.penalty_articles),
                    "statutory_text": v.statutory_text,
                    "fine_min": _money(v.fine_min),
                    "fine_max": _money(v.fine_max),
                    "multiple_base": v.multiple_base,
                    "multiple_min": _money(v.multiple_min),
                    "multiple_max": _money(v.multiple_max),
                    "other_penalties": v.other_penalties,
                    "tiers": [
                        {
                            "name": t.name,
                            "kind": t.kind,
                            "conditions": t.conditions,
                            "fine_min": _money(t.fine_min),
                            "fine_max": _money(t.fine_max),
                            "multiple_min": _money(t.multiple_min),
                            "multiple_max": _money(t.multiple_max),
                            "other_penalties": t.other_penalties,
                        }
                        for t in v.tiers.all()
                    ],
                }
                for v in content.violations
            ],
            "circumstances": [
                {
                    "kind": c.kind,
                    "violation": c.violation.code if c.violation else None,
                    "text": c.text,
                    "basis": c.basis,
                }
                for c in content.circumstances
            ],
        },
    )
