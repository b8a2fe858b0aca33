"""The case page drawn for several viewers on cases in every state: its HTML kept, its CPU timed.

For changes meant to make the case page cheaper without changing it (issue #13): run once on the
code before and once after, on the same database, with ``--out`` pointing at two folders, then
``diff -r`` them. For the code before, pass ``--code`` an export of it (``git archive lead sanxiang
data | tar -x -C DIR``): ``PYTHONPATH`` alone is not enough, the editable install of ``.venv``
finds the worktree's ``sanxiang`` first; ``--code`` sets that finder aside and says which code ran. For each state present, a few cases
(the newest of the state, of 一般程序 first) and for each case every viewer the data offers:

- ``handler``: an officer on duty who handles the case;
- ``colleague``: an officer (not a 负责人) on duty of the case's unit who does not handle it;
- ``head``: a 负责人 of the case's agency;
- ``reviewer``: the reviewer the case was sent to (under 法制审核), else a 法制审核人员 of its unit;
- ``supervisor``: a 监督人员 of a supervising body over the agency, with a 调阅事由.

Each page is asked once to warm, once kept (the CSRF token masked), then ``--repeat`` times for
this process's CPU time; prints the median CPU per page over all pages and the mean query count.
Never asserts times.

Run: ``SANXIANG_VAR=... .venv/bin/python bench/case_page_compare.py --out /tmp/after``
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
os.environ.setdefault("SANXIANG_BACKGROUND", "off")

STATES = (
    "clue,investigating,investigated,notified,under_review,decided,served,executing,closed,archived"
)
# What changes from one request to the next: the CSRF token, the time in a signed approval's text.
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"|("X-CSRFToken": ")[^"]*"')
SIGNED_AT = re.compile(r"(签发时间&quot;:&quot;)[^&]*")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="folder for the pages' HTML")
    parser.add_argument("--states", default=STATES)
    parser.add_argument("--per-state", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--code", help="an export of another version's sanxiang/ and data/")
    args = parser.parse_args()
    if args.code:
        import sys

        sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
        sys.path.insert(0, str(Path(args.code).resolve()))
    import sanxiang

    print(f"code: {Path(sanxiang.__file__).parent}")

    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)  # the deadlines' notes on a missing calendar year
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sanxiang.cases.models import AccessReason, Case
    from sanxiang.org.models import Officer, Role
    from sanxiang.org.selectors import supervised_agency_ids

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cpus: list[float] = []
    counts: list[int] = []
    supervisors = [
        o for o in Officer.objects.filter(is_active=True, roles__role=Role.SUPERVISOR).distinct()
        if supervised_agency_ids(o)
    ]  # fmt: skip
    for state in args.states.split(","):
        cases = list(
            Case.objects.filter(state=state).order_by("-procedure", "-pk")[: args.per_state]
        )
        for case in cases:
            handlers = list(case.handlers.filter(is_active=True))
            colleague = (
                Officer.objects.filter(unit_id=case.unit_id, is_active=True, user__isnull=False)
                .exclude(pk__in=[h.pk for h in handlers])
                .exclude(roles__role__in=[Role.HEAD, Role.REVIEWER])
                .order_by("pk")
                .first()
            )
            head = (
                Officer.objects.filter(
                    unit__agency_id=case.agency_id, is_active=True, roles__role=Role.HEAD
                )
                .order_by("pk")
                .first()
            )
            from sanxiang.review.models import Review

            review = Review.objects.filter(case=case, reviewer__isnull=False).last()
            reviewer = review.reviewer if review else None
            if reviewer is None:  # one who reads the case as an officer of its unit
                reviewer = (
                    Officer.objects.filter(
                        unit_id=case.unit_id, is_active=True, roles__role=Role.REVIEWER
                    )
                    .order_by("pk")
                    .first()
                )
            supervisor = next(
                (o for o in supervisors if case.agency_id in supervised_agency_ids(o)), None
            )
            viewers = {
                "handler": handlers[0] if handlers else None,
                "colleague": colleague,
                "head": head,
                "reviewer": reviewer,
                "supervisor": supervisor,
            }
            for role, officer in viewers.items():
                if officer is None or officer.user is None:
                    continue
                client = Client()
                client.force_login(officer.user)
                url = f"/office/cases/{case.pk}/"
                if role == "supervisor":
                    url += f"?reason={AccessReason.ROUTINE}"
                first = client.get(url)
                if first.status_code != 200:
                    print(f"{state:13} {case.pk:7} {role:10} answered {first.status_code}")
                    continue
                with CaptureQueriesContext(connection) as captured:
                    page = client.get(url)
                queries = len(captured.captured_queries)  # the next request clears the log
                counts.append(queries)
                html = CSRF.sub(lambda m: (m.group(1) or m.group(2)) + 'X"', page.content.decode())
                html = SIGNED_AT.sub(r"\1X", html)
                (out / f"{state}-{case.pk}-{role}.html").write_text(html)
                spent = []
                for _ in range(args.repeat):
                    began = time.process_time()
                    client.get(url)
                    spent.append((time.process_time() - began) * 1000)
                cpus.append(statistics.median(spent))
                print(f"{state:13} {case.pk:7} {role:10} {queries:3d} q "
                      f"{statistics.median(spent):6.1f} ms CPU")  # fmt: skip
    print(
        f"\n{len(cpus)} pages: CPU per page median {statistics.median(cpus):.1f} ms, "
        f"mean {statistics.mean(cpus):.1f} ms; queries mean {statistics.mean(counts):.1f}, "
        f"max {max(counts)}"
    )


if __name__ == "__main__":
    main()
