"""Actors: everyone who acts or speaks, and who belongs to what."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from actors.choices import ORGANIZATION_KINDS, ActorKind
from tracker.audit import record_history
from tracker.models import TimestampedModel
from tracker.search import SearchDocument
from tracker.validators import country_code_validator, not_reserved_slug, wikidata_id_validator


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """Store non-Latin aliases as text, so that a text match finds "Київ"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


def validate_aliases(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Aliases are a list of names.", code="invalid")
    if any(not item.strip() for item in value):
        raise ValidationError("An alias cannot be blank.", code="blank")
    if len({item.casefold() for item in value}) != len(value):
        raise ValidationError("Each alias is listed once.", code="duplicate")


class Actor(TimestampedModel):
    slug = models.SlugField(
        max_length=100,
        db_index=False,  # the unique constraint below indexes it
        validators=[not_reserved_slug],
        help_text="Stable identifier used in URLs and by API clients, such as european-union.",
    )
    name = models.CharField(
        max_length=200,
        help_text="Full name, such as European Union.",
    )
    short_name = models.CharField(
        max_length=50,
        blank=True,
        help_text="Short name or abbreviation, such as EU.",
    )
    kind = models.CharField(
        max_length=32,
        choices=ActorKind.choices,
        help_text="What sort of actor this is.",
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[country_code_validator],
        help_text="ISO 3166-1 alpha-2 code, for states, their bodies and people.",
    )
    # PROTECT: removing a state must not silently detach its ministries and leaders.
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The actor this one belongs to (the State Department belongs to the US).",
    )
    aliases = models.JSONField(
        default=list,
        blank=True,
        encoder=UnicodeJSONEncoder,
        validators=[validate_aliases],
        help_text='Other names the actor is known by, searchable ("U.N.", "United Nations").',
    )
    wikidata_id = models.CharField(
        max_length=20,
        blank=True,
        validators=[wikidata_id_validator],
        help_text="Wikidata item id (Q-number), when known.",
    )
    description = models.TextField(
        blank=True,
        help_text="What the sources say about this actor.",
    )
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        help_text="Weighted full-text vector (PostgreSQL), refreshed after every save.",
    )

    search_document = SearchDocument(
        A=("name", "short_name", "slug", "aliases"), C=("description",)
    )

    history = record_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="actor_unique_slug",
                violation_error_code="unique",
                violation_error_message="An actor with this slug already exists.",
            ),
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~models.Q(wikidata_id=""),
                name="actor_unique_wikidata_id",
                violation_error_code="unique",
                violation_error_message="Another actor has this Wikidata id.",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="actor_not_own_parent",
                violation_error_message="An actor cannot be its own parent.",
            ),
        ]
        indexes = [
            models.Index(Lower("name"), name="actor_name_lower_idx"),
            # Lists of actors, and of rows per actor, are ordered by name.
            models.Index(fields=["name", "id"], name="actor_name_id_idx"),
            models.Index(fields=["kind"], name="actor_kind_idx"),
            models.Index(fields=["country"], name="actor_country_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # The page for people (the admin's "View on site"); the API's address is api:actor-detail.
        return reverse("pages:actor", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        ancestor = self.parent
        seen = set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": "An actor cannot be its own ancestor."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Membership(TimestampedModel):
    # PROTECT on both sides: a membership is part of the record of who belonged
    # to what; it is removed explicitly, never as a side effect.
    member = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text="The actor that belongs to the organization.",
    )
    organization = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="member_links",
        help_text="The organization, alliance, union or group the member belongs to.",
    )
    started_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the membership began; empty when unknown.",
    )
    ended_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the membership ended; empty while it lasts or when unknown.",
    )

    class Meta:
        ordering = ["organization__name", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "organization", "started_on"],
                name="membership_unique_spell",
                violation_error_code="unique",
                violation_error_message="This membership is already recorded.",
            ),
            models.CheckConstraint(
                condition=~models.Q(member=models.F("organization")),
                name="membership_not_self",
                violation_error_message="An actor cannot be a member of itself.",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
                violation_error_message="A membership cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("api:membership-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        organization = getattr(self, "organization", None)
        if organization is not None and organization.kind not in ORGANIZATION_KINDS:
            raise ValidationError(
                {"organization": f"A {organization.get_kind_display().lower()} has no members."}
            )
