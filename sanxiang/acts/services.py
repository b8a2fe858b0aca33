"""Every write of the acts app: record a 行政许可 decision (form, import, the systems that make
them) or another act, each in one transaction with its ledger event and its publication opened
with the due date (``publishing``). Records are never edited; a 撤销 or 注销 is a record of its
own that names the original and changes its public standing (another ledger event).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from sanxiang.acts import events, publishing
from sanxiang.acts.models import (
    ENDING,
    ActField,
    OtherAct,
    OtherActKind,
    PartyType,
    Permit,
    PermitCategory,
    PermitDecision,
    Standing,
)
from sanxiang.core.identifiers import credit_code_problem, id_number_problem
from sanxiang.errors import DomainError
from sanxiang.ledger.services import SYSTEM
from sanxiang.org.importing import ImportRejected, RawRow, RowError, read_table
from sanxiang.org.models import Agency, Officer, Role

logger = logging.getLogger(__name__)

# field -> (the name people read, max length, required)
PERMIT_FIELDS: dict[str, tuple[str, int, bool]] = {
    "decision": ("决定类型", 16, True),
    "original": ("原许可决定文书号", 64, False),
    "party_name": ("行政相对人名称", 200, True),
    "party_type": ("行政相对人类别", 16, True),
    "party_credit_code": ("统一社会信用代码", 18, False),
    "party_ref": ("自然人假名化标识", 64, False),
    "legal_representative": ("法定代表人", 100, False),
    "decision_number": ("许可决定文书号", 64, True),
    "decision_title": ("许可决定文书名称", 200, True),
    "category": ("许可类别", 8, True),
    "licence_name": ("许可证书名称", 200, False),
    "licence_number": ("许可证书编号", 64, False),
    "content": ("许可内容", 4000, True),
    "decided_on": ("许可决定日期", 20, True),
    "valid_from": ("有效期自", 20, True),
    "valid_until": ("有效期至", 20, False),
    "authority_name": ("许可机关", 200, True),
    "authority_credit_code": ("许可机关统一社会信用代码", 18, True),
    "source_unit": ("数据来源单位", 200, True),
    "remarks": ("备注", 500, False),
}
DATE_FIELDS = ("decided_on", "valid_from", "valid_until")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
DECISION_BY_LABEL = {label: value for value, label in PermitDecision.choices}


class PermitRejected(DomainError):
    """A permit whose fields break a rule; ``errors`` maps each field to its Chinese message.
    Nothing was stored."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(
            "行政许可信息有误，未登记：" + "；".join(errors.values()),
            log_message=f"permit refused: {sorted(errors)}",
        )


class ActRefused(DomainError):
    """The person may not record this act (role, agency); nothing was stored."""


def parse_date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class Cleaned:
    """A permit's fields checked without the database: values ready for the row, and errors."""

    values: dict[str, object]
    original_number: str
    errors: dict[str, str]


