"""On the spot (现场执法, on a phone): opening the case, photos, 当场处罚, on-site inspections.

The phone's pages (``cases/onsite.py``) call only this module for their writes; each function
here is one step of the phone flow, made of the same services the case page uses.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.models import (
    Case,
    CaseCircumstance,
    CaseDocument,
    PenaltyKind,
    evidence_reference,
)
from sanxiang.cases.pdf import document_pdf_ensure
from sanxiang.cases.services._common import CaseRefused, _case_for_update
from sanxiang.cases.services.assessment import (
    Assessment,
    case_assess,
    case_basis_set,
    case_violation_choose,
)
from sanxiang.cases.services.circumstances import Tick, case_circumstances_set
from sanxiang.cases.services.documents import document_generate
from sanxiang.cases.services.opening import NewCase, case_open, handlers_set, party_add
from sanxiang.cases.services.transition import case_transition
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.engine import in_states
from sanxiang.discretion.models import CircumstanceKind
from sanxiang.evidence.models import EvidenceItem, EvidenceKind
from sanxiang.evidence.services import Upload, evidence_correct, evidence_register
from sanxiang.evidence.storage import blob_name, digest_stream, open_blob
from sanxiang.org.models import Article, EnforcementCategory, Officer

# --- On the spot (现场执法, on a phone) --------------------------------------------------------
# A case on the spot has no number until its decision (当场处罚决定书编号), but its photos are
# registered as they are taken: they are filed under a provisional reference and re-filed
# (a recorded correction of their 案件编号) under the number when the case gets it.

# Declared on the procedures (their ``onsite`` activity).
ONSITE_STATES: dict[str, frozenset[str]] = {
    code: states for code, d in PROCEDURES.items() if (states := d.open_in("onsite"))
}
# A phone's clock and the file's time may disagree a little with the server's.
CLIENT_TIME_SLACK = timedelta(minutes=5)
CLIENT_TIME_MAX_AGE = timedelta(hours=24)
TWO_OFFICERS = (
    "现场执法须由两名以上持有有效执法证的执法人员进行，请选择同行的另一名执法人员"
    "（行政处罚法第四十二条、第五十一条、第五十五条）。"
)


@dataclass(frozen=True)
class OnsiteStart:
    """What the first screen chose: the procedure, 案由, 执法类别 and the second officer."""

    kind: str
    title: str
    category_id: int
    second_id: int


@dataclass(frozen=True)
class OnsiteParty:
    kind: str
    name: str
    identifier: str
    address: str
    contact: str = ""


def onsite_case_open(*, actor: Officer, start: OnsiteStart, party: OnsiteParty) -> Case:
    """Open the case on the spot with both officers and the party, or not at all (a refused ID
    number or credit code leaves nothing behind)."""
    second = Officer.objects.filter(pk=start.second_id).first()
    if second is None:
        raise CaseRefused(TWO_OFFICERS, log_message=f"second officer {start.second_id} gone")
    today = timezone.localdate()
    with transaction.atomic():
        case = case_open(
            actor=actor,
            new=NewCase(
                procedure=start.kind,
                title=start.title,
                source="现场执法",
                category=EnforcementCategory.objects.get(pk=start.category_id),
                violation_on=today,
                clue_received_on=today,
            ),
        )
        handlers_set(actor=actor, case_id=case.pk, officers=[actor, second])
        party_add(
            actor=actor,
            case_id=case.pk,
            kind=party.kind,
            name=party.name,
            identifier=party.identifier,
            address=party.address,
            contact=party.contact,
        )
    return case


def _onsite_case(actor: Officer, case_id: int) -> Case:
    case = _case_for_update(case_id, actor)
    if not case.handlers.filter(pk=actor.pk).exists():
        raise CaseRefused(
            "只有本案承办人可以在现场办理本案。", log_message=f"{actor.pk} not handler"
        )
    if not in_states(case, ONSITE_STATES.get(case.procedure, frozenset())):
        state = PROCEDURES[case.procedure].states.get(case.state, case.state)
        raise CaseRefused(
            f"案件处于“{state}”，不能再在现场添加记录。",
            log_message=f"case {case.pk} not on site ({case.procedure}/{case.state})",
        )
    return case


@dataclass(frozen=True)
class Position:
    """Where the browser's Geolocation API put the phone (WGS 84 degrees, metres)."""

    latitude: Decimal
    longitude: Decimal
    accuracy_m: Decimal | None = None

    def problem(self) -> str | None:
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            return "定位数据不正确。"
        if self.accuracy_m is not None and self.accuracy_m < 0:
            return "定位精度不正确。"
        return None

    def text(self) -> str:
        accuracy = f"，精度约 {self.accuracy_m:.0f} 米" if self.accuracy_m is not None else ""
        return f"定位 {self.latitude:.6f},{self.longitude:.6f}{accuracy}"


