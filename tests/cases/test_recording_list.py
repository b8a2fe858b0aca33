"""行政执法音像记录事项清单 (国办发〔2018〕118号; seed 004 二(三)1): the matters recorded on
audio or video are data per agency, and a listed step is refused until its recording exists."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from sanxiang.cases.models import Case, RecordingMatter
from sanxiang.cases.recording import matters_for
from sanxiang.cases.recording_rows import (
    RECORDING_FILE,
    recordable_steps,
    recording_checks,
    recording_matters_load,
    recording_matters_read,
)
from sanxiang.cases.services import CaseRefused, case_transition, document_generate
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.engine import TransitionRefused
from sanxiang.cases.workflow.guards import RecordingGuard
from sanxiang.core.legal_rows import DataFileError
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verify import verify_ledger
from sanxiang.review.prechecks import prechecks
from tests.cases.conftest import (
    attach_full_video,
    attach_hearing_recording,
    attach_record,
    evidence_on_disk,
    ready_case,
    set_basis,
)
from tests.conftest import credit_code, prepare_step

pytestmark = [pytest.mark.django_db, pytest.mark.dates]  # dates: due dates counted from today


@pytest.fixture(autouse=True)
def _today(settings, tmp_path):
    evidence_on_disk(settings, tmp_path)
    with time_machine.travel(date(2026, 5, 20), tick=False):
        yield


def step(actor, case, action):
    prepare_step(actor, case.pk, action)
    return case_transition(actor=actor, case_id=case.pk, action=action)


@pytest.fixture
def approved(staff, coercive_case, articles):
    """A 查封、扣押 approved by the 负责人, to be carried out by the handlers."""
    set_basis(staff, coercive_case, articles)
    return step(staff.head, coercive_case, "approve")


def own_row(agency, code, **changes) -> RecordingMatter:
    """The agency's own row for a shipped matter, as entered in 管理后台."""
    shipped = RecordingMatter.objects.get(agency=None, code=code)
    names = ("position", "matter", "step", "kinds", "basis", "is_active")
    fields = {name: getattr(shipped, name) for name in names}
    return RecordingMatter.objects.create(agency=agency, code=code, **{**fields, **changes})


# --- the guard ---------------------------------------------------------------------------------


def test_a_listed_step_without_its_recording_is_refused_and_the_refusal_names_it(staff, approved):
    with pytest.raises(TransitionRefused) as refused:
        step(staff.zhang, approved, "enforce")
    message = refused.value.refusal.message
    assert refused.value.refusal.guard == "recording_made"
    assert "实施查封、扣押须有全程音像记录（全程录像），本案尚无" in message
    assert "请先登记本案（测城强措〔2026〕1号）的全程录像" in message
    assert "行政强制法第十八条" in message and "音像记录事项清单" in message
    assert Case.objects.get(pk=approved.pk).state == "approved"


def test_a_listed_step_passes_once_a_recording_of_a_satisfying_kind_exists(staff, approved):
    attach_record(staff, approved, kind="video", data=b"\x00\x00\x00\x18ftypmp42" * 20)
    with pytest.raises(TransitionRefused, match="须有全程音像记录（全程录像）"):
        step(staff.zhang, approved, "enforce")  # a plain 录像 is not a 全程录像
    attach_full_video(staff, approved)
    assert step(staff.zhang, approved, "enforce").state == "in_force"


def test_a_hearing_is_refused_without_a_recording_and_held_with_an_audio_one(staff, general_case):
    Case.objects.filter(pk=general_case.pk).update(hearing_right=True)
    for actor, action in ((staff.head, "register"), (staff.zhang, "conclude"),
                          (staff.zhang, "notify"), (staff.zhang, "request_hearing"),
                          (staff.zhang, "notice_hearing")):  # fmt: skip
        step(actor, general_case, action)
    with (
        time_machine.travel(date(2026, 6, 2), tick=False),
        pytest.raises(
            TransitionRefused, match="听证须有音像记录（录音、录像或全程录像），本案尚无"
        ) as no,
    ):
        step(staff.head, general_case, "hold_hearing")
    assert no.value.refusal.guard == "recording_made"
    attach_hearing_recording(staff, general_case)
    with time_machine.travel(date(2026, 6, 2), tick=False):
        assert step(staff.head, general_case, "hold_hearing").state == "heard"


