"""Remove natural persons' personal data from a decision's text before it is published.

Pure functions: no database, no settings, no clock; the same input always gives the same output.

Why and what (sources in ``shared/law/publication.md``):

- 《政府信息公开条例》(2019) 第十五条: personal privacy is not disclosed unless the person consents
  or the public interest requires it. 《个人信息保护法》第三十四条: a state organ processes personal
  information only as far as its statutory duties need; publishing a decision (行政处罚法第四十八条)
  needs the decision, not the party's ID number, phone or home.
- 《行政处罚结果信息网上公示暂行办法》 (partly verified) hides natural persons' home address,
  contact details, ID number and bank account, and the names of natural persons other than the
  penalised party; 《市场监督管理行政处罚信息公示规定》(2021) hides personal data in published
  decisions (unverified in detail). Issue #6 masks the named natural-person parties too.
- Organisations stay public: 行政相对人名称 and 统一社会信用代码 are fields of the national
  "双公示" exchange format, so an organisation's name and credit code are never masked.

How text is read: the matchers run on a normalised view of the text (``normalise.view``:
NFKC, so full-width digits and letters read as ASCII; zero-width, soft-hyphen and
bidirectional control characters dropped; ``• ・ ･ ‧`` read as ``·``; ``陝/陜/粵…`` read as
``陕/粤…``) and a second time on the same view with spaces and hyphens between letters and
digits removed (``3502 0319-8503…`` reads as one number). Every finding is mapped back to the
original characters it came from and replaced there, so the text outside the findings is
unchanged byte for byte; invisible characters inside a finding are dropped with it. Names,
addresses and public data given by the caller are compared the same way, also with spaces or
a missing ``·`` between their characters.

What is found (``Finding.kind``) and what its replacement keeps; every hidden character becomes
one ``*`` and separators (spaces, hyphens, parentheses, ``·``) are kept as written:

- ``id_number``: 18 digits (the last may be X) with the GB 11643-1999 check character, a GB/T
  2260 province prefix and a real birth date; the 15-digit form (province prefix, real YYMMDD);
  any 15- or 18-character number right after 身份证/身份号码/证件号码, even if its check fails.
  Keeps the first 4 and last 4: ``1101**********1234``.
- ``bank_card``: 16–19 digits passing the Luhn check, contiguous or in groups of 4. Keeps the last
  4 digits: ``6222 0212 3456 7890 123`` → ``**** **** **** ***0 123``.
- ``phone``: mobiles 1[3-9]x xxxx xxxx, keeping the first 3 and last 4 (``138****5678``) and a
  +86/0086/86 prefix; landlines with an area code (``0592-1234567``, ``(010)12345678``,
  ``059212345678``: 010 and 02x are 3-digit codes, the others 4) and 400/800 numbers, keeping
  the area code (or 400/800) and the last 2 (``0592-*****67``); 7–8 digits right after
  电话/联系方式/座机/固话/手机, keeping the last 2.
- numbers the agency already masked, but only partly: 15 or 18 characters of digits and ``*``
  (with a province prefix or after an ID label) that still show more than the first and last 4
  (a birth date), and mobiles that show more than the first 3 and last 4 (``1385901****``),
  are masked again the same way; stars stay stars.
- ``plate``: a province abbreviation, a letter, an optional ``·`` or space, then 5 or 6 letters
  and digits (new-energy plates), at least one a digit (GA 36-2018), or 4 and a 学/挂/警/港/澳/
  领/试/超/使 suffix. Keeps the abbreviation, the letter and the suffix: ``闽D12345`` →
  ``闽D*****``, ``闽D1234学`` → ``闽D****学``.
- ``address``: each of ``addresses`` wherever it appears, and its part after the administrative
  levels alone; the text after 住址/住所/家庭住址/现住/户籍地/联系地址 … (also written with
  spaces, ``住    址：``), or after a bare 住 following a comma or colon when it starts with
  administrative levels or names a street, up to the next comma, full stop, semicolon, line end
  or "label：", unless the nearest subject named before the label is an organisation (a name in
  ``organisations``, 公司, 厂, 统一社会信用代码 …) rather than a person (a name in ``persons``,
  身份证, 性别, 法定代表人, 证人 …); with no subject it is masked. For 住所/住所地, an
  organisation's seat, a 法定代表人/负责人/经营者 and the name right after it are not taken for
  the subject. Keeps the administrative levels it starts with, down to the county
  (区/县/县级市/旗) and a following 街道/镇/乡:
  ``福建省厦门市思明区湖滨南路88号`` → ``福建省厦门市思明区*******``; nothing when none
  is found, and never a kept part containing a name in ``persons``.
- ``person_name``: each of ``persons`` wherever it appears, also inside longer words, except
  right before 省/市/县/自治州 (a place: 金华 in 浙江省金华市; not before 市场, 市民, 县城).
  Becomes the surname and 某: ``王小明`` → ``王某``, ``欧阳娜娜`` → ``欧阳某``.

Nothing inside an occurrence of one of ``organisations`` or ``public`` is masked
(``厦门张三餐饮有限公司`` keeps its 张三; an officer's 执法证 number or the agency's telephone given
as public stays); a public value that is also a person's name or address is not public. A
number right after 统一社会信用代码/注册号/组织机构代码/营业执照 is an organisation's, and one
after 执法证/检查证/工作证 in the same clause (also the second of ``执法证号：…、…``) an
officer's, and is left alone, unless a personal label (身份证, 电话 …) comes between. Findings that
overlap: the longest wins (ties: the order of the table above); the parts of a losing finding
outside every winner are masked entirely, so nothing leaks at the edges. Offsets are indices
into the original ``str`` (code points).

Civic data (复姓, provincial codes and plate abbreviations) is read from ``data/disclosure/``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from sanxiang.core.identifiers import id_number_problem
from sanxiang.disclosure.normalise import View, plain_term, read_char, term_pattern, view

DATA = Path(__file__).resolve().parents[2] / "data" / "disclosure"

# The order breaks ties between overlapping findings of equal length.
KINDS = ("id_number", "bank_card", "phone", "plate", "address", "person_name")
_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}

# "*" counts as part of a number so that text already masked is never read as a new number.
_NOT_AFTER = r"(?<![0-9A-Za-z*])"
_NOT_BEFORE = r"(?![0-9A-Za-z*])"


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    start: int  # offsets in the original text
    end: int
    original: str
    replacement: str


@dataclass(frozen=True)
class Redaction:
    text: str  # the redacted text
    findings: tuple[Finding, ...]  # sorted by start, not overlapping


@dataclass(frozen=True)
class _Tables:
    compound_surnames: tuple[str, ...]
    id_prefixes: frozenset[str]
    plate_provinces: str


@cache
def _tables() -> _Tables:
    surnames = [
        line.strip()
        for line in (DATA / "compound_surnames.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    with (DATA / "provinces.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return _Tables(
        compound_surnames=tuple(sorted(surnames, key=lambda s: (-len(s), s))),
        id_prefixes=frozenset(row["gb2260"] for row in rows),
        plate_provinces="".join(row["plate"] for row in rows if row["plate"]),
    )


# --- numbers -------------------------------------------------------------------------------

_ID18 = re.compile(_NOT_AFTER + r"[0-9]{17}[0-9Xx]" + _NOT_BEFORE)
_ID15 = re.compile(_NOT_AFTER + r"[0-9]{15}" + _NOT_BEFORE)
# Numbers an agency masked only partly: "*" among the digits (see _partly_masked).
_PARTIAL_ID = re.compile(_NOT_AFTER + r"(?:[0-9*]{17}[0-9Xx*]|[0-9*]{15})" + _NOT_BEFORE)
_PARTIAL_MOBILE = re.compile(_NOT_AFTER + r"1[3-9*][0-9*]{9}" + _NOT_BEFORE)
_CARD = re.compile(
    _NOT_AFTER + r"(?:[0-9]{16,19}|[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -][0-9]{1,3})?)" + _NOT_BEFORE
)
_MOBILE = re.compile(
    _NOT_AFTER + r"((?:\+86|0086|86)[ -]?)?(1[3-9][0-9](?:[ -]?[0-9]{4}){2})" + _NOT_BEFORE
)
_LANDLINE_SEPARATED = re.compile(
    _NOT_AFTER + r"(\(0[0-9]{2,3}\)[ -]?|0[0-9]{2,3}[ -])([0-9]{7,8})" + _NOT_BEFORE
)
_LANDLINE_CONTIGUOUS = re.compile(_NOT_AFTER + r"0[0-9]{9,11}" + _NOT_BEFORE)
_SERVICE_NUMBER = re.compile(_NOT_AFTER + r"([48]00)([ -]?[0-9]{3}[ -]?[0-9]{4})" + _NOT_BEFORE)
_LABELLED_LOCAL = re.compile(
    r"(?:电话|联系方式|座机|固话|手机)(?:号码)?[:：]?[ ]*(?<![0-9])([0-9]{7,8})" + _NOT_BEFORE
)
# A label right before a number, in the same clause and at most a few characters away.
_PERSON_ID_LABEL = re.compile(r"(?:身份证|身份号码|证件号码)[^0-9，,。；;\n]{0,6}$")
_ORG_ID_LABEL = re.compile(
    r"(?:信用代码|注册号|组织机构代码|营业执照|登记证号|税务登记号)[^0-9，,。；;\n]{0,6}$"
)
# Officers' certificates (执法证号 …) are public: a number after such a label, in the same
# clause, is theirs, also the second of "执法证号：…、…"; unless a personal label comes between.
_PUBLIC_NUMBER_LABEL = re.compile(r"执法证|检查证|工作证")
_PERSONAL_NUMBER_LABEL = re.compile(r"身份|居民|电话|手机|联系|卡号|账号|号牌|车牌|当事人")
_CLAUSE_END = re.compile(r"[，,。；;\n]")


def _labelled(scan: str, start: int, label: re.Pattern[str]) -> bool:
    return label.search(scan, max(0, start - 24), start) is not None


def _public_number(scan: str, start: int) -> bool:
    """A number an organisation's or officer's label names (credit code, 执法证号 …)."""
    if _labelled(scan, start, _ORG_ID_LABEL):
        return True
    clause = scan[max(0, start - 60) : start]
    ends = list(_CLAUSE_END.finditer(clause))
    if ends:
        clause = clause[ends[-1].end() :]
    labels = list(_PUBLIC_NUMBER_LABEL.finditer(clause))
    if not labels or (_labelled(scan, start, _PERSON_ID_LABEL) and "执法" not in clause):
        return False
    return _PERSONAL_NUMBER_LABEL.search(clause, labels[-1].end()) is None


def _real_date(yyyymmdd: str) -> bool:
    try:
        day = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return day.year >= 1900


def is_id_number(number: str) -> bool:
    """A 公民身份号码 as issued: GB/T 2260 province prefix, real birth date and, for 18 digits,
    the GB 11643-1999 check character (``x`` is read as ``X``)."""
    number = number.upper()
    if number[:2] not in _tables().id_prefixes:
        return False
    if len(number) == 18:
        return id_number_problem(number) is None and _real_date(number[6:14])
    return len(number) == 15 and number.isdigit() and _real_date("19" + number[6:12])


def luhn_valid(digits: str) -> bool:
    """The Luhn (ISO/IEC 7812-1) check that bank card numbers carry in their last digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _mask(original: str, keep_first: int, keep_last: int) -> str:
    """Stars for the letters, digits and stars of ``original`` except the first and last few
    (read like the view: full-width ``１`` is a digit); invisible characters are dropped."""
    reads = [read_char(char) for char in original]
    positions = [
        i
        for i, read in enumerate(reads)
        if len(read) == 1 and read.isascii() and (read.isalnum() or read == "*")
    ]
    hidden = set(positions[keep_first : len(positions) - keep_last])
    return "".join(
        "*" if i in hidden else char if reads[i] else "" for i, char in enumerate(original)
    )


