"""Signals of the core app that apps above it react to."""

from django.dispatch import Signal

# Sent (inside the import's transaction) when a year's holiday schedule has been entered, with
# ``year``: dates computed earlier without it — a calendar-day period's end that could not be
# moved past a holiday — can now be computed exactly.
calendar_year_entered = Signal()
