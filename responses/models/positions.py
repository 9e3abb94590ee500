from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from actors.choices import ActorKind
from responses.choices import CAMEO_ROOTS_BY_STANCE, Stance
from tracker.audit import record_history
from tracker.choices import DatePrecision
from tracker.models import TimestampedModel, precision_matches_date, validate_partial_date
from tracker.search import SearchDocument
from tracker.validators import language_code_validator

cameo_code_validator = RegexValidator(
    r"^[0-9]{2,4}\Z",
    "A CAMEO code is 2 to 4 digits, leading zeros included (0256).",
    code="invalid_cameo_code",
)


class Position(TimestampedModel):
    # PROTECT on actors and events: a statement on record outlives edits to
    # the things it is about.
    actor = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        related_name="positions",
        help_text="Who took the position.",
    )
    speaker = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spoken_positions",
        help_text="The person who spoke for the actor; empty when the source names nobody.",
    )
    event = models.ForeignKey(
        "responses.Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        help_text="The event the position is about (an event, a target or both).",
    )
    target = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targeted_positions",
        help_text="The actor the position is addressed to or about (an event, a target or both).",
    )
    stance = models.CharField(
        max_length=32,
        choices=Stance.choices,
        help_text="What the actor does with the statement: condemn, urge a ceasefire, ...",
    )
    cameo_code = models.CharField(
        max_length=4,
        blank=True,
        validators=[cameo_code_validator],
        help_text="Optional CAMEO code (2 to 4 digits) consistent with the stance.",
    )
    stated_on = models.DateField(
        null=True,
        blank=True,
        help_text="When it was said (see stated_on_precision); empty when sources give no date.",
    )
    stated_on_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        blank=True,
        help_text="How precise stated_on is: day, month or year.",
    )
    summary = models.TextField(
        help_text="What was said, in our words.",
    )
    quote = models.TextField(
        blank=True,
        help_text="The verbatim words, when a source quotes them.",
    )
    language = models.CharField(
        max_length=35,
        blank=True,
        validators=[language_code_validator],
        help_text="BCP 47 language tag of the quote, such as uk.",
    )
    sources = models.ManyToManyField(
        "responses.Source",
        related_name="positions",
        help_text="Sources for the position (at least one).",
    )
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        help_text="Weighted full-text vector (PostgreSQL), refreshed after every save.",
    )

    search_document = SearchDocument(
        A=("actor__name", "actor__short_name", "target__name", "event__title"),
        B=("summary",),
        C=("quote",),
    )

    history = record_history(m2m_fields=("sources",))

    class Meta:
        ordering = ["-stated_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event__isnull=False) | models.Q(target__isnull=False),
                name="position_has_event_or_target",
                violation_error_message="A position is about an event, a target actor or both.",
            ),
            models.CheckConstraint(
                condition=precision_matches_date("stated_on", "stated_on_precision"),
                name="position_date_precision_matches_date",
                violation_error_message="A date and its precision go together.",
            ),
        ]
        indexes = [
            # A stance's positions; in date order, it also counts them by day
            # (counts over time, facets by month) without sorting.
            models.Index(fields=["stance", "stated_on"], name="position_stance_stated_idx"),
            # The default order (latest first, then id); also serves stated_on ranges.
            models.Index(fields=["-stated_on", "id"], name="position_stated_id_idx"),
            # An actor's positions, and those aimed at it, in date order: the
            # first page of its timeline reads only what it shows.
            models.Index(fields=["actor", "stated_on"], name="position_actor_stated_idx"),
            models.Index(fields=["target", "stated_on", "id"], name="position_target_stated_idx"),
            # An event's positions in date order. With the two above, a search
            # by name (admin, SQLite) sorts its matches by date from the
            # indexes alone, without reading each matching row.
            models.Index(fields=["event", "stated_on", "id"], name="position_event_stated_idx"),
            # An actor's positions of one stance, newest first: the page and its
            # count read only the matching entries (a busy actor has 100,000).
            models.Index(
                fields=["actor", "stance", "-stated_on", "id"], name="position_actor_stance_idx"
            ),
            models.Index(fields=["cameo_code"], name="position_cameo_idx"),
        ]

    def __str__(self) -> str:
        about = self.event or self.target
        return f"{self.actor}: {self.get_stance_display().lower()} ({about})"

    def get_absolute_url(self) -> str:
        return reverse("api:position-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        if self.event_id is None and self.target_id is None:
            raise ValidationError(
                {"event": "A position is about an event, a target actor or both."}
            )
        validate_partial_date(
            self.stated_on,
            self.stated_on_precision,
            date_field="stated_on",
            precision_field="stated_on_precision",
        )
        allowed_roots = CAMEO_ROOTS_BY_STANCE.get(self.stance)
        if self.cameo_code and allowed_roots and self.cameo_code[:2] not in allowed_roots:
            raise ValidationError(
                {
                    "cameo_code": (
                        f"CAMEO code {self.cameo_code} contradicts the stance "
                        f"{self.stance}: use a code starting with "
                        f"{' or '.join(sorted(allowed_roots))}."
                    )
                }
            )
        speaker = self.speaker if self.speaker_id is not None else None
        if speaker is not None and speaker.kind != ActorKind.PERSON:
            raise ValidationError({"speaker": "A speaker is a person."})
        if self.actor_id is not None and self.actor_id == self.target_id:
            raise ValidationError({"target": "An actor's position targets someone else."})
