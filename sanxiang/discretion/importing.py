"""Read a 裁量基准 file (.xlsx or .csv, format in docs/operations/discretion.md) into checked rows.

Reading and checking write nothing; ``services.benchmark_import`` stores a file only when no
row has a problem, so the user sees every problem at once and a bad file leaves no trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from sanxiang.discretion.models import CircumstanceKind, MultipleBase, TierKind
from sanxiang.org.importing import RawRow, RowError, parse_date, read_table
from sanxiang.org.laws import chinese_number
from sanxiang.org.models import Agency, Article, EnforcementItem

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000

COLUMNS = (
    "类型",
    "编号",
    "名称",
    "关键词",
    "执法事项编码",
    "违法依据",
    "处罚依据",
    "法定处罚",
    "倍数基数",
    "罚款下限",
    "罚款上限",
    "倍数下限",
    "倍数上限",
    "其他处罚",
    "条件",
    "依据",
    "制定机关",
    "文号",
    "来源",
    "施行日期",
    "从重从轻并存",
)
REQUIRED = ("类型", "编号", "名称", "条件")

BENCHMARK = "基准"
VIOLATION = "违法行为"
TIER = "阶次"
CIRCUMSTANCES = {
    "首违不罚": CircumstanceKind.FIRST_OFFENCE,
    "轻微不罚": CircumstanceKind.MINOR,
    "从轻减轻": CircumstanceKind.MITIGATING,
    "从轻": CircumstanceKind.MITIGATING,
    "减轻": CircumstanceKind.MITIGATING,
    "从重": CircumstanceKind.AGGRAVATING,
}
KINDS = (BENCHMARK, VIOLATION, TIER, *CIRCUMSTANCES)
BASES = {
    "违法所得": MultipleBase.ILLEGAL_GAINS,
    "货值": MultipleBase.GOODS_VALUE,
    "货值金额": MultipleBase.GOODS_VALUE,
}

# 从重从轻并存 (on the 基准 row): the tier kind when 从重 and 从轻减轻 (or 不罚) 情节 are both
# recorded; empty means 一般 (discretion.applicable).
BOTH = "从重从轻并存"
BOTH_KINDS = {
    "从轻": TierKind.LIGHTER,
    "从轻处罚": TierKind.LIGHTER,
    "一般": TierKind.ORDINARY,
    "一般处罚": TierKind.ORDINARY,
    "从重": TierKind.HEAVIER,
    "从重处罚": TierKind.HEAVIER,
}

_NUMERAL = "零一二两三四五六七八九十百千"
_CITATION = re.compile(r"《([^》]{1,100})》([^《]*)")
_ARTICLE_NO = re.compile(rf"第([{_NUMERAL}]+|[0-9]+)条")


def tier_kind(name: str) -> TierKind:
    """What a tier is in law, read from its name (the agency may name tiers its own way)."""
    if "不予处罚" in name or "不罚" in name:
        return TierKind.NO_PENALTY
    if "减轻" in name:
        return TierKind.MITIGATED
    if "从轻" in name:
        return TierKind.LIGHTER
    if "从重" in name:
        return TierKind.HEAVIER
    if "一般" in name:
        return TierKind.ORDINARY
    return TierKind.OTHER


@dataclass
class Range:
    low: Decimal | None = None
    high: Decimal | None = None

    @property
    def given(self) -> bool:
        return self.low is not None or self.high is not None


@dataclass
class CheckedTier:
    row: int
    name: str
    kind: TierKind
    conditions: str
    fine: Range
    multiple: Range
    other_penalties: str


@dataclass
class CheckedViolation:
    row: int
    code: str
    name: str
    keywords: str
    item: EnforcementItem | None
    violated_basis: str
    penalty_basis: str
    violated_articles: list[Article]
    penalty_articles: list[Article]
    statutory_text: str
    base: str
    fine: Range
    multiple: Range
    other_penalties: str
    tiers: list[CheckedTier] = field(default_factory=list)


@dataclass
class CheckedCircumstance:
    row: int
    kind: CircumstanceKind
    code: str
    text: str
    basis: str
    articles: list[Article]


@dataclass
class CheckedBenchmark:
    title: str = ""
    issuer: str = ""
    document_number: str = ""
    source: str = ""
    valid_from: date | None = None
    both_tier_kind: str = TierKind.ORDINARY
    violations: list[CheckedViolation] = field(default_factory=list)
    circumstances: list[CheckedCircumstance] = field(default_factory=list)


class _Articles:
    """Resolves citations such as 《城市市容和环境卫生管理条例》第三十六条第（一）项 to articles."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], Article | None] = {}

    def _find(self, title: str, number: int) -> Article | None:
        key = (title, number)
        if key not in self._cache:
            titles = (
                [title] if title.startswith("中华人民共和国") else [title, f"中华人民共和国{title}"]
            )
            self._cache[key] = (
                Article.objects.select_related("law")
                .filter(law__title__in=titles, number=number)
                .first()
            )
        return self._cache[key]

    def resolve(self, text: str) -> tuple[list[Article], list[str]]:
        articles: list[Article] = []
        problems: list[str] = []
        if _ARTICLE_NO.search(text.split("《", 1)[0]):
            problems.append(
                "条文前请写明法律法规名称，例如《城市市容和环境卫生管理条例》第三十六条。"
            )
        for title, rest in _CITATION.findall(text):
            numbers = _ARTICLE_NO.findall(rest)
            if not numbers:
                problems.append(f"《{title}》后请写明条号，例如“第三十六条”。")
            for raw in numbers:
                number = int(raw) if raw.isdigit() else chinese_number(raw)
                found = self._find(title.strip(), number)
                if found is None:
                    problems.append(f"法律法规库中没有《{title}》第{raw}条。")
                elif found not in articles:
                    articles.append(found)
        if text and not articles and not problems:
            problems.append("未能识别条文，请按《法律法规名称》第X条的格式填写。")
        return articles, problems


