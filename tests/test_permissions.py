"""Reads are open to anyone; writes need Django's model permissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory

from tracker.api.permissions import ModelPermissionsOrAnonReadOnly


class ViewWithoutQueryset:
    """A read needs no permission, so nothing should ask the view for its queryset."""

    def get_queryset(self) -> Any:
        raise AssertionError("the queryset was built")


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_a_read_is_allowed_without_building_the_views_queryset(method: str) -> None:
    request = Request(getattr(APIRequestFactory(), method)("/api/v1/positions/"))
    request.user = AnonymousUser()
    assert ModelPermissionsOrAnonReadOnly().has_permission(request, ViewWithoutQueryset())


def test_it_is_every_views_default() -> None:
    assert [ModelPermissionsOrAnonReadOnly] == api_settings.DEFAULT_PERMISSION_CLASSES


def test_a_write_still_asks_for_the_model_permission() -> None:
    request = Request(APIRequestFactory().post("/api/v1/positions/"))
    request.user = AnonymousUser()
    with pytest.raises(AssertionError, match="the queryset was built"):
        ModelPermissionsOrAnonReadOnly().has_permission(request, ViewWithoutQueryset())
