"""Write the redaction evaluation set, ``data/redaction-eval/cases.jsonl``, from templates.

Every text is synthetic: excerpts of 行政处罚决定书 of 城管, 市场监管 and 交通 cases written for
this set, with invented names, numbers (valid check characters, random digits), plates and
addresses; no real person's data. The same seed gives the same file byte for byte, so the test
suite can check that the file is what this script writes.

The templates mark what they insert: ``⟦kind:value⟧`` is personal data that must be hidden
(``kind`` one of ``redaction.KINDS``), ``⟪public:value⟫`` is public data that must stay as
written (officers' certificate numbers, the agency's telephone and address, an organisation's
住所 or name). The markers are removed and become labelled spans; see
``data/redaction-eval/README.md`` for the format.

Run: ``.venv/bin/python scripts/make_redaction_eval.py`` (rewrites the file).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sanxiang.core.identifiers import credit_code_check_char

OUT = Path(__file__).resolve().parents[1] / "data" / "redaction-eval" / "cases.jsonl"
HANDWRITTEN_OUT = OUT.with_name("handwritten.jsonl")
SEED = 20261205
COUNT = 64

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁任沈"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红春晓燕海波鹏飞玉兰文斌宇浩"
COMPOUND = ["欧阳", "司马", "诸葛", "上官", "东方"]
MINORITY = ["阿依古丽·买买提", "艾力·热合曼", "古丽米拉·吐尔逊", "迪丽娜·阿不都"]
PLACE_NAMES = [("江山", "浙江省江山市"), ("金华", "浙江省金华市"), ("海宁", "浙江省海宁市")]
# (province, city, district, area code, ID region, plate province, plate letters)
PLACES = [
    ("福建省", "厦门市", "思明区", "0592", "350203", "闽", "D"),
    ("福建省", "厦门市", "湖里区", "0592", "350206", "闽", "D"),
    ("广东省", "深圳市", "福田区", "0755", "440304", "粤", "B"),
    ("陕西省", "西安市", "雁塔区", "029", "610113", "陕", "A"),
    ("江苏省", "南京市", "玄武区", "025", "320102", "苏", "A"),
    ("四川省", "成都市", "武侯区", "028", "510107", "川", "A"),
]
ROADS = ["湖滨南路", "嘉禾路", "振兴路", "长安南路", "中山东路", "人民南路", "金尚路", "莲前西路"]
TRADE = ["鹭港", "禾丰", "恒顺", "佳禾", "新锐", "宏达", "永利", "百味"]
BUSINESS = ["食品贸易", "餐饮管理", "汽车租赁", "建材", "物流", "商贸"]
VARIANT_DOTS = "•・･‧"
TRADITIONAL = {"陕": "陜", "粤": "粵", "闽": "閩", "苏": "蘇"}

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


class Maker:
    """Random synthetic values; ``adversarial`` turns on the disguises of issue #11."""

    def __init__(self, rng: random.Random, adversarial: bool) -> None:
        self.rng = rng
        self.adversarial = adversarial
        self.place = rng.choice(PLACES)

    def chance(self, p: float) -> bool:
        return self.adversarial and self.rng.random() < p

    def name(self) -> str:
        rng = self.rng
        if rng.random() < 0.1:
            return rng.choice(COMPOUND) + rng.choice(GIVEN) + rng.choice(GIVEN)
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        return rng.choice(SURNAMES) + given

    def written_name(self, name: str) -> str:
        """How a name is written in the text (zero-width or ordinary space, dot variant)."""
        if "·" in name and self.chance(0.8):
            return name.replace("·", self.rng.choice(VARIANT_DOTS))
        if self.chance(0.25):
            cut = self.rng.randrange(1, len(name))
            return name[:cut] + self.rng.choice(["\u200b", " ", "\u3000", "\u2060"]) + name[cut:]
        return name

    def id_number(self, region: str | None = None) -> str:
        born = date(1950, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 55))
        first17 = f"{region or self.place[4]}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
        total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
        return first17 + "10X98765432"[total % 11]

    def written_number(self, number: str, groups: tuple[int, ...]) -> str:
        """Contiguous, or in groups with spaces or hyphens, full-width, or with a zero-width
        character inside."""
        if not self.adversarial:
            return number
        style = self.rng.choice(["plain", "spaces", "hyphens", "wide", "zero-width"])
        if style in ("spaces", "hyphens"):
            parts, position = [], 0
            for size in groups:
                parts.append(number[position : position + size])
                position += size
            parts.append(number[position:])
            return (" " if style == "spaces" else "-").join(p for p in parts if p)
        if style == "wide":
            return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
        if style == "zero-width":
            cut = self.rng.randrange(1, len(number))
            return number[:cut] + "\u200b" + number[cut:]
        return number

    def mobile(self) -> str:
        return f"1{self.rng.choice('35789')}{self.rng.randrange(10)}" + "".join(
            str(self.rng.randrange(10)) for _ in range(8)
        )

    def landline(self, area: str | None = None) -> str:
        area = area or self.place[3]
        digits = 8 if len(area) == 3 else 7
        return (
            area
            + "-"
            + str(self.rng.randrange(2, 9))
            + "".join(str(self.rng.randrange(10)) for _ in range(digits - 1))
        )

    def certificate(self) -> str:
        # 执法证号: 11 digits that look like a mobile number (the false positive of issue #11)
        return "13" + "".join(str(self.rng.randrange(10)) for _ in range(9))

    def card(self) -> str:
        first = "6222" + "".join(str(self.rng.randrange(10)) for _ in range(14))
        total = 0
        for position, char in enumerate(reversed(first)):
            value = int(char) * (1 if position % 2 else 2)
            total += value - 9 if value > 9 else value
        return first + str((10 - total % 10) % 10)

    def plate(self, suffix: str = "") -> str:
        province, letter = self.place[5], self.place[6]
        if self.chance(0.3) and province in TRADITIONAL:
            province = TRADITIONAL[province]
        tail = "".join(str(self.rng.randrange(10)) for _ in range(4 if suffix else 5))
        if self.chance(0.3):
            tail = tail[:2] + " " + tail[2:]
        return province + letter + tail + suffix

    def street(self) -> str:
        road, number = self.rng.choice(ROADS), self.rng.randrange(1, 300)
        return f"{road}{number}号{self.rng.randrange(1, 30)}0{self.rng.randrange(1, 9)}室"

    def address(self) -> str:
        province, city, district = self.place[:3]
        return f"{province}{city}{district}{self.street()}"

    def company(self, inside: str = "") -> str:
        city = self.place[1].removesuffix("市")
        return f"{city}{inside or self.rng.choice(TRADE)}{self.rng.choice(BUSINESS)}有限公司"

    def credit_code(self) -> str:
        first17 = (
            "91"
            + self.place[4]
            + "MA"
            + "".join(self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(7))
        )
        return first17 + credit_code_check_char(first17)

    def agency(self, field: str) -> str:
        return f"{self.place[1]}{self.place[2]}{field}"


