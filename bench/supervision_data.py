"""Bench-only data for the 监督驾驶舱 benches: many agencies, up to millions of cases, set-based.

Nothing here goes through the services (no ledger, no guards): one Django row of each table is
created as a template (so every column the model requires gets a valid value), and the bulk is
copied from it by ``INSERT … SELECT`` over a numbers series (PostgreSQL ``generate_series``,
SQLite a recursive CTE) or over the cases just written, with the columns that vary computed in
SQL from a hash of the row's number. The templates stay (a closed case with a row in every
table; several tables are append-only), so ``--cases`` counts them. The shares are
deterministic (the same ``--cases`` gives the same rows on both databases).

What a run holds, per case (一般程序, spread evenly over the agencies, four handlers each and
three 内设机构):

- state: half open (案源登记 … 已送达, 7 states), half ended (结案、归档、不予立案、撤案、执行完毕);
  clue received 10–374 days ago, 立案 five days later (all but 案源登记 and 不予立案), the
  90-day 决定期限 from 立案, a decision date between 立案 and today for the decided states, 送达
  for 97 % of them; the current step's due date from 20 days past to 40 days ahead (open cases);
- two handlers (the ``cases_case_handlers`` rows the 裁量偏离 block reads);
- a 须法制审核 determination for 20 %, a review for 80 % of those (80 % passed, 1–10 days);
- a publication for the decided ones: 85 % published between six days before and three days
  after the due date (decision + 7 days), the rest pending; 2 % with a withdrawal due, half done;
- a 裁量 record for decisions of this year (80 % within, 8 % outside, 2 % unchecked, 10 % not
  chosen);
- a 复议/诉讼 for 1 % of the decided ones, half with an outcome;
- 预警 as the daily scan would have left them: 办案期限将届满或已超期 for every undecided
  registered case within ten days of its 决定期限, 执法决定逾期未公示 for every pending
  publication past due, 已结案未记录送达 for every decided closed case without 送达 (half open,
  three in ten acknowledged, two in ten escalated), and resolved history for 5 % of ended cases.
"""

# ruff: noqa: S608 - every SQL text here is built from this module's constants and integers

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

OPEN = ["clue", "investigating", "investigated", "notified", "under_review", "decided", "served"]
DONE = ["closed", "archived", "not_registered", "withdrawn", "executed"]
DECIDED = ["decided", "served", "closed", "executed", "archived"]
UNDECIDED_REGISTERED = ["investigating", "investigated", "notified", "under_review"]
HANDLERS_PER_AGENCY = 4
UNITS_PER_AGENCY = 3


@dataclass
class Generated:
    body_id: int
    supervisor_id: int
    agency_ids: list[int]
    seconds: float
    rows: dict[str, int]


def _h(column: str, salt: int, modulo: int) -> str:
    """A deterministic pseudo-random number in [0, modulo) from an integer column (two rounds
    of the Park–Miller generator; fits in 64 bits on both databases)."""
    return (
        f"((((CAST({column} AS BIGINT) + {salt * 1_000_003}) * 48271) % 2147483647)"
        f" * 48271 % 2147483647 % {modulo})"
    )


class _Dialect:
    def __init__(self, vendor: str, today: date) -> None:
        self.pg = vendor == "postgresql"
        self.today = today.isoformat()

    def series(self, count: int) -> str:
        if self.pg:
            return f"generate_series(1, {int(count)}) AS s(i)"
        return (
            f"(WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r "
            f"WHERE i < {int(count)}) SELECT i FROM r) AS s"
        )

    def day(self, offset: str) -> str:
        """Today plus ``offset`` (an SQL integer expression) days, as a date."""
        if self.pg:
            return f"(DATE '{self.today}' + CAST({offset} AS INTEGER))"
        return f"date('{self.today}', ({offset}) || ' days')"

    def shift(self, day: str, offset: str) -> str:
        """A date expression plus ``offset`` days."""
        if self.pg:
            return f"({day} + CAST({offset} AS INTEGER))"
        return f"date({day}, ({offset}) || ' days')"

    def moment(self, day: str, hours: int = 9) -> str:
        """A date expression at ``hours`` o'clock UTC, as a timestamp."""
        if self.pg:
            return f"(CAST({day} AS TIMESTAMP) + INTERVAL '{hours} hours') AT TIME ZONE 'UTC'"
        return f"datetime({day}, '+{hours} hours')"

    def text(self, expression: str) -> str:
        return f"CAST({expression} AS TEXT)"