def onsite_photo_location(place: str, position: Position | None) -> str:
    """采集地点: what the officer typed, with the position when the phone gave one."""
    place = " ".join(place.split())
    if position is None:
        if not place:
            raise CaseRefused(
                "未取得定位，请填写拍摄地点（采集地点为必填信息）。",
                log_message="photo without place or position",
            )
        return place[:200]
    if position.problem():
        raise CaseRefused(position.problem() or "", log_message="bad position")
    suffix = position.text()
    if not place:
        return suffix
    return f"{place[: 200 - len(suffix) - 2]}（{suffix}）"


def onsite_photo_add(
    *,
    actor: Officer,
    case_id: int,
    upload: Upload,
    place: str,
    position: Position | None,
    client_time: datetime | None,
    proves: str,
    device: str,
) -> EvidenceItem:
    """Register one photo taken on the spot as evidence of the case (the evidence app's own
    service: checks of type and metadata, hashing, custody, ledger).

    采集时间 is the file's time as the browser reported it when plausible (not in the future,
    not older than a day); otherwise the time the server received it. The server's receipt time
    is recorded either way (the record's 登记时间), and the description says which was used.
    """
    with transaction.atomic():
        case = _onsite_case(actor, case_id)
    location = onsite_photo_location(place, position)
    received = timezone.now()
    source = "服务器接收时间（浏览器未提供文件时间）"
    collected_at = received
    if client_time is not None:
        if received - CLIENT_TIME_MAX_AGE <= client_time <= received + CLIENT_TIME_SLACK:
            collected_at, source = min(client_time, received), "浏览器提供的文件时间"
        else:
            source = "服务器接收时间（浏览器提供的文件时间不可信）"
    description = (
        f"现场执法手机拍摄。采集时间取自{source}；"
        f"服务器接收时间 {timezone.localtime(received):%Y-%m-%d %H:%M:%S}。"
    )
    if position is not None:
        description += f"浏览器定位：纬度 {position.latitude}，经度 {position.longitude}"
        if position.accuracy_m is not None:
            description += f"，精度 {position.accuracy_m} 米"
        description += "。"
    return evidence_register(
        actor=actor,
        upload=upload,
        metadata={
            "case_number": evidence_reference(case),
            "kind": EvidenceKind.PHOTO,
            "collected_at": collected_at,
            "location": location,
            "collector": actor,
            "proves": proves.strip() or case.title,
            "device": device.strip()[:100] or "手机",
            "description": description,
        },
    )


def _refile_evidence(actor: Officer, case: Case, old_reference: str, new_reference: str) -> int:
    """Re-file the current records filed under ``old_reference`` (a recorded correction)."""
    if old_reference == new_reference:
        return 0
    items = EvidenceItem.objects.filter(
        agency_id=case.agency_id, case_number=old_reference, superseded_by__isnull=True
    ).order_by("pk")
    count = 0
    for item in items:
        evidence_correct(
            actor=actor,
            item_id=item.pk,
            changes={"case_number": new_reference},
            reason=f"案件编号由“{old_reference}”改为“{new_reference}”",
        )
        count += 1
    return count


@dataclass(frozen=True)
class OnSpotPenalty:
    """The 当场处罚 as the officer chose it: facts, articles, and a fine (``None``: a warning);
    with a 违法行为 of the 裁量基准 chosen, the 情节 ticked (``None``: left as they are) and
    the reasons for a fine outside the applicable tier (``None``: left as they are)."""

    facts: str
    violated: list[Article]
    penalty: list[Article]
    fine: Decimal | None
    ticks: list[Tick] | None = None
    discretion_reasons: str | None = None


def _statutory_refusal(case: Case, fine: Decimal | None) -> None:
    """The fine against the chosen 违法行为's statutory range: never above its maximum (no
    法定依据 for the excess, 第五十一条), below its minimum only as 减轻处罚 on a recorded
    第三十二条 情节 (and then outside any ordinary tier: written reasons, as on the desktop)."""
    violation = case.discretion_violation
    if violation is None or fine is None:
        return
    if violation.fine_max is not None and fine > violation.fine_max:
        raise CaseRefused(
            f"罚款 {fine} 元超过处罚依据规定的罚款上限 {violation.fine_max} 元，没有法定依据，"
            "不能作出（行政处罚法第五十一条）。",
            log_message=f"case {case.pk}: fine above the statutory maximum",
        )
    if violation.fine_min is not None and fine < violation.fine_min:
        mitigating = CaseCircumstance.objects.filter(
            case=case, circumstance__kind=CircumstanceKind.MITIGATING
        ).exists()
        if not mitigating:
            raise CaseRefused(
                f"罚款 {fine} 元低于处罚依据规定的罚款下限 {violation.fine_min} 元：减轻处罚须有"
                "行政处罚法第三十二条规定的情形，请勾选从轻减轻情节并写明理由。",
                log_message=f"case {case.pk}: fine below the statutory minimum",
            )


def on_spot_violation_choose(*, actor: Officer, case_id: int, violation_id: object) -> Case:
    """选用裁量基准中的违法行为 on the phone: the desktop's service (its articles become the
    case's basis; the case keeps the version)."""
    with transaction.atomic():
        _onsite_case(actor, case_id)
        return case_violation_choose(actor=actor, case_id=case_id, violation_id=violation_id)


