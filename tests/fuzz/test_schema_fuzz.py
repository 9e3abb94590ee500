"""Schema-driven fuzzing: every operation of openapi.yaml, with valid and invalid data.

Schemathesis generates requests from the committed schema and sends them to
the WSGI application in process, anonymously and with a curator's token, on
whichever database the suite runs on. Each response must not be a server
error, and its status code, content type and body must be those the schema
documents; invalid (negative) data must be refused with a 4xx.

These tests are marked ``fuzz`` and left out of ``make test``; ``make fuzz``
runs them. ``FUZZ_EXAMPLES`` bounds the examples per operation, data mode and
client, so a run stays a few minutes long.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
import schemathesis
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.tokens import api_token

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
# Invalid data must be refused with a 4xx. Besides schemathesis's defaults, a
# 412 refuses it too: HTTP evaluates If-Match before reading the body (RFC 9110,
# 13.2.2), so a stale precondition is answered first, and nothing is written.
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "412", "413", "415", "422", "428"]
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": [*REFUSALS, "429", "5xx"]}}}
)
SCHEMA = schemathesis.openapi.from_path(SCHEMA_PATH, config=CONFIG)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations() if isinstance(result, Ok)]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

BODY_METHODS = frozenset({"post", "put", "patch"})

pytestmark = pytest.mark.fuzz


@pytest.fixture
def curator_token(transactional_db: None) -> str:
    user = User.objects.create_user("fuzzing-curator", password="a-long-test-password")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["actors", "responses"])
    )
    return api_token(user)


@pytest.fixture
def seeded(transactional_db: None) -> dict[str, str]:
    """The Kyiv scenario, plus a membership and a status change, and one key of each kind.

    Generated path parameters rarely name a record; these let every detail
    operation also be fuzzed on a record that exists.
    """
    from actors.models import Actor, Membership
    from responses.lifecycle import transition_measure
    from responses.models import Measure, Position, Source

    call_command("load_scenario", verbosity=0)
    membership = Membership.objects.create(
        member=Actor.objects.get(slug="ukraine"), organization=Actor.objects.get(slug="nato")
    )
    measure = Measure.objects.get()
    change = transition_measure(measure, to="proposed", source=Source.objects.get())
    return {
        "/api/v1/actors/": "ukraine",
        "/api/v1/conflicts/": "russia-ukraine",
        "/api/v1/events/": "kyiv-drone-strike",
        "/api/v1/measures/": str(measure.pk),
        "/api/v1/memberships/": str(membership.pk),
        "/api/v1/positions/": str(Position.objects.order_by("pk").values_list("pk", flat=True)[0]),
        "/api/v1/sources/": str(Source.objects.get().pk),
        "/api/v1/status-changes/": str(change.pk),
    }


def existing_record(operation: schemathesis.APIOperation, keys: dict[str, str]) -> dict[str, str]:
    """Path parameters naming a seeded record, or nothing for operations without them."""
    names = [parameter.name for parameter in operation.path_parameters]
    if len(names) != 1:
        return {}
    prefix = next((prefix for prefix in keys if operation.path.startswith(prefix)), None)
    return {names[0]: keys[prefix]} if prefix else {}


def fuzz(
    operation: schemathesis.APIOperation,
    mode: GenerationMode,
    headers: dict[str, str],
    path_parameters: dict[str, str] | None = None,
) -> int:
    """Send up to EXAMPLES generated requests and check each answer; return how many."""
    # The WSGI handler itself (not tracker.wsgi, which would set production defaults).
    application = get_wsgi_application()
    checks = [*CHECKS, negative_data_rejection] if mode == GenerationMode.NEGATIVE else CHECKS
    sent = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,  # the same examples on every run: a failure reproduces
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode, path_parameters=path_parameters))
    def exchange(case: schemathesis.Case) -> None:
        nonlocal sent
        response = case.call(app=application, headers=headers)
        sent += 1
        case.validate_response(response, checks=checks, headers=headers)

    exchange()
    return sent


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_every_operation_answers_as_documented(
    operation: schemathesis.APIOperation,
    seeded: dict[str, str],
    curator_token: str,
    record_property: Callable[[str, object], None],
) -> None:
    sent = 0
    curator = {"Authorization": f"Token {curator_token}"}
    existing = existing_record(operation, seeded)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for headers in ({}, curator):
            sent += fuzz(operation, mode, headers)
        # A record that exists, with a curator who may change it. Invalid data needs
        # something to make invalid besides the fixed path: a request body.
        if existing and (mode == GenerationMode.POSITIVE or operation.method in BODY_METHODS):
            sent += fuzz(operation, mode, curator, existing)
    record_property("requests", sent)
    assert sent > 0
