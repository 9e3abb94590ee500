"""Middleware for what must hold on every path, not only in DRF's views."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from tracker.api.error_views import error_body, is_api
from tracker.outages import RETRY_AFTER_SECONDS, database_unavailable

logger = logging.getLogger(__name__)


class BodySizeLimitMiddleware:
    """Refuse an API body whose Content-Length is over the limit before anything reads it.

    Django checks ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only when ``request.body`` is
    read, and DRF's parsers read the stream directly; this makes the limit hold
    for every API view, with the API's 413. Other paths keep Django's own rules
    (the admin's file uploads are streamed to disk, not held in memory).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit and is_api(request):
            body = error_body(
                "client_error",
                "payload_too_large",
                f"The request body is larger than this server accepts ({limit} bytes).",
            )
            return JsonResponse(body, status=413)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A database outage outside DRF's views (admin, health, sessions) is a JSON 503 too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_unavailable(exception):
            return None
        logger.warning("Database unavailable while serving %s: %s", request.path, exception)
        return unavailable_response()


def unavailable_response() -> JsonResponse:
    body = error_body(
        "server_error",
        "service_unavailable",
        "The database is unavailable for a moment. Retry after the time given.",
    )
    response = JsonResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ApiSecurityHeadersMiddleware:
    """A strict Content-Security-Policy on API answers that are not HTML pages.

    JSON and CSV are data, never a page to run scripts in; the browsable API,
    Swagger UI and the admin (HTML) keep Django's defaults.
    """

    POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_api(request) and not response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", self.POLICY)
        return response
