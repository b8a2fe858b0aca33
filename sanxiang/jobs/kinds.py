"""What a job can be: each app that hands slow work to a job registers its kinds here (name,
who may have the result, and the function that makes it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sanxiang.org.models import Officer

# progress(percent, Chinese message)
Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Made:
    data: bytes
    filename: str
    content_type: str


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # 中文, shown on the job's page
    may_have: Callable[[Officer], bool]  # besides being of the job's agency
    make: Callable[[Any, Progress], Made]  # (job, progress) -> the file
    back_url: Callable[[Any], str]  # where the page offers to go back to
    # Whether the officer may read this job's own subject (e.g. the agency whose scorecard a
    # 监督人员 exported): checked on every read, besides ``may_have``; None when the kind and
    # the agency say all.
    may_read: Callable[[Officer, Any], bool] | None = None


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    KINDS[kind.key] = kind
