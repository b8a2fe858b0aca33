"""Master-data invariants an administrator runs into."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sanxiang.org.models import Agency, CertificateStatus
from tests.conftest import credit_code, make_officer


def test_agency_with_a_bad_credit_code_is_refused_in_chinese(agency):
    other = Agency(
        name="另一个局",
        credit_code=credit_code(2)[:17] + ("0" if credit_code(2)[17] != "0" else "1"),
        level="county",
        region="测试县",
        address="测试县 1 号",
        phone="0999-1",
        authority_basis="文件",
    )
    with pytest.raises(ValidationError) as caught:
        other.full_clean()
    assert "校验位不正确" in caught.value.message_dict["credit_code"][0]


def test_admin_add_agency_form_shows_the_credit_code_error(client, django_user_model, db):
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    response = client.post(
        reverse("admin:org_agency_add"),
        {
            "name": "测试局",
            "credit_code": "91350200MA00000000",
            "level": "county",
            "region": "测试县",
            "address": "地址",
            "phone": "1",
            "authority_basis": "文件",
            "units-TOTAL_FORMS": "0",
            "units-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in response.content.decode()
    assert not Agency.objects.exists()


def test_certificate_is_valid_through_its_last_day_and_not_after(agency):
    officer = make_officer(
        unit=agency.units.get(name="执法一大队"),
        name="张三",
        number="99010099001",
        valid_from=date(2024, 1, 1),
        valid_until=date(2026, 6, 30),
    )
    certificate = officer.certificates.get()
    assert certificate.status_on(date(2023, 12, 31)) == CertificateStatus.NOT_YET_VALID
    assert certificate.status_on(date(2026, 6, 30)) == CertificateStatus.VALID
    assert certificate.status_on(date(2026, 7, 1)) == CertificateStatus.EXPIRED
    certificate.revoked_on = date(2025, 5, 1)
    assert certificate.status_on(date(2025, 5, 1)) == CertificateStatus.REVOKED


def test_certificate_ending_before_it_starts_is_refused(agency):
    officer = make_officer(unit=agency.units.first(), name="张三", number=None)
    certificate = officer.certificates.model(
        officer=officer,
        number="99010099002",
        region="测试市",
        valid_from=date(2025, 1, 1),
        valid_until=date(2024, 1, 1),
    )
    with pytest.raises(ValidationError, match="有效期止不能早于有效期起"):
        certificate.full_clean()