def _amount(row: RawRow, column: str, problems: list[tuple[str, str]]) -> Decimal | None:
    text = row.text(column).replace(",", "").replace("，", "").removesuffix("元").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
        problems.append((column, f"{column}应为不小于 0 的数字。"))
        return None
    return value.quantize(Decimal("0.01"))


def _range(
    row: RawRow, low_col: str, high_col: str, label: str, problems: list[tuple[str, str]]
) -> Range:
    found = Range(_amount(row, low_col, problems), _amount(row, high_col, problems))
    if found.low is not None and found.high is not None and found.low > found.high:
        problems.append((low_col, f"{label}下限（{found.low}）高于上限（{found.high}）。"))
    return found


def _limit(row: RawRow, column: str, limit: int, problems: list[tuple[str, str]]) -> str:
    value = row.text(column)
    if len(value) > limit:
        problems.append((column, f"{column}不能超过 {limit} 字。"))
    if "\x00" in value:
        problems.append((column, f"{column}含有无法保存的字符。"))
    return value


def _outside(
    tier: Range, law: Range, label: str, unit: str, *, may_go_below: bool
) -> list[tuple[str, str]]:
    """Where a tier leaves the statutory range: above its maximum, or below its minimum (which
    only a 减轻处罚 tier may be, 行政处罚法第三十二条)."""
    problems: list[tuple[str, str]] = []
    highest = max((v for v in (tier.low, tier.high) if v is not None), default=None)
    if law.high is not None and highest is not None and highest > law.high:
        problems.append(
            (
                f"{label}上限",
                f"{label}幅度超出法定幅度（{_text(law)}）：{_number(highest)}{unit}高于法定上限。",
            )
        )
    if not may_go_below and law.low is not None and tier.low is not None and tier.low < law.low:
        problems.append(
            (
                f"{label}下限",
                f"{label}幅度超出法定幅度（{_text(law)}）：{_number(tier.low)}{unit}低于法定下限，"
                "只有减轻处罚的阶次可以低于法定下限。",
            )
        )
    return problems


