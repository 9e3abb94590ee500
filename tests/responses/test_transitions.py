"""Moving a measure along its lifecycle through the API."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from responses.models import Measure, MeasureStatusChange
from tests.factories import make_measure, make_source

pytestmark = pytest.mark.django_db


def transitions_url(measure: Measure) -> str:
    return reverse("api:measure-transitions", kwargs={"pk": measure.pk})


def test_a_legal_move_records_a_status_change_and_updates_the_measure(
    curator_client: APIClient,
) -> None:
    measure = make_measure()
    source = make_source()
    response = curator_client.post(
        transitions_url(measure),
        {"to": "adopted", "on": "2026-05-01", "source": source.pk, "note": "Council decision"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.data["from_status"] == "threatened"
    assert response.data["to_status"] == "adopted"
    assert response["Location"] == response.data["url"]
    # Exactly str: WSGI servers (runserver, the live test server) refuse subclasses.
    assert type(response["Location"]) is str
    measure.refresh_from_db()
    assert measure.status == "adopted"
    change = MeasureStatusChange.objects.get()
    assert (change.changed_on, change.source, change.note) == (
        datetime.date(2026, 5, 1),
        source,
        "Council decision",
    )
    listed = curator_client.get(reverse("api:status-change-list"), {"measure": measure.pk})
    assert listed.json()["count"] == 1


def test_an_illegal_move_is_a_400_naming_the_allowed_moves(curator_client: APIClient) -> None:
    measure = make_measure()
    response = curator_client.post(
        transitions_url(measure), {"to": "lifted", "source": make_source().pk}, format="json"
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["attr"], error["code"]) == ("to", "illegal_transition")
    assert "proposed, adopted, in_force, withdrawn, lapsed" in error["detail"]
    measure.refresh_from_db()
    assert measure.status == "threatened"
    assert not MeasureStatusChange.objects.exists()


def test_a_move_needs_a_source(curator_client: APIClient) -> None:
    response = curator_client.post(
        transitions_url(make_measure()), {"to": "proposed"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "source"


def test_a_measure_follows_the_whole_lifecycle(curator_client: APIClient) -> None:
    measure = make_measure()
    source = make_source()
    for to, on in [
        ("proposed", "2026-01-10"),
        ("adopted", "2026-02-01"),
        ("in_force", "2026-02-15"),
        ("suspended", "2026-06-01"),
        ("in_force", "2026-07-01"),
        ("lifted", "2027-01-01"),
    ]:
        response = curator_client.post(
            transitions_url(measure), {"to": to, "on": on, "source": source.pk}, format="json"
        )
        assert response.status_code == 201, (to, response.json())
    measure.refresh_from_db()
    assert measure.status == "lifted"
    assert measure.effective_on == datetime.date(2026, 2, 15)
    assert measure.ended_on == datetime.date(2027, 1, 1)
    assert measure.status_changes.count() == 6
    detail = curator_client.get(reverse("api:measure-detail", kwargs={"pk": measure.pk}))
    assert detail.json()["allowed_transitions"] == []


def test_a_change_cannot_be_dated_before_the_previous_one(curator_client: APIClient) -> None:
    measure = make_measure()
    source = make_source()
    curator_client.post(
        transitions_url(measure),
        {"to": "proposed", "on": "2026-03-01", "source": source.pk},
        format="json",
    )
    response = curator_client.post(
        transitions_url(measure),
        {"to": "adopted", "on": "2026-02-01", "source": source.pk},
        format="json",
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["attr"], error["code"]) == ("on", "before_previous_change")
    measure.refresh_from_db()
    assert measure.status == "proposed"


def test_status_cannot_be_patched(curator_client: APIClient) -> None:
    measure = make_measure()
    response = curator_client.patch(
        reverse("api:measure-detail", kwargs={"pk": measure.pk}),
        {"status": "in_force"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "status"
    assert "transitions" in response.json()["errors"][0]["detail"]
    measure.refresh_from_db()
    assert measure.status == "threatened"


def test_transitions_need_the_change_permission(
    api_client: APIClient, make_user, curator_client: APIClient
) -> None:
    measure = make_measure()
    body = {"to": "proposed", "source": make_source().pk}
    assert api_client.post(transitions_url(measure), body, format="json").status_code == 401
    adder = APIClient()
    adder.force_authenticate(make_user("carol", "responses.add_measure"))
    assert adder.post(transitions_url(measure), body, format="json").status_code == 403
    measure.refresh_from_db()
    assert measure.status == "threatened"


def test_transitions_of_a_missing_measure_are_a_404(curator_client: APIClient) -> None:
    response = curator_client.post(
        reverse("api:measure-transitions", kwargs={"pk": 999999}),
        {"to": "proposed", "source": make_source().pk},
        format="json",
    )
    assert response.status_code == 404
