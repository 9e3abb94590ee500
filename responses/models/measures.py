from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from responses.choices import ENDED_STATUSES, IN_EFFECT_STATUSES, MeasureKind, MeasureStatus
from tracker.audit import record_history
from tracker.models import TimestampedModel
from tracker.search import SearchDocument
from tracker.validators import currency_code_validator


class Measure(TimestampedModel):
    """A step an actor threatens, proposes or takes against or for another actor.

    Its dates agree with its status (``responses.choices``): every date may be
    empty, since a date is only what a source says, but some dates cannot be
    there for some statuses.

    ==========  ================  ===========  ============================
    status      effective_on      ended_on     announced_on, deadline
    ==========  ================  ===========  ============================
    threatened  no                no           any
    proposed    no                no           any
    adopted     no                no           any
    in_force    yes               no           any
    suspended   yes               no           any
    lifted      yes               yes          any
    withdrawn   no                yes          any
    lapsed      no                yes          any
    ==========  ================  ===========  ============================

    ``clean()`` names the date at fault; two check constraints hold the same
    rules in the database.
    """

    actor = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        related_name="measures",
        help_text="Who threatens, proposes or takes the measure.",
    )
    target = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        related_name="targeted_measures",
        help_text="The actor the measure is against or for.",
    )
    kind = models.CharField(
        max_length=32,
        choices=MeasureKind.choices,
        help_text="What sort of measure: sanctions, aid, an investigation, ...",
    )
    status = models.CharField(
        max_length=16,
        choices=MeasureStatus.choices,
        default=MeasureStatus.THREATENED,
        help_text=(
            "Where the measure stands in its lifecycle. Set when the measure is "
            "recorded; afterwards it changes only through a transition."
        ),
    )
    condition = models.TextField(
        blank=True,
        help_text='The condition attached to a threat ("if such hostile actions continue").',
    )
    deadline = models.DateField(
        null=True,
        blank=True,
        help_text="The date by which the condition must be met, when one is given.",
    )
    announced_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the measure was first announced; empty when sources give no date.",
    )
    effective_on = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "When the measure took effect (came into force). Only for a measure "
            "in force, suspended or lifted."
        ),
    )
    ended_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the measure ended. Only for a measure lifted, withdrawn or lapsed.",
    )
    amount = models.DecimalField(
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Money involved (aid, frozen assets), when a source gives a figure.",
    )
    currency = models.CharField(
        max_length=3,
        blank=True,
        validators=[currency_code_validator],
        help_text="ISO 4217 currency of the amount, such as EUR; only with an amount.",
    )
    event = models.ForeignKey(
        "responses.Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        help_text="The event that prompted the measure.",
    )
    position = models.ForeignKey(
        "responses.Position",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        help_text="The position in which the measure was announced.",
    )
    description = models.TextField(
        blank=True,
        help_text="What the measure consists of, as the sources tell it.",
    )
    sources = models.ManyToManyField(
        "responses.Source",
        related_name="measures",
        help_text="Sources for the measure (at least one).",
    )
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        help_text="Weighted full-text vector (PostgreSQL), refreshed after every save.",
    )

    search_document = SearchDocument(
        A=("actor__name", "actor__short_name", "target__name"),
        B=("description",),
        C=("condition",),
    )

    history = record_history(m2m_fields=("sources",))

    class Meta:
        ordering = ["-announced_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(effective_on__isnull=True)
                | models.Q(ended_on__gte=models.F("effective_on")),
                name="measure_ends_after_effect",
                violation_error_message="A measure cannot end before it takes effect.",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_on__isnull=True)
                | models.Q(status__in=IN_EFFECT_STATUSES),
                name="measure_effective_once_in_force",
                violation_error_message=(
                    "Only a measure in force, suspended or lifted has an effective date."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(status__in=ENDED_STATUSES),
                name="measure_ended_once_over",
                violation_error_message=(
                    "Only a lifted, withdrawn or lapsed measure has an end date."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(currency="") | models.Q(amount__isnull=False),
                name="measure_currency_needs_amount",
                violation_error_message="A currency is only given with an amount.",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="measure_amount_not_negative",
                violation_error_message="An amount cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MeasureStatus.values),
                name="measure_status_known",
                violation_error_message="Unknown measure status.",
            ),
        ]
        indexes = [
            # With the date: counting by day (counts over time) reads them in order.
            models.Index(fields=["status", "announced_on"], name="measure_status_announced_idx"),
            models.Index(fields=["kind", "announced_on"], name="measure_kind_announced_idx"),
            # The default order (latest first, then id); also serves announced_on ranges.
            models.Index(fields=["-announced_on", "id"], name="measure_announced_id_idx"),
            # An actor's measures in date order, by role (its timeline).
            models.Index(
                fields=["actor", "announced_on", "id"], name="measure_actor_announced_idx"
            ),
            models.Index(
                fields=["target", "announced_on", "id"], name="measure_target_announced_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor}: {self.get_kind_display().lower()} on {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("api:measure-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        if self.currency and self.amount is None:
            raise ValidationError({"currency": "A currency is only given with an amount."})
        if self.actor_id is not None and self.actor_id == self.target_id:
            raise ValidationError({"target": "A measure targets another actor."})
        dates_refused = self.dates_refused_by_status()
        if dates_refused:
            raise ValidationError(dates_refused)
        if (
            self.ended_on is not None
            and self.effective_on is not None
            and self.ended_on < self.effective_on
        ):
            raise ValidationError({"ended_on": "A measure cannot end before it takes effect."})
        position = self.position if self.position_id is not None else None
        if position is not None and position.actor_id != self.actor_id:
            raise ValidationError(
                {"position": "The announcing position must be the measure's actor's."}
            )

    def dates_refused_by_status(self) -> dict[str, str]:
        """The dates this measure's status does not allow, with the reason (see the table)."""
        status = self.get_status_display().lower()
        refused = {}
        if self.effective_on is not None and self.status not in IN_EFFECT_STATUSES:
            refused["effective_on"] = (
                f"The measure is {status}, so it has not taken effect: only a measure "
                "in force, suspended or lifted has an effective date."
            )
        if self.ended_on is not None and self.status not in ENDED_STATUSES:
            refused["ended_on"] = (
                f"The measure is {status}, so it has not ended: only a lifted, withdrawn "
                "or lapsed measure has an end date."
            )
        return refused


class MeasureStatusChange(TimestampedModel):
    # CASCADE: a status change is part of its measure and means nothing alone.
    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        related_name="status_changes",
        help_text="The measure whose status changed.",
    )
    from_status = models.CharField(
        max_length=16,
        choices=MeasureStatus.choices,
        help_text="The status before the change.",
    )
    to_status = models.CharField(
        max_length=16,
        choices=MeasureStatus.choices,
        help_text="The status after the change.",
    )
    changed_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the change happened; empty when the source gives no date.",
    )
    source = models.ForeignKey(
        "responses.Source",
        on_delete=models.PROTECT,
        related_name="status_changes",
        help_text="The source that reports the change.",
    )
    note = models.TextField(
        blank=True,
        help_text="Anything the curator should know about the change.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The user who recorded the change.",
    )

    class Meta:
        ordering = ["measure", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_status=models.F("to_status")),
                name="status_change_moves",
                violation_error_message="A status change moves to a different status.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.from_status} → {self.to_status}"

    def get_absolute_url(self) -> str:
        return reverse("api:status-change-detail", kwargs={"pk": self.pk})