def on_spot_circumstances_set(*, actor: Officer, case_id: int, ticks: list[Tick]) -> None:
    """登记裁量情节 on the phone (the desktop's service: each with this case's evidence)."""
    with transaction.atomic():
        _onsite_case(actor, case_id)
        case_circumstances_set(actor=actor, case_id=case_id, ticks=ticks)


def on_spot_penalty_set(*, actor: Officer, case_id: int, choice: OnSpotPenalty) -> None:
    """Record the chosen 当场处罚 (articles, 情节, the proposal) in one transaction — all or
    nothing. The articles come first (articles other than the 违法行为's drop it and its 情节),
    then the 情节, then the proposal, which ``case_assess`` checks against the tier the 情节
    make applicable (outside it: written reasons); the statutory range is checked here. The
    第五十一条 limits are not: the ``decide_on_spot`` step's guard refuses them, so an amount
    beyond them is saved and the case can be converted."""
    with transaction.atomic():
        _onsite_case(actor, case_id)
        case = case_basis_set(
            actor=actor, case_id=case_id, violated=choice.violated, penalty=choice.penalty
        )
        if choice.ticks is not None:
            case_circumstances_set(actor=actor, case_id=case_id, ticks=choice.ticks)
        _statutory_refusal(case, choice.fine)
        case_assess(
            actor=actor,
            case_id=case_id,
            assessment=Assessment(
                facts=choice.facts,
                penalty_kinds=(PenaltyKind.WARNING,)
                if choice.fine is None
                else (PenaltyKind.FINE,),
                fine_yuan=choice.fine,
                discretion_reasons=choice.discretion_reasons,
            ),
        )


def on_spot_decision_document(*, actor: Officer, case_id: int) -> CaseDocument:
    """The 当场行政处罚决定书 (again, e.g. when the first try failed)."""
    return document_generate(actor=actor, case_id=case_id, kind="on_spot_decision")


def on_spot_decide(*, actor: Officer, case_id: int) -> Case:
    """当场作出处罚决定 (the declared step with all its guards), and the photos taken before it
    re-filed under the decision's number, in one transaction."""
    with transaction.atomic():
        provisional = evidence_reference(_case_for_update(case_id, actor))
        case = case_transition(actor=actor, case_id=case_id, action="decide_on_spot")
        _refile_evidence(actor, case, provisional, evidence_reference(case))
    return case


def on_spot_convert(*, actor: Officer, case_id: int) -> Case:
    """转为一般程序: the on-the-spot case closes as converted and a general-procedure case (案源
    登记) carries over its parties, handlers, facts, proposal, articles and photos."""
    with transaction.atomic():
        case = case_transition(actor=actor, case_id=case_id, action="convert")
        follow_up = Case.objects.get(origin=case)
        _refile_evidence(actor, case, evidence_reference(case), evidence_reference(follow_up))
    return follow_up


def inspection_record_on_site(
    *, actor: Officer, case_id: int, inputs: Mapping[str, str], device: str = "手机"
) -> CaseDocument:
    """现场检查笔录 made on the phone: the document is generated, and its PDF is registered as
    the check's written record (文字记录) through the evidence app, so 检查 can be recorded."""
    with transaction.atomic():
        case = _onsite_case(actor, case_id)
    document = document_generate(
        actor=actor, case_id=case.pk, kind="inspection_record", inputs=inputs
    )
    if document.fields.get("findings") and not case.facts:
        case_assess(
            actor=actor, case_id=case.pk, assessment=Assessment(facts=document.fields["findings"])
        )
    # The written record is the PDF: made now, since the check cannot be recorded without it.
    document = document_pdf_ensure(document.pk)
    with open_blob(blob_name(document.pdf_sha256)) as handle:
        data = io.BytesIO(handle.read())
    started = datetime.fromisoformat(document.fields["started_at"])
    if timezone.is_naive(started):
        started = timezone.make_aware(started)
    evidence_register(
        actor=actor,
        upload=Upload(
            handle=data,
            filename=f"现场检查笔录-v{document.version}.pdf",
            digests=digest_stream(data),
        ),
        metadata={
            "case_number": evidence_reference(case),
            "kind": EvidenceKind.TEXT,
            "collected_at": min(started, timezone.now()),
            "location": document.fields["place"],
            "collector": actor,
            "proves": "现场检查情况（现场检查笔录）",
            "device": device,
            "description": (
                f"现场检查笔录第 {document.version} 版，核验码 {document.verification_code}。"
            ),
        },
    )
    return document


def inspection_check_on_site(*, actor: Officer, case_id: int, inputs: Mapping[str, str]) -> Case:
    """The 现场检查笔录 made on the phone, then 检查 recorded (the step needs the record)."""
    inspection_record_on_site(actor=actor, case_id=case_id, inputs=inputs)
    return case_transition(actor=actor, case_id=case_id, action="check")


def inspection_result_record(*, actor: Officer, case_id: int, action: str) -> Case | None:
    """检查结果 (``find_nothing`` or ``find_violation``); the general-procedure case a violation
    opens, if any."""
    case = case_transition(actor=actor, case_id=case_id, action=action)
    return Case.objects.filter(origin=case).first()