def _choice(hash_sql: str, values: list[str]) -> str:
    arms = " ".join(f"WHEN {n} THEN '{v}'" for n, v in enumerate(values))
    return f"(CASE {hash_sql} {arms} END)"


def _in(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _clone(
    cursor: Any, model: Any, template_pk: int, overrides: dict[str, str], source: str
) -> int:
    """Copy the template row of ``model`` once per row of ``source`` (``FROM … WHERE …`` SQL,
    without the template), with ``overrides`` (column -> SQL) in place of its values."""
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    unknown = set(overrides) - set(columns)
    if unknown:
        raise ValueError(f"{table}: no columns {sorted(unknown)}")
    values = [overrides.get(c, f't."{c}"') for c in columns]
    names = ", ".join(f'"{c}"' for c in columns)
    source = source.replace("{template}", f'{table} t ON t."id" = {int(template_pk)}')
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {', '.join(values)} {source}")
    return int(cursor.rowcount)


def generate(*, agencies: int, cases: int, today: date, log: Any = print) -> Generated:
    """Write the supervising body, its ``agencies`` and ``cases`` cases (see the module)."""
    from pathlib import Path

    from django.db import connection, transaction
    from django.utils import timezone

    from sanxiang.alerts.models import Alert, AlertRule, AlertStatus
    from sanxiang.cases.models import Case, DecisionDiscretion, Remedy, RemedyStep
    from sanxiang.disclosure.models import Publication
    from sanxiang.org.models import (
        Agency,
        EnforcementCategory,
        Officer,
        RoleAssignment,
        SupervisoryBody,
        Unit,
    )
    from sanxiang.org.services import categories_load
    from sanxiang.review.models import Determination, Review

    if not EnforcementCategory.objects.exists():
        categories_load(
            path=Path(__file__).resolve().parents[1] / "data" / "enforcement_categories.csv"
        )
    category = EnforcementCategory.objects.order_by("pk").first()
    assert category is not None
    sql = _Dialect(connection.vendor, today)
    now = timezone.now()
    started = time.perf_counter()
    rows: dict[str, int] = {}

    def step(name: str, count: int) -> None:
        rows[name] = count
        log(f"  {name:28} {count:>10,} rows  ({time.perf_counter() - started:6.0f} s)")

    with transaction.atomic():
        bureau = Agency.objects.create(
            name="基准市司法局", credit_code="11990100MB9999990X", level="municipal",
            region="基准市", address="-", phone="-", authority_basis="-",
        )  # fmt: skip
        body = SupervisoryBody.objects.create(
            name="基准市司法局", level="municipal", region="基准市", agency=bureau
        )
        supervisor = Officer.objects.create(
            name="监督", gender="F", unit=Unit.objects.create(agency=bureau, name="监督科")
        )
        RoleAssignment.objects.create(officer=supervisor, role="supervisor")
        staff: list[tuple[int, int, int, int, int]] = []  # slot, k, agency, unit, officer
        agency_ids, reviewers = [], {}
        for slot in range(agencies):
            agency = Agency.objects.create(
                name=f"基准执法局{slot:03d}", credit_code=f"11990100MB{slot:07d}X", level="county",
                region="基准市", address="-", phone="-", authority_basis="-",
            )  # fmt: skip
            agency_ids.append(agency.pk)
            units = [
                Unit.objects.create(agency=agency, name=f"执法{u + 1}队")
                for u in range(UNITS_PER_AGENCY)
            ]
            for k in range(HANDLERS_PER_AGENCY):
                unit = units[k % UNITS_PER_AGENCY]
                officer = Officer.objects.create(name=f"办案{slot}-{k}", gender="M", unit=unit)
                staff.append((slot, k, agency.pk, unit.pk, officer.pk))
            reviewer = Officer.objects.create(name=f"审核{slot}", gender="F", unit=units[0])
            RoleAssignment.objects.create(officer=reviewer, role="reviewer")
            reviewers[agency.pk] = reviewer.pk
        body.agencies.set(agency_ids)

        # Templates: one valid row of each table, every required column filled by Django.
        first = staff[0]
        # The templates stay (several tables are append-only): one closed case and its rows.
        month = today - timedelta(days=30)
        t_case = Case.objects.create(
            agency_id=first[2], unit_id=first[3], procedure="penalty_general", state="closed",
            number="基准执罚〔0〕号", title="基准案件", source="巡查发现", category=category,
            violation_on=month, clue_received_on=month, registered_on=month,
            decision_due_on=month + timedelta(days=90), decided_on=today, served_on=today,
            created_by_id=first[4],
        )  # fmt: skip
        t_determination = Determination.objects.create(
            case=t_case, action="decide", required=True, rules=[], reason="基准",
            actor_id=first[4],
        )  # fmt: skip
        t_review = Review.objects.create(
            case=t_case, agency_id=first[2], reviewer_id=reviewers[first[2]], need_reason="基准",
            status="passed", due_on=today, submitted_at=now,
        )  # fmt: skip
        t_publication = Publication.objects.create(
            case=t_case, agency_id=first[2], kind="penalty", title="基准案件行政处罚决定",
            decided_on=today, due_on=today, due_basis="基准", fields={}, status="pending",
        )  # fmt: skip
        t_discretion = DecisionDiscretion.objects.create(
            case=t_case, agency_id=first[2], unit_id=first[3], decided_on=today,
            outcome="within",
        )  # fmt: skip
        t_remedy = Remedy.objects.create(
            case=t_case, kind="reconsideration", filed_on=today, body="基准市人民政府",
            recorded_by_id=first[4],
        )  # fmt: skip
        t_step = RemedyStep.objects.create(
            remedy=t_remedy, kind="outcome", decided_on=today, outcome="upheld",
            recorded_by_id=first[4],
        )  # fmt: skip
        rules = dict(AlertRule.objects.values_list("key", "pk"))
        t_alert = Alert.objects.create(
            rule_id=rules["decision_due_soon"], agency_id=first[2], case=t_case,
            subject=f"case:{t_case.pk}", text="基准预警", raised_at=now, raised_on=month,
            status=AlertStatus.RESOLVED, resolved_at=now, resolution="情况已消除（系统核对）",
        )  # fmt: skip

        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_staff")
            cursor.execute(
                "CREATE TEMPORARY TABLE bench_staff (slot INTEGER, k INTEGER, agency_id INTEGER,"
                " unit_id INTEGER, officer_id INTEGER, reviewer_id INTEGER)"
            )
            cursor.executemany(
                "INSERT INTO bench_staff VALUES (%s, %s, %s, %s, %s, %s)",
                [(*row, reviewers[row[2]]) for row in staff],
            )
            not_template = f"c.id <> {t_case.pk}"
            i = "s.i"
            open_ = _h(i, 1, 1000) + " < 500"
            state = (
                f"(CASE WHEN {open_} THEN {_choice(_h(i, 2, len(OPEN)), OPEN)}"
                f" ELSE {_choice(_h(i, 2, len(DONE)), DONE)} END)"
            )
            ago = f"({_h(i, 3, 365)} + 10)"
            clue = sql.day(f"-{ago}")
            registered = sql.day(f"5 - {ago}")
            # A case's state is computed once (a subquery), its dates read it.
            step(
                "cases",
                _clone(
                    cursor,
                    Case,
                    t_case.pk,
                    {
                        "agency_id": "st.agency_id",
                        "unit_id": "st.unit_id",
                        "created_by_id": "st.officer_id",
                        "state": "c.state",
                        "number": f"CASE WHEN c.state IN ('clue', 'not_registered') THEN NULL"
                        f" ELSE '基准执罚〔' || {sql.text('c.i')} || '〕号' END",
                        "violation_on": "c.clue",
                        "clue_received_on": "c.clue",
                        "registered_on": "CASE WHEN c.state IN ('clue', 'not_registered')"
                        " THEN NULL ELSE c.registered END",
                        "decision_due_on": "CASE WHEN c.state IN ('clue', 'not_registered')"
                        f" THEN NULL ELSE {sql.shift('c.registered', '90')} END",
                        "decided_on": f"CASE WHEN {_in('c.state', DECIDED)}"
                        f" THEN c.decided ELSE NULL END",
                        "served_on": f"CASE WHEN {_in('c.state', DECIDED)} AND c.state <> "
                        f"'decided' AND {_h('c.i', 5, 100)} < 97 THEN c.decided ELSE NULL END",
                        "step_due_on": f"CASE WHEN {_in('c.state', OPEN)} THEN c.due ELSE NULL END",
                        "step_due_basis": f"CASE WHEN {_in('c.state', OPEN)} THEN '基准'"
                        " ELSE '' END",
                    },
                    f"FROM (SELECT {i} AS i, {state} AS state, {clue} AS clue,"
                    f" {registered} AS registered,"
                    f" {sql.day(f'5 - {ago} + ({ago} - 5) * {_h(i, 4, 100)} / 100')} AS decided,"
                    f" {sql.day(f'{_h(i, 6, 61)} - 20')} AS due,"
                    f" {_h(i, 7, HANDLERS_PER_AGENCY)} AS k FROM {sql.series(cases - 1)}) c"
                    f" JOIN bench_staff st ON st.slot = c.i % {agencies} AND st.k = c.k"
                    " JOIN {template}",
                ),
            )
            from_cases = (
                "FROM cases_case c JOIN bench_staff st ON st.officer_id = c.created_by_id"
                " JOIN {template}"
            )
            cursor.execute(
                "INSERT INTO cases_case_handlers (case_id, officer_id)"
                " SELECT c.id, st.officer_id FROM cases_case c"
                " JOIN bench_staff me ON me.officer_id = c.created_by_id"
                " JOIN bench_staff st ON st.agency_id = me.agency_id AND (st.k = me.k OR"
                f" st.k = ({_h('c.id', 8, HANDLERS_PER_AGENCY - 1)} + 1 + me.k)"
                f" % {HANDLERS_PER_AGENCY}) WHERE {not_template}"
            )
            step("handlers", cursor.rowcount)
            needed = f"{_h('c.id', 20, 100)} < 20"
            step(
                "determinations",
                _clone(
                    cursor,
                    Determination,
                    t_determination.pk,
                    {"case_id": "c.id", "actor_id": "c.created_by_id"},
                    f"{from_cases} WHERE {not_template} AND {needed}",
                ),
            )
            submitted = sql.day(f"-({_h('c.id', 23, 296)} + 5)")
            passed = f"{_h('c.id', 22, 100)} < 80"
            step(
                "reviews",
                _clone(
                    cursor,
                    Review,
                    t_review.pk,
                    {
                        "case_id": "c.id",
                        "agency_id": "c.agency_id",
                        "reviewer_id": "st.reviewer_id",
                        "status": f"CASE WHEN {passed} THEN 'passed' ELSE 'under_review' END",
                        "submitted_at": sql.moment(submitted),
                        "passed_at": f"CASE WHEN {passed} THEN "
                        f"{sql.moment(sql.shift(submitted, _h('c.id', 24, 10) + ' + 1'))}"
                        " ELSE NULL END",
                    },
                    f"{from_cases} WHERE {not_template} AND {needed}"
                    f" AND {_h('c.id', 21, 100)} < 80",
                ),
            )
            due = sql.shift("c.decided_on", "7")
            published = f"{_h('c.id', 10, 100)} < 85"
            withdrawal = f"{_h('c.id', 12, 1000)} < 20"
            step(
                "publications",
                _clone(
                    cursor,
                    Publication,
                    t_publication.pk,
                    {
                        "case_id": "c.id",
                        "agency_id": "c.agency_id",
                        "decided_on": "c.decided_on",
                        "due_on": due,
                        "status": f"CASE WHEN {published} THEN 'published' ELSE 'pending' END",
                        "published_at": f"CASE WHEN {published} THEN "
                        f"{sql.moment(sql.shift(due, _h('c.id', 11, 10) + ' - 6'))} ELSE NULL END",
                        "withdrawal_due_on": f"CASE WHEN {withdrawal} THEN "
                        f"{sql.shift('c.decided_on', '30')} ELSE NULL END",
                        "withdrawn_at": f"CASE WHEN {withdrawal} AND {_h('c.id', 13, 2)} = 0"
                        f" THEN {sql.moment(sql.shift('c.decided_on', '25'))} ELSE NULL END",
                    },
                    f"{from_cases} WHERE {not_template} AND {_in('c.state', DECIDED)}",
                ),
            )
            outcome = _choice(
                f"(CASE WHEN {_h('c.id', 30, 100)} < 80 THEN 0 WHEN {_h('c.id', 30, 100)} < 88"
                f" THEN 1 WHEN {_h('c.id', 30, 100)} < 90 THEN 2 ELSE 3 END)",
                ["within", "outside", "unchecked", "not_chosen"],
            )
            step(
                "discretion records",
                _clone(
                    cursor,
                    DecisionDiscretion,
                    t_discretion.pk,
                    {
                        "case_id": "c.id",
                        "agency_id": "c.agency_id",
                        "unit_id": "c.unit_id",
                        "decided_on": "c.decided_on",
                        "outcome": outcome,
                    },
                    f"{from_cases} WHERE {not_template} AND {_in('c.state', DECIDED)}"
                    f" AND c.decided_on >= '{today.year}-01-01'",
                ),
            )
            step(
                "remedies",
                _clone(
                    cursor,
                    Remedy,
                    t_remedy.pk,
                    {
                        "case_id": "c.id",
                        "kind": _choice(_h("c.id", 40, 2), ["reconsideration", "litigation"]),
                        "filed_on": sql.shift("c.decided_on", "20"),
                        "recorded_by_id": "c.created_by_id",
                    },
                    f"{from_cases} WHERE {not_template} AND {_in('c.state', DECIDED)}"
                    f" AND {_h('c.id', 41, 100)} = 0",
                ),
            )
            outcomes = ["upheld", "revoked", "changed", "illegal", "void", "dismissed"]
            step(
                "remedy outcomes",
                _clone(
                    cursor,
                    RemedyStep,
                    t_step.pk,
                    {
                        "remedy_id": "r.id",
                        "decided_on": sql.shift("r.filed_on", "60"),
                        "outcome": _choice(_h("r.id", 42, len(outcomes)), outcomes),
                        "recorded_by_id": "r.recorded_by_id",
                    },
                    f"FROM cases_remedy r JOIN {{template}} WHERE r.id <> {t_remedy.pk}"
                    " AND r.recorded_by_id IN (SELECT officer_id FROM bench_staff)"
                    f" AND {_h('r.id', 43, 2)} = 0",
                ),
            )

            def status(key: str) -> dict[str, str]:
                open_share = f"{_h(key, 50, 10)}"
                return {
                    "status": f"CASE WHEN {open_share} < 7 THEN '{AlertStatus.OPEN}'"
                    f" ELSE '{AlertStatus.ACKNOWLEDGED}' END",
                    "escalated_at": f"CASE WHEN {open_share} >= 5 AND {open_share} < 7"
                    f" THEN {sql.moment(sql.day('-1'))} ELSE NULL END",
                    "acknowledged_at": f"CASE WHEN {open_share} >= 7"
                    f" THEN {sql.moment(sql.day('-1'))} ELSE NULL END",
                }

            raised_on = sql.shift("c.decision_due_on", "-10")
            step(
                "alerts: 办案期限",
                _clone(
                    cursor,
                    Alert,
                    t_alert.pk,
                    {
                        "rule_id": str(rules["decision_due_soon"]),
                        "agency_id": "c.agency_id",
                        "case_id": "c.id",
                        "subject": f"'case:' || {sql.text('c.id')}",
                        "raised_on": raised_on,
                        "raised_at": sql.moment(raised_on),
                        **status("c.id"),
                    },
                    f"{from_cases} WHERE {not_template} AND {_in('c.state', UNDECIDED_REGISTERED)}"
                    f" AND c.decision_due_on <= {sql.day('10')}",
                ),
            )
            step(
                "alerts: 逾期未公示",
                _clone(
                    cursor,
                    Alert,
                    t_alert.pk,
                    {
                        "rule_id": str(rules["publication_overdue"]),
                        "agency_id": "p.agency_id",
                        "case_id": "p.case_id",
                        "subject": f"'publication:' || {sql.text('p.id')}",
                        "raised_on": sql.shift("p.due_on", "1"),
                        "raised_at": sql.moment(sql.shift("p.due_on", "1")),
                        **status("p.id"),
                    },
                    "FROM disclosure_publication p JOIN {template}"
                    f" WHERE p.id <> {t_publication.pk} AND p.status = 'pending'"
                    " AND p.agency_id IN (SELECT agency_id FROM bench_staff)"
                    f" AND p.due_on < '{today.isoformat()}'",
                ),
            )
            step(
                "alerts: 结案未送达",
                _clone(
                    cursor,
                    Alert,
                    t_alert.pk,
                    {
                        "rule_id": str(rules["closed_without_service"]),
                        "agency_id": "c.agency_id",
                        "case_id": "c.id",
                        "subject": f"'case:' || {sql.text('c.id')}",
                        "raised_on": sql.shift("c.decided_on", "30"),
                        "raised_at": sql.moment(sql.shift("c.decided_on", "30")),
                        **status("c.id"),
                    },
                    f"{from_cases} WHERE {not_template} AND c.state IN ('closed', 'archived')"
                    " AND c.decided_on IS NOT NULL AND c.served_on IS NULL",
                ),
            )
            step(
                "alerts: resolved",
                _clone(
                    cursor,
                    Alert,
                    t_alert.pk,
                    {
                        "rule_id": str(rules["decision_due_soon"]),
                        "agency_id": "c.agency_id",
                        "case_id": "c.id",
                        "subject": f"'case:' || {sql.text('c.id')}",
                        "raised_on": sql.shift("c.registered_on", "80"),
                        "raised_at": sql.moment(sql.shift("c.registered_on", "80")),
                        "status": f"'{AlertStatus.RESOLVED}'",
                        "resolved_at": sql.moment(sql.shift("c.registered_on", "85")),
                        "resolution": "'情况已消除（系统核对）'",
                    },
                    f"{from_cases} WHERE {not_template} AND {_in('c.state', DONE)}"
                    f" AND c.registered_on IS NOT NULL AND {_h('c.id', 51, 100)} < 5",
                ),
            )
            cursor.execute("DROP TABLE bench_staff")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Generated(
        body_id=body.pk,
        supervisor_id=supervisor.pk,
        agency_ids=agency_ids,
        seconds=time.perf_counter() - started,
        rows=rows,
    )
