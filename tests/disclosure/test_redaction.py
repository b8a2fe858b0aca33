"""Redaction of decisions before publication (执法公示): no natural person's ID number, phone,
bank card, plate, home address or name survives; organisations and their credit codes do."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanxiang.core.identifiers import credit_code_check_char, id_number_problem
from sanxiang.disclosure.redaction import Redaction, luhn_valid, redact

# --- generators written from the standards, independently of the module -------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(region: str, born: date, sequence: int) -> str:
    """An 18-digit 公民身份号码 with its GB 11643-1999 check character."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def luhn_complete(first: str) -> str:
    """``first`` followed by its Luhn check digit."""
    total = 0
    for position, char in enumerate(reversed(first)):
        value = int(char) * (1 if position % 2 else 2)
        total += value - 9 if value > 9 else value
    return first + str((10 - total % 10) % 10)


def credit_code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


PROVINCE_CODES = ["11", "13", "21", "31", "35", "44", "50", "54", "65", "81", "82", "83"]
ids = st.builds(
    id_number,
    region=st.builds(
        lambda p, rest: p + rest,
        st.sampled_from(PROVINCE_CODES),
        st.from_regex(r"[0-9]{4}", fullmatch=True),
    ),
    born=st.dates(date(1920, 1, 1), date(2024, 12, 31)),
    sequence=st.integers(0, 999),
)
mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
cards = st.from_regex(r"62[0-9]{13,16}", fullmatch=True).map(luhn_complete)
plates = st.builds(
    lambda p, letter, tail: p + letter + tail,
    st.sampled_from("京沪粤闽川新"),
    st.sampled_from("ABCDEFGHJK"),
    st.from_regex(r"[0-9]{5}|D[0-9]{5}|[0-9]{5}F", fullmatch=True),
)
credit_codes_with_a_letter = st.from_regex(
    r"9[0-9]{7}[A-HJ-NP-RTUWXY][0-9A-HJ-NP-RTUWXY]{8}", fullmatch=True
).map(credit_code)
# Chinese filler without digits, letters, label words or province abbreviations.
filler = st.text(
    alphabet="的一是了人在有这中大为上个到以要时和出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日",
    max_size=12,
)


def finding_kinds(result: Redaction) -> dict[str, str]:
    return {f.original: f.kind for f in result.findings}


def assert_consistent(text: str, result: Redaction) -> None:
    """Offsets refer to the original; outside the findings nothing changed."""
    rebuilt, position = [], 0
    for finding in result.findings:
        assert position <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.original
        rebuilt += [text[position : finding.start], finding.replacement]
        position = finding.end
    rebuilt.append(text[position:])
    assert "".join(rebuilt) == result.text


# --- realistic decisions -------------------------------------------------------------------

WANG_ID = id_number("350203", date(1985, 3, 7), 1)
CHENGGUAN = f"""厦门市思明区城市管理行政执法局
行政处罚决定书
厦思城执罚〔2026〕17号

当事人：王小明，男，汉族，身份证号码：{WANG_ID}，住址：福建省厦门市思明区湖滨南路88号401室，联系电话：13859012345。
经查，2026年3月2日9时许，当事人王小明在厦门市思明区中山路步行街南侧人行道上摆设水果摊位占道经营，占用人行道约6平方米。执法人员当场责令其改正，当事人拒不改正。
上述事实有现场检查笔录、现场照片、证人李秀英（电话0592-2123456）的证人证言等证据证实。
当事人王小明的行为违反了《城市市容和环境卫生管理条例》第十四条的规定。依据该条例第三十六条第（二）项的规定，决定对当事人作出罚款人民币贰佰元的行政处罚。
如不服本决定，可在收到本决定书之日起六十日内向厦门市思明区人民政府申请行政复议。
"""

