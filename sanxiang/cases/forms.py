from django import forms

from sanxiang.cases.models import PartyKind, Procedure
from sanxiang.org.models import EnforcementCategory


class CaseOpenForm(forms.Form):
    """案源登记 (or 当场处罚 on the spot) with its first party."""

    procedure = forms.ChoiceField(label="程序", choices=Procedure.choices)
    title = forms.CharField(label="案由", max_length=200)
    source = forms.CharField(label="案件来源", max_length=100, initial="巡查发现")
    category = forms.ModelChoiceField(label="执法类别", queryset=EnforcementCategory.objects.all())
    violation_on = forms.DateField(
        label="违法行为发生日", widget=forms.DateInput(attrs={"type": "date"})
    )
    violation_ended_on = forms.DateField(
        label="违法行为终了日（连续或继续状态的违法行为填写）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    endangers_life_health_or_finance = forms.BooleanField(
        label="涉及公民生命健康安全或金融安全", required=False
    )
    caused_harm = forms.BooleanField(label="有危害后果", required=False)
    clue_received_on = forms.DateField(
        label="收到线索日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    facts = forms.CharField(
        label="违法事实", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    fine_yuan = forms.DecimalField(
        label="罚款金额（元，当场处罚填写）", required=False, max_digits=14, decimal_places=2
    )
    warning_only = forms.BooleanField(label="仅警告", required=False)
    hearing_right = forms.BooleanField(
        label="拟作出的处罚属于听证范围（行政处罚法第六十三条）", required=False
    )
    complex_or_major = forms.BooleanField(
        label="情节复杂或者重大违法行为（须集体讨论）", required=False
    )
    party_kind = forms.ChoiceField(label="当事人类型", choices=PartyKind.choices)
    party_name = forms.CharField(label="当事人姓名或名称", max_length=200)
    party_identifier = forms.CharField(label="身份证号码或统一社会信用代码", max_length=32)
    party_address = forms.CharField(label="住所或地址", max_length=200)
