"""Reads of the calendar tables."""

from __future__ import annotations

from django.db import models

from sanxiang.core.models import ProvisionalDeadline


def provisional_marks(object_type: str) -> set[tuple[int, str]]:
    """``(object_id, field)`` of the stored provisional (暂定) due dates of ``object_type``,
    e.g. ``"review.review"``: one query, for a whole page of rows."""
    return set(
        ProvisionalDeadline.objects.filter(object_type=object_type).values_list(
            "object_id", "field"
        )
    )


def is_provisional(instance: models.Model, field: str) -> bool:
    """Whether ``instance.<field>`` is a provisional (暂定) due date."""
    return ProvisionalDeadline.objects.filter(
        object_type=instance._meta.label_lower, object_id=instance.pk, field=field
    ).exists()
