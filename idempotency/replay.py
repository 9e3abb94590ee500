"""Safe retries: a POST with an Idempotency-Key runs once; a retry gets the first answer.

A service that timed out cannot know whether its POST was applied. Sent
again with the same ``Idempotency-Key``, it gets the first answer back
(``Idempotent-Replayed: true``) and nothing is created twice. The same key
with a different body or address is a 422. Keys belong to the user who sent
them and are forgotten after ``IDEMPOTENCY_KEY_TTL_HOURS`` (24).

Only successful answers are kept: a request refused with a 4xx wrote nothing,
so its retry simply runs again. The key is stored in the same transaction as
the write, so either both are there or neither is; a second request with the
same key waits on the first one's row and then replays its answer.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from idempotency.errors import HEADER, IdempotencyKeyReused
from idempotency.models import IdempotencyKey

REPLAYED_HEADER = "Idempotent-Replayed"
# Visible ASCII, as HTTP header values should be; long enough for a UUID or a hash.
KEY_PATTERN = re.compile(r"[!-~]{1,255}")

Handler = Callable[..., Response]


def fingerprint(request: Request) -> str:
    data = request.data
    if hasattr(data, "lists"):  # a form's QueryDict: keep repeated keys
        data = dict(data.lists())
    canonical = json.dumps(
        {"method": request.method, "path": request.path, "data": data},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_key(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is not None and not KEY_PATTERN.fullmatch(key):
        raise serializers.ValidationError(
            {HEADER: ["Use 1 to 255 visible ASCII characters, such as a UUID."]}
        )
    return key


def replay(record: IdempotencyKey) -> Response:
    headers = {REPLAYED_HEADER: "true"}
    if record.location:
        headers["Location"] = record.location
    return Response(record.body, status=record.status_code, headers=headers)


def idempotent(handler: Handler) -> Handler:
    """Run a POST handler in one transaction, once per Idempotency-Key."""

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = read_key(request)
        with transaction.atomic():
            if key is None or not request.user.is_authenticated:
                return handler(view, request, *args, **kwargs)
            now = timezone.now()
            expires_at = now + datetime.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
            digest = fingerprint(request)
            # The row is the lock: a concurrent retry waits here until this one commits.
            record, created = IdempotencyKey.objects.select_for_update().get_or_create(
                user=request.user,
                key=key,
                defaults={
                    "fingerprint": digest,
                    "status_code": 0,
                    "body": {},
                    "expires_at": expires_at,
                },
            )
            if not created and record.expires_at > now:
                if record.fingerprint != digest:
                    raise IdempotencyKeyReused()
                return replay(record)
            response = handler(view, request, *args, **kwargs)
            if not 200 <= response.status_code < 300:
                record.delete()
                return response
            record.fingerprint = digest
            record.status_code = response.status_code
            record.body = response.data
            record.location = response.get("Location", "")
            record.expires_at = expires_at
            record.save()
            return response

    return wrapper


class IdempotentCreateMixin:
    """``create`` runs in one transaction, once per Idempotency-Key."""

    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)  # type: ignore[misc]
