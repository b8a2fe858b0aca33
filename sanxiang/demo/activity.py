"""A year of demo activity: cases in every state, reviews, publications and an annual report.

Everything is done through the services, as the officers would have done it, at the moment they
would have done it (``demo/clock.py``): each case is a little story (a generator that yields how
long to wait before its next step), and the stories of both agencies are played in the order of
their moments, so every log's events are appended in time order. A story whose next moment lies
in the future stops there, which leaves the recent cases open in whatever state they reached.

Deterministic: a fixed seed and the day it is run decide everything. PDFs are not made here
(LibreOffice takes seconds a document): ``sanxiang documents pdf`` or the first reader makes
them; only the handful of archived cases convert theirs, since a sealed package holds them.
"""

from __future__ import annotations

import heapq
import io
import logging
import os
import random
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from sanxiang.cases.circumstances import CaseDiscretion, case_discretion
from sanxiang.cases.models import Case, Procedure
from sanxiang.cases.services import (
    Assessment,
    NewCase,
    Tick,
    case_assess,
    case_basis_set,
    case_circumstances_set,
    case_open,
    case_transition,
    case_violation_choose,
    document_generate,
    evidence_reference,
    handlers_set,
    no_penalty_propose,
    party_add,
    payment_record,
)
from sanxiang.cases.statements import WAIVED, WAYS
from sanxiang.core.identifiers import credit_code_check_char
from sanxiang.core.selectors import get_calendar
from sanxiang.demo.clock import DemoClock, demo_clock
from sanxiang.demo.evaluation import STARTS_BEFORE_END as EVALUATION_STARTS_BEFORE_END
from sanxiang.demo.evaluation import evaluation_story
from sanxiang.disclosure.annual import annual_figures
from sanxiang.disclosure.models import AnnualReport, Publication, PublicationStatus
from sanxiang.disclosure.services import (
    annual_snapshot,
    publication_confirm,
    publication_draft,
    publication_withdraw,
    report_publish,
)
from sanxiang.discretion.models import CircumstanceKind
from sanxiang.discretion.selectors import circumstances_for, violation_search
from sanxiang.errors import DomainError
from sanxiang.evidence.models import EvidenceItem
from sanxiang.evidence.services import Upload, evidence_register
from sanxiang.evidence.storage import digest_stream
from sanxiang.ledger.services import tree_heads_sign
from sanxiang.notifications.models import Notification
from sanxiang.notifications.services import notification_read
from sanxiang.org.models import Agency, Article, EnforcementCategory, Officer, Role
from sanxiang.review.models import OPINION_POINTS, RequiredMaterial, Review
from sanxiang.review.services import PointInput, answer_write, opinion_write, review_submit
from sanxiang.supervision.reporting import submission_make
from sanxiang.supervision.reporting_models import Submission, SubmissionKind
from sanxiang.supervision.reporting_rules import bodies_over

logger = logging.getLogger(__name__)

#: How many cases ``sanxiang demo`` makes per agency unless told otherwise.
DEFAULT_CASES = 100
#: How far back the demo's year of activity starts.
HISTORY_DAYS = 400
SEED = 20260101
#: The title every demo case's source carries, so a second run knows the activity is there.
DEMO_SOURCE_MARK = "（演示数据）"
SHANGHAI = timezone.get_fixed_timezone(8 * 60)

Wait = timedelta | None  # what a story yields: how long until its next step (None: it is done)
Story = Generator[timedelta, None, None]

# --- realistic, fictional parties and places -----------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "建国", "玉兰",
    "志强", "海燕", "春梅", "国庆", "晓东", "丹", "鹏", "辉", "婷", "宇", "浩然", "子涵",
)  # fmt: skip
TRADE_NAMES = (
    "恒达", "鑫源", "华联", "博远", "瑞丰", "金盛", "宏图", "永信", "佳和", "天utf", "润泽",
    "兴隆", "诚德", "锦程", "汇通", "盛世", "东方", "嘉禾", "远航", "聚力", "新创", "丰泰",
)  # fmt: skip
TRADES = ("商贸", "建材", "餐饮管理", "广告传媒", "装饰工程", "物业服务", "建筑劳务", "文化传播")
STREETS = (
    "人民路", "建设大道", "解放路", "中山路", "滨江路", "文化路", "新华街", "长安路", "和平路",
    "光明路", "学府路", "工业大道", "胜利街", "迎宾大道", "青年路", "朝阳街",
)  # fmt: skip
DISTRICTS = ("思源区", "临江区")


def _person_id(rng: random.Random) -> str:
    """A checksum-valid 居民身份证号码 in the fictional region 990102 (示范市)."""
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
    first17 = f"99010{rng.choice('23')}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def _company_code(rng: random.Random) -> str:
    """A checksum-valid 统一社会信用代码 of a fictional enterprise registered in 990100."""
    first17 = f"9199010{rng.choice('02')}MA{rng.randrange(0, 10**7):07d}"
    return first17 + credit_code_check_char(first17)


@dataclass(frozen=True)
class Party:
    kind: str
    name: str
    identifier: str
    address: str
    contact: str


def _party(rng: random.Random, *, company: bool) -> Party:
    district = rng.choice(DISTRICTS)
    address = f"示范市{district}{rng.choice(STREETS)}{rng.randrange(1, 300)}号"
    phone = f"1{rng.choice('358')}{rng.randrange(0, 10**9):09d}"
    if company:
        trade = rng.choice(TRADE_NAMES).replace("utf", "宇")
        name = f"示范市{trade}{rng.choice(TRADES)}有限公司"
        return Party("organisation", name, _company_code(rng), address, phone)
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    return Party("person", name, _person_id(rng), address, phone)


# --- what the agencies' officers find -------------------------------------------------------------

MARKET = "城市市容和环境卫生管理条例"


