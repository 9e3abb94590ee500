from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from responses.choices import EventKind, EventRelationKind, Impact
from tracker.audit import record_history
from tracker.choices import DatePrecision
from tracker.models import TimestampedModel, precision_matches_date, validate_partial_date
from tracker.search import SearchDocument
from tracker.validators import country_code_validator, not_reserved_slug

if TYPE_CHECKING:
    from actors.models import Actor

# A bound well above any real figure, and the same on every database (so the
# schema does not depend on where it was generated).
MAX_CASUALTIES = 1_000_000_000


def validate_impacts(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Impacts are a list of impact names.", code="invalid")
    unknown = sorted(set(value) - set(Impact.values))
    if unknown:
        raise ValidationError(
            "Unknown impact: %(unknown)s. Choose from %(known)s.",
            # Not "invalid_choice": a model field puts its own message, which
            # needs other parameters, in place of an error with one of its codes.
            code="unknown_impact",
            params={"unknown": ", ".join(unknown), "known": ", ".join(Impact.values)},
        )
    if len(set(value)) != len(value):
        raise ValidationError("Each impact is listed once.", code="duplicate")


class Event(TimestampedModel):
    slug = models.SlugField(
        max_length=100,
        db_index=False,  # the unique constraint below indexes it
        validators=[not_reserved_slug],
        help_text="Stable identifier used in URLs and by API clients, such as kyiv-drone-strike.",
    )
    title = models.CharField(
        max_length=300,
        help_text="Short title of what happened.",
    )
    kind = models.CharField(
        max_length=32,
        choices=EventKind.choices,
        help_text="What sort of event this is.",
    )
    # PROTECT: events are the backbone of the record; a conflict with events
    # is not deleted by accident.
    conflict = models.ForeignKey(
        "responses.Conflict",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text="The conflict the event belongs to, if any.",
    )
    occurred_on = models.DateField(
        null=True,
        blank=True,
        help_text="When it happened (see occurred_on_precision); empty when sources give no date.",
    )
    occurred_on_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        blank=True,
        help_text="How precise occurred_on is: day, month or year.",
    )
    location = models.CharField(
        max_length=200,
        blank=True,
        help_text="Place name, such as Kyiv.",
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[country_code_validator],
        help_text="ISO 3166-1 alpha-2 code of the country where it happened.",
    )
    # PROTECT on every actor link: an actor named in an event is history.
    initiator = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiated_events",
        help_text="The actor that carried out the event, when there is one.",
    )
    target = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targeted_events",
        help_text="The actor the event was aimed at, when there is one.",
    )
    participants: models.ManyToManyField[Actor, EventParticipant] = models.ManyToManyField(
        "actors.Actor",
        through="EventParticipant",
        related_name="participated_events",
        blank=True,
        help_text="Actors that took part, such as the two sides of a call.",
    )
    summary = models.TextField(
        blank=True,
        help_text="What happened, as the sources tell it.",
    )
    impacts = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_impacts],
        help_text="Kinds of harm the sources report: casualties, power_outage, fire, ...",
    )
    fatalities = models.IntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_CASUALTIES)],
        help_text="People killed, when a source gives a number; empty (never 0) when unknown.",
    )
    injuries = models.IntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_CASUALTIES)],
        help_text="People injured, when a source gives a number; empty (never 0) when unknown.",
    )
    related_events: models.ManyToManyField[Event, EventRelation] = models.ManyToManyField(
        "self",
        through="EventRelation",
        symmetrical=False,
        related_name="related_from",
        blank=True,
        help_text="Other events this one follows or responds to.",
    )
    sources = models.ManyToManyField(
        "responses.Source",
        related_name="events",
        help_text="Sources for the event (at least one).",
    )
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        help_text="Weighted full-text vector (PostgreSQL), refreshed after every save.",
    )

    search_document = SearchDocument(A=("title", "slug"), B=("location", "summary"))

    history = record_history(m2m_fields=("sources",))

    class Meta:
        ordering = ["-occurred_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="event_unique_slug",
                violation_error_code="unique",
                violation_error_message="An event with this slug already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(fatalities__gte=0),
                name="event_fatalities_not_negative",
                violation_error_message="Fatalities cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(injuries__gte=0),
                name="event_injuries_not_negative",
                violation_error_message="Injuries cannot be negative.",
            ),
            models.CheckConstraint(
                condition=precision_matches_date("occurred_on", "occurred_on_precision"),
                name="event_date_precision_matches_date",
                violation_error_message="A date and its precision go together.",
            ),
        ]
        indexes = [
            # The default order (latest first, then title); also serves occurred_on ranges.
            models.Index(fields=["-occurred_on", "title"], name="event_occurred_title_idx"),
            models.Index(fields=["title"], name="event_title_idx"),
            models.Index(fields=["kind"], name="event_kind_idx"),
            models.Index(fields=["country"], name="event_country_idx"),
            # An actor's events in date order, by role (its timeline).
            models.Index(
                fields=["initiator", "occurred_on", "id"], name="event_initiator_occurred_idx"
            ),
            models.Index(fields=["target", "occurred_on", "id"], name="event_target_occurred_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # The page for people (the admin's "View on site"); the API's address is api:event-detail.
        return reverse("pages:event", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        validate_partial_date(
            self.occurred_on,
            self.occurred_on_precision,
            date_field="occurred_on",
            precision_field="occurred_on_precision",
        )
        if self.initiator_id is not None and self.initiator_id == self.target_id:
            raise ValidationError({"target": "An event's target cannot be its initiator."})


class EventParticipant(models.Model):
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        help_text="The event.",
    )
    actor = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        related_name="event_participations",
        help_text="An actor that took part in the event.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "actor"],
                name="event_participant_unique",
                violation_error_code="unique",
                violation_error_message="This actor already takes part in the event.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} in {self.event}"


class EventRelation(models.Model):
    from_event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="relations",
        help_text="The later event.",
    )
    to_event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        related_name="inverse_relations",
        help_text="The event it follows or responds to.",
    )
    relation = models.CharField(
        max_length=16,
        choices=EventRelationKind.choices,
        help_text="How the two events are linked.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_event", "to_event", "relation"],
                name="event_relation_unique",
                violation_error_code="unique",
                violation_error_message="These events are already linked this way.",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_event=models.F("to_event")),
                name="event_relation_not_self",
                violation_error_message="An event cannot be related to itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_event} {self.get_relation_display().lower()} {self.to_event}"