CREDIT_CODE = credit_code("91350203MA2Y8K3P0")
SHICHANG = f"""厦门市湖里区市场监督管理局
行政处罚决定书
厦湖市监罚〔2026〕5号

当事人：厦门鹭港食品贸易有限公司
统一社会信用代码：{CREDIT_CODE}
住所：福建省厦门市湖里区金尚路1号
法定代表人：陈建国，手机：138 5901 2345，家庭住址：厦门市湖里区江头街道台湾街88号3号楼
2026年1月8日，本局执法人员对当事人经营场所进行检查，发现当事人销售的标称“鹭港牌”花生油已超过保质期。法定代表人陈建国在询问笔录中承认上述事实。
当事人厦门鹭港食品贸易有限公司的行为违反了《中华人民共和国食品安全法》第三十四条第（十）项，依据第一百二十四条，决定没收违法所得并罚款人民币伍万元。
"""

LIU_ID = id_number("440304", date(1992, 11, 23), 57)
JIAOTONG = f"""深圳市福田区交通运输局
行政处罚决定书
当事人：刘德华，身份证号码：{LIU_ID}，现住广东省深圳市福田区华强北街道振兴路12号702。
经查，2026年4月1日，当事人驾驶车牌号为粤B·D12345的小型客车，\
在未取得网络预约出租汽车运输证的情况下从事网约车经营。\
同车乘客张伟（手机+86 139-2345-6789）的陈述及车辆行驶记录可以证实。\
涉案车辆另一号牌为粤BA1234F（挂靠深圳速达汽车租赁有限公司）。
"""

CARD = luhn_complete("622202100112345678")
ZHAO_ID_15 = "350203850307123"
PAYMENT = f"""泉州市城市管理局
行政处罚决定书
当事人：司马光明，公民身份号码 {ZHAO_ID_15}，户籍地：福建省泉州市鲤城区开元街道西街100号。
当事人于2026年2月10日在泉州市鲤城区西街违法搭建雨棚，决定罚款人民币壹仟元。\
当事人申请以本人银行卡{CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:16]} {CARD[16:]}缴纳罚款，\
亦可拨打服务热线400-812-3456咨询（010）87654321。
"""


def test_chengguan_penalty_against_a_person_keeps_nothing_personal():
    result = redact(CHENGGUAN, persons=["王小明", "李秀英"])
    for secret in (WANG_ID, "13859012345", "湖滨南路88号", "王小明", "李秀英", "2123456"):
        assert secret not in result.text
    assert "当事人：王某，男" in result.text
    assert f"身份证号码：{WANG_ID[:4]}{'*' * 10}{WANG_ID[-4:]}，" in result.text
    assert "住址：福建省厦门市思明区***********，" in result.text
    assert "联系电话：138****2345。" in result.text
    assert "证人李某（电话0592-*****56）" in result.text
    # the places of the facts are no home address and stay
    assert "厦门市思明区中山路步行街南侧人行道" in result.text
    assert_consistent(CHENGGUAN, result)


def test_market_case_keeps_the_company_and_its_credit_code_but_not_its_representative():
    result = redact(SHICHANG, persons=["陈建国"], organisations=["厦门鹭港食品贸易有限公司"])
    assert CREDIT_CODE in result.text
    assert result.text.count("厦门鹭港食品贸易有限公司") == 2
    assert "住所：福建省厦门市湖里区金尚路1号" in result.text  # an organisation's 住所 is public
    assert "陈建国" not in result.text
    assert "法定代表人：陈某，手机：138 **** 2345，" in result.text
    assert "家庭住址：厦门市湖里区江头街道*********" in result.text
    assert "5901" not in result.text
    assert_consistent(SHICHANG, result)


def test_traffic_case_masks_plates_ids_and_foreign_prefixed_mobiles():
    result = redact(
        JIAOTONG, persons=["刘德华", "张伟"], organisations=["深圳速达汽车租赁有限公司"]
    )
    for secret in (LIU_ID, "刘德华", "张伟", "D12345", "A1234F", "2345-6789", "振兴路"):
        assert secret not in result.text
    assert "粤B·******" in result.text
    assert "粤B******（挂靠深圳速达汽车租赁有限公司）" in result.text
    assert "手机+86 139-****-6789" in result.text
    assert "现住广东省深圳市福田区华强北街道*********。" in result.text
    assert_consistent(JIAOTONG, result)


