"""The computed items of 三、法制审核, 四、信息化 and 五、组织保障 (items (85)–(170) of the
三项制度工作指标体系), in the manner of ``supervision.scorers``: one function per
``auto:<key>`` of data/supervision/indicators.csv, its rule in its docstring, the figures in
words and — on the item's page — the records counted, read with the same filter.

Each figure is one aggregate query (two at most); the list behind it is read only when the
item's own page asks for it. Lists and settings that keep no history of their own (the review
body, the 目录清单, the push targets) are read as they stand today; the records of acts
(opinions, answers, decisions, publications, alerts, trainings) are read for the year.

Registered on import: ``supervision.scorecard`` imports this module.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.functions import TruncDate
from django.urls import reverse

from sanxiang.alerts.models import Alert
from sanxiang.cases.models import (
    Case,
    CaseAccess,
    CaseDocument,
    DecisionDiscretion,
    DiscretionOutcome,
    PartyQueryCode,
    Procedure,
    StepTaken,
)
from sanxiang.disclosure.models import (
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
    Publication,
    PublicationStatus,
    PushTarget,
)
from sanxiang.evaluation.selectors import agency_scores, scored_assignments
from sanxiang.org.models import Officer, Role, TrainingKind, Unit
from sanxiang.org.training import training_year
from sanxiang.review.models import (
    OPINION_POINTS,
    Capacity,
    CatalogueRule,
    Conclusion,
    Determination,
    MeetingParticipant,
    OpinionPoint,
    PointConclusion,
    ReviewStatus,
    Round,
)
from sanxiang.review.models import Opinion as ReviewOpinion
from sanxiang.supervision.opinions.models import Opinion as SupervisionOpinion
from sanxiang.supervision.opinions.models import StepKind
from sanxiang.supervision.scorers import (
    Computed,
    DetailRow,
    Scorer,
    _case_rows,
    _case_url,
    _share,
    scorer,
)


def _at_least(good: int, total: int, percent: int) -> Decimal | None:
    """Full points when ``good`` is at least ``percent`` % of ``total`` (“以上”“不低于” include
    the figure itself: 民法典第一千二百五十九条); none otherwise; None with nothing to count."""
    return None if total == 0 else Decimal(int(good * 100 >= total * percent))


def _tally(rows: QuerySet[Case], ok: Q | Exists | Combinable) -> tuple[int, int]:
    """(good, total) of ``rows`` in one query."""
    counts = rows.aggregate(total=Count("pk"), good=Count("pk", filter=ok))
    return counts["good"], counts["total"]


def _case_detail(
    rows: QuerySet[Case], ok: Q | Exists | Combinable
) -> Callable[[], list[DetailRow]]:
    return lambda: _case_rows(rows, set(rows.filter(ok).values_list("pk", flat=True)))


def _case_computed(
    rows: QuerySet[Case], ok: Q | Exists | Combinable, figures: str, at_least: int | None = None
) -> Computed:
    """The usual case-based item: points × the share of ``rows`` that are ``ok`` (or, with
    ``at_least``, full points from that percentage on); ``figures`` is formatted with ``good``
    and ``total``."""
    good, total = _tally(rows, ok)
    fraction = _share(good, total) if at_least is None else _at_least(good, total, at_least)
    return Computed(fraction, figures.format(good=good, total=total), _case_detail(rows, ok))


# --- 三、法制审核 ------------------------------------------------------------------------------


@scorer("review_body")
def review_body(agency_id: int, year: int, today: date) -> Computed:
    """(85) 有法制审核工作机构: full points when one of the agency's 内设机构 is marked
    法制审核机构 and has at least one active 法制审核人员 in it (有机构承担、有专人负责); none
    otherwise. The units as they stand today (the flag keeps no history)."""
    units = Unit.objects.filter(agency_id=agency_id, is_legal_review_body=True).annotate(
        staffed=Count(
            "officers",
            filter=Q(officers__is_active=True, officers__roles__role=Role.REVIEWER),
            distinct=True,
        )
    )
    rows = list(units.order_by("name"))
    staffed = [u for u in rows if u.staffed]
    names = "、".join(f"{u.name}（{u.staffed} 人）" for u in rows) or "无"

    def detail() -> list[DetailRow]:
        return [DetailRow(u.name, f"法制审核人员 {u.staffed} 人", u.staffed > 0) for u in rows]

    return Computed(Decimal(int(bool(staffed))), f"法制审核机构：{names}", detail)


def _reviewable(agency_id: int, year: int) -> QuerySet[Case]:
    """Decisions of the year the 目录清单 required to be reviewed (as ``review_coverage``)."""
    return Case.objects.filter(agency_id=agency_id, decided_on__year=year).filter(
        Exists(Determination.objects.filter(case_id=OuterRef("pk"), required=True))
    )


def _opinions_of_case() -> QuerySet[ReviewOpinion]:
    return ReviewOpinion.objects.filter(round__review__case_id=OuterRef("pk"))


@scorer("review_by_staff")
def review_by_staff(agency_id: int, year: int, today: date) -> Computed:
    """(88) 专职审核人员自行审核的执法决定占应当审核的 50% 以上: of the decisions of the year that
    the 目录清单 required to be reviewed, those whose review has a written opinion and no opinion
    names a 法律顾问 or 公职律师 who assisted (opinions are written only by the assigned
    法制审核人员); full points when they are at least half; none otherwise."""
    opinions = _opinions_of_case()
    ok = Exists(opinions) & ~Exists(opinions.exclude(assisted_by=""))
    return _case_computed(
        _reviewable(agency_id, year), ok,
        "法制审核人员自行审核 {good} 件 / 应当审核的决定 {total} 件（应不少于 50%）",
        at_least=50,
    )  # fmt: skip


@scorer("review_assisted")
def review_assisted(agency_id: int, year: int, today: date) -> Computed:
    """(90) 法律顾问、公职律师协助审核的不低于 20%: of the decisions of the year that the 目录清单
    required to be reviewed, those whose review names an assisting 法律顾问 or 公职律师 on an
    opinion or heard one (法律顾问、公职律师或驻队律师) at a 法制审核委员会 meeting; full
    points when they are at least a fifth; none otherwise."""
    ok = Exists(_opinions_of_case().exclude(assisted_by="")) | Exists(
        MeetingParticipant.objects.filter(
            meeting__review__case_id=OuterRef("pk"),
            capacity__in=[Capacity.ADVISER, Capacity.LAWYER],
        )
    )
    return _case_computed(
        _reviewable(agency_id, year), ok,
        "法律顾问、公职律师协助审核 {good} 件 / 应当审核的决定 {total} 件（应不低于 20%）",
        at_least=20,
    )  # fmt: skip


def _catalogue(agency_id: int) -> QuerySet[CatalogueRule]:
    return CatalogueRule.objects.filter(agency_id=agency_id, is_active=True).order_by("position")


@scorer("review_catalogue")
def review_catalogue(agency_id: int, year: int, today: date) -> Computed:
    """(91) 制定执法决定法制审核目录清单: full points when the agency's 目录清单 has at least one
    active item today (the list is what the platform applies to every decision); none
    otherwise."""
    rules = list(_catalogue(agency_id))

    def detail() -> list[DetailRow]:
        return [DetailRow(str(rule), rule.basis, True) for rule in rules]

    return Computed(Decimal(int(bool(rules))), f"目录清单有效事项 {len(rules)} 项", detail)


# The situations 国办发〔2018〕118号 requires to be reviewed, as item (92) lists them: the
# ``ReviewFlag`` a rule may name, or (None) the 听证 condition alone.
_SITUATIONS: tuple[tuple[str, str | None], ...] = (
    ("涉及重大公共利益", "public_interest"),
    ("可能造成重大社会影响或引发社会风险", "social_risk"),
    ("直接关系行政相对人或第三人重大权益", "major_rights"),
    ("经过听证程序作出的决定", None),
    ("案件情况疑难复杂、涉及多个法律关系", "complex"),
)


def _covers(rule: CatalogueRule, flag: str | None) -> bool:
    """Whether every decision in the situation matches ``rule``: the rule sets no condition
    other than the situation's own (a rule matches only when each condition it sets holds)."""
    if rule.procedure or rule.category_id or rule.min_amount_yuan is not None:
        return False
    if rule.penalty_kind:
        return False
    if flag is None:
        return not rule.case_flag
    if rule.case_flag not in ("", flag):
        return False
    # 行政处罚法第五十八条第一款第二项 joins 重大权益 with 经过听证程序; a rule that asks both
    # covers the situation as the statute defines it.
    return flag == "major_rights" or not rule.hearing_held


