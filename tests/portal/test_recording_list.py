"""事前公开: each agency's 行政执法音像记录事项清单 on the portal and in the API, and the
执法人员清单's 性别 and 职务 (seed 004 一(二)4; 003 (4))."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from sanxiang.cases.models import RecordingMatter
from sanxiang.org.models import Officer
from tests.conftest import make_officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 5, 20), tick=False):
        yield


def test_the_portal_publishes_each_agencys_recording_list(client, agency):
    page = client.get(reverse("portal:recording-list")).content.decode()
    assert "行政执法音像记录事项清单" in page and agency.name in page
    assert "实施查封、扣押" in page and "全程音像记录（全程录像）" in page
    assert "听证" in page and "音像记录（录音、录像或全程录像）" in page
    assert "留置送达" in page and "送达：留置送达（送达回证）" in page
    assert "强制拆除违法建筑物、构筑物、设施" in page and "本系统无对应步骤，仅公示" in page
    assert "行政强制法第十八条" in page
    assert "现场检查" not in page, "a matter the shipped list leaves off is not published"
    assert "coercive_measure.enforce" not in page, "steps are named, not coded"
    lists = client.get(reverse("portal:lists", args=["items"])).content.decode()
    assert reverse("portal:recording-list") in lists


def test_an_agencys_own_changes_show_on_the_portal(client, agency):
    shipped = RecordingMatter.objects.get(agency=None, code="hearing")
    RecordingMatter.objects.create(
        agency=agency, code="hearing", position=shipped.position, matter=shipped.matter,
        step=shipped.step, kinds=shipped.kinds, basis=shipped.basis, is_active=False,
    )  # fmt: skip
    RecordingMatter.objects.create(
        agency=agency, code="inspection", position=8, matter="现场检查",
        step="inspection.check", kinds="video|full_video", basis="本机关规定", is_active=True,
    )  # fmt: skip
    page = client.get(reverse("portal:recording-list")).content.decode()
    assert '<td data-label="事项">听证</td>' not in page
    assert "现场检查" in page and "音像记录（录像或全程录像）" in page


def test_the_api_lists_the_same_matters(client, agency):
    body = client.get("/api/v1/recording-list").json()
    (found,) = [b for b in body if b["agency_id"] == agency.pk]
    seizure = next(m for m in found["matters"] if m["matter"] == "实施查封、扣押")
    assert seizure["manner"] == "全程音像记录" and seizure["kinds"] == "全程录像"
    assert seizure["step"] == "行政强制措施（查封、扣押）：实施查封、扣押（决定书及清单当场交付）"
    assert "行政强制法第十八条" in seizure["basis"]
    assert [m["position"] for m in found["matters"]] == list(range(1, len(found["matters"]) + 1))


def test_the_officer_list_shows_gender_and_post(client, agency):
    squad = agency.units.get(name="执法一大队")
    officer = make_officer(unit=squad, name="王芳", number="99010010021")
    Officer.objects.filter(pk=officer.pk).update(gender="F", post="副大队长")
    make_officer(unit=squad, name="赵刚", number="99010010022")
    page = client.get(reverse("portal:officers")).content.decode()
    assert "<th>性别</th>" in page and "<th>职务</th>" in page
    assert '<td data-label="性别">女</td>' in page and '<td data-label="职务">副大队长</td>' in page
    assert '<td data-label="性别">男</td>' in page and '<td data-label="职务">—</td>' in page
    items = {i["name"]: i for i in client.get("/api/v1/officers").json()["items"]}
    assert (items["王芳"]["gender"], items["王芳"]["post"]) == ("女", "副大队长")
    assert (items["赵刚"]["gender"], items["赵刚"]["post"]) == ("男", "")
