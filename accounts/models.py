"""API tokens for service accounts, stored hashed.

django-rest-knox does the cryptography: a token is 64 random hex characters,
the database keeps its SHA-512 digest and its first 15 characters (to find the
row without scanning), never the token itself. Knox lets a project use its
own token model (``KNOX_TOKEN_MODEL``); ours adds what a data desk needs to
manage tokens: a name saying what the token is for, whether it may write,
and who created it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from knox.models import AbstractAuthToken

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class ServiceToken(AbstractAuthToken):
    """A token a service sends as ``Authorization: Token <key>``.

    Revoking a token deletes it. A token acts as its user, so a read-write
    token can do only what its user's permissions allow; a read-only token
    can never write, whatever its user may do.
    """

    # Typed by hand: knox (the base class) has no stubs, so the plugin cannot infer them.
    name: models.CharField[str, str] = models.CharField(
        max_length=100,
        help_text="What the token is for, such as 'nightly mirror' or 'import robot'.",
    )
    read_only: models.BooleanField[bool, bool] = models.BooleanField(
        default=False,
        help_text="A read-only token can read everything and write nothing.",
    )
    # SET_NULL: a token outlives the account of the admin who created it.
    created_by: models.ForeignKey[AbstractBaseUser | None, AbstractBaseUser | None]
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The administrator who created the token.",
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"
        verbose_name_plural = "API tokens"

    def __str__(self) -> str:
        return f"{self.name} ({self.user}, {self.access})"

    @property
    def access(self) -> str:
        return "read-only" if self.read_only else "read-write"
