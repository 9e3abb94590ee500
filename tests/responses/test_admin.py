"""The curators' admin for conflicts, events, positions, measures and sources."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse

from actors.choices import ActorKind
from actors.models import Actor
from responses.choices import EventRelationKind, Impact, MeasureKind, MeasureStatus, Stance
from responses.lifecycle import transition_measure
from responses.models import (
    ConflictParty,
    Event,
    EventParticipant,
    EventRelation,
    Measure,
    MeasureStatusChange,
    Position,
    Source,
)
from tests.factories import (
    make_actor,
    make_conflict,
    make_event,
    make_measure,
    make_position,
    make_source,
)

pytestmark = pytest.mark.django_db


def admin_url(model: type[models.Model] | models.Model, view: str, *args: Any) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, str]:
    """The management form of an inline formset."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def make_status_change(**fields: Any) -> MeasureStatusChange:
    measure = fields.pop("measure", None) or make_measure()
    return transition_measure(
        measure,
        to=fields.pop("to", MeasureStatus.PROPOSED),
        source=fields.pop("source", None) or make_source(),
        **fields,
    )


def make_conflict_with_party() -> models.Model:
    conflict = make_conflict()
    ConflictParty.objects.create(conflict=conflict, actor=make_actor())
    return conflict


def make_event_with_everything() -> models.Model:
    """An event whose change page shows a row in every inline."""
    call = make_event(title="Trump-Putin call")
    strike = make_event(title="Drone strike on Kyiv", impacts=[Impact.FIRE])
    EventParticipant.objects.create(event=strike, actor=make_actor())
    EventRelation.objects.create(
        from_event=strike, to_event=call, relation=EventRelationKind.FOLLOWS
    )
    make_position(event=strike)
    make_measure(event=strike)
    return strike


def make_measure_with_history() -> models.Model:
    measure = make_measure()
    make_status_change(measure=measure)
    return measure


BUILDERS: dict[str, Callable[[], models.Model]] = {
    "source": make_source,
    "conflict": make_conflict_with_party,
    "event": make_event_with_everything,
    "position": make_position,
    "measure": make_measure_with_history,
    "measurestatuschange": make_status_change,
}


@pytest.fixture
def staff(make_user: Callable[..., User]) -> Callable[..., Client]:
    """Signs in Carol, staff but not a superuser, holding the named permissions."""

    def sign_in(*permissions: str) -> Client:
        user = make_user("carol", *permissions)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client = Client()
        client.force_login(user)
        return client

    return sign_in


# Every model's pages ---------------------------------------------------------


class TestEveryModelsPages:
    @pytest.mark.parametrize("model_name", list(BUILDERS))
    def test_the_changelist_renders_with_data(self, admin_client: Client, model_name: str) -> None:
        record = BUILDERS[model_name]()

        response = admin_client.get(admin_url(record, "changelist"))

        assert response.status_code == 200
        assert record in response.context["cl"].result_list

    @pytest.mark.parametrize("model_name", list(BUILDERS))
    def test_the_change_page_renders(self, admin_client: Client, model_name: str) -> None:
        record = BUILDERS[model_name]()

        response = admin_client.get(admin_url(record, "change", record.pk))

        assert response.status_code == 200
        assert response.context["original"] == record

    @pytest.mark.parametrize(
        "model_name", [name for name in BUILDERS if name != "measurestatuschange"]
    )
    def test_the_add_page_renders(self, admin_client: Client, model_name: str) -> None:
        record = BUILDERS[model_name]()

        response = admin_client.get(admin_url(record, "add"))

        assert response.status_code == 200

    def test_status_changes_are_never_added_or_edited_by_hand(self, admin_client: Client) -> None:
        change = make_status_change()

        add_page = admin_client.get(admin_url(MeasureStatusChange, "add"))
        change_page = admin_client.get(admin_url(change, "change", change.pk))

        # Only a transition records a status change, so the history stays whole.
        assert add_page.status_code == 403
        assert change_page.context["has_change_permission"] is False
        assert change_page.context["adminform"].form.fields == {}

    def test_the_event_change_page_shows_every_inline(self, admin_client: Client) -> None:
        event = make_event_with_everything()

        response = admin_client.get(admin_url(event, "change", event.pk))

        rows = {
            formset.formset.prefix: len(formset.formset.forms)
            for formset in response.context["inline_admin_formsets"]
        }
        assert rows == {
            "eventparticipant_set": 1,
            "relations": 1,
            "positions": 1,
            "measures": 1,
        }


