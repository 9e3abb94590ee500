from __future__ import annotations

from django.db import models


class ChangeAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DELETED = "deleted", "Deleted"


class Change(models.Model):
    """One entry of the change feed that mirrors read to apply creations, edits and deletions.

    Written in the same transaction as the change it records, by signal
    handlers on every resource (see responses.signals). The id is the feed's
    cursor: entries are read in id order.
    """

    resource = models.CharField(
        max_length=32,
        help_text="The API resource the record belongs to, such as positions.",
    )
    object_id = models.BigIntegerField(
        help_text="The record's id.",
    )
    key = models.CharField(
        max_length=100,
        help_text="How the API addresses the record: its slug, or its id.",
    )
    action = models.CharField(
        max_length=16,
        choices=ChangeAction.choices,
        help_text="What happened to the record.",
    )
    changed_at = models.DateTimeField(
        auto_now_add=True,
        help_text="When the change was recorded.",
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["resource", "id"], name="change_resource_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.key} {self.action}"
