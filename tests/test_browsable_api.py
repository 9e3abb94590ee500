"""The browsable API as analysts read it: the project's name, and long answers cut."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import make_position

pytestmark = pytest.mark.django_db

URL = "/api/v1/positions/"


@pytest.fixture
def world() -> None:
    for _ in range(6):
        make_position()


def test_a_long_answer_is_shown_cut_with_the_address_of_the_whole(
    client: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tracker.api.renderers.SHOWN_CHARACTERS", 500)

    page = client.get(URL, HTTP_ACCEPT="text/html").content.decode()
    whole = client.get(URL, {"format": "json"}).json()

    assert "Cut here: the whole answer is" in page
    assert 'href="http://testserver/api/v1/positions/?format=json"' in page
    assert whole["count"] == 6