def test_an_agency_that_takes_a_matter_off_its_list_is_no_longer_stopped(staff, approved):
    own_row(approved.agency, "seizure", is_active=False)
    assert "seizure" not in {m.code for m in matters_for(approved.agency_id)}
    assert step(staff.zhang, approved, "enforce").state == "in_force"


def test_an_agencys_own_list_leaves_the_other_agencies_on_the_shipped_list(staff, approved):
    from sanxiang.org.models import Agency

    other = Agency.objects.create(
        name="测试县综合行政执法局", credit_code=credit_code(7), level="county", region="测试县",
        address="测试县人民路 2 号", phone="0999-7654321", authority_basis="测试县机构编制文件",
    )  # fmt: skip
    own_row(other, "seizure", is_active=False)
    with pytest.raises(TransitionRefused, match="实施查封、扣押须有全程音像记录"):
        step(staff.zhang, approved, "enforce")


def test_an_agency_that_lists_inquiries_is_stopped_at_the_end_of_the_investigation(
    staff, general_case
):
    step(staff.head, general_case, "register")
    own_row(general_case.agency, "inquiry", is_active=True)
    with pytest.raises(TransitionRefused, match=r"询问当事人、证人（调查终结前）须有音像记录"):
        step(staff.zhang, general_case, "conclude")
    attach_hearing_recording(staff, general_case)  # an audio recording of the inquiry
    assert step(staff.zhang, general_case, "conclude").state == "investigated"


def test_each_recording_guard_names_its_own_step_and_the_shipped_rows_name_declared_steps():
    for code, definition in PROCEDURES.items():
        for transition in definition.transitions:
            for guard in transition.guards:
                if isinstance(guard, RecordingGuard):
                    assert guard.step == f"{code}.{transition.action}"
    steps = recordable_steps()
    for row in RecordingMatter.objects.filter(agency=None):
        assert not row.step or row.step in steps, row.code


# --- 留置送达 and 公告送达 ---------------------------------------------------------------------


def test_a_lodged_service_needs_a_video_of_it_and_the_refusal_names_it(staff, articles):
    case = ready_case(staff)
    set_basis(staff, case, articles)
    for actor, action in ((staff.head, "register"), (staff.zhang, "conclude")):
        case = step(actor, case, action)
    notice = {"intended_fine": "2000", "contact": "张伟 0591-12345678"}
    document_generate(actor=staff.zhang, case_id=case.pk, kind="advance_notice", inputs=notice)
    service = {
        "served_document": "advance_notice",
        "recipient": "王某",
        "served_at": "2026-05-20T16:00",
        "place": "测试市人民路 1 号",
        "method": "留置送达",
        "refusal": "当事人拒收",
        "witness": "赵某（社区工作人员）",
    }
    events = LedgerEntry.objects.count()
    with pytest.raises(CaseRefused) as refused:
        document_generate(actor=staff.zhang, case_id=case.pk, kind="service_proof", inputs=service)
    assert "留置送达须有音像记录（录像或全程录像），本案尚无" in refused.value.message
    assert "民事诉讼法第八十九条" in refused.value.message
    assert LedgerEntry.objects.count() == events
    attach_record(staff, case, kind="video", data=b"\x00\x00\x00\x18ftypmp42" * 20)
    document = document_generate(
        actor=staff.zhang, case_id=case.pk, kind="service_proof", inputs=service
    )
    assert document.fields["method"] == "留置送达"
    assert step(staff.zhang, case, "notify").notified_on == date(2026, 5, 20)
    checks = {c.matter: c for c in recording_checks(case)}
    assert checks["留置送达"].ok is True
    assert "公告送达" not in checks  # the case records no such service


# --- the reviewer's pre-checks ---------------------------------------------------------------


def test_the_reviewer_sees_each_listed_matter_of_the_case_and_whether_it_is_recorded(
    staff, approved
):
    def lines():
        return [c for c in prechecks(approved) if c.text.startswith("音像记录事项")]

    before = lines()
    assert [(c.point, c.ok) for c in before] == [("evidence", None), ("evidence", None)]
    assert "音像记录事项“实施查封、扣押”：未进行该环节；如进行，须有全程音像记录（全程录像）" in [
        c.text for c in before
    ]
    attach_full_video(staff, approved)
    step(staff.zhang, approved, "enforce")
    after = {c.text: c.ok for c in lines()}
    assert after["音像记录事项“实施查封、扣押”：须有全程音像记录（全程录像），已登记"] is True
    # Taken off the list afterwards, the step taken without a recording would show as missing.
    own_row(approved.agency, "seizure", kinds="audio")
    assert {c.text: c.ok for c in lines()}[
        "音像记录事项“实施查封、扣押”：须有音像记录（录音），本案尚无"
    ] is False


