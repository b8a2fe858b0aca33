from collections.abc import Iterator, Mapping
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any, cast

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from sanxiang.cases.delivery import MODES
from sanxiang.cases.document_inputs import INPUTS, Input
from sanxiang.cases.documents import KINDS
from sanxiang.cases.models import AccessReason, PartyKind, Procedure
from sanxiang.cases.page_forms import PAGE_RENDERER
from sanxiang.core.money import MoneyFormField
from sanxiang.core.params import is_id
from sanxiang.org.models import Article, EnforcementCategory


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
    violation_place = forms.CharField(
        label="违法行为地点",
        max_length=200,
        required=False,
        help_text="如：示范市思源区人民路 100 号门前；文书按此填写",
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
    fine_yuan = MoneyFormField(label="罚款金额（元，当场处罚填写）", required=False)
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


class _ArticlesField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Refuses a value that is no database id before it reaches an IN query (a 30-digit
    number there overflows SQLite's and PostgreSQL's integers instead of matching nothing)."""

    def clean(self, value: Any) -> Any:
        if value and any(not is_id(str(v)) for v in value):
            raise forms.ValidationError("请从法律法规库中选择条款。", code="invalid_pk_value")
        return super().clean(value)


class _ArticlesSelect(forms.SelectMultiple):
    """Django's select, the same HTML, with the options written in Python rather than through
    one template include each: with hundreds of articles that was most of the case page's time.
    Choices are (law, [(article id, label), …]) groups, as ``BasisForm`` sets them."""

    template_name = "cases/widgets/articles_select.html"

    def optgroups(self, name: str, value: Any, attrs: Any = None) -> list[Any]:
        return []  # the options are written by get_context

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = set(context["widget"]["value"])
        choices = self.choices
        key = (
            choices.key
            if isinstance(choices, _GroupedArticles)
            else tuple((group, tuple(options)) for group, options in choices)
        )
        parts = [
            piece if pk is None else selected if pk in chosen else piece
            for pk, piece, selected in _option_pieces(key)
        ]
        context["widget"]["options"] = mark_safe("".join(parts))  # noqa: S308 - escaped below
        return context


@lru_cache(maxsize=8)
def _option_pieces(
    choices: tuple[tuple[str, tuple[tuple[Any, str], ...]], ...],
) -> list[tuple[str | None, str, str]]:
    """The escaped HTML of every group and option, each option also as selected: written once
    per list of articles (the same on every case page until an article is edited), so a page
    only picks the selected ones."""
    pieces: list[tuple[str | None, str, str]] = []
    for group, options in choices:
        opening = format_html('\n  <optgroup label="{}">', group)
        pieces.append((None, opening, opening))
        for pk, label in options:
            plain = format_html('\n  <option value="{}"{}>{}</option>\n', pk, "", label)
            selected = format_html('\n  <option value="{}"{}>{}</option>\n', pk, " selected", label)
            pieces.append((str(pk), plain, selected))
        pieces.append((None, "\n  </optgroup>", "\n  </optgroup>"))
    return pieces


class _GroupedArticles(BaseChoiceIterator):
    """The articles grouped by law, as the fields' choices: already in Django's normal form
    (so assigning them does not walk a thousand options again), and with ``key``, the
    hashable form ``_option_pieces`` is cached by."""

    def __init__(self, groups: list[tuple[str, list[tuple[int, str]]]]) -> None:
        self.groups = groups
        self.key = tuple((group, tuple(options)) for group, options in groups)

    def __iter__(self) -> Iterator[tuple[str, list[tuple[int, str]]]]:
        return iter(self.groups)


@lru_cache(maxsize=8)
def _article_choices(rows: tuple[tuple[int, str, str], ...]) -> _GroupedArticles:
    """(law, [(article id, label), …]) groups of the rows (id, law, label): made once per list
    of articles, which is the same on every case page until an article is edited."""
    return _GroupedArticles(
        [
            (f"《{law}》", [(pk, f"《{law}》{label}") for pk, _, label in group])
            for law, group in groupby(rows, itemgetter(1))
        ]
    )


class BasisForm(forms.Form):
    """违法依据和处罚依据: articles of laws in force in the 法律法规库."""

    default_renderer = PAGE_RENDERER

    violated = _ArticlesField(
        label="违法依据（违反的条款）",
        queryset=Article.objects.none(),
        required=False,
        widget=_ArticlesSelect(attrs={"size": 8}),
    )
    penalty = _ArticlesField(
        label="处罚依据（查封、扣押案件为实施依据）",
        queryset=Article.objects.none(),
        required=False,
        widget=_ArticlesSelect(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        articles = Article.objects.filter(law__is_in_force=True).select_related("law")
        # The choices from plain rows (id, law, label): a thousand articles as model instances
        # cost more than the rest of the case page; the queryset stays for validation.
        rows = articles.order_by("law__title", "number").values_list("pk", "law__title", "label")
        choices = _article_choices(tuple(rows))
        for name in ("violated", "penalty"):
            field = cast("forms.ModelMultipleChoiceField[Article]", self.fields[name])
            field.queryset = articles
            field.choices = choices


def _as_text(field: Input, value: object) -> str:
    """A stored input back into what the form shows (to correct and regenerate a version)."""
    if field.kind == "qa" and isinstance(value, list):
        return "\n".join(f"{line['speaker']}：{line['text']}" for line in value)
    if field.kind == "items" and isinstance(value, list):
        return "\n".join(f"{i['name']}|{i['spec']}|{i['quantity']}|{i['unit']}" for i in value)
    return str(value or "")


# Inputs of a 送达回证 that only some modes record -> those modes (``delivery.MODES``).
METHOD_FIELDS: dict[str, list[str]] = {}
for _mode in MODES.values():
    for _name, _ in _mode.requires:
        METHOD_FIELDS.setdefault(_name, []).append(_mode.label)


def document_inputs_form(
    kind: str, *, data: Mapping[str, Any] | None = None, initial: dict[str, Any] | None = None
) -> forms.Form:
    """The form of a document's inputs (``document_inputs.INPUTS``); the service validates."""
    form = forms.Form(data=data, prefix=kind)
    for field in INPUTS.get(kind, ()):
        widget: forms.Widget
        if field.kind in ("long_text", "qa", "items"):
            rows = 6 if field.kind == "long_text" else 10
            # The decision's 说理 is several paragraphs: room to read and edit them.
            widget = forms.Textarea(attrs={"rows": 14 if field.name == "reasoning" else rows})
        elif field.kind == "date":
            widget = forms.DateInput(attrs={"type": "date"})
        elif field.kind == "datetime":
            widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
        elif field.kind == "choice":
            labels = {code: KINDS[code].label for code in field.choices if code in KINDS}
            widget = forms.Select(choices=[(c, labels.get(c, c)) for c in field.choices])
        else:
            widget = forms.TextInput()
        if kind == "service_proof" and field.name == "method":
            widget.attrs["data-method"] = ""
        if kind == "service_proof" and field.name in METHOD_FIELDS:
            # Shown only for the modes that record it (office/forms.js; all show without it).
            widget.attrs["data-for-method"] = " ".join(METHOD_FIELDS[field.name])
        form.fields[field.name] = forms.CharField(
            label=field.label, required=field.required, widget=widget, help_text=field.help
        )
        if initial and field.name in initial:
            form.fields[field.name].initial = _as_text(field, initial[field.name])
    return form


class AccessReasonForm(forms.Form):
    """调阅事由: asked of a supervising body's 监督人员 before a case page opens."""

    reason = forms.ChoiceField(
        label="调阅事由",
        choices=[("", "请选择"), *AccessReason.choices],
        help_text="每次调阅均记入案件调阅记录；监督人员调阅为只读。",
    )


class DrawnForm:
    """An unbound document form already drawn to HTML: what the case page's template asks of a
    form (``{{ form }}``, ``form.is_bound``, ``form.non_field_errors``), nothing more."""

    is_bound = False

    def __init__(self, html: str) -> None:
        self.html = html

    def non_field_errors(self) -> tuple[str, ...]:
        return ()

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def drawn_inputs_form(kind: str, *, initial: dict[str, Any] | None = None) -> DrawnForm:
    """``document_inputs_form(kind, initial=initial)`` as the case page draws it, unbound.

    The HTML depends only on the declared inputs of ``kind`` (constant) and the initial texts,
    so it is drawn once per process for each distinct pair and reused: the case page offers
    several of these forms and drawing them field by field was most of its time. Nothing in
    it depends on who asks (no token, no permission: the ``{% csrf_token %}`` is outside)."""
    texts = tuple(
        (field.name, _as_text(field, initial[field.name]))
        for field in INPUTS.get(kind, ())
        if initial and field.name in initial
    )
    return DrawnForm(_drawn(kind, texts))


@lru_cache(maxsize=512)
def _drawn(kind: str, texts: tuple[tuple[str, str], ...]) -> SafeString:
    return mark_safe(str(document_inputs_form(kind, initial=dict(texts))))  # noqa: S308 - drawn by Django
