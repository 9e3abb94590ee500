from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse

from responses.choices import SourceKind
from tracker.audit import record_history
from tracker.models import TimestampedModel
from tracker.search import SearchDocument
from tracker.validators import language_code_validator


class Source(TimestampedModel):
    kind = models.CharField(
        max_length=32,
        choices=SourceKind.choices,
        help_text="What sort of document this is.",
    )
    title = models.CharField(
        max_length=500,
        help_text="Title or headline of the document.",
    )
    publisher = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who published it (outlet, ministry, organization); empty when not given.",
    )
    url = models.URLField(
        max_length=1000,
        blank=True,
        help_text="Where the document can be read; empty when there is no address.",
    )
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text="Publication date; empty when the document gives none.",
    )
    language = models.CharField(
        max_length=35,
        blank=True,
        validators=[language_code_validator],
        help_text="BCP 47 language tag of the document, such as en.",
    )
    excerpt = models.TextField(
        blank=True,
        help_text="The passage of the document that the records rely on.",
    )
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        help_text="Weighted full-text vector (PostgreSQL), refreshed after every save.",
    )

    search_document = SearchDocument(A=("title",), B=("publisher",), C=("excerpt",))

    history = record_history()

    class Meta:
        ordering = ["-published_on", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~models.Q(url=""),
                name="source_unique_url",
                violation_error_code="unique",
                violation_error_message="A source with this URL already exists.",
            ),
        ]
        indexes = [
            # The default order: a page of the newest sources reads the first
            # entries instead of sorting every source.
            models.Index(fields=["-published_on", "title", "id"], name="source_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("api:source-detail", kwargs={"pk": self.pk})

    def citing_records(self) -> list[models.Model]:
        """Events, positions, measures and conflicts that cite this source.

        Citations are plain many-to-many links, so the database would drop
        them silently on delete; callers use this to refuse instead.
        """
        records: list[models.Model] = []
        for relation in ("events", "positions", "measures", "conflicts"):
            records.extend(getattr(self, relation).all()[:20])
        return records