@pytest.mark.parametrize(
    ("model_name", "rows", "max_queries"),
    [
        # Every changelist: session, user, filtered count, total count, the
        # page of rows with their related records joined. Then a date
        # hierarchy costs two (date range, distinct dates) and each filter
        # that lists values from the data (country, language, related-only
        # actors and conflicts) one. Lists with saved filters read them (two:
        # the list's content type, its saved filters).
        ("source", lambda: make_source(published_on=datetime.date(2025, 3, 1)), 5 + 2 + 1 + 2),
        ("conflict", make_conflict_with_party, 5 + 2),
        ("event", lambda: make_event(initiator=make_actor(), target=make_actor()), 5 + 2 + 4 + 2),
        ("position", lambda: make_position(target=make_actor()), 5 + 2 + 2 + 2),
        ("measure", lambda: make_measure(event=make_event()), 5 + 2 + 2 + 2),
        ("measurestatuschange", make_status_change, 5 + 2),
    ],
)
def test_changelist_queries_do_not_grow_with_rows(
    admin_client: Client,
    django_assert_max_num_queries: Any,
    model_name: str,
    rows: Callable[[], models.Model],
    max_queries: int,
) -> None:
    records = [rows() for _ in range(8)]

    with django_assert_max_num_queries(max_queries):
        response = admin_client.get(admin_url(records[0], "changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= 8


# Search and filters ----------------------------------------------------------


class TestSearchAndFilters:
    def test_event_search_matches_titles(self, admin_client: Client) -> None:
        make_event(title="Drone strike on Kyiv")
        make_event(title="Trump-Putin call")

        response = admin_client.get(admin_url(Event, "changelist"), {"q": "kyiv"})

        titles = [event.title for event in response.context["cl"].result_list]
        assert titles == ["Drone strike on Kyiv"]

    def test_position_search_matches_the_actor_name(self, admin_client: Client) -> None:
        make_position(actor=make_actor(name="Ukraine"))
        make_position(actor=make_actor(name="Russia"))

        response = admin_client.get(admin_url(Position, "changelist"), {"q": "ukraine"})

        actors = [position.actor.name for position in response.context["cl"].result_list]
        assert actors == ["Ukraine"]

    def test_the_stance_filter_keeps_only_that_stance(self, admin_client: Client) -> None:
        make_position(stance=Stance.CONDEMN)
        justified = make_position(stance=Stance.JUSTIFY)

        response = admin_client.get(
            admin_url(Position, "changelist"), {"stance__exact": Stance.JUSTIFY}
        )

        assert list(response.context["cl"].result_list) == [justified]

    def test_the_status_and_actor_filters_combine(self, admin_client: Client) -> None:
        eu = make_actor(name="European Union", kind=ActorKind.SUPRANATIONAL_UNION)
        threatened = make_measure(actor=eu)
        make_measure(actor=eu, status=MeasureStatus.ADOPTED)
        make_measure()

        response = admin_client.get(
            admin_url(Measure, "changelist"),
            {"status__exact": "threatened", "actor__id__exact": str(eu.pk)},
        )

        assert list(response.context["cl"].result_list) == [threatened]

    def test_the_date_hierarchy_narrows_events_to_a_year(self, admin_client: Client) -> None:
        recent = make_event(occurred_on=datetime.date(2025, 4, 24), occurred_on_precision="day")
        make_event(occurred_on=datetime.date(2022, 2, 24), occurred_on_precision="day")

        response = admin_client.get(admin_url(Event, "changelist"), {"occurred_on__year": 2025})

        assert list(response.context["cl"].result_list) == [recent]

    @pytest.mark.parametrize(
        ("model_name", "field_name", "term", "builder"),
        [
            ("position", "event", "kyiv", lambda: make_event(title="Drone strike on Kyiv")),
            ("position", "sources", "reuters", lambda: make_source(title="Reuters report")),
            ("event", "conflict", "ukraine", lambda: make_conflict(name="Russia-Ukraine")),
            (
                "measure",
                "position",
                "ukraine",
                lambda: make_position(actor=make_actor(name="Ukraine")),
            ),
        ],
    )
    def test_autocomplete_answers_for_related_records(
        self,
        admin_client: Client,
        model_name: str,
        field_name: str,
        term: str,
        builder: Callable[[], models.Model],
    ) -> None:
        record = builder()

        response = admin_client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "responses",
                "model_name": model_name,
                "field_name": field_name,
                "term": term,
            },
        )

        assert response.status_code == 200
        assert [result["id"] for result in response.json()["results"]] == [str(record.pk)]


