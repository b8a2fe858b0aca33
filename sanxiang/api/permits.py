"""``POST /api/v1/permits``: the systems that make 行政许可 decisions report them here.

The one write of the API, and a deliberate exception to its read-only contract: it calls
``sanxiang.acts.services.permit_record`` (pyproject.toml allows exactly that import), which
checks the fields, records the permit with its ledger event and opens its publication with the
due date. This module only authenticates (``org.tokens``: a client system's token, its scope,
the failed attempts per address), keeps the body small, and makes a repeated request harmless
(``Idempotency-Key``, stored by ``org.tokens.api_write`` in the write's transaction).
The agency is always the token's: a body cannot name another (docs/operations/api.md).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError
from ninja.params import HeaderEx, P
from ninja.security import HttpBearer
from pydantic import BaseModel, ConfigDict, create_model

from sanxiang.acts.services import PERMIT_FIELDS, PermitRejected, permit_record
from sanxiang.api.api import _invalid as _read_invalid
from sanxiang.api.api import api, error_response
from sanxiang.api.schemas import ErrorOut
from sanxiang.core.http import client_address
from sanxiang.errors import DomainError
from sanxiang.org.tokens import (
    MAX_KEY_LENGTH,
    ApiAuthRefused,
    ApiScope,
    ApiToken,
    IdempotencyConflict,
    api_token_authenticate,
    api_write,
    request_digest,
)

OPERATION = "permits.create"
EXAMPLE = {
    "decision": "grant",
    "party_name": "示范市某某餐饮管理有限公司",
    "party_type": "法人及非法人组织",
    "party_credit_code": "91990100MA0000118W",
    "legal_representative": "张某某",
    "decision_number": "示范审批许〔2026〕118号",
    "decision_title": "准予行政许可决定书",
    "category": "普通",
    "licence_name": "食品经营许可证",
    "licence_number": "JY11199010000118",
    "content": "准予从事食品经营（餐饮服务）",
    "decided_on": "2026-06-08",
    "valid_from": "2026-06-08",
    "valid_until": "2031-06-07",
    "authority_name": "示范市市场监督管理局",
    "authority_credit_code": "11990100MB0200028P",
    "source_unit": "示范市政务服务中心",
}

if TYPE_CHECKING:
    PermitIn = BaseModel
else:
    # The body's fields, from the service's own list (name, limit, required), so the schema and
    # the checks cannot disagree. Only strings: the service parses dates and codes itself.
    # What a field's text may be, where the service accepts only some values.
    HINTS = {
        "decision": "：grant 准予许可、refusal 不予许可、change 变更许可、extension 延续许可、"
        "revocation 撤销许可、cancellation 注销许可（代码或中文均可）",
        "original": "：撤销、注销（及变更、延续）许可时填写原许可的文书号",
        "party_type": "：法人及非法人组织、自然人、个体工商户",
        "party_credit_code": "：法人及非法人组织必填，自然人不填",
        "party_ref": "：自然人的假名化标识，不得填写身份证号码",
        "category": "：普通、特许、认可、核准、登记、其他",
        "decided_on": "：YYYY-MM-DD，不晚于今天",
        "valid_from": "：YYYY-MM-DD",
        "valid_until": "：YYYY-MM-DD，不早于有效期自",
    }
    PermitIn = create_model(
        "PermitIn",
        __config__=ConfigDict(
            extra="forbid", title="行政许可决定", json_schema_extra={"examples": [EXAMPLE]}
        ),
        **{
            key: (
                str if required else str | None,
                Field(
                    ... if required else None,
                    max_length=limit,
                    description=label + HINTS.get(key, ""),
                ),
            )
            for key, (label, limit, required) in PERMIT_FIELDS.items()
        },
    )


class PublicationDueOut(Schema):
    id: int = Field(description="公示记录 id（经公示审核确认后才在公开接口中出现）")
    due_on: str = Field(
        description="公示期限（许可决定之日起 7 个工作日）", examples=["2026-06-17"]
    )


class PermitOut(Schema):
    id: int
    agency_id: int = Field(description="执法主体 id（即令牌所属的执法主体）")
    decision: str = Field(description="决定类型代码")
    decision_label: str = Field(description="决定类型")
    decision_number: str = Field(description="许可决定文书号")
    standing: str = Field(description="许可状态代码")
    recorded_at: str = Field(description="登记时间（ISO 8601）")
    publication: PublicationDueOut | None = Field(description="已开启的公示记录及其期限")


class FieldErrorsOut(ErrorOut):
    errors: dict[str, str] = Field(
        default_factory=dict,
        description="逐个字段的问题（字段名 → 中文说明；__all__ 为整体问题）",
        examples=[{"valid_until": "有效期至不能早于有效期自。"}],
    )


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sxk_…`` with a live token of ``scope`` (one a client system got
    from ``sanxiang api-token create``)."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> ApiToken:
        try:
            token = api_token_authenticate(
                authorization=request.headers.get("Authorization", ""),
                client_ip=client_address(request) or "",
            )
        except ApiAuthRefused as exc:
            code = "too_many_failures" if exc.status == 429 else "unauthorized"
            raise _Refused(exc.status, code, exc.message) from exc
        if self.scope not in token.scope_list:
            raise _Refused(
                403,
                "forbidden",
                f"该接口令牌没有“{ApiScope(self.scope).label}”（{self.scope}）权限。",
            )
        return token

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return None  # unused: __call__ does it all


@api.exception_handler(_Refused)
def _refused(request: HttpRequest, exc: _Refused) -> HttpResponse:
    response = error_response(request, exc.status, exc.code, exc.message)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="sanxiang"'
    if exc.status == 429:
        response["Retry-After"] = str(settings.SANXIANG_API_AUTH_COOLOFF_MINUTES * 60)
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # ninja's only one: a body that is not JSON
        message = "请求体不是有效的 JSON。"
        return api.create_response(
            request,
            {"code": "invalid_json", "message": message, "errors": {"__all__": message}},
            status=400,
        )
    return error_response(request, exc.status_code, "error", "请求无法处理。")


def _label(key: str) -> str:
    return PERMIT_FIELDS[key][0] if key in PERMIT_FIELDS else key


def _field_error(error: dict[str, Any]) -> tuple[str, str]:
    loc = [str(part) for part in error.get("loc", ())]
    kind = str(error.get("type", ""))
    if loc[:1] == ["header"]:
        return "Idempotency-Key", (
            f"请在请求头中提供幂等键 Idempotency-Key（1–{MAX_KEY_LENGTH} 个字符，"
            "每个新请求一个，重发同一请求时不变）。"
        )
    key = loc[-1] if len(loc) > 2 else "__all__"
    if key == "__all__" or kind in ("model_type", "dict_type"):
        return "__all__", "请求体应为 JSON 对象，字段见接口说明。"
    if kind == "extra_forbidden":
        return key, f"不认识的字段：{key}。"
    if kind == "missing":
        return key, f"请填写{_label(key)}。"
    if kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        return key, f"{_label(key)}不能超过 {limit} 个字。"
    return key, f"{_label(key)}应为文字（字符串）。"


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """The write's body and header problems field by field; the read endpoints as before."""
    if request.method != "POST":
        return _read_invalid(request, exc)
    errors = dict(_field_error(e) for e in exc.errors)
    status = 400 if "Idempotency-Key" in errors else 422
    return api.create_response(
        request,
        {
            "code": "invalid_request" if status == 400 else "invalid_permit",
            "message": "请求有误，未登记：" + "；".join(errors.values()),
            "errors": errors,
        },
        status=status,
    )


