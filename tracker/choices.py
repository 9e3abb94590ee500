"""Vocabularies shared by more than one app."""

from __future__ import annotations

from django.db import models


class DatePrecision(models.TextChoices):
    """How much of a date a source actually gives.

    A date known to the month is stored as the first of that month, a date known
    to the year as the 1st of January, so that dates still sort and filter.
    """

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