# Positions -------------------------------------------------------------------


def position_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "actor": "",
        "speaker": "",
        "event": "",
        "target": "",
        "stance": Stance.CONDEMN,
        "cameo_code": "",
        "summary": "Condemns the strike as a blatant violation of sovereignty.",
        "quote": "",
        "language": "",
        "stated_on": "",
        "stated_on_precision": "",
        "sources": [],
    }
    data.update(overrides)
    return data


class TestAddingAPosition:
    def test_a_valid_position_is_created(self, admin_client: Client) -> None:
        ukraine = make_actor(name="Ukraine")
        strike = make_event()
        source = make_source()

        response = admin_client.post(
            admin_url(Position, "add"),
            position_form(actor=ukraine.pk, event=strike.pk, cameo_code="111", sources=[source.pk]),
        )

        assert response.status_code == 302
        position = Position.objects.get()
        assert (position.actor, position.event, position.cameo_code) == (ukraine, strike, "111")
        assert list(position.sources.all()) == [source]

    def test_a_cameo_code_contradicting_the_stance_is_refused(self, admin_client: Client) -> None:
        response = admin_client.post(
            admin_url(Position, "add"),
            position_form(
                actor=make_actor().pk,
                event=make_event().pk,
                stance=Stance.CONDEMN,
                cameo_code="051",
                sources=[make_source().pk],
            ),
        )

        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "CAMEO code 051 contradicts the stance condemn" in errors["cameo_code"][0]
        assert b"contradicts the stance condemn" in response.content
        assert not Position.objects.exists()

    def test_a_position_about_nothing_is_refused(self, admin_client: Client) -> None:
        response = admin_client.post(
            admin_url(Position, "add"),
            position_form(actor=make_actor().pk, sources=[make_source().pk]),
        )

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["event"] == [
            "A position is about an event, a target actor or both."
        ]
        assert not Position.objects.exists()

    def test_a_position_needs_a_source(self, admin_client: Client) -> None:
        response = admin_client.post(
            admin_url(Position, "add"),
            position_form(actor=make_actor().pk, event=make_event().pk),
        )

        assert response.status_code == 200
        assert "sources" in response.context["adminform"].form.errors
        assert not Position.objects.exists()


class TestEventForm:
    def test_impacts_are_ticked_from_the_vocabulary(self, admin_client: Client) -> None:
        source = make_source()

        response = admin_client.post(
            admin_url(Event, "add"),
            {
                "title": "Drone strike on Kyiv",
                "slug": "kyiv-drone-strike",
                "kind": "drone_strike",
                "conflict": "",
                "occurred_on": "",
                "occurred_on_precision": "",
                "location": "Kyiv",
                "country": "UA",
                "initiator": "",
                "target": "",
                "summary": "",
                "impacts": [Impact.POWER_OUTAGE, Impact.FIRE],
                "fatalities": "",
                "injuries": "",
                "sources": [source.pk],
                **management("eventparticipant_set"),
                **management("relations"),
                **management("positions"),
                **management("measures"),
            },
        )

        assert response.status_code == 302
        event = Event.objects.get(slug="kyiv-drone-strike")
        assert event.impacts == [Impact.POWER_OUTAGE, Impact.FIRE]
        assert event.fatalities is None  # unknown stays empty, never 0

    def test_the_measure_inline_freezes_the_status_of_recorded_measures(
        self, admin_client: Client
    ) -> None:
        event = make_event()
        make_measure(event=event)

        response = admin_client.get(admin_url(event, "change", event.pk))

        measures = next(
            formset.formset
            for formset in response.context["inline_admin_formsets"]
            if formset.formset.prefix == "measures"
        )
        assert measures.forms[0].fields["status"].disabled
        assert not measures.empty_form.fields["status"].disabled


# Measures and their status ---------------------------------------------------


def measure_form(measure: Measure | None = None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "actor": measure.actor_id if measure else make_actor().pk,
        "kind": MeasureKind.SANCTIONS,
        "target": measure.target_id if measure else make_actor().pk,
        "condition": "if such hostile actions continue",
        "deadline": "",
        "amount": "",
        "currency": "",
        "description": "",
        "announced_on": "",
        "effective_on": "",
        "ended_on": "",
        "event": "",
        "position": "",
        "sources": [source.pk for source in measure.sources.all()]
        if measure
        else [make_source().pk],
        **management("status_changes", total=0, initial=0),
    }
    data.update(overrides)
    return data


