"""A case waiting for its 法制审核 opinion, for the accessibility test: made through the services
in an installation that tests/e2e/portal_data.py has filled (its agency and people).

Run as ``python -m tests.e2e.a11y_data`` with the installation's SANXIANG_VAR; prints the case's
and the review's ids as JSON.
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    import django

    django.setup()

    from sanxiang.cases.models import evidence_reference
    from sanxiang.cases.services import case_transition, document_generate
    from sanxiang.org.models import Agency, Article, Officer
    from sanxiang.review.loading import review_defaults_load
    from sanxiang.review.models import CatalogueRule
    from sanxiang.review.services import review_submit
    from tests.cases.conftest import Staff, attach_record, ready_case, set_basis
    from tests.conftest import prepare_step
    from tests.review.conftest import declared_all

    agency = Agency.objects.get(name="测试市城市管理综合行政执法局")

    def login(name: str) -> Officer:
        return Officer.objects.get(user__username=name)

    staff = Staff(
        zhang=login("portal_zhang"),
        li=login("portal_li"),
        wang=login("portal_wang"),
        zhou=login("portal_zhou"),
        head=login("portal_head"),
    )
    CatalogueRule.objects.filter(agency=agency).delete()
    review_defaults_load(agency=agency)
    case = ready_case(staff, title="擅自占用城市道路堆放物料")
    set_basis(staff, case, {a.number: a for a in Article.objects.filter(law__source="测试")})
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    case.refresh_from_db()
    attach_record(staff, case)
    document_generate(actor=staff.zhang, case_id=case.pk, kind="registration")
    for action in ("conclude", "notify", "record_statement"):
        prepare_step(staff.zhang, case.pk, action)
        case_transition(actor=staff.zhang, case_id=case.pk, action=action)
    review = review_submit(
        actor=staff.zhang, case_id=case.pk, declared=declared_all(agency), confirmed=True
    )
    case.refresh_from_db()
    opened = ready_case(staff, title="未按规定设置户外广告设施")
    no_penalty = _no_penalty_case(staff, agency)
    # The demo's supervising body (示范市司法局, 监督人员 jiandu) supervises this agency too.
    from sanxiang.org.models import SupervisoryBody

    SupervisoryBody.objects.get(name="示范市司法局").agencies.add(agency)
    # A 执法监督意见书 on the case, waiting for the agency's written answer.
    from sanxiang.supervision.opinions.models import OpinionBasis
    from sanxiang.supervision.opinions.services import OpinionInput, opinion_issue

    opinion = opinion_issue(
        actor=login("jiandu"),
        data=OpinionInput(
            case_id=case.pk, kind="opinion", problems="立案审批表缺少负责人签署意见。",
            requirement="补正立案审批手续。", legal_point="procedure", period_workdays=20,
            basis_ids=[OpinionBasis.objects.get(key="ordinance_opinion").pk],
        ),
    )  # fmt: skip
    made = {
        "opinion": opinion.pk,
        **_evaluation(staff, agency),
        "opened": opened.pk,
        "case": case.pk,
        "reference": evidence_reference(case),
        "review": review.pk,
        "agency": agency.pk,
        "no_penalty": no_penalty,
    }
    sys.stdout.write(json.dumps(made) + "\n")


def _evaluation(staff, agency) -> dict[str, int]:
    """案卷评查: a draft campaign, and a drawn one with one case scored (the head's findings)
    and one waiting for its evaluator (jiandu's scoring sheet)."""
    import time
    from datetime import date, timedelta

    from django.utils import timezone

    from sanxiang.cases.services import case_page_open
    from sanxiang.evaluation.models import BeaconForm
    from sanxiang.evaluation.services import (
        CampaignInput,
        assignment_score,
        campaign_create,
        campaign_draw,
        campaign_freeze,
    )
    from sanxiang.org.models import Officer
    from tests.cases.conftest import ready_case
    from tests.evaluation.conftest import close

    jiandu = Officer.objects.get(user__username="jiandu")
    today = timezone.localdate()
    for i in (1, 2):
        close(ready_case(staff, title=f"占道经营{i}"), on=today, number=f"评查〔2026〕{i}号")

    def start(name: str):
        return campaign_create(
            actor=jiandu,
            data=CampaignInput(
                name=name, closed_from=date(today.year, 1, 1), closed_to=today,
                per_stratum=2, agency_ids=[agency.pk], evaluator_ids=[jiandu.pk],
            ),
        )  # fmt: skip

    draft = start("下半年案卷评查")
    drawn = start("上半年案卷评查")
    campaign_freeze(
        actor=jiandu, campaign_id=drawn.pk, beacon_source="双色球第2026141期开奖号码",
        beacon_form_id=BeaconForm.objects.get(key="ssq").pk,
        beacon_known_at=timezone.now() + timedelta(seconds=1),
    )  # fmt: skip
    time.sleep(1.1)  # the declared value is published a second after the freeze
    campaign_draw(actor=jiandu, campaign_id=drawn.pk, beacon="03 09 14 22 27 31 + 08")
    scored, waiting = list(drawn.assignments.order_by("pk"))
    case_page_open(actor=jiandu, case_id=scored.case_id, reason="file_review")
    items = list(drawn.standard.items.all())
    marks = {item.pk: (Decimal(0), "") for item in items}
    marks[items[0].pk] = (Decimal(2), "未记录出示执法证件")
    assignment_score(actor=jiandu, assignment_id=scored.pk, marks=marks, summary="基本规范")
    return {"campaign": drawn.pk, "draft_campaign": draft.pk, "assignment": waiting.pk}


def _no_penalty_case(staff, agency) -> int:
    """A concluded case whose 违法行为 has a 不予处罚 tier, with a 首违不罚 proposal on file (the
    case page's 不予处罚 section with the education form)."""
    from datetime import date

    from sanxiang.cases.services import (
        case_transition,
        case_violation_choose,
        document_generate,
        no_penalty_propose,
    )
    from sanxiang.discretion.models import Benchmark, Tier, Violation
    from sanxiang.discretion.services import benchmark_publish
    from sanxiang.org.models import Article, EnforcementCategory, EnforcementItem
    from tests.cases.conftest import attach_record, ready_case
    from tests.conftest import prepare_step

    item = EnforcementItem.objects.create(
        agency=agency, code="A11Y-CF-001", name="对擅自堆放物料影响市容的行政处罚",
        kind="penalty", category=EnforcementCategory.objects.get(name="城市管理"),
        authority="处罚",
    )  # fmt: skip
    benchmark = Benchmark.objects.create(
        agency=agency, number=1, title="测试裁量基准", issuer="测试", valid_from=date(2026, 1, 1)
    )
    violation = Violation.objects.create(
        benchmark=benchmark, code="T-001", name="擅自堆放物料影响市容", item=item,
        violated_basis="测试条文", penalty_basis="测试条文",
    )  # fmt: skip
    articles = list(Article.objects.filter(law__source="测试"))
    violation.violated_articles.set(articles[:1])
    violation.penalty_articles.set(articles[:1])
    Tier.objects.create(
        violation=violation, name="不予处罚（首违不罚）", kind="no_penalty",
        conditions="初次违法，危害后果轻微并及时改正",
    )  # fmt: skip
    benchmark_publish(benchmark_id=benchmark.pk)
    case = ready_case(staff, title="擅自在人行道堆放建材")
    case_transition(actor=staff.head, case_id=case.pk, action="register")
    case.refresh_from_db()
    attach_record(staff, case)
    document_generate(actor=staff.zhang, case_id=case.pk, kind="registration")
    case_violation_choose(actor=staff.zhang, case_id=case.pk, violation_id=violation.pk)
    prepare_step(staff.zhang, case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=case.pk, action="conclude")
    no_penalty_propose(
        actor=staff.zhang, case_id=case.pk, ground="first",
        elements={"first": "两年内无同类违法记录", "slight_harm": "占用面积约 1 平方米",
                  "corrected": "经责令后当场清理"},
    )  # fmt: skip
    return int(case.pk)


if __name__ == "__main__":
    main()
