"""Writes of 双随机一公开: the 名录库 import, plans, tasks, conflicts, freeze, beacons, draw.

Every write is one transaction with its ledger event. A task moves DRAFT → FROZEN → DRAWN
and each step locks the task row, so two clicks cannot freeze or draw twice.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sanxiang.cases.models import PartyKind, Procedure
from sanxiang.cases.services import (
    NewCase,
    case_open,
    handlers_set,
    party_add,
)
from sanxiang.core.identifiers import credit_code_problem, id_number_problem
from sanxiang.errors import DomainError
from sanxiang.inspections import draw, events
from sanxiang.inspections.models import (
    Beacon,
    Commitment,
    Conflict,
    DrawnTarget,
    InspectionPlan,
    InspectionTarget,
    InspectionTask,
    RiskLevel,
    SubjectKind,
    TaskState,
    public_id_new,
)
from sanxiang.ledger.events import content_digest
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import sha256_hex
from sanxiang.org.importing import ImportRejected, RowError, read_table
from sanxiang.org.models import (
    Agency,
    Certificate,
    CertificateStatus,
    EnforcementCategory,
    Officer,
    RandomCheckItem,
    Role,
)

logger = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 200_000
TARGET_COLUMNS = (
    "类型",
    "统一社会信用代码或身份证号码",
    "名称或姓名",
    "住所或经营地址",
    "行业类别",
    "所属区域",
    "风险等级",
    "信用等级",
)
TARGET_REQUIRED = TARGET_COLUMNS[:7]
_KINDS = {"单位": SubjectKind.ORGANISATION, "个人": SubjectKind.INDIVIDUAL}
_RISKS = {label: value for value, label in RiskLevel.choices} | {
    "低": RiskLevel.LOW,
    "中": RiskLevel.MEDIUM,
    "高": RiskLevel.HIGH,
}


class InspectionRefused(DomainError):
    """A step of a random inspection that the rules do not allow now."""


MAX_TEAM = 20


def _text(value: str, label: str, limit: int, *, required: bool = True) -> str:
    """Typed text, trimmed: refused when missing (if required), too long or holding a NUL."""
    value = (value or "").strip()
    if required and not value:
        raise InspectionRefused(f"请填写{label}。", log_message=f"{label} missing")
    if len(value) > limit:
        raise InspectionRefused(f"{label}不能超过 {limit} 字。", log_message=f"{label} too long")
    if "\x00" in value:
        raise InspectionRefused(f"{label}含有无法保存的字符。", log_message=f"NUL in {label}")
    return value


def ratio_checked(value: Decimal, label: str = "抽查比例") -> Decimal:
    """A percentage as stored (two decimals), greater than 0 and at most 100."""
    if not value.is_finite():
        raise InspectionRefused(f"{label}应为数字。", log_message=f"ratio {value!r}")
    value = value.quantize(Decimal("0.01"))
    if not (Decimal(0) < value <= Decimal(100)):
        raise InspectionRefused(
            f"{label}应大于 0 且不超过 100（精确到 0.01）。",
            log_message=f"ratio {value} out of range",
        )
    return value


def _may_manage(actor: Officer, agency_id: int) -> None:
    """Plans and tasks are run by the lead agency's 执法人员 or 负责人 (never a reviewer)."""
    if (
        not actor.is_active
        or actor.unit.agency_id != agency_id
        or actor.has_role(Role.REVIEWER)
        or not (actor.has_role(Role.OFFICER) or actor.has_role(Role.HEAD))
    ):
        raise InspectionRefused(
            "只有牵头执法主体在岗的执法人员或负责人可以办理抽查任务。",
            log_message=f"officer {actor.pk} may not manage inspections of agency {agency_id}",
        )


def _task_for_update(task_id: int, actor: Officer) -> InspectionTask:
    task = InspectionTask.objects.select_for_update().filter(pk=task_id).first()
    if task is None:
        raise InspectionRefused("未找到该抽查任务。", log_message=f"no task {task_id}")
    _may_manage(actor, task.agency_id)
    return task


# ---------------------------------------------------------------------------------------------
# 名录库


@dataclass(frozen=True)
class TargetsImported:
    created: int
    updated: int
    file_sha256: str