def P(kind: str, value: str) -> str:  # noqa: N802 - reads like the marker it writes
    return f"⟦{kind}:{value}⟧"


def K(value: str) -> str:  # noqa: N802
    return f"⟪public:{value}⟫"


def officers(m: Maker) -> tuple[str, list[str]]:
    names = [m.name(), m.name()]
    certificates = [m.certificate(), m.certificate()]
    if m.rng.random() < 0.5:
        text = "、".join(
            f"{K(n)}（执法证号：{K(c)}）" for n, c in zip(names, certificates, strict=True)
        )
    else:
        numbers = f"{K(certificates[0])}、{K(certificates[1])}"
        text = f"{K(names[0])}、{K(names[1])}（执法证件号：{numbers}）"
    return text, [*names, *certificates]


def agency_footer(m: Maker, agency: str) -> tuple[str, list[str]]:
    phone, address = m.landline(), f"{m.place[0]}{m.place[1]}{m.place[2]}{m.rng.choice(ROADS)}1号"
    text = f"{agency}\n联系地址：{K(address)}\n联系电话：{K(phone)}\n"
    return text, [agency, phone, address]


Case = dict[str, Any]


def chengguan_stall(m: Maker) -> Case:
    name, witness = m.name(), m.name()
    agency = m.agency("城市管理行政执法局")
    crew, crew_public = officers(m)
    footer, footer_public = agency_footer(m, agency)
    label = "住    址" if m.chance(0.4) else "住址"
    home = m.address()
    where = f"，住{P('address', home)}" if m.chance(0.4) else f"，{label}：{P('address', home)}"
    text = (
        f"{agency}\n行政处罚决定书\n当事人：{P('person_name', m.written_name(name))}，男，"
        f"身份证号码：{P('id_number', m.written_number(m.id_number(), (6, 8)))}{where}，"
        f"联系电话：{P('phone', m.written_number(m.mobile(), (3, 4)))}。\n"
        f"经查，当事人{P('person_name', m.written_name(name))}在{m.place[2]}{m.rng.choice(ROADS)}"
        f"人行道上摆摊占道经营。执法人员{crew}当场责令改正，当事人拒不改正。"
        f"证人{P('person_name', m.written_name(witness))}（电话{P('phone', m.landline())}）"
        f"的证言可以证实。\n依据《城市市容和环境卫生管理条例》第三十六条，决定罚款人民币贰佰元。\n"
        + footer
    )
    return {"text": text, "persons": [name, witness], "public": crew_public + footer_public}


