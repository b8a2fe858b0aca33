"""What a step does, declared on the step (``Transition.effects``), and which clock its due date
shows (``Transition.due``).

These are data: the procedure says *what* happens (a number is allocated, a date is stamped, a
clock starts); ``cases.services.transition`` applies them, in the order declared, inside the
step's transaction. The 执法流程图 and the tables in ``docs/operations/cases.md`` describe them
from the same declarations (``describe``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sanxiang.core.deadlines import Deadline

if TYPE_CHECKING:
    from sanxiang.cases.models import Case
    from sanxiang.org.models import Officer

# The case's date fields an effect may touch, with how the documents name them.
FIELD_LABELS = {
    "registered_on": "立案日期",
    "decided_on": "决定日期",
    "decision_due_on": "办案期限（决定期限）",
    "notified_on": "事先告知日期",
    "statement_closed_on": "陈述申辩完毕日期",
    "served_on": "送达日期",
    "payment_due_on": "缴款期限",
    "demand_served_on": "催告书送达日期",
    "measure_taken_at": "查封扣押实施时间",
    "measure_due_on": "查封扣押期限",
    "hearing_held_on": "听证日期",
    "registered_by": "立案批准人",
    "closed_by": "结案人",
}
NUMBER_KINDS = {"penalty": "行政处罚案件编号", "on_spot": "当场处罚决定书编号"}


# 执法行为类别 of the decisions a step publishes (``OpenPublication.kind``; the publishing app's
# ``ActKind`` values).
PUBLICATION_KINDS = {
    "penalty": "行政处罚",
    "coercive": "行政强制",
    "inspection": "行政检查",
    "other": "其他执法",
}


def _label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


# --- Effects: what the step changes, applied in the order declared ------------------------------


@dataclass(frozen=True)
class AllocateNumber:
    """The case gets the next number of ``kind`` in the agency's series for the year."""

    kind: str

    def describe(self) -> str:
        return f"分配{NUMBER_KINDS.get(self.kind, self.kind)}"


@dataclass(frozen=True)
class StampDate:
    """``field`` becomes today; with ``once``, only if it is still empty."""

    field: str
    once: bool = False

    def describe(self) -> str:
        return f"记录{_label(self.field)}" + ("（首次）" if self.once else "")


@dataclass(frozen=True)
class StampActor:
    """``field`` (an officer) becomes who took the step, the first time only: e.g. the 负责人
    who approved the 立案. A fact kept as a column, so nobody searches the ledger for it."""

    field: str

    def describe(self) -> str:
        return f"记录{_label(self.field)}（首次）"


@dataclass(frozen=True)
class StampTime:
    """``field`` (a date and time) becomes now."""

    field: str

    def describe(self) -> str:
        return f"记录{_label(self.field)}"


@dataclass(frozen=True)
class ClearDate:
    """``field`` is emptied (e.g. a new 事先告知 opens a new 陈述申辩 period)."""

    field: str

    def describe(self) -> str:
        return f"清除{_label(self.field)}"


@dataclass(frozen=True)
class StampServed:
    """``field`` becomes the day the latest ``document`` was served, as its 送达回证 records
    (``cases.delivery``), not the day the step is taken: periods run from service."""

    field: str
    document: str
    document_label: str

    def describe(self) -> str:
        return f"记录{_label(self.field)}（按{self.document_label}送达回证记载的送达日期）"


@dataclass(frozen=True)
class StartClock:
    """``field`` becomes ``deadline`` counted from today, or from the date in ``start``."""

    field: str
    deadline: Deadline
    start: str = ""

    def describe(self) -> str:
        since = f"（以{_label(self.start)}为准）" if self.start else ""
        return f"起算{_label(self.field)}：{self.deadline}{since}"


@dataclass(frozen=True)
class ExtendClock:
    """``field``, if set, moves to ``deadline`` counted from its current value."""

    field: str
    deadline: Deadline

    def describe(self) -> str:
        return f"延长{_label(self.field)}：{self.deadline}"