def targets_import(
    *, agency: Agency, filename: str, content: bytes, actor: str = "system"
) -> TargetsImported:
    """Load a 检查对象名录 file into ``agency``'s 名录库: every row checked, all or nothing.

    A row whose 统一社会信用代码/身份证号码 is already in the 名录库 updates it (its public ID
    stays); new rows are added. Raises ``ImportRejected`` with every row's problem.
    """
    rows = read_table(
        filename,
        content,
        max_bytes=MAX_IMPORT_BYTES,
        columns=TARGET_COLUMNS,
        required=TARGET_REQUIRED,
        max_rows=MAX_IMPORT_ROWS,
    )
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    checked: list[dict[str, str]] = []
    for row in rows:
        values = {column: row.text(column) for column in TARGET_COLUMNS}
        problems: list[tuple[str, str]] = []
        kind = _KINDS.get(values["类型"])
        if kind is None:
            problems.append(("类型", "类型应为“单位”或“个人”。"))
        identifier = values["统一社会信用代码或身份证号码"].upper()
        if kind is not None:
            check = credit_code_problem if kind == SubjectKind.ORGANISATION else id_number_problem
            problem = check(identifier)
            if problem:
                problems.append(("统一社会信用代码或身份证号码", problem))
        if identifier in seen:
            problems.append(("统一社会信用代码或身份证号码", f"与第 {seen[identifier]} 行重复。"))
        seen.setdefault(identifier, row.row)
        problems.extend(
            (column, f"请填写{column}。") for column in TARGET_REQUIRED[2:6] if not values[column]
        )
        if values["风险等级"] not in _RISKS:
            problems.append(("风险等级", "风险等级应为“低风险”“中风险”或“高风险”。"))
        for column, limit in (
            ("名称或姓名", 200),
            ("住所或经营地址", 200),
            ("行业类别", 100),
            ("所属区域", 100),
            ("信用等级", 20),
        ):
            if len(values[column]) > limit:
                problems.append((column, f"{column}不能超过 {limit} 字。"))
        errors.extend(RowError(row=row.row, column=c, message=m) for c, m in problems)
        values["kind"] = kind or ""
        values["identifier"] = identifier
        checked.append(values)
    if errors:
        raise ImportRejected(errors)
    file_sha256 = sha256_hex(content)
    created = updated = 0
    with transaction.atomic():
        existing = {
            target.identifier: target
            for target in InspectionTarget.objects.select_for_update().filter(
                agency=agency, identifier__in=[values["identifier"] for values in checked]
            )
        }
        fresh: list[InspectionTarget] = []
        changed: list[InspectionTarget] = []
        for values in checked:
            target = existing.get(values["identifier"])
            if target is None:
                target = InspectionTarget(
                    agency=agency,
                    kind=values["kind"],
                    identifier=values["identifier"],
                    public_id=public_id_new(values["kind"], values["identifier"]),
                )
                fresh.append(target)
            else:
                changed.append(target)
            target.name = values["名称或姓名"]
            target.address = values["住所或经营地址"]
            target.category = values["行业类别"]
            target.area = values["所属区域"]
            target.risk_level = _RISKS[values["风险等级"]]
            target.credit_level = values["信用等级"]
            target.is_active = True
        InspectionTarget.objects.bulk_create(fresh, batch_size=2000)
        InspectionTarget.objects.bulk_update(
            changed,
            ["name", "address", "category", "area", "risk_level", "credit_level", "is_active"],
            batch_size=2000,
        )
        created, updated = len(fresh), len(changed)
        events.targets_imported(agency, actor=actor, file_sha256=file_sha256)
    logger.info(
        "inspection targets imported into agency %s: %s new, %s updated (file %s)",
        agency.pk,
        created,
        updated,
        file_sha256,
    )
    return TargetsImported(created=created, updated=updated, file_sha256=file_sha256)


# ---------------------------------------------------------------------------------------------
# Plans and tasks


def plan_create(
    *, actor: Officer, item: RandomCheckItem, year: int, ratio_percent: Decimal, frequency: str
) -> InspectionPlan:
    """年度抽查计划 for one 随机抽查事项 of the actor's agency."""
    _may_manage(actor, item.agency_id)
    ratio_percent = ratio_checked(ratio_percent)
    frequency = _text(frequency, "抽查频次", 100)
    try:
        with transaction.atomic():
            if InspectionPlan.objects.filter(item=item, year=year).exists():
                raise InspectionRefused(
                    "该抽查事项本年度已有计划。",
                    log_message=f"plan exists for item {item.pk} {year}",
                )
            plan = InspectionPlan.objects.create(
                item=item,
                year=year,
                ratio_percent=ratio_percent,
                frequency=frequency,
                created_by=actor,
            )
            events.plan_created(plan, actor=actor)
    except IntegrityError as exc:  # made at the same moment by a second click
        raise InspectionRefused(
            "该抽查事项本年度已有计划。", log_message=f"plan race for item {item.pk} {year}"
        ) from exc
    return plan


