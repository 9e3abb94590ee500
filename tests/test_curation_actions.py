"""Curators' bulk actions: merging duplicate actors, moving and lapsing measures."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin import helpers
from django.test import Client
from django.urls import reverse

from actors.choices import ActorKind
from actors.models import Actor
from responses.models import Measure
from tests.factories import make_actor, make_event, make_measure, make_position, make_source

pytestmark = pytest.mark.django_db


def act(client: Client, url_name: str, action: str, pks: list[int], **data: object) -> str:
    response = client.post(
        reverse(url_name),
        {"action": action, helpers.ACTION_CHECKBOX_NAME: [str(pk) for pk in pks], **data},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_merging_repoints_everything_and_keeps_the_alias(admin_client: Client) -> None:
    un = make_actor(
        slug="united-nations", name="United Nations", kind=ActorKind.INTERNATIONAL_ORGANIZATION
    )
    duplicate = make_actor(
        slug="un",
        name="U.N.",
        short_name="UN",
        aliases=["ONU"],
        kind=ActorKind.INTERNATIONAL_ORGANIZATION,
    )
    position = make_position(actor=duplicate)
    measure = make_measure(actor=duplicate)
    call = make_event()
    call.participants.add(duplicate, un)
    page = act(
        admin_client, "admin:actors_actor_changelist", "merge_selected", [un.pk, duplicate.pk]
    )
    assert "Choose the actor to keep" in page
    result = act(
        admin_client,
        "admin:actors_actor_changelist",
        "merge_selected",
        [un.pk, duplicate.pk],
        apply="1",
        survivor=str(un.pk),
    )
    assert "Merged un into united-nations" in result
    assert not Actor.objects.filter(pk=duplicate.pk).exists()
    position.refresh_from_db()
    measure.refresh_from_db()
    assert position.actor == un
    assert measure.actor == un
    assert list(call.participants.all()) == [un]
    un.refresh_from_db()
    assert un.aliases == ["U.N.", "UN", "ONU"]
    assert "Merged un into united-nations" in un.history.latest().history_change_reason


def test_a_merge_that_would_break_a_record_changes_nothing(admin_client: Client) -> None:
    russia = make_actor(slug="russia")
    duplicate = make_actor(slug="russian-federation")
    make_position(actor=duplicate, target=russia)  # would target itself
    result = act(
        admin_client,
        "admin:actors_actor_changelist",
        "merge_selected",
        [russia.pk, duplicate.pk],
        apply="1",
        survivor=str(russia.pk),
    )
    assert "nothing was changed" in result
    assert Actor.objects.filter(pk=duplicate.pk).exists()


def test_moving_selected_measures_applies_the_lifecycle_to_each(admin_client: Client) -> None:
    first, second = make_measure(), make_measure()
    source = make_source()
    result = act(
        admin_client,
        "admin:responses_measure_changelist",
        "transition_measures",
        [first.pk, second.pk],
        apply="1",
        to="proposed",
        source=str(source.pk),
        on="2026-05-01",
    )
    assert "Moved 2 measures to proposed" in result
    assert set(Measure.objects.values_list("status", flat=True)) == {"proposed"}


def test_one_illegal_move_moves_none(admin_client: Client) -> None:
    threatened = make_measure()
    lifted = make_measure(status="lifted")
    result = act(
        admin_client,
        "admin:responses_measure_changelist",
        "transition_measures",
        [threatened.pk, lifted.pk],
        apply="1",
        to="withdrawn",
        source=str(make_source().pk),
    )
    assert "cannot change status any more" in result
    threatened.refresh_from_db()
    assert threatened.status == "threatened"
    assert not threatened.status_changes.exists()


def test_threats_past_their_deadline_lapse(admin_client: Client) -> None:
    overdue = make_measure(deadline=datetime.date(2020, 1, 1))
    pending = make_measure(deadline=datetime.date(2999, 1, 1))
    adopted = make_measure(status="adopted", deadline=datetime.date(2020, 1, 1))
    result = act(
        admin_client,
        "admin:responses_measure_changelist",
        "lapse_past_deadline",
        [overdue.pk, pending.pk, adopted.pk],
    )
    assert "Lapsed 1 measures" in result
    overdue.refresh_from_db()
    assert overdue.status == "lapsed"
    assert overdue.ended_on == datetime.date(2020, 1, 1)
    change = overdue.status_changes.get()
    assert change.source in overdue.sources.all()
    assert Measure.objects.get(pk=pending.pk).status == "threatened"
    assert Measure.objects.get(pk=adopted.pk).status == "adopted"


def test_a_curator_saves_the_filters_of_a_list_and_finds_them_again(admin_client: Client) -> None:
    make_measure(status="threatened")
    changelist = reverse("admin:responses_measure_changelist")
    page = admin_client.get(changelist, {"status__exact": "threatened", "p": "1"})
    assert b"Saved filters" in page.content
    assert b'value="status__exact=threatened"' in page.content  # paging is not saved
    response = admin_client.post(
        reverse("admin:responses_measure_save_filters"),
        {"name": "Open threats", "query": "status__exact=threatened", "shared": "on"},
    )
    assert response.status_code == 302
    again = admin_client.get(changelist)
    assert b'href="?status__exact=threatened"' in again.content
    assert b"Open threats" in again.content
    duplicate = admin_client.post(
        reverse("admin:responses_measure_save_filters"),
        {"name": "Open threats", "query": "status__exact=threatened", "shared": "on"},
        follow=True,
    )
    assert b"already saved" in duplicate.content
