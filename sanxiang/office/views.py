"""The staff office shell: log-in and the home page."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from sanxiang.errors import DomainError
from sanxiang.org.selectors import officer_for_request, officer_for_user
from sanxiang.org.signatures import active_key, signing_key_register

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


@login_required
def signing_key(request):
    """电子签名密钥: make a key pair in this browser and register its public key.

    Registering needs the log-in password again, so an unattended session cannot swap the key.
    """
    officer = officer_for_request(request)
    if request.method == "POST":
        user = authenticate(
            request, username=request.user.get_username(), password=request.POST.get("password", "")
        )
        if user is None or user.pk != request.user.pk:
            messages.error(request, "登录密码不正确，密钥未登记。")
        else:
            try:
                key = signing_key_register(
                    officer=officer, public_key_b64=request.POST.get("public_key", "")
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已登记新的电子签名密钥（{key.key_id[:16]}）。")
        return redirect("office:signing-key")
    return render(
        request,
        "office/signing_key.html",
        {
            "officer": officer,
            "key": active_key(officer),
            "previous": officer.signing_keys.filter(revoked_at__isnull=False)[:10],
        },
    )