def test_payment_by_bank_card_hides_the_card_and_the_old_id_number():
    result = redact(PAYMENT, persons=["司马光明"])
    digits_only = re.sub(r"[^0-9*]", "", result.text)
    assert CARD[:-4] not in digits_only
    assert f"**** **** **** ***{CARD[15]} {CARD[16:]}" in result.text
    assert f"公民身份号码 3502*******{ZHAO_ID_15[-4:]}" in result.text
    assert "司马某" in result.text
    assert "西街100号" not in result.text
    assert "户籍地：福建省泉州市鲤城区开元街道******。" in result.text
    assert "400-***-**56" in result.text
    assert "（010）******21" in result.text
    assert "泉州市鲤城区西街违法搭建雨棚" in result.text
    kinds = finding_kinds(result)
    assert kinds[ZHAO_ID_15] == "id_number"
    assert kinds["400-812-3456"] == "phone"
    assert_consistent(PAYMENT, result)


# --- single rules --------------------------------------------------------------------------


def test_an_18_digit_number_failing_the_checksum_is_left_unless_labelled_as_an_id():
    broken = WANG_ID[:17] + ("0" if WANG_ID[17] != "0" else "1")
    assert redact(f"案卷编号{broken}。").findings == ()
    labelled = redact(f"身份证号{broken}。")
    assert labelled.text == f"身份证号{broken[:4]}{'*' * 10}{broken[-4:]}。"


def test_an_all_digit_credit_code_is_no_id_number_even_when_it_passes_the_id_checksum():
    # digits 7-14 read as a birth date and the ID checksum passes; 91 is no province code
    code = next(
        code
        for n in range(1000)
        if (code := credit_code(f"91350219850307{n:03d}")).isdigit()
        and id_number_problem(code) is None
        and not luhn_valid(code)
    )
    assert redact(f"当事人的代码为{code}。").findings == ()


def test_a_number_labelled_as_a_credit_code_is_left_even_if_it_reads_as_an_id():
    assert redact(f"统一社会信用代码：{WANG_ID}").findings == ()


def test_lowercase_x_and_full_width_digits_are_read_like_the_id_they_are():
    with_x = next(
        id_number("110105", date(1990, 1, 1) + timedelta(days=n), 1)
        for n in range(400)
        if id_number("110105", date(1990, 1, 1) + timedelta(days=n), 1).endswith("X")
    )
    assert redact(with_x.lower()).text == with_x[:4] + "*" * 10 + with_x[-4:].lower()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "13859012345")
    assert redact(f"电话{full_width}").text == f"电话{full_width[:3]}****{full_width[-4:]}"


def test_a_name_is_masked_inside_longer_text_but_not_inside_an_organisation():
    result = redact(
        "张三经营的厦门张三餐饮有限公司由张三丰出资。",
        persons=["张三"],
        organisations=["厦门张三餐饮有限公司"],
    )
    assert result.text == "张某经营的厦门张三餐饮有限公司由张某丰出资。"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("张三", "张某"),
        ("王小明", "王某"),
        ("欧阳娜娜", "欧阳某"),
        ("诸葛亮", "诸葛某"),
        ("欧阳", "欧某"),
    ],
)
def test_a_name_becomes_surname_and_mou(name, shown):
    assert redact(f"当事人{name}。", persons=[name]).text == f"当事人{shown}。"


def test_overlapping_names_leave_no_character_of_either():
    result = redact("证人李明华到场。", persons=["李明", "明华"])
    assert result.text == "证人李某*到场。"
    assert [f.kind for f in result.findings] == ["person_name", "person_name"]


def test_a_given_address_is_found_also_without_its_administrative_levels():
    result = redact(
        "当事人在湖滨南路88号401室经营。",
        addresses=["福建省厦门市思明区湖滨南路88号401室"],
    )
    assert result.text == "当事人在***********经营。"


def test_a_kept_place_name_never_carries_a_persons_name():
    result = redact("住址：江苏省南京市玄武区某路1号", persons=["南京"])
    assert "南京" not in result.text
    assert result.text == "住址：江苏省**********"