def read_benchmark(
    *, agency: Agency, filename: str, content: bytes
) -> tuple[CheckedBenchmark, list[RowError]]:
    """The file's version, checked: every problem of every row (nothing is written here)."""
    rows = read_table(
        filename,
        content,
        max_bytes=MAX_IMPORT_BYTES,
        columns=COLUMNS,
        required=REQUIRED,
        max_rows=MAX_IMPORT_ROWS,
    )
    items = {item.code: item for item in EnforcementItem.objects.filter(agency=agency)}
    articles = _Articles()
    result = CheckedBenchmark()
    errors: list[RowError] = []
    by_code: dict[str, CheckedViolation] = {}
    tier_rows: list[tuple[RawRow, list[tuple[str, str]]]] = []
    circumstance_rows: list[tuple[RawRow, list[tuple[str, str]]]] = []
    header_row: int | None = None

    for row in rows:
        problems: list[tuple[str, str]] = []
        kind = row.text("类型")
        if kind not in KINDS:
            problems.append(("类型", f"类型应为{'、'.join(f'“{k}”' for k in KINDS)}之一。"))
        elif kind == BENCHMARK:
            if header_row is not None:
                problems.append(("类型", f"一个文件只能有一行“基准”，第 {header_row} 行已有。"))
            header_row = header_row or row.row
            result.title = _limit(row, "名称", 200, problems)
            result.issuer = _limit(row, "制定机关", 200, problems)
            result.document_number = _limit(row, "文号", 100, problems)
            result.source = _limit(row, "来源", 500, problems)
            problems.extend(
                (column, f"请填写{column}。")
                for column, value in (("名称", result.title), ("制定机关", result.issuer))
                if not value
            )
            result.valid_from = parse_date(row.cells.get("施行日期"))
            if result.valid_from is None:
                problems.append(("施行日期", "请填写施行日期，例如 2026-01-01。"))
            both = row.text(BOTH)
            if both and both not in BOTH_KINDS:
                problems.append(
                    (BOTH, f"{BOTH}应为“一般”“从轻”或“从重”（留空即为一般），现为“{both[:20]}”。")
                )
            result.both_tier_kind = BOTH_KINDS.get(both, TierKind.ORDINARY)
        elif kind == VIOLATION:
            problems.extend(_violation(row, items, articles, by_code, result))
        elif kind == TIER:
            tier_rows.append((row, problems))
        else:
            circumstance_rows.append((row, problems))
        if kind not in (TIER, *CIRCUMSTANCES):
            errors.extend(RowError(row=row.row, column=c, message=m) for c, m in problems)

    for row, problems in tier_rows:
        _tier(row, by_code, problems)
        errors.extend(RowError(row=row.row, column=c, message=m) for c, m in problems)
    for row, problems in circumstance_rows:
        code = row.text("编号")
        if code and code not in by_code:
            problems.append(("编号", f"没有编号为“{code}”的违法行为。"))
        text = _limit(row, "条件", 2000, problems)
        if not text:
            problems.append(("条件", "请在“条件”列填写情形。"))
        basis = _limit(row, "依据", 1000, problems)
        cited, citation_problems = articles.resolve(basis)
        problems.extend(("依据", p) for p in citation_problems)
        result.circumstances.append(
            CheckedCircumstance(row.row, CIRCUMSTANCES[row.text("类型")], code, text, basis, cited)
        )
        errors.extend(RowError(row=row.row, column=c, message=m) for c, m in problems)

    for violation in by_code.values():
        errors.extend(_tiers_checked(violation))
    if header_row is None:
        errors.append(
            RowError(
                row=1,
                column="类型",
                message="文件中缺少“基准”行（名称、制定机关、文号、来源、施行日期）。",
            )
        )
    if not by_code:
        errors.append(RowError(row=1, column="类型", message="文件中没有“违法行为”行。"))
    errors.sort(key=lambda e: e.row)
    return result, errors


