"""The review pages as handlers, reviewers and 负责人 use them; and the gate from the outside."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from sanxiang.cases.models import Case
from sanxiang.review.models import OPINION_POINTS, Review
from tests.review.conftest import declared_all
from tests.review.test_review_flow import submit


def opinion_form(problem: str | None = None) -> dict[str, str]:
    data = {"conclusion": "problems" if problem else "agree", "summary": "见逐项意见。"}
    for code, label in OPINION_POINTS:
        data[f"point_{code}"] = "problem" if code == problem else "ok"
        data[f"reason_{code}"] = f"{label}：经审查符合规定。"
    return data


def test_the_handler_submits_from_the_case_page(client, staff, notified_case):
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[notified_case.pk])).content.decode()
    assert "提交法制审核" in page and reverse("review:case", args=[notified_case.pk]) in page
    form = client.get(reverse("review:submit", args=[notified_case.pk]), follow=True)
    text = form.content.decode()
    assert "第2项 法定简易程序以外的行政处罚" in text
    assert "承办机构对送审材料的真实性" in text
    refused = client.post(reverse("review:submit", args=[notified_case.pk]), {"confirmed": "yes"})
    assert "送审材料不全" in refused.content.decode()
    assert not Review.objects.exists()
    done = client.post(
        reverse("review:submit", args=[notified_case.pk]),
        {"confirmed": "yes", "declared": sorted(declared_all(notified_case.agency))},
    )
    review = Review.objects.get()
    assert done.url == reverse("review:detail", args=[review.pk])


def test_the_reviewer_sees_his_queue_and_the_case_sent_to_him(client, staff, notified_case):
    review = submit(staff, notified_case)
    client.force_login(staff.zhou.user)
    queue = client.get(reverse("review:queue")).content.decode()
    assert notified_case.title in queue and f"{review.due_on:%Y-%m-%d}" in queue
    assert client.get(reverse("cases:detail", args=[notified_case.pk])).status_code == 200
    detail = client.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert "系统预审" in detail and "执法人员是否具备执法资格" in detail
    response = client.post(reverse("review:opinion", args=[review.pk]), opinion_form("evidence"))
    assert response.status_code == 302
    assert Case.objects.get(pk=notified_case.pk).state == "under_review"
    assert Review.objects.get(pk=review.pk).status == "returned"


def test_another_reviewer_cannot_open_the_review_or_the_case(client, staff, notified_case, agency):
    from tests.conftest import make_officer

    review = submit(staff, notified_case)
    other = make_officer(
        unit=agency.units.get(name="法制科"), name="吴敏", number="99010012098", roles=("reviewer",)
    )
    other.user = type(staff.zhang.user).objects.create_user("wumin", password="x" * 12)
    other.save()
    client.force_login(other.user)
    assert client.get(reverse("review:detail", args=[review.pk])).status_code == 404
    assert client.get(reverse("cases:detail", args=[notified_case.pk])).status_code == 404
    client.post(reverse("review:opinion", args=[review.pk]), opinion_form())
    assert Case.objects.get(pk=notified_case.pk).state == "under_review"


def test_no_way_around_the_gate_from_the_case_page(client, staff, notified_case):
    submit(staff, notified_case)
    client.force_login(staff.zhou.user)
    client.post(reverse("cases:act", args=[notified_case.pk]), {"action": "pass_review"})
    assert Review.objects.get(case_id=notified_case.pk).status == "under_review"
    client.force_login(staff.head.user)
    response = client.post(
        reverse("cases:act", args=[notified_case.pk]), {"action": "decide"}, follow=True
    )
    assert "审核通过”后方可进行“作出行政处罚决定”" in response.content.decode()
    assert Case.objects.get(pk=notified_case.pk).state == "under_review"


def test_no_way_around_the_gate_for_an_administrator(
    client, staff, notified_case, django_user_model
):
    review = submit(staff, notified_case)
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    change = reverse("admin:review_review_change", args=[review.pk])
    assert client.post(change, {"status": "passed"}).status_code == 403
    assert client.get(reverse("admin:review_review_add")).status_code == 403
    assert "admin/cases/case/" not in client.get(reverse("admin:index")).content.decode()
    assert Review.objects.get().status == "under_review"


def test_figures_are_computed_from_the_records_and_export_to_excel(client, staff, notified_case):
    from sanxiang.review.services import opinion_write
    from tests.review.test_review_flow import ALL_OK

    review = submit(staff, notified_case)
    opinion_write(
        actor=staff.zhou, review_id=review.pk, points=ALL_OK, conclusion="agree",
        summary="同意", assisted_by="孙律师（法律顾问）",
    )  # fmt: skip
    client.force_login(staff.head.user)
    year = review.submitted_at.year
    page = client.get(reverse("review:figures"), {"year": year}).content.decode()
    # 周婷 reviews; 张伟, 李娜, 王强 and 刘志强 hold the officer role.
    assert "1 / 4 = 25.0%" in page
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("review:figures"), {"year": year, "format": "xlsx"}).content)
    )
    rows = {row[0]: row[1:] for row in workbook.active.iter_rows(values_only=True) if row}
    assert rows["法律顾问、公职律师参与的审核比例"][0] == "1 / 1 = 100.0%"
    # 周婷 holds only the reviewer role: a full-time reviewer.
    assert (
        rows["由专职法制审核人员（不兼任执法、负责人职务）出具的审核意见比例"][0]
        == "1 / 1 = 100.0%"
    )
    coverage = rows["目录清单内决定（含不予处罚、批准查封扣押）经法制审核通过的比例"]
    assert coverage[0] == "0 / 0 = —（无数据）"
    client.force_login(staff.zhang.user)
    assert client.get(reverse("review:figures")).status_code == 403


def test_the_opinion_form_asks_reasons_only_for_a_point_with_a_problem(
    client, staff, notified_case
):
    review = submit(staff, notified_case)
    client.force_login(staff.zhou.user)
    page = client.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert 'data-required-when="point_law=problem"' in page
    assert "存在问题时必填" in page
    unreasoned = {k: "" if k.startswith("reason_") else v for k, v in opinion_form("law").items()}
    refused = client.post(reverse("review:opinion", args=[review.pk]), unreasoned, follow=True)
    assert "存在问题的审核事项须写明问题和理由，尚未填写：适用法律、法规、规章是否准确" in (
        refused.content.decode()
    )
    unreasoned["reason_law"] = "处罚依据引用的条款与违法行为不对应"
    client.post(reverse("review:opinion", args=[review.pk]), unreasoned)
    review.refresh_from_db()
    assert review.status == "returned"