@scorer("catalogue_scope")
def catalogue_scope(agency_id: int, year: int, today: date) -> Computed:
    """(92) 目录清单对五类情形全覆盖: points × the share of the five situations (重大公共利益,
    重大社会影响或社会风险, 重大权益, 经过听证, 疑难复杂) that an active item of the agency's
    目录清单 covers whole — an item that names the situation (or nothing at all) and no other
    condition (执法行为, 类别, 金额, 处罚种类). 重大权益 may carry the 听证 condition, as
    行政处罚法第五十八条第一款第二项 joins the two. The list as it stands today."""
    rules = list(_catalogue(agency_id))
    found = [
        (label, next((r for r in rules if _covers(r, flag)), None)) for label, flag in _SITUATIONS
    ]
    good = sum(1 for _, rule in found if rule is not None)

    def detail() -> list[DetailRow]:
        return [
            DetailRow(label, f"由“{rule}”覆盖" if rule else "未覆盖", rule is not None)
            for label, rule in found
        ]

    return Computed(
        Decimal(good) / len(_SITUATIONS),
        f"目录清单覆盖 {good} 类 / 应覆盖 {len(_SITUATIONS)} 类情形",
        detail,
    )


def _point_scorer(code: str, label: str) -> Scorer:
    def score(agency_id: int, year: int, today: date) -> Computed:
        rows = _reviewable(agency_id, year)
        said = OpinionPoint.objects.filter(opinion__round__review__case_id=OuterRef("pk"))
        good, total = _tally(rows, Exists(said.filter(point=code)))

        def detail() -> list[DetailRow]:
            # Ordered oldest first, so each case keeps its newest opinion's conclusion.
            newest = dict(
                OpinionPoint.objects.filter(opinion__round__review__case__in=rows, point=code)
                .order_by("opinion__created_at", "pk")
                .values_list("opinion__round__review__case_id", "conclusion")
            )
            return [
                DetailRow(f"{c.number or '（未编号）'} {c.title}",
                          f"末次意见：{PointConclusion(newest[c.pk]).label}" if c.pk in newest
                          else "无该项书面意见", c.pk in newest, _case_url(c.pk))
                for c in rows.only("pk", "number", "title").order_by("pk")[:500]
            ]  # fmt: skip

        return Computed(
            _share(good, total),
            f"书面意见写明“{label}” {good} 件 / 应当审核的决定 {total} 件",
            detail,
        )

    score.__name__ = f"opinion_{code}"
    score.__doc__ = (
        f"Of the decisions of the year that the 目录清单 required to be reviewed: points × the "
        f"share whose review has a written opinion concluding on “{label}” (符合、存在问题 or "
        f"不适用, with the reasons of a problem). Every opinion written here answers the ten "
        f"points of 国办发〔2018〕118号 one by one, so a decision lacks it when it was not "
        f"reviewed here."
    )
    return score


