"""What the API returns and accepts. The OpenAPI document is generated from these classes, so
the schema cannot say something the code does not do (docs/operations/api.md)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, create_model

from sanxiang.disclosure.exporting import COLUMNS
from sanxiang.disclosure.public import kinds_public

MAX_ID = 2**63 - 1  # a database key; larger numbers are refused as invalid, not looked up

if TYPE_CHECKING:
    Kind = StrEnum
    ExchangeFields = BaseModel
else:
    # 执法行为类别 codes, from the same choices the portal's filter offers.
    Kind = StrEnum("Kind", {value: value for value, _ in kinds_public()})
    # The 双公示 fields under their exchange names, in the order of the CSV/Excel/JSON exports:
    # one mapping (disclosure.exporting.COLUMNS) for every way the data leaves the platform.
    ExchangeFields = create_model(
        "ExchangeFields",
        __config__=ConfigDict(populate_by_name=False, title="双公示字段"),
        **{f"c{i}": (str, Field(alias=name)) for i, name in enumerate(COLUMNS)},
    )


class ErrorOut(Schema):
    code: str = Field(description="机器可读的错误代码（英文）", examples=["not_found"])
    message: str = Field(description="错误说明（中文）")


class WithdrawalOut(Schema):
    """行政处罚法第四十八条第二款: the decision fell, its content is no longer public."""

    reason: str = Field(description="撤下原因")
    statement: str = Field(description="撤下说明（公开）")
    withdrawn_at: datetime | None = Field(description="撤下时间")


class PublicationOut(Schema):
    id: int
    url: str = Field(description="本条目在 API 中的地址（路径）")
    portal_url: str = Field(description="门户网站上的公示页面（路径）")
    title: str
    agency_id: int
    agency: str = Field(description="执法主体")
    kind: Kind = Field(description="执法行为类别代码")
    kind_label: str = Field(description="执法行为类别")
    decided_on: date = Field(description="决定日期")
    published_at: datetime | None = Field(description="首次公示时间")
    status: Literal["published", "withdrawn"]
    sha256: str | None = Field(description="当前公示内容（UTF-8）的 SHA-256；撤下后为 null")
    fields: ExchangeFields | None = Field(
        description="双公示字段（与导出文件同名同序）；撤下后为 null"
    )
    ledger_index: int | None = Field(
        description="记录当前公示内容的全过程记录序号（RFC 9162 叶子序号）；尚未记录或撤下后为 null"
    )
    withdrawal: WithdrawalOut | None = Field(description="撤下公告；未撤下为 null")


class PublicationPage(Schema):
    items: list[PublicationOut]
    next_cursor: str | None = Field(description="下一页的翻页标记；没有下一页为 null")
    next_url: str | None = Field(description="下一页的地址（路径，含全部查询参数）")


class VersionOut(Schema):
    number: int = Field(description="版本号（首次公示为 1，每次更正加 1）")
    sha256: str
    confirmed_at: datetime = Field(description="公示审核确认时间")


class VerificationOut(Schema):
    """What a third party needs to check the text against the signed log (RFC 9162)."""

    ledger_index: int
    leaf: str = Field(description="叶子的规范 JSON，其 content_sha256 即公示内容的 SHA-256")
    leaf_content_sha256: str
    tree_size: int | None = Field(description="包含该叶子的最小已签名记录树大小；尚未签名为 null")
    root_hash_hex: str | None
    signed_at: str | None
    key_id: str | None
    proof_url: str | None = Field(description="包含证明（JSON）的地址")
    checkpoint_url: str = Field(description="最新签名树头和公钥（JSON）的地址")


class PublicationDetailOut(PublicationOut):
    full_text: bool = Field(description="是否全文公示（否则仅公示字段）")
    text: str | None = Field(description="公示内容（已隐去个人信息）；撤下后为 null")
    versions: list[VersionOut] = Field(description="各次确认的公示内容；撤下后为空")
    verification: VerificationOut | None


class PublicationQuery(Schema):
    since: date | None = Field(None, description="决定日期不早于（YYYY-MM-DD）")
    until: date | None = Field(None, description="决定日期不晚于（YYYY-MM-DD）")
    agency: int | None = Field(None, ge=1, le=MAX_ID, description="执法主体 id（见 /agencies）")
    kind: Kind | None = Field(None, description="执法行为类别代码")
    q: str = Field("", max_length=100, description="在标题和公示内容中检索，空格分隔多个词")
    cursor: str | None = Field(
        None, max_length=100, description="上一页返回的 next_cursor；第一页不传"
    )
    limit: int = Field(20, ge=1, le=100, description="每页条数")


class UnitOut(Schema):
    name: str


class AgencyOut(Schema):
    id: int
    name: str
    credit_code: str = Field(description="统一社会信用代码")
    level: str = Field(description="层级")
    region: str = Field(description="所属行政区域")
    address: str
    phone: str
    units: list[UnitOut] = Field(description="内设机构")
    officers_url: str = Field(description="该执法主体的执法人员清单（API 路径）")


class CertificateOut(Schema):
    number: str = Field(description="执法证号")
    categories: list[str] = Field(description="执法类别")
    region: str = Field(description="执法区域")
    valid_from: date
    valid_until: date
    status: str = Field(description="今日状态代码（valid/expired/not_yet_valid/revoked）")
    status_label: str = Field(description="今日状态")


class OfficerOut(Schema):
    name: str
    gender: str = Field(description="性别")
    post: str = Field(description="职务（未登记为空）")
    agency_id: int
    agency: str
    unit: str = Field(description="内设机构")
    certificate: CertificateOut = Field(description="最新的执法证")


class OfficerQuery(Schema):
    agency: int | None = Field(None, ge=1, le=MAX_ID, description="执法主体 id")
    cursor: str | None = Field(None, max_length=100, description="上一页返回的 next_cursor")
    limit: int = Field(50, ge=1, le=100, description="每页条数")


class OfficerPage(Schema):
    items: list[OfficerOut]
    next_cursor: str | None
    next_url: str | None
    as_of: date = Field(description="证件状态按此日期计算")


class CatalogueRuleOut(Schema):
    position: int
    title: str = Field(description="事项")
    conditions: str = Field(description="适用条件")
    basis: str = Field(description="依据")


class CatalogueOut(Schema):
    agency: str
    rules: list[CatalogueRuleOut]


class RecordingMatterOut(Schema):
    position: int
    matter: str = Field(description="事项")
    manner: str = Field(description="记录方式：音像记录或全程音像记录")
    kinds: str = Field(description="满足要求的记录形式")
    step: str = Field(description="对应环节")
    basis: str = Field(description="依据")


class RecordingListOut(Schema):
    agency_id: int
    agency: str
    matters: list[RecordingMatterOut]


class DiscretionSummaryOut(Schema):
    agency_id: int
    agency: str = Field(description="执法主体")
    title: str = Field(description="裁量基准名称")
    number: int = Field(description="版本号（本执法主体内顺序编号）")
    document_number: str = Field(description="文号（可空）")
    valid_from: date = Field(description="施行日期")
    url: str = Field(description="本版本全文（/api/v1/discretion/{agency_id}）")


class DiscretionTierOut(Schema):
    name: str = Field(description="阶次名称")
    kind: str = Field(
        description="阶次性质：no_penalty 不予处罚、mitigated 减轻、lighter 从轻、ordinary 一般、"
        "heavier 从重、other 其他"
    )
    conditions: str = Field(description="适用条件")
    fine_min: str | None = Field(description="罚款下限（元，十进制字符串；无则为 null）")
    fine_max: str | None = Field(description="罚款上限（元）")
    multiple_min: str | None = Field(description="倍数下限（基数见违法行为的 multiple_base）")
    multiple_max: str | None = Field(description="倍数上限")
    other_penalties: str = Field(description="其他处罚，例如警告、没收违法所得、责令停产停业")


class DiscretionArticleOut(Schema):
    law: str = Field(description="法律法规名称")
    article: str = Field(description="条文序号，例如第三十六条")


class DiscretionViolationOut(Schema):
    code: str = Field(description="违法行为编号")
    name: str = Field(description="违法行为")
    keywords: str
    item_code: str = Field(description="执法事项编码（权责清单）")
    item: str = Field(description="执法事项名称")
    violated_basis: str = Field(description="违法依据（原文引用，含款项）")
    penalty_basis: str = Field(description="处罚依据（原文引用，含款项）")
    violated_articles: list[DiscretionArticleOut]
    penalty_articles: list[DiscretionArticleOut]
    statutory_text: str = Field(description="法定处罚")
    fine_min: str | None = Field(description="法定罚款下限（元）")
    fine_max: str | None = Field(description="法定罚款上限（元）")
    multiple_base: str = Field(
        description="倍数基数：illegal_gains 违法所得、goods_value 货值金额，无则为空"
    )
    multiple_min: str | None
    multiple_max: str | None
    other_penalties: str = Field(description="其他处罚种类")
    tiers: list[DiscretionTierOut]


class DiscretionCircumstanceOut(Schema):
    kind: str = Field(
        description="first_offence 首违不罚、minor 轻微不罚、mitigating 从轻减轻、aggravating 从重"
    )
    violation: str | None = Field(description="适用的违法行为编号；null 为全部")
    text: str = Field(description="情形")
    basis: str = Field(description="依据（原文引用；空为本机关规定）")


class DiscretionOut(DiscretionSummaryOut):
    issuer: str = Field(description="制定机关")
    source: str = Field(description="来源（网址或出处）")
    content_sha256: str = Field(description="发布时记入执法全过程记录的内容 SHA-256")
    both_tier_kind: str = Field(
        description="从重与从轻减轻（或不予处罚）情节并存时适用的阶次种类："
        "lighter 从轻处罚、ordinary 一般处罚（默认）、heavier 从重处罚"
    )
    violations: list[DiscretionViolationOut]
    circumstances: list[DiscretionCircumstanceOut]
