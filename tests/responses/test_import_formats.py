"""import_records: CSV input, the progress bar, quiet runs, the help, the constraint checks."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import CheckConstraint

from actors.models import Actor, Membership
from bulkload.checks import evaluate
from bulkload.records import RECORD_TYPES
from responses.management.commands.import_records import Command
from responses.models import Event, Position
from tests.responses.importing import SOURCE_URL, WORLD, load, load_rejected, position, write_jsonl

pytestmark = pytest.mark.django_db


def write_csv(directory: Path, text: str, name: str = "records.csv") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def world(tmp_path: Path) -> None:
    load(write_jsonl(tmp_path, *WORLD, name="world"))


def test_a_csv_file_of_one_record_type(tmp_path: Path, world: None) -> None:
    path = write_csv(
        tmp_path,
        "actor,event,target,stance,cameo_code,summary,quote,sources\n"
        f'ukraine,kyiv-drone-strike,russia,condemn,111,Condemns the strike.,"Two lines,\n'
        f'of quote",{SOURCE_URL}\n'
        f"russia,kyiv-drone-strike,,justify,052,Cites security concerns.,,{SOURCE_URL}\n",
    )
    out = load(path, type="positions")
    assert "positions: 2 created" in out
    justification = Position.objects.get(stance="justify")
    assert (justification.target, justification.quote) == (None, "")
    assert Position.objects.get(stance="condemn").quote == "Two lines,\nof quote"


def test_a_csv_file_may_mix_types_in_a_type_column(tmp_path: Path, world: None) -> None:
    path = write_csv(
        tmp_path,
        "type,slug,name,kind,title,sources\n"
        "actor,un,United Nations,international_organization,,\n"
        f"event,summit,,summit,A summit,{SOURCE_URL}\n"
        "actor,nato,NATO,military_alliance,Not an actor field,\n",
    )
    out = load_rejected(path)
    assert "line 4 (actor): title: Unknown field." in out
    assert "line 2" not in out
    assert "line 3" not in out


def test_csv_lists_are_joined_with_a_bar(tmp_path: Path, world: None) -> None:
    path = write_csv(
        tmp_path,
        "type,slug,name,kind,aliases\n"
        "actor,un,United Nations,international_organization,U.N. | UN\n",
    )
    load(path)
    assert Actor.objects.get(slug="un").aliases == ["U.N.", "UN"]
    events = write_csv(
        tmp_path,
        "slug,title,kind,participants,impacts,related_events,sources\n"
        f"talks,Talks,summit,ukraine|un,,follows:kyiv-drone-strike,{SOURCE_URL}\n"
        f"strike-2,Strike,drone_strike,,fire|casualties,,{SOURCE_URL}\n",
        name="events.csv",
    )
    load(events, type="event")
    talks = Event.objects.get(slug="talks")
    assert set(talks.participants.values_list("slug", flat=True)) == {"ukraine", "un"}
    assert talks.relations.get().to_event.slug == "kyiv-drone-strike"
    assert Event.objects.get(slug="strike-2").impacts == ["fire", "casualties"]


def test_csv_line_numbers_count_physical_lines(tmp_path: Path, world: None) -> None:
    path = write_csv(
        tmp_path,
        "member,organization,started_on\n"
        '"ukraine",european-union,2024-01-01\n'
        "\n"
        "ukraine,russia,yesterday\n",
    )
    out = load_rejected(path, type="membership")
    assert "line 4 (membership): started_on: " in out
    assert not Membership.objects.exists()


def test_a_malformed_csv_row_is_rejected_with_its_line(tmp_path: Path) -> None:
    huge = "x" * 200_000  # above the csv module's field size limit
    path = write_csv(tmp_path, f"slug,name,kind\nun,{huge},other\nnato,NATO,military_alliance\n")
    out = load_rejected(path, type="actor")
    assert "line 2 (actor): not valid CSV: field larger than field limit" in out
    assert "(1 valid row discarded" in out  # the reader went on with line 3


def test_a_csv_file_must_say_what_it_holds(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "slug,name,kind\nun,United Nations,other\n")
    with pytest.raises(CommandError, match=r"cannot read records\.csv"):
        call_command("import_records", str(path), stdout=io.StringIO())


def test_a_csv_row_with_missing_cells_is_rejected(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "slug,name,kind\nun,United Nations\n")
    out = load_rejected(path, type="actor")
    assert "line 2 (actor): the row has 2 cells, the header 3" in out


def test_an_unknown_extension_needs_format(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path, *WORLD)
    renamed = path.rename(tmp_path / "records.txt")
    with pytest.raises(CommandError, match=r"cannot read records\.txt"):
        call_command("import_records", str(renamed), stdout=io.StringIO())
    load(renamed, format="jsonl")
    assert Actor.objects.count() == 3


def test_bytes_that_are_not_utf8_are_rejected_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_bytes(b'{"type": "actor", "slug": "x", "name": "caf\xe9", "kind": "other"}\n')
    out = load_rejected(path)
    assert "line 1 (actor): name: The text is not valid UTF-8." in out


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar(tmp_path: Path) -> None:
    out = Terminal()
    call_command("import_records", str(write_jsonl(tmp_path, *WORLD)), stdout=out)
    assert "\rrecords.jsonl [" in out.getvalue()
    assert "100% 5 rows" in out.getvalue()
    assert "actors: 3 created" in out.getvalue()


def test_a_pipe_or_a_log_gets_no_progress_bar(tmp_path: Path) -> None:
    out = load(write_jsonl(tmp_path, *WORLD))
    assert "\r" not in out
    forced = load(write_jsonl(tmp_path, *WORLD, name="again"), progress=True)
    assert "\r" in forced


def test_quiet_runs_print_only_problems(tmp_path: Path) -> None:
    assert load(write_jsonl(tmp_path, *WORLD), verbosity=0) == ""
    out = load_rejected(write_jsonl(tmp_path, position(actor="nobody"), name="bad"), verbosity=0)
    assert "line 1 (position): actor: There is no actor with slug nobody." in out


def test_long_lists_of_rejections_are_shortened_unless_verbose(tmp_path: Path) -> None:
    rows = [{"type": "actor", "slug": f"a-{n}", "name": "A", "kind": "planet"} for n in range(60)]
    path = write_jsonl(tmp_path, *rows)
    assert "... and 10 more (-v 2 lists all)" in load_rejected(path)
    assert "line 60 (actor)" in load_rejected(path, verbosity=2)


def test_the_help_documents_the_file_format() -> None:
    text = Command().create_parser("manage.py", "import_records").format_help()
    for words in (
        "JSON Lines",
        "CSV",
        '"type"',
        "--type",
        "position                actor, event, target, stance, stated_on",
        "measure                 actor, target, kind, event, announced_on",
        "--atomic",
        "--batch-size",
    ):
        assert words in text


def test_every_check_constraint_of_an_imported_model_can_be_evaluated() -> None:
    for record in RECORD_TYPES.values():
        instance = record.model()
        for constraint in record.model._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                evaluate(constraint.condition, instance)  # type: ignore[arg-type]


def test_unknown_values_pass_a_check_as_in_sql() -> None:
    # ended_on >= started_on with a start unknown: NULL, so the CHECK passes.
    membership = Membership(member_id=1, organization_id=2, ended_on="2020-01-01")
    (constraint,) = [
        c for c in Membership._meta.constraints if c.name == "membership_ends_after_start"
    ]
    assert evaluate(constraint.condition, membership) is True  # type: ignore[attr-defined]
    same = Membership(member_id=1, organization_id=1)
    (self_check,) = [c for c in Membership._meta.constraints if c.name == "membership_not_self"]
    assert evaluate(self_check.condition, same) is False  # type: ignore[attr-defined]
    assert evaluate(self_check.condition, Membership(member_id=1)) is None  # type: ignore[attr-defined]


@pytest.mark.parametrize("size", ["0", "20001"])
def test_a_batch_size_out_of_range_is_refused(size: str) -> None:
    # A batch's keys are bound parameters: PostgreSQL takes at most 65,535.
    with pytest.raises(CommandError, match="from 1 to 20,000"):
        call_command("import_records", "records.jsonl", "--batch-size", size)