# (95)–(104): one item per point of the written opinion, in the order of the table.
for _code, _label in OPINION_POINTS:
    scorer(f"opinion_{_code}")(_point_scorer(_code, _label))


def _returned_rounds(agency_id: int, year: int) -> QuerySet[Round]:
    """Rounds of the agency whose opinion (written in the year) found problems and sent the case
    back, except the one its handlers are still studying (the review is 退回 on it)."""
    rounds = Round.objects.filter(
        review__agency_id=agency_id,
        opinion__conclusion=Conclusion.PROBLEMS,
        opinion__created_at__year=year,
    )
    # Only the last round of a review is unanswered while the review is 退回 (the answer opens
    # the next round), and a case leaves 法制审核中 only once its review passed.
    return rounds.exclude(review__status=ReviewStatus.RETURNED, answer__isnull=True)


def _answers(agency_id: int, year: int, ok: Q, what: str) -> Computed:
    rounds = _returned_rounds(agency_id, year)
    counts = rounds.aggregate(total=Count("pk"), good=Count("pk", filter=ok))
    good, total = counts["good"], counts["total"]

    def detail() -> list[DetailRow]:
        passed = set(rounds.filter(ok).values_list("pk", flat=True))
        return [
            DetailRow(
                f"{r.review.case.number or '（未编号）'} {r.review.case.title} 第{r.number}轮",
                what if r.pk in passed else "无", r.pk in passed, _case_url(r.review.case_id),
            )
            for r in rounds.select_related("review__case").order_by("pk")[:500]
        ]  # fmt: skip

    return Computed(
        _share(good, total), f"{what} {good} 件 / 存在问题的审核意见 {total} 件", detail
    )


