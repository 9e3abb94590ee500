"""A request id on every log line, one line per request, and the log's format.

Each request gets an id: the ``X-Request-ID`` a proxy or client sent when it
looks like one, else a new one. Every log line written while the request is
served carries it, the response sends it back in ``X-Request-ID``, and the
request's own line (method, path, status, time) closes it. A user who
quotes the id from a response (or an error page) leads to every line of
that request.

gunicorn.conf.py formats gunicorn's own lines the same way, before Django is
loaded: nothing here imports Django at module level.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import sentry_sdk

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

HEADER = "X-Request-ID"
# What an id sent in may look like (a UUID, a proxy's hex or base64 id): anything
# else could forge log lines or fill them, and is replaced.
ACCEPTED = re.compile(r"[A-Za-z0-9._:+/=-]{8,128}")
NO_REQUEST = "-"

request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)
requests_logger = logging.getLogger("tracker.requests")

TEXT_FORMAT = "{asctime} {levelname} {name} [{request_id}] {message}"
# The fields of a JSON line, as python-json-logger names them from the record.
JSON_FIELDS = ("asctime", "levelname", "name", "request_id", "message")
JSON_NAMES = {"asctime": "time", "levelname": "level", "name": "logger"}


def formatters() -> dict[str, dict[str, Any]]:
    """The two formats, for a logging configuration: ``text`` for people, ``json`` for machines."""
    return {
        "text": {"format": TEXT_FORMAT, "style": "{"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": JSON_NAMES,
        },
    }


class RequestIdFilter(logging.Filter):
    """Adds the id of the request being served (``-`` outside one) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class RequestIdMiddleware:
    """Gives each request its id, sends it back, and logs the request's line.

    The line is written when the view has answered: for a streamed answer (an
    export) that is when the first bytes leave, and ``ms`` is the time to them.

    The id stays set after the middleware has returned, until the thread (or
    task) serves its next request: Django logs a 4xx or 5xx answer
    (``django.request``) after the middleware, a streamed body is made after
    it, and gunicorn logs an error in that body after closing the response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.reporting = bool(settings.SENTRY_DSN)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        sent = request.headers.get(HEADER, "")
        current = sent if ACCEPTED.fullmatch(sent) else uuid.uuid4().hex
        request_id.set(current)
        if self.reporting:
            # An error report names the request, so its log lines can be found.
            sentry_sdk.set_tag("request_id", current)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = current
        ms = round((time.perf_counter() - started) * 1000, 1)
        requests_logger.info(
            "%s %s %s %sms",
            request.method,
            request.get_full_path(),
            response.status_code,
            ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": ms,
            },
        )
        return response
