"""Chinese admin screens for master data (执法主体, 内设机构, 执法人员, 法律法规库)."""

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from sanxiang.errors import DomainError
from sanxiang.ledger.admin_support import LedgeredAdmin
from sanxiang.ledger.services import actor_for
from sanxiang.org.events import supervisory_area_set
from sanxiang.org.forms import OfficerImportForm
from sanxiang.org.importing import COLUMNS, OfficerImportRejected
from sanxiang.org.models import (
    Agency,
    ApiToken,
    ApiWrite,
    Article,
    Certificate,
    EnforcementCategory,
    EnforcementItem,
    Law,
    Officer,
    RandomCheckItem,
    RemedyChannel,
    RoleAssignment,
    ServiceGuide,
    SupervisoryBody,
    TrainingRecord,
    Unit,
)
from sanxiang.org.remedies import remedy_defaults
from sanxiang.org.services import officers_import, password_reset
from sanxiang.org.tokens import api_token_revoke


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Agency)
class AgencyAdmin(LedgeredAdmin):
    list_display = ("name", "credit_code", "level", "region", "phone")
    list_filter = ("level",)
    search_fields = ("name", "credit_code", "region")
    filter_horizontal = ("authority_articles",)
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(LedgeredAdmin):
    list_display = ("name", "agency", "is_legal_review_body", "phone")
    list_filter = ("agency", "is_legal_review_body")
    search_fields = ("name",)


class CertificateInline(admin.StackedInline):
    model = Certificate
    extra = 0
    filter_horizontal = ("categories",)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(Officer)
class OfficerAdmin(LedgeredAdmin):
    list_display = ("name", "gender", "unit", "post", "has_legal_qualification", "is_active")
    list_filter = ("unit__agency", "has_legal_qualification", "is_active", "roles__role")
    search_fields = ("name", "certificates__number")
    list_select_related = ("unit__agency",)
    raw_id_fields = ("user",)
    inlines = [CertificateInline, RoleInline]
    change_list_template = "org/officer_changelist.html"
    actions = ["reset_password"]

    @admin.action(
        description="重置登录密码（生成一次性临时密码，下次登录须修改）", permissions=["change"]
    )
    def reset_password(self, request, queryset):
        """A one-time temporary password per selected officer, shown once on this page only
        (never in a message cookie or a log); each reset is a ledger event. Needs the 'change'
        permission on officers (an action without ``permissions`` is offered to anyone who may
        merely view the list); whose accounts may be reset is the service's rule."""
        done, refused = [], []
        for officer in queryset.select_related("user"):
            try:
                temporary = password_reset(actor=request.user, officer_id=officer.pk)
            except DomainError as exc:
                refused.append((officer, exc.message))
            else:
                done.append((officer, officer.user.get_username(), temporary))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "临时密码",
            "done": done,
            "refused": refused,
        }
        return TemplateResponse(request, "org/officer_password_reset.html", context)

    def get_urls(self):
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="org_officer_import",
            )
        ]
        return custom + super().get_urls()

    def import_view(self, request):
        """Upload an officer list; show every bad row, or import all rows at once."""
        if not self.has_add_permission(request):
            return redirect("admin:org_officer_changelist")
        errors = []
        form = OfficerImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            limit = settings.SANXIANG_IMPORT_MAX_BYTES
            content = upload.read(limit + 1)
            try:
                created = officers_import(
                    actor=request.user, filename=upload.name, content=content, max_bytes=limit
                )
            except OfficerImportRejected as exc:
                errors = exc.errors
                messages.error(request, exc.message)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已导入 {len(created)} 名执法人员。")
                return redirect("admin:org_officer_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "从文件导入执法人员",
            "form": form,
            "errors": errors,
            "columns": list(COLUMNS),
        }
        return TemplateResponse(request, "org/officer_import.html", context)


@admin.register(Certificate)
class CertificateAdmin(LedgeredAdmin):
    list_display = ("number", "officer", "region", "valid_from", "valid_until", "revoked_on")
    search_fields = ("number", "officer__name")
    list_select_related = ("officer",)
    filter_horizontal = ("categories",)


@admin.register(EnforcementCategory)
class EnforcementCategoryAdmin(LedgeredAdmin):
    list_display = ("code", "name")


