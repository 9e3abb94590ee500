"""Pages for analysts: an event's responses, an actor's record, follow-through.

Readable by anyone, as the API's reads are (tracker.api.permissions).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from actors.models import Actor
from pages import charts
from pages.actor import actor_for_page, actor_page
from pages.caching import cached_page
from pages.event import event_for_page, event_page
from pages.follow_through import follow_through_page
from responses.models import Event

# What a page may load: its own stylesheet and nothing else, so no script
# runs and nothing is fetched from elsewhere. Inline styles are the charts':
# matplotlib's SVG styles its shapes with attributes.
POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def served(request: HttpRequest, build: Callable[[], HttpResponse]) -> HttpResponse:
    response = cached_page(request, build)
    response.setdefault("Content-Security-Policy", POLICY)
    return response


def not_found(request: HttpRequest, message: str) -> HttpResponse:
    # A page of its own: the project's 404 handler answers in the API's JSON.
    return render(request, "pages/not_found.html", {"message": message}, status=404)


@require_safe
def event_view(request: HttpRequest, slug: str) -> HttpResponse:
    def build() -> HttpResponse:
        try:
            event = event_for_page(slug)
        except Event.DoesNotExist:
            return not_found(request, "No event has this slug.")
        return render(request, "pages/event.html", event_page(event))

    return served(request, build)


@require_safe
def actor_view(request: HttpRequest, slug: str) -> HttpResponse:
    def build() -> HttpResponse:
        try:
            actor = actor_for_page(slug)
        except Actor.DoesNotExist:
            return not_found(request, "No actor has this slug.")
        return render(request, "pages/actor.html", actor_page(actor))

    return served(request, build)


@require_safe
def follow_through_view(request: HttpRequest) -> HttpResponse:
    def build() -> HttpResponse:
        context = follow_through_page(request.GET)
        rows = context["rows"]
        if rows:
            context["chart"] = charts.paired_bars(
                [row["actor"].name for row in rows],
                {
                    "Threats": [row["threats"] for row in rows],
                    "Carried out": [row["carried_out"] for row in rows],
                },
                label="Threats made and threats carried out, per actor, as in the table below.",
                xlabel="Measures",
            )
        status = 400 if context["form"].errors else 200
        return render(request, "pages/follow_through.html", context, status=status)

    return served(request, build)
