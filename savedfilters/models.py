from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class SavedFilter(models.Model):
    """A named set of admin list filters a curator can come back to in one click."""

    name = models.CharField(
        max_length=100,
        help_text='What the filters select, such as "EU threats".',
    )
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        help_text="The list the filters apply to.",
    )
    query = models.TextField(
        help_text="The list's query string: its filters, search and ordering.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text="Who saved it; empty when it is shared with every curator.",
    )
    created_at = models.DateTimeField(
        auto_now_add=True,
        help_text="When it was saved.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "owner", "name"],
                name="saved_filter_unique_name",
                violation_error_code="unique",
                violation_error_message="A saved filter with this name already exists here.",
            ),
        ]

    def __str__(self) -> str:
        return self.name
