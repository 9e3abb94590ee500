"""What a delivery's body holds: the change feed's entry and the record as the API shows it."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.urls import Resolver404, resolve

from webhooks.models import Delivery


def absolute(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def api_record(path: str) -> Any:
    """The JSON the API answers a GET of ``path`` with, or None when it has no record.

    The detail view itself answers, as it would a client at PUBLIC_BASE_URL, so
    the record has the same fields, the same values and the same links.
    """
    base = urlsplit(settings.PUBLIC_BASE_URL)
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "HTTP_HOST": base.netloc,
            "HTTP_ACCEPT": "application/json",
            "SERVER_NAME": base.hostname or "localhost",
            "SERVER_PORT": str(base.port or (443 if base.scheme == "https" else 80)),
            "wsgi.url_scheme": base.scheme,
            "wsgi.input": io.BytesIO(),
        }
    )
    try:
        match = resolve(path)
    except Resolver404:
        return None
    response = match.func(request, *match.args, **match.kwargs)
    if response.status_code != 200:
        return None
    response.render()
    return json.loads(response.content)


def body_of(delivery: Delivery) -> bytes:
    """The delivery's JSON body: built at its first attempt, then the same on every retry."""
    if delivery.body:
        return delivery.body.encode()
    change = dict(delivery.change)
    path = change.get("url")
    change["url"] = absolute(path) if path else None
    record = api_record(path) if path else None
    payload = {
        "id": str(delivery.delivery_id),
        "subscription": delivery.subscription_id,
        "change": change,
        "record": record,
    }
    delivery.body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return delivery.body.encode()
