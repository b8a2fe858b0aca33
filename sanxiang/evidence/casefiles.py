"""Which cases an officer may file evidence under: asked of the cases app, which sits above.

Evidence is filed under a 案件编号 (``EvidenceItem.case_number``), yet evidence may not import
``cases`` (imports point downward, DESIGN.md). The cases app installs its answer here when
Django starts (``CasesConfig.ready``), from its one access rule (``visible_to``) and the
handlers of each case: the cases he handles. Until something is installed the list is empty,
so the upload form offers no case and refuses every one.

The same source answers ``evidence_register`` (``may_file``): case evidence is registered only
under a case its registrant may file under, whoever calls the service (the upload form, the
on-site record, the demo). Attachments of a 投诉举报 have no case and never pass through here:
the complaints app stores them as blobs of its own (``complaints.services``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sanxiang.org.models import Officer


@dataclass(frozen=True)
class CaseChoice:
    """One case the officer may file evidence under."""

    reference: str  # the 案件编号 evidence is filed under (a provisional one before 立案)
    title: str  # 案由, shown beside the number
    group: str  # the procedure, shown before the 案由 (行政处罚一般程序 …)


class CaseFiles(Protocol):
    def choices(self, officer: Officer) -> list[CaseChoice]:
        """The cases ``officer`` may file evidence under now, most recent first."""

    def may_file(self, officer: Officer, reference: str) -> bool:
        """Whether ``officer`` may file evidence under the case ``reference`` now: the same
        rule as ``choices``, for one case, however many he handles."""


class NoCases:
    def choices(self, officer: Officer) -> list[CaseChoice]:
        return []

    def may_file(self, officer: Officer, reference: str) -> bool:
        return False


_source: CaseFiles = NoCases()


def install_case_files(source: CaseFiles) -> None:
    global _source
    _source = source


def case_files() -> CaseFiles:
    return _source