def market_company(m: Maker) -> Case:
    rep = m.name()
    company = m.company(inside=rep[0] + m.rng.choice("记氏家") if m.rng.random() < 0.5 else "")
    agency = m.agency("市场监督管理局")
    crew, crew_public = officers(m)
    footer, footer_public = agency_footer(m, agency)
    seat = m.address()
    text = (
        f"{agency}\n行政处罚决定书\n当事人：{K(company)}\n统一社会信用代码：{m.credit_code()}\n"
        f"法定代表人：{P('person_name', m.written_name(rep))}\n住所：{K(seat)}\n"
        f"法定代表人联系电话：{P('phone', m.written_number(m.mobile(), (3, 4)))}，"
        f"家庭住址：{P('address', m.address())}\n"
        f"本局执法人员{crew}对当事人经营场所进行检查，发现当事人销售超过保质期的食品。"
        f"法定代表人{P('person_name', m.written_name(rep))}在询问笔录中承认上述事实。\n"
        f"依据《中华人民共和国食品安全法》第一百二十四条，决定罚款人民币伍万元。\n" + footer
    )
    return {
        "text": text,
        "persons": [rep],
        "organisations": [company],
        "public": crew_public + footer_public + [seat],
    }


def traffic_ride_hailing(m: Maker) -> Case:
    driver, passenger = m.name(), m.name()
    agency = m.agency("交通运输局")
    crew, crew_public = officers(m)
    owner = m.company()
    text = (
        f"{agency}\n行政处罚决定书\n当事人：{P('person_name', m.written_name(driver))}，"
        f"公民身份号码 {P('id_number', m.written_number(m.id_number(), (6, 8)))}，"
        f"现住{P('address', m.address())}。\n经查，当事人驾驶车牌号为{P('plate', m.plate())}"
        f"的小型客车，未取得网络预约出租汽车运输证从事网约车经营。同车乘客"
        f"{P('person_name', m.written_name(passenger))}（手机"
        f"{P('phone', m.written_number(m.mobile(), (3, 4)))}）的陈述可以证实。"
        f"该车登记在{K(owner)}名下。执法人员：{crew}。\n"
        f"依据《网络预约出租汽车经营服务管理暂行办法》第三十四条，决定罚款人民币壹万元。\n"
    )
    return {
        "text": text,
        "persons": [driver, passenger],
        "organisations": [owner],
        "public": crew_public,
    }