def _matching(
    *, agency_id: int, area: str = "", category: str = "", risk: list[str] | None = None
) -> QuerySet[InspectionTarget]:
    """The active 名录库 rows of the agency that a task's filters select."""
    rows = InspectionTarget.objects.filter(agency_id=agency_id, is_active=True)
    if area:
        rows = rows.filter(area=area)
    if category:
        rows = rows.filter(category=category)
    if risk:
        rows = rows.filter(risk_level__in=risk)
    return rows


def candidates_matching(
    *, agency_id: int, area: str = "", category: str = "", risk: list[str] | None = None
) -> list[InspectionTarget]:
    return list(_matching(agency_id=agency_id, area=area, category=category, risk=risk))


def candidates_count(
    *, agency_id: int, area: str = "", category: str = "", risk: list[str] | None = None
) -> int:
    return _matching(agency_id=agency_id, area=area, category=category, risk=risk).count()


def task_create(
    *,
    actor: Officer,
    plan: InspectionPlan,
    name: str,
    category: EnforcementCategory,
    area: str = "",
    target_category: str = "",
    risk: list[str] | None = None,
    k: int | None = None,
    m: int = 2,
    partners: list[Agency] | None = None,
) -> InspectionTask:
    """An 抽查任务 under a plan; ``k`` defaults to the plan's ratio of the matching targets."""
    agency_id = plan.item.agency_id
    _may_manage(actor, agency_id)
    risk = list(risk or [])
    if any(level not in RiskLevel.values for level in risk):
        raise InspectionRefused("风险等级不正确。", log_message=f"bad risk levels {risk}")
    name = _text(name, "任务名称", 200)
    area = _text(area, "区域", 100, required=False)
    target_category = _text(target_category, "行业类别", 100, required=False)
    if not 1 <= m <= MAX_TEAM:
        raise InspectionRefused(f"每组检查人员数应在 1 到 {MAX_TEAM} 之间。", log_message=f"m={m}")
    matching = candidates_count(agency_id=agency_id, area=area, category=target_category, risk=risk)
    if k is None:
        k = max(1, math.ceil(matching * plan.ratio_percent / 100))
    if k < 1 or m < 1:
        raise InspectionRefused(
            "抽取检查对象数和每组检查人员数都必须至少为 1。", log_message=f"k={k} m={m}"
        )
    if k > matching:
        raise InspectionRefused(
            f"要抽取 {k} 个检查对象，但名录库中符合条件的只有 {matching} 个。",
            log_message=f"k={k} > {matching} matching targets",
        )
    partners = [p for p in (partners or []) if p.pk != agency_id]
    with transaction.atomic():
        task = InspectionTask.objects.create(
            plan=plan,
            agency_id=agency_id,
            name=name.strip(),
            category=category,
            filter_area=area.strip(),
            filter_category=target_category.strip(),
            filter_risk=sorted(risk),
            k=k,
            m=m,
            created_by=actor,
        )
        task.partners.set(partners)
        events.task_created(task, actor=actor)
    return task


def tasks_create_by_risk(
    *,
    actor: Officer,
    plan: InspectionPlan,
    name: str,
    category: EnforcementCategory,
    ratios: dict[str, Decimal],
    area: str = "",
    target_category: str = "",
    m: int = 2,
    partners: list[Agency] | None = None,
) -> list[InspectionTask]:
    """Risk-tiered sampling (e.g. 高风险 100 %, 中风险 8 %, 低风险 1 %): one task per level, each
    an ordinary SX-DRAW-1 draw over that level's candidates with k = ratio × their number.

    All or nothing: a level with no candidates or a ratio out of range refuses every task.
    """
    labels = dict(RiskLevel.choices)
    if not ratios:
        raise InspectionRefused("请至少填写一个风险等级的抽查比例。", log_message="no ratios")
    plans: list[tuple[str, int]] = []
    for level, ratio in sorted(ratios.items()):
        if level not in labels:
            raise InspectionRefused("风险等级不正确。", log_message=f"bad risk level {level!r}")
        ratio = ratio_checked(ratio, f"{labels[level]}的抽查比例")
        count = candidates_count(
            agency_id=plan.item.agency_id, area=area, category=target_category, risk=[level]
        )
        if count == 0:
            raise InspectionRefused(
                f"名录库中没有符合条件的{labels[level]}检查对象。",
                log_message=f"no candidates of level {level}",
            )
        plans.append((level, max(1, math.ceil(count * ratio / 100))))
    with transaction.atomic():
        return [
            task_create(
                actor=actor,
                plan=plan,
                name=f"{name.strip()}（{labels[level]}）",
                category=category,
                area=area,
                target_category=target_category,
                risk=[level],
                k=k,
                m=m,
                partners=partners,
            )
            for level, k in plans
        ]