def permit_clean(fields: Mapping[str, object], *, today: date) -> Cleaned:
    """Check one permit's fields (everything that needs no query): every problem at once."""
    errors: dict[str, str] = {}
    unknown = sorted(set(fields) - set(PERMIT_FIELDS))
    if unknown:
        errors["__all__"] = f"不认识的字段：{'、'.join(unknown)}。"
    raw = {key: _text(fields.get(key)) for key in PERMIT_FIELDS}
    for key, (label, limit, required) in PERMIT_FIELDS.items():
        if required and not raw[key]:
            errors[key] = f"请填写{label}。"
        elif len(raw[key]) > limit:
            errors[key] = f"{label}不能超过 {limit} 个字。"
    values: dict[str, object] = {
        k: v for k, v in raw.items() if k not in DATE_FIELDS and k != "original"
    }
    decision = DECISION_BY_LABEL.get(raw["decision"], raw["decision"])
    if raw["decision"] and decision not in PermitDecision.values:
        errors["decision"] = f"决定类型应为 {'、'.join(PermitDecision.labels)} 之一。"
    values["decision"] = decision
    if raw["category"] and raw["category"] not in PermitCategory.values:
        errors["category"] = f"许可类别应为 {'、'.join(PermitCategory.values)} 之一。"
    party_type = raw["party_type"]
    if party_type and party_type not in PartyType.values:
        errors["party_type"] = f"行政相对人类别应为 {'、'.join(PartyType.values)} 之一。"
    code = raw["party_credit_code"].upper()
    values["party_credit_code"] = code
    if party_type == PartyType.PERSON:
        if code:
            errors["party_credit_code"] = "自然人不填写统一社会信用代码。"
        if raw["legal_representative"]:
            errors["legal_representative"] = "自然人不填写法定代表人。"
        ref = raw["party_ref"].upper()
        if ref and (id_number_problem(ref) is None or ref.isdigit()):
            errors["party_ref"] = (
                "请勿填写身份证号码等证件号码，请填写数据来源单位给出的假名化标识。"
            )
    elif party_type:
        if raw["party_ref"]:
            errors["party_ref"] = "只有自然人填写假名化标识。"
        if party_type == PartyType.ORGANISATION and not code:
            errors["party_credit_code"] = "请填写行政相对人的统一社会信用代码。"
        elif code and (problem := credit_code_problem(code)):
            errors["party_credit_code"] = f"行政相对人的{problem}"
    authority_code = raw["authority_credit_code"].upper()
    values["authority_credit_code"] = authority_code
    if authority_code and (problem := credit_code_problem(authority_code)):
        errors["authority_credit_code"] = f"许可机关的{problem}"
    dates: dict[str, date | None] = {}
    for key in DATE_FIELDS:
        dates[key] = None
        if raw[key] and key not in errors:
            dates[key] = parse_date(raw[key])
            if dates[key] is None:
                errors[key] = f"{PERMIT_FIELDS[key][0]}不是有效日期（例如 2026-06-10）。"
        values[key] = dates[key]
    decided_on, valid_from, valid_until = (dates[k] for k in DATE_FIELDS)
    if decided_on and decided_on > today:
        errors["decided_on"] = "许可决定日期不能晚于今天。"
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = "有效期至不能早于有效期自。"
    if decision in ENDING and not raw["original"]:
        errors["original"] = "撤销或注销许可须填写原许可决定文书号。"
    if decision in (PermitDecision.GRANT, PermitDecision.REFUSAL) and raw["original"]:
        errors["original"] = "准予或不予许可的决定不填写原许可决定文书号。"
    if raw["original"] and raw["original"] == raw["decision_number"]:
        errors["original"] = "原许可决定文书号不能与本决定文书号相同。"
    return Cleaned(values, raw["original"], errors)


def _may_record(actor: Officer | None, agency: Agency, decision: object) -> None:
    """Recording is data entry of a decision made elsewhere: an 执法人员 or 负责人 of the agency
    on duty; a 撤销 or 注销 changes what the public is told about another record, so only a
    负责人 records it. A system (``actor`` None) is authenticated by the API layer."""
    if actor is None:
        return
    if not actor.is_active or actor.unit.agency_id != agency.pk:
        raise ActRefused(
            "只能登记本机关的行政行为。",
            log_message=f"officer {actor.pk} not on duty at agency {agency.pk}",
        )
    if not (actor.has_role(Role.HEAD) or actor.has_role(Role.OFFICER)):
        raise ActRefused(
            "行政行为由本机关的执法人员或负责人登记。",
            log_message=f"officer {actor.pk} has no recording role",
        )
    if decision in ENDING and not actor.has_role(Role.HEAD):
        raise ActRefused(
            "撤销或注销许可的登记须由负责人办理。",
            log_message=f"officer {actor.pk} may not record an ending decision",
        )


def _ledger_actor(actor: Officer | None, source: str) -> str:
    """The leaf's actor: the officer, or a system named by ``source`` as ``api:<name>`` (the
    write API's token), else ``system`` (a command)."""
    if actor is not None:
        return actor.ledger_actor
    source = source.strip()
    return source[:100] if source.startswith("api:") else SYSTEM


