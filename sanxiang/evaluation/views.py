"""The 案卷评查 pages under /office/evaluation/ (thin: selectors read, services write)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sanxiang.evaluation import selectors
from sanxiang.evaluation.forms import AnswerForm, CampaignForm, DrawForm, FreezeForm, ScoreForm
from sanxiang.evaluation.models import Campaign, CampaignStatus
from sanxiang.evaluation.services import (
    CampaignInput,
    EvaluationRefused,
    assignment_answer,
    assignment_score,
    campaign_close,
    campaign_create,
    campaign_draw,
    campaign_freeze,
    campaign_publish,
    finding_attachment_open,
)
from sanxiang.evidence.attachments import Upload
from sanxiang.evidence.storage import evidence_storage
from sanxiang.org.models import Officer
from sanxiang.org.selectors import (
    officer_for_request,
    supervised_agency_ids,
    supervisory_body_of,
)


@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    """The campaigns the officer runs or evaluates in; for a 负责人 his agency's findings."""
    officer = officer_for_request(request)
    return render(
        request,
        "evaluation/campaigns.html",
        {
            "campaigns": selectors.campaigns_for(officer),
            "may_create": supervisory_body_of(officer) is not None,
            "findings_waiting": selectors.findings_waiting_count(officer),
            "is_head": selectors.findings_for(officer).exists(),
        },
    )


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    officer = officer_for_request(request)
    if supervisory_body_of(officer) is None:
        raise PermissionDenied("只有行政执法监督机构的监督人员可以发起案卷评查。")
    form = CampaignForm(request.POST or None, agency_ids=supervised_agency_ids(officer))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = campaign_create(
                    actor=officer,
                    data=CampaignInput(
                        name=data["name"],
                        closed_from=data["closed_from"],
                        closed_to=data["closed_to"],
                        per_stratum=data["per_stratum"],
                        agency_ids=[a.pk for a in data["agencies"]],
                        evaluator_ids=[o.pk for o in data["evaluators"]],
                    ),
                )
            except EvaluationRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "评查活动已创建。下一步：声明随机源并冻结样本框。")
                return redirect("evaluation:detail", campaign.pk)
        status = 400
    return render(request, "evaluation/campaign_new.html", {"form": form}, status=status)


def _campaign(officer: Officer, pk: int) -> Campaign:
    campaign = selectors.campaign_get_for(officer, pk)
    if campaign is None:
        raise Http404("未找到该评查活动，或者您无权查看。")
    return campaign