def chengguan_building_card(m: Maker) -> Case:
    name = m.name()
    agency = m.agency("城市管理局")
    card = m.card()
    footer, footer_public = agency_footer(m, agency)
    written_card = (
        " ".join(card[i : i + 4] for i in range(0, len(card), 4)) if m.chance(0.5) else card
    )
    text = (
        f"{agency}\n行政处罚决定书\n当事人：{P('person_name', m.written_name(name))}，"
        f"身份证号：{P('id_number', m.written_number(m.id_number(), (6, 8)))}，"
        f"户籍地：{P('address', m.address())}。\n当事人于{m.place[2]}违法搭建雨棚，"
        f"决定罚款人民币壹仟元。当事人申请以本人银行卡{P('bank_card', written_card)}缴纳罚款。\n"
        + footer
    )
    return {"text": text, "persons": [name], "public": footer_public}


def market_individual(m: Maker) -> Case:
    owner = m.name()
    shop = f"{m.place[1].removesuffix('市')}{owner}{m.rng.choice(['水果店', '小吃店', '五金店'])}"
    agency = m.agency("市场监督管理局")
    crew, crew_public = officers(m)
    text = (
        f"当事人：{K(shop)}（个体工商户）\n经营者：{P('person_name', m.written_name(owner))}，"
        f"女，身份证号码：{P('id_number', m.written_number(m.id_number(), (6, 8)))}，"
        f"联系方式：{P('phone', m.written_number(m.mobile(), (3, 4)))}\n"
        f"{agency}执法人员{crew}检查发现，当事人未明码标价。\n"
        f"依据《价格违法行为行政处罚规定》第十三条，决定给予警告并罚款人民币伍佰元。\n"
    )
    return {
        "text": text,
        "persons": [owner],
        "organisations": [shop],
        "public": [*crew_public, agency],
    }


def traffic_overload(m: Maker) -> Case:
    driver = m.name()
    owner = m.company()
    agency = m.agency("交通运输综合行政执法大队")
    seat = m.address()
    crew, crew_public = officers(m)
    text = (
        f"{agency}\n当事人：{P('person_name', m.written_name(driver))}，"
        f"驾驶证号：{P('id_number', m.written_number(m.id_number(), (6, 8)))}，"
        f"电话：{P('phone', m.written_number(m.mobile(), (3, 4)))}\n"
        f"车辆所有人：{K(owner)}，住所：{K(seat)}\n经查，当事人驾驶{P('plate', m.plate())}"
        f"牵引{P('plate', m.plate('挂'))}重型半挂车超限运输，经检测车货总质量超过限值。"
        f"执法人员{crew}现场检查。\n依据《公路安全保护条例》第六十六条，决定罚款人民币叁仟元。\n"
    )
    return {
        "text": text,
        "persons": [driver],
        "organisations": [owner],
        "public": [*crew_public, seat],
    }


def driving_school(m: Maker) -> Case:
    coach = m.name()
    school = m.company(inside=m.rng.choice(TRADE) + "驾驶培训")
    agency = m.agency("交通运输局")
    footer, footer_public = agency_footer(m, agency)
    text = (
        f"当事人：{P('person_name', m.written_name(coach))}，系{K(school)}教练员，"
        f"手机号码{P('phone', m.written_number(m.mobile(), (3, 4)))}。\n"
        f"经查，当事人驾驶教练车{P('plate', m.plate('学'))}在非指定路段从事驾驶培训。\n"
        f"依据《机动车驾驶员培训管理规定》第五十一条，决定罚款人民币伍佰元。\n" + footer
    )
    return {
        "text": text,
        "persons": [coach],
        "organisations": [school],
        "public": footer_public,
    }


def partly_masked(m: Maker) -> Case:
    name = m.name()
    number = m.id_number()
    mobile = m.mobile()
    agency = m.agency("城市管理行政执法局")
    shown_id = number[:14] + "****" if m.rng.random() < 0.5 else number[:10] + "****" + number[14:]
    text = (
        f"{agency}\n当事人：{P('person_name', m.written_name(name))}，"
        f"身份证号码：{P('id_number', shown_id)}，联系电话：{P('phone', mobile[:7] + '****')}。\n"
        f"当事人在{m.place[2]}{m.rng.choice(ROADS)}违规设置户外广告，决定罚款人民币伍佰元。\n"
    )
    return {"text": text, "persons": [name], "public": [agency]}


