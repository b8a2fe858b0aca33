"""Redaction of real-world and adversarial variants (issue #11): personal data written with
spaces, hyphens, invisible or look-alike characters is still found; public data (an
organisation's 住所, officers' certificates, the agency's telephone) is not masked."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from sanxiang.disclosure.normalise import plain_term, strip_bidi, view
from sanxiang.disclosure.redaction import redact
from tests.disclosure.test_redaction import assert_consistent, filler, id_number, ids, mobiles

ID = id_number("350203", date(1985, 3, 7), 1)
MASKED_ID = ID[:4] + "*" * 10 + ID[-4:]
INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\u00ad"]

# --- leaks ---------------------------------------------------------------------------------


def test_id_number_with_spaces_is_masked():
    text = f"身份证号码：{ID[:6]} {ID[6:14]} {ID[14:]}。"
    assert redact(text).text == f"身份证号码：{ID[:4]}** ******** {ID[-4:]}。"


def test_id_number_with_hyphens_is_masked():
    text = f"当事人（{ID[:6]}-{ID[6:14]}-{ID[14:]}）"
    assert redact(text).text == f"当事人（{ID[:4]}**-********-{ID[-4:]}）"


def test_id_number_in_full_width_digits_with_ideographic_spaces_is_masked():
    wide = "".join(chr(ord(c) + 0xFEE0) for c in ID)
    text = f"身份证{wide[:6]}\u3000{wide[6:]}"
    result = redact(text)
    assert result.findings[0].kind == "id_number"
    assert wide[6:14] not in result.text


def test_party_name_with_zero_width_space_is_masked():
    # registered with a zero-width space, written without it — and the other way round
    assert redact("当事人王小明到场。", persons=["王\u200b小明"]).text == "当事人王某到场。"
    assert redact("当事人王\u200b小明到场。", persons=["王小明"]).text == "当事人王某到场。"


def test_party_name_with_ordinary_spaces_is_masked():
    assert redact("当事人王 小 明到场。", persons=["王小明"]).text == "当事人王某到场。"
    assert redact("当事人王\u3000小明到场。", persons=["王小明"]).text == "当事人王某到场。"


def test_phone_with_spaces_and_zero_width_characters_is_masked():
    result = redact("联系电话：1385\u200b901 2345。")
    assert result.text == "联系电话：138**** 2345。"  # the invisible character goes too


def test_plate_with_spaces_is_masked():
    assert redact("车牌号闽D 1 2345。").text == "车牌号闽D * ****。"
    assert redact("车牌号闽 D12345。").text == "车牌号闽 D*****。"


def test_address_after_zhu_without_label_is_masked():
    result = redact("当事人王小明，男，住福建省厦门市思明区湖滨南路88号。", persons=["王小明"])
    assert result.text == "当事人王某，男，住福建省厦门市思明区*******。"


def test_address_label_with_spaces_is_masked():
    result = redact("当事人王小明\n住    址：福建省厦门市思明区湖滨南路88号\n", persons=["王小明"])
    assert result.text == "当事人王某\n住    址：福建省厦门市思明区*******\n"


def test_zhu_as_part_of_another_word_is_no_address_label():
    text = "当事人，住宿费用由本人承担，居住证明见附件3号。"
    assert redact(text).text == text


def test_plate_with_xue_suffix_is_masked():
    assert redact("驾驶闽D1234学教练车").text == "驾驶闽D****学教练车"


def test_plate_with_gua_and_jing_suffixes_is_masked():
    assert redact("牵引闽D5678挂").text == "牵引闽D****挂"
    assert redact("号牌闽A1234警").text == "号牌闽A****警"


def test_plate_with_traditional_province_character_is_masked():
    assert redact("车辆陜A12345停放").text == "车辆陜A*****停放"
    assert redact("车辆陝A12345停放").text == "车辆陝A*****停放"
    assert redact("車輛粵B12345").text == "車輛粵B*****"


def test_name_with_bullet_or_katakana_dot_is_masked_where_the_party_has_middle_dot():
    persons = ["阿依·买买提"]
    for dot in "•・･‧":
        result = redact(f"当事人阿依{dot}买买提到场。", persons=persons)
        assert result.text == "当事人阿某到场。", dot
    assert redact("当事人阿依买买提到场。", persons=persons).text == "当事人阿某到场。"


def test_partly_masked_id_still_showing_birth_date_is_masked_again():
    result = redact(f"身份证号码：{ID[:14]}****。")
    assert result.text == "身份证号码：" + ID[:4] + "*" * 14 + "。"
    assert ID[6:14] not in result.text


def test_partly_masked_phone_still_showing_seven_digits_is_masked_again():
    assert redact("电话1385901****").text == "电话138********"


def test_properly_masked_numbers_are_left_as_they_are():
    text = f"身份证号码：{MASKED_ID}，电话138****2345。"
    assert redact(text).text == text


# --- false positives -----------------------------------------------------------------------

COMPANY = "厦门鹭港食品贸易有限公司"


def test_company_zhusuo_is_not_masked():
    text = (
        f"当事人：{COMPANY}\n法定代表人：陈建国\n住所：福建省厦门市湖里区金尚路1号\n"
        "法定代表人家庭住址：厦门市湖里区江头街道台湾街88号\n"
    )
    result = redact(text, persons=["陈建国"], organisations=[COMPANY])
    assert "住所：福建省厦门市湖里区金尚路1号" in result.text
    assert "台湾街88号" not in result.text
    assert "陈建国" not in result.text


def test_company_zhusuo_without_an_organisation_list_is_not_masked():
    text = "当事人：厦门某某贸易有限公司，法定代表人陈建国，住所：厦门市湖里区金尚路1号。"
    assert "金尚路1号" in redact(text, persons=["陈建国"]).text


def test_officer_certificate_number_is_not_taken_for_phone():
    text = "执法人员张强（执法证号：13502001234）、李军（执法证号：13502001235）到场检查。"
    assert redact(text).text == text
    together = "执法人员张强、李军（执法证件号：13502001234、13502001235）。"
    assert redact(together).text == together


def test_officer_certificate_number_given_as_public_is_not_masked_without_a_label():
    text = "执法人员张强 13502001234 到场检查，当事人手机13859012345。"
    result = redact(text, public=["13502001234"])
    assert result.text == "执法人员张强 13502001234 到场检查，当事人手机138****2345。"


def test_id_number_after_a_certificate_in_the_same_clause_is_still_masked():
    text = f"执法人员出示执法证后查验当事人身份证号码{ID}。"
    assert MASKED_ID in redact(text).text


def test_agency_phone_is_not_masked():
    text = "如有疑问请联系本机关，联系电话：0592-2123456；当事人电话0592-5012345。"
    result = redact(text, public=["0592 2123456"])
    assert "联系电话：0592-2123456" in result.text
    assert "0592-*****45" in result.text


def test_agency_address_is_not_masked():
    text = "本机关联系地址：福建省厦门市思明区湖滨北路100号。"
    result = redact(text, public=["福建省厦门市思明区湖滨北路100号"])
    assert result.text == text


def test_surname_inside_organisation_name_is_not_masked():
    # the organisation written with a zero-width space and full-width parentheses
    text = "当事人张三受雇于厦门张三（餐饮）\u200b有限公司。"
    result = redact(text, persons=["张三"], organisations=["厦门张三(餐饮)有限公司"])
    assert result.text == "当事人张某受雇于厦门张三（餐饮）\u200b有限公司。"


def test_party_name_inside_place_name_is_not_masked():
    result = redact("当事人金华在浙江省金华市经营，金华承认。", persons=["金华"])
    assert result.text == "当事人金某在浙江省金华市经营，金某承认。"


# --- bidirectional controls ----------------------------------------------------------------


def test_bidi_controls_are_stripped_from_text_to_publish():
    text = "罚款\u202e0005\u202c元，\u2066当事人\u2069\u200f。"
    assert strip_bidi(text) == "罚款0005元，当事人。"
    assert strip_bidi("普通文字") == "普通文字"


def test_name_split_by_a_right_to_left_override_is_masked():
    result = redact("当事人王\u202e小明\u202c到场。", persons=["王小明"])
    assert result.text == "当事人王某\u202c到场。"


# --- the normalised view -------------------------------------------------------------------


def test_view_maps_every_character_back_to_the_original():
    text = "电话：１３８\u200b 5901-2345"
    joined = view(text, joined=True)
    assert joined.text == "电话:13859012345"
    assert joined.original_span(3, 14) == (3, len(text))
    assert plain_term("王 \u200b小明") == "王小明"


# --- properties ----------------------------------------------------------------------------

noise = st.lists(st.sampled_from([*INVISIBLES, " ", "-", "\u3000", "－"]), max_size=2).map("".join)


def scatter(draw: st.DrawFn, value: str, inserts: st.SearchStrategy[str]) -> str:
    """``value`` with something drawn from ``inserts`` between its characters."""
    return value[0] + "".join(draw(inserts) + char for char in value[1:])


@st.composite
def scattered_ids(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(ids)
    return number, scatter(draw, number, noise)


@st.composite
def scattered_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(mobiles)
    return number, scatter(draw, number, noise)


def digits_of(text: str) -> str:
    return "".join(c for c in plain_term(text) if c.isdigit() or c in "Xx*")


@settings(max_examples=200)
@given(before=filler, pair=scattered_ids(), after=filler)
def test_separators_or_invisible_characters_inside_an_id_number_never_make_it_leak(
    before, pair, after
):
    number, written = pair
    text = before + "身份证号码：" + written + after
    result = redact(text)
    assert_consistent(text, result)
    assert digits_of(result.text) == number[:4] + "*" * 10 + number[-4:]


@settings(max_examples=200)
@given(before=filler, pair=scattered_mobiles(), after=filler)
def test_separators_or_invisible_characters_inside_a_mobile_never_make_it_leak(before, pair, after):
    number, written = pair
    text = before + "，" + written + "，" + after
    result = redact(text)
    assert digits_of(result.text) == number[:3] + "****" + number[-4:]


name_noise = st.lists(st.sampled_from([*INVISIBLES, " ", "\u3000"]), max_size=2).map("".join)
NAMES = ["王小明", "欧阳娜娜", "阿依·买买提", "李秀英"]


@settings(max_examples=200)
@given(
    before=filler,
    name=st.sampled_from(NAMES),
    data=st.data(),
    after=filler,
    registered_noise=st.booleans(),
)
def test_invisible_characters_or_spaces_inside_a_name_never_make_it_leak(
    before, name, data, after, registered_noise
):
    written = scatter(data.draw, name, name_noise)
    registered = scatter(data.draw, name, name_noise) if registered_noise else name
    text = before + "当事人" + written + "。" + after
    result = redact(text, persons=[registered])
    assert_consistent(text, result)
    assert plain_term(name).replace("·", "") not in plain_term(result.text).replace("·", "")


pieces = st.one_of(
    filler,
    ids,
    mobiles,
    st.sampled_from(
        ["王小明", "王\u200b小明", "住址：厦门市思明区某路1号", "，住厦门市湖里区金尚路1号", "，"]
    ),
    st.sampled_from(["闽D1234学", "陜A12345", "3502031985******12", "1385901****", "\n", " "]),
    st.text(max_size=6),
)


@settings(max_examples=300)
@given(parts=st.lists(pieces, max_size=12))
def test_redacting_variants_twice_changes_nothing_more(parts):
    text = "".join(parts)
    result = redact(text, persons=["王小明"], public=["0592-2123456"])
    assert_consistent(text, result)
    assert redact(result.text, persons=["王小明"], public=["0592-2123456"]).text == result.text


numberless = st.lists(
    st.one_of(
        filler.filter(bool),
        # at most 5 digits, always after Chinese text: never joined into a longer number
        st.tuples(filler.filter(bool), st.from_regex(r"[0-9]{1,5}", fullmatch=True)).map("".join),
        st.sampled_from([*INVISIBLES, " ", "-", "，", "。", "\n", "（", "）", "·", "•"]),
    ),
    max_size=15,
).map("".join)


@settings(max_examples=300)
@given(text=numberless)
def test_text_without_personal_data_is_unchanged(text):
    assert redact(text, persons=["王小明"], organisations=["厦门鹭港食品贸易有限公司"]).text == text


def test_a_name_before_market_or_citizens_is_still_the_person():
    result = redact("王小明市场摊位被占，金华市民金华到场。", persons=["王小明", "金华"])
    assert result.text == "王某市场摊位被占，金某市民金某到场。"  # when unsure, masked


def test_an_id_number_right_after_an_address_label_is_masked_once_and_stays_so():
    once = redact(f"居住地{ID}").text
    assert once == f"居住地{MASKED_ID}"
    assert redact(once).text == once