def _original_for(agency: Agency, cleaned: Cleaned, *, lock: bool) -> Permit | None:
    if not cleaned.original_number:
        return None
    rows = Permit.objects.filter(agency=agency, decision_number=cleaned.original_number)
    original = (rows.select_for_update() if lock else rows).first()
    if original is None:
        cleaned.errors["original"] = f"本机关没有文书号为“{cleaned.original_number}”的许可。"
        return None
    if original.decision in (PermitDecision.REFUSAL, *ENDING):
        cleaned.errors["original"] = "原许可应为准予、变更或延续许可的决定。"
    elif cleaned.values["decision"] in ENDING and original.standing != Standing.VALID:
        cleaned.errors["original"] = "原许可已被撤销或注销，不能再次撤销或注销。"
    return original


def _write(
    agency: Agency,
    cleaned: Cleaned,
    original: Permit | None,
    *,
    source: str,
    actor: Officer | None,
    ledger_actor: str,
) -> Permit:
    """The row, its event, the original's new standing and the publication; in the caller's
    transaction."""
    permit = Permit.objects.create(
        agency=agency,
        original=original,
        source=source.strip()[:100],
        recorded_by=actor,
        **cleaned.values,
    )
    events.permit_recorded(permit, actor=ledger_actor)
    if original is not None and permit.decision in ENDING:
        original.standing = ENDING[PermitDecision(permit.decision)]
        original.save(update_fields=["standing"])
        events.permit_ended(original, by=permit, actor=ledger_actor)
    publishing.open_publication(permit, ledger_actor)
    return permit


def permit_record(
    *, agency: Agency, fields: Mapping[str, str], source: str, actor: Officer | None
) -> Permit:
    """Record one 行政许可 decision: every rule checked (``PermitRejected`` with each field's
    problem, nothing stored); then one transaction with the row, its ledger event and its
    publication opened with the due date (7 working days, data/disclosure/periods.csv)."""
    cleaned = permit_clean(fields, today=timezone.localdate())
    _may_record(actor, agency, cleaned.values.get("decision"))
    if cleaned.errors:
        raise PermitRejected(cleaned.errors)
    ledger_actor = _ledger_actor(actor, source)
    try:
        with transaction.atomic():
            if Permit.objects.filter(
                agency=agency, decision_number=cleaned.values["decision_number"]
            ).exists():
                cleaned.errors["decision_number"] = "本机关已登记该许可决定文书号，不能重复登记。"
            original = _original_for(agency, cleaned, lock=True)
            if cleaned.errors:
                raise PermitRejected(cleaned.errors)
            permit = _write(
                agency, cleaned, original, source=source, actor=actor, ledger_actor=ledger_actor
            )
    except IntegrityError as exc:  # the same 文书号 recorded at the same moment
        raise PermitRejected(
            {"decision_number": "本机关已登记该许可决定文书号，不能重复登记。"}
        ) from exc
    logger.info("permit %s recorded for agency %s from %s", permit.pk, agency.pk, source)
    return permit


# --- import (all or nothing) --------------------------------------------------------------------

# The import's columns: the national 双公示 names, in the order of the template.
IMPORT_COLUMNS: dict[str, str] = {label: key for key, (label, _, _) in PERMIT_FIELDS.items()}
IMPORT_REQUIRED = tuple(label for label, _, required in PERMIT_FIELDS.values() if required)


# A bad file is refused as every import of the system refuses one (org.importing).
PermitImportRejected = ImportRejected
RowProblem = RowError


@dataclass(frozen=True)
class PermitsImported:
    created: int
    file_sha256: str


Row = tuple[int, Mapping[str, object]]  # (row number as a spreadsheet shows it, cells by label)


def _fields_of(cells: Mapping[str, object]) -> dict[str, object]:
    return {
        IMPORT_COLUMNS[label]: value for label, value in cells.items() if label in IMPORT_COLUMNS
    }


