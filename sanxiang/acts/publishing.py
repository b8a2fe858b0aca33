"""The seam to 执法公示: a recorded act opens its publication through a service the
publishing app installs (``DisclosureConfig.ready``), as a case's ``OpenPublication`` effect
does (``cases/workflow/effects.py``). ``acts`` sits below ``disclosure`` so that the portal, the
exports and the 统计年报 can read acts; it never imports it. Without the installed service no act
can be recorded (fail closed): an act without its publication record would escape the deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sanxiang.errors import DomainError

# (act: Permit | OtherAct, actor: str) -> the publication opened
Publisher = Callable[[Any, str], Any]

_publisher: list[Publisher] = []


def install_publisher(publisher: Publisher) -> None:
    _publisher[:] = [publisher]


def open_publication(act: Any, actor: str) -> Any:
    if not _publisher:
        raise DomainError(
            "公示功能未启用，暂不能登记行政行为。", log_message="no act publisher installed"
        )
    return _publisher[0](act, actor)
