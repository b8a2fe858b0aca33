"""The staff office shell: log-in and the home page."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from sanxiang.org.selectors import officer_for_user

CERTIFICATE_WARNING_DAYS = 30


@login_required
def home(request):
    """Who am I, what may I do, is my certificate valid: the first page after log-in."""
    today = timezone.localdate()
    officer = officer_for_user(request.user.pk)
    certificate = officer.certificates.all()[0] if officer and officer.certificates.all() else None
    status = certificate.status_on(today) if certificate else None
    expiring = bool(
        certificate
        and status == "valid"
        and certificate.valid_until - today <= timedelta(days=CERTIFICATE_WARNING_DAYS)
    )
    return render(
        request,
        "office/home.html",
        {
            "officer": officer,
            "roles": [r.get_role_display() for r in officer.roles.all()] if officer else [],
            "certificate": certificate,
            "certificate_status": status,
            "certificate_expiring": expiring,
            "today": today,
        },
    )