class TestMeasureStatusField:
    def test_status_is_chosen_when_a_measure_is_added(self, admin_client: Client) -> None:
        response = admin_client.post(
            admin_url(Measure, "add"), measure_form(status=MeasureStatus.ADOPTED)
        )

        assert response.status_code == 302
        assert Measure.objects.get().status == MeasureStatus.ADOPTED

    def test_status_is_read_only_on_the_change_page(self, admin_client: Client) -> None:
        measure = make_measure()

        page = admin_client.get(admin_url(measure, "change", measure.pk))
        response = admin_client.post(
            admin_url(measure, "change", measure.pk),
            measure_form(measure, status=MeasureStatus.LIFTED, description="Edited."),
        )

        assert "status" not in page.context["adminform"].form.fields
        assert "status" in page.context["adminform"].readonly_fields
        assert response.status_code == 302
        measure.refresh_from_db()
        assert (measure.status, measure.description) == (MeasureStatus.THREATENED, "Edited.")
        assert not measure.status_changes.exists()

    def test_the_status_history_inline_is_read_only(self, admin_client: Client) -> None:
        measure = make_measure()
        change = make_status_change(measure=measure, note="Reported by Reuters.")

        response = admin_client.get(admin_url(measure, "change", measure.pk))

        history = next(iter(response.context["inline_admin_formsets"]))
        assert history.formset.model is MeasureStatusChange
        assert not history.has_add_permission
        assert not history.has_change_permission
        assert not history.has_delete_permission
        assert b"Reported by Reuters." in response.content
        assert b'name="status_changes-0-to_status"' not in response.content
        assert b'name="status_changes-0-DELETE"' not in response.content
        assert MeasureStatusChange.objects.get() == change

    def test_posted_history_rows_are_ignored(self, admin_client: Client) -> None:
        measure = make_measure()
        make_status_change(measure=measure, to=MeasureStatus.PROPOSED)
        change = measure.status_changes.get()

        response = admin_client.post(
            admin_url(measure, "change", measure.pk),
            measure_form(
                measure,
                **management("status_changes", total=2, initial=1),
                **{
                    "status_changes-0-id": str(change.pk),
                    "status_changes-0-measure": str(measure.pk),
                    "status_changes-0-to_status": MeasureStatus.LIFTED,
                    "status_changes-0-DELETE": "on",
                    "status_changes-1-to_status": MeasureStatus.LIFTED,
                },
            ),
        )

        assert response.status_code == 302
        change.refresh_from_db()
        assert change.to_status == MeasureStatus.PROPOSED
        assert measure.status_changes.count() == 1

    def test_the_change_page_links_to_the_transition(self, admin_client: Client) -> None:
        measure = make_measure()

        response = admin_client.get(admin_url(measure, "change", measure.pk))

        assert admin_url(measure, "transition", measure.pk) in response.content.decode()

    def test_a_measure_with_history_can_be_deleted(self, admin_client: Client) -> None:
        measure = make_measure_with_history()

        response = admin_client.post(admin_url(measure, "delete", measure.pk), {"post": "yes"})

        assert response.status_code == 302
        assert not Measure.objects.exists()
        assert not MeasureStatusChange.objects.exists()


