from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse

from tracker.audit import record_history
from tracker.choices import DatePrecision
from tracker.models import TimestampedModel, precision_matches_date, validate_partial_date
from tracker.search import SearchDocument
from tracker.validators import not_reserved_slug

if TYPE_CHECKING:
    from actors.models import Actor


class Conflict(TimestampedModel):
    slug = models.SlugField(
        max_length=100,
        db_index=False,  # the unique constraint below indexes it
        validators=[not_reserved_slug],
        help_text="Stable identifier used in URLs and by API clients, such as russia-ukraine.",
    )
    name = models.CharField(
        max_length=200,
        help_text="Common name of the conflict.",
    )
    parties: models.ManyToManyField[Actor, ConflictParty] = models.ManyToManyField(
        "actors.Actor",
        through="ConflictParty",
        related_name="conflicts",
        blank=True,
        help_text="The actors on the sides of the conflict.",
    )
    started_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the conflict began (see started_on_precision); empty when unknown.",
    )
    started_on_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        blank=True,
        help_text="How precise started_on is: day, month or year.",
    )
    summary = models.TextField(
        blank=True,
        help_text="What the conflict is about, in a few sentences.",
    )
    sources = models.ManyToManyField(
        "responses.Source",
        related_name="conflicts",
        blank=True,
        help_text="Sources for what is recorded about the conflict.",
    )
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        help_text="Weighted full-text vector (PostgreSQL), refreshed after every save.",
    )

    search_document = SearchDocument(A=("name", "slug"), B=("summary",))

    history = record_history(m2m_fields=("sources",))

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="conflict_unique_slug",
                violation_error_code="unique",
                violation_error_message="A conflict with this slug already exists.",
            ),
            models.CheckConstraint(
                condition=precision_matches_date("started_on", "started_on_precision"),
                name="conflict_start_precision_matches_date",
                violation_error_message="A start date and its precision go together.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("api:conflict-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        validate_partial_date(
            self.started_on,
            self.started_on_precision,
            date_field="started_on",
            precision_field="started_on_precision",
        )


class ConflictParty(models.Model):
    # The link goes with its conflict, but an actor that is a party cannot vanish.
    conflict = models.ForeignKey(
        Conflict,
        on_delete=models.CASCADE,
        help_text="The conflict.",
    )
    actor = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        related_name="conflict_parties",
        help_text="An actor that is a party to the conflict.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conflict", "actor"],
                name="conflict_party_unique",
                violation_error_code="unique",
                violation_error_message="This actor is already a party to the conflict.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} in {self.conflict}"
