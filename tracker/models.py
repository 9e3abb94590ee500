"""Abstract bases shared by every tracked model."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models

from tracker.choices import DatePrecision


class TimestampedModel(models.Model):
    """Every tracked record knows when it was created and last changed."""

    created_at = models.DateTimeField(
        auto_now_add=True,
        help_text="When this record was created in the tracker.",
    )
    updated_at = models.DateTimeField(
        auto_now=True,
        db_index=True,
        help_text="When this record was last changed in the tracker.",
    )

    class Meta:
        abstract = True


def validate_partial_date(
    value: datetime.date | None, precision: str, *, date_field: str, precision_field: str
) -> None:
    """Check that a date and its precision agree.

    A date needs a precision and a precision needs a date; a month-precise date
    is stored as the 1st of its month and a year-precise one as the 1st of January.
    """
    if value is None:
        if precision:
            raise ValidationError({precision_field: "A precision needs a date."})
        return
    if not precision:
        raise ValidationError({precision_field: "Say how precise the date is."})
    if precision == DatePrecision.MONTH and value.day != 1:
        raise ValidationError(
            {date_field: "A date known to the month is stored as the 1st of that month."}
        )
    if precision == DatePrecision.YEAR and (value.month, value.day) != (1, 1):
        raise ValidationError(
            {date_field: "A date known to the year is stored as the 1st of January."}
        )


def precision_matches_date(date_field: str, precision_field: str) -> models.Q:
    """The database side of `validate_partial_date`: both set or both empty."""
    return models.Q(**{f"{date_field}__isnull": True, precision_field: ""}) | models.Q(
        models.Q(**{f"{date_field}__isnull": False}) & ~models.Q(**{precision_field: ""})
    )