@dataclass(frozen=True)
class Violation:
    """One kind of violation the demo's cases are about, from the agency's 执法事项."""

    title: str
    facts: str  # {party}, {place}, {n}
    violated: tuple[str, int]
    penalty: tuple[str, int]
    fine_person: tuple[int, int]
    fine_company: tuple[int, int]
    company_share: float = 0.5


GENERAL_VIOLATIONS = (
    Violation(
        "擅自在街道两侧堆放物料影响市容",
        "当事人{party}未经城市人民政府市容环境卫生行政主管部门批准，在{place}人行道上堆放建筑材料约{n}平方米，影响市容。",
        (MARKET, 14), (MARKET, 36), (500, 3000), (2000, 10000), 0.6,
    ),
    Violation(
        "擅自在公共场地搭建构筑物影响市容",
        "当事人{party}未经批准，在{place}公共场地搭建彩钢板棚约{n}平方米，影响市容。",
        (MARKET, 14), (MARKET, 36), (1000, 5000), (3000, 20000), 0.5,
    ),
    Violation(
        "未经同意擅自设置大型户外广告影响市容",
        "当事人{party}未经城市人民政府市容环境卫生行政主管部门同意，在{place}楼顶擅自设置大型户外广告牌一块（约{n}平方米），影响市容。",
        (MARKET, 11), (MARKET, 36), (1000, 5000), (5000, 30000), 0.9,
    ),
)  # fmt: skip
SIMPLE_VIOLATIONS = (
    Violation(
        "未经批准在城市设施上张贴宣传品",
        "当事人{party}未经批准，在{place}的电线杆和配电箱上张贴小广告{n}张。",
        (MARKET, 17), (MARKET, 34), (50, 200), (200, 1000), 0.3,
    ),
    Violation(
        "在临街建筑物阳台外吊挂有碍市容的物品",
        "当事人{party}在{place}临街建筑物阳台外吊挂有碍市容的物品，经劝阻未改正。",
        (MARKET, 10), (MARKET, 34), (50, 200), (200, 500), 0.1,
    ),
)  # fmt: skip
SEIZURE_FACTS = (
    "当事人{party}在{place}人行道上违法堆放物料，经责令限期清理逾期未清理，影响道路通行和市容。"
)
INSPECTIONS = {
    "城市管理": ("沿街门店市容环境卫生检查", "门前责任区市容环境卫生、户外广告设置情况"),
    "市场监管": ("食品经营场所监督检查", "食品经营许可证件、从业人员健康证明、进货查验记录"),
}
FOOD = "中华人民共和国食品安全法"
#: What the market agency's officers find: 食品安全法 violations, fined within its ranges.
FOOD_VIOLATIONS = (
    Violation(
        "销售超过保质期的食品",
        "当事人{party}在{place}经营的门店货架上陈列销售超过保质期的预包装食品{n}件，货值金额不足一万元。",
        (FOOD, 34), (FOOD, 124), (50000, 100000), (50000, 100000), 0.6,
    ),
    Violation(
        "安排未取得健康证明的人员从事接触直接入口食品的工作",
        "当事人{party}在{place}经营的餐饮门店安排{n}名未取得健康证明的人员从事接触直接入口食品的工作，经责令改正后拒不改正。",
        (FOOD, 45), (FOOD, 126), (5000, 50000), (5000, 50000), 0.7,
    ),
    Violation(
        "销售无中文标签的进口预包装食品",
        "当事人{party}在{place}的门店销售无中文标签的进口预包装食品{n}件，货值金额不足一万元。",
        (FOOD, 97), (FOOD, 125), (5000, 50000), (5000, 50000), 0.8,
    ),
)  # fmt: skip
#: The violations each category's general cases are about.
VIOLATIONS = {"城市管理": GENERAL_VIOLATIONS, "市场监管": FOOD_VIOLATIONS}


# --- the play: stories in time order --------------------------------------------------------------


@dataclass
class Cast:
    """An agency's people as the demo casts them."""

    agency: Agency
    category: EnforcementCategory
    head: Officer
    reviewer: Officer | None
    squads: list[tuple[Officer, Officer]]


@dataclass
class Summary:
    cases: int = 0
    states: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    skipped: bool = False


class Stop(Exception):
    """A story cannot go on (a step the law refuses now): the case stays where it is."""


#: While the year is replayed: PDFs are left to be made later (``sanxiang documents pdf`` or on
#: demand), and a log's tree head is signed every 100 events or once a replayed day rather than
#: hourly (an hour of replayed time passes between most steps).
REPLAY_ENVIRONMENT = {
    "SANXIANG_BACKGROUND": "off",
    "SANXIANG_LEDGER_SIGN_INTERVAL_MINUTES": str(24 * 60),
}


@contextmanager
def _replay_environment() -> Iterator[None]:
    """Also quiets the deadline warning a due date in a year without a holiday schedule logs: the
    replay would print it for every such deadline (it is logged again when the case is used)."""
    before = {name: os.environ.get(name) for name in REPLAY_ENVIRONMENT}
    os.environ.update(REPLAY_ENVIRONMENT)
    deadlines = logging.getLogger("sanxiang.core.deadlines")
    level = deadlines.level
    deadlines.setLevel(logging.ERROR)
    try:
        yield
    finally:
        deadlines.setLevel(level)
        for name, value in before.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