def _detail(
    request: HttpRequest,
    officer: Officer,
    campaign: Campaign,
    *,
    freeze_form: FreezeForm | None = None,
    draw_form: DrawForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    manages = selectors.may_manage(officer, campaign)
    assignments = selectors.assignments_of(campaign)
    if not manages:
        assignments = assignments.filter(evaluator=officer)
    return render(
        request,
        "evaluation/campaign.html",
        {
            "campaign": campaign,
            "manages": manages,
            "me": officer.pk,
            "assignments": assignments,
            "strata": selectors.strata_of(campaign),
            "agency_scores": selectors.campaign_agency_scores(campaign) if manages else [],
            "officer_scores": selectors.campaign_officer_scores(campaign) if manages else [],
            "problems": selectors.verify(campaign) if campaign.frozen_at else None,
            "freeze_form": freeze_form or FreezeForm(),
            "draw_form": draw_form or DrawForm(),
            "error": error,
            "Status": CampaignStatus,
        },
        status=status,
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    officer = officer_for_request(request)
    return _detail(request, officer, _campaign(officer, pk))


@login_required
@require_POST
def campaign_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """冻结 / 抽取 / 结束 / 公开: one service each; a refusal redraws the page with 400."""
    officer = officer_for_request(request)
    campaign = _campaign(officer, pk)
    freeze_form = FreezeForm(request.POST) if step == "freeze" else None
    draw_form = DrawForm(request.POST) if step == "draw" else None
    try:
        if step == "freeze":
            assert freeze_form is not None  # noqa: S101
            if not freeze_form.is_valid():
                raise EvaluationRefused("请选择随机源形式，填写随机源及其公布时间。")
            data = freeze_form.cleaned_data
            campaign_freeze(
                actor=officer,
                campaign_id=pk,
                beacon_source=data["beacon_source"],
                beacon_form_id=data["beacon_form"].pk,
                beacon_known_at=data["beacon_known_at"],
            )
            done = "样本框已冻结，随机源已声明。随机源公布后请录入其取值并抽取。"
        elif step == "draw":
            assert draw_form is not None  # noqa: S101
            if not draw_form.is_valid():
                raise EvaluationRefused("请填写随机源的取值。")
            campaign_draw(actor=officer, campaign_id=pk, beacon=draw_form.cleaned_data["beacon"])
            done = "已抽取评查案卷并分配评查人员。"
        elif step == "close":
            campaign_close(actor=officer, campaign_id=pk)
            done = "评查已结束。"
        elif step == "publish":
            campaign_publish(actor=officer, campaign_id=pk)
            done = "评查结果（各单位汇总得分）已在公示网站公开。"
        else:
            raise Http404("没有这个操作。")
    except EvaluationRefused as exc:
        campaign.refresh_from_db()
        return _detail(
            request, officer, campaign, freeze_form=freeze_form, draw_form=draw_form,
            error=exc.message, status=400,
        )  # fmt: skip
    messages.success(request, done)
    return redirect("evaluation:detail", pk)


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluator's scoring sheet for one drawn case."""
    officer = officer_for_request(request)
    assignment = selectors.assignment_for_evaluator(officer, pk)
    if assignment is None:
        raise Http404("未找到该案卷，或者它不是分配给您评查的。")
    items = list(assignment.campaign.standard.items.all())
    form = ScoreForm(request.POST or None, items=items)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                assignment_score(
                    actor=officer,
                    assignment_id=assignment.pk,
                    marks=form.marks(),
                    summary=form.cleaned_data["summary"],
                )
            except EvaluationRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "评分已提交，评查意见已送被评查单位。")
                return redirect("evaluation:assignment", assignment.pk)
        status = 400
    return render(
        request,
        "evaluation/assignment.html",
        {
            "assignment": assignment,
            "form": form,
            "marks": assignment.marks.select_related("item") if assignment.submitted_at else [],
        },
        status=status,
    )


def _findings_page(
    request: HttpRequest, officer: Officer, *, sent: AnswerForm | None = None, sent_pk: int = 0,
    error: str = "", status: int = 200,
) -> HttpResponse:  # fmt: skip
    rows = [
        (a, sent if a.pk == sent_pk and sent is not None else AnswerForm(prefix=f"a{a.pk}"))
        for a in selectors.findings_for(officer)
    ]
    return render(
        request, "evaluation/findings.html", {"rows": rows, "error": error}, status=status
    )


@login_required
def findings(request: HttpRequest) -> HttpResponse:
    """评查意见 of the 负责人's agency, each with its answer (整改情况)."""
    return _findings_page(request, officer_for_request(request))


@login_required
@require_POST
def finding_answer(request: HttpRequest, pk: int) -> HttpResponse:
    officer = officer_for_request(request)
    form = AnswerForm(request.POST, request.FILES, prefix=f"a{pk}")
    try:
        if not form.is_valid():
            raise EvaluationRefused("请填写整改情况（不超过 4000 字）。")
        assignment_answer(
            actor=officer,
            assignment_id=pk,
            answer=form.cleaned_data["answer"],
            files=[Upload(f.file, f.name) for f in form.cleaned_data["attachments"]],
        )
    except EvaluationRefused as exc:
        return _findings_page(
            request, officer, sent=form, sent_pk=pk, error=exc.message, status=400
        )
    messages.success(request, "整改情况已答复。")
    return redirect("evaluation:findings")


@login_required
@require_GET
def finding_file(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A file sent with a 整改情况: for the campaign's body and the agency's 负责人, each open
    recorded."""
    officer = officer_for_request(request)
    found = finding_attachment_open(actor=officer, attachment_id=attachment_id)
    if found is None:
        raise Http404("未找到该附件，或者您无权查看。")
    handle = evidence_storage().open(found.blob.storage_name, "rb")
    return FileResponse(
        handle, content_type=found.blob.content_type, as_attachment=True, filename=found.filename
    )
