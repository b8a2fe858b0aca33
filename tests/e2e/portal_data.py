"""Published decisions and an annual report for the portal's browser test, made through the
services as an agency would make them.

Run inside an installation (``python -m tests.e2e.portal_data`` with its SANXIANG_VAR), after
``sanxiang demo``; prints what it made as JSON. The demo loader itself stays as it is: the
portal test needs pages the demo does not have yet (a published decision, its document's
核验码, a published 年报).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tests.conftest import prepare_step


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    import django

    django.setup()

    import time_machine
    from django.contrib.auth import get_user_model

    from sanxiang.cases.models import CaseDocument, NumberingRule
    from sanxiang.cases.party_access import party_code_current
    from sanxiang.cases.services import case_transition, document_generate
    from sanxiang.disclosure.annual import annual_figures
    from sanxiang.disclosure.models import Publication
    from sanxiang.disclosure.services import (
        annual_snapshot,
        publication_confirm,
        publication_draft,
        publication_withdraw,
        report_publish,
    )
    from sanxiang.ledger.services import tree_heads_sign
    from sanxiang.org.events import org_row_created
    from sanxiang.org.models import Agency, Article, Law, Officer, Unit
    from sanxiang.review.models import CatalogueRule
    from tests.cases.conftest import STATUTORY_CATALOGUE, Staff, ready_case, set_basis
    from tests.conftest import credit_code, make_officer

    shanghai = ZoneInfo("Asia/Shanghai")
    agency = Agency.objects.create(
        name="测试市城市管理综合行政执法局",
        credit_code=credit_code(71),
        level="municipal",
        region="测试市",
        address="测试市人民路 1 号市民服务中心东楼三层行政执法大厅",
        phone="0999-1234567",
        authority_basis="测试市机构编制文件",
    )
    org_row_created(agency)
    for name, legal in (("法制科", True), ("执法一大队", False), ("办公室", False)):
        org_row_created(Unit.objects.create(agency=agency, name=name, is_legal_review_body=legal))
    NumberingRule.objects.create(agency=agency, kind="penalty", prefix="测城执罚")
    NumberingRule.objects.create(agency=agency, kind="on_spot", prefix="测城当罚")
    for i, (title, conditions) in enumerate(STATUTORY_CATALOGUE, start=1):
        CatalogueRule.objects.create(
            agency=agency, position=i, title=title, basis="行政处罚法第五十八条第一款", **conditions
        )
    users = get_user_model()

    def person(
        login: str, unit: str, name: str, number: str, roles: tuple[str, ...] = ("officer",)
    ) -> Officer:
        user = users.objects.create_user(login, password="sanxiang-demo")
        officer: Officer = make_officer(
            user=user, unit=agency.units.get(name=unit), name=name, number=number, roles=roles
        )
        org_row_created(officer)
        return officer

    staff = Staff(
        zhang=person("portal_zhang", "执法一大队", "张伟", "99010017001"),
        li=person("portal_li", "执法一大队", "李娜", "99010017002"),
        wang=person("portal_wang", "执法一大队", "王强", "99010017003"),
        zhou=person("portal_zhou", "法制科", "周婷", "99010017004", roles=("reviewer",)),
        head=person("portal_head", "办公室", "刘志强", "99010017005", roles=("head", "officer")),
    )
    law = Law.objects.create(
        title="城市市容和环境卫生管理条例",
        kind="admin_regulation",
        issuer="国务院",
        promulgated_on=date(2017, 3, 1),
        effective_on=date(2017, 3, 1),
        source="测试",
    )
    articles = {
        number: Article.objects.create(law=law, number=number, label=label, text=f"{label}条文")
        for number, label in ((14, "第十四条"), (36, "第三十六条"))
    }

    decided = []
    for day, title in (
        (datetime(2025, 11, 4, 10, tzinfo=shanghai), "擅自占用城市道路经营"),
        (datetime(2026, 6, 2, 10, tzinfo=shanghai), "未按规定设置户外广告设施（人民路至解放路段）"),
    ):
        with time_machine.travel(day, tick=False):
            case = ready_case(
                staff,
                title=title,
                violation_on=day.date(),
                clue_received_on=day.date(),
                facts=(
                    "当事人在人民路100号至128号门前人行道上擅自摆放桌椅、货架占道经营，"
                    "占用面积约二十平方米，经执法人员现场责令改正后仍未改正。"
                    "现场照片编号：IMG_20251104_100215_HDR_0001.jpg；"
                    "执法记录仪视频：DSJ-001/20251104/0000000000000000001.mp4。"
                ),
            )
            set_basis(staff, case, articles)
            for actor, action in (
                (staff.head, "register"),
                (staff.zhang, "conclude"),
                (staff.zhang, "notify"),
                (staff.zhang, "record_statement"),
                (staff.head, "decide"),
            ):
                prepare_step(actor, case.pk, action)
                case_transition(actor=actor, case_id=case.pk, action=action)
            document_generate(actor=staff.zhang, case_id=case.pk, kind="decision")
            prepare_step(staff.zhang, case.pk, "serve")
            case_transition(actor=staff.zhang, case_id=case.pk, action="serve")
            publication = Publication.objects.get(case=case)
            draft = publication_draft(publication)
            publication_confirm(
                actor=staff.head, publication_id=publication.pk, draft_sha256=draft.sha256
            )
            decided.append((case, publication))

    figures = annual_figures(agency=agency, year=2025, today=date(2026, 6, 10))
    report = report_publish(
        actor=staff.head, agency=agency, year=2025, seen_sha256=annual_snapshot(figures)[1]
    )
    withdrawn = decided[0][1]
    publication_withdraw(
        actor=staff.head,
        publication_id=withdrawn.pk,
        reason="revoked",
        statement="该决定已被依法撤销，原公示内容不再公开。",
        occurred_on=date(2026, 6, 8),
    )
    tree_heads_sign()
    case, publication = decided[-1]
    case.refresh_from_db()
    document = CaseDocument.objects.filter(case=case, kind="decision").latest("pk")
    sys.stdout.write(
        json.dumps(
            {
                "decision": publication.pk,
                "withdrawn": withdrawn.pk,
                "verification_code": document.verification_code,
                "report": report.pk,
                "case_number": case.number,
                "party_code": code.code if (code := party_code_current(case.pk)) else None,
            }
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
