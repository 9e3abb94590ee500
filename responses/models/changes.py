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


class FeedPurge(models.Model):
    """A deletion of the change feed's old entries (``manage.py purge_changes``).

    The feed answers a client whose cursor is below the newest ``purged_through``
    with 410 Gone: entries it has not read are gone, and it must copy the
    records again rather than go on as if nothing were missing.
    """

    purged_through = models.BigIntegerField(
        help_text="The cursor of the newest entry deleted: every entry up to it is gone.",
    )
    deleted = models.PositiveIntegerField(help_text="How many entries were deleted.")
    purged_at = models.DateTimeField(auto_now_add=True, help_text="When they were deleted.")

    class Meta:
        ordering = ["-purged_through"]

    def __str__(self) -> str:
        return f"change feed purged through {self.purged_through}"