def place_named_party(m: Maker) -> Case:
    name, place = m.rng.choice(PLACE_NAMES)
    agency = m.agency("市场监督管理局")
    text = (
        f"{agency}\n当事人：{P('person_name', name)}，身份证号码："
        f"{P('id_number', m.id_number('330881'))}。\n当事人在{place}经营农资，"
        f"后迁至{m.place[1]}经营，其购进的化肥未经检验。当事人{P('person_name', name)}对"
        f"上述事实无异议。决定没收违法所得并罚款人民币贰仟元。\n"
    )
    return {"text": text, "persons": [name], "public": [agency]}


def minority_party(m: Maker) -> Case:
    name = m.rng.choice(MINORITY)
    agency = m.agency("城市管理局")
    crew, crew_public = officers(m)
    text = (
        f"{agency}\n当事人：{P('person_name', m.written_name(name))}，维吾尔族，"
        f"住址：{P('address', m.address())}，"
        f"电话：{P('phone', m.written_number(m.mobile(), (3, 4)))}。\n"
        f"当事人{P('person_name', m.written_name(name))}在{m.place[2]}夜市占道烧烤，"
        f"执法人员{crew}到场。决定罚款人民币叁佰元。\n"
    )
    return {"text": text, "persons": [name], "public": [*crew_public, agency]}


TEMPLATES: list[Callable[[Maker], Case]] = [
    chengguan_stall,
    market_company,
    traffic_ride_hailing,
    chengguan_building_card,
    market_individual,
    traffic_overload,
    driving_school,
    partly_masked,
    place_named_party,
    minority_party,
]

# Written by hand (invented people, numbers and places), mostly traps for false positives:
# dates, amounts, article and document numbers, hotlines, certificates in other formats.
HANDWRITTEN: list[Case] = [
    {
        "text": "执法人员：⟪public:林志远⟫（闽执字第⟪public:35020012345⟫号）、⟪public:黄丽⟫"
        "（闽执字第⟪public:35020012346⟫号）对当事人⟦person_name:陈晓东⟧的摊点进行检查。",
        "persons": ["陈晓东"],
    },
    {
        "text": "检查时间：2026年3月2日9时30分至10时15分；罚款金额：人民币10000.00元；"
        "如有疑问可拨打⟪public:12345⟫市民热线、⟪public:12315⟫投诉举报热线。",
    },
    {
        "text": "依据《中华人民共和国道路运输条例》第六十三条、《湖南省道路运输条例》第58条，"
        "决定书文号：湘交执罚〔2026〕0301号，案件编号2026-0301-017。",
    },
    {
        "text": "当事人：⟪public:长沙市芙蓉区王记米粉店⟫（经营者：⟦person_name:王建军⟧），"
        "统一社会信用代码：⟪public:92430102MA4L123456⟫，"
        "经营场所：长沙市芙蓉区五一大道100号。",
        "persons": ["王建军"],
        "organisations": ["长沙市芙蓉区王记米粉店"],
    },
    {
        "text": "当事人⟦person_name:王建军⟧，公民身份号码为⟦id_number:430102 1980 0101 1234⟧，"
        "联系电话为⟦phone:0731-8888 6666⟧。",
        "persons": ["王建军"],
    },
    {
        "text": "车牌号码：⟦plate:湘A·D12345⟧（新能源），挂车⟦plate:湘A1234挂⟧，"
        "车辆所有人⟪public:长沙顺达物流有限公司⟫。",
        "organisations": ["长沙顺达物流有限公司"],
    },
    {
        "text": "当事人：⟦person_name:刘晓燕⟧，女，汉族，"
        "住⟦address:湖南省长沙市岳麓区麓山南路932号⟧。",
        "persons": ["刘晓燕"],
    },
    {
        "text": "执法人员出示了执法证件（证号：⟪public:43010012345⟫、⟪public:43010012346⟫），"
        "告知当事人⟦person_name:刘晓燕⟧享有陈述、申辩的权利。",
        "persons": ["刘晓燕"],
    },
    {
        "text": "当事人联系电话：⟦phone:0731-88886666⟧；本局地址：⟪public:长沙市天心区书院路1号⟫，"
        "联系电话：⟪public:0731-85558888⟫。",
        "public": ["0731-85558888", "长沙市天心区书院路1号"],
    },
    {
        "text": "驾驶人⟦person_name:刘​晓燕⟧驾驶⟦plate:湘AB1234⟧号小型轿车，"
        "同行人⟦person_name:欧阳•明⟧（手机⟦phone:１３９ ０７３１ ２２３３⟧）在场。",
        "persons": ["刘晓燕", "欧阳·明"],
    },
    {
        "text": "当事人⟦person_name:赵敏⟧提供的身份证复印件显示号码为"
        "⟦id_number:43010219800101****⟧，联系电话⟦phone:1397310****⟧。",
        "persons": ["赵敏"],
    },
    {
        "text": "当事人⟪public:湖南赵敏文化传媒有限公司⟫，"
        "住所：⟪public:湖南省长沙市开福区湘江中路8号⟫，法定代表人：⟦person_name:赵敏⟧。",
        "persons": ["赵敏"],
        "organisations": ["湖南赵敏文化传媒有限公司"],
    },
]

