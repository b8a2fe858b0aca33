from django import forms
from django.conf import settings


class OfficerImportForm(forms.Form):
    file = forms.FileField(
        label="名册文件",
        help_text=(
            "Excel（.xlsx）或 CSV 文件，第 1 行为表头：姓名、性别、执法主体、内设机构、职务、"
            "执法证号、"
            "执法类别、执法区域、有效期起、有效期止、法律职业资格、角色。"
            f"不超过 {settings.SANXIANG_IMPORT_MAX_BYTES // 1024 // 1024} MB。"
        ),
    )
