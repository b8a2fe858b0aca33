"""``{% public_url 'portal:decision' pk %}``: a portal address on ``SANXIANG_PUBLIC_URL``."""

from __future__ import annotations

from typing import Any

from django import template

from sanxiang.core.public_url import public_reverse

register = template.Library()


@register.simple_tag
def public_url(viewname: str, *args: Any) -> str:
    return public_reverse(viewname, *args)
