"""培训记录: a 负责人 imports the agency's training list (all or nothing); hours per year."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.importing import ImportRejected
from sanxiang.org.models import TrainingRecord, Unit
from sanxiang.org.training import COLUMNS, training_year, trainings_import
from tests.conftest import make_officer


@pytest.fixture
def staff(agency):
    team = Unit.objects.get(agency=agency, name="执法一大队")
    legal = Unit.objects.get(agency=agency, name="法制科")
    return {
        "zhang": make_officer(
            unit=team, name="张伟", number="99010001", user=User.objects.create_user("zw")
        ),
        "li": make_officer(unit=team, name="李娜", number="99010002"),
        "li2": make_officer(unit=legal, name="李娜", number="99010003", roles=("reviewer",)),
        "head": make_officer(
            unit=legal,
            name="王强",
            number=None,
            roles=("head",),
            user=User.objects.create_user("wq"),
        ),
    }


def csv_file(*rows: tuple[str, ...]) -> bytes:
    lines = [",".join(COLUMNS), *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def day(offset: int) -> str:
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def good_rows() -> list[tuple[str, ...]]:
    course, kind, host = "三项制度专题培训班", "“三项制度”专题培训", "测试市司法局"
    return [
        ("张伟", "", course, kind, "8", day(-30), day(-30), host),
        (
            "李娜",
            "99010003",
            "法制审核实务",
            "法制审核业务培训",
            "12.5",
            day(-20),
            day(-19),
            "省司法厅",
        ),
        ("王强", "", "新任负责人培训", "岗前培训", "8", day(-30), day(-30), host),
    ]


def test_a_good_list_adds_each_officers_hours_and_one_ledger_event(agency, staff):
    before = LedgerEntry.objects.count()
    result = trainings_import(
        agency=agency,
        filename="培训.csv",
        content=csv_file(*good_rows()),
        actor="wq",
        today=timezone.localdate(),
    )
    assert result.created == 3
    assert LedgerEntry.objects.count() == before + 1
    entry = LedgerEntry.objects.latest("pk")
    assert entry.action == "org.training.imported"
    assert entry.content_sha256 == result.file_sha256
    year = int(day(-20)[:4])  # the year 李娜's course started in
    hours = {row.officer.pk: row.hours for row in training_year(agency_id=agency.pk, year=year)}
    assert hours[staff["li2"].pk] == Decimal("12.5")
    assert hours[staff["li"].pk] == 0


def test_any_bad_row_imports_nothing_and_every_problem_is_listed(agency, staff):
    rows = [
        *good_rows(),
        ("李娜", "", "岗位练兵", "岗位培训", "4", day(-5), day(-5), "执法局"),  # two 李娜
        ("赵六", "", "岗位练兵", "岗位培训", "4", day(-5), day(-5), "执法局"),  # nobody
        ("张伟", "99019999", "岗位练兵", "岗位培训", "4", day(-5), day(-5), "执法局"),
        ("张伟", "", "岗位练兵", "游泳", "0", day(-5), day(-6), "执法局"),
        ("张伟", "", "明年的课", "岗位培训", "2", day(3), day(3), "执法局"),
        ("张伟", "", "三项制度专题培训班", "岗位培训", "2", day(-30), day(-30), "执法局"),
    ]
    with pytest.raises(ImportRejected) as refused:
        trainings_import(
            agency=agency,
            filename="培训.csv",
            content=csv_file(*rows),
            actor="wq",
            today=timezone.localdate(),
        )
    problems = {(e.row, e.column) for e in refused.value.errors}
    assert (5, "执法证号") in problems  # 本机关有 2 名“李娜”
    assert (6, "姓名") in problems
    assert (7, "执法证号") in problems
    assert {(8, "培训类别"), (8, "学时"), (8, "结束日期")} <= problems
    assert (9, "开始日期") in problems
    assert (10, "培训名称") in problems  # same person, course and start as row 2
    assert TrainingRecord.objects.count() == 0


def test_a_list_sent_twice_is_refused_the_second_time(agency, staff):
    content = csv_file(*good_rows())
    trainings_import(
        agency=agency, filename="a.csv", content=content, actor="wq", today=timezone.localdate()
    )
    with pytest.raises(ImportRejected, match="未导入任何数据"):
        trainings_import(
            agency=agency, filename="a.csv", content=content, actor="wq", today=timezone.localdate()
        )
    assert TrainingRecord.objects.count() == 3


def test_a_training_record_cannot_be_changed_or_deleted(agency, staff):
    trainings_import(
        agency=agency,
        filename="a.csv",
        content=csv_file(*good_rows()),
        actor="wq",
        today=timezone.localdate(),
    )
    record = TrainingRecord.objects.first()
    assert record is not None
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        TrainingRecord.objects.filter(pk=record.pk).update(hours=Decimal("80"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        TrainingRecord.objects.filter(pk=record.pk).delete()


def test_the_head_imports_on_the_page_and_an_officer_sees_only_his_own(client, agency, staff):
    client.force_login(staff["head"].user)
    upload = SimpleUploadedFile("培训.csv", csv_file(*good_rows()), content_type="text/csv")
    page_of_the_year = f"{reverse('office:training')}?year={day(-20)[:4]}"
    answer = client.post(page_of_the_year, {"file": upload})
    assert answer.status_code == 302
    page = client.get(answer["Location"]).content.decode()
    assert "已导入 3 条培训记录" in page
    assert "李娜" in page and "12.5" in page

    client.force_login(staff["zhang"].user)
    mine = client.get(reverse("office:training"), {"year": day(-30)[:4]}).content.decode()
    assert "张伟" in mine and "李娜" not in mine
    refused = client.post(
        reverse("office:training"),
        {"file": SimpleUploadedFile("x.csv", csv_file(*good_rows()), content_type="text/csv")},
    )
    assert refused.status_code == 403
    assert TrainingRecord.objects.count() == 3


def test_a_bad_file_on_the_page_lists_the_rows_and_changes_nothing(client, agency, staff):
    client.force_login(staff["head"].user)
    bad = csv_file(("赵六", "", "课", "岗位培训", "4", day(-5), day(-5), "局"))
    answer = client.post(
        reverse("office:training"),
        {"file": SimpleUploadedFile("培训.csv", bad, content_type="text/csv")},
    )
    assert answer.status_code == 400
    assert "第 2 行" in answer.content.decode() and "赵六" in answer.content.decode()
    wrong = client.post(
        reverse("office:training"),
        {"file": SimpleUploadedFile("培训.doc", b"\xd0\xcf\x11\xe0", content_type="x")},
    )
    assert wrong.status_code == 400
    assert TrainingRecord.objects.count() == 0


def test_the_command_prints_every_bad_row_and_imports_nothing(agency, staff, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    bad = tmp_path / "培训.csv"
    bad.write_bytes(csv_file(("赵六", "", "课", "岗位培训", "4", day(-5), day(-5), "局")))
    err = StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("training", "import", str(bad), "--agency", agency.credit_code, stderr=err)
    assert "第 2 行「姓名」" in err.getvalue()
    with pytest.raises(CommandError, match="没有统一社会信用代码"):
        call_command("training", "import", str(bad), "--agency", "X")
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("training", "import", str(tmp_path / "无"), "--agency", agency.credit_code)
    good = tmp_path / "good.csv"
    good.write_bytes(csv_file(*good_rows()))
    out = StringIO()
    call_command("training", "import", str(good), "--agency", agency.credit_code, stdout=out)
    assert "导入 3 条培训记录" in out.getvalue()
    assert TrainingRecord.objects.count() == 3