def permits_import(
    *,
    agency: Agency,
    rows: Callable[[], Iterable[Row]],
    file_sha256: str,
    actor: Officer | None,
    source: str = "导入",
    progress: Callable[[int], None] | None = None,
    max_errors: int = 1000,
) -> PermitsImported:
    """Import permits all or nothing. ``rows`` is called twice (two passes over the file, so a
    file of any length is never held in memory): the first checks every row — fields, 文书号
    repeated in the file or already recorded, originals in the file or recorded — and raises
    ``PermitImportRejected`` naming every problem; the second writes all rows in one
    transaction, each with its ledger event and publication, then one event for the file."""
    today = timezone.localdate()
    if actor is not None:
        _may_record(actor, agency, PermitDecision.GRANT)
    existing = {
        number: (decision, standing)
        for number, decision, standing in Permit.objects.filter(agency=agency).values_list(
            "decision_number", "decision", "standing"
        )
    }
    seen: dict[str, tuple[str, str]] = {}  # 文书号 -> (decision, row) within the file
    ended: set[str] = set()
    problems: list[RowProblem] = []
    count = 0
    for number, cells in rows():
        count += 1
        cleaned = permit_clean(_fields_of(cells), today=today)
        errors = cleaned.errors
        decision = str(cleaned.values.get("decision", ""))
        if actor is not None and decision in ENDING and not actor.has_role(Role.HEAD):
            errors.setdefault("decision", "撤销或注销许可的登记须由负责人办理。")
        doc = str(cleaned.values.get("decision_number", ""))
        if doc and "decision_number" not in errors:
            if doc in existing:
                errors["decision_number"] = "本机关已登记该许可决定文书号，不能重复登记。"
            elif doc in seen:
                errors["decision_number"] = f"与第 {seen[doc][1]} 行的许可决定文书号重复。"
            else:
                seen[doc] = (decision, str(number))
        original = cleaned.original_number
        if original and "original" not in errors:
            found: tuple[str, str] | None = None
            if original in existing:
                found = existing[original]
            elif original in seen:
                found = (seen[original][0], Standing.VALID)
            if found is None:
                errors["original"] = (
                    f"本机关没有文书号为“{original}”的许可（也不在本文件之前的行中）。"
                )
            elif found[0] in (PermitDecision.REFUSAL, *ENDING):
                errors["original"] = "原许可应为准予、变更或延续许可的决定。"
            elif decision in ENDING and (found[1] != Standing.VALID or original in ended):
                errors["original"] = "原许可已被撤销或注销，不能再次撤销或注销。"
            elif decision in ENDING:
                ended.add(original)
        for key, message in errors.items():
            label = PERMIT_FIELDS[key][0] if key in PERMIT_FIELDS else "—"
            problems.append(RowProblem(number, label, message))
        if len(problems) >= max_errors:
            break
    if problems:
        raise PermitImportRejected(problems)
    if count == 0:
        raise PermitImportRejected([RowProblem(1, "—", "文件中没有数据行。")])
    ledger_actor = _ledger_actor(actor, source)
    created = 0
    with transaction.atomic():
        for number, cells in rows():
            cleaned = permit_clean(_fields_of(cells), today=today)
            earlier = _original_for(agency, cleaned, lock=False)
            if cleaned.errors:  # the file changed between the passes
                raise PermitImportRejected(
                    [RowProblem(number, "—", "文件在导入过程中发生变化，请重新导入。")]
                )
            _write(agency, cleaned, earlier, source=source, actor=actor, ledger_actor=ledger_actor)
            created += 1
            if progress is not None:
                progress(created)
        events.permits_imported(agency, actor=ledger_actor, file_sha256=file_sha256)
    logger.info("%s permits imported into agency %s (file %s)", created, agency.pk, file_sha256)
    return PermitsImported(created, file_sha256)


def file_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_ROWS = 20_000


def permits_import_file(
    *, agency: Agency, filename: str, content: bytes, actor: Officer | None, source: str = "导入"
) -> PermitsImported:
    """An uploaded .xlsx or .csv (read by ``org.importing.read_table``), all or nothing."""
    table: list[RawRow] = read_table(
        filename,
        content,
        max_bytes=MAX_UPLOAD_BYTES,
        columns=tuple(IMPORT_COLUMNS),
        required=IMPORT_REQUIRED,
        max_rows=MAX_UPLOAD_ROWS,
    )
    return permits_import(
        agency=agency,
        rows=lambda: ((row.row, row.cells) for row in table),
        file_sha256=file_sha256(content),
        actor=actor,
        source=source,
    )


# --- other acts ----------------------------------------------------------------------------------

