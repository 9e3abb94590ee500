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
from pathlib import Path

import pytest
import schemathesis
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
SCHEMA = schemathesis.openapi.from_path(SCHEMA_PATH)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations() if isinstance(result, Ok)]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

pytestmark = pytest.mark.fuzz


@pytest.fixture
def curator_token(transactional_db: None) -> str:
    user = User.objects.create_user("fuzzing-curator", password="a-long-test-password")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["actors", "responses"])
    )
    return Token.objects.create(user=user).key


@pytest.fixture
def seeded(transactional_db: None) -> None:
    """The Kyiv scenario, so that some generated slugs and ids name real records."""
    call_command("load_scenario", verbosity=0)


def fuzz(
    operation: schemathesis.APIOperation, mode: GenerationMode, headers: dict[str, str]
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
    @given(case=operation.as_strategy(mode))
    def exchange(case: schemathesis.Case) -> None:
        nonlocal sent
        response = case.call(app=application, headers=headers)
        sent += 1
        case.validate_response(response, checks=checks, headers=headers)

    exchange()
    return sent


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_every_operation_answers_as_documented(
    operation: schemathesis.APIOperation, seeded: None, curator_token: str
) -> None:
    sent = 0
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for headers in ({}, {"Authorization": f"Token {curator_token}"}):
            sent += fuzz(operation, mode, headers)
    print(f"{operation.label}: {sent} requests")
    assert sent > 0
