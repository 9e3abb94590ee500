"""import_records refuses what the API refuses, and says where and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from actors.models import Actor, Membership
from responses.models import Measure, Position
from tests.factories import make_actor
from tests.responses.importing import SOURCE_URL, WORLD, load, load_rejected, position, write_jsonl

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def world(tmp_path: Path) -> None:
    load(write_jsonl(tmp_path, *WORLD, name="world"))


def rejected(tmp_path: Path, *rows: dict | str) -> str:
    """The report for a file of a valid position followed by ``rows``."""
    out = load_rejected(write_jsonl(tmp_path, position(), *rows))
    assert not Position.objects.exists(), "a rejected row writes nothing of its file"
    return out


def test_a_bad_choice_names_the_field(tmp_path: Path) -> None:
    out = rejected(
        tmp_path, position(stance="applaud", stated_on="2024-01-01", stated_on_precision="day")
    )
    assert "line 2 (position): stance: Value 'applaud' is not a valid choice." in out


def test_a_value_refused_once_is_refused_on_every_row(tmp_path: Path) -> None:
    # Accepted values are remembered per field; refused ones must never be.
    out = rejected(
        tmp_path,
        *[
            position(language="not a tag", stated_on=f"2024-01-0{day}", stated_on_precision="day")
            for day in (1, 2)
        ],
    )
    assert "line 2 (position): language:" in out
    assert "line 3 (position): language:" in out


def test_a_cameo_code_that_contradicts_the_stance(tmp_path: Path) -> None:
    out = rejected(tmp_path, position(stance="justify", cameo_code="111"))
    assert (
        "line 2 (position): cameo_code: CAMEO code 111 contradicts the stance justify: "
        "use a code starting with 05."
    ) in out


def test_a_cameo_code_given_as_a_number_loses_nothing_silently(tmp_path: Path) -> None:
    out = rejected(tmp_path, position(stance="call_for_restraint", cameo_code=256))
    assert "line 2 (position): cameo_code: Expected text, got int." in out


def test_a_new_record_must_cite_a_source(tmp_path: Path) -> None:
    out = rejected(tmp_path, position(stance="accuse", cameo_code="112", sources=[]))
    assert "line 2 (position): sources: Cite at least one source." in out


def test_an_unknown_source(tmp_path: Path) -> None:
    out = rejected(
        tmp_path,
        position(
            stance="accuse", cameo_code="112", sources=["https://example.org/nowhere", "memo"]
        ),
    )
    assert "sources: There is no source with URL https://example.org/nowhere." in out
    assert "sources: No source record of this run has the key 'memo'." in out


def test_an_unknown_actor_slug(tmp_path: Path) -> None:
    out = rejected(tmp_path, position(actor="ukrane"))
    assert "line 2 (position): actor: There is no actor with slug ukrane." in out


def test_a_malformed_json_line(tmp_path: Path) -> None:
    out = rejected(tmp_path, '{"type": "position", "actor": "ukraine",', "[1, 2]")
    assert "line 2: not valid JSON: Expecting property name enclosed in double quotes" in out
    assert "line 3: a line holds one JSON object" in out


def test_a_bad_date(tmp_path: Path) -> None:
    out = rejected(tmp_path, position(stated_on="2024-13-45", stated_on_precision="day"))
    assert "line 2 (position): stated_on: " in out
    assert "invalid date" in out


def test_a_date_and_its_precision_go_together(tmp_path: Path) -> None:
    out = rejected(tmp_path, position(stated_on="2024-05-17"))
    assert "line 2 (position): stated_on_precision: Say how precise the date is." in out


def test_a_position_is_about_an_event_or_a_target(tmp_path: Path) -> None:
    out = rejected(tmp_path, position(event=None, target=None))
    assert "line 2 (position): event: A position is about an event, a target actor or both." in out


def test_a_speaker_is_a_person(tmp_path: Path) -> None:
    out = rejected(tmp_path, position(stance="accuse", cameo_code="112", speaker="russia"))
    assert "line 2 (position): speaker: A speaker is a person." in out


def test_unknown_fields_and_types_are_refused(tmp_path: Path) -> None:
    out = rejected(tmp_path, position(stnace="condemn"), {"type": "statement"}, {"slug": "x"})
    assert "line 2 (position): stnace: Unknown field." in out
    assert (
        "line 3: type: Unknown record type 'statement'; choose from source, actor, membership"
        in out
    )
    assert "line 4: type: Say which record type this is (a type field, or --type)." in out


def test_a_record_appears_once_per_file(tmp_path: Path) -> None:
    out = rejected(tmp_path, position(summary="Condemns it again."))
    assert "line 2 (position): Line 1 has the same position (natural key); give each once." in out


def test_every_reason_of_a_row_is_given_at_once(tmp_path: Path) -> None:
    out = rejected(tmp_path, position(actor="nobody", target="noone", stated_on="soon"))
    line = next(line for line in out.splitlines() if line.strip().startswith("line 2"))
    assert "actor: There is no actor with slug nobody." in line
    assert "target: There is no actor with slug noone." in line
    assert "stated_on: " in line


def test_text_with_null_characters_is_refused(tmp_path: Path) -> None:
    out = rejected(
        tmp_path,
        position(stance="accuse", cameo_code="112", summary="bad\x00text"),
        {"type": "actor", "slug": "un", "name": "UN", "kind": "other", "aliases": ["U.N.\x00"]},
    )
    assert "line 2 (position): summary: Null characters are not allowed." in out
    assert "line 3 (actor): aliases: Null characters are not allowed." in out


def test_a_count_is_a_whole_number(tmp_path: Path) -> None:
    event = {"type": "event", "kind": "other", "sources": [SOURCE_URL]}
    out = rejected(
        tmp_path,
        {**event, "slug": "e", "title": "E", "fatalities": 2.5},
        {**event, "slug": "f", "title": "F", "injuries": "many"},
    )
    assert "line 2 (event): fatalities: A valid integer is required." in out
    assert "line 3 (event): injuries: “many” value must be an integer." in out


def test_database_check_constraints_are_enforced_in_memory(tmp_path: Path) -> None:
    out = load_rejected(
        write_jsonl(
            tmp_path,
            {"type": "actor", "slug": "nato", "name": "NATO", "kind": "military_alliance"},
            {
                "type": "membership",
                "member": "ukraine",
                "organization": "nato",
                "started_on": "2024-05-01",
                "ended_on": "2020-01-01",
            },
            {"type": "membership", "member": "nato", "organization": "nato"},
        )
    )
    assert (
        "line 2 (membership): ended_on, started_on: A membership cannot end before it starts."
        in out
    )
    assert (
        "line 3 (membership): member, organization: An actor cannot be a member of itself." in out
    )
    assert not Membership.objects.exists()


def test_unique_values_are_checked_against_the_database_and_the_file(tmp_path: Path) -> None:
    make_actor(slug="kyiv-city", wikidata_id="Q1899")
    out = load_rejected(
        write_jsonl(
            tmp_path,
            {
                "type": "actor",
                "slug": "kyiv",
                "name": "Kyiv",
                "kind": "other",
                "wikidata_id": "Q1899",
            },
            {
                "type": "actor",
                "slug": "kharkiv",
                "name": "Kharkiv",
                "kind": "other",
                "wikidata_id": "Q42",
            },
            {
                "type": "actor",
                "slug": "kharkiv-2",
                "name": "Kharkiv",
                "kind": "other",
                "wikidata_id": "Q42",
            },
        )
    )
    assert "line 1 (actor): wikidata_id: Another actor has this Wikidata id." in out
    assert "line 3 (actor): wikidata_id: Another actor has this Wikidata id." in out
    assert "line 2" not in out


def test_an_actor_cannot_become_its_own_ancestor(tmp_path: Path) -> None:
    load(
        write_jsonl(
            tmp_path,
            {
                "type": "actor",
                "slug": "ministry",
                "name": "Ministry",
                "kind": "government_body",
                "parent": "ukraine",
            },
            name="ministry",
        )
    )
    out = load_rejected(write_jsonl(tmp_path, {**WORLD[1], "parent": "ministry"}, name="cycle"))
    assert "line 1 (actor): parent: An actor cannot be its own ancestor." in out
    assert Actor.objects.get(slug="ukraine").parent is None


def test_a_measure_status_changes_only_through_a_transition(tmp_path: Path) -> None:
    measure = {
        "type": "measure",
        "actor": "european-union",
        "target": "russia",
        "kind": "sanctions",
        "event": "kyiv-drone-strike",
        "sources": [SOURCE_URL],
    }
    load(write_jsonl(tmp_path, measure, name="threat"))
    out = load_rejected(write_jsonl(tmp_path, {**measure, "status": "in_force"}, name="moved"))
    assert "line 1 (measure): status: The status changes only through a transition" in out
    assert Measure.objects.get().status == "threatened"


def test_the_announcing_position_must_be_the_actors(tmp_path: Path) -> None:
    out = load_rejected(
        write_jsonl(
            tmp_path,
            position(actor="european-union", stance="threaten", cameo_code="1312"),
            position(actor="european-union", stance="threaten", cameo_code="1312", target=None),
            {
                "type": "measure",
                "actor": "european-union",
                "target": "russia",
                "kind": "sanctions",
                "event": "kyiv-drone-strike",
                "announced_in": "threaten",
                "sources": [SOURCE_URL],
            },
            {
                "type": "measure",
                "actor": "european-union",
                "target": "russia",
                "kind": "arms_embargo",
                "event": "kyiv-drone-strike",
                "announced_in": "condemn",
                "sources": [SOURCE_URL],
            },
        )
    )
    assert (
        "line 3 (measure): announced_in: The actor has several threaten positions about "
        "this event; give target and stated_on to choose one."
    ) in out
    assert (
        "line 4 (measure): announced_in: The actor has no condemn position about this event." in out
    )


def test_an_object_narrows_down_the_announcing_position(tmp_path: Path) -> None:
    load(
        write_jsonl(
            tmp_path,
            position(actor="european-union", stance="threaten", cameo_code="1312"),
            position(actor="european-union", stance="threaten", cameo_code="1312", target=None),
            {
                "type": "measure",
                "actor": "european-union",
                "target": "russia",
                "kind": "sanctions",
                "event": "kyiv-drone-strike",
                "announced_in": {"stance": "threaten", "target": "russia"},
                "sources": [SOURCE_URL],
            },
        )
    )
    assert Measure.objects.get().position.target.slug == "russia"  # type: ignore[union-attr]


def test_rejections_are_listed_by_line(tmp_path: Path) -> None:
    # Line 2 breaks a rule found when its batch is validated, line 3 names an
    # unknown actor, found as it is read.
    out = rejected(tmp_path, position(stance="applaud"), position(actor="nobody"))
    assert out.index("line 2 (position)") < out.index("line 3 (position)")