@scorer("review_answered")
def review_answered(agency_id: int, year: int, today: date) -> Computed:
    """(106) 承办机构对法制审核意见有书面回复: opinions written in the year that found problems
    (存在问题): points × the share the handlers answered in writing (书面答复). The round still
    waiting for its answer (the review is 退回承办机构 on it) is not counted until answered."""
    return _answers(agency_id, year, Q(answer__isnull=False), "书面回复")


@scorer("review_studied")
def review_studied(agency_id: int, year: int, today: date) -> Computed:
    """(107) 承办机构对法制审核意见有明确的研究意见: the same opinions as (106): points × the share
    whose written answer states whether the handlers adopt the opinion (采纳 or 不采纳, required on
    the form) with a 研究意见 that is not blank."""
    ok = Q(answer__isnull=False) & ~Q(answer__study="")
    return _answers(agency_id, year, ok, "有研究意见")


# --- 四、信息化 --------------------------------------------------------------------------------


def _decisions(agency_id: int, year: int) -> QuerySet[Case]:
    """行政处罚决定 made in the year: 一般程序 (作出决定) and 简易程序 (当场作出)."""
    return Case.objects.filter(
        agency_id=agency_id,
        decided_on__year=year,
        procedure__in=[Procedure.PENALTY_GENERAL, Procedure.PENALTY_SIMPLE],
    )


def _step_on_platform(action: str) -> Exists:
    return Exists(
        StepTaken.objects.filter(case_id=OuterRef("pk"), action=action, officer__isnull=False)
    )


@scorer("procedure_online")
def procedure_online(agency_id: int, year: int, today: date) -> Computed:
    """(115) 执法程序网上流转: 行政处罚决定 of the year: points × the share whose steps were taken
    on the platform by a named officer — for 一般程序 both the 立案 and the 决定, for 简易程序 the
    当场处罚决定 (the case's status history, ``StepTaken``)."""
    ok = (
        Q(procedure=Procedure.PENALTY_GENERAL)
        & _step_on_platform("register")
        & _step_on_platform("decide")
    ) | (Q(procedure=Procedure.PENALTY_SIMPLE) & _step_on_platform("decide_on_spot"))
    return _case_computed(
        _decisions(agency_id, year), ok, "在平台上立案、决定 {good} 件 / 处罚决定 {total} 件"
    )