def _finding(
    kind: str, text: str, scan: View, start: int, end: int, first: int, last: int
) -> Finding:
    """A finding of view characters ``start:end``, masked in the original text."""
    start, end = scan.original_span(start, end)
    original = text[start:end]
    return Finding(kind, start, end, original, _mask(original, first, last))


def _id_numbers(text: str, scan: View) -> Iterator[Finding]:
    for pattern in (_ID18, _ID15):
        for match in pattern.finditer(scan.text):
            if _public_number(scan.text, match.start()):
                continue
            if is_id_number(match.group()) or _labelled(scan.text, match.start(), _PERSON_ID_LABEL):
                yield _finding("id_number", text, scan, *match.span(), 4, 4)


def _partly_masked(text: str, scan: View) -> Iterator[Finding]:
    """Numbers an agency masked itself, but so that they still show more than the first and
    last 4 of an ID number (a birth date) or the first 3 and last 4 of a mobile: masked again
    the usual way. Stars already there stay stars."""
    for match in _PARTIAL_ID.finditer(scan.text):
        number = match.group()
        if "*" not in number or not any(c.isdigit() for c in number[4:-4]):
            continue
        if _public_number(scan.text, match.start()):
            continue
        if number[:2] in _tables().id_prefixes or _labelled(
            scan.text, match.start(), _PERSON_ID_LABEL
        ):
            yield _finding("id_number", text, scan, *match.span(), 4, 4)
    for match in _PARTIAL_MOBILE.finditer(scan.text):
        number = match.group()
        if (
            "*" in number
            and any(c.isdigit() for c in number[3:-4])
            and not _public_number(scan.text, match.start())
        ):
            yield _finding("phone", text, scan, *match.span(), 3, 4)


