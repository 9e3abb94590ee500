"""Conditional requests: ETag and Last-Modified on lists and details, If-None-Match,
If-Modified-Since, If-Match.

The ETag is a hash of the JSON representation (a record, or a page of a list),
so it changes when anything shown changes, nested briefs included.
``If-None-Match`` with the current ETag gets a 304, and so does
``If-Modified-Since`` (when no ETag is given) once nothing shown changed since;
a ``PUT``, ``PATCH`` or ``DELETE`` whose ``If-Match``
no longer matches gets a 412 and changes nothing. The record is locked while
the precondition is checked and the write made, so two curators editing one
record cannot both win.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import orjson
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_http_date_safe
from rest_framework import exceptions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.freshness import last_write

UNSAFE_METHODS = frozenset({"PUT", "PATCH", "DELETE", "POST"})


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "The record changed since you read it (If-Match does not match its ETag). "
        "Read it again and retry."
    )
    default_code = "precondition_failed"


def etag_of(data: Any) -> str:
    encoded = orjson.dumps(data, default=str, option=orjson.OPT_SORT_KEYS)
    return f'"{hashlib.sha256(encoded).hexdigest()[:32]}"'


def _listed_tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def matches(header: str, etag: str, *, weak: bool) -> bool:
    tags = _listed_tags(header)
    if "*" in tags:
        return True
    if weak:  # If-None-Match compares weakly (RFC 9110 13.1.2)
        tags = [tag.removeprefix("W/") for tag in tags]
    return etag in tags


def not_modified(request: Request, etag: str | None, last_modified: str | None) -> bool:
    """Whether the client's copy is current: If-None-Match first, else If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag is not None and matches(if_none_match, etag, weak=True)
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    modified = parse_http_date_safe(last_modified or "")
    return since is not None and modified is not None and modified <= since


def not_modified_response(etag: str | None, last_modified: str | None) -> Response:
    headers = {"ETag": etag, "Last-Modified": last_modified}
    return Response(
        status=status.HTTP_304_NOT_MODIFIED,
        headers={name: value for name, value in headers.items() if value},
    )


def latest_change(items: Any) -> datetime.datetime | None:
    """The latest ``updated_at`` (or ``created_at``) among serialized records."""
    found = [
        parse_datetime(str(item.get("updated_at") or item.get("created_at") or ""))
        for item in items
        if isinstance(item, dict)
    ]
    times = [moment for moment in found if moment is not None]
    return max(times, default=None)


class ConditionalRequestMixin(viewsets.GenericViewSet):
    """ETags and Last-Modified on ``list`` and ``retrieve``, and the If-Match check of writes."""

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        if self.request.method in UNSAFE_METHODS and transaction.get_connection().in_atomic_block:
            # Lock only the record itself: nullable joins cannot be locked.
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def current_etag(self, instance: Model) -> str:
        # The resource's own representation, also for actions that take another body.
        assert self.serializer_class is not None
        return etag_of(self.serializer_class(instance, context=self.get_serializer_context()).data)

    def check_if_match(self, request: Request, instance: Model) -> None:
        header = request.headers.get("If-Match")
        if header is not None and not matches(header, self.current_etag(instance), weak=False):
            raise PreconditionFailed()

    def with_validators(self, response: Response, instance: Model) -> Response:
        if response.status_code < 300 and isinstance(response.data, dict):
            response["ETag"] = etag_of(response.data)
            updated_at = getattr(instance, "updated_at", None)
            if updated_at is not None:
                response["Last-Modified"] = http_date(updated_at.timestamp())
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)  # type: ignore[misc]
        if response.status_code != status.HTTP_200_OK or not isinstance(response.data, dict):
            return response
        response["ETag"] = etag_of(response.data)
        latest = latest_change([response.data])
        if latest is not None:
            response["Last-Modified"] = http_date(latest.timestamp())
        if not_modified(request, response.get("ETag"), response.get("Last-Modified")):
            return not_modified_response(response.get("ETag"), response.get("Last-Modified"))
        return response

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        response = super().list(request, *args, **kwargs)  # type: ignore[misc]
        if not isinstance(response, Response) or response.status_code != status.HTTP_200_OK:
            return response  # CSV pages, errors
        data = response.data
        items = data.get("results", []) if isinstance(data, dict) else data
        response["ETag"] = etag_of(data)
        # The page's latest change, or the last write anywhere when later: a record
        # deleted from the page leaves no date of its own (last_write, tracker.freshness).
        latest = latest_change(items)
        if latest is not None:
            response["Last-Modified"] = http_date(max(latest.timestamp(), last_write()))
        if not_modified(request, response.get("ETag"), response.get("Last-Modified")):
            return not_modified_response(response.get("ETag"), response.get("Last-Modified"))
        return response


class ConditionalWriteMixin(ConditionalRequestMixin):
    """Preconditions on ``update``, ``partial_update`` and ``destroy``.

    Apart from ``ConditionalRequestMixin`` because the router wires a route for
    every method a viewset has: on a read-only viewset these would be
    documented, and answer 500 instead of 405.
    """

    @transaction.atomic
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        self.check_if_match(request, instance)
        response = super().update(request, *args, **kwargs)  # type: ignore[misc]
        instance.refresh_from_db()
        return self.with_validators(response, instance)

    @transaction.atomic
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.check_if_match(request, self.get_object())
        return super().destroy(request, *args, **kwargs)  # type: ignore[misc]