class Play:
    """Runs the stories of the demo cases in the order of their moments."""

    def __init__(self, clock: DemoClock, end: datetime, rng: random.Random) -> None:
        self.clock = clock
        self.end = end
        self.rng = rng
        self.calendar = get_calendar()
        self.queue: list[tuple[datetime, int, Story]] = []
        self.serial = 0
        self.summary = Summary()
        self.turns: dict[str, int] = {}
        self.archives_left = 1  # per run: a sealed package converts every document to PDF

    def add(self, at: datetime, story: Story) -> None:
        self.serial += 1
        heapq.heappush(self.queue, (at, self.serial, story))

    def run(self) -> None:
        while self.queue:
            at, serial, story = heapq.heappop(self.queue)
            if at > self.end:
                story.close()
                continue
            self.clock.set(at)
            try:
                wait = next(story)
            except StopIteration:
                continue
            except Stop:
                self.summary.refused += 1
                continue
            heapq.heappush(self.queue, (self.work_moment(at + wait), serial, story))

    def work_moment(self, moment: datetime) -> datetime:
        """The first working hour at or after ``moment`` (09:00–17:30 on a working day)."""
        local = moment.astimezone(SHANGHAI)
        day = local.date()
        if local.time() > time(17, 30):
            day += timedelta(days=1)
        while not self._workday(day):
            day += timedelta(days=1)
        if day != local.date() or local.time() < time(9, 0):
            minute = self.rng.randrange(0, 8 * 60)
            return datetime.combine(day, time(9, 0), SHANGHAI) + timedelta(minutes=minute)
        return local

    def _workday(self, day: date) -> bool:
        try:
            return self.calendar.is_workday(day)
        except Exception:  # a year whose schedule is unknown: weekdays
            return day.weekday() < 5

    def every_other(self, key: str) -> bool:
        """False the first time for ``key``, then True, False … (so each state is seen)."""
        self.turns[key] = self.turns.get(key, 0) + 1
        return self.turns[key] % 2 == 0

    def days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high), minutes=self.rng.randrange(0, 240))

    def hours(self, low: int, high: int) -> timedelta:
        return timedelta(minutes=self.rng.randrange(low * 60, high * 60 + 1))


# --- steps as the officers take them --------------------------------------------------------------


def _now_text() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _step(actor: Officer, case: Case, action: str) -> Case:
    try:
        return case_transition(actor=actor, case_id=case.pk, action=action)
    except Exception as refused:  # the law says not now: the case stays as it is
        logger.info("demo case %s: %s refused: %s", case.pk, action, refused)
        raise Stop from refused


def _record(actor: Officer, case: Case, *, kind: str, name: str, proves: str, place: str) -> None:
    data = f"{name}：{proves}（{place}，{_now_text()}）".encode()
    if kind == "photo":  # a stand-in: the demo carries no real pictures
        data = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + data
    if kind == "audio":
        data = b"ID3\x04\x00\x00\x00\x00\x00\x00" + data
    if kind in ("video", "full_video"):
        data = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + data
    handle = io.BytesIO(data)
    evidence_register(
        actor=actor,
        upload=Upload(handle=handle, filename=name, digests=digest_stream(handle)),
        metadata={
            "case_number": evidence_reference(Case.objects.get(pk=case.pk)),
            "kind": kind,
            "collected_at": timezone.now(),
            "location": place,
            "collector": actor,
            "proves": proves,
            "device": "执法记录仪 DSJ-" + f"{actor.pk:03d}",
        },
    )


def _served(actor: Officer, case: Case, kind: str, recipient: str, place: str) -> None:
    document_generate(
        actor=actor,
        case_id=case.pk,
        kind="service_proof",
        inputs={"served_document": kind, "recipient": recipient, "served_at": _now_text(),
                "place": place, "method": "直接送达"},
    )  # fmt: skip


def _articles(pair: tuple[str, int]) -> Article:
    return Article.objects.get(law__title=pair[0], number=pair[1])


OUTSIDE_REASONS = "当事人经责令改正后逾期未改正，违法行为持续时间较长，按一般阶次处罚不足以纠正。"


def _fine_for(
    applicable: CaseDiscretion, fine: int, *, heard: bool, inside: bool, rng: random.Random
) -> int:
    """The demo handler's amount under the chosen 违法行为: within the applicable tier's fixed
    range when ``inside`` (and a hearing's amount allows), else the drawn amount kept within the
    statutory range."""
    tier, violation = applicable.tier, applicable.violation
    if inside and tier is not None and tier.fine_min is not None and tier.fine_max is not None:
        low, high = int(tier.fine_min), int(tier.fine_max)
        if heard:
            low = max(low, HEARING_FINE)
        if low <= high:
            return rng.randrange(low, high + 1, 100) if high - low >= 100 else low
    if violation.fine_max is not None:
        fine = min(fine, int(violation.fine_max))
    if violation.fine_min is not None:
        fine = max(fine, int(violation.fine_min))
    return fine


def _violation_choose(lead: Officer, case: Case) -> None:
    """As a handler would on the case page: pick the 违法行为 of the 裁量基准 in force whose
    articles the case cites, when the agency has one (its decision then records the tier)."""
    cited = (
        set(case.violated_articles.values_list("pk", flat=True)),
        set(case.penalty_articles.values_list("pk", flat=True)),
    )
    for found in violation_search(case.agency_id, "", limit=200):
        articles = (
            {a.pk for a in found.violated_articles.all()},
            {a.pk for a in found.penalty_articles.all()},
        )
        if articles == cited:
            case_violation_choose(actor=lead, case_id=case.pk, violation_id=found.pk)
            return


def _circumstances_tick(lead: Officer, case: Case) -> None:
    """As a handler would in the 裁量情节 section: on about half the cases with a 违法行为
    chosen, tick a 从轻减轻 情节 (or a 从重 one, now and then both), each shown by the case's
    现场照片, so the case page, the tier, the 事先告知书 and the decision's 说理 show them. Drawn
    from the case's own number, so the rest of the demo's story is unchanged."""
    case = Case.objects.get(pk=case.pk)
    if case.discretion_violation is None:
        return
    rng = random.Random(case.pk)  # noqa: S311 - demo data, not secrets
    if rng.random() >= 0.5:
        return
    offered = circumstances_for(case.discretion_violation)
    lighter = [c for c in offered if c.kind == CircumstanceKind.MITIGATING]
    heavier = [c for c in offered if c.kind == CircumstanceKind.AGGRAVATING]
    draw = rng.random()
    chosen = [rng.choice(lighter)] if lighter and draw < 0.75 else []
    if heavier and draw >= 0.6:
        chosen.append(rng.choice(heavier))
    photo = EvidenceItem.objects.filter(
        case_number=evidence_reference(case), agency_id=case.agency_id, kind="photo"
    ).first()
    if not chosen or photo is None:
        return
    case_circumstances_set(
        actor=lead, case_id=case.pk,
        ticks=[Tick(circumstance_id=c.pk, evidence_ids=(photo.pk,), note="见现场照片")
               for c in chosen],
    )  # fmt: skip