def _bank_cards(text: str, scan: View) -> Iterator[Finding]:
    for match in _CARD.finditer(scan.text):
        digits = re.sub(r"[^0-9]", "", match.group())
        if (
            16 <= len(digits) <= 19
            and luhn_valid(digits)
            and not _public_number(scan.text, match.start())
        ):
            yield _finding("bank_card", text, scan, *match.span(), 0, 4)


def _phones(text: str, scan: View) -> Iterator[Finding]:
    found: list[tuple[re.Match[str], int, int]] = []
    for match in _MOBILE.finditer(scan.text):
        kept = len(re.sub(r"[^0-9]", "", match.group(1) or ""))
        found.append((match, kept + 3, 4))
    for match in _LANDLINE_SEPARATED.finditer(scan.text):
        kept = len(re.sub(r"[^0-9]", "", match.group(1)))
        found.append((match, kept, 2))
    for match in _LANDLINE_CONTIGUOUS.finditer(scan.text):
        area = 3 if match.group()[1] in "12" else 4  # 010 and 02x are the 3-digit area codes
        if len(match.group()) - area in (7, 8):
            found.append((match, area, 2))
    found += [(match, 3, 2) for match in _SERVICE_NUMBER.finditer(scan.text)]
    for match, first, last in found:
        if not _public_number(scan.text, match.start()):
            yield _finding("phone", text, scan, *match.span(), first, last)
    for match in _LABELLED_LOCAL.finditer(scan.text):
        yield _finding("phone", text, scan, *match.span(1), 0, 2)


