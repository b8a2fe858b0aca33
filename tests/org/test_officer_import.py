"""Importing an officer list (执法人员名册) from Excel or CSV: all rows or nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from sanxiang.org.importing import COLUMNS, ImportFileError, OfficerImportRejected
from sanxiang.org.models import Certificate, Officer
from sanxiang.org.services import officers_import

HEADER = ",".join(COLUMNS)  # 姓名,性别,执法主体,…,法律职业资格,角色
AGENCY = "测试市城市管理综合行政执法局"
GOOD = [
    f"王芳,女,{AGENCY},执法一大队,队员,99010090001,城市管理,测试市东区,2024-01-01,2028-12-31,否,执法人员",
    f"钱进,男,{AGENCY},法制科,科长,99010090002,城市管理、住房城乡建设,测试市,2024/03/01,2029年2月28日,是,法制审核人员",
]
LIMIT = 5 * 1024 * 1024


def csv_bytes(*rows: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode(encoding)


def do_import(content: bytes, filename: str = "名册.csv"):
    return officers_import(actor=None, filename=filename, content=content, max_bytes=LIMIT)


def rejected_rows(content: bytes) -> list[tuple[int, str, str]]:
    with pytest.raises(OfficerImportRejected) as caught:
        do_import(content)
    assert Officer.objects.count() == 0, "a refused file must import nothing"
    return [(e.row, e.column, e.message) for e in caught.value.errors]


def test_good_csv_imports_officers_certificates_and_roles(agency):
    created = do_import(csv_bytes(*GOOD))
    assert [o.name for o in created] == ["王芳", "钱进"]
    reviewer = Officer.objects.get(name="钱进")
    assert reviewer.has_legal_qualification
    assert [r.role for r in reviewer.roles.all()] == ["reviewer"]
    certificate = reviewer.certificates.get()
    assert certificate.number == "99010090002"
    assert sorted(c.name for c in certificate.categories.all()) == ["住房城乡建设", "城市管理"]
    assert (certificate.valid_from, certificate.valid_until) == (
        date(2024, 3, 1),
        date(2029, 2, 28),
    )


def test_gb18030_csv_from_excel_on_windows_is_read(agency):
    do_import(csv_bytes(*GOOD, encoding="gb18030"))
    assert Officer.objects.count() == 2


def test_xlsx_with_real_date_cells_imports(agency):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "王芳",
            "女",
            AGENCY,
            "执法一大队",
            "队员",
            99010090001,
            "城市管理",
            "测试市东区",
            date(2024, 1, 1),
            date(2028, 12, 31),
            "否",
            "",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    do_import(buffer.getvalue(), filename="名册.xlsx")
    officer = Officer.objects.get()
    assert officer.certificates.get().number == "99010090001"
    assert [r.role for r in officer.roles.all()] == ["officer"], "role defaults to 执法人员"


def test_one_bad_row_among_good_ones_imports_nothing_and_names_the_row(agency):
    bad = (
        f"李四,男,{AGENCY},执法一大队,队员,99010090003,城市管理,测试市,"
        "2024-01-01,2023-12-31,否,执法人员"
    )
    errors = rejected_rows(csv_bytes(GOOD[0], bad, GOOD[1]))
    assert errors == [(3, "有效期止", "有效期止早于有效期起，请核对。")]


def test_every_problem_of_every_row_is_listed(agency):
    rows = [
        f",男,{AGENCY},执法一大队,,X,城市管理,测试市,2024-01-01,2028-12-31,否,",
        "赵六,未知,不存在的局,执法一大队,,99010090004,城市管理,测试市,2024-01-01,2028-12-31,否,",
        f"孙七,男,{AGENCY},不存在的科,,99010090005,园林绿化,,昨天,1900-01-01,也许,局长",
    ]
    errors = rejected_rows(csv_bytes(*rows))
    by_row: dict[int, set[str]] = {}
    for row, column, _ in errors:
        by_row.setdefault(row, set()).add(column)
    assert by_row == {
        2: {"姓名", "执法证号"},
        3: {"性别", "执法主体"},
        4: {"内设机构", "执法类别", "执法区域", "有效期起", "有效期止", "法律职业资格", "角色"},
    }
    messages = " ".join(message for _, _, message in errors)
    assert "园林绿化" in messages and "不存在的局" in messages and "1900-01-01" in messages


def test_duplicate_certificate_number_in_the_file_is_refused(agency):
    twin = GOOD[1].replace("99010090002", "99010090001")
    assert rejected_rows(csv_bytes(GOOD[0], twin)) == [
        (3, "执法证号", "执法证号 99010090001 与第 2 行重复。")
    ]


def test_certificate_number_already_registered_is_refused(agency):
    do_import(csv_bytes(GOOD[0]))
    with pytest.raises(OfficerImportRejected) as caught:
        do_import(csv_bytes(GOOD[0].replace("王芳", "王芳芳")))
    assert "已登记" in caught.value.errors[0].message
    assert Officer.objects.count() == 1


def test_certificate_spanning_more_than_ten_years_is_refused(agency):
    errors = rejected_rows(csv_bytes(GOOD[0].replace("2028-12-31", "2040-12-31")))
    assert errors[0][1] == "有效期止"


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("名册.xls", b"\xd0\xcf\x11\xe0 old excel", "只支持 Excel（.xlsx）或 CSV"),
        ("名册.txt", b"hello", "只支持 Excel（.xlsx）或 CSV"),
        ("名册.xlsx", b"not a zip at all", "不是 Excel（.xlsx）格式"),
        ("名册.xlsx", b"PK\x03\x04 broken zip", "无法读取该 Excel 文件"),
        ("名册.csv", b"", "文件是空的"),
        ("名册.csv", HEADER.encode() + b"\n", "没有数据行"),
        ("名册.csv", "姓名,性别\n张三,男\n".encode(), "缺少以下列：执法主体"),
        ("名册.csv", b"\x00\x01\x02binary", "不是文本格式"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(agency, filename, content, expected):
    with pytest.raises(ImportFileError, match=expected):
        officers_import(actor=None, filename=filename, content=content, max_bytes=LIMIT)
    assert Officer.objects.count() == 0


def test_oversized_file_is_refused(agency):
    with pytest.raises(ImportFileError, match="文件过大"):
        officers_import(actor=None, filename="名册.csv", content=csv_bytes(*GOOD), max_bytes=100)


# --- through the admin screen and the command line ---------------------------------------


@pytest.fixture
def admin_client(client, django_user_model, agency):
    user = django_user_model.objects.create_superuser("root", password="correct horse battery")
    client.force_login(user)
    return client


def upload(client, content: bytes, name: str = "名册.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("admin:org_officer_import"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_admin_upload_of_a_bad_file_shows_each_row_and_imports_nothing(admin_client):
    bad = GOOD[1].replace("法制科", "不存在的科")
    response = upload(admin_client, csv_bytes(GOOD[0], bad))
    page = response.content.decode()
    assert response.status_code == 200
    assert "未导入任何数据" in page
    assert "第 3 行" in page and "不存在的科" in page
    assert Officer.objects.count() == 0


def test_admin_upload_of_a_good_file_imports_and_says_how_many(admin_client):
    response = upload(admin_client, csv_bytes(*GOOD))
    assert response.status_code == 302
    assert Certificate.objects.count() == 2
    page = admin_client.get(response["Location"]).content.decode()
    assert "已导入 2 名执法人员" in page


def test_admin_import_is_not_open_to_non_staff(client, django_user_model, agency):
    user = django_user_model.objects.create_user("officer", password="correct horse battery")
    client.force_login(user)
    response = upload(client, csv_bytes(*GOOD))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert Officer.objects.count() == 0


def test_cli_import_prints_rows_and_exits_2_on_bad_file(agency, tmp_path):
    path = tmp_path / "名册.csv"
    path.write_bytes(csv_bytes(GOOD[0].replace("城市管理", "园林绿化")))
    with pytest.raises(CommandError) as caught:
        call_command("officers", "import", str(path))
    assert caught.value.returncode == 2
    assert "第 2 行 [执法类别]" in str(caught.value)
