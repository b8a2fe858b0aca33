"""Demo 培训记录: each demo agency's list of this year's courses, imported through the service
the 负责人's page uses (so the page, the ledger and the 统计年报 show them)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from sanxiang.org.models import Agency, Officer, Role, TrainingRecord
from sanxiang.org.training import COLUMNS, trainings_import


def demo_training_load() -> bool:
    """Import one list per agency that has none yet; False when there was nothing to do."""
    today = timezone.localdate()
    done = False
    for agency in Agency.objects.order_by("pk"):
        if TrainingRecord.objects.filter(officer__unit__agency=agency).exists():
            continue
        staff = list(
            Officer.objects.filter(unit__agency=agency, is_active=True)
            .prefetch_related("roles")
            .order_by("pk")
        )
        if not staff:
            continue
        lines = [",".join(COLUMNS)]
        sanxiang_day = today - timedelta(days=40)
        for index, officer in enumerate(staff):
            # Most attend the 三项制度 course; one in five missed it (the rate shows it).
            if index % 5 != 4:
                lines.append(
                    f"{officer.name},,“三项制度”全员实务培训,“三项制度”专题培训,8,"
                    f"{sanxiang_day},{sanxiang_day},{agency.name}"
                )
            if officer.has_role(Role.REVIEWER):
                start = today - timedelta(days=20)
                lines.append(
                    f"{officer.name},,重大执法决定法制审核实务,法制审核业务培训,12.5,"
                    f"{start},{start + timedelta(days=1)},示范市司法局"
                )
            elif officer.has_role(Role.OFFICER) and index % 2 == 0:
                start = today - timedelta(days=10)
                lines.append(
                    f"{officer.name},,执法办案与职业道德,岗位培训,16,"
                    f"{start},{start + timedelta(days=1)},{agency.name}"
                )
        # Two officers of one name would need their 执法证号; the demo's names are unique.
        trainings_import(
            agency=agency,
            filename="demo-training.csv",
            content="\n".join(lines).encode("utf-8"),
            actor="system",
            today=today,
        )
        done = True
    return done
