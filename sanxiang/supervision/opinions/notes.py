"""The case page's notice of open 执法监督意见 (installed by ``SupervisionConfig.ready``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.cases.page_notes import PageNote, page_fact_install
from sanxiang.org.models import Officer
from sanxiang.supervision.opinions.models import OPEN, OpinionStatus
from sanxiang.supervision.opinions.selectors import may_answer, may_issue, open_on_case

# Whether the case has an opinion not yet accepted, asked with the case's fetch for its page
# (there is almost never one; the notes then need no query of their own).
OPEN_FACT = "page_has_open_opinion"


def open_opinion_fact_install() -> None:
    statuses = tuple(status.value for status in OPEN)
    # As many markers as OPEN has statuses, whatever it holds; the values are bound.
    markers = ", ".join(["%s"] * len(statuses))
    sql = 'EXISTS (SELECT 1 FROM "supervision_opinion" o WHERE o."case_id" = {case}."id"'
    sql += ' AND o."status" IN (' + markers + "))"
    page_fact_install(OPEN_FACT, sql, statuses)


def opinion_notes(case: Case, officer: Officer) -> list[PageNote]:
    today = timezone.localdate()
    notes = []
    # A case fetched otherwise (not for its page) does not know: asked then.
    opinions = open_on_case(officer, case.pk) if getattr(case, OPEN_FACT, True) else []
    for opinion in opinions:
        owed = opinion.status != OpinionStatus.ANSWERED
        late = owed and opinion.answer_due_on < today
        state = (
            f"答复期限 {opinion.answer_due_on:%Y-%m-%d}{'，已逾期' if late else ''}"
            if owed
            else "已答复，待监督机构审查"
        )
        notes.append(
            PageNote(
                text=f"执法监督：{opinion.body.name}{opinion.get_kind_display()}"
                f"（{opinion.number}）{opinion.get_status_display()}，{state}。",
                url=reverse("supervision:opinion", args=[opinion.pk]),
                link="查看并答复" if owed and may_answer(officer, opinion) else "查看",
                urgent=late,
            )
        )
    if may_issue(officer, case.agency_id):
        notes.append(
            PageNote(
                text="监督人员发现本案存在问题的，可以出具行政执法监督意见书或者责令纠正通知书。",
                url=f"{reverse('supervision:opinion-new')}?case={case.pk}",
                link="出具监督意见",
            )
        )
    return notes
