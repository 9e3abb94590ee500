"""The curator and reviewer groups.

Curators keep the records: they add, change and delete actors, memberships,
conflicts, events, positions, measures and sources (change_measure is what a
status transition needs, and the add and change permissions are what an
import uses), and they edit the parties, participants and related events
that the admin shows inline. Status changes are written by transitions only,
so curators may view them but not edit them.

Reviewers read everything and change nothing. Reading history is granted by
the migration that adds history models: it calls accounts.roles.grant with
their view permissions.
"""

from django.db import migrations

from accounts.roles import CURATOR, REVIEWER, grant, model_permissions, remove_group

ALL = ("add", "change", "delete", "view")

CURATOR_PERMISSIONS = [
    *model_permissions("actors", ["actor", "membership"], ALL),
    *model_permissions(
        "responses",
        [
            "conflict",
            "conflictparty",
            "event",
            "eventparticipant",
            "eventrelation",
            "position",
            "measure",
            "source",
        ],
        ALL,
    ),
    "responses.view_measurestatuschange",
]

REVIEWER_PERMISSIONS = [
    *model_permissions("actors", ["actor", "membership"], ["view"]),
    *model_permissions(
        "responses",
        [
            "conflict",
            "conflictparty",
            "event",
            "eventparticipant",
            "eventrelation",
            "position",
            "measure",
            "measurestatuschange",
            "source",
        ],
        ["view"],
    ),
]


def create_roles(apps, schema_editor):
    grant(apps, CURATOR, CURATOR_PERMISSIONS)
    grant(apps, REVIEWER, REVIEWER_PERMISSIONS)


def remove_roles(apps, schema_editor):
    remove_group(apps, CURATOR)
    remove_group(apps, REVIEWER)


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("actors", "0003_reserved_slugs"),
        ("responses", "0005_change_feed"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
    ]