@scorer("supervision_online")
def supervision_online(agency_id: int, year: int, today: date) -> Computed:
    """(116) 执法活动网上监督: full points when in the year a 监督人员 opened one of the agency's
    cases on the platform (a 案件调阅记录 with its 调阅事由) or issued an 执法监督意见 or
    责令纠正 on one; none otherwise."""
    accessed = Q(
        pk__in=CaseAccess.objects.filter(case__agency_id=agency_id, accessed_at__year=year)
        .exclude(reason="")
        .values("case_id")
    )
    opined = Q(
        pk__in=SupervisionOpinion.objects.filter(agency_id=agency_id, issued_on__year=year).values(
            "case_id"
        )
    )
    rows = Case.objects.filter(accessed | opined)
    counts = rows.aggregate(
        total=Count("pk"), opened=Count("pk", filter=accessed), opinions=Count("pk", filter=opined)
    )
    return Computed(
        Decimal(int(counts["total"] > 0)),
        f"监督人员在平台调阅案件 {counts['opened']} 件，出具监督意见的案件 {counts['opinions']} 件",
        lambda: _case_rows(rows, set(rows.values_list("pk", flat=True))),
    )


@scorer("decisions_pushed")
def decisions_pushed(agency_id: int, year: int, today: date) -> Computed:
    """(117) 执法决定实时推送: with a 推送目标 configured for the agency (docs/operations/push.md):
    decisions first published in the year: points × the share whose 公示 message reached the
    target (已推送). Without a target there is nothing to count (the item stays 待评)."""
    if not PushTarget.objects.filter(Q(agency_id=agency_id) | Q(agency__isnull=True)).exists():
        return Computed(None, "未配置推送目标，本平台的公示未向上级平台推送")
    published = Publication.objects.filter(agency_id=agency_id, published_at__year=year)
    sent = Delivery.objects.filter(
        publication_id=OuterRef("pk"), event=DeliveryEvent.PUBLISH, status=DeliveryStatus.SENT
    )
    counts = published.aggregate(total=Count("pk"), good=Count("pk", filter=Exists(sent)))
    good, total = counts["good"], counts["total"]

    def detail() -> list[DetailRow]:
        when = dict(
            Delivery.objects.filter(publication__in=published, event=DeliveryEvent.PUBLISH,
                                    status=DeliveryStatus.SENT)
            .values("publication_id").annotate(first=Min("sent_at"))
            .values_list("publication_id", "first")
        )  # fmt: skip
        return [
            DetailRow(p.title, f"{when[p.pk]:%Y-%m-%d %H:%M} 已推送" if p.pk in when else "未推送",
                      p.pk in when, _case_url(p.case_id) if p.case_id else "")
            for p in published.order_by("published_at", "pk")[:500]
        ]  # fmt: skip

    return Computed(_share(good, total), f"已推送 {good} 件 / 本年度公示 {total} 件", detail)


@scorer("publications_unified")
def publications_unified(agency_id: int, year: int, today: date) -> Computed:
    """(118) 执法信息统一公示: 执法决定 of every kind made in the year whose publication period has
    run (or that are published): points × the share published on the platform's 公示 portal at
    all — whether on time is items (36) and (37). Exempt ones (依法不予公示) are not counted."""
    due = Publication.objects.filter(agency_id=agency_id, decided_on__year=year).filter(
        ~Q(status=PublicationStatus.EXEMPT) & (Q(due_on__lt=today) | Q(published_at__isnull=False))
    )
    ok = Q(published_at__isnull=False)
    counts = due.aggregate(total=Count("pk"), good=Count("pk", filter=ok))
    good, total = counts["good"], counts["total"]

    def detail() -> list[DetailRow]:
        return [
            DetailRow(p.title, "已在公示平台公示" if p.published_at else "未公示",
                      p.published_at is not None, _case_url(p.case_id) if p.case_id else "")
            for p in due.order_by("decided_on", "pk")[:500]
        ]  # fmt: skip

    return Computed(_share(good, total), f"已公示 {good} 件 / 应公示 {total} 件", detail)