def _small_body(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """413 for a body over ``SANXIANG_API_MAX_BODY_BYTES``, before anything reads or parses it
    (a declared length is trusted to refuse early, then the body read is counted too)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit = settings.SANXIANG_API_MAX_BODY_BYTES
        refusal = error_response(
            request, 413, "too_large", f"请求体过大：一条行政许可不超过 {limit // 1024} KB。"
        )
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            return refusal
        try:
            if len(request.body) > limit:
                return refusal
        except RequestDataTooBig:
            return refusal
        return view(request, *args, **kwargs)

    return wrapper


def _out(permit: Any) -> dict[str, Any]:
    publication = getattr(permit, "publication", None)
    return {
        "id": permit.pk,
        "agency_id": permit.agency_id,
        "decision": permit.decision,
        "decision_label": permit.get_decision_display(),
        "decision_number": permit.decision_number,
        "standing": permit.standing,
        "recorded_at": timezone.localtime(permit.recorded_at).isoformat(),
        "publication": {"id": publication.pk, "due_on": publication.due_on.isoformat()}
        if publication is not None
        else None,
    }


def _rejected(request: HttpRequest, errors: dict[str, str]) -> HttpResponse:
    return api.create_response(
        request,
        {
            "code": "invalid_permit",
            "message": "行政许可信息有误，未登记：" + "；".join(errors.values()),
            "errors": errors,
        },
        status=422,
    )


class _Rejected(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


@api.post(
    "/permits",
    auth=TokenAuth(ApiScope.PERMITS_WRITE.value),
    response={
        201: PermitOut,
        400: FieldErrorsOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        413: ErrorOut,
        422: FieldErrorsOut,
        429: ErrorOut,
    },
    url_name="permits",
    summary="报送行政许可决定",
    description=(
        "由作出许可决定的系统（如政务服务平台）报送一条行政许可决定，登记后自动开启公示（"
        "自决定之日起 7 个工作日内公示）。须使用执法主体签发的接口令牌（权限 permits:write）；"
        "登记到令牌所属的执法主体。每个请求须带幂等键 Idempotency-Key：同一键和同一请求体重发，"
        "返回第一次的结果（响应头 Idempotent-Replayed: true），不会重复登记；同一键用于不同请求体，"
        "返回 409。被拒绝的请求不登记任何内容，也不占用幂等键。\n\n"
        "错误：400 缺少幂等键或请求体不是 JSON；401 缺少令牌、令牌无效或已停用；"
        "403 令牌没有 permits:write 权限；409 幂等键已用于另一请求；413 请求体过大；"
        "422 字段有误（errors 逐字段说明）；429 本地址认证失败次数过多。"
    ),
    tags=["行政许可报送"],
)
@decorate_view(_small_body)
def permit_create(
    request: HttpRequest,
    permit: PermitIn,
    idempotency_key: HeaderEx[
        str,
        P(
            alias="Idempotency-Key",
            min_length=1,
            max_length=MAX_KEY_LENGTH,
            description="客户端为每个新请求生成的唯一键（建议 UUID）；重发同一请求时不变",
        ),
    ],
) -> HttpResponse:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    fields = permit.model_dump(exclude_none=True)
    # A NUL cannot be stored (PostgreSQL refuses it) and no 双公示 field has a use for one.
    nul = {key: f"{_label(key)}含有不可见的控制字符（NUL），请删除。" for key, value in
           fields.items() if "\x00" in value}  # fmt: skip
    if nul:
        return _rejected(request, nul)

    def write() -> tuple[int, str]:
        try:
            recorded = permit_record(
                agency=token.agency, fields=fields, source=f"api:token-{token.pk}", actor=None
            )
        except PermitRejected as exc:
            raise _Rejected(exc.errors) from exc
        except DomainError as exc:  # refused by another rule of the domain
            raise _Rejected({"__all__": exc.message}) from exc
        return 201, api.renderer.render(request, _out(recorded), response_status=201)

    try:
        answer = api_write(
            token=token,
            key=idempotency_key,
            operation=OPERATION,
            request_sha256=request_digest(fields),
            write=write,
        )
    except IdempotencyConflict as exc:
        return error_response(request, 409, "idempotency_conflict", exc.message)
    except _Rejected as exc:
        return _rejected(request, exc.errors)
    response = HttpResponse(answer.body, status=answer.status, content_type=api.get_content_type())
    response["Idempotent-Replayed"] = "true" if answer.replayed else "false"
    return response