ALL_OK = {code: PointInput("ok", f"经审查，{label}：符合规定。") for code, label in OPINION_POINTS}


PROBLEM = PointInput("problem", "现场照片未载明拍摄时间和地点，证据不够充分")


def _declared(agency: Agency) -> set[int]:
    return set(
        RequiredMaterial.objects.filter(agency=agency, source="declared").values_list(
            "pk", flat=True
        )
    )


def _review(
    play: Play, cast: Cast, case: Case, lead: Officer, *, returned: bool, stop_in: str
) -> Story:
    """送审 → (退回 → 答复 → 重新提交) → 同意. ``stop_in``: 'under_review' or 'returned' leaves
    the review there."""
    assert cast.reviewer is not None  # noqa: S101 - the agencies with reviews have one
    try:
        review = review_submit(
            actor=lead, case_id=case.pk, declared=_declared(cast.agency), confirmed=True
        )
    except Exception as refused:
        logger.info("demo case %s: review refused: %s", case.pk, refused)
        raise Stop from refused
    if stop_in == "under_review":
        return
    yield play.days(1, 4)
    reviewer = Review.objects.get(pk=review.pk).reviewer or cast.reviewer
    if returned:
        opinion_write(
            actor=reviewer, review_id=review.pk,
            points={**ALL_OK, "evidence": PROBLEM},
            conclusion="problems", summary="证据不够充分，请补充后重新提交。",
        )  # fmt: skip
        if stop_in == "returned":
            return
        yield play.days(1, 5)
        answer_write(
            actor=lead, review_id=review.pk, accepted=True, study="同意审核意见。",
            action="已补充带时间、地点水印的现场照片并重新制作证据目录。",
            declared=_declared(cast.agency),
        )  # fmt: skip
        yield play.days(1, 3)
    opinion_write(
        actor=reviewer, review_id=review.pk, points=ALL_OK, conclusion="agree",
        summary="事实清楚，证据确凿，适用依据正确，程序合法，处罚适当，同意。",
    )  # fmt: skip


def _open(
    play: Play, cast: Cast, *, procedure: str, title: str, facts: str, company: bool,
    squad: tuple[Officer, Officer], fine: int | None = None, warning_only: bool = False,
) -> tuple[Case, Party, str]:  # fmt: skip
    rng = play.rng
    party = _party(rng, company=company)
    place = f"示范市{rng.choice(DISTRICTS)}{rng.choice(STREETS)}{rng.randrange(1, 400)}号"
    text = facts.format(party=party.name, place=place, n=rng.randrange(3, 60))
    today = timezone.localdate()
    lead, second = squad
    extra: dict[str, Any] = {}
    if procedure == Procedure.PENALTY_SIMPLE:
        extra = {"fine_yuan": Decimal(fine) if fine else None, "warning_only": warning_only}
    case = case_open(
        actor=lead,
        new=NewCase(
            procedure=procedure,
            title=title,
            source=rng.choice(("日常巡查发现", "群众举报", "12345 市民热线转办", "上级交办"))
            + DEMO_SOURCE_MARK,
            category=cast.category,
            violation_on=today - timedelta(days=rng.randrange(0, 4)),
            clue_received_on=today,
            facts=text,
            **extra,
        ),
    )
    party_add(
        actor=lead, case_id=case.pk, kind=party.kind, name=party.name,
        identifier=party.identifier, address=party.address, contact=party.contact,
    )  # fmt: skip
    handlers_set(actor=lead, case_id=case.pk, officers=[lead, second])
    return case, party, place


def simple_story(play: Play, cast: Cast, target: str) -> Story:
    """简易程序: 当场处罚, paid on the spot or at the bank; some converted, some still open."""
    rng = play.rng
    violation = rng.choice(SIMPLE_VIOLATIONS)
    company = rng.random() < violation.company_share
    low, high = violation.fine_company if company else violation.fine_person
    warning_only = rng.random() < 0.25
    fine = None if warning_only else rng.randrange(low, high + 1, 50)
    squad = rng.choice(cast.squads)
    case, _, place = _open(
        play, cast, procedure=Procedure.PENALTY_SIMPLE, title=violation.title,
        facts=violation.facts, company=company, squad=squad, fine=fine, warning_only=warning_only,
    )  # fmt: skip
    lead = squad[0]
    _record(lead, case, kind="photo", name="现场照片.jpg", proves="违法行为现场", place=place)
    case_basis_set(actor=lead, case_id=case.pk, violated=[_articles(violation.violated)],
                   penalty=[_articles(violation.penalty)])  # fmt: skip
    if target == "open":
        return
    yield play.hours(0, 1)
    if target == "converted":
        _step(lead, case, "convert")
        return
    case = _step(lead, case, "decide_on_spot")
    document_generate(actor=lead, case_id=case.pk, kind="on_spot_decision")
    if target == "decided":
        return
    if fine:
        on_spot = fine <= 100 and rng.random() < 0.6
        if not on_spot:
            yield play.days(1, 10)
        payment_record(
            actor=lead, case_id=case.pk, paid_on=timezone.localdate(), amount=str(fine),
            channel="on_spot" if on_spot else "bank",
            receipt_number=f"非税收入票据 No.{rng.randrange(10**7, 10**8)}",
        )  # fmt: skip
    _step(lead, case, "execute")
    yield play.days(1, 5)
    _step(lead, case, "close")
    yield from _publish(play, cast, case)
    if target == "archived" and play.archives_left > 0:
        play.archives_left -= 1
        yield play.days(3, 10)
        _step(lead, case, "archive")


