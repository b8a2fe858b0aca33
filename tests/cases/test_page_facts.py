"""The case page's single facts and its 调阅记录 link, read with the case in one query, answer as
the ORM's own version of the same questions (issue #13: the page facts are hand-written SQL
subqueries because the ORM took ~4 ms of CPU per page to build them, and the link's AUDIT rule is
asked of the fetched row rather than in an EXISTS over the case again)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from sanxiang.cases.access import CaseAction
from sanxiang.cases.models import (
    ApprovalSignature,
    Case,
    CaseRules,
    DecisionExtension,
    PartyQueryCode,
)
from sanxiang.cases.selectors import case_get_for, page_facts
from sanxiang.cases.services import case_transition
from sanxiang.core.models import ProvisionalDeadline
from sanxiang.org.models import Officer, SigningKey
from tests.cases.conftest import ready_case
from tests.conftest import make_officer
from tests.supervision.conftest import oversight  # noqa: F401 - the supervising body's fixture

FACTS = (
    "page_signatures_required",
    "page_step_due_provisional",
    "page_has_extensions",
    "page_has_signatures",
    "page_party_code",
    "page_party_code_issued_at",
    "page_active_key_id",
)


def orm_facts(officer: Officer, case_id: int) -> dict[str, object]:
    """The same facts written with the ORM's subqueries (the code before the hand-written SQL),
    and the AUDIT rule as an EXISTS over the case."""
    codes = PartyQueryCode.objects.filter(case=OuterRef("pk"), revoked_at__isnull=True)
    codes = codes.order_by("pk")
    keys = SigningKey.objects.filter(officer_id=officer.pk, revoked_at__isnull=True)
    audit = Case.objects.visible_to(officer, CaseAction.AUDIT).filter(pk=OuterRef("pk"))
    row = (
        Case.objects.filter(pk=case_id)
        .annotate(
            may_audit=Exists(audit),
            page_signatures_required=Exists(
                CaseRules.objects.filter(agency_id=OuterRef("agency_id"), approvals_signed=True)
            ),
            page_step_due_provisional=Exists(
                ProvisionalDeadline.objects.filter(
                    object_type="cases.case", object_id=OuterRef("pk"), field="step_due_on"
                )
            ),
            page_has_extensions=Exists(DecisionExtension.objects.filter(case=OuterRef("pk"))),
            page_has_signatures=Exists(ApprovalSignature.objects.filter(case=OuterRef("pk"))),
            page_party_code=Subquery(codes.values("code")[:1]),
            page_party_code_issued_at=Subquery(codes.values("issued_at")[:1]),
            page_active_key_id=Subquery(keys.order_by("-created_at").values("key_id")[:1]),
        )
        .values("may_audit", *FACTS)
        .get()
    )
    return {name: bool(v) if isinstance(v, (bool, int)) else v for name, v in row.items()}


def page_read(officer: Officer, case_id: int) -> dict[str, object]:
    case = case_get_for(officer, case_id, for_page=True)
    values = {name: getattr(case, name) for name in ("may_audit", *FACTS)}
    return {name: bool(v) if isinstance(v, (bool, int)) else v for name, v in values.items()}


def key(officer: Officer, key_id: str, *, revoked: bool = False) -> SigningKey:
    return SigningKey.objects.create(
        officer=officer,
        public_key="A" * 43 + "=",
        key_id=key_id,
        revoked_at=timezone.now() if revoked else None,
    )


def test_the_page_facts_and_the_audit_link_agree_with_the_orm_for_cases_in_several_states(
    staff, agency
):
    bare = ready_case(staff)  # 案源登记, nothing recorded
    busy = ready_case(staff)
    case_transition(actor=staff.head, case_id=busy.pk, action="register")  # 调查取证
    other_unit = ready_case(staff)
    case_transition(actor=staff.head, case_id=other_unit.pk, action="register")
    Case.objects.filter(pk=other_unit.pk).update(unit=staff.head.unit)

    # The busy case has one of every fact, some twice (the revoked code and key do not count).
    CaseRules.objects.update_or_create(agency=agency, defaults={"approvals_signed": True})
    revoked = PartyQueryCode.objects.create(
        case=busy, code="OLD1234567", issued_by=staff.zhang, revoked_at=timezone.now()
    )
    current = PartyQueryCode.objects.create(case=busy, code="NEW7654321", issued_by=staff.zhang)
    assert revoked.pk < current.pk
    key(staff.zhang, "k-old", revoked=True)
    signing = key(staff.zhang, "k-now")
    key(staff.head, "k-head")
    ApprovalSignature.objects.create(
        case=busy, action="register", officer=staff.head, key=signing, text="{}", signature="x"
    )
    today = date(2026, 6, 10)
    DecisionExtension.objects.create(
        case=busy, days=30, reason="案情复杂", previous_due_on=today,
        new_due_on=today + timedelta(days=30), approved_by=staff.head,
    )  # fmt: skip
    ProvisionalDeadline.objects.create(
        object_type="cases.case", object_id=busy.pk, field="step_due_on", start=today,
        workdays=5, due_on=today + timedelta(days=7),
    )  # fmt: skip
    # Another object's 暂定 mark with the same number is not the case's.
    ProvisionalDeadline.objects.create(
        object_type="review.review", object_id=bare.pk, field="step_due_on", start=today,
        workdays=5, due_on=today + timedelta(days=7),
    )  # fmt: skip

    squad = staff.zhang.unit
    colleague = make_officer(unit=squad, name="赵敏", number="99010012009")  # not a handler
    viewers = [staff.zhang, staff.li, staff.head, colleague]
    seen = 0
    for case in (bare, busy, other_unit):
        for officer in viewers:
            officer = Officer.objects.select_related("unit__agency").get(pk=officer.pk)
            if not Case.objects.visible_to(officer, CaseAction.VIEW).filter(pk=case.pk).exists():
                continue
            assert page_read(officer, case.pk) == orm_facts(officer, case.pk), (case, officer)
            seen += 1
    assert seen >= 9

    zhang = Officer.objects.select_related("unit__agency").get(pk=staff.zhang.pk)
    facts = page_facts(case_get_for(zhang, busy.pk, for_page=True), zhang)
    assert facts.signatures_required and facts.has_extensions and facts.has_signatures
    assert facts.step_due_provisional == bool(Case.objects.get(pk=busy.pk).step_due_on)
    assert (facts.party_code, facts.active_key_id) == ("NEW7654321", "k-now")
    assert facts.party_code_issued_at == current.issued_at
    plain = page_facts(case_get_for(zhang, bare.pk, for_page=True), zhang)
    assert not (plain.has_extensions or plain.has_signatures or plain.step_due_provisional)
    assert plain.party_code == "" and plain.party_code_issued_at is None
    # The 调阅记录 link: a colleague of the unit may read who opened a case of his unit, and a
    # handler who opened one of another unit.
    zhao = Officer.objects.select_related("unit__agency").get(pk=colleague.pk)
    assert case_get_for(zhao, busy.pk, for_page=True).may_audit  # type: ignore[attr-defined]
    assert case_get_for(zhang, other_unit.pk, for_page=True).may_audit  # type: ignore[attr-defined]


def test_a_reviewer_and_a_supervising_body_s_supervisor_may_not_read_the_access_records(
    client,
    staff,
    general_case,
    oversight,  # noqa: F811 - the imported fixture
):
    from sanxiang.review.models import Review, ReviewStatus

    Review.objects.create(
        case=general_case, agency=general_case.agency, status=ReviewStatus.UNDER_REVIEW,
        reviewer=staff.zhou, need_reason="目录", due_on="2026-06-20",
        submitted_at="2026-06-10T10:00:00+08:00",
    )  # fmt: skip
    reviewer = Officer.objects.select_related("unit__agency").get(pk=staff.zhou.pk)
    supervisor = Officer.objects.select_related("unit__agency").get(pk=oversight.supervisor.pk)
    detail = reverse("cases:detail", args=[general_case.pk])
    access = reverse("cases:access", args=[general_case.pk])
    for officer, query in ((reviewer, {}), (supervisor, {"reason": "routine"})):
        # Both may read the case (VIEW), neither who opened it (AUDIT).
        assert case_get_for(officer, general_case.pk, for_page=True).may_audit is False  # type: ignore[attr-defined]
        assert page_read(officer, general_case.pk) == orm_facts(officer, general_case.pk)
        client.force_login(officer.user)
        page = client.get(detail, query)
        assert page.status_code == 200, officer
        assert "本案调阅记录" not in page.content.decode() and access not in page.content.decode()
        assert client.get(access, query).status_code == 404


def test_may_audit_is_a_boolean_also_when_the_rule_matches_nothing(staff, general_case):
    # Off duty, the AUDIT rule is NOTHING (ACT still finds the case): a bare condition in the
    # select list read back as the integer 0 on PostgreSQL.
    Officer.objects.filter(pk=staff.zhang.pk).update(is_active=False)
    off_duty = Officer.objects.select_related("unit__agency").get(pk=staff.zhang.pk)
    case = case_get_for(off_duty, general_case.pk, CaseAction.ACT, with_audit=True)
    assert case.may_audit is False  # type: ignore[attr-defined]
    head = Officer.objects.select_related("unit__agency").get(pk=staff.head.pk)
    assert case_get_for(head, general_case.pk, for_page=True).may_audit is True  # type: ignore[attr-defined]
