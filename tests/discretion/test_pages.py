"""The office upload and publish pages, the portal's pages and the JSON API: the public sees
only the version in force."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from sanxiang.discretion.models import Benchmark, BenchmarkStatus
from sanxiang.discretion.services import benchmark_import
from tests.discretion.conftest import SAMPLE, changed, row_of


def test_legal_staff_upload_a_draft_and_see_every_bad_row(client, agency, items, drafter):
    client.force_login(drafter.user)
    page = client.get("/office/discretion/")
    assert page.status_code == 200 and "导入为草稿" in page.content.decode()
    bad = changed(row_of("从重处罚"), 罚款上限="8000")
    refused = client.post("/office/discretion/", {"file": SimpleUploadedFile("基准.csv", bad)})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert f"第 {row_of('从重处罚')} 行" in body and "超出法定幅度" in body
    assert not Benchmark.objects.exists()
    done = client.post(
        "/office/discretion/",
        {"file": SimpleUploadedFile("基准.csv", SAMPLE.read_bytes())},
        follow=True,
    )
    assert "已导入为第 1 版草稿" in done.content.decode()
    assert "由本单位负责人发布" in done.content.decode()


def test_an_officer_outside_legal_staff_cannot_upload(client, agency, items, patrol):
    client.force_login(patrol.user)
    assert "只有本单位法制机构人员" in client.get("/office/discretion/").content.decode()
    response = client.post(
        "/office/discretion/", {"file": SimpleUploadedFile("基准.csv", SAMPLE.read_bytes())}
    )
    assert response.status_code == 403
    assert not Benchmark.objects.exists()


def test_the_head_publishes_a_draft_and_the_portal_shows_it(client, agency, items, head):
    draft = benchmark_import(agency=agency, filename="a.csv", content=SAMPLE.read_bytes())
    assert client.get(f"/gongshi/discretion/{agency.pk}/").status_code == 404
    client.force_login(head.user)
    page = client.get(f"/office/discretion/{draft.pk}/")
    assert "发布并施行" in page.content.decode()
    client.post(f"/office/discretion/{draft.pk}/publish")
    assert Benchmark.objects.get(pk=draft.pk).status == BenchmarkStatus.IN_FORCE
    client.logout()
    listing = client.get("/gongshi/discretion/").content.decode()
    assert "示范市城市管理行政处罚裁量基准" in listing
    shown = client.get(f"/gongshi/discretion/{agency.pk}/").content.decode()
    assert "擅自设置大型户外广告" in shown and "从重处罚" in shown and "首违不罚" in shown


def test_the_portal_and_the_api_show_the_version_in_force_only(client, agency, published):
    second = benchmark_import(
        agency=agency,
        filename="v2.csv",
        content=changed(2, 名称="示范市城市管理行政处罚裁量基准（第二版草稿）"),
    )
    assert second.is_draft
    shown = client.get(f"/gongshi/discretion/{agency.pk}/").content.decode()
    assert "第二版草稿" not in shown and published.content_sha256 in shown
    listing = client.get("/api/v1/discretion").json()
    assert [b["number"] for b in listing] == [1]
    full = client.get(f"/api/v1/discretion/{agency.pk}").json()
    assert full["content_sha256"] == published.content_sha256
    assert [v["code"] for v in full["violations"]] == ["SR-001", "SR-002"]
    heavier = full["violations"][0]["tiers"][-1]
    assert heavier["kind"] == "heavier" and heavier["fine_max"] == "5000.00"
    assert full["violations"][0]["penalty_articles"] == [
        {"law": "城市市容和环境卫生管理条例", "article": "第三十六条"}
    ]
    assert client.get("/api/v1/discretion/999").status_code == 404


def test_the_command_imports_and_publishes(agency, items, capsys):
    from django.core.management import call_command

    call_command("discretion", "import", str(SAMPLE), "--agency", agency.credit_code, "--publish")
    assert "已导入裁量基准第 1 版" in capsys.readouterr().out
    assert Benchmark.objects.get().status == BenchmarkStatus.IN_FORCE


def test_an_agency_id_out_of_range_is_a_404_not_a_server_error(client, db):
    for path in ("/gongshi/discretion/99999999999999999999999/", "/gongshi/discretion/0/"):
        assert client.get(path).status_code == 404
    assert client.get("/api/v1/discretion/99999999999999999999999").status_code == 422