_MARK = re.compile(r"⟦([a-z_]+):(.*?)⟧|⟪public:(.*?)⟫", re.DOTALL)


def unmark(marked: str) -> tuple[str, list[dict[str, object]]]:
    """The text without markers and its labelled spans (offsets in code points)."""
    parts: list[str] = []
    spans: list[dict[str, object]] = []
    position, length = 0, 0
    for match in _MARK.finditer(marked):
        before = marked[position : match.start()]
        parts.append(before)
        length += len(before)
        value = match.group(2) if match.group(1) else match.group(3)
        category = match.group(1) or "public"
        spans.append({"category": category, "start": length, "end": length + len(value)})
        parts.append(value)
        length += len(value)
        position = match.end()
    parts.append(marked[position:])
    return "".join(parts), spans


def cases() -> list[dict[str, object]]:
    rng = random.Random(SEED)  # noqa: S311 - reproducible test data, no secret
    out = []
    for number in range(COUNT):
        template = TEMPLATES[number % len(TEMPLATES)]
        adversarial = number >= len(TEMPLATES) * 2  # the first two rounds are written plainly
        maker = Maker(rng, adversarial)
        case = template(maker)
        text, spans = unmark(case["text"])
        out.append(
            {
                "id": f"{number + 1:03d}-{template.__name__}",
                "synthetic": True,
                "adversarial": adversarial,
                "text": text,
                "persons": case["persons"],
                "addresses": case.get("addresses", []),
                "organisations": case.get("organisations", []),
                "public": case.get("public", []),
                "spans": spans,
            }
        )
    return out


def handwritten() -> list[dict[str, object]]:
    out = []
    for number, case in enumerate(HANDWRITTEN, start=1):
        text, spans = unmark(case["text"])
        out.append(
            {
                "id": f"h{number:02d}",
                "synthetic": True,
                "adversarial": False,
                "text": text,
                "persons": case.get("persons", []),
                "addresses": case.get("addresses", []),
                "organisations": case.get("organisations", []),
                "public": case.get("public", []),
                "spans": spans,
            }
        )
    return out


def render(generated: bool = True) -> str:
    rows = cases() if generated else handwritten()
    return "".join(json.dumps(case, ensure_ascii=False) + "\n" for case in rows)


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(), encoding="utf-8")
    HANDWRITTEN_OUT.write_text(render(generated=False), encoding="utf-8")
    print(f"wrote {COUNT} generated and {len(HANDWRITTEN)} hand-written synthetic texts")


if __name__ == "__main__":
    main()
