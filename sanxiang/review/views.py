"""Office pages of 法制审核: thin adapters over selectors (reads) and services (writes)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sanxiang.cases import selectors as case_selectors
from sanxiang.cases.deviation import deviation_figures
from sanxiang.cases.models import Case, PenaltyKind, ReviewFlag
from sanxiang.core.downloads import attachment, serve_document
from sanxiang.core.params import is_id, year_param
from sanxiang.errors import DomainError
from sanxiang.org.models import Officer, Role
from sanxiang.org.selectors import officer_for_request
from sanxiang.review import selectors
from sanxiang.review.documents import review_document_make, review_document_open
from sanxiang.review.facts import matched_rules
from sanxiang.review.figures import figures_for, figures_xlsx
from sanxiang.review.models import (
    OPINION_POINTS,
    POINT_LABELS,
    Capacity,
    Conclusion,
    MeetingConclusion,
    PointConclusion,
    Review,
    ReviewDocumentKind,
    ReviewStatus,
)
from sanxiang.review.prechecks import prechecks
from sanxiang.review.services import (
    ParticipantInput,
    PointInput,
    answer_write,
    committee_record,
    materials_check,
    opinion_write,
    policy_for,
    review_submit,
)


def _declared(request: HttpRequest) -> set[int]:
    return {int(v) for v in request.POST.getlist("declared") if is_id(v)}


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """审核待办 and every review the officer may see."""
    officer = officer_for_request(request)
    today = timezone.localdate()
    may_see_figures = _may_see_figures(officer)
    return render(
        request,
        "review/queue.html",
        {
            "waiting": [
                {"review": r, "overdue": r.due_on < today and r.status == ReviewStatus.UNDER_REVIEW}
                for r in selectors.queue_for(officer)[:200]
            ],
            "all": selectors.reviews_for(officer)[:200],
            "today": today,
            "may_see_figures": may_see_figures,
            # 裁量偏离 of the agency's decisions this year (cases/deviation.py).
            "deviation": deviation_figures(
                agency_ids=[officer.unit.agency_id], first=date(today.year, 1, 1), last=today
            )
            if may_see_figures
            else None,
        },
    )


@login_required
def case_entry(request: HttpRequest, case_id: int) -> HttpResponse:
    """From the case page: the review if there is one, else the submission form."""
    officer = officer_for_request(request)
    case = _case(officer, case_id)
    review = Review.objects.filter(case_id=case.pk).first()
    if review is not None:
        return redirect("review:detail", pk=review.pk)
    return redirect("review:submit", case_id=case_id)


def _case(officer: Officer, case_id: int) -> Case:
    try:
        return case_selectors.case_get_for(officer, case_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc


@login_required
def submit(request: HttpRequest, case_id: int) -> HttpResponse:
    """送审: the catalogue's finding, the materials, the statement."""
    officer = officer_for_request(request)
    case = _case(officer, case_id)
    if request.method == "POST":
        try:
            review = review_submit(
                actor=officer,
                case_id=case.pk,
                declared=_declared(request),
                confirmed=request.POST.get("confirmed") == "yes",
                disputed=request.POST.get("disputed") == "yes",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已提交法制审核，审核人员：{review.reviewer.name}。")
            return redirect("review:detail", pk=review.pk)
    declared = _declared(request) if request.method == "POST" else set()
    return render(
        request,
        "review/submit.html",
        {
            "case": case,
            "rules": matched_rules(case),
            "materials": materials_check(case, declared),
            "policy": policy_for(case.agency_id),
            "penalty_kinds": [PenaltyKind(k).label for k in case.penalty_kinds],
            "flags": [ReviewFlag(f).label for f in case.review_flags],
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    officer = officer_for_request(request)
    try:
        review = selectors.review_get_for(officer, pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    case = review.case
    rounds = list(
        review.rounds.select_related("opinion", "answer", "submitted_by").order_by("number")
    )
    documents = {(d.kind, d.source_id): d for d in review.documents.all()}
    history = []
    for round_ in rounds:
        opinion = getattr(round_, "opinion", None)
        history.append(
            {
                "round": round_,
                "opinion": opinion,
                "points": [
                    {"label": POINT_LABELS[p.point], "point": p}
                    for p in (opinion.points.order_by("pk") if opinion else [])
                ],
                "answer": getattr(round_, "answer", None),
                "document": documents.get((ReviewDocumentKind.OPINION, opinion.pk))
                if opinion
                else None,
            }
        )
    is_handler = case.handlers.filter(pk=officer.pk).exists()
    may_record_committee = review.status == ReviewStatus.COMMITTEE and (
        officer.has_role(Role.REVIEWER) or officer.has_role(Role.HEAD)
    )
    return render(
        request,
        "review/detail.html",
        {
            "review": review,
            "case": case,
            "history": history,
            "meetings": [
                {"meeting": m, "document": documents.get((ReviewDocumentKind.MINUTES, m.pk))}
                for m in review.meetings.prefetch_related("participants").select_related("chair")
            ],
            "prechecks": [{"label": POINT_LABELS[c.point], "check": c} for c in prechecks(case)],
            "points": OPINION_POINTS,
            "point_conclusions": PointConclusion.choices,
            "conclusions": Conclusion.choices,
            "may_opine": review.status == ReviewStatus.UNDER_REVIEW
            and review.reviewer_id == officer.pk,
            "may_answer": review.status == ReviewStatus.RETURNED and is_handler,
            "materials": materials_check(case, set()) if is_handler else [],
            "may_record_committee": may_record_committee,
            "capacities": Capacity.choices,
            "meeting_conclusions": MeetingConclusion.choices,
            "colleagues": Officer.objects.filter(unit__agency_id=case.agency_id, is_active=True)
            .exclude(pk__in=case.handlers.values("pk"))
            .order_by("unit__name", "name")
            if may_record_committee
            else [],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def opinion(request: HttpRequest, pk: int) -> HttpResponse:
    officer = officer_for_request(request)
    try:
        review = selectors.review_get_for(officer, pk)
        written = opinion_write(
            actor=officer,
            review_id=review.pk,
            points={
                code: PointInput(
                    request.POST.get(f"point_{code}", ""), request.POST.get(f"reason_{code}", "")
                )
                for code, _ in OPINION_POINTS
                if request.POST.get(f"point_{code}")
            },
            conclusion=request.POST.get("conclusion", ""),
            summary=request.POST.get("summary", ""),
            assisted_by=request.POST.get("assisted_by", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "审核意见已提交。")
        _make_document(request, officer, pk, ReviewDocumentKind.OPINION, written.pk)
    return redirect("review:detail", pk=pk)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    officer = officer_for_request(request)
    try:
        review = selectors.review_get_for(officer, pk)
        answer_write(
            actor=officer,
            review_id=review.pk,
            accepted=request.POST.get("accepted") == "yes",
            study=request.POST.get("study", ""),
            action=request.POST.get("action", ""),
            declared=_declared(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已书面答复并重新提交法制审核。")
    return redirect("review:detail", pk=pk)


def _participants(request: HttpRequest, agency_id: int) -> list[ParticipantInput]:
    rows = []
    names = request.POST.getlist("p_name")

    def column(key: str, i: int) -> str:  # a row the browser sent short reads as blank
        values = request.POST.getlist(key)
        return values[i] if i < len(values) else ""

    for i, name in enumerate(names):
        if not name.strip():
            continue
        officer_id = column("p_officer", i)
        officer = (
            Officer.objects.filter(pk=officer_id, unit__agency_id=agency_id).first()
            if is_id(officer_id)
            else None
        )
        rows.append(
            ParticipantInput(
                name=name,
                capacity=column("p_capacity", i),
                view=column("p_view", i),
                vote=column("p_vote", i),
                officer_id=officer.pk if officer else None,
            )
        )
    return rows


@login_required
@require_POST
def committee(request: HttpRequest, pk: int) -> HttpResponse:
    officer = officer_for_request(request)
    try:
        review = selectors.review_get_for(officer, pk)
        chair = Officer.objects.filter(
            pk=request.POST.get("chair") or 0, unit__agency_id=review.agency_id
        ).first()
        if chair is None:
            raise DomainError("请选择主持人。", log_message="no chair")
        try:
            held_on = date.fromisoformat(request.POST.get("held_on", ""))
        except ValueError:
            raise DomainError("请填写会议日期。", log_message="bad meeting date") from None
        meeting = committee_record(
            actor=officer,
            review_id=review.pk,
            held_on=held_on,
            place=request.POST.get("place", ""),
            chair=chair,
            participants=_participants(request, review.agency_id),
            conclusion=request.POST.get("conclusion", ""),
            minutes=request.POST.get("minutes", ""),
        )
    except (DomainError, IndexError) as exc:
        messages.error(
            request, exc.message if isinstance(exc, DomainError) else "出席人员信息不完整。"
        )
    else:
        messages.success(request, "已记录审核委员会会议。")
        _make_document(request, officer, pk, ReviewDocumentKind.MINUTES, meeting.pk)
    return redirect("review:detail", pk=pk)


def _make_document(
    request: HttpRequest, officer: Officer, review_id: int, kind: str, source_id: int
) -> None:
    """The document of what was just recorded; if it cannot be made now, it can be later."""
    try:
        review_document_make(actor=officer, review_id=review_id, kind=kind, source_id=source_id)
    except DomainError as exc:
        messages.warning(request, f"文书暂未生成：{exc.message}可稍后在本页重新生成。")


@login_required
@require_POST
def document_new(request: HttpRequest, pk: int, kind: str, source_id: int) -> HttpResponse:
    officer = officer_for_request(request)
    try:
        review_document_make(actor=officer, review_id=pk, kind=kind, source_id=source_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("review:detail", pk=pk)


@login_required
def document_download(request: HttpRequest, document_id: int, form: str) -> HttpResponse:
    officer = officer_for_request(request)
    return serve_document(
        form=form,
        open_document=lambda form: review_document_open(
            actor=officer, document_id=document_id, form=form
        ),
        filename=lambda document: (
            f"{document.get_kind_display()}-{document.review.case.number or document.review_id}"
        ),
    )


def _may_see_figures(officer: Officer) -> bool:
    return any(officer.has_role(r) for r in (Role.HEAD, Role.SUPERVISOR, Role.REVIEWER))


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    """法制审核 oversight figures for the officer's agency, on screen or as Excel."""
    officer = officer_for_request(request)
    if not _may_see_figures(officer):
        raise PermissionDenied("只有负责人、监督人员和法制审核人员可以查看审核统计。")
    year_value = year_param(request.GET, default=timezone.localdate().year)
    data = figures_for(agency_id=officer.unit.agency_id, year=year_value)
    if request.GET.get("format") == "xlsx":
        return attachment(
            figures_xlsx(data),
            filename=f"review-figures-{year_value}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return render(request, "review/figures.html", {"figures": data, "year": year_value})
