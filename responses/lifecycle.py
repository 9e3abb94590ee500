"""Moving a measure along its lifecycle.

The only way a measure's status changes after it is recorded: the API's
transition endpoint and the admin's transition form both come here, so they
enforce the same rules and keep the same history.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from responses.choices import ALLOWED_TRANSITIONS, ENDED_STATUSES, MeasureStatus
from responses.models import Measure, MeasureStatusChange, Source


class StatusChanged(Exception):
    """The measure is no longer in the status the caller expected."""

    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(
            f"The measure is {actual} now, not {expected}: someone moved it meanwhile. "
            "Read it again and decide."
        )
        self.expected = expected
        self.actual = actual


def allowed_moves(status: str) -> tuple[str, ...]:
    return ALLOWED_TRANSITIONS.get(status, ())


def describe_allowed_moves(status: str) -> str:
    moves = allowed_moves(status)
    if not moves:
        return f"A {status} measure cannot change status any more."
    return f"From {status} a measure can move to: {', '.join(moves)}."


def refusal(field: str, message: str, *, code: str) -> ValidationError:
    """An error on one field that keeps its code.

    ``ValidationError({field: message}, code=...)`` drops the code: Django
    applies it only to a lone message, not to the messages of a dict.
    """
    return ValidationError({field: ValidationError(message, code=code)})


def transition_measure(
    measure: Measure,
    *,
    to: str,
    source: Source,
    on: datetime.date | None = None,
    note: str = "",
    user: Any = None,
    expected: str | None = None,
) -> MeasureStatusChange:
    """Record a status change and update the measure, together or not at all.

    The measure row is locked first, so two curators moving the same measure
    at once are serialised and the second sees the first one's status.
    """
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        if expected is not None and locked.status != expected:
            raise StatusChanged(expected, locked.status)
        if to not in allowed_moves(locked.status):
            raise refusal(
                "to",
                f"Cannot move from {locked.status} to {to}. "
                f"{describe_allowed_moves(locked.status)}",
                code="illegal_transition",
            )
        last_change = locked.status_changes.exclude(changed_on=None).order_by("-changed_on").first()
        previous_date = last_change.changed_on if last_change is not None else None
        if on is not None and previous_date is not None and on < previous_date:
            raise refusal(
                "on",
                f"The previous status change is dated {previous_date}; "
                "a later change cannot be dated before it.",
                code="before_previous_change",
            )
        update_fields = ["status", "updated_at"]
        if on is not None:
            if to == MeasureStatus.IN_FORCE and locked.effective_on is None:
                locked.effective_on = on
                update_fields.append("effective_on")
            if to in ENDED_STATUSES and locked.ended_on is None:
                if locked.effective_on is not None and on < locked.effective_on:
                    raise refusal(
                        "on",
                        f"The measure took effect on {locked.effective_on}; "
                        "it cannot end before that.",
                        code="before_effective",
                    )
                locked.ended_on = on
                update_fields.append("ended_on")
        change = MeasureStatusChange.objects.create(
            measure=locked,
            from_status=locked.status,
            to_status=to,
            changed_on=on,
            source=source,
            note=note,
            recorded_by=user if user is not None and user.is_authenticated else None,
        )
        locked.status = to
        locked.save(update_fields=update_fields)
    measure.refresh_from_db()
    return change
