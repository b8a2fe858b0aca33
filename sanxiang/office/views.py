"""The staff office shell: log-in and the home page."""

from datetime import timedelta
from typing import cast

from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from sanxiang.errors import DomainError
from sanxiang.office.desk import desk_for, urgent_count
from sanxiang.org.backends import address_locked_out
from sanxiang.org.selectors import officer_for_request, officer_for_user, officer_of_request
from sanxiang.org.services import password_change
from sanxiang.org.signatures import active_key, signing_key_register

CERTIFICATE_WARNING_DAYS = 30


class OfficeLoginView(LoginView):
    """Django's log-in, plus a limit per client address over all names.

    django-axes locks one name from one address (``AXES_LOCKOUT_PARAMETERS``), so failures from
    elsewhere never lock an officer out; this stops one address from trying many names.
    """

    template_name = "office/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if address_locked_out(request):
            return render(request, "office/locked_out.html", status=429)
        return super().post(request, *args, **kwargs)


@never_cache
@login_required
def password(request: HttpRequest) -> HttpResponse:
    """修改密码: the old password, then a new one twice; Django's validators apply."""
    user = cast(User, request.user)  # login_required
    form = PasswordChangeForm(user, request.POST or None)
    forced = bool((officer := officer_for_user(user.pk)) and officer.password_must_change)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(user=user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改。")
            return redirect("office:home")
    return render(request, "office/password.html", {"form": form, "forced": forced})


@login_required
def home(request):
    """工作台: what waits for me (steps I may take now, reviews, publications), what is due or
    overdue; then who I am and whether my certificate is valid."""
    today = timezone.localdate()
    officer = officer_of_request(request)
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
            "desk": desk_for(officer, today) if officer is not None else None,
        },
    )


@login_required
@never_cache
def desk_count(request):
    """The number the navigation's 工作台 link shows (overdue steps, reviews waiting, overdue
    publications), fetched by office/forms.js after the page is drawn, so that no office page
    pays for it."""
    officer = officer_of_request(request)
    count = urgent_count(officer, timezone.localdate()) if officer is not None else 0
    return JsonResponse({"count": count})


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
