"""Saved filters move to an app of their own (savedfilters): the table stays.

Only the model state leaves; savedfilters' first migration takes it over. It
runs after the accounts migrations that grant the permissions of
``responses.savedfilter``, which need the model where it was.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("responses", "0012_measure_dates_agree_with_status"),
        ("accounts", "0004_curators_save_filters"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SavedFilter")],
        ),
    ]
