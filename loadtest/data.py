"""The data a load test starts from: the scenario, a curator's token, shared measures."""

from __future__ import annotations

import secrets
from typing import Any

SHARED_MEASURES = 6


def prepare_database(run_id: str) -> tuple[str, list[int], list[int]]:
    """Schema, scenario, a curator's token and the measures the clients race on."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.contrib.auth.models import Permission, User
    from django.db import connections

    from responses.lifecycle import transition_measure  # noqa: F401  (loads the app)
    from responses.models import Measure, Source

    call_command("migrate", verbosity=0)
    call_command("load_scenario", verbosity=0)
    user = User.objects.create_user("load-curator", password=secrets.token_urlsafe(16))
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["actors", "responses"])
    )
    token = api_token(user)
    template = Measure.objects.get()
    measures = []
    for number in range(SHARED_MEASURES):
        measure = Measure.objects.create(
            actor=template.actor,
            target=template.target,
            kind=template.kind,
            description=f"{run_id} shared measure {number}",
        )
        measure.sources.set(template.sources.all())
        measures.append(measure.pk)
    source_ids = list(Source.objects.values_list("pk", flat=True))
    connections.close_all()
    return token, source_ids, measures


def api_token(user: Any) -> str:
    """A read-write token, whichever token model the project uses."""
    from django.apps import apps

    if not apps.is_installed("accounts"):
        from rest_framework.authtoken.models import Token

        return str(Token.objects.create(user=user).key)
    # Hashed service tokens (the accounts app).
    from accounts.tokens import issue_token  # type: ignore[import-not-found, unused-ignore]

    _token, key = issue_token(user, name="load test", read_only=False)
    return str(key)
