"""Office pages of 双随机一公开: the tasks of my agency, a new task, and a task's steps."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanxiang.errors import DomainError
from sanxiang.inspections import services
from sanxiang.inspections.models import InspectionTarget, InspectionTask, RiskLevel
from sanxiang.inspections.selectors import draw_record, drawn_results, plans_for, tasks_for
from sanxiang.ledger.services import actor_for
from sanxiang.org.import_pages import upload_import
from sanxiang.org.models import Agency, EnforcementCategory, Officer, RandomCheckItem, Role
from sanxiang.org.selectors import officer_for_request


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    officer = officer_for_request(request)
    return render(
        request,
        "inspections/list.html",
        {"tasks": list(tasks_for(officer)[:200]), "plans": list(plans_for(officer))},
    )


def _ratio(value: str, label: str) -> Decimal:
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        raise services.InspectionRefused(
            f"{label}的抽查比例应为数字。", log_message="bad ratio"
        ) from None


def _int(value: str, label: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise services.InspectionRefused(f"{label}应为整数。", log_message=f"bad {label}") from None
    return number


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest) -> HttpResponse:
    """A plan for a 随机抽查事项 (when it has none this year) and a task under it."""
    officer = officer_for_request(request)
    items = RandomCheckItem.objects.filter(agency_id=officer.unit.agency_id, is_active=True)
    categories = EnforcementCategory.objects.all()
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            # All or nothing: a refused task leaves no plan made for it behind.
            with transaction.atomic():
                made = _task_new_post(request, officer, items, categories)
        except DomainError as exc:
            messages.error(request, exc.message)
            return render(
                request,
                "inspections/new.html",
                {**_form_context(officer, items), "values": values},
                status=400,
            )
        if len(made) > 1:
            messages.success(
                request, f"已按风险等级建立 {len(made)} 个抽查任务，请逐个冻结和抽取。"
            )
            return redirect("inspections:list")
        messages.success(request, "抽查任务已建立。请登记回避和承诺，然后冻结名单。")
        return redirect("inspections:detail", made[0].pk)
    return render(
        request,
        "inspections/new.html",
        {**_form_context(officer, items), "values": values},
    )


def _task_new_post(
    request: HttpRequest, officer: Officer, items: Any, categories: Any
) -> list[InspectionTask]:
    """The plan (if this year has none yet) and the task or tasks the form asks for."""
    item = items.filter(pk=_int(request.POST.get("item", ""), "抽查事项")).first()
    category = categories.filter(pk=_int(request.POST.get("category", ""), "执法类别")).first()
    if item is None or category is None:
        raise services.InspectionRefused("请选择抽查事项和执法类别。", log_message="no item")
    year = timezone.localdate().year
    plan = plans_for(officer).filter(item=item, year=year).first()
    if plan is None:
        try:
            ratio = Decimal(request.POST.get("ratio") or item.ratio_percent)
        except InvalidOperation:
            raise services.InspectionRefused(
                "抽查比例应为数字。", log_message="bad ratio"
            ) from None
        plan = services.plan_create(
            actor=officer,
            item=item,
            year=year,
            ratio_percent=ratio,
            frequency=item.cycle,
        )
    k_text = request.POST.get("k", "").strip()
    partners = list(
        Agency.objects.exclude(pk=officer.unit.agency_id).filter(
            pk__in=[_int(v, "联合抽查部门") for v in request.POST.getlist("partners")]
        )
    )
    ratios = {
        level: _ratio(request.POST.get(f"ratio_{level}", ""), label)
        for level, label in RiskLevel.choices
        if request.POST.get(f"ratio_{level}", "").strip()
    }
    name = request.POST.get("name", "")
    area = request.POST.get("area", "").strip()
    target_category = request.POST.get("target_category", "").strip()
    m = _int(request.POST.get("m", "2") or "2", "每组人数")
    if ratios:
        made = services.tasks_create_by_risk(
            actor=officer,
            plan=plan,
            name=name,
            category=category,
            ratios=ratios,
            area=area,
            target_category=target_category,
            m=m,
            partners=partners,
        )
    else:
        made = [
            services.task_create(
                actor=officer,
                plan=plan,
                name=name,
                category=category,
                area=area,
                target_category=target_category,
                risk=[v for v in request.POST.getlist("risk") if v],
                k=_int(k_text, "抽取数量") if k_text else None,
                m=m,
                partners=partners,
            )
        ]
    return made


def _form_context(officer: Officer, items: object) -> dict[str, object]:
    return {
        "items": items,
        "categories": EnforcementCategory.objects.all(),
        "risks": RiskLevel.choices,
        "agencies": Agency.objects.exclude(pk=officer.unit.agency_id).order_by("name"),
    }


def _task(request: HttpRequest, pk: int) -> InspectionTask:
    officer = officer_for_request(request)
    task = tasks_for(officer).filter(pk=pk).first() if pk else None
    if task is None:
        raise Http404("未找到该抽查任务。")
    return InspectionTask.objects.select_related("plan__item", "agency", "category").get(pk=task.pk)


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _task(request, pk))


def _detail(request: HttpRequest, task: InspectionTask, *, status: int = 200) -> HttpResponse:
    pool = services.inspector_pool(task) if task.state == "draft" else {}
    return render(
        request,
        "inspections/detail.html",
        {
            "task": task,
            "record": draw_record(task),
            "results": drawn_results(task),
            "conflicts": task.conflict_rows.order_by("recorded_at"),
            "commitments": task.commitments.order_by("made_at"),
            "pool": sorted(pool.items()),
            "matching": len(
                services.candidates_matching(
                    agency_id=task.agency_id,
                    area=task.filter_area,
                    category=task.filter_category,
                    risk=list(task.filter_risk),
                )
            )
            if task.state == "draft"
            else len(task.candidates),
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "slots": _slots(task),
        },
        status=status,
    )


def _slots(task: InspectionTask) -> list[dict[str, object]]:
    """The declared beacons of a frozen task, each with its value once entered."""
    if task.state == "draft":
        return []
    entered = {b.position: b for b in task.beacons.all()}
    return [
        {"slot": n, "source": source, "reveal": commitment is not None, "beacon": entered.get(n)}
        for n, (source, commitment) in enumerate(services.beacon_slots(task))
    ]


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise services.InspectionRefused(
            "请按“年-月-日 时:分”填写随机源产生时间。", log_message=f"bad time {text!r}"
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@login_required
@require_POST
def task_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    officer = officer_for_request(request)
    task = _task(request, pk)
    post = request.POST
    try:
        if step == "conflict":
            services.conflict_record(
                actor=officer,
                task_id=task.pk,
                target_public_id=post.get("target", "").strip(),
                inspector=post.get("inspector", "").strip(),
                reason=post.get("reason", ""),
            )
            done = "回避已登记。"
        elif step == "commitment":
            services.commitment_record(
                actor=officer,
                task_id=task.pk,
                participant=post.get("participant", ""),
                digest=post.get("digest", ""),
            )
            done = "承诺已登记。"
        elif step == "freeze":
            services.task_freeze(
                actor=officer,
                task_id=task.pk,
                beacon_sources=post.get("beacon_sources", "").splitlines(),
            )
            done = "名单已冻结，摘要和声明的随机源已记入执法记录日志。请在随机源公布后逐个录入。"
        elif step == "beacon":
            services.beacon_enter(
                actor=officer,
                task_id=task.pk,
                slot=_int(post.get("slot", ""), "随机源序号"),
                value=post.get("value", ""),
                published_at=_moment(post.get("published_at", "")),
            )
            done = "随机源已录入。"
        elif step == "draw":
            services.task_draw(actor=officer, task_id=task.pk)
            done = "已抽取，并为每个抽中对象建立了行政检查案件。"
        else:
            raise Http404("没有这个步骤。")
    except DomainError as exc:
        # Refused: the page again with the reason, status 400, nothing changed.
        messages.error(request, exc.message)
        return _detail(request, InspectionTask.objects.get(pk=task.pk), status=400)
    messages.success(request, done)
    return redirect("inspections:detail", task.pk)


@login_required
@require_http_methods(["GET", "POST"])
def targets_upload(request: HttpRequest) -> HttpResponse:
    """检查对象名录 upload for the officer's agency: every row checked, all or nothing."""
    officer = officer_for_request(request)
    allowed = officer.has_role(Role.HEAD) or officer.has_role(Role.ADMINISTRATOR)
    context: dict[str, object] = {
        "allowed": allowed,
        "columns": services.TARGET_COLUMNS,
        "count": InspectionTarget.objects.filter(
            agency_id=officer.unit.agency_id, is_active=True
        ).count(),
    }
    if request.method == "GET":
        return render(request, "inspections/targets.html", context)
    if not allowed:
        raise PermissionDenied("只有负责人或系统管理员可以导入检查对象名录。")
    result = upload_import(
        request,
        template="inspections/targets.html",
        context=context,
        max_bytes=services.MAX_IMPORT_BYTES,
        run=lambda filename, content: services.targets_import(
            agency=officer.unit.agency,
            filename=filename,
            content=content,
            actor=actor_for(request.user),
        ),
    )
    if isinstance(result, HttpResponse):
        return result
    messages.success(
        request, f"已导入：新增 {result.created} 个检查对象，更新 {result.updated} 个。"
    )
    return redirect("inspections:targets")
