"""The answers to POSTs sent with an Idempotency-Key, kept so a retry gets them again."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class IdempotencyKey(models.Model):
    # CASCADE: a key is only the memory of one user's request; it goes with the user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Whose request this was: keys are scoped to a user, never shared.",
    )
    key = models.CharField(
        max_length=255,
        help_text="The Idempotency-Key header the client sent.",
    )
    fingerprint = models.CharField(
        max_length=64,
        help_text="SHA-256 of the method, path and body, to tell a retry from a reuse.",
    )
    status_code = models.PositiveSmallIntegerField(
        help_text="The status of the first answer.",
    )
    body = models.JSONField(
        encoder=DjangoJSONEncoder,
        help_text="The body of the first answer.",
    )
    location = models.CharField(
        max_length=2000,
        blank=True,
        help_text="The Location header of the first answer, if any.",
    )
    created_at = models.DateTimeField(
        auto_now_add=True,
        help_text="When the first request was answered.",
    )
    expires_at = models.DateTimeField(
        help_text="After this the key is forgotten: a request with it runs anew.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user"),
        ]
        indexes = [models.Index(fields=["expires_at"], name="idempotency_key_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"