class TestTransitionView:
    def test_it_offers_only_the_moves_the_lifecycle_allows(self, admin_client: Client) -> None:
        measure = make_measure(status=MeasureStatus.THREATENED)

        response = admin_client.get(admin_url(measure, "transition", measure.pk))

        assert response.status_code == 200
        choices = [value for value, _ in response.context["form"].fields["to"].choices]
        assert choices == ["proposed", "adopted", "in_force", "withdrawn", "lapsed"]
        assert b'value="lifted"' not in response.content
        assert b"Change status" in response.content  # the breadcrumb

    def test_a_legal_move_records_a_status_change(
        self, admin_client: Client, admin_user: User
    ) -> None:
        measure = make_measure(status=MeasureStatus.THREATENED)
        source = make_source()

        response = admin_client.post(
            admin_url(measure, "transition", measure.pk),
            {"to": "adopted", "on": "2025-05-20", "source": source.pk, "note": "Council vote."},
        )

        assert response.status_code == 302
        assert response["Location"] == admin_url(measure, "change", measure.pk)
        measure.refresh_from_db()
        assert measure.status == MeasureStatus.ADOPTED
        change = measure.status_changes.get()
        assert (change.from_status, change.to_status) == ("threatened", "adopted")
        assert (change.changed_on, change.source, change.note) == (
            datetime.date(2025, 5, 20),
            source,
            "Council vote.",
        )
        assert change.recorded_by == admin_user

    def test_an_illegal_move_shows_an_error_and_changes_nothing(self, admin_client: Client) -> None:
        measure = make_measure(status=MeasureStatus.THREATENED)

        response = admin_client.post(
            admin_url(measure, "transition", measure.pk),
            {"to": "lifted", "on": "", "source": make_source().pk, "note": ""},
        )

        assert response.status_code == 200
        assert response.context["form"].errors["to"] == [
            "Cannot move from threatened to lifted. From threatened a measure can move to: "
            "proposed, adopted, in_force, withdrawn, lapsed."
        ]
        assert b"Cannot move from threatened to lifted." in response.content
        measure.refresh_from_db()
        assert measure.status == MeasureStatus.THREATENED
        assert not MeasureStatusChange.objects.exists()

    def test_the_services_refusal_is_shown_on_the_form(self, admin_client: Client) -> None:
        measure = make_measure(status=MeasureStatus.THREATENED)
        transition_measure(
            measure, to=MeasureStatus.PROPOSED, source=make_source(), on=datetime.date(2025, 5, 1)
        )

        response = admin_client.post(
            admin_url(measure, "transition", measure.pk),
            {"to": "adopted", "on": "2025-04-01", "source": make_source().pk, "note": ""},
        )

        assert response.status_code == 200
        assert (
            "a later change cannot be dated before it" in response.context["form"].errors["on"][0]
        )
        measure.refresh_from_db()
        assert measure.status == MeasureStatus.PROPOSED
        assert measure.status_changes.count() == 1

    def test_a_source_is_required(self, admin_client: Client) -> None:
        measure = make_measure()

        response = admin_client.post(
            admin_url(measure, "transition", measure.pk), {"to": "adopted", "source": ""}
        )

        assert response.status_code == 200
        assert "source" in response.context["form"].errors
        assert not MeasureStatusChange.objects.exists()

    def test_a_finished_measure_offers_no_move(self, admin_client: Client) -> None:
        measure = make_measure(status=MeasureStatus.LIFTED)

        response = admin_client.get(admin_url(measure, "transition", measure.pk))

        assert response.status_code == 200
        assert b"A lifted measure cannot change status any more." in response.content
        assert b"Record status change" not in response.content

    def test_an_unknown_measure_is_not_found(self, admin_client: Client) -> None:
        response = admin_client.get(admin_url(Measure, "transition", 999_999))

        assert response.status_code == 404

    def test_staff_without_change_permission_are_refused(
        self, staff: Callable[..., Client]
    ) -> None:
        measure = make_measure()
        client = staff("responses.view_measure")

        page = client.get(admin_url(measure, "transition", measure.pk))
        response = client.post(
            admin_url(measure, "transition", measure.pk),
            {"to": "adopted", "source": make_source().pk},
        )

        assert page.status_code == 403
        assert response.status_code == 403
        measure.refresh_from_db()
        assert measure.status == MeasureStatus.THREATENED

    def test_staff_with_change_permission_may_move_a_measure(
        self, staff: Callable[..., Client]
    ) -> None:
        measure = make_measure()
        client = staff(
            "responses.view_measure", "responses.change_measure", "responses.view_source"
        )

        response = client.post(
            admin_url(measure, "transition", measure.pk),
            {"to": "proposed", "source": make_source().pk},
        )

        assert response.status_code == 302
        measure.refresh_from_db()
        assert measure.status == MeasureStatus.PROPOSED

    def test_the_change_page_hides_the_link_from_readers(
        self, staff: Callable[..., Client]
    ) -> None:
        measure = make_measure()

        response = staff("responses.view_measure").get(admin_url(measure, "change", measure.pk))

        assert response.status_code == 200
        assert admin_url(measure, "transition", measure.pk) not in response.content.decode()

    def test_the_source_autocomplete_answers_for_the_transition_form(
        self, admin_client: Client
    ) -> None:
        source = make_source(title="Council conclusions")

        response = admin_client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "responses",
                "model_name": "measurestatuschange",
                "field_name": "source",
                "term": "council",
            },
        )

        assert [result["id"] for result in response.json()["results"]] == [str(source.pk)]


