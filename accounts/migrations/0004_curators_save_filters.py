"""Saving a list's filters needs the add permission on saved filters: curators have it.

Before, any staff user who could read a list could save its filters, shared
ones included, which every curator then saw.
"""

from django.db import migrations

from accounts.roles import CURATOR, grant, revoke

ADD_SAVED_FILTER = ["responses.add_savedfilter"]


def forwards(apps, schema_editor):
    grant(apps, CURATOR, ADD_SAVED_FILTER)


def backwards(apps, schema_editor):
    revoke(apps, CURATOR, ADD_SAVED_FILTER)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_history_and_saved_filter_permissions")]

    operations = [migrations.RunPython(forwards, backwards)]