def _violation(
    row: RawRow,
    items: dict[str, EnforcementItem],
    articles: _Articles,
    by_code: dict[str, CheckedViolation],
    result: CheckedBenchmark,
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    code = _limit(row, "编号", 40, problems)
    name = _limit(row, "名称", 300, problems)
    if not code:
        problems.append(("编号", "请填写违法行为编号。"))
    elif code in by_code:
        problems.append(("编号", f"编号“{code}”与第 {by_code[code].row} 行重复。"))
    if not name:
        problems.append(("名称", "请填写违法行为名称。"))
    item_code = row.text("执法事项编码")
    item = items.get(item_code)
    if not item_code:
        problems.append(("执法事项编码", "请填写本单位权责清单中的执法事项编码。"))
    elif item is None:
        problems.append(("执法事项编码", f"本单位没有编码为“{item_code}”的执法事项。"))
    cited: dict[str, list[Article]] = {}
    for column in ("违法依据", "处罚依据"):
        text = _limit(row, column, 2000, problems)
        if not text:
            problems.append((column, f"请填写{column}。"))
        found, citation_problems = articles.resolve(text)
        cited[column] = found
        problems.extend((column, p) for p in citation_problems)
    base_text = row.text("倍数基数")
    base = BASES.get(base_text, "")
    if base_text and not base:
        problems.append(("倍数基数", "倍数基数应为“违法所得”或“货值金额”。"))
    fine = _range(row, "罚款下限", "罚款上限", "法定罚款", problems)
    multiple = _range(row, "倍数下限", "倍数上限", "法定倍数", problems)
    if multiple.given and not base:
        problems.append(("倍数基数", "规定了倍数时请填写倍数基数（违法所得或货值金额）。"))
    violation = CheckedViolation(
        row=row.row,
        code=code,
        name=name,
        keywords=_limit(row, "关键词", 300, problems),
        item=item,
        violated_basis=row.text("违法依据"),
        penalty_basis=row.text("处罚依据"),
        violated_articles=cited["违法依据"],
        penalty_articles=cited["处罚依据"],
        statutory_text=_limit(row, "法定处罚", 2000, problems),
        base=base,
        fine=fine,
        multiple=multiple,
        other_penalties=_limit(row, "其他处罚", 300, problems),
    )
    if code and code not in by_code:
        by_code[code] = violation
        result.violations.append(violation)
    return problems


def _tier(
    row: RawRow, by_code: dict[str, CheckedViolation], problems: list[tuple[str, str]]
) -> None:
    code = row.text("编号")
    violation = by_code.get(code)
    if violation is None:
        problems.append(
            ("编号", f"没有编号为“{code}”的违法行为（阶次行的编号应与违法行为行相同）。")
        )
    name = _limit(row, "名称", 50, problems)
    if not name:
        problems.append(("名称", "请填写阶次名称，例如“从轻处罚”。"))
    conditions = _limit(row, "条件", 2000, problems)
    if not conditions:
        problems.append(("条件", "请填写该阶次的适用条件。"))
    kind = tier_kind(name)
    fine = _range(row, "罚款下限", "罚款上限", "罚款", problems)
    multiple = _range(row, "倍数下限", "倍数上限", "倍数", problems)
    other = _limit(row, "其他处罚", 300, problems)
    if kind == TierKind.NO_PENALTY and (fine.given or multiple.given or other):
        problems.append(("名称", "不予处罚的阶次不能规定罚款、倍数或其他处罚。"))
    if violation is not None:
        below = kind == TierKind.MITIGATED
        for label, column, unit, tier_range, law_range in (
            ("罚款", "罚款下限", "元", fine, violation.fine),
            ("倍数", "倍数下限", "倍", multiple, violation.multiple),
        ):
            if not tier_range.given:
                continue
            if not law_range.given:
                problems.append(
                    (column, f"该违法行为的法定处罚没有填写{label}幅度，阶次不能规定{label}。")
                )
            else:
                problems.extend(_outside(tier_range, law_range, label, unit, may_go_below=below))
        violation.tiers.append(CheckedTier(row.row, name, kind, conditions, fine, multiple, other))


def _number(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _text(found: Range) -> str:
    return f"{_number(found.low)} 至 {_number(found.high)}"


def _tiers_checked(violation: CheckedViolation) -> list[RowError]:
    """A 违法行为 needs a tier; its tiers must not overlap (sharing a bound is allowed)."""
    errors: list[RowError] = []
    if not violation.tiers:
        errors.append(RowError(violation.row, "编号", f"违法行为“{violation.code}”没有裁量阶次。"))
    for label, attribute in (("罚款", "fine"), ("倍数", "multiple")):

        def get(tier: CheckedTier, attribute: str = attribute) -> Range:
            found: Range = getattr(tier, attribute)
            return found

        ranged = sorted(
            (t for t in violation.tiers if get(t).given),
            key=lambda t: (get(t).low or Decimal(0), t.row),
        )
        for before, after in pairwise(ranged):
            high = get(before).high
            low = get(after).low or Decimal(0)
            if high is None or low < high:
                errors.append(
                    RowError(
                        after.row,
                        "罚款下限" if label == "罚款" else "倍数下限",
                        f"阶次“{after.name}”的{label}幅度（{_text(get(after))}）"
                        f"与第 {before.row} 行阶次“{before.name}”（{_text(get(before))}）重叠。",
                    )
                )
    return errors
