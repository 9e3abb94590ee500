"""Cached reads: served from the cache until any write, then computed afresh."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from responses.api.serializers import PositionSerializer
from responses.api.views import PositionViewSet
from responses.models import Position
from tests.factories import make_actor, make_position, make_source
from tracker.freshness import LAST_WRITE_KEY, VERSION_KEY

# Invalidation happens when writes commit: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

LIST = "/api/v1/positions/"


def redis_available() -> bool:
    try:
        import redis

        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except Exception:
        return False
    return True


@pytest.fixture(params=["local", "redis"])
def response_cache(request: Any, settings: Any) -> Iterator[str]:
    """The API's response cache on: in local memory, and in Redis when one is running."""
    if request.param == "redis":
        if not redis_available():
            pytest.skip("no Redis on 127.0.0.1:6379")
        backend = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            # Keys of this run only, so parallel runs and other users never meet.
            "KEY_PREFIX": f"tracker-test-{uuid.uuid4().hex}",
        }
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {"default": backend}  # Django resets its cache handlers on this
    settings.API_CACHE_SECONDS = 60
    yield request.param
    # Not clear(): on Redis that empties the whole database, other users' keys too.
    # Cached responses expire by themselves.
    caches["default"].delete_many([VERSION_KEY, LAST_WRITE_KEY])


def queries_for(client: APIClient, url: str, **extra: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code in (200, 304), response.content
    return len(captured), response


def test_a_repeated_read_is_served_without_queries(
    response_cache: str, api_client: APIClient
) -> None:
    make_position()
    first, response = queries_for(api_client, LIST)
    again, cached = queries_for(api_client, LIST)
    assert first > 0
    assert again == 0
    assert cached.json() == response.json()
    assert cached["X-Total-Count"] == "1"


def test_a_write_through_the_api_is_visible_on_the_next_read(
    response_cache: str, api_client: APIClient, curator_client: APIClient
) -> None:
    position = make_position()
    url = reverse("api:position-detail", kwargs={"pk": position.pk})
    assert api_client.get(url).json()["summary"] == position.summary
    response = curator_client.patch(url, {"summary": "Revised."}, format="json")
    assert response.status_code == 200
    assert api_client.get(url).json()["summary"] == "Revised."


def test_saves_deletes_and_citations_outside_the_api_also_invalidate(
    response_cache: str, api_client: APIClient
) -> None:
    position = make_position()
    assert api_client.get(LIST).json()["count"] == 1
    make_position()
    assert api_client.get(LIST).json()["count"] == 2
    source = make_source()
    position.sources.add(source)
    detail = reverse("api:position-detail", kwargs={"pk": position.pk})
    assert source.pk in [item["id"] for item in api_client.get(detail).json()["sources"]]
    actor = position.actor
    actor.name = "Renamed"
    actor.save()
    assert api_client.get(detail).json()["actor"]["name"] == "Renamed"
    Position.objects.filter(pk=position.pk).delete()
    assert api_client.get(LIST).json()["count"] == 1


def test_a_cached_detail_still_answers_if_none_match(
    response_cache: str, api_client: APIClient
) -> None:
    actor = make_actor()
    url = reverse("api:actor-detail", kwargs={"slug": actor.slug})
    etag = api_client.get(url)["ETag"]
    count, response = queries_for(api_client, url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert count == 0


def test_without_a_shared_cache_nothing_is_cached(api_client: APIClient, settings: Any) -> None:
    settings.API_CACHE_SECONDS = 0
    make_position()
    api_client.get(LIST)
    again, _ = queries_for(api_client, LIST)
    assert again > 0


def test_a_hit_builds_no_queryset_and_no_serializer(
    response_cache: str, api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    position = make_position()
    detail = reverse("api:position-detail", kwargs={"pk": position.pk})
    expected = {url: api_client.get(url).json() for url in (LIST, detail)}

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a cached read built a queryset or a serializer")

    monkeypatch.setattr(PositionViewSet, "get_queryset", refuse)
    monkeypatch.setattr(PositionSerializer, "__init__", refuse)
    for url, body in expected.items():
        count, response = queries_for(api_client, url)
        assert count == 0
        assert response.json() == body


def test_a_cached_list_answers_conditional_requests_without_queries(
    response_cache: str, api_client: APIClient
) -> None:
    make_position()
    first = api_client.get(LIST)
    assert first["ETag"]
    assert first["Last-Modified"]
    for header in (
        {"HTTP_IF_NONE_MATCH": first["ETag"]},
        {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]},
    ):
        count, response = queries_for(api_client, LIST, **header)
        assert response.status_code == 304
        assert count == 0