def _publish(play: Play, cast: Cast, case: Case, *, withdraw: bool = False) -> Story:
    """The head confirms the publication within the period (a few are left waiting)."""
    publication = Publication.objects.filter(case_id=case.pk).first()
    if publication is None or publication.status != PublicationStatus.PENDING:
        return
    yield play.days(0, 4)
    publication.refresh_from_db()
    if publication.status != PublicationStatus.PENDING:
        return
    draft = publication_draft(publication)
    publication_confirm(actor=cast.head, publication_id=publication.pk, draft_sha256=draft.sha256)
    if withdraw:
        yield play.days(30, 60)
        publication_withdraw(
            actor=cast.head, publication_id=publication.pk, reason="revoked",
            statement="该行政处罚决定已被示范市人民政府行政复议决定撤销，依法撤下原公示内容。",
            occurred_on=timezone.localdate() - timedelta(days=1),
        )  # fmt: skip


GENERAL_ORDER = (
    "opened", "declined", "registered", "withdrawn", "transferred", "concluded", "notified",
    "under_review", "returned", "no_penalty", "decided", "served", "executed", "closed",
    "published", "withdrawn_publication",
)  # fmt: skip


def general_story(play: Play, cast: Cast, target: str) -> Story:
    """一般程序 from 案源登记 to 结案, stopping at ``target``."""
    rng = play.rng
    violation = rng.choice(VIOLATIONS.get(cast.category.name, GENERAL_VIOLATIONS))
    title, facts = violation.title, violation.facts
    company = rng.random() < violation.company_share
    squad = rng.choice(cast.squads)
    lead = squad[0]
    case, party, place = _open(
        play, cast, procedure=Procedure.PENALTY_GENERAL, title=title, facts=facts,
        company=company, squad=squad,
    )  # fmt: skip
    if target == "opened":
        return
    yield play.days(1, 3)
    if target == "declined":
        _step(cast.head, case, "decline")
        return
    case = _step(cast.head, case, "register")
    yield play.hours(1, 6)
    _record(lead, case, kind="photo", name="现场照片.jpg", proves="违法行为现场状况", place=place)
    _record(lead, case, kind="text", name="现场检查笔录.txt", proves="现场检查情况", place=place)
    document_generate(actor=lead, case_id=case.pk, kind="registration")
    if target == "registered":
        return
    yield play.days(3, 15)
    if target in ("withdrawn", "transferred"):
        case = _step(cast.head, case, "withdraw" if target == "withdrawn" else "transfer")
        yield play.days(1, 5)
        if play.every_other(target):  # the others wait on the head's desk for 结案
            _step(cast.head, case, "close")
        return
    low, high = violation.fine_company if company else violation.fine_person
    fine = rng.randrange(low, high + 1, 100)
    case_basis_set(actor=lead, case_id=case.pk, violated=[_articles(violation.violated)],
                   penalty=[_articles(violation.penalty)])  # fmt: skip
    _violation_choose(lead, case)
    _circumstances_tick(lead, case)
    heard = target in HEARING or (target == "closed" and rng.random() < 0.12)
    if heard:
        fine = max(fine, HEARING_FINE)
    # With a 违法行为 chosen, the handler fines inside the statutory range and, mostly, inside
    # the tier the (unrecorded) 情节 make applicable; now and then outside that tier, as in real
    # files, with his written reasons, which the reviewer's pre-check shows.
    applicable = case_discretion(Case.objects.get(pk=case.pk), fine=Decimal(fine))
    if applicable is not None:
        fine = _fine_for(applicable, fine, heard=heard, inside=rng.random() < 0.85, rng=rng)
        applicable = case_discretion(Case.objects.get(pk=case.pk), fine=Decimal(fine))
    reasons = OUTSIDE_REASONS if applicable is not None and applicable.outside else None
    case_assess(
        actor=lead, case_id=case.pk,
        assessment=Assessment(facts=case.facts, penalty_kinds=("fine",), fine_yuan=Decimal(fine),
                              hearing_right=fine >= HEARING_FINE, discretion_reasons=reasons),
    )  # fmt: skip
    case = _step(lead, case, "conclude")
    if target == "concluded":
        return
    yield play.days(1, 4)
    document_generate(
        actor=lead, case_id=case.pk, kind="advance_notice",
        inputs={"intended_fine": str(fine), "contact": f"{lead.name} 0999-12345678"},
    )  # fmt: skip
    _served(lead, case, "advance_notice", party.name, party.address)
    case = _step(lead, case, "notify")
    if target == "notified":
        return
    if heard:
        yield from _hearing(play, cast, case, party, lead, target)
        if target in HEARING:
            return
        yield from _review(play, cast, case, lead, returned=False, stop_in="")
        yield from _decision(play, cast, case, party, lead, target, fine)
        return
    yield play.days(1, 4)
    points = rng.random() < 0.3
    document_generate(
        actor=lead, case_id=case.pk, kind="statement_record",
        inputs={"way": WAYS[0] if points else WAIVED, "stated_at": _now_text(),
                "person": f"{party.name}（当事人）",
                "points": "违法行为已自行改正，请求从轻处罚" if points else ""},
    )  # fmt: skip
    if points:
        document_generate(
            actor=lead, case_id=case.pk, kind="statement_review",
            inputs={"replies": "不采纳：当事人系经责令后方才改正，不属于主动消除违法行为后果",
                    "conclusion": "维持拟作出的处罚"},
        )  # fmt: skip
    case = _step(lead, case, "record_statement")
    if target == "no_penalty":
        # 复核 after the party was heard: the facts do not stand (行政处罚法第五十七条第一款第三项).
        no_penalty_propose(
            actor=lead, case_id=case.pk, ground="not_established",
            elements={"not_established": "经复核现场照片和现场检查笔录，现有证据不能认定当事人"
                                         "实施了该违法行为"},
        )  # fmt: skip
    # With a right to a hearing, nothing is decided before the five working days to ask run out.
    yield play.days(8, 10) if fine >= HEARING_FINE else play.days(1, 3)
    stop_in = target if target in ("under_review", "returned") else ""
    yield from _review(
        play, cast, case, lead, returned=rng.random() < 0.3 or target == "returned", stop_in=stop_in
    )
    if stop_in:
        return
    yield from _decision(play, cast, case, party, lead, target, fine)


