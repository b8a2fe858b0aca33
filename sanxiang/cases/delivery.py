"""送达: how a document reached the party, and from which day the periods it opens run.

行政处罚法第六十一条 sends the agency to the 民事诉讼法 for service; its 送达 section (2023年修正,
第八十七条至第九十五条) says what each mode must record and when the document counts as served.
A 送达回证 (document kind ``service_proof``) records one service; the latest 送达回证 made after
the latest version of the served document is the one that counts. Periods that run from
service (陈述申辩 and 听证 after 事先告知, 复议 and payment after the decision) run from the
date it records, never from the day someone clicked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sanxiang.cases.models import Case, CaseDocument


@dataclass(frozen=True)
class ServiceMode:
    """One mode of service: what its 送达回证 must record beyond the common fields, and why."""

    label: str
    basis: str
    # (input name, what to ask when it is missing)
    requires: tuple[tuple[str, str], ...] = ()
    # Calendar days after the recorded date until the document counts as served (公告).
    deemed_after_days: int = 0

    def missing(self, fields: dict[str, Any]) -> list[str]:
        return [message for name, message in self.requires if not fields.get(name)]


MODES: dict[str, ServiceMode] = {
    mode.label: mode
    for mode in (
        # 受送达人在送达回证上的签收日期为送达日期 (第八十七条、第八十八条).
        ServiceMode("直接送达", "民事诉讼法第八十七条、第八十八条"),
        ServiceMode(
            "留置送达",
            "民事诉讼法第八十九条",
            # And a 见证人, or the service recorded by photo or video (checked against the
            # case's evidence: ``documents.inputs_refusal``).
            requires=(("refusal", "留置送达须写明受送达人拒收的事由（民事诉讼法第八十九条）"),),
        ),
        # The date on the postal receipt (回执) is the date of service (第九十一条).
        ServiceMode(
            "邮寄送达",
            "民事诉讼法第九十一条",
            requires=(("tracking", "邮寄送达须写明邮件号码，送达时间按回执上注明的收件日期填写"),),
        ),
        ServiceMode(
            "委托送达",
            "民事诉讼法第九十一条",
            requires=(("agent", "委托送达须写明受委托的机关或者单位"),),
        ),
        # Only with the party's consent and a signed 确认书 (行政处罚法第六十一条第二款); served
        # on the day it reaches the address the party gave (民事诉讼法第九十条).
        ServiceMode(
            "电子送达",
            "行政处罚法第六十一条第二款、民事诉讼法第九十条",
            requires=(
                ("consent", "电子送达须经当事人同意并签订确认书，请写明确认书的签订日期和编号"),
                ("address", "电子送达须写明当事人确认的传真号码、电子邮件地址等电子送达地址"),
            ),
        ),
        # Thirty days after the notice is published it counts as served; why the other modes
        # failed is recorded in the file (第九十五条).
        ServiceMode(
            "公告送达",
            "民事诉讼法第九十五条",
            requires=(
                ("medium", "公告送达须写明公告的载体（报纸名称、公告栏位置或网站）"),
                (
                    "unreachable",
                    "公告送达须在案卷中记明原因和经过：受送达人下落不明或者其他方式无法送达的情况",
                ),
            ),
            deemed_after_days=30,
        ),
    )
}
METHODS = tuple(MODES)


def effective_date(fields: dict[str, Any]) -> date:
    """The day a 送达回证's document counts as served: the recorded date, or for 公告送达 the
    day thirty days after publication (民事诉讼法第九十五条)."""
    recorded = datetime.fromisoformat(fields["served_at"]).date()
    mode = MODES.get(fields.get("method", ""))
    if mode is not None and mode.deemed_after_days:
        return recorded + timedelta(days=mode.deemed_after_days)
    return recorded


@dataclass(frozen=True)
class Service:
    """The service that counts for a document: its 送达回证 and the day it took effect."""

    proof: CaseDocument
    method: str
    served_on: date


def service_of(case: Case, kind: str) -> Service | None:
    """The latest recorded service of the latest version of ``kind`` in ``case``, or None."""
    from sanxiang.cases.models import documents_of

    versions = documents_of(case, kind)
    if not versions:
        return None
    served = versions[0]
    # Made after this version (ids grow with each document made): a proof of an earlier
    # version does not serve a corrected one.
    proofs = sorted(
        (p for p in documents_of(case, "service_proof") if p.pk > served.pk),
        key=lambda p: -p.pk,
    )
    for proof in proofs:
        if proof.fields.get("served_document") == kind:
            return Service(proof, proof.fields.get("method", ""), effective_date(proof.fields))
    return None


def service_refusal(case: Case, kind: str, label: str, today: date) -> str | None:
    """Why ``kind`` does not yet count as served in writing (None when it does)."""
    from sanxiang.cases.models import documents_of

    if not documents_of(case, kind):
        return f"请先制作{label}"
    service = service_of(case, kind)
    if service is None:
        return (
            f"{label}尚未送达：请在文书部分制作送达回证，记录送达方式、时间和签收人"
            "（已更正的文书须重新送达）"
        )
    if service.served_on > today:
        return (
            f"{label}以公告方式送达，自公告之日起经过三十日即视为送达，"
            f"至 {service.served_on:%Y年%m月%d日} 方送达（民事诉讼法第九十五条）"
        )
    return None
