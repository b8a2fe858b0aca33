"""Fixtures of 投诉举报: two agencies, their heads and officers, and a way to fill in the
public form as a person would (a stamp drawn a minute ago, the honeypot left empty)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sanxiang.complaints.forms import started_stamp
from sanxiang.org.models import Agency, EnforcementCategory, Unit
from tests.conftest import credit_code, make_officer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def unit(agency):
    return Unit.objects.get(agency=agency, name="执法一大队")


@pytest.fixture
def head(unit):
    user = User.objects.create_user("head")
    return make_officer(
        unit=unit, name="王局长", number="99010001", roles=("officer", "head"), user=user
    )


@pytest.fixture
def officer(unit):
    user = User.objects.create_user("officer")
    return make_officer(unit=unit, name="李执法", number="99010002", user=user)


@pytest.fixture
def other_agency(categories):
    agency = Agency.objects.create(
        name="测试市市场监督管理局",
        credit_code=credit_code(2),
        level="municipal",
        region="测试市",
        address="测试市建设大道 2 号",
        phone="0999-7654321",
        authority_basis="测试市机构编制文件",
    )
    Unit.objects.create(agency=agency, name="执法稽查支队")
    return agency


@pytest.fixture
def other_head(other_agency):
    user = User.objects.create_user("other-head")
    return make_officer(
        unit=other_agency.units.get(),
        name="赵局长",
        number="99020001",
        roles=("officer", "head"),
        category="市场监管",
        user=user,
    )


def form_data(agency: Agency, **overrides: Any) -> dict[str, Any]:
    """What a person sends: the form's fields, a stamp drawn a minute ago, no honeypot."""
    data: dict[str, Any] = {
        "kind": "report",
        "subject": "violation",
        "agency": agency.pk,
        "category": "",
        "text": "人民路 12 号门前长期占道经营，晚上十点以后仍在营业，影响通行。",
        "name": "",
        "contact": "",
        "started": started_stamp(time.time() - 60),
        "homepage": "",
    }
    data.update(overrides)
    return data


def category(name: str) -> EnforcementCategory:
    return EnforcementCategory.objects.get(name=name)


def png(name: str = "photo.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def submit(client: Client, agency: Agency, **overrides: Any) -> Any:
    return client.post("/gongshi/complaints/", form_data(agency, **overrides))
