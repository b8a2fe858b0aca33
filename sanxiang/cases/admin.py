"""Case master data in the admin: the numbering rules (机关代字) per agency and kind, the
音像记录事项清单; and, to read only, the portal's 当事人查询 tries."""

from django import forms
from django.contrib import admin, messages

from sanxiang.cases.models import CaseRules, NumberingRule, PartyQueryAttempt, RecordingMatter
from sanxiang.cases.party_access import party_query_lockout_clear
from sanxiang.cases.recording import kinds_text
from sanxiang.cases.recording_rows import recordable_steps, row_problems, step_label
from sanxiang.ledger.admin_support import LedgeredAdmin


@admin.register(NumberingRule)
class NumberingRuleAdmin(LedgeredAdmin):
    list_display = ("agency", "kind", "prefix")
    list_filter = ("agency", "kind")


@admin.register(CaseRules)
class CaseRulesAdmin(LedgeredAdmin):
    list_display = ("agency", "extension_days", "extensions_by_head")


class RecordingMatterForm(forms.ModelForm):
    """The step and the 记录形式 are checked as the loader checks the file's rows."""

    class Meta:
        model = RecordingMatter
        fields = ("agency", "code", "position", "matter", "step", "kinds", "basis", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        steps = "；".join(f"{key}（{label}）" for key, label in recordable_steps().items())
        self.fields["step"].help_text = f"可填：{steps}。留空的事项只公示，系统内无对应步骤"

    def clean(self):
        cleaned = super().clean() or {}
        problems = row_problems(step=cleaned.get("step") or "", kinds=cleaned.get("kinds") or "")
        if problems:
            raise forms.ValidationError(problems)
        return cleaned


@admin.register(RecordingMatter)
class RecordingMatterAdmin(LedgeredAdmin):
    """An agency's own row with a default row's code replaces it for that agency (列入清单 off:
    the matter is off its list); the default rows (no agency) apply to every agency."""

    form = RecordingMatterForm
    list_display = ("agency", "position", "matter", "step_shown", "kinds_shown", "is_active")
    list_filter = ("agency", "is_active")

    @admin.display(description="对应环节", ordering="step")
    def step_shown(self, row: RecordingMatter) -> str:
        return step_label(row.step)

    @admin.display(description="满足要求的记录形式", ordering="kinds")
    def kinds_shown(self, row: RecordingMatter) -> str:
        return kinds_text(row)


@admin.register(PartyQueryAttempt)
class PartyQueryAttemptAdmin(admin.ModelAdmin):
    """Who tried which case number when, and how it ended; the typed code is never stored.
    Read-only: the rows are the record of the tries and what the rate limits count. The one
    write is the action 解除查询限制 (needs the 'change' permission on these rows)."""

    list_display = ("at", "case_number", "client_ip", "outcome", "cleared_at")
    actions = ["clear_lockout"]

    @admin.action(description="解除查询限制（所选记录的案件编号和来源地址）", permissions=["clear"])
    def clear_lockout(self, request, queryset):
        cleared = party_query_lockout_clear(
            actor=request.user, attempt_ids=list(queryset.values_list("pk", flat=True))
        )
        messages.success(
            request, f"已解除查询限制：{cleared} 次失败不再计入。当事人现在可以重新查询。"
        )

    def has_clear_permission(self, request):
        return request.user.has_perm("cases.change_partyqueryattempt")

    list_filter = ("outcome",)
    search_fields = ("case_number", "client_ip")
    date_hierarchy = "at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