@scorer("party_query")
def party_query(agency_id: int, year: int, today: date) -> Computed:
    """(119) 执法信息网上查询: 行政处罚决定 of the year: points × the share whose party was given a
    查询码 to see the case on the portal (案件查询; issued with the first document handed to him,
    docs/operations/party-query.md)."""
    ok = Exists(PartyQueryCode.objects.filter(case_id=OuterRef("pk")))
    return _case_computed(
        _decisions(agency_id, year), ok, "当事人可网上查询 {good} 件 / 处罚决定 {total} 件"
    )


@scorer("discretion_assisted")
def discretion_assisted(agency_id: int, year: int, today: date) -> Computed:
    """(126) 使用行政执法裁量智能辅助信息系统: 行政处罚决定 of the year (their 裁量 record, made at
    the decision): points × the share decided with a 违法行为 chosen from the agency's 裁量基准 on
    the platform, which then shows the tier and range (裁量辅助); “未选用裁量基准” counts
    against."""
    rows = DecisionDiscretion.objects.filter(agency_id=agency_id, decided_on__year=year)
    ok = ~Q(outcome=DiscretionOutcome.NOT_CHOSEN)
    counts = rows.aggregate(total=Count("pk"), good=Count("pk", filter=ok))
    good, total = counts["good"], counts["total"]

    def detail() -> list[DetailRow]:
        return [
            DetailRow(f"{r.case.number or '（未编号）'} {r.case.title}", r.get_outcome_display(),
                      r.outcome != DiscretionOutcome.NOT_CHOSEN, _case_url(r.case_id))
            for r in rows.select_related("case").order_by("decided_on", "pk")[:500]
        ]  # fmt: skip

    return Computed(_share(good, total), f"选用裁量基准 {good} 件 / 处罚决定 {total} 件", detail)


@scorer("decision_documents")
def decision_documents(agency_id: int, year: int, today: date) -> Computed:
    """(131) 给执法人员生成执法决定文书: 行政处罚决定 of the year: points × the share whose
    决定书 (行政处罚决定书, or 当场行政处罚决定书) was generated on the platform."""

    def made(kind: str) -> Exists:
        return Exists(CaseDocument.objects.filter(case_id=OuterRef("pk"), kind=kind))

    ok = (Q(procedure=Procedure.PENALTY_GENERAL) & made("decision")) | (
        Q(procedure=Procedure.PENALTY_SIMPLE) & made("on_spot_decision")
    )
    return _case_computed(
        _decisions(agency_id, year), ok, "平台生成决定书 {good} 件 / 处罚决定 {total} 件"
    )


@scorer("alerts_attended")
def alerts_attended(agency_id: int, year: int, today: date) -> Computed:
    """(135) 行政执法大数据应用于风险防范: 预警 the platform raised on the agency's records in the
    year (data/alerts/rules.csv): points × the share not escalated — 升级 comes when nobody
    acknowledged or cleared it within the rule's working days (an alert still within them
    counts as attended)."""
    raised = Alert.objects.filter(agency_id=agency_id, raised_on__year=year)
    ok = Q(escalated_at__isnull=True)
    counts = raised.aggregate(total=Count("pk"), good=Count("pk", filter=ok))
    good, total = counts["good"], counts["total"]

    def detail() -> list[DetailRow]:
        return [
            DetailRow(f"{a.raised_on:%Y-%m-%d} {a.rule.name}：{a.text}",
                      "已升级" if a.escalated_at else a.get_status_display(),
                      a.escalated_at is None, _case_url(a.case_id) if a.case_id else "")
            for a in raised.select_related("rule").order_by("raised_at", "pk")[:500]
        ]  # fmt: skip

    figures = f"未因逾期未确认而升级 {good} 条 / 本年度预警 {total} 条"
    return Computed(_share(good, total), figures, detail)


# --- 五、组织保障 ------------------------------------------------------------------------------