# Sources ---------------------------------------------------------------------


class TestSourceDeletion:
    def test_a_cited_source_cannot_be_deleted(self, admin_client: Client) -> None:
        source = make_source(title="AP report")
        event = make_event(title="Drone strike on Kyiv", sources=[source])
        url = admin_url(source, "delete", source.pk)

        page = admin_client.get(url)
        response = admin_client.post(url, {"post": "yes"})

        assert page.status_code == 200
        assert b"would require deleting the following protected related objects" in page.content
        assert admin_url(event, "change", event.pk) in page.content.decode()
        assert b"Event citing this source" in page.content
        assert response.status_code == 200
        assert Source.objects.filter(pk=source.pk).exists()
        assert list(event.sources.all()) == [source]

    def test_the_bulk_delete_action_refuses_cited_sources(self, admin_client: Client) -> None:
        cited = make_source()
        make_position(sources=[cited])
        uncited = make_source()

        response = admin_client.post(
            admin_url(Source, "changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [cited.pk, uncited.pk],
                "post": "yes",
            },
        )

        assert response.status_code == 200
        assert response.context["protected"]
        assert Source.objects.filter(pk__in=[cited.pk, uncited.pk]).count() == 2

    def test_the_delete_itself_refuses_a_source_cited_after_confirmation(
        self, admin_user: User, rf: RequestFactory
    ) -> None:
        # Reachable only when a citation lands between the confirmation page
        # and the delete, so the model admin is called directly.
        source = make_source()
        make_event(sources=[source])
        source_admin = admin.site.get_model_admin(Source)
        request = rf.post("/")
        request.user = admin_user

        with pytest.raises(PermissionDenied):
            source_admin.delete_queryset(request, Source.objects.filter(pk=source.pk))
        with pytest.raises(PermissionDenied):
            source_admin.delete_model(request, source)
        assert Source.objects.filter(pk=source.pk).exists()

    def test_an_uncited_source_can_be_deleted(self, admin_client: Client) -> None:
        source = make_source()

        response = admin_client.post(admin_url(source, "delete", source.pk), {"post": "yes"})

        assert response.status_code == 302
        assert not Source.objects.exists()

    def test_uncited_sources_can_be_deleted_in_bulk(self, admin_client: Client) -> None:
        sources = [make_source(), make_source()]

        response = admin_client.post(
            admin_url(Source, "changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [source.pk for source in sources],
                "post": "yes",
            },
        )

        assert response.status_code == 302
        assert not Source.objects.exists()

    def test_an_actor_named_in_an_event_cannot_be_deleted(self, admin_client: Client) -> None:
        russia = make_actor(name="Russia")
        make_event(initiator=russia)

        response = admin_client.post(admin_url(russia, "delete", russia.pk), {"post": "yes"})

        assert response.status_code == 200
        assert response.context["protected"]
        assert Actor.objects.filter(pk=russia.pk).exists()


@pytest.mark.django_db
def test_changelists_filter_actors_by_a_typed_slug_not_a_list_of_every_actor(
    admin_client: Client,
) -> None:
    for number in range(60):
        make_actor(slug=f"state-{number}", name=f"State {number}")
    union = make_actor(slug="european-union", name="European Union")
    mine = make_position(actor=union, stance=Stance.THREATEN)
    make_position(actor=union, stance=Stance.CONDEMN)
    other = make_position(stance=Stance.THREATEN)
    changelist = reverse("admin:responses_position_changelist")
    page = admin_client.get(changelist).content.decode()
    assert '<input type="search" name="actor"' in page
    assert "State 7" not in page  # no link per actor
    # The box narrows the list, and keeps the other filters.
    query = {"stance__exact": "threaten", "actor": union.slug}
    narrowed = admin_client.get(changelist, query)
    assert narrowed.status_code == 200, narrowed.get("Location")
    shown = narrowed.content.decode()
    rows = set(re.findall(r"/admin/responses/position/(\d+)/change/", shown))
    assert rows == {str(mine.pk)}, rows
    assert str(other.pk) not in rows
    assert 'name="stance__exact" value="threaten"' in shown
    assert 'value="european-union"' in shown