def inspector_pool(task: InspectionTask, *, on: datetime | None = None) -> dict[str, Officer]:
    """Certificate number → officer: the 执法人员 of the lead agency certified for the task's
    执法类别, and in a 跨部门联合抽查 those of each partner agency certified for any of its
    categories (each department inspects for its own field); never a 法制审核人员, certificate
    valid today."""
    day = timezone.localdate(on) if on else timezone.localdate()
    partners = list(task.partners.values_list("pk", flat=True))
    certificates = (
        Certificate.objects.filter(
            Q(officer__unit__agency_id=task.agency_id, categories=task.category)
            | Q(officer__unit__agency_id__in=partners),
            officer__is_active=True,
        )
        .distinct()
        .select_related("officer__unit")
        .prefetch_related("officer__roles")
    )
    pool: dict[str, Officer] = {}
    seen: set[int] = set()
    # One entry per person (by the first valid certificate number), so that nobody can be
    # drawn twice into one team.
    for certificate in sorted(certificates, key=lambda c: c.number):
        officer = certificate.officer
        if officer.pk in seen or certificate.status_on(day) != CertificateStatus.VALID:
            continue
        if officer.has_role(Role.REVIEWER) or not officer.has_role(Role.OFFICER):
            continue
        seen.add(officer.pk)
        pool[certificate.number] = officer
    return pool


def conflict_record(
    *, actor: Officer, task_id: int, target_public_id: str, inspector: str, reason: str
) -> Conflict:
    """回避: ``inspector`` (执法证号) shall not inspect that target; only before the freeze."""
    with transaction.atomic():
        task = _task_for_update(task_id, actor)
        if task.state != TaskState.DRAFT:
            raise InspectionRefused(
                "名单冻结后不能再登记回避：回避（行政处罚法第四十三条）须在冻结前登记，才能写入冻结记录。",
                log_message=f"task {task.pk} conflict after freeze",
            )
        reason = _text(reason, "回避事由", 200)
        target_public_id = _text(target_public_id, "检查对象公开标识", 32)
        if not InspectionTarget.objects.filter(
            agency_id=task.agency_id, public_id=target_public_id, is_active=True
        ).exists():
            raise InspectionRefused(
                "名录库中没有该检查对象。", log_message=f"no target {target_public_id!r}"
            )
        officer = inspector_pool(task).get(inspector)
        if officer is None:
            raise InspectionRefused(
                "该执法证号不在本任务的检查人员名录中。", log_message=f"no inspector {inspector!r}"
            )
        if Conflict.objects.filter(
            task=task, target_public_id=target_public_id, officer=officer
        ).exists():
            raise InspectionRefused("该回避已登记。", log_message="conflict exists")
        # Kept by person: at the freeze he is listed under whatever 执法证号 he holds then.
        conflict = Conflict.objects.create(
            task=task,
            target_public_id=target_public_id,
            inspector=inspector,
            officer=officer,
            reason=reason,
            recorded_by=actor,
        )
        events.conflict_recorded(conflict, actor=actor)
    return conflict


def commitment_record(*, actor: Officer, task_id: int, participant: str, digest: str) -> Commitment:
    """A participant's SHA-256 commitment to a random value, made before the freeze."""
    digest = digest.strip().lower()
    if len(digest) != 64 or digest.strip("0123456789abcdef"):
        raise InspectionRefused(
            "承诺值应为 64 位十六进制的 SHA-256 摘要。", log_message="bad commitment digest"
        )
    participant = _text(participant, "参与人", 100)
    with transaction.atomic():
        task = _task_for_update(task_id, actor)
        if task.state != TaskState.DRAFT:
            raise InspectionRefused(
                "名单冻结后不能再登记承诺：承诺须在冻结前作出。",
                log_message=f"task {task.pk} commitment after freeze",
            )
        commitment = Commitment.objects.create(task=task, participant=participant, digest=digest)
        events.commitment_recorded(commitment, actor=actor)
    return commitment