def _decision(
    play: Play, cast: Cast, case: Case, party: Party, lead: Officer, target: str, fine: int
) -> Story:
    """After 法制审核: 不予处罚, or 决定 → 送达 → 公示 → 缴款 → 执行完毕 → 结案."""
    rng = play.rng
    yield play.days(1, 4)
    if target == "no_penalty":
        document_generate(actor=lead, case_id=case.pk, kind="no_penalty_decision")
        case = _step(cast.head, case, "no_penalty")
        yield play.days(1, 5)
        _served(lead, case, "no_penalty_decision", party.name, party.address)
        if play.every_other(target):
            _step(cast.head, case, "close")
        return
    case = _step(cast.head, case, "decide")
    document_generate(actor=lead, case_id=case.pk, kind="decision")
    if target == "decided":
        return
    yield play.days(1, 4)
    _served(lead, case, "decision", party.name, party.address)
    case = _step(lead, case, "serve")
    yield from _publish(play, cast, case, withdraw=target == "withdrawn_publication")
    if target in ("served", "withdrawn_publication"):
        return
    yield play.days(1, 7)  # within the 15 days, so no 加处罚款 is owed
    payment_record(
        actor=lead, case_id=case.pk, paid_on=timezone.localdate(), amount=str(fine),
        channel=rng.choice(("bank", "non_tax", "electronic")),
        receipt_number=f"非税收入票据 No.{rng.randrange(10**7, 10**8)}",
    )  # fmt: skip
    case = _step(lead, case, "execute")
    if target == "executed":
        return
    yield play.days(1, 10)
    _step(cast.head, case, "close")


#: A fine from which the demo agency's 裁量基准 gives the right to a hearing (较大数额罚款,
#: 行政处罚法第六十三条; the amount is the province's to set: made up here).
HEARING_FINE = 5000
HEARING = ("hearing_requested", "hearing_noticed", "heard")


def _hearing(play: Play, cast: Cast, case: Case, party: Party, lead: Officer, target: str) -> Story:
    """听证: requested within five working days, noticed seven working days ahead, held by the
    head (not an investigator), with its 录音 and 笔录."""
    yield play.days(1, 3)
    case = _step(lead, case, "request_hearing")
    if target == "hearing_requested":
        return
    yield play.days(0, 2)
    # In a year whose holiday schedule is not known (from late December until it is entered)
    # the day is picked counting Monday to Friday, and the notice itself is refused: its seven
    # working days must not be guessed (cases/documents.py). The case then waits at 已申请听证,
    # as a real one would, and the demo goes on.
    hearing_day = play.calendar.add_workdays_provisional(timezone.localdate(), 8).on
    try:
        document_generate(
            actor=lead, case_id=case.pk, kind="hearing_notice",
            inputs={"hearing_at": f"{hearing_day.isoformat()}T09:30", "place": "本局听证室",
                    "host": cast.head.name, "recorder": "办公室 工作人员",
                    "public": "公开举行"},
        )  # fmt: skip
    except DomainError as refused:
        logger.info("demo case %s: hearing notice refused: %s", case.pk, refused)
        raise Stop from refused
    _served(lead, case, "hearing_notice", party.name, party.address)
    case = _step(lead, case, "notice_hearing")
    if target == "hearing_noticed":
        return
    now = timezone.localtime()
    wait = datetime.combine(hearing_day, time(9, 30), now.tzinfo) - now
    yield max(wait, timedelta(hours=1))
    _record(lead, case, kind="audio", name="听证录音.mp3", proves="听证全过程", place="本局听证室")
    start = timezone.localtime()
    document_generate(
        actor=lead, case_id=case.pk, kind="hearing_record",
        inputs={"started_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ended_at": (start + timedelta(minutes=75)).strftime("%Y-%m-%dT%H:%M"),
                "place": "本局听证室", "host": cast.head.name, "recorder": "办公室 工作人员",
                "attendees": f"{party.name}（当事人）、本案调查人员",
                "investigator_statement": "调查人员陈述了违法事实、证据和拟作出的处罚。",
                "party_statement": "当事人对事实无异议，称已自行清理，请求从轻处罚。"},
    )  # fmt: skip
    _step(cast.head, case, "hold_hearing")


COERCIVE_ORDER = ("proposed", "under_review", "dropped", "approved", "seized", "released",
                  "confiscated", "closed")  # fmt: skip


def coercive_story(play: Play, cast: Cast, target: str) -> Story:
    """查封、扣押: 拟实施 → 法制审核 → 批准 → 实施 → 解除 / 没收 → 结案."""
    rng = play.rng
    squad = rng.choice(cast.squads)
    lead = squad[0]
    case, _, place = _open(
        play, cast, procedure=Procedure.COERCIVE_MEASURE, title="扣押违法堆放的物料",
        facts=SEIZURE_FACTS, company=rng.random() < 0.5, squad=squad,
    )  # fmt: skip
    case_basis_set(
        actor=lead, case_id=case.pk, violated=[_articles((MARKET, 14))],
        penalty=[_articles(("中华人民共和国行政强制法", 18))],
    )  # fmt: skip
    _record(lead, case, kind="photo", name="现场照片.jpg", proves="物料堆放现场", place=place)
    if target == "proposed":
        return
    yield play.hours(1, 4)
    yield from _review(play, cast, case, lead, returned=False,
                       stop_in="under_review" if target == "under_review" else "")  # fmt: skip
    if target == "under_review":
        return
    yield play.hours(1, 6)
    if target == "dropped":
        case = _step(cast.head, case, "drop")
        yield play.days(1, 3)
        if play.every_other(target):
            _step(cast.head, case, "close")
        return
    case = _step(cast.head, case, "approve")
    yield from _publish(play, cast, case)
    if target == "approved":
        return
    yield play.days(1, 2)
    start = timezone.localdate()
    document_generate(
        actor=lead, case_id=case.pk, kind="seizure_decision",
        inputs={"measure": "扣押", "reason": "当事人逾期未清理违法堆放的物料，影响道路通行安全",
                "starts_on": start.isoformat(), "days": "30",
                "items": f"建筑用砂|中砂|{rng.randrange(2, 12)}|立方米\n"
                         f"空心砖|240mm|{rng.randrange(200, 900)}|块"},
    )  # fmt: skip
    document_generate(
        actor=lead, case_id=case.pk, kind="seizure_list",
        inputs={"storage_place": f"{cast.agency.name}暂扣物品仓库"},
    )  # fmt: skip
    _record(lead, case, kind="full_video", name="扣押全程录像.mp4", proves="实施扣押全过程",
            place=place)  # fmt: skip
    case = _step(lead, case, "enforce")
    if target == "seized":
        return
    yield play.days(5, 25)
    case = _step(cast.head, case, "confiscate" if target == "confiscated" else "release")
    if target in ("released", "confiscated"):
        return
    yield play.days(1, 5)
    _step(cast.head, case, "close")


