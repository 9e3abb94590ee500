"""The data-quality report: each check, the seed scenario, the API and the command."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from actors.choices import ActorKind
from actors.models import Actor
from responses.choices import EventKind, MeasureKind, MeasureStatus, Stance
from responses.models import ConflictParty, Event, EventParticipant, Measure, Position
from responses.quality import Finding, normalise_name, quality_report
from tests.factories import (
    make_actor,
    make_conflict,
    make_event,
    make_measure,
    make_membership,
    make_position,
    make_status_change,
)

pytestmark = pytest.mark.django_db

# A deadline long gone, whenever the tests run.
PAST = datetime.date(2000, 1, 1)


def findings(code: str, today: datetime.date | None = None) -> list[Finding]:
    return [finding for finding in quality_report(today) if finding.code == code]


def flagged(code: str) -> list[tuple[str, int]]:
    return [(finding.record.type, finding.record.id) for finding in findings(code)]


@pytest.fixture
def scenario() -> None:
    call_command("load_scenario", stdout=io.StringIO())


class TestTheSeedScenario:
    def test_it_has_no_problem_and_one_note_nato(self, scenario: None) -> None:
        [note] = quality_report()
        assert (note.severity, note.code, note.record.slug) == (
            "note",
            "unreferenced_actor",
            "nato",
        )

    def test_the_api_says_the_same(self, scenario: None, api_client: APIClient) -> None:
        response = api_client.get(reverse("api:quality"))
        assert response.status_code == 200
        assert response.json()["count"] == 1
        [item] = response.json()["results"]
        assert item == {
            "code": "unreferenced_actor",
            "severity": "note",
            "record": {
                "type": "actor",
                "id": Actor.objects.get(slug="nato").pk,
                "slug": "nato",
                "label": "North Atlantic Treaty Organization",
                "url": "http://testserver/api/v1/actors/nato/",
            },
            "related": [],
            "message": (
                "Nothing refers to North Atlantic Treaty Organization (nato): no position, "
                "measure, event, membership, conflict or child actor."
            ),
        }

    def test_the_command_passes_in_ci(self, scenario: None) -> None:
        out = io.StringIO()
        call_command("quality_report", "--fail-on-problems", stdout=out)
        assert "Data quality: 0 problems, 1 note." in out.getvalue()
        assert "/api/v1/actors/nato/" in out.getvalue()


class TestRecordsWithoutSources:
    def test_events_positions_and_measures_without_a_source_are_problems(self) -> None:
        make_event()  # sourced; and the unsourced event's id is not the smallest
        event = Event.objects.create(slug="unsourced", title="Unsourced", kind=EventKind.OTHER)
        position = Position.objects.create(
            actor=make_actor(), event=event, stance=Stance.CONDEMN, summary="Condemns."
        )
        measure = Measure.objects.create(
            actor=make_actor(), target=make_actor(), kind=MeasureKind.SANCTIONS
        )
        make_position()  # sourced, like its event
        make_measure()

        assert flagged("missing_source") == [
            ("event", event.pk),
            ("position", position.pk),
            ("measure", measure.pk),
        ]
        assert all(finding.severity == "problem" for finding in findings("missing_source"))


class TestCameoCodes:
    def test_a_code_that_contradicts_the_stance_is_a_problem(self) -> None:
        contradicting = make_position(stance=Stance.CONDEMN, cameo_code="111")
        # The model refuses the contradiction, so it is written behind its back.
        Position.objects.filter(pk=contradicting.pk).update(cameo_code="051")
        make_position(stance=Stance.CONDEMN, cameo_code="111")
        make_position(stance=Stance.URGE_CEASEFIRE, cameo_code="107")
        make_position(stance=Stance.OTHER, cameo_code="051")  # other takes any code
        make_position(stance=Stance.THREATEN, cameo_code="")

        [finding] = findings("cameo_contradicts_stance")
        assert finding.record.id == contradicting.pk
        assert "051" in finding.message
        assert "start with 11" in finding.message


class TestDeadlines:
    def test_threatened_and_proposed_measures_past_their_deadline_are_problems(self) -> None:
        today = datetime.date(2026, 6, 1)
        yesterday = datetime.date(2026, 5, 31)
        threatened = make_measure(status=MeasureStatus.THREATENED, deadline=yesterday)
        proposed = make_measure(status=MeasureStatus.PROPOSED, deadline=yesterday)
        make_measure(status=MeasureStatus.THREATENED, deadline=today)
        make_measure(status=MeasureStatus.THREATENED)
        make_measure(status=MeasureStatus.ADOPTED, deadline=yesterday)

        past_deadline = findings("past_deadline", today)
        assert [finding.record.id for finding in past_deadline] == [threatened.pk, proposed.pk]
        assert "deadline (2026-05-31) has passed" in past_deadline[0].message


class TestStatusHistory:
    def test_a_status_changed_without_a_transition_is_a_problem(self) -> None:
        tampered = make_measure()
        make_status_change(measure=tampered, to="proposed")
        make_status_change(measure=tampered, to="adopted")
        Measure.objects.filter(pk=tampered.pk).update(status=MeasureStatus.PROPOSED)
        in_step = make_measure()
        make_status_change(measure=in_step, to="proposed")
        make_status_change(measure=in_step, to="adopted")
        make_measure(status=MeasureStatus.IN_FORCE)  # no history: nothing to compare

        [finding] = findings("status_not_last_change")
        assert finding.record.id == tampered.pk
        assert "is proposed" in finding.message
        assert "moved it to adopted" in finding.message


class TestLikelyDuplicateActors:
    @pytest.mark.parametrize(
        ("raw", "normalised"),
        [
            ("U.N.", "un"),
            ("  United   Nations ", "united nations"),
            ("Côte d’Ivoire", "cote divoire"),
            ("STRAẞE", "strasse"),
        ],
    )
    def test_names_are_normalised(self, raw: str, normalised: str) -> None:
        assert normalise_name(raw) == normalised

    def test_a_name_matching_another_actors_alias_is_a_problem(self) -> None:
        un = make_actor(name="United Nations", aliases=["U.N."])
        other = make_actor(name="UN")

        [finding] = findings("duplicate_actor")
        assert finding.record.id == un.pk
        assert [record.id for record in finding.related] == [other.pk]
        assert "'un'" in finding.message

    def test_accents_case_and_spacing_do_not_hide_a_duplicate(self) -> None:
        first = make_actor(name="Côte d’Ivoire")
        second = make_actor(name="cote  DIVOIRE")
        assert flagged("duplicate_actor") == [("actor", first.pk)]
        assert [r.id for r in findings("duplicate_actor")[0].related] == [second.pk]

    def test_actors_linked_by_a_chain_of_names_are_one_finding(self) -> None:
        first = make_actor(name="European Union", aliases=["E.U."])
        second = make_actor(name="EU", aliases=["Union européenne"])
        third = make_actor(name="Union europeenne")

        [finding] = findings("duplicate_actor")
        assert finding.record.id == first.pk
        assert [record.id for record in finding.related] == [second.pk, third.pk]

    def test_different_names_and_shared_short_names_are_not_duplicates(self) -> None:
        make_actor(name="Western nations", aliases=["the West"])
        make_actor(name="Eastern nations")
        make_actor(name="Ministry of Defence of Ukraine", short_name="MoD")
        make_actor(name="Ministry of Defence of the United Kingdom", short_name="MoD")
        assert findings("duplicate_actor") == []


REFERENCES: dict[str, Callable[[Actor], object]] = {
    "position actor": lambda actor: make_position(actor=actor),
    "position speaker": lambda actor: make_position(speaker=actor),
    "position target": lambda actor: make_position(target=actor),
    "measure actor": lambda actor: make_measure(actor=actor),
    "measure target": lambda actor: make_measure(target=actor),
    "event initiator": lambda actor: make_event(initiator=actor),
    "event target": lambda actor: make_event(target=actor),
    "event participant": lambda actor: EventParticipant.objects.create(
        event=make_event(), actor=actor
    ),
    "membership member": lambda actor: make_membership(member=actor),
    "membership organization": lambda actor: make_membership(organization=actor),
    "conflict party": lambda actor: ConflictParty.objects.create(
        conflict=make_conflict(), actor=actor
    ),
    "child actor": lambda actor: make_actor(parent=actor),
}


class TestUnreferencedActors:
    def test_an_actor_nothing_refers_to_is_a_note(self) -> None:
        lonely = make_actor(name="North Atlantic Treaty Organization", slug="nato")
        [finding] = findings("unreferenced_actor")
        assert (finding.severity, finding.record.id) == ("note", lonely.pk)

    @pytest.mark.parametrize("reference", REFERENCES, ids=str)
    def test_any_reference_is_enough(self, reference: str) -> None:
        actor = make_actor(kind=ActorKind.PERSON, slug="referenced")
        REFERENCES[reference](actor)
        assert "referenced" not in {finding.record.slug for finding in quality_report()}


def make_one_of_each_finding() -> None:
    event = Event.objects.create(slug=f"e{Event.objects.count()}", title="E", kind="other")
    Position.objects.filter(
        pk=make_position(event=event, stance=Stance.CONDEMN, cameo_code="111").pk
    ).update(cameo_code="051")
    make_measure(deadline=PAST)
    measure = make_measure()
    make_status_change(measure=measure, to="proposed")
    Measure.objects.filter(pk=measure.pk).update(status=MeasureStatus.ADOPTED)
    make_actor(name="Duplicate")
    make_actor(name="duplicate")


def test_the_report_costs_the_same_queries_however_much_it_finds() -> None:
    make_one_of_each_finding()
    with CaptureQueriesContext(connection) as few:
        few_findings = quality_report()
    for _ in range(4):
        make_one_of_each_finding()
    with CaptureQueriesContext(connection) as many:
        many_findings = quality_report()
    assert len(many_findings) > len(few_findings)
    # Three checks for missing sources, one for each other check: eight.
    assert len(many) == len(few) == 8, [query["sql"] for query in many.captured_queries]


class TestTheApi:
    def test_problems_come_first_and_filters_narrow_them(self, api_client: APIClient) -> None:
        make_one_of_each_finding()
        everything = api_client.get(reverse("api:quality")).json()
        severities = [item["severity"] for item in everything["results"]]
        assert severities == sorted(severities, key=["problem", "note"].index)

        problems = api_client.get(reverse("api:quality"), {"severity": "problem"}).json()
        assert {item["severity"] for item in problems["results"]} == {"problem"}
        assert problems["count"] == severities.count("problem")

        two_codes = api_client.get(
            reverse("api:quality"), {"code": ["past_deadline", "duplicate_actor"]}
        ).json()
        assert {item["code"] for item in two_codes["results"]} == {
            "past_deadline",
            "duplicate_actor",
        }

    def test_it_pages(self, api_client: APIClient) -> None:
        for _ in range(3):
            make_actor()
        response = api_client.get(reverse("api:quality"), {"limit": 2})
        assert response.json()["count"] == 3
        assert len(response.json()["results"]) == 2
        assert response["X-Total-Count"] == "3"

    def test_an_unknown_choice_is_a_400(self, api_client: APIClient) -> None:
        response = api_client.get(reverse("api:quality"), {"severity": "fatal"})
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == "severity"

    def test_it_is_read_only(self, api_client: APIClient) -> None:
        assert api_client.post(reverse("api:quality"), {}).status_code == 405

    def test_duplicates_name_the_other_records(self, api_client: APIClient) -> None:
        make_actor(name="Duplicate", slug="first")
        make_actor(name="DUPLICATE", slug="second")
        [item] = api_client.get(reverse("api:quality"), {"code": "duplicate_actor"}).json()[
            "results"
        ]
        assert item["record"]["slug"] == "first"
        assert [record["url"] for record in item["related"]] == [
            "http://testserver/api/v1/actors/second/"
        ]


class TestTheCommand:
    def test_it_fails_on_problems_when_asked(self) -> None:
        make_measure(deadline=PAST)
        out = io.StringIO()
        with pytest.raises(CommandError, match="1 problem found") as raised:
            call_command("quality_report", "--fail-on-problems", stdout=out)
        assert raised.value.returncode == 1
        assert "[past_deadline]" in out.getvalue()

    def test_without_the_flag_it_only_reports(self) -> None:
        make_measure(deadline=PAST)
        out = io.StringIO()
        call_command("quality_report", stdout=out)
        assert out.getvalue().startswith("Data quality: 1 problem, 0 notes.")

    def test_notes_never_fail_it(self) -> None:
        make_actor()
        call_command("quality_report", "--fail-on-problems", stdout=io.StringIO())

    def test_it_prints_json(self) -> None:
        measure = make_measure(deadline=PAST)
        out = io.StringIO()
        call_command("quality_report", "--json", stdout=out)
        problem = json.loads(out.getvalue())[0]
        assert problem["code"] == "past_deadline"
        assert problem["record"]["url"] == f"/api/v1/measures/{measure.pk}/"