class ArticleInline(admin.StackedInline):
    model = Article
    extra = 0
    fields = ("number", "label", "chapter", "text")


@admin.register(Law)
class LawAdmin(LedgeredAdmin):
    list_display = ("title", "kind", "issuer", "effective_on", "is_in_force", "ceased_on")
    list_filter = ("kind", "is_in_force")
    search_fields = ("title",)
    inlines = [ArticleInline]


@admin.register(Article)
class ArticleAdmin(LedgeredAdmin):
    list_display = ("__str__", "chapter")
    list_filter = ("law",)
    search_fields = ("text", "label")
    list_select_related = ("law",)


class ServiceGuideInline(admin.StackedInline):
    model = ServiceGuide
    extra = 0


@admin.register(EnforcementItem)
class EnforcementItemAdmin(LedgeredAdmin):
    list_display = ("code", "name", "kind", "category", "agency", "is_active")
    list_filter = ("agency", "kind", "category", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("agency", "category")
    filter_horizontal = ("basis_articles",)
    inlines = [ServiceGuideInline]


@admin.register(RandomCheckItem)
class RandomCheckItemAdmin(LedgeredAdmin):
    list_display = ("code", "name", "targets", "ratio_percent", "cycle", "agency", "is_active")
    list_filter = ("agency", "is_active")
    search_fields = ("code", "name")
    filter_horizontal = ("basis_articles",)


@admin.register(RemedyChannel)
class RemedyChannelAdmin(LedgeredAdmin):
    list_display = ("kind", "body", "period", "agency")
    list_filter = ("agency", "kind")

    def get_changeform_initial_data(self, request):
        """Offer the statutory period and basis of the chosen kind (data/remedies.csv)."""
        initial = super().get_changeform_initial_data(request)
        kind = initial.get("kind") or request.GET.get("kind")
        defaults = remedy_defaults().get(str(kind)) if kind else None
        if defaults is not None:
            initial.setdefault("period", defaults.period)
            initial.setdefault("basis", defaults.basis)
            initial.setdefault("how", defaults.how)
        return initial


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    """Read-only: records come from imported lists (办公 › 培训记录), each import a ledger
    event; the table refuses UPDATE and DELETE."""

    list_display = ["officer", "course", "kind", "hours", "started_on", "ended_on", "organiser"]
    list_filter = ["kind", "officer__unit__agency"]
    search_fields = ["officer__name", "course", "organiser"]
    date_hierarchy = "started_on"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SupervisoryBody)
class SupervisoryBodyAdmin(LedgeredAdmin):
    list_display = ("name", "level", "region", "parent", "agency")
    list_filter = ("level",)
    search_fields = ("name", "region")
    filter_horizontal = ("agencies",)
    list_select_related = ("parent", "agency")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The area (a many-to-many) is saved after the row's own event: record it too, since
        # it decides which agencies' cases the body's 监督人员 read.
        super().save_related(request, form, formsets, change)
        supervisory_area_set(form.instance, actor=actor_for(request.user))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are made by ``sanxiang api-token create`` (which prints the token
    once); here they can only be revoked (by whoever may change tokens), each revocation a
    ledger event."""

    list_display = ("name", "agency", "prefix", "scopes", "last_used_at", "state")
    list_filter = ("agency",)
    search_fields = ("name", "prefix")
    list_select_related = ("agency",)
    readonly_fields = fields = (
        "agency", "name", "scopes", "prefix", "token_sha256", "created_by", "created_at",
        "last_used_at", "revoked_at",
    )  # fmt: skip
    actions = ["revoke"]

    @admin.display(description="状态")
    def state(self, token: ApiToken) -> str:
        return "有效" if token.revoked_at is None else "已停用"

    @admin.action(description="停用所选接口令牌", permissions=["revoke"])
    def revoke(self, request, queryset):
        for token in queryset:
            try:
                api_token_revoke(token_id=token.pk, actor=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已停用接口令牌“{token.name}”。")

    def has_revoke_permission(self, request):
        return request.user.has_perm("org.change_apitoken")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiWrite)
class ApiWriteAdmin(admin.ModelAdmin):
    """Read-only: what each token wrote, under which idempotency key."""

    list_display = ("created_at", "token", "operation", "key", "status")
    list_filter = ("operation", "token__agency")
    search_fields = ("key",)
    list_select_related = ("token",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
