"""The 干预记录 form (drawn by the shared renderer)."""

from __future__ import annotations

from django import forms

from sanxiang.org.models import Officer
from sanxiang.supervision.models import InterferenceManner


def _officer_label(officer: Officer) -> str:
    return f"{officer.name}（{officer.unit.name}{' ' + officer.post if officer.post else ''}）"


class InterferenceForm(forms.Form):
    def __init__(self, *args: object, agency_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["intervener"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Officer.objects.filter(unit__agency_id=agency_id).select_related("unit")
        field.label_from_instance = _officer_label  # type: ignore[method-assign,assignment]

    case_number = forms.CharField(
        label="案件编号",
        max_length=64,
        help_text="本单位案件的编号；尚未编号的案件填写其在平台上的序号（案件页面地址中的数字）",
    )
    intervener_name = forms.CharField(label="干预人姓名", max_length=50)
    intervener_position = forms.CharField(label="干预人单位及职务", max_length=200, required=False)
    intervener = forms.ModelChoiceField(
        label="干预人（本单位平台用户）",
        queryset=Officer.objects.none(),
        required=False,
        empty_label="否（或者不是平台用户）",
        help_text="选择后，该记录对其本人不可见",
    )
    occurred_at = forms.DateTimeField(
        label="干预时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    manner = forms.ChoiceField(
        label="干预方式", choices=[("", "请选择"), *InterferenceManner.choices]
    )
    request = forms.CharField(
        label="干预内容",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="要求或者请托的事项，尽量如实记录原话",
    )
    response = forms.CharField(
        label="处理情况",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
        help_text="如何回应，是否拒绝",
    )
    evidence_reference = forms.CharField(
        label="证据记录编号",
        max_length=64,
        required=False,
        help_text="如有录音、短信截图等，可由本案承办人在案件归档前存证后填写其记录编号（可不填）",
    )


class ScoreForm(forms.Form):
    """评分 of one indicator (a manual item, or an override of a computed figure)."""

    score = forms.DecimalField(
        label="得分", min_value=0, max_digits=4, decimal_places=1, help_text="不超过该项分值"
    )
    note = forms.CharField(
        label="评分说明",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="依据哪些材料、扣分原因；调整平台计分时写明理由",
    )
    attachment = forms.FileField(
        label="佐证材料", required=False, help_text="PDF 或图片，不超过 20 MB"
    )
