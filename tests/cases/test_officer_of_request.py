"""The officer behind an office request: read with the log-in (his unit and agency in the
user's own query), his roles and certificates read afresh on every call."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from sanxiang.org.backends import ActiveOfficerBackend
from sanxiang.org.models import Role, RoleAssignment
from sanxiang.org.selectors import officer_for_request, officer_for_user


def _request(rf, user_id):
    request = rf.get("/office/")
    request.user = ActiveOfficerBackend().get_user(user_id)
    return request


def test_the_officer_is_the_logins_with_his_roles_and_certificates_read_with_the_user(
    staff, rf, django_assert_num_queries
):
    with django_assert_num_queries(1):  # user, officer, unit, agency, roles, certificates
        request = _request(rf, staff.zhang.user.pk)
    with django_assert_num_queries(0):
        officer = officer_for_request(request)
    expected = officer_for_user(staff.zhang.user.pk)
    assert expected is not None
    assert officer.pk == expected.pk and officer.unit.agency == expected.unit.agency
    assert [c.number for c in officer.certificates.all()] == [
        c.number for c in expected.certificates.all()
    ]
    assert officer.certificate_valid_on(staff.zhang.certificates.get().valid_from) is not None
    assert not officer.has_role(Role.HEAD)
    # A second read in the same request asks again: his roles and certificates in one query.
    with django_assert_num_queries(1):
        again = officer_for_request(request)
    assert [c.number for c in again.certificates.all()] == [
        c.number for c in expected.certificates.all()
    ]


def test_a_role_given_during_the_request_is_seen_by_the_next_read(staff, rf):
    request = _request(rf, staff.zhang.user.pk)
    assert not officer_for_request(request).has_role(Role.HEAD)
    RoleAssignment.objects.create(officer=staff.zhang, role=Role.HEAD)
    assert officer_for_request(request).has_role(Role.HEAD)


def test_a_login_without_an_officer_record_is_refused(rf, django_user_model):
    user = django_user_model.objects.create_user("clerk", password="correct horse battery")
    with pytest.raises(PermissionDenied):
        officer_for_request(_request(rf, user.pk))