INSPECTION_ORDER = ("planned", "checked", "nothing", "violation", "closed")


def inspection_story(play: Play, cast: Cast, target: str) -> Story:
    """行政检查: 列入计划 → 现场检查 → 未发现 / 发现违法行为 → 结案."""
    rng = play.rng
    title, scope = INSPECTIONS.get(cast.category.name, INSPECTIONS["城市管理"])
    squad = rng.choice(cast.squads)
    lead = squad[0]
    case, party, place = _open(
        play, cast, procedure=Procedure.INSPECTION, title=title,
        facts=f"对{{party}}（{{place}}）的{scope}进行检查。", company=True, squad=squad,
    )  # fmt: skip
    if target == "planned":
        return
    yield play.days(1, 10)
    start = timezone.localtime()
    document_generate(
        actor=lead, case_id=case.pk, kind="inspection_record",
        inputs={"started_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ended_at": (start + timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M"),
                "place": place, "present": f"{party.name}负责人",
                "findings": f"检查了{scope}。"
                + ("发现违法行为，已拍照取证。" if target == "violation" else "未发现违法行为。")},
    )  # fmt: skip
    _record(lead, case, kind="text", name="现场检查笔录.txt", proves="现场检查情况", place=place)
    case = _step(lead, case, "check")
    if target == "checked":
        return
    yield play.hours(1, 30)
    case = _step(lead, case, "find_violation" if target == "violation" else "find_nothing")
    yield from _publish(play, cast, case)
    if target in ("nothing", "violation"):
        return
    yield play.days(1, 5)
    _step(lead, case, "close")


# --- casting and the schedule --------------------------------------------------------------------


def _cast(agency: Agency) -> Cast | None:
    officers = list(
        Officer.objects.filter(unit__agency=agency, is_active=True, user__isnull=False)
        .select_related("unit")
        .prefetch_related("roles", "certificates")
        .order_by("pk")
    )
    head = next((o for o in officers if o.has_role(Role.HEAD)), None)
    reviewer = next((o for o in officers if o.has_role(Role.REVIEWER)), None)
    today = timezone.localdate()
    doers = [
        o
        for o in officers
        if o.has_role(Role.OFFICER)
        and not o.has_role(Role.HEAD)
        and any(c.valid_from <= today <= c.valid_until for c in o.certificates.all())
    ]
    by_unit: dict[int, list[Officer]] = {}
    for officer in doers:
        by_unit.setdefault(officer.unit_id, []).append(officer)
    squads = [
        (people[i], people[i + 1])
        for people in by_unit.values()
        for i in range(0, len(people) - 1, 2)
    ]
    category = (
        EnforcementCategory.objects.filter(
            certificates__officer__in=[o for squad in squads for o in squad]
        )
        .order_by("pk")
        .first()
    )
    if head is None or not squads or category is None:
        return None
    return Cast(agency, category, head, reviewer, squads)


#: How a city-management agency's year divides among procedures and end states (weights).
CITY_MIX: tuple[tuple[str, str, int], ...] = (
    ("simple", "closed", 22), ("simple", "archived", 2), ("simple", "decided", 3),
    ("simple", "open", 2), ("simple", "converted", 2),
    ("general", "opened", 3), ("general", "declined", 3), ("general", "registered", 4),
    ("general", "withdrawn", 3), ("general", "transferred", 1), ("general", "concluded", 3),
    ("general", "notified", 3), ("general", "under_review", 3), ("general", "returned", 2),
    ("general", "no_penalty", 2), ("general", "decided", 2), ("general", "served", 4),
    ("general", "hearing_requested", 1), ("general", "hearing_noticed", 1), ("general", "heard", 1),
    ("general", "executed", 3), ("general", "closed", 14), ("general", "withdrawn_publication", 2),
    ("coercive", "proposed", 1), ("coercive", "under_review", 1), ("coercive", "dropped", 1),
    ("coercive", "approved", 1), ("coercive", "seized", 1), ("coercive", "released", 1),
    ("coercive", "confiscated", 1), ("coercive", "closed", 2),
    ("inspection", "planned", 2), ("inspection", "checked", 1), ("inspection", "nothing", 2),
    ("inspection", "violation", 1), ("inspection", "closed", 5),
)  # fmt: skip
#: A market agency's year: inspections, and 一般程序 cases (食品安全法) to every end state;
#: no 简易程序 or 查封扣押 stories (the demo's are about 市容).
MARKET_MIX: tuple[tuple[str, str, int], ...] = (
    ("inspection", "planned", 3),
    ("inspection", "checked", 2),
    ("inspection", "nothing", 4),
    ("inspection", "violation", 2),
    ("inspection", "closed", 14),
    *((p, t, w) for p, t, w in CITY_MIX if p == "general"),
)


#: The end states a story finishes in (the others leave a case open on someone's desk).
FINISHED = frozenset(
    ("closed", "archived", "converted", "declined", "withdrawn", "transferred", "no_penalty",
     "withdrawn_publication", "dropped", "released", "confiscated", "nothing", "violation")
)  # fmt: skip


#: End states reached on the day a case is opened: those cases are from the last three weeks.
FRESH = frozenset(("open", "opened", "planned", "proposed"))
#: End states after 法制审核 or a hearing: six weeks or more of steps.
LATE = frozenset(("decided", "served", "executed", "heard", "returned"))


def _window(target: str) -> tuple[int, int]:
    """Between how many days ago (first, last) a story with this end is started."""
    if target in FINISHED:
        return HISTORY_DAYS - 10, 30  # a month at least to reach its end
    if target in FRESH:
        return 20, 0
    if target in LATE:
        return 80, 50
    return 60, 25  # long enough ago to have reached its state, recent enough to be open


def _deal(
    rng: random.Random, mix: tuple[tuple[str, str, int], ...], count: int
) -> list[tuple[str, str]]:
    """``count`` (procedure, target) pairs: every pair of the mix at least once when ``count``
    allows, the rest drawn by weight."""
    pairs = [(p, t) for p, t, _ in mix]
    weights = [w for _, _, w in mix]
    dealt = pairs[:count] + rng.choices(pairs, weights=weights, k=max(0, count - len(pairs)))
    rng.shuffle(dealt)
    return dealt


def _story(play: Play, cast: Cast, procedure: str, target: str) -> Story:
    if procedure == "simple":
        return simple_story(play, cast, target)
    if procedure == "coercive":
        return coercive_story(play, cast, target)
    if procedure == "inspection":
        return inspection_story(play, cast, target)
    return general_story(play, cast, target)


def _annual_reports(play: Play, casts: list[Cast], year: int) -> None:
    for cast in casts:
        if AnnualReport.objects.filter(agency=cast.agency, year=year).exists():
            continue
        figures = annual_figures(agency=cast.agency, year=year, today=timezone.localdate())
        _, digest = annual_snapshot(figures)
        report_publish(actor=cast.head, agency=cast.agency, year=year, seen_sha256=digest)


def _report_up(cast: Cast, year: int) -> None:
    """The first agency's head submits (报送) its report to its supervising body the day he
    publishes it; the second agency's stays unsubmitted, so the 驾驶舱 shows both."""
    report = AnnualReport.objects.get(agency=cast.agency, year=year)
    for body in bodies_over([cast.agency.pk]).get(cast.agency.pk, []):
        if not Submission.objects.filter(agency=cast.agency, body=body, year=year).exists():
            submission_make(
                actor=cast.head, year=year, kind=SubmissionKind.ANNUAL_REPORT, body_id=body.pk,
                report_id=report.pk,
            )  # fmt: skip


def _reports_story(play: Play, casts: list[Cast], year: int) -> Story:
    _annual_reports(play, casts, year)
    if casts:
        _report_up(casts[0], year)
    return
    yield  # pragma: no cover - a generator that takes one step


def _reading_story(play: Play) -> Story:
    """Officers read their 站内通知 within a few days (the last few days' stay unread)."""
    while True:
        yield timedelta(days=1)
        seen_before = timezone.now() - timedelta(days=3)
        for pk, officer in [
            (n.pk, n.recipient)
            for n in Notification.objects.filter(
                read_at__isnull=True, created_at__lt=seen_before
            ).select_related("recipient")
        ]:
            notification_read(officer=officer, notification_id=pk)


def activity_present() -> bool:
    return Case.objects.filter(source__endswith=DEMO_SOURCE_MARK).exists()


def activity_load(
    *, cases: int = DEFAULT_CASES, seed: int = SEED, progress: Callable[[str], None] | None = None
) -> Summary:
    """A year of cases per demo agency, made once: a second call finds them and does nothing."""
    if activity_present() or cases <= 0:
        return Summary(skipped=True)
    end = timezone.now()
    last_before = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    start = end - timedelta(days=HISTORY_DAYS)
    rng = random.Random(seed)  # noqa: S311 - made-up demo data, not secrets
    agencies = list(Agency.objects.order_by("credit_code"))
    with _replay_environment(), demo_clock(start) as clock, transaction.atomic():
        play = Play(clock, end - timedelta(minutes=5), rng)
        casts = [c for c in (_cast(a) for a in agencies) if c is not None]
        for cast in casts:
            mix = CITY_MIX if cast.category.name == "城市管理" else MARKET_MIX
            for procedure, target in _deal(rng, mix, cases):
                # A case that ends is opened at any moment of the year; one still open, in the
                # last weeks (an officer's desk holds this month's work, not last spring's).
                first, last = _window(target)
                moment = end - timedelta(minutes=rng.randrange(last * 24 * 60, first * 24 * 60))
                play.add(play.work_moment(moment), _story(play, cast, procedure, target))
        report_year = (start + timedelta(days=60)).year
        if report_year < end.year:
            play.add(
                play.work_moment(datetime(report_year + 1, 1, 20, 10, tzinfo=SHANGHAI)),
                _reports_story(play, casts, report_year),
            )
        play.add(play.work_moment(start + timedelta(days=1)), _reading_story(play))
        # 示范市司法局's 案卷评查 of the year's closed cases, finished before the year ends.
        play.add(
            play.work_moment(end - timedelta(days=EVALUATION_STARTS_BEFORE_END)),
            evaluation_story(),
        )
        play.run()
        tree_heads_sign()
    summary = play.summary
    # Those the stories opened, and the 案源 a conversion or an inspection's finding opened.
    made = Case.objects.filter(pk__gt=last_before)
    summary.cases = made.count()
    for state in made.values_list("state", flat=True):
        summary.states[state] = summary.states.get(state, 0) + 1
    logger.info("demo activity: %d cases, %d stories stopped early", summary.cases, summary.refused)
    return summary
