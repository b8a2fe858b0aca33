"""The 行政许可 record form, drawn by the shared renderer (core/forms.py); the service checks
everything again (``permit_clean``) and its messages are put on the fields."""

from __future__ import annotations

from django import forms

from sanxiang.acts.models import PartyType, PermitCategory, PermitDecision
from sanxiang.acts.services import PERMIT_FIELDS

DATE = {"type": "date"}
HELP = {
    "original": "变更、延续、撤销、注销许可时填写；撤销、注销必填。",
    "party_credit_code": "法人及非法人组织必填；自然人不填。",
    "party_ref": "自然人填写数据来源单位给出的假名化标识；不得填写身份证号码。",
    "valid_until": "长期有效的留空。",
}


class PermitForm(forms.Form):
    decision = forms.ChoiceField(label="决定类型", choices=PermitDecision.choices)
    original = forms.CharField(label="原许可决定文书号", max_length=64, required=False)
    party_name = forms.CharField(label="行政相对人名称", max_length=200)
    party_type = forms.ChoiceField(label="行政相对人类别", choices=PartyType.choices)
    party_credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    party_ref = forms.CharField(label="自然人假名化标识", max_length=64, required=False)
    legal_representative = forms.CharField(label="法定代表人", max_length=100, required=False)
    decision_number = forms.CharField(label="许可决定文书号", max_length=64)
    decision_title = forms.CharField(label="许可决定文书名称", max_length=200)
    category = forms.ChoiceField(label="许可类别", choices=PermitCategory.choices)
    licence_name = forms.CharField(label="许可证书名称", max_length=200, required=False)
    licence_number = forms.CharField(label="许可证书编号", max_length=64, required=False)
    content = forms.CharField(
        label="许可内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    decided_on = forms.DateField(label="许可决定日期", widget=forms.DateInput(attrs=DATE))
    valid_from = forms.DateField(label="有效期自", widget=forms.DateInput(attrs=DATE))
    valid_until = forms.DateField(
        label="有效期至", required=False, widget=forms.DateInput(attrs=DATE)
    )
    authority_name = forms.CharField(label="许可机关", max_length=200)
    authority_credit_code = forms.CharField(label="许可机关统一社会信用代码", max_length=18)
    source_unit = forms.CharField(label="数据来源单位", max_length=200)
    remarks = forms.CharField(label="备注", max_length=500, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, text in HELP.items():
            self.fields[name].help_text = text
        missing = set(PERMIT_FIELDS) - set(self.fields)
        if missing:  # pragma: no cover - the form and the service name the same fields
            raise RuntimeError(f"PermitForm lacks {missing}")

    def service_fields(self) -> dict[str, str]:
        """The cleaned values as the service takes them (text, dates as ISO)."""
        values = self.cleaned_data
        return {
            key: values[key].isoformat() if hasattr(values[key], "isoformat") else values[key]
            for key in PERMIT_FIELDS
            if values.get(key) not in (None, "")
        }
