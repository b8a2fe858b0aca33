"""The forms of 执法监督意见 (drawn by the shared renderer, core/forms.py)."""

from __future__ import annotations

from django import forms

from sanxiang.core.forms import MultipleFileField
from sanxiang.evidence.attachments import ACCEPT, ANSWER_TYPES, MAX_FILES, max_bytes
from sanxiang.supervision.opinions.models import LegalPoint, OpinionBasis, OpinionKind
from sanxiang.supervision.opinions.services import MAX_PERIOD, MAX_TEXT


class OpinionForm(forms.Form):
    case_number = forms.CharField(
        label="案件编号",
        max_length=64,
        help_text="监督范围内案件的编号；尚未编号的案件填写其在平台上的序号（案件页面地址中的数字）",
    )
    kind = forms.ChoiceField(
        label="文书种类", choices=OpinionKind.choices, initial=OpinionKind.OPINION
    )
    problems = forms.CharField(
        label="发现的问题",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT,
        help_text="逐项写明发现的问题及其事实",
    )
    legal_point = forms.ChoiceField(
        label="问题所涉环节",
        choices=[("", "不指明"), *LegalPoint.choices],
        required=False,
    )
    requirement = forms.CharField(
        label="监督意见或纠正要求",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        help_text="监督意见书写明改进意见；责令纠正通知书写明须纠正的事项",
    )
    bases = forms.ModelMultipleChoiceField(
        label="依据",
        queryset=OpinionBasis.objects.filter(enabled=True),
        widget=forms.CheckboxSelectMultiple,
        help_text="依据清单由管理后台“执法监督意见依据”维护；须适用于所选文书种类",
    )
    period_workdays = forms.IntegerField(
        label="答复期限（工作日）",
        min_value=1,
        max_value=MAX_PERIOD,
        help_text="自出具之日的次日起算，法定节假日不计入",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["bases"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101
        field.label_from_instance = _basis_label  # type: ignore[method-assign,assignment]


def _basis_label(basis: OpinionBasis) -> str:
    period = f"，答复期限 {basis.answer_workdays} 个工作日" if basis.answer_workdays else ""
    return f"{basis.citation}（适用于{basis.get_kind_display()}{period}）"


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="答复内容",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_TEXT,
        help_text="写明已纠正或者落实的情况；尚未完成的，写明原因和计划",
    )
    evidence_references = forms.CharField(
        label="附件（证据记录编号）",
        max_length=400,
        required=False,
        help_text="可填写本案已存证记录的编号，多个用逗号分隔（可不填）",
    )
    attachments = MultipleFileField(
        label="整改材料",
        required=False,
        accept=ACCEPT,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["attachments"].help_text = attachments_help()


def attachments_help() -> str:
    """What may be sent with an answer, from the limits the service enforces."""
    megabytes = max(1, max_bytes() // (1024 * 1024))
    return (
        f"例如纠正后的决定书、整改报告（{'、'.join(ANSWER_TYPES.values())}），"
        f"最多 {MAX_FILES} 个，每个不超过 {megabytes} MB；可不传。"
        "文件存入证据库，监督机构和本单位人员查看时留有调阅记录"
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label="审查意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_TEXT,
        required=False,
        help_text="退回时必须写明理由；通过时可不填",
    )