MAX_BEACONS = 10


def task_freeze(
    *, actor: Officer, task_id: int, beacon_sources: list[str] | None = None
) -> InspectionTask:
    """Freeze the candidate and inspector lists and enter their hashes in the ledger, with the
    beacons that will decide the draw: each named by its source (a lottery draw or an index
    close of a later date …); the reveals of the commitments count as beacons too."""
    sources = [
        _text(source, "随机源", 300) for source in (beacon_sources or []) if (source or "").strip()
    ]
    if len(sources) > MAX_BEACONS:
        raise InspectionRefused(
            f"声明的随机源不能超过 {MAX_BEACONS} 个。", log_message=f"{len(sources)} beacons"
        )
    if len(set(sources)) != len(sources):
        raise InspectionRefused("声明的随机源重复。", log_message="beacon sources repeated")
    with transaction.atomic():
        task = _task_for_update(task_id, actor)
        if task.state != TaskState.DRAFT:
            raise InspectionRefused(
                "该任务的名单已经冻结。", log_message=f"task {task.pk} already frozen"
            )
        if not sources and not task.commitments.exists():
            raise InspectionRefused(
                "请声明至少一个冻结之后才产生的随机源（例如某期彩票开奖号码），"
                "或在冻结前登记随机数承诺：抽取只使用冻结时声明的随机源。",
                log_message=f"task {task.pk} frozen without beacons",
            )
        targets = candidates_matching(
            agency_id=task.agency_id,
            area=task.filter_area,
            category=task.filter_category,
            risk=list(task.filter_risk),
        )
        pool = inspector_pool(task)
        try:
            candidates = draw.sorted_identifiers(
                [t.public_id for t in targets], what="检查对象名单"
            )
            inspectors = draw.sorted_identifiers(list(pool), what="检查人员名单")
        except draw.DrawInputError as exc:
            raise InspectionRefused(str(exc), log_message=f"task {task.pk}: {exc}") from exc
        if task.k > len(candidates):
            raise InspectionRefused(
                f"要抽取 {task.k} 个检查对象，但名录库中符合条件的只有 {len(candidates)} 个。",
                log_message=f"task {task.pk} k={task.k} > {len(candidates)}",
            )
        # A 回避 names a person; he is listed under the 执法证号 he holds now. One who is no
        # longer in the list (no valid certificate) cannot be drawn, so his 回避 is moot.
        number_of = {officer.pk: number for number, officer in pool.items()}
        listed = set(candidates)
        conflicts: dict[str, list[str]] = {}
        for row in task.conflict_rows.order_by("target_public_id", "pk"):
            number = number_of.get(row.officer_id)
            if row.target_public_id in listed and number is not None:
                conflicts.setdefault(row.target_public_id, [])
                if number not in conflicts[row.target_public_id]:
                    conflicts[row.target_public_id].append(number)
        conflicts = {target: sorted(people) for target, people in sorted(conflicts.items())}
        # Every candidate could be drawn, so every one needs a full team after its conflicts.
        worst = max((len(v) for v in conflicts.values()), default=0)
        if len(inspectors) - worst < task.m:
            raise InspectionRefused(
                f"检查人员名录只有 {len(inspectors)} 人，依法回避（行政处罚法第四十三条）后"
                f"不足每组 {task.m} 人，不能冻结。",
                log_message=f"task {task.pk} too few inspectors ({len(inspectors)}, m={task.m})",
            )
        task.candidates = candidates
        task.candidate_labels = {t.public_id: t.public_label for t in targets}
        task.inspectors = inspectors
        task.inspector_labels = {number: officer.name for number, officer in pool.items()}
        task.inspector_officers = {number: officer.pk for number, officer in pool.items()}
        task.conflicts = conflicts
        task.beacon_plan = sources
        task.candidates_count, task.inspectors_count = len(candidates), len(inspectors)
        task.candidates_sha256 = draw.list_sha256(candidates)
        task.inspectors_sha256 = draw.list_sha256(inspectors)
        task.frozen_at = timezone.now()
        task.frozen_by = actor
        task.state = TaskState.FROZEN
        task.save()
        events.task_frozen(task, actor=actor)
    logger.info(
        "inspection task %s frozen: %s candidates, %s inspectors, %s beacons declared",
        task.pk,
        len(candidates),
        len(inspectors),
        len(sources),
    )
    return task


