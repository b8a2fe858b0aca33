"""The 行政执法音像记录事项清单 as data: the steps a row may name, the shipped file and its
loader, and the list as published.

``data/recording_matters.csv`` (its sources in ``data/README.md``) is loaded as the default rows
(no agency) by migration ``cases`` ``recording_matters`` and again by ``sanxiang recording
load``, keeping rows edited in 管理后台 unless ``--replace``. Every row is checked against the
declarations first: a step that is no transition carrying the list's guard (``recorded``) nor a
送达方式 of the 送达回证, or a 记录形式 that is not audio-visual, refuses the whole file with a
Chinese message per bad row. The admin form runs the same check.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sanxiang.cases.document_inputs import SERVICE_METHODS
from sanxiang.cases.models import (
    KIND_SEPARATOR,
    RECORDING_KINDS,
    Case,
    CaseDocument,
    Procedure,
    RecordingMatter,
    StepTaken,
)
from sanxiang.cases.recording import (
    SERVICE_STEP,
    has_recording,
    kinds_text,
    manner_text,
    matters_among,
    matters_for,
    service_step,
)
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.guards import RecordingGuard
from sanxiang.core.legal_rows import LoadReport, rows_sync, table_read

RECORDING_FILE = Path(__file__).resolve().parents[2] / "data" / "recording_matters.csv"
COLUMNS = {
    "code": "代码",
    "position": "序号",
    "matter": "事项",
    "step": "对应环节",
    "kinds": "记录形式",
    "basis": "依据",
    "active": "列入清单",
}


@cache
def recordable_steps() -> dict[str, str]:
    """Step key -> what people read (程序：步骤): the transitions whose declaration carries
    the list's guard, and each 送达方式 of the 送达回证."""
    steps: dict[str, str] = {}
    for code, definition in PROCEDURES.items():
        for transition in definition.transitions:
            for guard in transition.guards:
                if (
                    isinstance(guard, RecordingGuard)
                    and guard.step == f"{code}.{transition.action}"
                ):
                    steps[guard.step] = f"{Procedure(code).label}：{transition.label}"
    for method in SERVICE_METHODS:
        steps[service_step(method)] = f"送达：{method}（送达回证）"
    return steps


def step_label(step: str) -> str:
    """What a row's step says to people; a row without a step is only published."""
    if not step:
        return "（本系统无对应步骤，仅公示）"
    return recordable_steps().get(step, step)


def row_problems(*, step: str, kinds: str) -> list[str]:
    """What is wrong with a row's step and 记录形式 (Chinese; empty when both are fine)."""
    problems = []
    if step and step not in recordable_steps():
        hint = "程序代码.步骤代码（须是已声明音像记录检查的步骤）或 service:送达方式"
        problems.append(f"对应环节“{step}”不是本系统的步骤，应为{hint}")
    named = [k.strip() for k in kinds.split(KIND_SEPARATOR)]
    unknown = [k for k in named if k not in RECORDING_KINDS]
    if unknown or not kinds.strip():
        problems.append(
            f"记录形式“{kinds}”有误，应为 {'、'.join(RECORDING_KINDS)} 中的一项或多项（以 | 分隔）"
        )
    return problems


def recording_matters_read(
    path: Path = RECORDING_FILE,
) -> dict[tuple[str], dict[str, object]]:
    """(code,) -> the row's fields; any bad row refuses the whole file, each named."""
    table = table_read(
        path,
        COLUMNS,
        required=("code", "position", "matter", "kinds", "basis", "active"),
        max_lengths={"code": 32, "matter": 100, "step": 64, "kinds": 64, "basis": 300},
    )
    found: dict[tuple[str], dict[str, object]] = {}
    first_line: dict[str, int] = {}
    for line, values in table.rows:
        where = f"第{line}行"
        code = values["code"]
        if code in first_line:
            table.problems.append(f"{where}：代码“{code}”与第{first_line[code]}行重复。")
        first_line.setdefault(code, line)
        problems = row_problems(step=values["step"], kinds=values["kinds"])
        position = values["position"]
        if not (position.isascii() and position.isdigit() and 1 <= int(position) <= 999):
            problems.append(f"序号应为 1–999 的整数，不是“{position}”")
        if values["active"] not in ("yes", "no"):
            problems.append(f"列入清单应填 yes 或 no，不是“{values['active']}”")
        if problems:
            table.problems.append(f"{where}：{'；'.join(problems)}。")
            continue
        found[(code,)] = {
            "position": int(position),
            "matter": values["matter"],
            "step": values["step"],
            "kinds": KIND_SEPARATOR.join(k.strip() for k in values["kinds"].split(KIND_SEPARATOR)),
            "basis": values["basis"],
            "is_active": values["active"] == "yes",
        }
    table.refuse()
    return found


def recording_matters_load(*, path: Path = RECORDING_FILE, replace: bool = False) -> LoadReport:
    """Load the shipped list as the default rows (no agency): add missing rows, keep and
    report rows edited in 管理后台 unless ``replace``. Loading twice changes nothing."""
    wanted = recording_matters_read(path)
    return rows_sync(
        RecordingMatter, wanted, identity=("code",), replace=replace, fixed={"agency": None}
    )


# --- The list as the public and the reviewer read it ------------------------------------------


@dataclass(frozen=True)
class PublicMatter:
    position: int
    matter: str
    step: str
    manner: str
    kinds: str
    basis: str


def matters_public(agency_id: int, rows: list[RecordingMatter] | None = None) -> list[PublicMatter]:
    """The agency's list as published (事前公开); ``rows``: all rows, read once for several
    agencies."""
    listed = matters_for(agency_id) if rows is None else matters_among(rows, agency_id)
    return [
        PublicMatter(
            position=index,
            matter=row.matter,
            step=step_label(row.step),
            manner=manner_text(row),
            kinds=kinds_text(row),
            basis=row.basis,
        )
        for index, row in enumerate(listed, start=1)
    ]


@dataclass(frozen=True)
class RecordingCheck:
    """One listed matter that applies to a case: ``ok`` True (recorded), False (the step was
    taken, or the 送达回证 records that service, without a recording) or None (not yet taken)."""

    matter: str
    ok: bool | None
    text: str


def recording_checks(case: Case) -> list[RecordingCheck]:
    """Each matter of the agency's list that applies to the case (a step of its procedure, or
    a 送达方式 its 送达回证 records), and whether a recording of a satisfying kind exists."""
    prefix = f"{case.procedure}."
    taken = set(StepTaken.objects.filter(case=case).values_list("action", flat=True))
    served = {
        str(fields.get("method", ""))
        for fields in CaseDocument.objects.filter(case=case, kind="service_proof").values_list(
            "fields", flat=True
        )
    }
    checks = []
    for matter in matters_for(case.agency_id):
        if matter.step.startswith(prefix):
            done = matter.step.removeprefix(prefix) in taken
        elif matter.step.startswith(SERVICE_STEP):
            if matter.step.removeprefix(SERVICE_STEP) not in served:
                continue
            done = True
        else:
            continue
        wanted = f"{manner_text(matter)}（{kinds_text(matter)}）"
        if has_recording(case, matter):
            checks.append(RecordingCheck(matter.matter, True, f"须有{wanted}，已登记"))
        elif done:
            checks.append(RecordingCheck(matter.matter, False, f"须有{wanted}，本案尚无"))
        else:
            checks.append(
                RecordingCheck(matter.matter, None, f"未进行该环节；如进行，须有{wanted}")
            )
    return checks