@cache
def _plate_pattern() -> re.Pattern[str]:
    # 5 or 6 letters and digits (new-energy plates have 6), or 4 and a 学/挂/警 … suffix.
    return re.compile(
        rf"([{_tables().plate_provinces}]) ?([A-HJ-NP-Z])([·. ]?)"
        r"([A-HJ-NP-Z0-9]{5,6}|[A-HJ-NP-Z0-9]{4}[学挂警港澳领试超使])" + _NOT_BEFORE
    )


def _plates(text: str, scan: View) -> Iterator[Finding]:
    for match in _plate_pattern().finditer(scan.text):
        if any(char.isdigit() for char in match.group(4)):
            yield _finding("plate", text, scan, *match.span(), 1, 0)  # the letter


# --- addresses -----------------------------------------------------------------------------

# A place name: no digits, punctuation, or the words of street addresses (路, 号, 村, 楼 …).
_PLACE = r"[^\s0-9A-Za-z*，,。；;：:、()（）路街巷弄号村组栋幢楼室道]"
_ADMIN_LEVELS = re.compile(
    rf"(?:{_PLACE}{{2,7}}?(?:省|自治区|特别行政区))?"
    rf"(?:{_PLACE}{{2,7}}?(?:自治州|地区|盟|市))?"
    rf"(?:{_PLACE}{{1,7}}?(?<![小社园校景厂片营])(?:自治县|自治旗|区|县|市|旗))?"
    rf"(?:{_PLACE}{{1,7}}?(?:街道|镇|乡))?"
)
_LABEL_WORDS = (
    *("家庭住址", "家庭地址", "现住址", "现住所", "经常居住地", "居住地址", "居住地"),
    *("户籍地址", "户籍所在地", "户籍地", "暂住地", "联系地址", "通讯地址", "住址"),
    *("住所地", "住所", "现住", "暂住"),
)
_ORG_LABELS = ("住所", "住所地")  # an organisation's domicile (民法典第六十三条) as often
_ADDRESS_LABEL = re.compile(
    "(?P<label>"
    # the label words, also written with spaces between their characters (住    址：)
    + "|".join("[ \t]*".join(word) for word in _LABEL_WORDS)
    # a bare 住 after a comma or colon: "男，住厦门市…"
    + r"|(?<=[,，、;；:：\s(（])住(?![宿户房院所址])"
    + r")[ \t]*(?:[:：]|为|在|于)?[ \t]*"
    # up to the next comma, full stop, semicolon or line end, or the next "label：" in the line
    r"(?P<value>(?:(?![ \t]+[^\s:：]{1,8}[:：])[^，,。；;\n\r\t])+)"
)
_ADDRESS_HINT = re.compile(r"[0-9省市区县镇乡村路街巷弄号楼室栋幢组]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_STREET = re.compile(r"[路街巷弄号村组栋幢楼室]")
_ROLE_MARKER = re.compile(r"法定代表人|负责人|经营者")
_PERSON_MARKER = re.compile(
    r"身份证|身份号码|性别|出生|民族|法定代表人|负责人|经营者|代理人|证人|户主"
    r"|(?<=[，,、:：\s(（])[男女](?=[，,、。；;\s)）])"
)
_ORG_MARKER = re.compile(
    r"信用代码|注册号|公司|厂|合作社|商行|经营部|门市部|事务所|集团|协会|商会|医院|学校"
)


def kept_admin_levels(address: str) -> str:
    """The administrative levels an address starts with, down to the county (区/县/县级市/旗)
    and a following 街道/镇/乡: what an address's replacement keeps."""
    match = _ADMIN_LEVELS.match(address)
    return match.group() if match else ""


def _address_finding(
    text: str, start: int, end: int, persons: Sequence[str], kind: str = "address"
) -> Finding:
    original = text[start:end]
    kept = kept_admin_levels(original)
    for name in persons:  # a kept place name must not carry a person's name
        if name in kept:
            kept = kept[: kept.index(name)]
    return Finding(kind, start, end, original, kept + "*" * (len(original) - len(kept)))


def _occurrences(scan: View, term: str) -> Iterator[tuple[int, int]]:
    """Where ``term`` (a name, an address, a number) occurs in the original text, however it
    is written (see ``normalise.term_pattern``)."""
    if not plain_term(term):
        return
    for match in term_pattern(term).finditer(scan.text):
        if match.end() > match.start():
            yield scan.original_span(*match.span())


def _given_addresses(
    text: str, scan: View, addresses: Sequence[str], persons: Sequence[str]
) -> list[Finding]:
    found = []
    for address in addresses:
        detail = address[len(kept_admin_levels(address)) :]
        for needle in (address, detail) if len(detail) >= 3 else (address,):
            for start, end in _occurrences(scan, needle):
                found.append(_address_finding(text, start, end, persons))
    return found


def _labelled_addresses(
    text: str,
    scan: View,
    persons: Sequence[str],
    organisations: Sequence[str],
    known: list[Finding],
) -> Iterator[Finding]:
    """Addresses after a label, when the nearest subject named before it is not an organisation
    (an organisation's 住所 is public; a person's, or an unclear one, is masked). For 住所 and
    住所地, which name an organisation's seat, a 法定代表人/负责人 and the name after it are no
    subject: the address is still the organisation's."""
    labels = list(_ADDRESS_LABEL.finditer(scan.text))
    values = [scan.original_span(*m.span("value")) for m in labels]
    inside = [(f.start, f.end) for f in known] + values
    markers: list[tuple[int, bool, bool]] = []  # (end in the original, is_person, is_role)
    for pattern, is_person in ((_PERSON_MARKER, True), (_ORG_MARKER, False)):
        for m in pattern.finditer(scan.text):
            role = _ROLE_MARKER.fullmatch(m.group()) is not None
            markers.append((scan.original_span(*m.span())[1], is_person, role))
    roles = [scan.original_span(*m.span()) for m in _ROLE_MARKER.finditer(scan.text)]
    for needles, is_person in ((persons, True), (organisations, False)):
        for needle in needles:
            for start, end in _occurrences(scan, needle):
                role = is_person and any(0 <= start - stop <= 8 for _, stop in roles)
                markers.append((end, is_person, role))
    markers = [
        marker for marker in markers if not any(start < marker[0] <= stop for start, stop in inside)
    ]
    for label in labels:
        value = label.group("value").rstrip()
        if not _ADDRESS_HINT.search(value) or not _HAN.search(value):
            continue  # a bare number after 居住地 is no address (and was masked as a number)
        word = re.sub(r"[ \t]", "", label.group("label"))
        if word == "住" and not (kept_admin_levels(value) or _STREET.search(value)):
            continue
        start, end = scan.original_span(label.start("value"), label.start("value") + len(value))
        before = [
            marker
            for marker in markers
            if marker[0] <= start and not (word in _ORG_LABELS and marker[2])
        ]
        if before:
            nearest = max(before, key=lambda marker: (marker[0], marker[1]))
            if not nearest[1]:
                continue
        yield _address_finding(text, start, end, persons)


# --- names ---------------------------------------------------------------------------------

# A name right before these is part of a place name (金华市, 张家镇), not the person.
_PLACE_AFTER = re.compile(r"省|市(?![场民])|县(?!城)|自治[州县旗]")


def name_replacement(name: str) -> str:
    """Surname + 某: 张三 → 张某, 欧阳娜娜 → 欧阳某 (复姓 from data/disclosure/)."""
    for surname in _tables().compound_surnames:
        if name.startswith(surname) and len(name) > len(surname):
            return surname + "某"
    return name[0] + "某"


def _names(text: str, scan: View, persons: Sequence[str]) -> Iterator[Finding]:
    for name in persons:
        for match in term_pattern(name).finditer(scan.text):
            if _PLACE_AFTER.match(scan.text, match.end()):
                continue
            start, end = scan.original_span(*match.span())
            yield Finding("person_name", start, end, text[start:end], name_replacement(name))


# --- putting it together -------------------------------------------------------------------


def _resolve(
    candidates: list[Finding], text: str, protected: list[tuple[int, int]]
) -> list[Finding]:
    """Drop findings inside an organisation's name or other public data, and no-ops; the
    longest of overlapping findings wins and what a loser covers outside every winner is
    masked entirely."""
    pending = sorted(
        {
            f
            for f in candidates
            if f.original != f.replacement
            and not any(start <= f.start and f.end <= end for start, end in protected)
        },
        key=lambda f: (-(f.end - f.start), _PRIORITY[f.kind], f.start, f.replacement),
    )
    chosen: list[Finding] = []
    losers: list[Finding] = []
    for finding in pending:
        if all(finding.end <= c.start or c.end <= finding.start for c in chosen):
            chosen.append(finding)
        else:
            losers.append(finding)
    covered = {i for c in chosen for i in range(c.start, c.end)}
    leftover: dict[int, str] = {}
    for loser in losers:  # longest first, so a position takes the longest loser's kind
        for i in range(loser.start, loser.end):
            if i not in covered and text[i] != "*":
                leftover.setdefault(i, loser.kind)
    for i in sorted(leftover):
        if i - 1 in leftover and leftover[i - 1] == leftover[i]:
            continue
        end = i
        while end in leftover and leftover[end] == leftover[i]:
            end += 1
        chosen.append(Finding(leftover[i], i, end, text[i:end], "*" * (end - i)))
    return sorted(chosen, key=lambda f: f.start)


def _cleaned(values: Sequence[str]) -> list[str]:
    """The names or values as the matchers compare them: read like the view (NFKC, without
    invisible characters, ``•`` as ``·``) and without spaces or hyphens."""
    return sorted({plain_term(value) for value in values if plain_term(value)})


def redact(
    text: str,
    *,
    persons: Sequence[str] = (),
    addresses: Sequence[str] = (),
    organisations: Sequence[str] = (),
    public: Sequence[str] = (),
) -> Redaction:
    """Mask natural persons' personal data in ``text`` (see the module docstring for what).

    ``persons``: names of the natural-person parties and witnesses of the case;
    ``addresses``: their addresses as registered in the case; ``organisations``: names that
    stay public even where they contain a person's name or a number; ``public``: other data
    known to be public (officers' names and 执法证 numbers, the agency's name, address and
    telephone), never masked wherever they occur, however they are written.
    Raises ``ValueError`` (message in Chinese) for a name of one character, which cannot be
    masked without destroying the text.
    """
    persons = _cleaned(persons)
    short = [name for name in persons if len(name.replace("·", "")) < 2]
    if short:
        raise ValueError(f"姓名“{short[0]}”只有一个字，无法可靠地去除，请填写全名。")
    addresses = [a for a in (value.strip() for value in addresses) if a]
    organisations = _cleaned(organisations)
    plain = view(text)
    joined = view(text, joined=True)

    candidates: list[Finding] = []
    for scan in (plain, joined):
        candidates += [
            *_id_numbers(text, scan),
            *_bank_cards(text, scan),
            *_phones(text, scan),
            *_plates(text, scan),
        ]
    candidates += _partly_masked(text, joined)
    candidates += _given_addresses(text, plain, addresses, persons)
    candidates += _labelled_addresses(text, plain, persons, organisations, list(candidates))
    candidates += _names(text, plain, persons)
    # Personal data wins: a "public" value that is also a party's name or address is not public.
    personal = {*persons, *(plain_term(address) for address in addresses)}
    public = [value for value in _cleaned(public) if value not in personal]
    protected = [span for name in [*organisations, *public] for span in _occurrences(plain, name)]
    findings = _resolve(candidates, text, protected)

    parts = []
    position = len(text)
    for finding in reversed(findings):  # from the end, so earlier offsets stay valid
        parts.append(text[finding.end : position])
        parts.append(finding.replacement)
        position = finding.start
    parts.append(text[:position])
    return Redaction(text="".join(reversed(parts)), findings=tuple(findings))
