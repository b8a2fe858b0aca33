from django import forms
from django.db.models import QuerySet

from sanxiang.core.identifiers import case_number_normalise
from sanxiang.evidence.casefiles import CaseChoice, case_files
from sanxiang.evidence.models import EvidenceKind, TargetKind
from sanxiang.org.models import Officer


class CaseNumberInput(forms.TextInput):
    """A text box with the cases one may choose from as its suggestions (a <datalist>), so the
    officer can type part of the number or the 案由 and pick; the form still checks the choice."""

    template_name = "evidence/widgets/case_number.html"

    def __init__(self) -> None:
        super().__init__(attrs={"list": "case-choices", "autocomplete": "off"})
        self.choices: list[CaseChoice] = []

    def get_context(self, name: str, value: object, attrs: dict[str, object] | None) -> dict:  # type: ignore[type-arg]
        context = super().get_context(name, value, attrs)
        context["case_choices"] = self.choices
        return context


class EvidenceUploadForm(forms.Form):
    case_number = forms.CharField(
        label="案件编号",
        max_length=64,
        widget=CaseNumberInput(),
        help_text="从您承办的案件中选择：输入案件编号或案由的一部分即可查找；"
        "编号中的括号可输入 [ ]、( ) 或全角括号",
    )
    kind = forms.ChoiceField(label="记录形式", choices=EvidenceKind.choices)
    collected_at = forms.DateTimeField(
        label="采集时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    location = forms.CharField(label="采集地点", max_length=200)
    collector = forms.ModelChoiceField(label="采集人", queryset=Officer.objects.none())
    proves = forms.CharField(label="证明对象", max_length=300, help_text="该记录用于证明的事实")
    device = forms.CharField(
        label="采集设备", max_length=100, help_text="例如：执法记录仪编号、手机型号"
    )
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    target_kind = forms.ChoiceField(
        label="执法对象类型", choices=[("", "（不填）"), *TargetKind.choices], required=False
    )
    target_name = forms.CharField(label="执法对象名称或姓名", max_length=200, required=False)
    target_identifier = forms.CharField(
        label="统一社会信用代码或身份证号码", max_length=32, required=False
    )
    declared_sha256 = forms.CharField(
        label="文件 SHA-256（可选）",
        max_length=64,
        required=False,
        help_text="设备或导出工具给出的哈希值；填写后将核对上传内容是否一致",
    )
    file = forms.FileField(
        label="文件",
        widget=forms.FileInput(
            attrs={"accept": "image/*,audio/*,video/*,.txt,.pdf,.docx", "capture": "environment"}
        ),
    )

    def clean_case_number(self) -> str:
        number = case_number_normalise(self.cleaned_data["case_number"])
        if number not in {c.reference for c in self.case_choices}:
            raise forms.ValidationError(
                "不能为案件“%(number)s”登记证据：没有这个案件，或者您不是本案承办人，"
                "或者案件已归档。请从列出的案件中选择。",
                params={"number": number},
                code="case_not_allowed",
            )
        return number

    def __init__(
        self, *args: object, officers: QuerySet[Officer], officer: Officer, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["collector"].queryset = officers  # type: ignore[attr-defined]
        self.case_choices = case_files().choices(officer)
        self.fields["case_number"].widget.choices = self.case_choices


class ResumableStartForm(EvidenceUploadForm):
    """The upload form without its file: the metadata of a file sent in chunks (resumable)."""

    file = None  # type: ignore[assignment]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="调阅理由", max_length=300)


class CorrectionForm(forms.Form):
    location = forms.CharField(label="采集地点", max_length=200)
    proves = forms.CharField(label="证明对象", max_length=300)
    device = forms.CharField(label="采集设备", max_length=100)
    reason = forms.CharField(label="更正原因", max_length=300)


class HandOverForm(forms.Form):
    to_officer = forms.ModelChoiceField(label="接收人", queryset=Officer.objects.none())
    reason = forms.CharField(label="移交原因", max_length=300)

    def clean_case_number(self) -> str:
        return case_number_normalise(self.cleaned_data["case_number"])

    def __init__(self, *args: object, officers: QuerySet[Officer], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["to_officer"].queryset = officers  # type: ignore[attr-defined]
