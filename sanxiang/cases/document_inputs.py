"""What an officer types when generating a document (文书填写内容), and its validation.

Some documents record what happens during the act itself — the questions and answers of an
inquiry, what was said at a hearing, the things seized, how a document was served. Those are
entered in a form when the document is generated, checked here, and kept on the
``CaseDocument`` version (``fields``), so each version can be rendered again exactly.

Values are stored as JSON strings and lists only (dates as ``YYYY-MM-DD``, times as
``YYYY-MM-DDTHH:MM``, amounts as decimal strings), so their hash in the ledger is stable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sanxiang.cases.delivery import METHODS, MODES
from sanxiang.cases.statements import WAYS
from sanxiang.core.money import MoneyRefused, money_parse
from sanxiang.errors import DomainError

TEXT_MAX, LONG_TEXT_MAX = 200, 20000
# 行政强制法第二十五条: a seizure lasts at most thirty days (an extension is a separate decision).
SEIZURE_DAYS_MAX = 30

# Each mode and what its 送达回证 must record: ``delivery.MODES``.
SERVICE_METHODS = METHODS
# The documents a 送达回证 may record the service of.
SERVABLE = (
    "decision",
    "no_penalty_decision",
    "advance_notice",
    "hearing_notice",
    "correction_order",
    "seizure_decision",
)


class InputError(DomainError):
    """Inputs of a document that cannot be accepted; nothing was generated."""


@dataclass(frozen=True)
class Input:
    """One thing typed into a document's form.

    ``kind`` is one of: text, long_text, date, datetime, amount, days, choice, qa (lines starting
    问：or 答：), items (lines 名称|规格|数量|单位).
    """

    name: str
    label: str
    kind: str = "text"
    required: bool = True
    choices: tuple[str, ...] = ()
    help: str = ""


_PERIOD = (
    Input("started_at", "开始时间", "datetime"),
    Input("ended_at", "结束时间", "datetime"),
    Input("place", "地点"),
)

INPUTS: dict[str, tuple[Input, ...]] = {
    "inspection_record": (
        *_PERIOD,
        Input("present", "在场人员", help="当事人或者有关人员的姓名、身份（如：法定代表人、店长）"),
        Input("findings", "检查情况", "long_text"),
    ),
    "inquiry_record": (
        *_PERIOD,
        Input("person", "被询问人"),
        Input("person_role", "被询问人身份", help="如：当事人、法定代表人、证人"),
        Input("person_contact", "被询问人联系方式", required=False),
        Input("qa", "询问内容", "qa", help="每行一句，以“问：”或“答：”开头"),
    ),
    "correction_order": (
        Input("requirement", "改正要求", "long_text"),
        Input("deadline", "改正期限", "date"),
    ),
    "advance_notice": (
        Input("intended_fine", "拟罚款金额（元）", "amount", required=False),
        Input(
            "intended_other",
            "拟作出的其他处罚",
            required=False,
            help="如：警告、没收违法所得；与罚款至少填写一项",
        ),
        Input("contact", "联系人及联系电话"),
    ),
    "hearing_notice": (
        Input("hearing_at", "听证时间", "datetime"),
        Input("place", "听证地点"),
        Input("host", "听证主持人", help="非本案调查人员（行政处罚法第六十四条第四项）"),
        Input("recorder", "记录员", required=False),
        Input(
            "public",
            "是否公开",
            "choice",
            choices=("公开举行", "不公开举行（涉及国家秘密、商业秘密或者个人隐私）"),
        ),
    ),
    "hearing_record": (
        *_PERIOD,
        Input("host", "听证主持人"),
        Input("recorder", "记录员"),
        Input("attendees", "出席人员", help="当事人及其委托代理人、本案调查人员"),
        Input("investigator_statement", "调查人员提出的事实、证据和处罚建议", "long_text"),
        Input("party_statement", "当事人的申辩和质证意见", "long_text"),
    ),
    "statement_record": (
        Input("way", "陈述、申辩方式", "choice", choices=WAYS),
        Input("stated_at", "时间", "datetime"),
        Input("place", "地点", required=False, help="当面陈述的填写"),
        Input("person", "陈述人", help="姓名及身份（如：当事人、法定代表人、委托代理人）"),
        Input(
            "points",
            "陈述、申辩的意见",
            "long_text",
            required=False,
            help="每行一项：当事人提出的事实、理由或证据；明确放弃的可不填",
        ),
        Input(
            "material", "书面材料的证据记录编号", required=False, help="书面陈述的，先登记为证据"
        ),
    ),
    "statement_review": (
        Input(
            "replies",
            "逐项复核意见",
            "long_text",
            help="按笔录顺序每行答复一项，以“采纳：”或“不采纳：”开头并写明理由",
        ),
        Input("conclusion", "复核结论", "long_text", help="如：维持拟作出的处罚；从轻处罚……"),
    ),
    "service_proof": (
        Input(
            "served_document",
            "送达文书",
            "choice",
            choices=SERVABLE,
            help="须为本案已制作的文书",
        ),
        Input("recipient", "受送达人"),
        Input("served_at", "送达时间", "datetime"),
        Input("place", "送达地点"),
        Input("method", "送达方式", "choice", choices=SERVICE_METHODS),
        Input("signer", "签收人", required=False, help="受送达人本人签收的，可不填"),
        Input("refusal", "拒收事由", required=False, help="留置送达填写"),
        Input("witness", "见证人", required=False, help="留置送达填写：姓名、单位及身份"),
        Input("tracking", "邮件号码", required=False, help="邮寄送达填写；送达时间填回执收件日期"),
        Input("agent", "受委托送达的机关或单位", required=False, help="委托送达填写"),
        Input("consent", "电子送达确认书", required=False, help="电子送达填写：签订日期、编号"),
        Input("address", "电子送达地址", required=False, help="电子送达填写：传真号码、电子邮箱等"),
        Input("medium", "公告载体", required=False, help="公告送达填写；送达时间填公告发出之日"),
        Input("unreachable", "公告原因和经过", "long_text", required=False, help="公告送达填写"),
        Input("note", "备注", "long_text", required=False),
    ),
    "seizure_decision": (
        Input("measure", "措施", "choice", choices=("查封", "扣押")),
        Input("reason", "查封、扣押的理由", "long_text"),
        Input("starts_on", "期限起算日", "date"),
        Input("days", "期限（日）", "days", help="不超过三十日（行政强制法第二十五条）"),
        Input("items", "场所、设施或者财物", "items", help="每行一项：名称|规格|数量|单位"),
    ),
    "seizure_list": (Input("storage_place", "保管地点"),),
    # 说理: generated from what the case recorded (cases/reasoning.py), shown prefilled; left
    # empty, the service uses the generated text, so each version keeps the text it printed.
    "decision": (
        Input(
            "reasoning",
            "说理",
            "long_text",
            required=False,
            help="根据本案登记的证据、依据、裁量情节和阶次生成，可以修改；留空则使用系统生成的内容",
        ),
    ),
    "closing_approval": (
        Input("result", "处理结果及执行情况", "long_text"),
        Input("opinion", "承办人结案意见", "long_text"),
    ),
}


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _datetime(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


def _amount(value: str) -> Decimal | None:
    """A positive amount (yuan, or a quantity) with at most two decimals, else None."""
    try:
        return money_parse(value, label="金额", positive=True)
    except MoneyRefused:
        return None


def _qa(value: str, label: str, problems: list[str]) -> list[dict[str, str]]:
    lines = []
    for number, raw in enumerate(value.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        speaker, text = line[:1], line[2:].strip() if line[1:2] in ("：", ":") else ""
        if speaker not in ("问", "答") or not text:
            problems.append(f"「{label}」第 {number} 行应以“问：”或“答：”开头并写明内容")
            continue
        lines.append({"speaker": speaker, "text": text})
    if lines and (lines[0]["speaker"] != "问" or all(x["speaker"] == "问" for x in lines)):
        problems.append(f"「{label}」应以“问：”开始，并记录被询问人的回答")
    return lines


def _items(value: str, label: str, problems: list[str]) -> list[dict[str, str]]:
    items = []
    for number, raw in enumerate(value.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [part.strip() for part in raw.replace("｜", "|").split("|")]
        if len(parts) != 4 or not parts[0] or not parts[3]:
            problems.append(f"「{label}」第 {number} 行应为“名称|规格|数量|单位”")
            continue
        quantity = _amount(parts[2])
        if quantity is None:
            problems.append(f"「{label}」第 {number} 行的数量“{parts[2]}”应为大于零的数")
            continue
        items.append(
            {"name": parts[0], "spec": parts[1], "quantity": str(quantity), "unit": parts[3]}
        )
    return items


def _clean_one(field: Input, raw: str, problems: list[str]) -> Any:
    label = field.label
    if field.kind == "text":
        if len(raw) > TEXT_MAX:
            problems.append(f"「{label}」不能超过 {TEXT_MAX} 字")
        return raw
    if field.kind == "long_text":
        if len(raw) > LONG_TEXT_MAX:
            problems.append(f"「{label}」不能超过 {LONG_TEXT_MAX} 字")
        return raw
    if field.kind == "date":
        day = _date(raw)
        if day is None:
            problems.append(f"「{label}」应为日期，例如 2026-05-20")
            return raw
        return day.isoformat()
    if field.kind == "datetime":
        moment = _datetime(raw)
        if moment is None:
            problems.append(f"「{label}」应为日期和时间，例如 2026-05-20 09:30")
            return raw
        return moment.isoformat(timespec="minutes")
    if field.kind == "amount":
        amount = _amount(raw)
        if amount is None:
            problems.append(f"「{label}」应为大于零、最多两位小数的金额（元）")
            return raw
        # Whole yuan as 2000, not 2000.00: what the documents print and the inputs hash covers.
        return str(int(amount)) if amount == amount.to_integral_value() else str(amount)
    if field.kind == "days":
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= SEIZURE_DAYS_MAX:
            problems.append(f"「{label}」应为 1 至 {SEIZURE_DAYS_MAX} 之间的整数")
            return raw
        return str(int(raw))
    if field.kind == "choice":
        if raw not in field.choices:
            problems.append(f"「{label}」请从列出的选项中选择")
        return raw
    if field.kind == "qa":
        return _qa(raw, label, problems)
    if field.kind == "items":
        return _items(raw, label, problems)
    raise ValueError(f"unknown input kind {field.kind!r}")


def _cross_checks(kind: str, values: dict[str, Any], today: date, problems: list[str]) -> None:
    if "started_at" in values and "ended_at" in values:
        started, ended = _datetime(values["started_at"]), _datetime(values["ended_at"])
        if started and ended and ended < started:
            problems.append("「结束时间」不能早于「开始时间」")
        if started and started.date() > today:
            problems.append("「开始时间」不能晚于今天，笔录记录已经发生的情况")
    if kind == "correction_order":
        deadline = _date(values.get("deadline", ""))
        if deadline and deadline < today:
            problems.append("「改正期限」不能早于今天")
    if (
        kind == "advance_notice"
        and not values.get("intended_fine")
        and not values.get("intended_other")
    ):
        problems.append(
            "请填写拟作出的行政处罚：拟罚款金额或其他处罚，至少一项（行政处罚法第四十四条）"
        )
    if kind == "statement_record":
        stated = _datetime(values.get("stated_at", ""))
        if stated and stated.date() > today:
            problems.append("「时间」不能晚于今天，笔录记录已经发生的陈述、申辩")
    if kind == "service_proof":
        served = _datetime(values.get("served_at", ""))
        if served and served.date() > today:
            problems.append("「送达时间」不能晚于今天")
        mode = MODES.get(values.get("method", ""))
        if mode is not None:
            problems.extend(mode.missing(values))
    if kind == "seizure_decision" and "items" in values and not values["items"]:
        problems.append("请列明查封、扣押的场所、设施或者财物（行政强制法第二十四条）")


def inputs_clean(kind: str, raw: Mapping[str, str], *, today: date) -> dict[str, Any]:
    """The validated inputs of ``kind``, or InputError listing every problem in Chinese.

    Checks that need the case (the served document exists, the host did not investigate, the
    hearing date leaves seven working days' notice) are made by ``documents.inputs_refusal``.
    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    for field in INPUTS.get(kind, ()):
        value = str(raw.get(field.name, "") or "").strip()
        if "\x00" in value:  # PostgreSQL stores no NUL in text or JSON: refuse it, never a 500
            problems.append(f"「{field.label}」含有不可见的控制字符（NUL），请删除")
            values[field.name] = ""
            continue
        if not value:
            if field.required:
                problems.append(f"请填写「{field.label}」")
            values[field.name] = ""
            continue
        values[field.name] = _clean_one(field, value, problems)
    if not problems:
        _cross_checks(kind, values, today, problems)
    if problems:
        raise InputError(
            "；".join(problems) + "。", log_message=f"document {kind}: {len(problems)} bad inputs"
        )
    return values