def beacon_slots(task: InspectionTask) -> list[tuple[str, Commitment | None]]:
    """The beacons a frozen task waits for, in the order the draw uses them: the declared
    sources, then the reveals of the commitments in the order they were made."""
    slots: list[tuple[str, Commitment | None]] = [(source, None) for source in task.beacon_plan]
    slots += [
        (f"{c.participant}揭示冻结前承诺的随机数", c)
        for c in task.commitments.order_by("made_at", "pk")
    ]
    return slots


def beacon_enter(
    *,
    actor: Officer,
    task_id: int,
    slot: int,
    value: str,
    published_at: datetime,
) -> Beacon:
    """The value of one declared beacon (``slot``: its place in ``beacon_slots``), published
    after the freeze; once per slot. A reveal must hash to its commitment."""
    value = _text(value, "随机源内容", 500)
    with transaction.atomic():
        task = _task_for_update(task_id, actor)
        if task.state == TaskState.DRAFT:
            raise InspectionRefused(
                "请先冻结名单：随机源必须在名单冻结之后产生和录入。",
                log_message=f"task {task.pk} beacon before freeze",
            )
        if task.state == TaskState.DRAWN:
            raise InspectionRefused(
                "该任务已经抽取，不能再录入随机源。", log_message=f"task {task.pk} drawn"
            )
        slots = beacon_slots(task)
        if not 0 <= slot < len(slots):
            raise InspectionRefused(
                "只能录入冻结时声明的随机源。", log_message=f"task {task.pk} no slot {slot}"
            )
        if Beacon.objects.filter(task=task, position=slot).exists():
            raise InspectionRefused(
                "该随机源已经录入，不能更改。", log_message=f"task {task.pk} slot {slot} filled"
            )
        frozen_at = task.frozen_at or timezone.now()
        if published_at <= frozen_at:
            raise InspectionRefused(
                "随机源的产生时间早于名单冻结时间，不能使用："
                "只有冻结之后才公布的随机数才无法被预先利用。",
                log_message=f"task {task.pk} beacon of {published_at} before freeze {frozen_at}",
            )
        if published_at > timezone.now():
            raise InspectionRefused(
                "随机源的产生时间不能晚于现在。", log_message="beacon from the future"
            )
        source, commitment = slots[slot]
        if commitment is not None and hashlib.sha256(value.encode()).hexdigest() != (
            commitment.digest
        ):
            raise InspectionRefused(
                "揭示的随机数与冻结前登记的承诺值不符。",
                log_message=f"reveal does not match commitment {commitment.pk}",
            )
        beacon = Beacon.objects.create(
            task=task,
            position=slot,
            value=value,
            source=source,
            published_at=published_at,
            commitment=commitment,
            entered_by=actor,
        )
        events.beacon_entered(beacon, actor=actor)
    return beacon