def test_an_address_without_administrative_levels_is_hidden_entirely():
    assert redact("当事人，住址：金山花园3号楼").text == "当事人，住址：*******"
    assert redact("当事人，住址：阳光小区3号楼").text == "当事人，住址：*******"  # 小区 is no 区


def test_an_18_digit_number_with_an_impossible_birth_date_is_no_id_number():
    number = id_number("350203", date(1985, 3, 7), 1)
    first17 = number[:10] + "13" + number[12:17]  # month 13
    impossible = next(
        first17 + check for check in "0123456789X" if id_number_problem(first17 + check) is None
    )
    assert not (impossible.isdigit() and luhn_valid(impossible))  # no bank card either
    assert redact(f"编号{impossible}。").findings == ()


def test_masked_digits_are_never_read_as_a_new_number_on_a_second_run():
    tail = luhn_complete(WANG_ID[-4:] + "56789012345")[4:]
    text = f"身份证号码：{WANG_ID} {tail[:4]} {tail[4:8]} {tail[8:]}。"
    once = redact(text).text
    assert redact(once).text == once


def test_a_one_character_name_is_refused():
    with pytest.raises(ValueError, match="只有一个字"):
        redact("王", persons=["王"])


def test_nothing_personal_means_nothing_changes():
    text = "当事人厦门鹭港食品贸易有限公司于2026年1月8日销售过期食品，罚款5000元。"
    assert redact(text, organisations=["厦门鹭港食品贸易有限公司"]) == Redaction(text, ())


# --- properties ----------------------------------------------------------------------------


@given(before=filler, number=ids, after=filler)
def test_any_valid_id_number_in_chinese_text_is_found(before, number, after):
    result = redact(before + number + after)
    assert [(f.kind, f.start) for f in result.findings] == [("id_number", len(before))]
    assert result.text == before + number[:4] + "*" * 10 + number[-4:] + after


@given(before=filler, number=mobiles, after=filler)
def test_any_mobile_keeps_only_its_first_3_and_last_4(before, number, after):
    assert (
        redact(before + number + after).text == before + number[:3] + "****" + number[-4:] + after
    )


@given(before=filler, number=cards, after=filler)
def test_any_luhn_valid_card_number_keeps_only_its_last_4(before, number, after):
    result = redact(before + "卡号" + number + after)
    assert result.findings[0].kind in ("bank_card", "id_number")
    assert number not in result.text
    if result.findings[0].kind == "bank_card":
        assert result.findings[0].replacement == "*" * (len(number) - 4) + number[-4:]


@given(before=filler, plate=plates, after=filler)
def test_any_plate_keeps_only_its_province_and_letter(before, plate, after):
    assert (
        redact(before + plate + after).text == before + plate[:2] + "*" * (len(plate) - 2) + after
    )


@given(before=filler, code=credit_codes_with_a_letter, after=filler, labelled=st.booleans())
def test_credit_codes_survive(before, code, after, labelled):
    text = before + ("统一社会信用代码：" if labelled else "") + code + after
    assert redact(text).text == text


pieces = st.one_of(
    filler,
    ids,
    mobiles,
    cards,
    plates,
    credit_codes_with_a_letter,
    st.sampled_from(["王小明", "欧阳娜娜", "住址：厦门市思明区某路1号", "，", "。", "\n", " "]),
    st.text(max_size=8),
)


@settings(max_examples=300)
@given(parts=st.lists(pieces, max_size=12))
def test_redaction_changes_only_findings_and_a_second_run_changes_nothing(parts):
    text = "".join(parts)
    persons = ["王小明", "欧阳娜娜"]
    result = redact(text, persons=persons, organisations=["厦门鹭港食品贸易有限公司"])
    assert_consistent(text, result)
    again = redact(result.text, persons=persons, organisations=["厦门鹭港食品贸易有限公司"])
    assert again.text == result.text
    assert "王小明" not in result.text
    assert "欧阳娜娜" not in result.text
