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


class AttestationForm(forms.Form):
    """材料佐证: the agency's 负责人 shows that it meets an item."""

    statement = forms.CharField(
        label="情况说明",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="说明材料的名称、文号、制定或者通过的时间，以及如何落实",
    )
    document = forms.FileField(
        label="佐证材料",
        help_text="制定的制度、方案、清单，或者会议纪要等；PDF 或图片，不超过 20 MB",
    )


class AttestationReviewForm(forms.Form):
    """The 监督人员's answer to a filing."""

    decision = forms.ChoiceField(
        label="确认结果",
        choices=[("confirm", "确认"), ("return", "退回")],
        widget=forms.RadioSelect,
    )
    score = forms.DecimalField(
        label="得分",
        required=False,
        min_value=0,
        max_digits=4,
        decimal_places=1,
        help_text="确认时填写；不填为满分，低于满分须写明扣分理由",
    )
    reason = forms.CharField(
        label="理由",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="退回或者扣分时必填",
    )


class ApplicabilityForm(forms.Form):
    """不适用 (or applicable again), always with the reason."""

    applicable = forms.TypedChoiceField(
        choices=[("0", "不适用"), ("1", "适用")],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label="理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="例如该单位没有该项职能（不少于 4 个字）",
    )