OTHER_FIELDS: dict[str, tuple[str, int, bool]] = {
    "party_name": ("行政相对人名称", 200, True),
    "party_type": ("行政相对人类别", 16, True),
    "party_credit_code": ("统一社会信用代码", 18, False),
    "decision_number": ("决定文书号", 64, True),
    "title": ("决定名称", 200, True),
    "content": ("决定内容", 4000, True),
    "decided_on": ("决定日期", 20, True),
}


class ActRejected(PermitRejected):
    """Another act whose fields break a rule; nothing was stored."""


def act_fields(kind: str) -> list[ActField]:
    return list(ActField.objects.filter(kind=kind).order_by("position", "key"))


def act_record(
    *,
    agency: Agency,
    kind: str,
    fields: Mapping[str, str],
    source: str,
    actor: Officer | None,
) -> OtherAct:
    """Record an act of another kind with the fields its kind declares (data/acts/fields.csv);
    the same checks, ledger event and publication (20 working days) as a permit."""
    _may_record(actor, agency, None)
    errors: dict[str, str] = {}
    if kind not in OtherActKind.values:
        raise ActRejected({"kind": f"行为类别应为 {'、'.join(OtherActKind.labels)} 之一。"})
    declared = {f.key: f for f in act_fields(kind)}
    unknown = sorted(set(fields) - set(OTHER_FIELDS) - set(declared))
    if unknown:
        errors["__all__"] = f"不认识的字段：{'、'.join(unknown)}。"
    raw = {key: _text(fields.get(key)) for key in (*OTHER_FIELDS, *declared)}
    for key, (label, limit, required) in OTHER_FIELDS.items():
        if required and not raw[key]:
            errors[key] = f"请填写{label}。"
        elif len(raw[key]) > limit:
            errors[key] = f"{label}不能超过 {limit} 个字。"
    for key, spec in declared.items():
        if spec.required and not raw[key]:
            errors[key] = f"请填写{spec.label}。"
        elif len(raw[key]) > spec.max_length:
            errors[key] = f"{spec.label}不能超过 {spec.max_length} 个字。"
    if raw["party_type"] and raw["party_type"] not in PartyType.values:
        errors["party_type"] = f"行政相对人类别应为 {'、'.join(PartyType.values)} 之一。"
    code = raw["party_credit_code"].upper()
    if raw["party_type"] == PartyType.PERSON and code:
        errors["party_credit_code"] = "自然人不填写统一社会信用代码。"
    elif raw["party_type"] == PartyType.ORGANISATION and not code:
        errors["party_credit_code"] = "请填写行政相对人的统一社会信用代码。"
    elif code and (problem := credit_code_problem(code)):
        errors["party_credit_code"] = f"行政相对人的{problem}"
    decided_on = parse_date(raw["decided_on"]) if raw["decided_on"] else None
    if raw["decided_on"] and decided_on is None:
        errors["decided_on"] = "决定日期不是有效日期（例如 2026-06-10）。"
    elif decided_on and decided_on > timezone.localdate():
        errors["decided_on"] = "决定日期不能晚于今天。"
    if errors or decided_on is None:
        raise ActRejected(errors)
    ledger_actor = _ledger_actor(actor, source)
    try:
        with transaction.atomic():
            if OtherAct.objects.filter(
                agency=agency, kind=kind, decision_number=raw["decision_number"]
            ).exists():
                raise ActRejected({"decision_number": "本机关已登记该决定文书号，不能重复登记。"})
            act = OtherAct.objects.create(
                agency=agency,
                kind=kind,
                party_name=raw["party_name"],
                party_type=raw["party_type"],
                party_credit_code=code,
                decision_number=raw["decision_number"],
                title=raw["title"],
                content=raw["content"],
                decided_on=decided_on,
                extra={key: raw[key] for key in declared if raw[key]},
                source=source.strip()[:100],
                recorded_by=actor,
            )
            events.act_recorded(act, actor=ledger_actor)
            publishing.open_publication(act, ledger_actor)
    except IntegrityError as exc:
        raise ActRejected({"decision_number": "本机关已登记该决定文书号，不能重复登记。"}) from exc
    logger.info("act %s (%s) recorded for agency %s", act.pk, kind, agency.pk)
    return act
