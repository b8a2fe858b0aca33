"""Short-lived signed grants for looks at a record (see ``evidence.views``): the page that
recorded a look — or the case page on which a supervising body's 监督人员 gave his 调阅事由 —
hands out links that carry the reason already given, so the look is recorded with it."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils.http import urlencode

from sanxiang.org.models import Officer

GRANT_SALT = "sanxiang.evidence.grant"


def grant(kind: str, item_id: int, officer: Officer, reason: str = "") -> str:
    payload = {"k": kind, "item": item_id, "officer": officer.pk, "reason": reason}
    return signing.dumps(payload, salt=GRANT_SALT)


def open_url(item_id: int, officer: Officer, reason: str) -> str:
    """The record's page, opened with ``reason`` (recorded as a look when followed)."""
    target = reverse("evidence:detail", args=[item_id])
    return f"{target}?{urlencode({'g': grant('open', item_id, officer, reason)})}"