@scorer("case_evaluation")
def case_evaluation(agency_id: int, year: int, today: date) -> Computed:
    """(146) 案卷管理和评查制度并落实: the agency's cases scored in 案卷评查 campaigns closed in the
    year (``evaluation.selectors.agency_scores``, whose mean score the figures give): points ×
    the share whose findings the agency answered (整改情况). No closed campaign scored a case of
    the agency in the year: nothing to count (待评)."""
    scores = agency_scores(year=year, agency_ids=[agency_id]).get(agency_id)
    if scores is None:
        return Computed(None, f"{year}年结束的案卷评查未抽查本机关案卷")
    rows = scored_assignments(year=year, agency_ids=[agency_id])
    counts = rows.aggregate(
        total=Count("pk"), good=Count("pk", filter=Q(answered_at__isnull=False))
    )

    def detail() -> list[DetailRow]:
        return [
            DetailRow(f"{a.campaign.name}：{a.case.number or '（未编号）'} {a.case.title}",
                      f"得分 {a.score}，{'已答复整改' if a.answered_at else '未答复'}",
                      a.answered_at is not None, _case_url(a.case_id))
            for a in rows.select_related("campaign", "case").order_by("campaign_id", "pk")[:500]
        ]  # fmt: skip

    return Computed(
        _share(counts["good"], counts["total"]),
        f"评查案卷 {counts['total']} 件，平均 {scores.mean} 分；已答复整改 {counts['good']} 件",
        detail,
    )


@scorer("supervision_answered")
def supervision_answered(agency_id: int, year: int, today: date) -> Computed:
    """(148) 行政执法考核监督制度并落实: 执法监督意见书 and 责令纠正通知书 to the agency whose
    answer was due in the year, by today or answered: points × the share first answered in
    writing by the 答复期限 the document set."""
    first = Min(TruncDate("steps__at"), filter=Q(steps__kind=StepKind.ANSWERED))
    due = (
        SupervisionOpinion.objects.filter(agency_id=agency_id, answer_due_on__year=year)
        .annotate(answered_on=first)
        .filter(Q(answer_due_on__lt=today) | Q(answered_on__isnull=False))
    )
    on_time = due.filter(answered_on__lte=F("answer_due_on"))
    good, total = on_time.count(), due.count()

    def detail() -> list[DetailRow]:
        ok = set(on_time.values_list("pk", flat=True))
        return [
            DetailRow(f"{o.get_kind_display()} {o.number}",
                      f"应于 {o.answer_due_on:%Y-%m-%d} 前答复", o.pk in ok,
                      reverse("supervision:opinion", args=[o.pk]))
            for o in due.order_by("answer_due_on", "pk")[:500]
        ]  # fmt: skip

    return Computed(_share(good, total), f"按期答复 {good} 份 / 应答复 {total} 份", detail)


def _post_training(officer: Officer) -> set[str]:
    kinds = {TrainingKind.PRE_POST.value, TrainingKind.ON_POST.value}
    if officer.has_role(Role.REVIEWER):
        kinds.add(TrainingKind.REVIEW.value)
    return kinds


@scorer("post_training")
def post_training(agency_id: int, year: int, today: date) -> Computed:
    """(162) 执法人员和法制审核人员岗前培训和岗位培训并予以落实: the agency's active 执法人员 and
    法制审核人员: points × the share with a 岗前培训 or 岗位培训 (for a reviewer also a 法制审核业务
    培训) begun in the year (培训记录, org/training.py)."""
    rows = [
        r
        for r in training_year(agency_id=agency_id, year=year)
        if r.officer.has_role(Role.OFFICER) or r.officer.has_role(Role.REVIEWER)
    ]
    trained = {
        r.officer.pk for r in rows if any(r.by_kind.get(k, 0) for k in _post_training(r.officer))
    }

    def detail() -> list[DetailRow]:
        return [
            DetailRow(
                f"{r.officer.name}（{r.officer.unit.name}）",
                "、".join(f"{TrainingKind(k).label} {h} 学时" for k, h in sorted(r.by_kind.items()))
                or "无培训记录",
                r.officer.pk in trained,
            )
            for r in rows
        ]

    return Computed(
        _share(len(trained), len(rows)),
        f"参加岗前或岗位培训 {len(trained)} 人 / 执法人员和法制审核人员 {len(rows)} 人",
        detail,
    )