def task_draw(*, actor: Officer, task_id: int) -> InspectionTask:
    """Run SX-DRAW-1 once every declared beacon is in, and open a 行政检查 case for each drawn
    target with its team. Nothing entered after the freeze can change the inputs, so a draw
    refused for any reason and tried again gives the same result."""
    with transaction.atomic():
        task = _task_for_update(task_id, actor)
        if task.state == TaskState.DRAFT:
            raise InspectionRefused(
                "名单尚未冻结，不能抽取。", log_message=f"task {task.pk} draw before freeze"
            )
        if task.state == TaskState.DRAWN:
            raise InspectionRefused("该任务已经抽取。", log_message=f"task {task.pk} drawn twice")
        frozen = (
            LedgerEntry.objects.filter(
                object_type=events.InspectionEvent.TASK_FROZEN.object_type,
                object_id=str(task.pk),
                action=events.InspectionEvent.TASK_FROZEN.value,
            )
            .order_by("-sequence")
            .first()
        )
        if (
            frozen is None
            or frozen.content_sha256 != content_digest(events.freeze_content(task))
            or draw.list_sha256(task.candidates) != task.candidates_sha256
            or draw.list_sha256(task.inspectors) != task.inspectors_sha256
        ):
            logger.error("task %s: frozen record no longer matches its ledger entry", task.pk)
            raise InspectionRefused(
                "冻结后的名单或抽取参数已被改动，与冻结时记入日志的摘要不符，不能抽取。"
                "请联系系统管理员核查。",
                log_message=f"task {task.pk} frozen record changed after freeze",
            )
        slots = beacon_slots(task)
        beacons = list(task.beacons.order_by("position"))
        if not slots:
            raise InspectionRefused(
                "没有声明随机源，不能抽取。", log_message=f"task {task.pk} without beacons"
            )
        missing = len(slots) - len(beacons)
        if missing:
            raise InspectionRefused(
                f"还有 {missing} 个冻结时声明的随机源（或承诺的揭示）尚未录入，"
                "全部录入后才能抽取。",
                log_message=f"task {task.pk} {missing} beacons missing",
            )
        values = [b.value for b in beacons]
        try:
            result = draw.run(
                candidates=task.candidates,
                inspectors=task.inspectors,
                beacons=values,
                k=task.k,
                m=task.m,
                conflicts=task.conflicts,
            )
        except draw.DrawInputError as exc:
            raise InspectionRefused(str(exc), log_message=f"task {task.pk}: {exc}") from exc
        task.seed = result.seed_hex
        task.targets = result.targets
        task.teams = result.teams
        task.drawn_at = timezone.now()
        task.drawn_by = actor
        task.state = TaskState.DRAWN
        task.save()
        events.task_drawn(task, values, actor=actor)
        _open_cases(task, actor)
    logger.info("inspection task %s drawn: %s targets", task.pk, len(task.targets))
    return task


def _open_cases(task: InspectionTask, actor: Officer) -> None:
    """One 行政检查 case per drawn target, its drawn officers of the lead agency as handlers
    (never the officer who pressed 抽取 unless drawn). A drawn person who has since left, lost
    his certificate or become a 法制审核人员 is left off, and the case says so in its facts; the
    others stay and cannot be swapped out (``handlers_set``)."""
    targets = {
        t.public_id: t
        for t in InspectionTarget.objects.filter(
            agency_id=task.agency_id, public_id__in=task.targets
        )
    }
    ids = {int(pk) for pk in task.inspector_officers.values()}
    people = {
        o.pk: o
        for o in Officer.objects.filter(pk__in=ids)
        .select_related("unit")
        .prefetch_related("roles", "certificates")
    }
    today = timezone.localdate()
    for position, public_id in enumerate(task.targets):
        target = targets.get(public_id)
        if target is None:
            raise InspectionRefused(
                f"抽中的检查对象「{public_id}」已不在名录库中，无法建立检查案件。"
                "请联系系统管理员核查。",
                log_message=f"task {task.pk} target {public_id} gone",
            )
        team: list[Officer] = []
        absent: list[str] = []
        for number in task.teams[public_id]:
            officer = people.get(int(task.inspector_officers.get(number, 0)))
            if officer is None or officer.unit.agency_id != task.agency_id:
                continue  # a partner agency's inspector: named in the public team
            if (
                not officer.is_active
                or officer.has_role(Role.REVIEWER)
                or officer.certificate_valid_on(today) is None
            ):
                absent.append(f"{task.inspector_labels.get(number, number)}（{number}）")
            else:
                team.append(officer)
        facts = f"双随机抽查任务「{task.name}」抽中，检查组：" + "、".join(
            f"{task.inspector_labels.get(n, n)}（{n}）" for n in task.teams[public_id]
        )
        if absent:
            facts += f"。抽中后不能承办的：{'、'.join(absent)}，须由负责人增加承办人"
        case = case_open(
            actor=actor,
            new=NewCase(
                procedure=Procedure.INSPECTION,
                title=f"{task.plan.item.name}（双随机抽查）",
                source=f"双随机抽查：{task.name}",
                category=task.category,
                violation_on=today,
                clue_received_on=today,
                violation_place=target.address,
                facts=facts + "。",
            ),
        )
        party_add(
            actor=actor,
            case_id=case.pk,
            kind=(
                PartyKind.ORGANISATION
                if target.kind == SubjectKind.ORGANISATION
                else PartyKind.PERSON
            ),
            name=target.name,
            identifier=target.identifier,
            address=target.address,
        )
        handlers_set(actor=actor, case_id=case.pk, officers=team, drawn=True)
        DrawnTarget.objects.create(
            task=task, position=position, public_id=public_id, target=target, case=case
        )
