"""The forms of 案卷评查 (drawn by the shared renderer, core/forms.py)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms

from sanxiang.core.forms import MultipleFileField
from sanxiang.evaluation.models import BeaconForm, StandardItem
from sanxiang.evidence.attachments import ACCEPT, ANSWER_TYPES, MAX_FILES, max_bytes
from sanxiang.org.models import Agency, Officer, Role


def _officer_label(officer: Officer) -> str:
    return f"{officer.name}（{officer.unit.agency.name}）"


class CampaignForm(forms.Form):
    name = forms.CharField(label="评查活动名称", max_length=100)
    closed_from = forms.DateField(
        label="结案日期自", widget=forms.DateInput(attrs={"type": "date"})
    )
    closed_to = forms.DateField(label="结案日期至", widget=forms.DateInput(attrs={"type": "date"}))
    per_stratum = forms.IntegerField(
        label="每层抽取案卷数",
        min_value=1,
        max_value=50,
        initial=3,
        help_text="按执法主体和程序分层，每层随机抽取的案卷数；不足的全部抽取",
    )
    agencies = forms.ModelMultipleChoiceField(
        label="被评查执法主体",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    evaluators = forms.ModelMultipleChoiceField(
        label="评查人员",
        queryset=Officer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="不得来自被评查的执法主体；评查时以“案卷评查”为事由只读调阅案卷",
    )

    def __init__(self, *args: Any, agency_ids: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = self.fields["agencies"]
        evaluators = self.fields["evaluators"]
        assert isinstance(agencies, forms.ModelMultipleChoiceField)  # noqa: S101
        assert isinstance(evaluators, forms.ModelMultipleChoiceField)  # noqa: S101
        agencies.queryset = Agency.objects.filter(pk__in=list(agency_ids)).order_by("name")
        evaluators.queryset = (
            Officer.objects.filter(is_active=True, roles__role=Role.SUPERVISOR)
            .select_related("unit__agency")
            .order_by("unit__agency__name", "name")
            .distinct()
        )
        evaluators.label_from_instance = _officer_label  # type: ignore[method-assign,assignment]


class FreezeForm(forms.Form):
    beacon_form = forms.ModelChoiceField(
        label="随机源形式",
        queryset=BeaconForm.objects.filter(enabled=True),
        empty_label="请选择",
        help_text="可选的形式由管理后台“案卷评查随机源形式”维护；抽取时取值须符合所选形式",
    )
    beacon_source = forms.CharField(
        label="随机源",
        max_length=300,
        help_text="具体哪一期，例如“福利彩票双色球第2026141期开奖号码”",
    )
    beacon_known_at = forms.DateTimeField(
        label="公布时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="该期号码的公布时间（北京时间），须晚于现在；此前不能录入取值",
    )


class DrawForm(forms.Form):
    beacon = forms.CharField(
        label="随机源取值", max_length=300, help_text="照抄公布的号码，格式见上方声明的示例"
    )


class ScoreForm(forms.Form):
    """One deduction and one finding per item of the campaign's standard."""

    summary = forms.CharField(
        label="总体评查意见",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, items: list[StandardItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"d{item.pk}"] = forms.DecimalField(
                label=f"{item.number} 扣分",
                min_value=Decimal(0),
                max_value=item.points,
                decimal_places=1,
                initial=Decimal(0),
                help_text=f"满分 {item.points} 分。{item.deduction}",
            )
            self.fields[f"f{item.pk}"] = forms.CharField(
                label=f"{item.number} 评查意见",
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="扣分的须写明问题所在",
            )

    def rows(self) -> list[tuple[StandardItem, forms.BoundField, forms.BoundField]]:
        return [(item, self[f"d{item.pk}"], self[f"f{item.pk}"]) for item in self.items]

    def marks(self) -> dict[int, tuple[Decimal, str]]:
        data = self.cleaned_data
        return {item.pk: (data[f"d{item.pk}"], data[f"f{item.pk}"]) for item in self.items}


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="整改情况",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="针对评查意见采取的整改措施和结果",
    )
    attachments = MultipleFileField(label="整改材料", required=False, accept=ACCEPT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        megabytes = max(1, max_bytes() // (1024 * 1024))
        self.fields["attachments"].help_text = (
            f"例如整改报告、补正后的文书（{'、'.join(ANSWER_TYPES.values())}），"
            f"最多 {MAX_FILES} 个，每个不超过 {megabytes} MB；可不传。监督机构查看时留有调阅记录"
        )
