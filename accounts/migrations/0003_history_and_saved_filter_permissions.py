"""Reading history for curators and reviewers; saved filters for curators.

History names who changed what, so it is readable by signed-in people with
these view permissions, which both roles get. Curators also save their list
filters in the admin.
"""

from django.db import migrations

from accounts.roles import CURATOR, REVIEWER, grant, model_permissions, revoke

HISTORY_VIEW = [
    *model_permissions("actors", ["historicalactor"], ["view"]),
    *model_permissions(
        "responses",
        [
            "historicalconflict",
            "historicalevent",
            "historicalposition",
            "historicalmeasure",
            "historicalsource",
        ],
        ["view"],
    ),
]
SAVED_FILTERS = model_permissions("responses", ["savedfilter"], ["view", "change", "delete"])


def forwards(apps, schema_editor):
    grant(apps, REVIEWER, HISTORY_VIEW)
    grant(apps, CURATOR, [*HISTORY_VIEW, *SAVED_FILTERS])


def backwards(apps, schema_editor):
    revoke(apps, REVIEWER, HISTORY_VIEW)
    revoke(apps, CURATOR, [*HISTORY_VIEW, *SAVED_FILTERS])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_service_tokens"),
        ("actors", "0004_history"),
        ("responses", "0008_saved_filters"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
