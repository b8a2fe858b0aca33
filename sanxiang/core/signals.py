"""Signals of the core app that apps above it react to."""

from django.dispatch import Signal

# Sent (inside the entering transaction: ``workdays import-year`` or the 管理后台, through
# ``core.services.calendar_schedule_entered``) when a year's holiday schedule has been entered,
# with ``year``: dates computed earlier without it — a calendar-day period's end that could not
# be moved past a holiday — can now be computed exactly. Provisional working-day dates are
# recomputed by the core itself (``provisional_deadlines_recompute``).
calendar_year_entered = Signal()
