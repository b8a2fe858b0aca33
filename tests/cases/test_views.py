"""The case pages as an officer uses them."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from sanxiang.cases.models import Case
from sanxiang.cases.services import case_transition
from tests.cases.conftest import PERSON_ID
from tests.conftest import prepare_step


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 5, 20), tick=False):
        yield


def party(identifier: str) -> dict[str, str]:
    return {
        "party_kind": "person",
        "party_name": "王某",
        "party_identifier": identifier,
        "party_address": "测试市",
    }


def test_an_officer_opens_a_case_with_its_first_party(client, staff):
    client.force_login(staff.zhang.user)
    response = client.post(
        reverse("cases:new"),
        {
            "procedure": "penalty_general", "title": "占道经营", "source": "巡查发现",
            "category": staff.zhang.certificates.get().categories.get().pk,
            "violation_on": "2026-05-18", "clue_received_on": "2026-05-19", "facts": "占道摆摊",
            **party(PERSON_ID),
        },
    )  # fmt: skip
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.parties.get().name == "王某" and list(case.handlers.all()) == [staff.zhang]


def test_a_bad_party_id_refuses_the_whole_case(client, staff):
    client.force_login(staff.zhang.user)
    response = client.post(
        reverse("cases:new"),
        {
            "procedure": "penalty_general", "title": "占道经营", "source": "巡查发现",
            "category": staff.zhang.certificates.get().categories.get().pk,
            "violation_on": "2026-05-18", "clue_received_on": "2026-05-19",
            **party("110105194912310021"),
        },
    )  # fmt: skip
    assert "身份证号码校验位不正确" in response.content.decode()
    assert not Case.objects.exists()


def test_the_case_page_shows_allowed_actions_and_why_others_are_disabled(
    client, staff, general_case
):
    client.force_login(staff.head.user)
    page = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    assert "立案" in page and "不予立案" in page
    general_case.handlers.remove(staff.li)
    page = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    assert (
        "disabled" in page
        and "两名以上持有今日有效" in page
        and "行政处罚法第四十二条、第五十五条" in page
    )


def test_acting_through_the_page_moves_the_case_and_a_refusal_is_shown(client, staff, general_case):
    client.force_login(staff.zhang.user)
    client.post(reverse("cases:act", args=[general_case.pk]), {"action": "register"})
    general_case.refresh_from_db()
    assert general_case.state == "clue"
    page = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    assert "须由负责人办理" in page
    client.force_login(staff.head.user)
    client.post(reverse("cases:act", args=[general_case.pk]), {"action": "register"})
    general_case.refresh_from_db()
    assert general_case.state == "investigating" and general_case.number == "测城执罚〔2026〕1号"


def test_my_cases_lists_due_dates_and_marks_overdue_ones(client, staff, general_case):
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:mine")).content.decode()
    assert "2026-08-18" in page and "已逾期" not in page
    with time_machine.travel(date(2026, 8, 19), tick=False):
        client.force_login(staff.zhang.user)  # the earlier session has long expired
        page = client.get(reverse("cases:mine")).content.decode()
    assert "已逾期" in page


def test_another_units_officer_cannot_see_the_case(client, staff, general_case, agency):
    from sanxiang.org.models import Unit
    from tests.conftest import make_officer

    other = make_officer(
        unit=Unit.objects.create(agency=agency, name="执法三大队"),
        name="赵六",
        number="99010012099",
    )
    other.user = type(staff.zhang.user).objects.create_user(
        "zhao", password="correct horse battery"
    )
    other.save()
    client.force_login(other.user)
    assert client.get(reverse("cases:detail", args=[general_case.pk])).status_code == 404
    assert general_case.title not in client.get(reverse("cases:mine")).content.decode()


def test_the_timeline_names_steps_and_officers(client, staff, general_case):
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "登记当事人" in timeline and "立案" in timeline and "刘志强" in timeline
    assert "cases.case." not in timeline and "user:" not in timeline


def test_my_cases_takes_the_same_number_of_queries_for_many_cases(
    client, staff, django_assert_max_num_queries
):
    from sanxiang.cases.services import case_open
    from tests.cases.conftest import new_case

    for _ in range(25):
        case_open(actor=staff.zhang, new=new_case())
    client.force_login(staff.zhang.user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("cases:mine")).content.decode()
    assert page.count("擅自占用城市道路经营") == 25


def test_a_continuing_act_can_be_recorded_on_the_form(client, staff):
    client.force_login(staff.zhang.user)
    client.post(
        reverse("cases:new"),
        {
            "procedure": "penalty_general", "title": "违法建设", "source": "举报",
            "category": staff.zhang.certificates.get().categories.get().pk,
            "violation_on": "2023-01-10", "violation_ended_on": "2026-05-01",
            "clue_received_on": "2026-05-19",
            "endangers_life_health_or_finance": "on", "caused_harm": "on", **party(PERSON_ID),
        },
    )  # fmt: skip
    case = Case.objects.get()
    assert case.limitation_starts_on == date(2026, 5, 1)
    assert case.endangers_life_health_or_finance and case.caused_harm


def test_an_unpaid_fine_shows_its_deadline_and_the_late_fee(client, staff, on_spot_case):
    from decimal import Decimal

    case = case_transition(
        actor=staff.zhang,
        case_id=on_spot_case("person", Decimal("200")).pk,
        action="decide_on_spot",
    )
    assert (case.served_on, case.payment_due_on) == (date(2026, 5, 20), date(2026, 6, 4))
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "2026-06-04" in page and 'id="late-fee"' not in page
    with time_machine.travel(date(2026, 6, 9), tick=False):
        client.force_login(staff.zhang.user)
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "逾期 5 日，加处罚款 30.00 元" in page


def test_my_cases_hides_finished_cases_unless_asked_and_pages_through_the_rest(
    client, staff, general_case
):
    from sanxiang.cases.services import case_open
    from sanxiang.cases.views import CASES_PER_PAGE
    from tests.cases.conftest import new_case

    case_transition(actor=staff.head, case_id=general_case.pk, action="decline")
    for index in range(CASES_PER_PAGE):
        case_open(actor=staff.zhang, new=new_case(title=f"占道经营第{index:02d}号"))
    client.force_login(staff.zhang.user)
    first = client.get(reverse("cases:mine")).content.decode()
    assert general_case.title not in first  # 不予立案: nothing left to do
    assert first.count("占道经营第") == CASES_PER_PAGE and "下一页" not in first
    everything = client.get(reverse("cases:mine"), {"all": "1"}).content.decode()
    second = client.get(reverse("cases:mine"), {"all": "1", "page": "2"}).content.decode()
    # Asked for, the finished case is listed: cases without a due date come last, newest first,
    # so which page it falls on depends on when the fixture made it (before or after the pin).
    assert general_case.title in everything + second and "下一页" in everything
    assert second.count("<tr") - 1 == 1 and "上一页" in second
    assert client.get(reverse("cases:mine"), {"page": "x"}).status_code == 400


def test_steps_that_cannot_be_taken_back_ask_for_confirmation_on_the_page(
    client, staff, general_case
):
    import re

    client.force_login(staff.head.user)
    page = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    forms = {
        action: tag
        for tag, action in re.findall(
            r'(<form[^>]*>)\s*<input type="hidden" name="csrfmiddlewaretoken"[^>]*>\s*'
            r'<input type="hidden" name="action" value="(\w+)">',
            page,
        )
    }
    assert 'data-confirm="确认立案？办理后不能撤回，并记入执法全过程记录。"' in forms["register"]
    assert "data-confirm" in forms["decline"]
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    page = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    conclude = re.search(r'<form[^>]*>(?=\s*<input[^>]*>\s*<input[^>]*value="conclude")', page)
    assert conclude is not None and "data-confirm" not in conclude.group(0)
    assert "office/forms.js" in page


def test_the_case_page_lists_its_evidence_and_uploads_for_it(client, staff, general_case):
    """Evidence belongs to the case: listed on its page, and 为本案登记证据 fills in the case."""
    from tests.cases.conftest import attach_record

    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    general_case.refresh_from_db()
    attach_record(staff, general_case)
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    section = page.split('id="evidence"')[1].split("</section>")[0]
    assert "（本机构登记的 1 项；案件编号" in section and "文字" in section
    link = reverse("evidence:upload") + "?case="
    assert link in section
    upload = client.get(reverse("evidence:upload"), {"case": general_case.number}).content.decode()
    assert f'value="{general_case.number}"' in upload
    # The 负责人 (not a handler) sees the list but is not offered the upload.
    client.force_login(staff.head.user)
    head_page = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    assert "为本案登记证据" not in head_page


def test_the_handler_picker_offers_who_may_handle_and_says_why_not_the_others(
    client, staff, general_case
):
    from sanxiang.org.models import EnforcementCategory
    from tests.conftest import make_officer

    unit = staff.zhang.unit
    expired = make_officer(
        unit=unit, name="钱过期", number="99010012077",
        valid_from=date(2020, 1, 1), valid_until=date(2021, 12, 31),
    )  # fmt: skip
    other = EnforcementCategory.objects.exclude(name="城市管理").first()
    assert other is not None
    elsewhere = make_officer(unit=unit, name="孙他类", number="99010012078", category=other.name)
    make_officer(unit=unit, name="无证人", number=None)
    client.force_login(staff.zhang.user)
    page = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    select = page.split('name="handlers"')[1].split("</select>")[0]
    assert "张伟" in select and "李娜" in select
    assert all(name not in select for name in ("周婷", "钱过期", "孙他类", "无证人"))
    excluded = page.split('id="handlers-excluded"')[1].split("</details>")[0]
    assert "周婷" in excluded and "法制审核人员不得承办案件" in excluded
    assert f"{expired.name}（{unit.name}）：执法证已过期（有效期至 2021-12-31）" in excluded
    assert f"{elsewhere.name}（{unit.name}）：执法证不含“城市管理”类别" in excluded
    assert "无证人" in excluded and "无执法证" in excluded
    # After 调查终结 the handlers are fixed: no picker is shown.
    case_transition(actor=staff.head, case_id=general_case.pk, action="register")
    prepare_step(staff.zhang, general_case.pk, "conclude")
    case_transition(actor=staff.zhang, case_id=general_case.pk, action="conclude")
    page = client.get(reverse("cases:detail", args=[general_case.pk])).content.decode()
    assert 'name="handlers"' not in page