@dataclass(frozen=True)
class OpenFollowUpCase:
    """A general-procedure 案源 opens, linked to this case, with its parties, handlers and facts.

    ``source`` is its 案件来源; ``{number}`` stands for this case's number and ``{reference}``
    for the reference its evidence is filed under (its number, or a provisional one).
    """

    source: str

    def describe(self) -> str:
        return "生成一般程序案源（关联本案）"


@dataclass(frozen=True)
class OpenPublication:
    """执法公示: the step makes a decision that must be published, so a publication record opens
    in the step's transaction with its due date (the period an administrator set for ``kind``,
    counted from today). ``conclusion`` is the 执法结论 published; empty means the penalty kinds
    of the case. Applied by the publishing app (``install_publisher``); without one, the step is
    refused, so no decision is ever made without its publication record."""

    kind: str
    conclusion: str = ""

    def describe(self) -> str:
        return f"建立{PUBLICATION_KINDS.get(self.kind, self.kind)}决定公示记录（计算公示期限）"


Publisher = Callable[["Case", "Officer", OpenPublication], None]
_publisher: Publisher | None = None


def install_publisher(publisher: Publisher) -> None:
    """The app that publishes decisions (``disclosure``) installs its service here."""
    global _publisher
    _publisher = publisher


def installed_publisher() -> Publisher | None:
    return _publisher


@dataclass(frozen=True)
class SealArchive:
    """归档: the whole 电子案卷 is sealed into one package (every document version, evidence
    record, 法制审核 opinion and minutes, signature, the case's ledger events with their proofs)
    whose SHA-256 is a ledger event of the step's transaction (行政处罚法第四十七条). Applied by
    the archiving app (``install_archiver``); without one, the step is refused."""

    def describe(self) -> str:
        return "生成电子案卷归档包（哈希记入全过程记录）"


Archiver = Callable[["Case", "Officer"], None]
_archiver: Archiver | None = None


def install_archiver(archiver: Archiver) -> None:
    """The app that builds archive packages (``archive``) installs its service here."""
    global _archiver
    _archiver = archiver


def installed_archiver() -> Archiver | None:
    return _archiver


@dataclass(frozen=True)
class RecordDiscretion:
    """裁量偏离: the decision keeps what the 裁量基准 said of it — the version, the chosen 违法行为,
    the tier the decided fine falls in and whether it is inside the tiers' range (or that no
    违法行为 was chosen). Written once the case is saved, in the step's transaction, with its own
    ledger event (``cases.deviation.discretion_record``); the deviation figures read it."""

    def describe(self) -> str:
        return "记录裁量基准适用情况（版本、违法行为、阶次、是否在阶次内）"


Effect = (
    AllocateNumber
    | StampDate
    | StampServed
    | StampActor
    | StampTime
    | ClearDate
    | StartClock
    | ExtendClock
    | OpenFollowUpCase
    | OpenPublication
    | SealArchive
    | RecordDiscretion
)


# --- Due: which date the step the case enters is due by (``Case.step_due_on``) ------------------


@dataclass(frozen=True)
class CountFromToday:
    """The step's deadline counted from today (暂定 where working days run into an unknown year)."""

    def describe(self) -> str:
        return "自今日起算"


@dataclass(frozen=True)
class CountFrom:
    """The step's deadline counted from the case's date ``field`` (e.g. the 事先告知书's recorded
    service), set by the step's effects."""

    field: str

    def describe(self) -> str:
        return f"自{_label(self.field)}起算"


@dataclass(frozen=True)
class MirrorClock:
    """The step is due when the case's clock ``field`` runs out (e.g. the 90-day decision limit)."""

    field: str

    def describe(self) -> str:
        return f"同{_label(self.field)}"


@dataclass(frozen=True)
class HoursAfter:
    """Due on the day ``hours`` after the moment in ``field`` (行政强制法第十九条: 二十四小时)."""

    field: str
    hours: int

    def describe(self) -> str:
        return f"{_label(self.field)}后{self.hours}小时内"


@dataclass(frozen=True)
class CourtWindow:
    """Due on the last day the court may be asked to enforce (the execution periods)."""

    def describe(self) -> str:
        return "申请人民法院强制执行期限届满之日"


Due = CountFromToday | CountFrom | MirrorClock | HoursAfter | CourtWindow
COUNT_FROM_TODAY = CountFromToday()