# --- the file and the admin ------------------------------------------------------------------


def test_the_shipped_file_is_loaded_and_loading_it_again_changes_nothing():
    shipped = recording_matters_read()
    assert set(RecordingMatter.objects.filter(agency=None).values_list("code", flat=True)) == {
        code for (code,) in shipped
    }
    events = LedgerEntry.objects.count()
    report = recording_matters_load()
    assert (report.added, report.differing, report.unchanged) == ([], {}, len(shipped))
    assert LedgerEntry.objects.count() == events


def test_a_bad_file_is_refused_whole_with_a_chinese_message_per_row(tmp_path: Path):
    bad = tmp_path / "recording.csv"
    lines = RECORDING_FILE.read_text(encoding="utf-8").splitlines()
    bad.write_text(
        "\n".join([
            lines[0],
            "a,1,甲,coercive_measure.enforce,full_video,依据,yes",
            "b,2,乙,coercive_measure.fly,full_video,依据,yes",
            "c,3,丙,penalty_general.decide,audio,依据,yes",
            "d,4,丁,service:飞鸽传书,audio,依据,yes",
            "e,5,戊,inspection.check,photo|text,依据,yes",
            "f,6,己,,full_video,依据,maybe",
        ]) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    RecordingMatter.objects.all().delete()
    with pytest.raises(DataFileError) as refused:
        recording_matters_load(path=bad)
    problems = refused.value.problems
    assert [p[:4] for p in problems] == ["第3行：", "第4行：", "第5行：", "第6行：", "第7行："]
    assert "对应环节“coercive_measure.fly”不是本系统的步骤" in problems[0]
    assert "对应环节“penalty_general.decide”不是本系统的步骤" in problems[1]
    assert "对应环节“service:飞鸽传书”不是本系统的步骤" in problems[2]
    assert "记录形式“photo|text”有误" in problems[3]
    assert "列入清单应填 yes 或 no" in problems[4]
    assert not RecordingMatter.objects.exists()
    with pytest.raises(CommandError, match="第4行"):
        call_command("recording", "load", "--file", str(bad), stdout=io.StringIO())


def test_a_reload_keeps_an_admin_edit_and_names_it_until_told_to_replace():
    RecordingMatter.objects.filter(agency=None, code="hearing").update(kinds="video")
    out = io.StringIO()
    call_command("recording", "load", stdout=out)
    assert "hearing：满足要求的记录形式在管理后台改过，与文件不同，未覆盖。" in out.getvalue()
    call_command("recording", "load", "--replace", stdout=io.StringIO())
    hearing = RecordingMatter.objects.get(agency=None, code="hearing")
    assert hearing.kinds == "audio|video|full_video"


def test_the_admin_adds_an_agencys_own_row_and_refuses_an_unknown_step_or_kind(
    client, django_user_model, staff
):
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    agency = staff.zhang.unit.agency
    add = reverse("admin:cases_recordingmatter_add")
    form = {
        "agency": agency.pk,
        "code": "seizure",
        "position": "1",
        "matter": "实施查封、扣押",
        "step": "coercive_measure.enforce",
        "kinds": "video|full_video",
        "basis": "本机关清单",
        "is_active": "on",
    }
    refused = client.post(add, {**form, "step": "coercive_measure.fly", "kinds": "photo"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "对应环节“coercive_measure.fly”不是本系统的步骤" in page
    assert "记录形式“photo”有误" in page
    assert not RecordingMatter.objects.filter(agency=agency).exists()
    assert client.post(add, form).status_code == 302
    assert [m.kinds for m in matters_for(agency.pk) if m.code == "seizure"] == ["video|full_video"]
    event = LedgerEntry.objects.get(object_type="cases.recordingmatter")
    assert event.action == "cases.recordingmatter.created"
    assert verify_ledger().ok
