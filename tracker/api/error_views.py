"""Django's own error pages, in the API's error shape for API paths.

A URL no route matches (``/api/v1/positions/abc/``) never reaches DRF, so
Django answers it; for the API that answer must be JSON like every other
error, not an HTML page. Other paths (the admin) keep Django's pages.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIXES = ("/api/", "/healthz")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


def error_body(type_: str, code: str, detail: str, attr: str | None = None) -> dict[str, Any]:
    return {"type": type_, "errors": [{"code": code, "detail": detail, "attr": attr}]}


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        body = error_body("client_error", "bad_request", "The request could not be understood.")
        return JsonResponse(body, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        body = error_body(
            "client_error", "permission_denied", "You do not have permission to do this."
        )
        return JsonResponse(body, status=403)
    return defaults.permission_denied(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse(error_body("client_error", "not_found", "Not found."), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        body = error_body("server_error", "error", "A server error occurred.")
        return JsonResponse(body, status=500)
    return defaults.server_error(request)
