"""The public 投诉举报 form and the office's step forms (drawn by the shared renderer)."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing

from sanxiang.complaints.models import ComplaintKind, Subject
from sanxiang.complaints.services import MAX_FILES, TEXT_MAX, max_bytes
from sanxiang.core.forms import MultipleFileField
from sanxiang.org.models import Agency, EnforcementCategory

# A person takes longer than this to fill in the form; a script posting at once does not.
MIN_FILL_SECONDS = 5
# A form kept open longer than this is sent again with a fresh stamp (nothing is lost).
MAX_FILL_SECONDS = 6 * 60 * 60
_SALT = "sanxiang.complaints.form-started"


def started_stamp(now: float | None = None) -> str:
    """The signed moment the form was drawn (a hidden field)."""
    return signing.dumps(int(now if now is not None else time.time()), salt=_SALT)


def started_age(stamp: str, now: float | None = None) -> float | None:
    """Seconds since the stamp was drawn; None when the stamp is missing or forged."""
    try:
        started = signing.loads(stamp, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(started, int):
        return None
    return (now if now is not None else time.time()) - started


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label="类别",
        choices=ComplaintKind.choices,
        widget=forms.RadioSelect,
        help_text="投诉：自身权益受到侵害；举报：反映他人的违法行为。",
    )
    subject = forms.ChoiceField(
        label="反映的事项", choices=Subject.choices, widget=forms.RadioSelect
    )
    agency = forms.ModelChoiceField(
        label="执法机关",
        queryset=Agency.objects.order_by("name"),
        empty_label="请选择",
        help_text="所反映事项的主管机关，或所反映执法人员所在机关；选错的，由该机关转办。",
    )
    category = forms.ModelChoiceField(
        label="所属领域",
        queryset=EnforcementCategory.objects.order_by("code"),
        required=False,
        empty_label="不清楚",
        help_text="用于确定处理期限；不清楚可不选。",
    )
    text = forms.CharField(
        label="具体情况",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"时间、地点、对象和经过，至少 10 个字，最多 {TEXT_MAX} 字。",
    )
    name = forms.CharField(
        label="姓名", max_length=50, required=False, help_text="可以匿名，不填即可。"
    )
    contact = forms.CharField(
        label="联系方式",
        max_length=100,
        required=False,
        help_text="电话或通信地址，仅供执法机关联系您，不公开；不填也可凭跟踪码查询结果。",
    )
    attachments = MultipleFileField(
        label="附件",
        required=False,
        accept=".jpg,.jpeg,.png,.heic,.pdf",
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        megabytes = max(1, max_bytes() // (1024 * 1024))
        self.fields[
            "attachments"
        ].help_text = f"照片或 PDF，最多 {MAX_FILES} 个，每个不超过 {megabytes} MB。"


class TrackForm(forms.Form):
    code = forms.CharField(
        label="跟踪码",
        max_length=32,
        help_text="提交时显示的 12 位跟踪码，例如 ABCD-EFGH-JKMN；不区分大小写。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label="说明", required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class RefuseForm(forms.Form):
    reasons = forms.CharField(
        label="不予受理的理由",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="投诉举报人在查询页面可以看到。",
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="答复内容",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="投诉举报人在查询页面可以看到。",
    )


class TransferForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="转至", queryset=Agency.objects.order_by("name"), empty_label="请选择"
    )
    reasons = forms.CharField(
        label="转办理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, own_agency_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if own_agency_id is not None:
            field = self.fields["agency"]
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = Agency.objects.exclude(pk=own_agency_id).order_by("name")


class CaseForm(forms.Form):
    title = forms.CharField(label="案由", max_length=200)
    category = forms.ModelChoiceField(
        label="执法类别",
        queryset=EnforcementCategory.objects.order_by("code"),
        empty_label="请选择",
    )
    violation_on = forms.DateField(
        label="违法行为发生日",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="不清楚的，留空按收到投诉举报之日登记，调查后更正。",
    )
